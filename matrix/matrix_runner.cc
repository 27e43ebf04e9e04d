#include "matrix/matrix_runner.h"

#include <algorithm>
#include <condition_variable>
#include <future>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "common/start_thread.h"
#include "matrix/lane_order.h"

namespace forkcheck {
namespace {

using Clock = std::chrono::steady_clock;

// See Schedule::Choose.
constexpr int kMaxTesteesOnHangLanes = 2;

// Where a cell is in its run.
struct CellState {
  int started = 0;
  int in_flight = 0;
  int finished = 0;
  int hung = 0;  // trials whose watchdog fired
  // Hung trials whose stacks gave a signature, and trials in flight that
  // will capture stacks if they hang; the same for crashes' cores.
  int hung_with_stacks = 0;
  int capturing = 0;
  int crashed_with_stacks = 0;
  int reading_cores = 0;
  int harness_errors = 0;
  // Most of its trials hung: they wait out watchdogs without using CPU, so
  // they go to the hang lanes. A cell whose trials mostly work stays on the
  // CPU lanes: on hang lanes its trials would run many at once and load
  // the machine until trials that would have worked hang too.
  bool hang_prone() const { return hung * 2 > finished; }
  // Trials it still needs if the rest fall as most did so far
  // (TrialsToDecision); those in flight count towards it.
  int to_decision = 0;
  int still_needed() const { return std::max(0, to_decision - in_flight); }
  // What its finished trials took a lane, diagnosis included.
  int64_t lane_micros = 0;
  // The lane time its still_needed trials should take at its mean so far
  // (0 before its first trial ends).
  int64_t remaining_micros() const {
    return finished == 0 ? 0 : still_needed() * (lane_micros / finished);
  }
  std::optional<StopReason> stopped;
  bool reported = false;  // on_cell_done called
  bool headline = false;  // MatrixRunOptions::headline
  // MatrixRunOptions::recorded's counts of it; null if none.
  const OutcomeCounts* recorded = nullptr;
  bool departs_from_record = false;  // as of its finished trials
  // CellStanding::only_sharpening, as of its finished trials.
  bool only_sharpening = false;
  // Whether its flaky look came (MaybeJudgeDeparting), and whether it then
  // departed from its record: judged under StoppingRule::Departing() from
  // then on.
  bool at_flaky_look = false;
  bool judged_departing = false;
};

// The shared state of one RunMatrix call.
class Schedule {
 public:
  Schedule(const std::vector<Cell>& cells, const ServerPool& servers,
           const MatrixRunOptions& options)
      : cells_(cells),
        servers_(servers),
        options_(options),
        deadline_(options.time_budget.count() > 0
                      ? std::optional<Clock::time_point>(Clock::now() +
                                                         options.time_budget)
                      : std::nullopt),
        states_(cells.size()) {
    results_.resize(cells.size());
    const int untried = TrialsToDecision({}, {}, options_.verdicts,
                                         options_.stopping);
    for (size_t i = 0; i < cells.size(); ++i) {
      results_[i].cell = cells[i];
      results_[i].key = CellKey(cells[i]);
      states_[i].to_decision = untried;
      states_[i].headline = options.headline.count(results_[i].key) != 0;
      const auto recorded = options.recorded.find(results_[i].key);
      if (recorded != options.recorded.end()) {
        states_[i].recorded = &recorded->second;
      }
    }
  }

  // A lane: CPU lanes take first trials, then any cell that did not hang;
  // hang lanes take cells that hung, or whose model hung elsewhere.
  void RunLane(bool hang_lane) {
    while (true) {
      std::optional<size_t> cell = Take(hang_lane);
      if (!cell.has_value()) return;
      TrialSample sample = RunOne(*cell);
      Finish(*cell, hang_lane, std::move(sample));
    }
  }

  std::vector<CellResult> TakeResults() { return std::move(results_); }

 private:
  bool PastDeadline() const {
    return deadline_.has_value() && Clock::now() >= *deadline_;
  }

  // Whether `cell` may start another trial now.
  bool Wants(size_t cell) const {
    const CellState& state = states_[cell];
    if (state.stopped.has_value()) return false;
    if (state.started >= options_.stopping.max_trials) return false;
    if (state.started < options_.stopping.min_trials) return true;
    return !PastDeadline();
  }

