// The expectations check's power over a recorded file, line by line: for
// each cell part, the chance that the check flags its failure share moving
// by --shift, judged on --trials new trials (matrix/check_power.h). It says
// which records are too short for the check to see a change, and so which
// lines are worth recording longer. See README.md.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "matrix/check_power.h"
#include "matrix/expectations.h"
#include "matrix/part_change.h"
#include "matrix/stopping_rule.h"
#include "stats/sample_summary.h"

ABSL_FLAG(std::string, expectations, "",
          "the expectations file, e.g. "
          "conformance/expectations/grpc-1.51.txt");
ABSL_FLAG(int, trials, forkcheck::StoppingRule{}.DepartingLook(),
          "new trials a changed part is judged on (the main job's "
          "--departing_trials)");
ABSL_FLAG(double, shift, forkcheck::kSensitivityShift,
          "how far the failure share moves, in (0, 1), away from the nearer "
          "of 0 and 1");
// The default run checks two clients and shares alpha between them.
ABSL_FLAG(double, alpha, forkcheck::ExpectationsRule{}.alpha / 2,
          "this client's share of the check's false-alarm rate: "
          "--expectations_alpha over the clients checked (the default "
          "run's two), in (0, 1)");
ABSL_FLAG(int, tests, 0,
          "the run's tests (the parts it checks: its summary says \"N "
          "tests\"); 0: every part of the file");
ABSL_FLAG(std::string, cells, "",
          "only the lines whose key contains this text");
ABSL_FLAG(bool, per_line, false, "also print every part's power");

