#include "driver/progress_display.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/start_thread.h"
#include "common/utf8.h"

namespace forkcheck {

using std::chrono::milliseconds;

std::string FormatDuration(milliseconds duration) {
  const int64_t seconds =
      std::max<int64_t>(0, (duration.count() + 500) / 1000);
  if (seconds < 60) return absl::StrCat(seconds, "s");
  if (seconds < 3600) {
    return absl::StrFormat("%dm%02ds", seconds / 60, seconds % 60);
  }
  return absl::StrFormat("%dh%02dm", seconds / 3600, seconds % 3600 / 60);
}

std::string FormatProgressLine(const ProgressState& state, size_t width) {
  std::string line = state.phase;
  if (!state.detail.empty()) absl::StrAppend(&line, " · ", state.detail);
  absl::StrAppend(&line, " · ", FormatDuration(state.elapsed));
  if (state.left.has_value()) {
    absl::StrAppend(&line, " · ~", FormatDuration(*state.left), " left");
  }
  return FirstCodePoints(line, width);
}

std::optional<milliseconds> EstimateTimeLeft(double done_fraction,
                                             milliseconds phase_elapsed,
                                             std::optional<milliseconds> bound) {
  std::optional<milliseconds> left;
  if (done_fraction >= 1) {
    left = milliseconds(0);
  } else if (done_fraction > 0) {
    left = milliseconds(static_cast<int64_t>(
        phase_elapsed.count() * (1 - done_fraction) / done_fraction));
  }
  if (bound.has_value()) {
    left = left.has_value() ? std::min(*left, *bound) : *bound;
  }
  return left;
}

ProgressDisplay::ProgressDisplay(std::ostream* out, Options options)
    : out_(out),
      options_(options),
      start_(Clock::now()),
      phase_start_(start_),
      last_plain_(start_) {
  absl::StatusOr<std::thread> ticker =
      StartThread("the progress display's clock", [this] { Ticker(); });
  if (ticker.ok()) {
    ticker_ = *std::move(ticker);
    has_clock_ = true;
  } else {
    *out_ << "forkcheck: " << ticker.status().message()
          << "; progress shows changes only\n";
  }
}

ProgressDisplay::~ProgressDisplay() { Finish(); }

void ProgressDisplay::StartPhase(const std::string& phase) {
  std::lock_guard<std::mutex> lock(mu_);
  if (finished_) return;
  // A log gets where the phase ended: its last state.
  if (!options_.redraw) DrawLocked(/*plain_line=*/true);
  phase_ = phase;
  detail_.clear();
  phase_start_ = Clock::now();
  done_fraction_.reset();
  bound_.reset();
  DrawLocked(/*plain_line=*/true);
}

void ProgressDisplay::Update(const std::string& detail,
                             std::optional<double> done_fraction,
                             std::optional<milliseconds> bound) {
  std::lock_guard<std::mutex> lock(mu_);
  if (finished_) return;
  detail_ = detail;
  done_fraction_ = done_fraction;
  bound_ = bound;
  bound_at_ = Clock::now();
  // A terminal line follows every change; a plain log only its interval
  // (the clock's job, or, without one, the next change's after it).
  if (options_.redraw) {
    DrawLocked(/*plain_line=*/false);
  } else if (!has_clock_ &&
             Clock::now() >= last_plain_ + options_.plain_interval) {
    DrawLocked(/*plain_line=*/true);
  }
}

void ProgressDisplay::Finish() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (finished_) return;
    if (!options_.redraw) DrawLocked(/*plain_line=*/true);
    finished_ = true;
    if (drawn_) {
      *out_ << "\r\033[K" << std::flush;
      drawn_ = false;
    }
  }
  wake_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

ProgressState ProgressDisplay::StateLocked() const {
  const Clock::time_point now = Clock::now();
  ProgressState state;
  state.phase = phase_;
  state.detail = detail_;
  state.elapsed = std::chrono::duration_cast<milliseconds>(now - start_);
  std::optional<milliseconds> bound;
  if (bound_.has_value()) {
    bound = std::max(milliseconds(0),
                     *bound_ - std::chrono::duration_cast<milliseconds>(
                                   now - bound_at_));
  }
  if (done_fraction_.has_value()) {
    state.left = EstimateTimeLeft(
        *done_fraction_,
        std::chrono::duration_cast<milliseconds>(now - phase_start_), bound);
  } else {
    state.left = bound;
  }
  return state;
}

void ProgressDisplay::DrawLocked(bool plain_line) {
  if (phase_.empty()) return;
  const std::string line =
      FormatProgressLine(StateLocked(), options_.width);
  if (options_.redraw) {
    // Back to the line's start and clear it: a shorter line leaves nothing.
    *out_ << "\r\033[K" << line << std::flush;
    drawn_ = true;
  } else if (plain_line) {
    *out_ << line << "\n" << std::flush;
    last_plain_ = Clock::now();
  }
}

void ProgressDisplay::Ticker() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!finished_) {
    const milliseconds interval = options_.redraw ? options_.redraw_interval
                                                  : options_.plain_interval;
    const Clock::time_point next =
        options_.redraw ? Clock::now() + interval : last_plain_ + interval;
    wake_.wait_until(lock, next, [this] { return finished_; });
    if (finished_) return;
    if (options_.redraw || Clock::now() >= last_plain_ + interval) {
      DrawLocked(/*plain_line=*/true);
    }
  }
}

bool IsTerminal(int fd) { return isatty(fd) == 1; }

size_t TerminalWidth(int fd) {
  struct winsize size = {};
  if (ioctl(fd, TIOCGWINSZ, &size) != 0) return 0;
  return size.ws_col;
}

}  // namespace forkcheck
