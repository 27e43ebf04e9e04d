#include "matrix/expectations.h"

#include <algorithm>
#include <filesystem>
#include <tuple>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/file_util.h"
#include "matrix/check_power.h"
#include "matrix/part_change.h"
#include "stats/multiple_testing.h"
#include "stats/run_dispersion.h"

namespace forkcheck {

PartTally TallyOf(const OutcomeCounts& counts) {
  PartTally tally;
  tally.trials = counts.total();
  tally.ok = counts.Count(OutcomeKind::kOk);
  tally.ok_after_retry = counts.Count(OutcomeKind::kOkAfterRetry);
  tally.wrong_data = counts.Count(OutcomeKind::kWrongData);
  return tally;
}

namespace {

// A run's failures (trials not ok) and trials of a part.
stats::RunCounts RunOf(const PartTally& tally) {
  return {tally.trials - tally.ok, tally.trials};
}

// The runs a part's spread is read from: those of kMinSpreadRunTrials or
// more. A run of a few trials (an unsafe cell stopping at its sixth
// failure) says little of a rate, and Pearson's chi-square is far from its
// law with so few expected counts: runs of 6/6, 6/6 and 0/1 "disagree" at
// p 0.0015.
std::vector<stats::RunCounts> SpreadRuns(
    const std::vector<stats::RunCounts>& runs) {
  std::vector<stats::RunCounts> kept;
  for (const stats::RunCounts& run : runs) {
    if (run.trials >= kMinSpreadRunTrials) kept.push_back(run);
  }
  return kept;
}

// The dispersion of `spread_runs` (SpreadRuns) where they show the part's
// rate moving between runs: Pearson's chi-square over them rejects one
// rate at kRunsDisagreeAlpha; none otherwise. Decided on the record alone,
// so the new run's test keeps its level. Where runs agree (or are too few
// to tell), Fisher's test on every recorded trial is the sharper one: the
// quasi-binomial's t with a run or two of freedom sees almost nothing.
std::optional<stats::Dispersion> Disagreement(
    const std::vector<stats::RunCounts>& spread_runs) {
  std::optional<stats::Dispersion> dispersion =
      stats::EstimateDispersion(spread_runs);
  if (dispersion.has_value() &&
      dispersion->homogeneity_p < kRunsDisagreeAlpha) {
    return dispersion;
  }
  return std::nullopt;
}

constexpr absl::string_view kSeparator = " => ";

std::string KnownKinds() {
  std::vector<std::string> names;
  for (OutcomeKind kind : kOutcomeKinds) {
    names.push_back(std::string(OutcomeKindName(kind)));
  }
  return absl::StrJoin(names, ", ");
}

absl::StatusOr<OutcomeKind> ParseKind(absl::string_view name) {
  if (std::optional<OutcomeKind> kind = OutcomeKindNamed(name)) return *kind;
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown outcome kind \"", name, "\" (known: ", KnownKinds(), ")"));
}

OutcomeCounts Sum(const OutcomeCounts& a, const OutcomeCounts& b) {
  OutcomeCounts sum = a;
  for (const auto& [kind, count] : b.counts) sum.counts[kind] += count;
  return sum;
}

// A part as a line records it.
struct PartRecord {
  OutcomeCounts counts;
  std::vector<stats::RunCounts> runs;
};

// A count: digits only, at most kMaxOutcomeCount.
bool ParseCount(absl::string_view text, int* count) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(),
                     [](char c) { return c >= '0' && c <= '9'; }) &&
         absl::SimpleAtoi(text, count) && *count <= kMaxOutcomeCount;
}

// "3/30,1/30"; errors say what was wrong, unprefixed.
absl::StatusOr<std::vector<stats::RunCounts>> ParseRuns(
    absl::string_view text) {
  std::vector<stats::RunCounts> runs;
  for (absl::string_view run : absl::StrSplit(text, ',')) {
    const std::pair<absl::string_view, absl::string_view> failures_trials =
        absl::StrSplit(run, absl::MaxSplits('/', 1));
    stats::RunCounts counts;
    if (!absl::StrContains(run, '/') ||
        !ParseCount(failures_trials.first, &counts.failures) ||
        !ParseCount(failures_trials.second, &counts.trials) ||
        counts.trials == 0 || counts.failures > counts.trials) {
      return absl::InvalidArgumentError(absl::StrCat(
          "runs: expected <failures>/<trials> with 0 <= failures <= trials "
          "and trials >= 1, got \"",
          run, "\""));
    }
    runs.push_back(counts);
  }
  return runs;
}

