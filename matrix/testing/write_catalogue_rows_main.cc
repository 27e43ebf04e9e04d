// write_catalogue_rows TARGET TABLE CATALOGUE_TABLE ROWS: writes rows
// [0, ROWS) of catalogue table CATALOGUE_TABLE ("small") to TABLE on the
// server at TARGET through one committed stream, as a write trial's workers
// would, for the matrix's tests (a program of its own, so that the test
// writes as a separate client would). Exit 0 when
// every row was acknowledged, 1 if not, 2 for bad arguments.
#include <iostream>
#include <string>

#include "absl/strings/numbers.h"
#include "client/reference_writer.h"
#include "dataset/catalogue.h"
#include "grpcpp/grpcpp.h"

int main(int argc, char** argv) {
  int64_t rows = 0;
  if (argc != 5 || !absl::SimpleAtoi(argv[4], &rows) || rows < 0) {
    std::cerr << "usage: write_catalogue_rows TARGET TABLE CATALOGUE_TABLE "
                 "ROWS\n";
    return 2;
  }
  const forkcheck::TableSpec* spec =
      forkcheck::Catalogue::Default().Resolve(argv[3]);
  if (spec == nullptr) {
    std::cerr << "write_catalogue_rows: no catalogue table \"" << argv[3]
              << "\"\n";
    return 2;
  }
  forkcheck::ReferenceWriter writer(
      grpc::CreateChannel(argv[1], grpc::InsecureChannelCredentials()));
  const forkcheck::WriteAccount account = writer.Write(
      argv[2], *spec, 0, rows, forkcheck::WriteStreamKind::kCommitted);
  if (!account.ok()) {
    std::cerr << "write_catalogue_rows: " << account.first_error << "\n";
    return 1;
  }
  return 0;
}
