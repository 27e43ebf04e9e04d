#include "fakes/fake_server_process.h"

#include <sys/wait.h>
#include <unistd.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "tools/cpp/runfiles/runfiles.h"

namespace forkcheck {

absl::StatusOr<std::unique_ptr<FakeServerProcess>> FakeServerProcess::Start(
    Options options) {
  std::vector<std::string> argv = {options.binary};
  argv.insert(argv.end(), options.flags.begin(), options.flags.end());
  auto process = Subprocess::Start(argv);
  if (!process.ok()) return process.status();
  auto line = (*process)->ReadLine(options.startup_timeout);
  if (!line.ok() || line->empty()) {
    int status = (*process)->Stop(std::chrono::seconds(1));
    return absl::UnavailableError(absl::StrCat(
        "fake server ", options.binary, " did not print its address (",
        line.ok() ? "empty line" : line.status().message(), "); it ",
        DescribeWaitStatus(status), " (its error output is above)"));
  }
  return std::unique_ptr<FakeServerProcess>(
      new FakeServerProcess(*std::move(process), *std::move(line)));
}

absl::Status FakeServerProcess::Stop() {
  int status = process_->Stop(std::chrono::seconds(5));
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return absl::OkStatus();
  return absl::InternalError(
      absl::StrCat("fake server ", DescribeWaitStatus(status)));
}

absl::StatusOr<std::string> FakeServerBinaryPath(const std::string& argv0) {
  using bazel::tools::cpp::runfiles::Runfiles;
  std::string error;
  std::unique_ptr<Runfiles> runfiles(Runfiles::Create(argv0, &error));
  if (runfiles == nullptr) {
    return absl::NotFoundError(absl::StrCat("cannot find runfiles: ", error));
  }
  std::string path =
      runfiles->Rlocation("forkcheck/fakes/fake_bigquery_storage_server");
  if (path.empty() || access(path.c_str(), X_OK) != 0) {
    return absl::NotFoundError(absl::StrCat(
        "fake_bigquery_storage_server is not among the runfiles (\"", path,
        "\"); add //fakes:fake_bigquery_storage_server to the target's data"));
  }
  return path;
}

}  // namespace forkcheck
