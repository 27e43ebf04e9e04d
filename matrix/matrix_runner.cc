#include "matrix/matrix_runner.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"

namespace forkcheck {
namespace {

struct Job {
  size_t cell;
  int repetition;
};

// The shared state of one RunMatrix call.
class Schedule {
 public:
  Schedule(const std::vector<Cell>& cells, const ServerPool& servers,
           const MatrixRunOptions& options)
      : cells_(cells), servers_(servers), options_(options) {
    results_.resize(cells.size());
    remaining_.assign(cells.size(), options.repetitions);
    for (size_t i = 0; i < cells.size(); ++i) {
      results_[i].cell = cells[i];
      results_[i].key = CellKey(cells[i]);
      results_[i].samples.resize(options.repetitions);
      first_.push_back({i, 0});
    }
  }

  // A lane: CPU lanes take first trials, then any work; hang lanes take
  // only the repetitions of cells that hung.
  void RunLane(bool hang_lane) {
    while (true) {
      std::optional<Job> job = Take(hang_lane);
      if (!job.has_value()) return;
      TrialSample sample = RunOne(*job);
      Finish(*job, std::move(sample));
    }
  }

  std::vector<CellResult> TakeResults() { return std::move(results_); }

 private:
  std::optional<Job> Take(bool hang_lane) {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      if (!hang_lane && !first_.empty()) return Pop(first_);
      if (!hang_prone_.empty()) return Pop(hang_prone_);
      if (hang_lane) {
        // The first trial of a cell whose model already hung in another cell
        // is likely to hang too: wait it out here, off the CPU lanes.
        for (auto it = first_.begin(); it != first_.end(); ++it) {
          if (hung_models_.count(cells_[it->cell].model_name) != 0) {
            const Job job = *it;
            first_.erase(it);
            ++running_first_;
            return job;
          }
        }
      }
      if (!hang_lane && !steady_.empty()) return Pop(steady_);
      // Nothing for this lane now; more may come while first trials run.
      if (first_.empty() && running_first_ == 0) return std::nullopt;
      changed_.wait(lock);
    }
  }

  Job Pop(std::deque<Job>& queue) {
    Job job = queue.front();
    queue.pop_front();
    if (job.repetition == 0) ++running_first_;
    return job;
  }

  TrialSample RunOne(const Job& job) {
    const Cell& cell = cells_[job.cell];
    absl::StatusOr<std::string> target = servers_.TargetFor(cell.axes);
    if (!target.ok()) {
      TrialSample failed;
      failed.harness_error = std::string(target.status().message());
      return failed;
    }
    return RunCellTrial(cell, *target, options_.cell);
  }

  void Finish(const Job& job, TrialSample sample) {
    std::lock_guard<std::mutex> lock(mu_);
    const bool hung = sample.watchdog_fired;
    results_[job.cell].samples[job.repetition] = std::move(sample);
    if (job.repetition == 0) {
      --running_first_;
      if (hung) hung_models_.insert(cells_[job.cell].model_name);
      std::deque<Job>& queue = hung ? hang_prone_ : steady_;
      for (int r = 1; r < options_.repetitions; ++r) {
        queue.push_back({job.cell, r});
      }
    }
    if (--remaining_[job.cell] == 0 && options_.on_cell_done) {
      options_.on_cell_done(results_[job.cell]);
    }
    changed_.notify_all();
  }

  const std::vector<Cell>& cells_;
  const ServerPool& servers_;
  const MatrixRunOptions& options_;

  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Job> first_;
  std::deque<Job> hang_prone_;
  std::deque<Job> steady_;
  int running_first_ = 0;
  std::set<std::string> hung_models_;  // models with a cell that hung
  std::vector<int> remaining_;
  std::vector<CellResult> results_;
};

}  // namespace

std::vector<CellResult> RunMatrix(const std::vector<Cell>& cells,
                                  const ServerPool& servers,
                                  const MatrixRunOptions& options) {
  MatrixRunOptions bounded = options;
  bounded.repetitions = std::max(1, options.repetitions);
  bounded.cpu_lanes = std::max(1, options.cpu_lanes);
  bounded.hang_lanes = std::max(0, options.hang_lanes);
  Schedule schedule(cells, servers, bounded);
  std::vector<std::thread> lanes;
  for (int i = 0; i < bounded.cpu_lanes; ++i) {
    lanes.emplace_back([&schedule] { schedule.RunLane(false); });
  }
  for (int i = 0; i < bounded.hang_lanes; ++i) {
    lanes.emplace_back([&schedule] { schedule.RunLane(true); });
  }
  for (std::thread& lane : lanes) lane.join();
  return schedule.TakeResults();
}

}  // namespace forkcheck
