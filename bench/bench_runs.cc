#include "bench/bench_runs.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/file_util.h"
#include "common/temp_dir.h"
#include "common/json_fields.h"
#include "common/subprocess.h"

namespace forkcheck {
namespace {

// Runs argv in its own process group, its standard output and error into
// `output` (truncated first), waits at most `timeout`; its wait status, or
// DEADLINE_EXCEEDED after killing the group.
absl::StatusOr<int> RunBounded(const std::vector<std::string>& argv,
                               const std::vector<std::string>& env,
                               std::chrono::milliseconds timeout,
                               const std::string& output) {
  SpawnOptions options;
  options.env = env;
  const int output_fd =
      open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (output_fd < 0) {
    return absl::InternalError(
        absl::StrCat("open ", output, ": ", std::strerror(errno)));
  }
  options.fds = {{output_fd, 1}, {output_fd, 2}};
  absl::StatusOr<pid_t> pid = SpawnInProcessGroup(argv, options);
  close(output_fd);
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

std::string NonFiniteNumbersToNull(const std::string& json_text) {
  std::string out;
  out.reserve(json_text.size());
  bool in_string = false;
  for (size_t i = 0; i < json_text.size(); ++i) {
    const char c = json_text[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < json_text.size()) {
        out.push_back(json_text[++i]);
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') in_string = true;
    bool replaced = false;
    for (const absl::string_view token :
         {"-Infinity", "Infinity", "-NaN", "NaN", "-nan", "nan", "-inf",
          "inf"}) {
      if (absl::string_view(json_text).substr(i, token.size()) == token) {
        out += "null";
        i += token.size() - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) out.push_back(c);
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> ListBenchmarks(
    const BenchRun& run, std::chrono::milliseconds timeout) {
  std::vector<std::string> argv = {run.binary};
  argv.insert(argv.end(), run.flags.begin(), run.flags.end());
  argv.push_back("--benchmark_list_tests=true");
  // The list goes to a file: RunBounded gives a child no pipe to drain.
  std::string pattern =
      absl::StrCat(TemporaryRoot(), "/forkcheck-bench-list-XXXXXX");
  const int fd = mkstemp(pattern.data());
  if (fd < 0) {
    return absl::InternalError(
        absl::StrCat("mkstemp for ", run.name, "'s list: ", std::strerror(errno)));
  }
  close(fd);
  const std::string listing = pattern;
  absl::StatusOr<int> status = RunBounded(argv, run.env, timeout, listing);
  absl::StatusOr<std::string> text = ReadFile(listing, "benchmark list");
  unlink(listing.c_str());
  if (!status.ok()) return status.status();
  if (*status != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        run.name, " rejects its flags (", DescribeWaitStatus(*status),
        "); run it with them to see why"));
  }
  if (!text.ok()) return text.status();
  std::vector<std::string> names;
  for (absl::string_view line : absl::StrSplit(*text, '\n')) {
    // Debian's library announces its build type first; names start BM_.
    if (absl::StartsWith(line, "BM_")) names.emplace_back(line);
  }
  return names;
}

std::string BenchmarkLogPath(const BenchRun& run, const std::string& scratch) {
  return absl::StrCat(scratch, "/", run.name, ".log");
}

int CountFinishedRepetitions(absl::string_view log,
                             const std::vector<std::string>& benchmarks) {
  const std::set<absl::string_view> names(benchmarks.begin(),
                                          benchmarks.end());
  int finished = 0;
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    const size_t space = line.find(' ');
    if (space == absl::string_view::npos) continue;
    if (names.count(line.substr(0, space)) != 0) ++finished;
  }
  return finished;
}

absl::StatusOr<nlohmann::json> RunBenchmark(const BenchRun& run,
                                            const std::string& scratch,
                                            std::chrono::milliseconds timeout) {
  const std::string out = absl::StrCat(scratch, "/", run.name, ".json");
  std::vector<std::string> argv = {run.binary};
  argv.insert(argv.end(), run.flags.begin(), run.flags.end());
  argv.push_back("--benchmark_out=" + out);
  argv.push_back("--benchmark_out_format=json");
  // Its console table and its fake servers' lines stay off the main job's
  // console; they are quoted if it fails.
  const std::string log = BenchmarkLogPath(run, scratch);
  absl::StatusOr<int> status = RunBounded(argv, run.env, timeout, log);
  if (!status.ok()) {
    return absl::Status(status.status().code(),
                        absl::StrCat(run.name, ": ", status.status().message(),
                                     "; ", DescribeOutputTail(log)));
  }
  if (*status != 0) {
    return absl::InternalError(absl::StrCat(run.name, " ",
                                            DescribeWaitStatus(*status), "; ",
                                            DescribeOutputTail(log)));
  }
  absl::StatusOr<std::string> text = ReadFile(out, "benchmark JSON");
  if (!text.ok()) return text.status();
  absl::StatusOr<nlohmann::json> document = json::ParseStrict(
      NonFiniteNumbersToNull(*text), absl::StrCat(run.name, "'s JSON"));
  if (!document.ok()) {
    return absl::InternalError(std::string(document.status().message()));
  }
  return *std::move(document);
}

}  // namespace forkcheck
