#include "driver/progress_display.h"

#include <chrono>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "common/testing/test_processes.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::StartsWith;

int CountLines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

TEST(FormatDurationTest, SecondsMinutesHours) {
  EXPECT_EQ(FormatDuration(milliseconds(0)), "0s");
  EXPECT_EQ(FormatDuration(milliseconds(44'600)), "45s");
  EXPECT_EQ(FormatDuration(milliseconds(252'000)), "4m12s");
  EXPECT_EQ(FormatDuration(milliseconds(3'720'000)), "1h02m");
  EXPECT_EQ(FormatDuration(milliseconds(-5)), "0s");
}

TEST(FormatProgressLineTest, PhaseDetailElapsedAndLeft) {
  ProgressState state;
  state.phase = "matrix";
  state.detail = "212/278 cells, 1204 trials, 37 hung";
  state.elapsed = milliseconds(252'000);
  state.left = milliseconds(90'000);
  EXPECT_EQ(FormatProgressLine(state, 100),
            "matrix · 212/278 cells, 1204 trials, 37 hung · 4m12s · ~1m30s "
            "left");
  state.left.reset();
  EXPECT_EQ(FormatProgressLine(state, 100),
            "matrix · 212/278 cells, 1204 trials, 37 hung · 4m12s");
}

TEST(FormatProgressLineTest, CutToWidthInCodePoints) {
  ProgressState state;
  state.phase = "matrix";
  state.detail = "abc";
  state.elapsed = milliseconds(1000);
  // "matrix · abc · 1s": the middle dots are two bytes but one column.
  EXPECT_EQ(FormatProgressLine(state, 8), "matrix ·");
  EXPECT_EQ(FormatProgressLine(state, 200), "matrix · abc · 1s");
}

TEST(EstimateTimeLeftTest, ScalesTheDonePartAndHonoursTheBound) {
  EXPECT_FALSE(EstimateTimeLeft(0, milliseconds(1000), std::nullopt));
  EXPECT_EQ(EstimateTimeLeft(0.25, milliseconds(1000), std::nullopt),
            milliseconds(3000));
  EXPECT_EQ(EstimateTimeLeft(1, milliseconds(1000), std::nullopt),
            milliseconds(0));
  EXPECT_EQ(EstimateTimeLeft(0.25, milliseconds(1000), milliseconds(500)),
            milliseconds(500));
  // Nothing done yet: the bound is all there is to say.
  EXPECT_EQ(EstimateTimeLeft(0, milliseconds(1000), milliseconds(500)),
            milliseconds(500));
}

TEST(ProgressDisplayTest, PlainLogPrintsPhasesThenOneLinePerInterval) {
  std::ostringstream out;
  std::string text;
  // What the ticker may add depends on how long this took; under load a
  // pause anywhere here adds interval lines, so the checks allow for it.
  const auto began = std::chrono::steady_clock::now();
  {
    ProgressDisplay::Options options;
    options.redraw = false;
    options.plain_interval = milliseconds(50);
    ProgressDisplay display(&out, options);
    display.StartPhase("matrix");
    for (int i = 0; i < 100; ++i) {
      display.Update("3/10 cells", 0.3);  // no line of its own
    }
    // The ticker writes from its own thread; read only after Finish.
    std::this_thread::sleep_for(milliseconds(300));
    display.StartPhase("benchmarks 1/2");
    display.Finish();
    text = out.str();
  }
  const auto took = std::chrono::duration_cast<milliseconds>(
      std::chrono::steady_clock::now() - began);
  EXPECT_THAT(text, StartsWith("matrix · 0s\n"));
  EXPECT_THAT(text, HasSubstr("matrix · 3/10 cells · "));
  EXPECT_THAT(text, HasSubstr("left\n"));
  // Each phase's end is in the log: the matrix's last state before the
  // next phase, the benchmarks' at Finish (and any interval between).
  const std::vector<std::string> lines =
      absl::StrSplit(text, '\n', absl::SkipEmpty());
  size_t first_benchmarks = 0;
  while (first_benchmarks < lines.size() &&
         !absl::StartsWith(lines[first_benchmarks], "benchmarks")) {
    ++first_benchmarks;
  }
  ASSERT_GE(first_benchmarks, 2u) << text;
  ASSERT_GE(lines.size(), first_benchmarks + 2) << text;
  EXPECT_THAT(lines[first_benchmarks - 1],
              StartsWith("matrix · 3/10 cells · "));
  for (size_t i = first_benchmarks; i < lines.size(); ++i) {
    EXPECT_THAT(lines[i], MatchesRegex("benchmarks 1/2 · [0-9]+s")) << text;
  }
  EXPECT_THAT(text, Not(HasSubstr("\r")));
  // Not one line per Update: phase lines and a few interval lines.
  EXPECT_GE(CountLines(text), 3);
  EXPECT_LE(CountLines(text), 4 + took.count() / 50 + 2) << text;
}

TEST(ProgressDisplayTest, TerminalRedrawsOneLineAndClearsIt) {
  std::ostringstream out;
  std::string text;
  {
    ProgressDisplay::Options options;
    options.redraw = true;
    options.redraw_interval = milliseconds(20);
    ProgressDisplay display(&out, options);
    display.StartPhase("matrix");
    display.Update("1/2 cells", 0.5, milliseconds(60'000));
    std::this_thread::sleep_for(milliseconds(100));
    display.Finish();
    display.Finish();  // idempotent
    text = out.str();
  }
  EXPECT_EQ(CountLines(text), 0);
  EXPECT_THAT(text, StartsWith("\r\033[Kmatrix · 0s"));
  EXPECT_THAT(text, HasSubstr("\r\033[Kmatrix · 1/2 cells · 0s · ~"));
  // Ends by clearing the line, so the summary starts on a clean one.
  EXPECT_EQ(text.substr(text.size() - 4), "\r\033[K");
}

TEST(ProgressDisplayTest, NothingAfterFinish) {
  std::ostringstream out;
  ProgressDisplay display(&out, ProgressDisplay::Options{});
  display.StartPhase("matrix");
  display.Finish();
  const std::string before = out.str();
  display.StartPhase("benchmarks");
  display.Update("x", 0.5);
  EXPECT_EQ(out.str(), before);
}

// Under a limit on threads the display has no clock: it says so and a log
// still gets a line for a change once its interval has passed, where
// std::thread's exception would end the run.
TEST(ProgressDisplayTest, WithoutAThreadItShowsChangesOnly) {
  test_support::ExpectZeroWhereThreadsAreRefused(
      [] {
        std::ostringstream out;
        {
          ProgressDisplay::Options options;
          options.redraw = false;  // a log, whose lines a clock would time
          options.plain_interval = std::chrono::milliseconds(0);
          ProgressDisplay display(&out, options);
          display.StartPhase("matrix");
          display.Update("3/10 cells", 0.3);
        }
        const std::string text = out.str();
        if (text.find("progress shows changes only") == std::string::npos) {
          return 1;
        }
        return text.find("3/10 cells") == std::string::npos ? 2 : 0;
      },
      {{1, "no word of the missing clock"}, {2, "a change was not shown"}});
}

}  // namespace
}  // namespace forkcheck
