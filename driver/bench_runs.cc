#include "driver/bench_runs.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/json_fields.h"
#include "common/subprocess.h"

namespace forkcheck {
namespace {

// Runs argv in its own process group, waits at most `timeout`; its wait
// status, or DEADLINE_EXCEEDED after killing the group.
absl::StatusOr<int> RunBounded(const std::vector<std::string>& argv,
                               const std::vector<std::string>& env,
                               std::chrono::milliseconds timeout, bool quiet) {
  SpawnOptions options;
  options.env = env;
  int null_fd = -1;
  if (quiet) {
    null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null_fd >= 0) options.fds = {{null_fd, 1}, {null_fd, 2}};
  }
  absl::StatusOr<pid_t> pid = SpawnInProcessGroup(argv, options);
  if (null_fd >= 0) close(null_fd);
  if (!pid.ok()) return pid.status();
  std::optional<int> status = WaitForChild(*pid, timeout);
  if (status.has_value()) return *status;
  kill(-*pid, SIGKILL);
  WaitForChild(*pid, std::chrono::seconds(5));
  return absl::DeadlineExceededError(
      absl::StrCat(argv[0], " did not finish within ", timeout.count() / 1000,
                   " s; killed"));
}

}  // namespace

absl::Status CheckBenchmarkFlags(const BenchRun& run,
                                 std::chrono::milliseconds timeout) {
  std::vector<std::string> argv = {run.binary};
  argv.insert(argv.end(), run.flags.begin(), run.flags.end());
  argv.push_back("--benchmark_list_tests=true");
  absl::StatusOr<int> status =
      RunBounded(argv, run.env, timeout, /*quiet=*/true);
  if (!status.ok()) return status.status();
  if (*status != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        run.name, " rejects its flags (", DescribeWaitStatus(*status),
        "); run it with them to see why"));
  }
  return absl::OkStatus();
}

absl::StatusOr<nlohmann::json> RunBenchmark(const BenchRun& run,
                                            const std::string& scratch,
                                            std::chrono::milliseconds timeout) {
  const std::string out = absl::StrCat(scratch, "/", run.name, ".json");
  std::vector<std::string> argv = {run.binary};
  argv.insert(argv.end(), run.flags.begin(), run.flags.end());
  argv.push_back("--benchmark_out=" + out);
  argv.push_back("--benchmark_out_format=json");
  absl::StatusOr<int> status =
      RunBounded(argv, run.env, timeout, /*quiet=*/false);
  if (!status.ok()) {
    return absl::Status(
        status.status().code(),
        absl::StrCat(run.name, ": ", status.status().message()));
  }
  if (*status != 0) {
    return absl::InternalError(
        absl::StrCat(run.name, " ", DescribeWaitStatus(*status)));
  }
  absl::StatusOr<std::string> text = ReadFile(out, "benchmark JSON");
  if (!text.ok()) return text.status();
  absl::StatusOr<nlohmann::json> document =
      json::ParseStrict(*text, absl::StrCat(run.name, "'s JSON"));
  if (!document.ok()) {
    return absl::InternalError(std::string(document.status().message()));
  }
  return *std::move(document);
}

}  // namespace forkcheck