// "ok=34 crash=2[ runs=2/30,0/6]"; errors say what was wrong, unprefixed.
absl::StatusOr<PartRecord> ParsePart(absl::string_view text) {
  if (absl::StartsWith(text, "always ") || absl::StartsWith(text, "mixed ")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", text,
        "\" is the old format (kinds without counts), which cannot be turned "
        "into counts: delete the file and record it afresh with "
        "`./forkcheck run --record_expectations` (lines now read e.g. "
        "\"workers: ok=34 crash=2\")"));
  }
  PartRecord part;
  OutcomeCounts& counts = part.counts;
  bool have_runs = false;
  for (absl::string_view item : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    const std::pair<absl::string_view, absl::string_view> kind_count =
        absl::StrSplit(item, absl::MaxSplits('=', 1));
    if (!absl::StrContains(item, '=')) {
      return absl::InvalidArgumentError(absl::StrCat(
          "expected <kind>=<count>, got \"", item, "\""));
    }
    if (kind_count.first == "runs") {
      if (have_runs) return absl::InvalidArgumentError("runs given twice");
      absl::StatusOr<std::vector<stats::RunCounts>> runs =
          ParseRuns(kind_count.second);
      if (!runs.ok()) return runs.status();
      part.runs = *std::move(runs);
      have_runs = true;
      continue;
    }
    absl::StatusOr<OutcomeKind> kind = ParseKind(kind_count.first);
    if (!kind.ok()) return kind.status();
    int count = 0;
    if (!ParseCount(kind_count.second, &count)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "count of ", kind_count.first, " must be a whole number from 0 to ",
          kMaxOutcomeCount, ", got \"", kind_count.second, "\""));
    }
    if (counts.counts.count(*kind) != 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "kind \"", kind_count.first, "\" counted twice"));
    }
    counts.counts[*kind] = count;
  }
  if (counts.total() == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "no trials counted in \"", text, "\"; expected e.g. \"ok=34 crash=2\""));
  }
  // The runs are some of the recordings that the counts sum.
  const stats::RunTotal runs = stats::Total(part.runs);
  const int ok = counts.Count(OutcomeKind::kOk);
  const int failures = counts.total() - ok;
  if (runs.failures > failures || runs.trials - runs.failures > ok) {
    return absl::InvalidArgumentError(
        absl::StrCat("runs hold ", runs.failures, " not ok and ",
                     runs.trials - runs.failures, " ok, more than the counts' ",
                     failures, " not ok and ", ok, " ok"));
  }
  return part;
}

// The part after " => ": "workers: <counts>[; parent_after: <counts>]".
absl::StatusOr<Expectation> ParseExpectationParts(absl::string_view text) {
  Expectation expectation;
  bool have_workers = false;
  for (absl::string_view part : absl::StrSplit(text, ';')) {
    part = absl::StripAsciiWhitespace(part);
    const std::pair<absl::string_view, absl::string_view> name_value =
        absl::StrSplit(part, absl::MaxSplits(':', 1));
    const absl::string_view name = absl::StripAsciiWhitespace(name_value.first);
    const absl::string_view value =
        absl::StripAsciiWhitespace(name_value.second);
    const bool has_colon = absl::StrContains(part, ':');
    if (!has_colon || (name != "workers" && name != "parent_after")) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown part \"", part,
                       "\"; expected \"workers: <counts>\" or "
                       "\"parent_after: <counts>\""));
    }
    const bool is_workers = name == "workers";
    if (is_workers ? have_workers : expectation.parent_after.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", name, "\" given twice"));
    }
    absl::StatusOr<PartRecord> record = ParsePart(value);
    if (!record.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": ", record.status().message()));
    }
    if (is_workers) {
      expectation.workers = std::move(record->counts);
      expectation.workers_runs = std::move(record->runs);
      have_workers = true;
    } else {
      expectation.parent_after = std::move(record->counts);
      expectation.parent_after_runs = std::move(record->runs);
    }
  }
  if (!have_workers) {
    return absl::InvalidArgumentError("missing \"workers: <counts>\"");
  }
  return expectation;
}

