// The main job's one progress display: what phase it is in, how far that
// phase has got, and the time elapsed and left. On a terminal one line is
// redrawn in place (once a second, so the clock moves while trials wait out
// their watchdogs); elsewhere (CI, `| tee`) a plain line is printed when a
// phase starts, every `plain_interval`, and when it ends, so a log stays
// short and still says where each phase ended.
#ifndef FORKCHECK_DRIVER_PROGRESS_DISPLAY_H_
#define FORKCHECK_DRIVER_PROGRESS_DISPLAY_H_

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <thread>

namespace forkcheck {

// One state of the display.
struct ProgressState {
  std::string phase;   // "matrix", "benchmarks 1/2"
  std::string detail;  // "212/278 cells, 1204 trials, 37 hung"
  std::chrono::milliseconds elapsed{0};  // since the job started
  // The phase's time left, if it can be estimated.
  std::optional<std::chrono::milliseconds> left;
};

// "matrix · 212/278 cells, 1204 trials, 37 hung · 4m12s · ~1m30s left", cut
// to `width` columns (counted in code points).
std::string FormatProgressLine(const ProgressState& state, size_t width);

// "45s", "4m12s", "1h02m".
std::string FormatDuration(std::chrono::milliseconds duration);

// The phase's time left from its progress so far: the time the done part
// took, scaled to the part not done; at most `bound` when there is one (a
// time budget). Absent before anything is done.
std::optional<std::chrono::milliseconds> EstimateTimeLeft(
    double done_fraction, std::chrono::milliseconds phase_elapsed,
    std::optional<std::chrono::milliseconds> bound);

class ProgressDisplay {
 public:
  using Clock = std::chrono::steady_clock;

  struct Options {
    bool redraw = false;  // a terminal: one line redrawn in place
    size_t width = 100;   // columns the line may take
    std::chrono::milliseconds redraw_interval{1000};
    std::chrono::milliseconds plain_interval{30000};
  };

  // Writes to `out` (not owned, outliving the display) from its own thread
  // and from the calls below.
  ProgressDisplay(std::ostream* out, Options options);
  ~ProgressDisplay();  // Finish()
  ProgressDisplay(const ProgressDisplay&) = delete;
  ProgressDisplay& operator=(const ProgressDisplay&) = delete;

  // A new phase: shown at once (a plain line too). Its time left is
  // estimated from the fractions Update gives, unless `left` says.
  void StartPhase(const std::string& phase);
  // The phase's detail, how much of it is done (0 to 1; unknown: absent),
  // and a bound on its time left (a time budget), if any.
  void Update(const std::string& detail, std::optional<double> done_fraction,
              std::optional<std::chrono::milliseconds> bound = std::nullopt);
  // Clears the line on a terminal (what follows starts on a clean line), or
  // prints the last state as a plain line; prints nothing more. Idempotent.
  void Finish();

 private:
  void Ticker();
  ProgressState StateLocked() const;
  void DrawLocked(bool plain_line);

  std::ostream* const out_;
  const Options options_;
  const Clock::time_point start_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool finished_ = false;
  bool drawn_ = false;  // a terminal line is showing
  std::string phase_;
  std::string detail_;
  Clock::time_point phase_start_;
  std::optional<double> done_fraction_;
  std::optional<std::chrono::milliseconds> bound_;
  Clock::time_point bound_at_;  // when bound_ was given
  Clock::time_point last_plain_;
  std::thread ticker_;
  // Whether ticker_ runs (set once, before any other thread can look).
  bool has_clock_ = false;
};

// Whether `fd` is a terminal, and its width in columns (or 0).
bool IsTerminal(int fd);
size_t TerminalWidth(int fd);

}  // namespace forkcheck

#endif  // FORKCHECK_DRIVER_PROGRESS_DISPLAY_H_