  std::optional<size_t> Take(bool hang_lane) {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      std::optional<size_t> chosen = Choose(hang_lane);
      if (chosen.has_value()) {
        ++states_[*chosen].started;
        ++states_[*chosen].in_flight;
        ++in_flight_;
        if (hang_lane && IsTestee(*chosen)) ++testees_on_hang_lanes_;
        ReportProgress();
        return chosen;
      }
      if (in_flight_ == 0) {
        // Every lane can see this: no trial runs, so nothing will change.
        StopIdleCells();
        ReportProgress();  // the cells just stopped count as done
        if (!AnyWanted()) {
          changed_.notify_all();
          return std::nullopt;
        }
      }
      // A trial in flight (or another lane's kind of work) remains; every
      // Finish wakes this lane to look again.
      changed_.wait(lock);
    }
  }

  bool AnyWanted() const {
    for (size_t i = 0; i < states_.size(); ++i) {
      if (Wants(i)) return true;
    }
    return false;
  }

  bool IsTestee(size_t cell) const { return cells_[cell].client != kCppClient; }

  bool LikelyToHang(size_t cell) const {
    return hung_models_.count(cells_[cell].model_name) != 0 ||
           options_.likely_to_hang.count(results_[cell].key) != 0;
  }

  // First trials in design order (CPU lanes); then, of the wanted cells of
  // this lane's kind, the one nearest its verdict in lane time. Finishing
  // the nearest cells first (shortest remaining time, not spreading trials
  // over all) leaves the fewest cells undecided when the time budget runs
  // out: a safe cell needs tens of trials of a fraction of a second, an
  // unsafe one a few, which may each wait out a watchdog.
  std::optional<size_t> Choose(bool hang_lane) const {
    if (!hang_lane) {
      for (size_t i = 0; i < states_.size(); ++i) {
        // A first trial likely to hang waits for a hang lane (below).
        if (states_[i].started == 0 && Wants(i) &&
            (options_.hang_lanes == 0 || !LikelyToHang(i))) {
          return i;
        }
      }
    }
    std::optional<size_t> best;
    for (size_t i = 0; i < states_.size(); ++i) {
      const CellState& state = states_[i];
      if (!Wants(i)) continue;
      bool fits;
      if (state.started == 0) {
        // The first trial of a cell whose model already hung in another
        // cell is likely to hang too: wait it out on a hang lane.
        fits = hang_lane && LikelyToHang(i);
      } else if (options_.hang_lanes == 0) {
        fits = true;  // CPU lanes wait out hangs when there is no other
      } else {
        fits = state.hang_prone() == hang_lane;
      }
      if (!fits) continue;
      // A testee's hung trial is not idle: each started interpreters, and
      // some spin while they hang. Many at once load the machine until
      // trials that work time out too (seen with Python's spawn cells), so
      // hang lanes take only a few of them at a time.
      if (hang_lane && IsTestee(i) &&
          testees_on_hang_lanes_ >= kMaxTesteesOnHangLanes) {
        continue;
      }
      if (!best.has_value() || Sooner(state, states_[*best])) best = i;
    }
    return best;
  }

  // Whether `a` should get a free lane before `b` (lane_order.h).
  bool Sooner(const CellState& a, const CellState& b) const {
    const auto standing = [this](const CellState& state) {
      CellStanding s;
      s.below_minimum = state.started < options_.stopping.min_trials;
      s.decided_if_in_flight_agree = state.still_needed() == 0;
      s.departs_from_record = state.departs_from_record;
      s.headline = state.headline;
      s.only_sharpening = state.only_sharpening;
      s.remaining_micros = state.remaining_micros();
      s.started = state.started;
      return s;
    };
    return ServesBefore(standing(a), standing(b));
  }