// "grpc-1.51.txt", "python-grpcio-1.51.txt" (any directory) -> "1.51";
// otherwise "".
std::string VersionFromFileName(absl::string_view file_name) {
  const size_t slash = file_name.rfind('/');
  absl::string_view base = slash == absl::string_view::npos
                               ? file_name
                               : file_name.substr(slash + 1);
  const size_t dash = base.rfind('-');
  if (dash == absl::string_view::npos || !absl::ConsumeSuffix(&base, ".txt")) {
    return "";
  }
  return std::string(base.substr(dash + 1));
}

std::string Line(absl::string_view key, const Expectation& expectation) {
  return absl::StrCat(key, kSeparator, ExpectText(expectation));
}

// What `result` observed, as a line's parts: one run.
Expectation Observed(const CellResult& result) {
  Expectation observed;
  observed.workers = result.WorkerCounts();
  observed.workers_runs = {RunOf(TallyOf(observed.workers))};
  const OutcomeCounts parent = result.ParentCounts();
  if (parent.total() > 0) {
    observed.parent_after = parent;
    observed.parent_after_runs = {RunOf(TallyOf(parent))};
  }
  return observed;
}

// `counts` with its runs, as a part's text: "ok=34 crash=2 runs=2/36".
std::string PartText(const OutcomeCounts& counts,
                     const std::vector<stats::RunCounts>& runs) {
  std::string text = CountsText(counts);
  if (!runs.empty()) absl::StrAppend(&text, " ", RunsText(runs));
  return text;
}

// `old`'s runs then `now`'s.
std::vector<stats::RunCounts> Appended(
    std::vector<stats::RunCounts> old,
    const std::vector<stats::RunCounts>& now) {
  old.insert(old.end(), now.begin(), now.end());
  return old;
}

std::string FirstHarnessError(const CellResult& result) {
  for (const TrialSample& sample : result.samples) {
    if (!sample.harness_error.empty()) return sample.harness_error;
  }
  return "no trials";
}

// One part's rate test: Fisher's on its counts, or, where its line keeps
// runs that disagree (Disagreement), the quasi-binomial test on them.
struct RateTest {
  double p_value = 1;
  bool rose = false;  // the run's failure share above the record's
  std::optional<stats::Dispersion> dispersion;  // quasi-binomial only
  stats::RunTotal against;  // the runs it was tested against
};

RateTest TestRate(const PartTally& old,
                  const std::vector<stats::RunCounts>& recorded_runs,
                  const PartTally& now) {
  RateTest test;
  const std::vector<stats::RunCounts> runs = SpreadRuns(recorded_runs);
  test.dispersion = Disagreement(runs);
  if (!test.dispersion.has_value()) {
    test.p_value = NotOkShareP(old, now);
    test.rose = NotOkShare(now) > NotOkShare(old);
    return test;
  }
  const stats::RunCounts run = RunOf(now);
  test.p_value = stats::QuasiBinomialP(runs, run).value_or(1);
  test.against = stats::Total(runs);
  test.rose =
      static_cast<double>(run.failures) / run.trials > test.against.Share();
  return test;
}

// One part of one cell, tested.
struct PartTest {
  size_t mismatch_index;  // into the candidate list
  double p_value;
};