namespace forkcheck {
namespace {

struct Part {
  int line = 0;
  std::string key;
  int order = 0;     // workers first, as a line has them
  std::string name;  // "workers" or "parent_after"
  PartTally record;
  PowerAnswer answer;
};

// Record lengths, in the groups the table shows.
constexpr int kBucketStarts[] = {1, 10, 36, 100, 300, 1000};

std::string BucketName(size_t i) {
  const int start = kBucketStarts[i];
  if (i + 1 == std::size(kBucketStarts)) return absl::StrCat(start, "+");
  return absl::StrCat(start, "–", kBucketStarts[i + 1] - 1);
}

size_t BucketOf(int trials) {
  size_t bucket = 0;
  while (bucket + 1 < std::size(kBucketStarts) &&
         trials >= kBucketStarts[bucket + 1]) {
    ++bucket;
  }
  return bucket;
}

// Rounded down, so that a power printed as 95% is one that counts.
std::string Percent(double share) {
  return absl::StrFormat("%.0f%%", std::floor(100 * share));
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "check_power: %s\n", message.c_str());
  return 2;
}

int Run() {
  const std::string path = absl::GetFlag(FLAGS_expectations);
  const int trials = absl::GetFlag(FLAGS_trials);
  const double shift = absl::GetFlag(FLAGS_shift);
  const double alpha = absl::GetFlag(FLAGS_alpha);
  const int tests_flag = absl::GetFlag(FLAGS_tests);
  if (path.empty()) return Fail("--expectations: give the file to read");
  if (trials < 1 || trials > 10'000) {
    return Fail(absl::StrCat("--trials=", trials, "; expected 1 to 10000"));
  }
  if (!(shift > 0 && shift < 1)) {
    return Fail(absl::StrCat("--shift=", shift, "; expected in (0, 1)"));
  }
  if (!(alpha > 0 && alpha < 1)) {
    return Fail(absl::StrCat("--alpha=", alpha, "; expected in (0, 1)"));
  }
  if (tests_flag < 0) {
    return Fail(absl::StrCat("--tests=", tests_flag, "; expected 0 or more"));
  }
  absl::StatusOr<ExpectationsFile> file = LoadExpectationsFile(path);
  if (!file.ok()) return Fail(std::string(file.status().message()));

  std::vector<Part> parts;
  int all_parts = 0;
  // Parts the check tests against their runs (quasi-binomial): their power
  // is not Fisher's, which is all check_power.h computes.
  int against_runs = 0;
  for (const auto& [key, expectation] : file->by_key) {
    all_parts += expectation.parent_after.has_value() ? 2 : 1;
    if (!absl::StrContains(key, absl::GetFlag(FLAGS_cells))) continue;
    auto add = [&, &key = key, &expectation = expectation](
                   int order, const char* name, const OutcomeCounts& counts,
                   const std::vector<stats::RunCounts>& runs) {
      if (TestedAgainstRuns(runs)) {
        ++against_runs;
        return;
      }
      Part part{expectation.line, key, order, name};
      part.record = TallyOf(counts);
      parts.push_back(part);
    };
    add(0, "workers", expectation.workers, expectation.workers_runs);
    if (expectation.parent_after.has_value()) {
      add(1, "parent_after", *expectation.parent_after,
          expectation.parent_after_runs);
    }
  }
  if (parts.empty() && against_runs == 0) {
    return Fail(absl::StrCat("no line of ", path, " has \"",
                             absl::GetFlag(FLAGS_cells), "\" in its key"));
  }
  // Every part of the file, not only those chosen: Holm's threshold is the
  // check's, whichever lines are looked at.
  const int tests = tests_flag > 0 ? tests_flag : all_parts;
  PowerQuestion question;
  question.trials = trials;
  question.shift = shift;
  question.threshold = alpha / tests;
  for (Part& part : parts) part.answer = CheckPower(part.record, question);
  std::sort(parts.begin(), parts.end(), [](const Part& a, const Part& b) {
    return std::tie(a.line, a.order) < std::tie(b.line, b.order);
  });

  std::printf(
      "The expectations check's power over %s (%zu parts): a part's failure "
      "share moving %.0f points away from the nearer of 0%% and 100%%, judged "
      "on %d new trials, flagged at p <= %g / %d tests = %.2g (Holm's first "
      "step: every other part unchanged).\n\n",
      path.c_str(), parts.size(), 100 * shift, trials, alpha, tests,
      question.threshold);
  if (against_runs > 0) {
    std::printf(
        "Not included: %d parts whose recorded runs disagree, which the "
        "check tests against their runs (quasi-binomial), not with "
        "Fisher's test.\n\n",
        against_runs);
  }
  if (absl::GetFlag(FLAGS_per_line)) {
    for (const Part& part : parts) {
      const std::string flagged =
          part.answer.needed_failures < 0
              ? std::string("never flagged")
              : absl::StrCat("flagged at ", part.answer.needed_failures,
                             " not ok of ", trials);
      std::printf(
          "line %d %s: %d of %d not ok (%s), to %s: %s, power %s: "
          "%s\n",
          part.line, part.name.c_str(), part.record.trials - part.record.ok,
          part.record.trials, Percent(NotOkShare(part.record)).c_str(),
          Percent(part.answer.shifted_share).c_str(), flagged.c_str(),
          Percent(part.answer.power).c_str(), part.key.c_str());
    }
    std::printf("\n");
  }
  std::map<size_t, std::vector<double>> powers;
  for (const Part& part : parts) {
    powers[BucketOf(part.record.trials)].push_back(part.answer.power);
  }
  std::printf(
      "| recorded trials | parts | power >= %s | median power | "
      "min–max |\n|---|---:|---:|---:|---|\n",
      Percent(kSensitivityPower).c_str());
  for (const auto& [bucket, values] : powers) {
    const int strong = static_cast<int>(
        std::count_if(values.begin(), values.end(),
                      [](double p) { return p >= kSensitivityPower; }));
    const SampleSummary summary = Summarize(values);
    std::printf("| %s | %zu | %d | %s | %s–%s |\n", BucketName(bucket).c_str(),
                values.size(), strong, Percent(summary.median).c_str(),
                Percent(summary.min).c_str(), Percent(summary.max).c_str());
  }
  return 0;
}

}  // namespace
}  // namespace forkcheck

int main(int argc, char** argv) {
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() > 1) {
    std::fprintf(stderr, "check_power: unexpected argument \"%s\"\n",
                 positional[1]);
    return 2;
  }
  return forkcheck::Run();
}