  TrialSample RunOne(size_t cell) {
    if (options_.run_trial) return options_.run_trial(cells_[cell]);
    absl::StatusOr<std::string> target = servers_.TargetFor(cells_[cell].axes);
    TrialSample failed;
    if (!target.ok()) {
      failed.harness_error = std::string(target.status().message());
      return failed;
    }
    absl::StatusOr<CellTrial> trial =
        PrepareCellTrial(cells_[cell], *target, options_.cell);
    if (!trial.ok()) {
      failed.harness_error = std::string(trial.status().message());
      return failed;
    }
    bool capture = false;
    bool read_cores = false;
    {
      // The stacks of a cell's first failed trials say what its hangs and
      // crashes are; a debugger on every later one would cost each a few
      // seconds.
      std::lock_guard<std::mutex> lock(mu_);
      CellState& state = states_[cell];
      capture =
          state.hung_with_stacks + state.capturing < options_.stacks_per_cell;
      read_cores = state.crashed_with_stacks + state.reading_cores <
                   options_.stacks_per_cell;
      if (capture) ++state.capturing;
      if (read_cores) ++state.reading_cores;
    }
    trial->prepared.command.capture_hung_stacks = capture;
    trial->prepared.command.read_cores = read_cores;
    TrialSample sample = RunPreparedCellTrial(*trial);
    sample.stacks_captured = capture;
    sample.cores_read = read_cores;
    return sample;
  }

  void Finish(size_t cell, bool hang_lane, TrialSample sample) {
    std::lock_guard<std::mutex> lock(mu_);
    if (hang_lane && IsTestee(cell)) --testees_on_hang_lanes_;
    CellState& state = states_[cell];
    CellResult& result = results_[cell];
    --state.in_flight;
    --in_flight_;
    ++state.finished;
    ++trials_finished_;
    state.lane_micros += sample.wall_micros + sample.diagnosis_micros;
    if (sample.watchdog_fired) {
      ++trials_hung_;
      ++state.hung;
      hung_models_.insert(cells_[cell].model_name);
    }
    bool live_stacks = false;
    bool core_stacks = false;
    for (const ProcessEvidence& evidence : sample.evidence) {
      if (!evidence.has_signature()) continue;
      (evidence.from_core() ? core_stacks : live_stacks) = true;
    }
    if (sample.watchdog_fired && live_stacks) ++state.hung_with_stacks;
    if (core_stacks) ++state.crashed_with_stacks;
    if (sample.stacks_captured) --state.capturing;
    if (sample.cores_read) --state.reading_cores;
    if (!sample.harness_error.empty()) ++state.harness_errors;
    TrimEvidenceText(result, &sample);
    result.samples.push_back(std::move(sample));
    if (!state.stopped.has_value()) {
      const OutcomeCounts workers = result.WorkerCounts();
      const OutcomeCounts parent = result.ParentCounts();
      const RateVerdict verdict = Judge(workers, options_.verdicts);
      const std::optional<RateVerdict> parent_verdict =
          JudgeIfTried(parent, options_.verdicts);
      state.departs_from_record =
          state.recorded != nullptr &&
          DepartsFromRecord(*state.recorded, workers, options_.verdicts);
      MaybeJudgeDeparting(cell, verdict);
      state.stopped = StopNow(cell, verdict, parent_verdict);
      // Only a cell that may still be chosen needs its distance (up to 60
      // judgements of its counts, under the lock).
      if (!state.stopped.has_value()) {
        state.to_decision =
            TrialsToDecision(workers, parent, options_.verdicts, RuleFor(cell));
        state.only_sharpening =
            OnlySharpening(verdict, parent_verdict, RuleFor(cell));
      }
    }
    if (!state.stopped.has_value() && state.in_flight == 0 && !Wants(cell)) {
      state.stopped = StoppedWithoutVerdict(cell);
    }
    MaybeReport(cell);
    ReportProgress();
    changed_.notify_all();
  }

  // The stopping rule `cell` is judged under.
  StoppingRule RuleFor(size_t cell) const {
    return states_[cell].judged_departing ? options_.stopping.Departing()
                                          : options_.stopping;
  }

  // At a mixed cell's flaky look (`workers`: its verdict now), whether it
  // departs from its record (departs_from_record, as of these trials): if
  // so, it is judged at the departing look instead. Asked once, at that
  // look, so that the look a cell is judged at is chosen once.
  void MaybeJudgeDeparting(size_t cell, const RateVerdict& workers) {
    CellState& state = states_[cell];
    if (state.at_flaky_look || !AtFlakyLook(workers, options_.stopping)) {
      return;
    }
    state.at_flaky_look = true;
    state.judged_departing = state.departs_from_record;
  }