std::string RuleComment() {
  return absl::StrCat(
      "# The check (matrix/README.md): per cell and part, Fisher's exact "
         "test\n"
         "# (two-sided) of a run's failure rate (trials not ok, "
         "ok_after_retry\n"
         "# included) against these counts, with Holm's correction over every\n"
         "# test of the run so that a run raises a false alarm at most alpha\n"
         "# (default 1%) of the time. wrong_data in a cell part whose\n"
         "# recorded trials were all ok is a mismatch whatever the p-value.\n",
      absl::StrFormat(
          "# Where a part's runs of %d trials or more disagree (Pearson's\n"
          "# chi-square over them at %g%%), the test is the quasi-binomial "
          "one\n",
          kMinSpreadRunTrials, 100 * kRunsDisagreeAlpha),
      "# against those runs, which allows for a rate that moves from run\n"
      "# to run.\n"
      "# Trials the harness could not run are not counted.\n");
}

}  // namespace

bool TestedAgainstRuns(const std::vector<stats::RunCounts>& runs) {
  return Disagreement(SpreadRuns(runs)).has_value();
}

std::string PValueText(double p) {
  return p < 1e-4 ? absl::StrFormat("%.1e", p) : absl::StrFormat("%.4f", p);
}

std::string RateTestText(const ExpectationMismatch& mismatch) {
  if (mismatch.test != kQuasiBinomialTest) {
    return absl::StrCat("Fisher p = ", PValueText(mismatch.p_value));
  }
  return absl::StrCat(
      "quasi-binomial p = ", PValueText(mismatch.p_value),
      absl::StrFormat(" (runs spread %.1f", mismatch.dispersion),
      " times the binomial's", mismatch.dispersion < 1 ? ", taken as 1" : "",
      ", over ", mismatch.runs, " recorded runs)");
}

std::string CountsText(const OutcomeCounts& counts) {
  std::vector<std::string> parts;
  for (OutcomeKind kind : kOutcomeKinds) {
    const int count = counts.Count(kind);
    if (count > 0) parts.push_back(absl::StrCat(OutcomeKindName(kind), "=", count));
  }
  return absl::StrJoin(parts, " ");
}

std::string RunsText(const std::vector<stats::RunCounts>& runs) {
  if (runs.empty()) return "";
  return absl::StrCat(
      "runs=", absl::StrJoin(runs, ",", [](std::string* out, const auto& run) {
        absl::StrAppend(out, run.failures, "/", run.trials);
      }));
}

std::string ExpectText(const Expectation& expectation) {
  std::string text = absl::StrCat(
      "workers: ", PartText(expectation.workers, expectation.workers_runs));
  if (expectation.parent_after.has_value()) {
    absl::StrAppend(
        &text, "; parent_after: ",
        PartText(*expectation.parent_after, expectation.parent_after_runs));
  }
  return text;
}

std::string ExpectationsFileName(absl::string_view grpc_version) {
  return ExpectationsFileName(kCppClient, grpc_version);
}

std::string ExpectationsFileName(absl::string_view client,
                                 absl::string_view version) {
  const std::vector<absl::string_view> parts = absl::StrSplit(version, '.');
  const absl::string_view major_minor =
      parts.size() >= 2
          ? version.substr(0, parts[0].size() + 1 + parts[1].size())
          : version;
  return absl::StrCat(client == kCppClient ? "grpc" : client, "-", major_minor,
                      ".txt");
}

std::vector<CellResult> ResultsOfClient(const std::vector<CellResult>& results,
                                        absl::string_view client) {
  std::vector<CellResult> of_client;
  for (const CellResult& result : results) {
    if (result.cell.client == client) of_client.push_back(result);
  }
  return of_client;
}

absl::StatusOr<ExpectationsFile> ParseExpectations(
    absl::string_view text, absl::string_view file_name) {
  ExpectationsFile file;
  file.grpc_version = VersionFromFileName(file_name);
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);  // also a CRLF's '\r'
    if (line.empty() || line[0] == '#') continue;
    auto error = [&](absl::string_view what) {
      return absl::InvalidArgumentError(
          absl::StrCat(file_name, ":", line_number, ": ", what));
    };
    // The line is stripped, so a key-less line starts with "=> ".
    if (absl::StartsWith(line, "=> ")) return error("empty cell key");
    const size_t separator = line.find(kSeparator);
    if (separator == absl::string_view::npos) {
      return error(
          "missing \" => \" between the cell key and its counts");
    }
    const std::string key(
        absl::StripTrailingAsciiWhitespace(line.substr(0, separator)));
    absl::StatusOr<Expectation> expectation =
        ParseExpectationParts(line.substr(separator + kSeparator.size()));
    if (!expectation.ok()) return error(expectation.status().message());
    expectation->line = line_number;
    const auto [it, inserted] =
        file.by_key.emplace(key, *std::move(expectation));
    if (!inserted) {
      return error(absl::StrCat("duplicate cell key (first on line ",
                                it->second.line, "): ", key));
    }
  }
  return file;
}

