// forkcheck's main job (`./forkcheck run`).
//
// For now a smoke run of the foundation: start the fake BigQuery Storage
// server as its own process, read catalogue tables with the reference client
// from this process over TCP or a Unix socket, verify every row, and print
// what was read. The process-model matrix and the benchmarks grow from here.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "client/reference_reader.h"
#include "fakes/catalogue.h"
#include "fakes/fake_server_process.h"
#include "grpcpp/grpcpp.h"

ABSL_FLAG(std::vector<std::string>, tables, {},
          "Tables to read, by full name or last part (\"small\"); empty reads "
          "every table of the default catalogue.");
ABSL_FLAG(int, threads, 2, "Reader threads sharing one channel.");
ABSL_FLAG(int, streams, 0,
          "max_stream_count of each session; 0 lets the server choose.");
ABSL_FLAG(std::string, transport, "tcp", "tcp (127.0.0.1) or unix.");
ABSL_FLAG(int64_t, bytes_per_response, 256 << 10,
          "The fake's target payload per ReadRows response.");

namespace forkcheck {
namespace {

int Fail(const std::string& message) {
  std::cerr << "forkcheck run: " << message << "\n";
  return 2;
}

absl::StatusOr<std::vector<const TableSpec*>> ChooseTables(
    const Catalogue& catalogue, const std::vector<std::string>& names) {
  std::vector<const TableSpec*> tables;
  if (names.empty()) {
    for (const TableSpec& table : catalogue.tables()) tables.push_back(&table);
    return tables;
  }
  for (const std::string& name : names) {
    const TableSpec* found = catalogue.Resolve(name);
    if (found == nullptr) {
      std::string known;
      for (const TableSpec& table : catalogue.tables()) {
        absl::StrAppend(&known, known.empty() ? "" : ", ",
                        table.name.substr(table.name.rfind('/') + 1));
      }
      return absl::InvalidArgumentError(absl::StrCat(
          "--tables: no table \"", name,
          "\" in the catalogue (or it is ambiguous); known: ",
          known));
    }
    tables.push_back(found);
  }
  return tables;
}

std::string Millis(absl::Duration d) {
  return d == absl::InfiniteDuration()
             ? "-"
             : absl::StrFormat("%.1f", absl::ToDoubleMilliseconds(d));
}

int Main(const char* argv0) {
  const int threads = absl::GetFlag(FLAGS_threads);
  const int streams = absl::GetFlag(FLAGS_streams);
  const std::string transport = absl::GetFlag(FLAGS_transport);
  if (threads < 1) return Fail("--threads must be at least 1");
  if (streams < 0) return Fail("--streams must not be negative");
  if (transport != "tcp" && transport != "unix") {
    return Fail(absl::StrCat("--transport must be tcp or unix, got \"",
                             transport, "\""));
  }
  auto tables = ChooseTables(Catalogue::Default(), absl::GetFlag(FLAGS_tables));
  if (!tables.ok()) return Fail(std::string(tables.status().message()));

  auto binary = FakeServerBinaryPath(argv0);
  if (!binary.ok()) return Fail(std::string(binary.status().message()));
  const std::string listen =
      transport == "tcp" ? "127.0.0.1:0"
                         : absl::StrCat("unix:/tmp/forkcheck-run-", getpid(),
                                        ".sock");
  auto server = FakeServerProcess::Start(
      {*binary,
       {"--listen=" + listen,
        absl::StrCat("--bytes_per_response=",
                     absl::GetFlag(FLAGS_bytes_per_response))}});
  if (!server.ok()) return Fail(std::string(server.status().message()));

  std::cout << "forkcheck smoke run: gRPC " << grpc::Version()
            << ", fake server pid " << (*server)->pid() << " at "
            << (*server)->address() << ", " << threads
            << " reader thread(s) sharing one channel\n\n";
  std::cout << absl::StrFormat("%-10s %6s %9s %11s %9s %8s %9s %7s  %s\n",
                               "table", "streams", "rows", "bytes", "MB/s",
                               "ttfr_ms", "total_ms", "retries",
                               "exactly once");
  ReferenceReader reader(grpc::CreateChannel((*server)->address(),
                                             grpc::InsecureChannelCredentials()),
                         Catalogue::Default());
  int failures = 0;
  for (const TableSpec* table : *tables) {
    const std::string short_name = table->name.substr(table->name.rfind('/') + 1);
    auto session = reader.CreateSession(table->name, streams);
    if (!session.ok()) {
      std::cout << absl::StrFormat("%-10s session failed: %s\n", short_name,
                                   session.status().ToString());
      ++failures;
      continue;
    }
    ReadAccount account = reader.Read(*session, threads);
    const double seconds = absl::ToDoubleSeconds(account.total_time);
    std::cout << absl::StrFormat(
        "%-10s %6d %9d %11d %9.1f %8s %9s %7d  %s\n", short_name,
        session->streams_size(), account.unique_rows, account.bytes,
        seconds > 0 ? account.bytes / seconds / 1e6 : 0.0,
        Millis(account.time_to_first_row), Millis(account.total_time),
        account.retries.total(),
        account.exactly_once() ? "yes"
                               : absl::StrCat("NO: ", account.first_error.ToString(),
                                              ", missing ", account.missing_rows,
                                              ", duplicates ",
                                              account.duplicate_rows));
    if (!account.exactly_once()) ++failures;
  }
  std::cout.flush();  // before the server's own farewell on stderr
  if (absl::Status stopped = (*server)->Stop(); !stopped.ok()) {
    std::cerr << "forkcheck run: " << stopped.message() << "\n";
    ++failures;
  }
  std::cout << "\n"
            << (failures == 0 ? "every row of every table read exactly once"
                              : absl::StrCat(failures, " table(s) FAILED"))
            << "\n";
  return failures == 0 ? 0 : 1;
}

}  // namespace
}  // namespace forkcheck

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "forkcheck's main job: starts the fake BigQuery Storage server and reads "
      "tables with the reference client, verifying every row.");
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() > 1) {
    std::cerr << "forkcheck run: unexpected argument \"" << positional[1]
              << "\" (flags are --name=value; see --help)\n";
    return 2;
  }
  return forkcheck::Main(argv[0]);
}