  // Why `cell` needs no more trials, judged on what it has now (`workers`:
  // its workers' verdict; `parent_verdict`: its parent's client's, if the
  // model checks one and it ran).
  std::optional<StopReason> StopNow(
      size_t cell, const RateVerdict& workers,
      const std::optional<RateVerdict>& parent_verdict) const {
    const CellState& state = states_[cell];
    if (state.harness_errors >= options_.stopping.min_trials) {
      return StopReason::kHarnessError;
    }
    std::optional<StopReason> reason =
        ShouldStop(workers, parent_verdict, RuleFor(cell));
    if (reason.has_value()) return reason;
    if (state.started >= options_.stopping.max_trials) {
      return StopReason::kTrialCap;  // harness errors used up its trials
    }
    return std::nullopt;
  }

  // Cells that want nothing more but were never told why: the deadline
  // passed while they were still in doubt.
  void StopIdleCells() {
    for (size_t i = 0; i < states_.size(); ++i) {
      if (states_[i].stopped.has_value() || Wants(i)) continue;
      states_[i].stopped = StoppedWithoutVerdict(i);
      MaybeReport(i);
    }
  }

  StopReason StoppedWithoutVerdict(size_t cell) const {
    return states_[cell].started >= options_.stopping.max_trials
               ? StopReason::kTrialCap
               : StopReason::kTimeBudget;
  }

  void MaybeReport(size_t cell) {
    CellState& state = states_[cell];
    if (!state.stopped.has_value() || state.in_flight > 0 || state.reported) {
      return;
    }
    state.reported = true;
    ++cells_done_;
    results_[cell].stop_reason = std::string(StopReasonName(*state.stopped));
    if (options_.on_cell_done) options_.on_cell_done(results_[cell]);
  }

  // Called with mu_ held, so that calls are serialised and in order.
  void ReportProgress() const {
    if (!options_.on_progress) return;
    MatrixProgress progress;
    progress.cells = static_cast<int>(states_.size());
    progress.cells_done = cells_done_;
    progress.trials_finished = trials_finished_;
    progress.trials_running = in_flight_;
    progress.trials_hung = trials_hung_;
    if (deadline_.has_value()) {
      progress.budget_left = std::max(
          std::chrono::milliseconds(0),
          std::chrono::duration_cast<std::chrono::milliseconds>(*deadline_ -
                                                                Clock::now()));
    }
    options_.on_progress(progress);
  }

  const std::vector<Cell>& cells_;
  const ServerPool& servers_;
  const MatrixRunOptions& options_;
  const std::optional<Clock::time_point> deadline_;

  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<CellState> states_;
  int in_flight_ = 0;
  int cells_done_ = 0;
  int trials_finished_ = 0;
  int trials_hung_ = 0;
  int testees_on_hang_lanes_ = 0;
  std::set<std::string> hung_models_;  // models with a cell that hung
  std::vector<CellResult> results_;
};

}  // namespace

absl::StatusOr<std::vector<CellResult>> RunMatrix(
    const std::vector<Cell>& cells, const ServerPool& servers,
    const MatrixRunOptions& options) {
  MatrixRunOptions bounded = options;
  bounded.cpu_lanes = std::max(1, options.cpu_lanes);
  bounded.hang_lanes = std::max(0, options.hang_lanes);
  Schedule schedule(cells, servers, bounded);
  // Every lane waits for the word to go, so that a lane the system refuses
  // (a limit on threads) stops the run before any trial starts: a matrix
  // on fewer lanes than asked would be judged against the wrong budget.
  std::promise<bool> go;
  std::shared_future<bool> going = go.get_future().share();
  std::vector<std::thread> lanes;
  // No allocation between a lane's start and the word: a throw there would
  // leave lanes waiting on a broken promise.
  lanes.reserve(bounded.cpu_lanes + bounded.hang_lanes);
  absl::Status started = absl::OkStatus();
  for (int i = 0; i < bounded.cpu_lanes + bounded.hang_lanes; ++i) {
    const bool hang_lane = i >= bounded.cpu_lanes;
    absl::StatusOr<std::thread> lane = StartThread(
        hang_lane ? "a hang lane of the matrix" : "a CPU lane of the matrix",
        [&schedule, going, hang_lane] {
          if (going.get()) schedule.RunLane(hang_lane);
        });
    if (!lane.ok()) {
      started = lane.status();
      break;
    }
    lanes.push_back(*std::move(lane));
  }
  go.set_value(started.ok());
  for (std::thread& lane : lanes) lane.join();
  if (!started.ok()) return started;
  return schedule.TakeResults();
}

}  // namespace forkcheck