absl::StatusOr<ExpectationsFile> LoadExpectationsFile(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error) && !error) {
    return absl::NotFoundError(
        absl::StrCat("no expectations file ", path, ": No such file"));
  }
  // A directory, or a file that cannot be read, is an error: read as empty
  // it would say no cell is recorded.
  absl::StatusOr<std::string> text = ReadFile(path, "expectations file");
  if (!text.ok()) return absl::FailedPreconditionError(text.status().message());
  return ParseExpectations(*text, path);
}

std::string ExpectationLine(const CellResult& result) {
  if (result.WorkerCounts().total() == 0) return "";
  return Line(result.key, Observed(result));
}

std::string RenderExpectationsFile(absl::string_view subject,
                                   const std::vector<CellResult>& results,
                                   absl::string_view record_command,
                                   const ExpectationsFile* previous) {
  std::map<std::string, Expectation> recorded;
  if (previous != nullptr) recorded = previous->by_key;
  std::vector<std::string> unrun;
  for (const CellResult& result : results) {
    if (result.WorkerCounts().total() == 0) {
      if (recorded.count(result.key) == 0) unrun.push_back(result.key);
      continue;
    }
    Expectation observed = Observed(result);
    const auto old = recorded.find(result.key);
    if (old != recorded.end() && old->second.parent_after.has_value() ==
                                     observed.parent_after.has_value()) {
      observed.workers = Sum(old->second.workers, observed.workers);
      observed.workers_runs =
          Appended(old->second.workers_runs, observed.workers_runs);
      if (observed.parent_after.has_value()) {
        observed.parent_after =
            Sum(*old->second.parent_after, *observed.parent_after);
        observed.parent_after_runs =
            Appended(old->second.parent_after_runs, observed.parent_after_runs);
      }
    }
    recorded[result.key] = observed;
  }
  std::vector<std::string> lines;
  for (const auto& [key, expectation] : recorded) {
    lines.push_back(Line(key, expectation));
  }
  std::sort(lines.begin(), lines.end());
  std::sort(unrun.begin(), unrun.end());
  const std::string command =
      absl::StrReplaceAll(record_command, {{"\r", " "}, {"\n", " "}});
  std::string text = absl::StrCat(
      "# forkcheck process-model outcome counts for ", subject, "\n",
      "# Last recorded ",
      absl::FormatTime("%Y-%m-%d", absl::Now(), absl::UTCTimeZone()),
      " (UTC). Add a run's counts with:\n", "#   ", command, "\n",
      "# and review the diff. Delete the file to start afresh.\n", "#\n",
      "# One cell a line: \"<cell key> => workers: <counts>\", plus\n",
      "# \"; parent_after: <counts>\" iff the model checks its parent's "
      "client.\n",
      "# <counts> is \"<kind>=<n>\" for each kind seen, kinds being\n", "# ",
      KnownKinds(), "; recordings add up.\n",
      "# Then \"runs=<not ok>/<trials>,...\": each recording run's, oldest\n",
      "# first, since lines kept them (the spread between runs).\n",
      RuleComment());
  for (const std::string& key : unrun) {
    absl::StrAppend(
        &text, "# not recorded, the harness could not run it: ", key, "\n");
  }
  absl::StrAppend(&text, "\n");
  for (const std::string& line : lines) absl::StrAppend(&text, line, "\n");
  return text;
}

