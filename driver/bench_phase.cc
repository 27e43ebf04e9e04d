#include "driver/bench_phase.h"

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/scoped_directory.h"
#include "common/start_thread.h"

namespace forkcheck {
namespace {

// Reads `log` once a second while a binary runs and shows its finished
// runs (benchmarks × repetitions) out of `expected`.
class LogWatcher {
 public:
  LogWatcher(std::string log, const std::vector<std::string>* benchmarks,
             int expected, ProgressDisplay* display)
      : log_(std::move(log)),
        benchmarks_(benchmarks),
        expected_(expected),
        display_(display) {
    // Without a thread to spare the phase shows only where each binary
    // ended.
    absl::StatusOr<std::thread> thread =
        StartThread("the benchmark log's watcher", [this] { Watch(); });
    if (thread.ok()) thread_ = *std::move(thread);
  }
  ~LogWatcher() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    Show();  // where the binary ended, for the phase's last line
  }

 private:
  void Watch() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
      Show();
      wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_; });
    }
  }

  void Show() const {
    if (display_ == nullptr) return;
    absl::StatusOr<std::string> text = ReadFile(log_, "benchmark log");
    const int finished =
        text.ok() ? CountFinishedRepetitions(*text, *benchmarks_) : 0;
    if (expected_ <= 0) {
      display_->Update("", std::nullopt);
      return;
    }
    display_->Update(absl::StrCat(finished, "/", expected_, " runs"),
                     std::min(1.0, static_cast<double>(finished) / expected_));
  }

  const std::string log_;
  const std::vector<std::string>* const benchmarks_;
  const int expected_;
  ProgressDisplay* const display_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

// Appends `run`'s log to the phase's log under a heading.
void KeepLog(const std::string& from, const std::string& name,
             const std::string& to) {
  if (to.empty()) return;
  absl::StatusOr<std::string> text = ReadFile(from, "benchmark log");
  std::ofstream out(to, std::ios::app);
  out << "==== " << name << " ====\n"
      << (text.ok() ? *text : std::string(text.status().message())) << "\n";
}

}  // namespace

absl::StatusOr<std::map<std::string, nlohmann::json>> RunBenchPhase(
    const BenchPhase& phase, ProgressDisplay* display) {
  // Gone on every way out, a failed benchmark's early return included.
  absl::StatusOr<ScopedDirectory> made =
      ScopedDirectory::Make("forkcheck-bench-");
  if (!made.ok()) {
    return absl::InternalError(absl::StrCat(
        "a scratch directory for the benchmarks: ", made.status().message()));
  }
  const std::string& scratch = made->path();
  if (!phase.log_path.empty()) {
    // Beside the report, whose directory may not exist yet.
    std::error_code ignored;
    std::filesystem::create_directories(
        std::filesystem::path(phase.log_path).parent_path(), ignored);
    std::ofstream(phase.log_path, std::ios::trunc);
  }
  std::map<std::string, nlohmann::json> results;
  for (size_t i = 0; i < phase.runs.size(); ++i) {
    const BenchRun& run = phase.runs[i];
    if (display != nullptr) {
      display->StartPhase(absl::StrCat("benchmarks ", i + 1, "/",
                                       phase.runs.size(), " (", run.name,
                                       ")"));
    }
    const std::string log = BenchmarkLogPath(run, scratch);
    absl::StatusOr<nlohmann::json> json;
    {
      static const std::vector<std::string> kNone;
      const std::vector<std::string>& benchmarks =
          i < phase.benchmarks.size() ? phase.benchmarks[i] : kNone;
      LogWatcher watcher(
          log, &benchmarks,
          static_cast<int>(benchmarks.size()) * phase.repetitions, display);
      json = RunBenchmark(run, scratch, phase.timeout);
    }
    KeepLog(log, run.name, phase.log_path);
    if (!json.ok()) return json.status();
    results[run.name] = *std::move(json);
  }
  return results;
}

}  // namespace forkcheck
