#include "fakes/fake_server_process.h"

#include <sys/wait.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/runfiles.h"

namespace forkcheck {
namespace {

// Where to read what the server wrote on its standard error, for a message.
std::string ErrorOutput(const std::string& stderr_path) {
  if (stderr_path.empty()) return "its error output is above";
  return DescribeOutputTail(stderr_path);
}

}  // namespace

absl::StatusOr<std::unique_ptr<FakeServerProcess>> FakeServerProcess::Start(
    Options options) {
  std::vector<std::string> argv = {options.binary};
  argv.insert(argv.end(), options.flags.begin(), options.flags.end());
  auto process = Subprocess::Start(argv, options.stderr_path);
  if (!process.ok()) return process.status();
  auto line = (*process)->ReadLine(options.startup_timeout);
  if (!line.ok() || line->empty()) {
    int status = (*process)->Stop(std::chrono::seconds(1));
    return absl::UnavailableError(absl::StrCat(
        "fake server ", options.binary, " did not print its address (",
        line.ok() ? "empty line" : line.status().message(), "); it ",
        DescribeWaitStatus(status), " (", ErrorOutput(options.stderr_path),
        ")"));
  }
  return std::unique_ptr<FakeServerProcess>(new FakeServerProcess(
      *std::move(process), *std::move(line), options.stderr_path));
}

absl::Status FakeServerProcess::Stop() {
  int status = process_->Stop(std::chrono::seconds(5));
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return absl::OkStatus();
  return absl::InternalError(absl::StrCat("fake server ",
                                          DescribeWaitStatus(status), " (",
                                          ErrorOutput(stderr_path_), ")"));
}

absl::StatusOr<std::string> FakeServerBinaryPath(const std::string& argv0) {
  return RunfileExecutable("fakes/fake_bigquery_storage_server", argv0);
}

}  // namespace forkcheck