absl::Status CheckExpectationsRule(const ExpectationsRule& rule) {
  if (!(rule.alpha > 0 && rule.alpha < 1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the expectations check's alpha must be in (0, 1), strictly; got ",
        rule.alpha));
  }
  if (rule.sensitivity_trials < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the expectations check's sensitivity_trials must be 1 or more; got ",
        rule.sensitivity_trials));
  }
  return CheckVerdictRule(rule.verdicts);
}

ExpectationsCheck CheckExpectations(const ExpectationsFile& file,
                                    const std::vector<CellResult>& results,
                                    const std::set<std::string>& known_keys,
                                    const ExpectationsRule& rule) {
  ExpectationsCheck check;
  check.rule = rule;
  std::set<std::string> ran;
  // Every rate test, whether or not it turns out significant: the
  // correction needs them all.
  std::vector<ExpectationMismatch> candidates;
  std::vector<double> p_values;
  std::vector<size_t> tested;  // candidates index of each p-value
  std::vector<PartTally> fisher_records;
  auto describe = [&rule](const OutcomeCounts& counts) {
    return DescribeVerdict(counts, Judge(counts, rule.verdicts));
  };
  for (const CellResult& result : results) {
    ran.insert(result.key);
    const auto it = file.by_key.find(result.key);
    if (result.WorkerCounts().total() == 0) {
      check.unrun.push_back({result.key,
                             it == file.by_key.end() ? 0 : it->second.line,
                             FirstHarnessError(result)});
      continue;
    }
    if (it == file.by_key.end()) {
      check.missing.push_back(ExpectationLine(result));
      continue;
    }
    const Expectation& expected = it->second;
    const Expectation observed = Observed(result);
    const std::string replacement = Line(result.key, observed);
    auto candidate = [&](absl::string_view part, const OutcomeCounts* old,
                         const OutcomeCounts* now, std::string why) {
      ExpectationMismatch mismatch;
      mismatch.key = result.key;
      mismatch.line = expected.line;
      mismatch.part = std::string(part);
      mismatch.recorded = old == nullptr ? "not recorded" : describe(*old);
      mismatch.observed = now == nullptr ? "not checked" : describe(*now);
      mismatch.why = std::move(why);
      mismatch.replacement_line = replacement;
      return mismatch;
    };
    if (expected.parent_after.has_value() !=
        observed.parent_after.has_value()) {
      check.mismatches.push_back(candidate(
          "parent_after",
          expected.parent_after ? &*expected.parent_after : nullptr,
          observed.parent_after ? &*observed.parent_after : nullptr,
          expected.parent_after ? "recorded, but this run had no parent check"
                                : "checked, but never recorded"));
    }
    struct Part {
      const char* name;
      const OutcomeCounts* old;
      const std::vector<stats::RunCounts>* runs;
      const OutcomeCounts* now;
    };
    const Part parts[] = {
        {"workers", &expected.workers, &expected.workers_runs,
         &observed.workers},
        {"parent_after",
         expected.parent_after ? &*expected.parent_after : nullptr,
         &expected.parent_after_runs,
         observed.parent_after ? &*observed.parent_after : nullptr}};
    for (const Part& part : parts) {
      if (part.old == nullptr || part.now == nullptr) continue;
      const PartTally old_tally = TallyOf(*part.old);
      const PartTally new_tally = TallyOf(*part.now);
      if (WrongDataWhereNoneFailed(old_tally, new_tally)) {
        check.mismatches.push_back(
            candidate(part.name, part.old, part.now,
                      "wrong_data, where every recorded trial was ok"));
      }
      const RateTest test = TestRate(old_tally, *part.runs, new_tally);
      tested.push_back(candidates.size());
      p_values.push_back(test.p_value);
      candidates.push_back(
          candidate(part.name, part.old, part.now,
                    test.rose ? "failure rate rose" : "failure rate fell"));
      ExpectationMismatch& tested_part = candidates.back();
      tested_part.p_value = test.p_value;
      if (test.dispersion.has_value()) {
        tested_part.test = kQuasiBinomialTest;
        tested_part.dispersion = test.dispersion->ratio;
        tested_part.runs = test.against.runs;
        // What it was tested against: the runs, not every recorded trial.
        absl::StrAppend(&tested_part.recorded, "; its ", test.against.runs,
                        " recorded runs: not ok ", test.against.failures, "/",
                        test.against.trials);
        ++check.quasi_binomial_tests;
      } else {
        // What check_power.h can say the power of: Fisher's tests.
        fisher_records.push_back(old_tally);
      }
    }
  }
  check.tests = static_cast<int>(p_values.size());
  if (rule.sensitivity_trials <= kMaxSensitivityTrials) {
    PowerQuestion question;
    question.trials = rule.sensitivity_trials;
    question.shift = kSensitivityShift;
    question.threshold = rule.alpha / std::max(1, check.tests);
    CheckSensitivity& sensitivity = check.sensitivity.emplace();
    sensitivity.trials = question.trials;
    sensitivity.shift = question.shift;
    sensitivity.power = kSensitivityPower;
    for (const PartTally& record : fisher_records) {
      if (record.ok > 0 &&
          CheckPower(record, question).power >= kSensitivityPower) {
        ++sensitivity.tests;
      }
    }
  }
  const std::vector<double> adjusted = stats::HolmAdjusted(p_values);
  for (size_t i = 0; i < adjusted.size(); ++i) {
    ExpectationMismatch& mismatch = candidates[tested[i]];
    mismatch.adjusted_p_value = adjusted[i];
    if (adjusted[i] <= rule.alpha) check.mismatches.push_back(mismatch);
  }
  for (const auto& [key, expectation] : file.by_key) {
    if (known_keys.count(key) == 0 && ran.count(key) == 0) {
      check.stale.emplace_back(expectation.line, key);
    }
  }
  std::sort(check.mismatches.begin(), check.mismatches.end(),
            [](const ExpectationMismatch& a, const ExpectationMismatch& b) {
              return std::tie(a.line, a.part, a.why) <
                     std::tie(b.line, b.part, b.why);
            });
  std::sort(check.missing.begin(), check.missing.end());
  std::sort(check.stale.begin(), check.stale.end());
  std::sort(
      check.unrun.begin(), check.unrun.end(),
      [](const UnrunCell& a, const UnrunCell& b) { return a.key < b.key; });
  return check;
}

