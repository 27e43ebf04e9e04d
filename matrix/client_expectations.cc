#include "matrix/client_expectations.h"

#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/runfiles.h"
#include "matrix/expectations.h"

namespace forkcheck {
namespace {

std::string Subject(const ClientRun& client) {
  const v1::TesteeDescription& d = *client.description;
  if (client.client == kCppClient) return "gRPC " + d.library_version();
  return absl::StrCat(client.client, " (", d.library(), " ",
                      d.library_version(), ", gRPC core ",
                      d.grpc_core_version(), ")");
}

}  // namespace

std::string ClientExpectationsFile(const ClientRun& client) {
  return ExpectationsFileName(client.client,
                              client.description->library_version());
}

namespace {

// The client's expectations file as it is named (`*named`) and where it is
// read from (NOT_FOUND if it is not there).
absl::StatusOr<std::string> ExpectationsPath(const ClientRun& client,
                                             const std::string& argv0,
                                             const std::string& directory,
                                             std::string* named) {
  const std::string file_name = ClientExpectationsFile(client);
  if (directory.empty()) {
    *named = "conformance/expectations/" + file_name;
    return RunfileData(*named, argv0);
  }
  *named = absl::StrCat(directory, "/", file_name);
  // With an error_code: exists() throws when it cannot tell (a directory
  // on the way without search permission, a symlink loop, I/O errors).
  std::error_code error;
  const bool exists = std::filesystem::exists(*named, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot check ", *named, ": ", error.message()));
  }
  if (!exists) return absl::NotFoundError(*named);
  return *named;
}

}  // namespace

absl::StatusOr<std::map<std::string, OutcomeCounts>> RecordedWorkerCounts(
    const ClientRun& client, const std::string& argv0,
    const std::string& directory) {
  std::map<std::string, OutcomeCounts> counts;
  if (!client.description.has_value()) return counts;
  std::string named;
  absl::StatusOr<std::string> path =
      ExpectationsPath(client, argv0, directory, &named);
  if (absl::IsNotFound(path.status())) return counts;
  if (!path.ok()) return path.status();
  absl::StatusOr<ExpectationsFile> file = LoadExpectationsFile(*path);
  if (!file.ok()) return file.status();
  for (const auto& [key, expectation] : file->by_key) {
    counts[key] = expectation.workers;
  }
  return counts;
}

ExpectationsOutcome CompareClientWithExpectations(
    const ClientRun& client, const std::vector<CellResult>& results,
    const std::set<std::string>& known_keys, const std::string& argv0,
    const std::string& record_command, const ExpectationsRule& rule,
    const std::string& directory) {
  ExpectationsOutcome outcome;
  const std::string file_name = ClientExpectationsFile(client);
  absl::StatusOr<std::string> path =
      ExpectationsPath(client, argv0, directory, &outcome.file);
  if (!path.ok() && !absl::IsNotFound(path.status())) {
    outcome.differences = absl::StrCat(path.status().message(), "\n");
    return outcome;
  }
  if (!path.ok()) {
    outcome.differences =
        absl::StrCat("No expectations are recorded for ", Subject(client), " (",
                     file_name, "); record them with: ", record_command, "\n");
    return outcome;
  }
  outcome.found = true;
  absl::StatusOr<ExpectationsFile> file = LoadExpectationsFile(*path);
  if (!file.ok()) {
    outcome.differences = std::string(file.status().message());
    return outcome;
  }
  const ExpectationsCheck check = CheckExpectations(
      *file, ResultsOfClient(results, client.client), known_keys, rule);
  outcome.check = check;
  outcome.passed = Passed(check);
  if (!outcome.passed) outcome.differences = DescribeCheck(check, outcome.file);
  return outcome;
}

absl::StatusOr<std::string> StageClientExpectations(
    const ClientRun& client, const std::vector<CellResult>& results,
    const std::string& directory, const std::string& record_command,
    FileSet* files) {
  const std::string path =
      absl::StrCat(directory, "/", ClientExpectationsFile(client));
  // Re-recording accumulates: rare outcomes seen once stay expected.
  absl::StatusOr<ExpectationsFile> previous = LoadExpectationsFile(path);
  if (!previous.ok() && !absl::IsNotFound(previous.status())) {
    return previous.status();
  }
  if (absl::Status staged = files->Add(
          path, RenderExpectationsFile(
                    Subject(client), ResultsOfClient(results, client.client),
                    record_command, previous.ok() ? &*previous : nullptr));
      !staged.ok()) {
    return staged;
  }
  return path;
}

std::string DescribeClients(const std::vector<ClientRun>& clients) {
  std::string text;
  for (const ClientRun& client : clients) {
    if (!client.skipped.empty()) {
      absl::StrAppend(&text, client.client, ": skipped (", client.skipped,
                      ")\n");
      continue;
    }
    const v1::TesteeDescription& d = *client.description;
    absl::StrAppend(&text, client.client, ": ", d.library(), " ",
                    d.library_version(), " (", d.language(), ", gRPC core ",
                    d.grpc_core_version(), ")\n");
  }
  return text;
}

}  // namespace forkcheck
