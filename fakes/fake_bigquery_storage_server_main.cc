// The fake BigQuery Storage server (Read and Write APIs) as a standalone
// process.
//
// Prints the address it bound ("127.0.0.1:PORT" or "unix:/path") as the first
// line of its standard output, then serves until SIGTERM or SIGINT, and shuts
// down cleanly: a harness starts it, reads that line, and points clients at
// it. With --list_tables it prints the catalogue (name and row count, one
// table a line) and exits.
#include <signal.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "dataset/catalogue.h"
#include "fakes/fake_server.h"
#include "fakes/fault_injector.h"
#include "fakes/grpc_callback_compat.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:0",
          "Address to serve on: host:port (port 0: the kernel chooses) or "
          "unix:/path/to/socket.");
ABSL_FLAG(std::string, catalogue, "",
          "JSON catalogue of tables to serve (see fakes/README.md); empty "
          "serves the default catalogue.");
ABSL_FLAG(std::string, faults, "",
          "JSON fault script (see fakes/README.md); empty injects none.");
ABSL_FLAG(int64_t, rows_per_response, 0,
          "At most this many rows per ReadRows response (0: no limit).");
ABSL_FLAG(int64_t, bytes_per_response, 256 << 10,
          "About this many bytes of rows per ReadRows response (0: no limit).");
ABSL_FLAG(int, default_stream_count, 16,
          "Streams per session when a request leaves max_stream_count at 0.");
ABSL_FLAG(bool, list_tables, false,
          "Print the catalogue, one table a line (name, row count), and exit.");

namespace forkcheck {
namespace {

int Fail(const std::string& message) {
  std::cerr << "fake_bigquery_storage_server: " << message << "\n";
  return 2;
}

int Main() {
  std::shared_ptr<const Catalogue> catalogue;
  if (std::string path = absl::GetFlag(FLAGS_catalogue); !path.empty()) {
    auto tables = LoadCatalogueFile(path);
    if (!tables.ok()) return Fail(std::string(tables.status().message()));
    catalogue = std::make_shared<const Catalogue>(*std::move(tables));
  } else {
    catalogue = std::shared_ptr<const Catalogue>(&Catalogue::Default(),
                                                 [](const Catalogue*) {});
  }
  if (absl::GetFlag(FLAGS_list_tables)) {
    for (const TableSpec& table : catalogue->tables()) {
      std::cout << table.name << " " << table.row_count << "\n";
    }
    return 0;
  }

  FakeServerOptions options;
  options.catalogue = catalogue;
  options.listen_address = absl::GetFlag(FLAGS_listen);
  options.rows_per_response = absl::GetFlag(FLAGS_rows_per_response);
  options.bytes_per_response = absl::GetFlag(FLAGS_bytes_per_response);
  options.default_stream_count = absl::GetFlag(FLAGS_default_stream_count);
  if (options.listen_address.empty()) {
    return Fail("--listen must not be empty");
  }
  if (std::string path = absl::GetFlag(FLAGS_faults); !path.empty()) {
    auto rules = LoadFaultScriptFile(path);
    if (!rules.ok()) return Fail(std::string(rules.status().message()));
    options.faults = *std::move(rules);
  }

  // Block the stop signals in every thread (gRPC's threads inherit the mask)
  // and take them synchronously here, so shutdown runs in ordinary code.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto server = FakeServer::Start(std::move(options));
  if (!server.ok()) return Fail(std::string(server.status().message()));
  std::cout << (*server)->address() << std::endl;  // flushed: a harness waits

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  (*server)->Shutdown();
  std::cerr << "fake_bigquery_storage_server: stopped by signal "
            << signal_number << "; faults fired:";
  for (int kind = 0; kind < kFaultKindCount; ++kind) {
    std::cerr << " " << FaultKindName(static_cast<FaultKind>(kind)) << "="
              << (*server)->faults().fired(static_cast<FaultKind>(kind));
  }
  std::cerr << "\n";
  return 0;
}

}  // namespace
}  // namespace forkcheck

int main(int argc, char** argv) {
  // First, while this process has one thread (see its comment).
  forkcheck::CallbackServingSupport callback_serving;
  if (!callback_serving.note().empty()) {
    std::cerr << "fake_bigquery_storage_server: " << callback_serving.note()
              << "\n";
  }
  absl::SetProgramUsageMessage(
      "Serves the fake BigQuery Storage Read and Write APIs. Prints the bound "
      "address first, then serves until SIGTERM/SIGINT.");
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() > 1) {
    std::cerr << "fake_bigquery_storage_server: unexpected argument \""
              << positional[1] << "\" (flags are --name=value)\n";
    return 2;
  }
  return forkcheck::Main();
}