std::string DescribeCheck(const ExpectationsCheck& check,
                          absl::string_view file_path) {
  std::string text;
  for (const UnrunCell& cell : check.unrun) {
    absl::StrAppend(&text, file_path,
                    cell.line > 0 ? absl::StrCat(":", cell.line) : "",
                    ": the harness could not run any trial of ", cell.key, ": ",
                    cell.harness_error, "\n");
  }
  for (const ExpectationMismatch& mismatch : check.mismatches) {
    absl::StrAppend(&text, file_path, ":", mismatch.line, ": ", mismatch.key,
                    "\n  ", mismatch.part, ": ", mismatch.why);
    if (mismatch.p_value < 1 || mismatch.adjusted_p_value < 1) {
      absl::StrAppend(&text, " (", RateTestText(mismatch),
                      ", Holm-adjusted over ", check.tests, " tests ",
                      PValueText(mismatch.adjusted_p_value), " <= alpha ",
                      check.rule.alpha, ")");
    }
    absl::StrAppend(&text, "\n    recorded: ", mismatch.recorded,
                    "\n    this run: ", mismatch.observed,
                    "\n  If the change is real, record the cell afresh: "
                    "replace the line with\n    ",
                    mismatch.replacement_line, "\n");
  }
  for (const std::string& line : check.missing) {
    absl::StrAppend(&text, file_path, ": a cell that ran has no line; add:\n  ",
                    line, "\n");
  }
  for (const auto& [line, key] : check.stale) {
    absl::StrAppend(&text, file_path, ":", line,
                    ": names a cell not in the design; remove line ", line,
                    ": ", key, "\n");
  }
  return text;
}

bool Passed(const ExpectationsCheck& check) {
  return check.mismatches.empty() && check.missing.empty() &&
         check.stale.empty() && check.unrun.empty();
}

}  // namespace forkcheck
