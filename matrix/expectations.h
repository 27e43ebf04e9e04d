// The process-model matrix's recorded outcome counts per (client, version),
// kept in conformance/expectations/grpc-<major.minor>.txt (the C++ client)
// and <client>-<major.minor>.txt (a testee's), in the spirit of protobuf's
// conformance failure lists: parse, check a run against, and re-record.
//
// Format: one cell a line, "<cell key> => workers: <counts>" with
// "; parent_after: <counts>" appended iff the cell's model checks its
// parent's client. <counts> is "<kind>=<n>" for each kind seen, separated by
// spaces ("ok=34 crash=2"), kinds named as by OutcomeKindName, then
// optionally "runs=<failures>/<trials>,..." (each recording run's trials
// not ok and trials, oldest first; their trials at most the counts').
// Lines starting with '#' are comments; blank lines are ignored. Recording
// adds a run's counts to the line's, so the rates sharpen with every
// recording, and appends the run to its runs.
//
// The check (CheckExpectations) is a statistical test, per cell and part
// (workers, parent_after): Fisher's exact test, two-sided, of the run's
// failure rate (trials not ok, ok_after_retry included) against the
// recorded one, with Holm's correction over every test of the check so
// that the chance of any false alarm in a run is at most `alpha`. Where a
// part's line keeps runs that disagree (2 or more of kMinSpreadRunTrials
// trials or more, Pearson's chi-square over them rejecting one rate at
// kRunsDisagreeAlpha), the test is the
// quasi-binomial one against those runs (stats/run_dispersion.h): such a
// part's rate moves from run to run, which Fisher's test takes for a
// change (matrix/README.md, "Runs are not all alike"). A cell
// whose trials show wrong_data that its line never recorded is a mismatch
// whatever the p-value: silently wrong rows are never noise. Trials with a
// harness error are not observations.
#ifndef FORKCHECK_MATRIX_EXPECTATIONS_H_
#define FORKCHECK_MATRIX_EXPECTATIONS_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "matrix/cell_result.h"
#include "matrix/part_change.h"
#include "matrix/stopping_rule.h"
#include "matrix/verdict.h"
#include "stats/run_dispersion.h"

namespace forkcheck {

struct Expectation {
  OutcomeCounts workers;  // total() > 0 once parsed
  std::optional<OutcomeCounts> parent_after;
  // Each recording run's failures (trials not ok) and trials of the part,
  // oldest first: what the spread between runs is estimated from
  // (stats/run_dispersion.h). Only runs recorded since lines kept them;
  // the counts above also hold the trials of earlier ones.
  std::vector<stats::RunCounts> workers_runs;
  std::vector<stats::RunCounts> parent_after_runs;
  int line = 0;  // 1-based line in its file
};

// "ok=34 crash=2" (most severe last).
std::string CountsText(const OutcomeCounts& counts);

// "runs=3/30,1/30": failures/trials a run, oldest first; "" if none.
std::string RunsText(const std::vector<stats::RunCounts>& runs);

// What the check's rule (part_change.h) needs of a part's counts.
PartTally TallyOf(const OutcomeCounts& counts);

// "workers: ok=34 crash=2[; parent_after: ok=30 hang=6]".
std::string ExpectText(const Expectation& expectation);

struct ExpectationsFile {
  // "1.51", from the file name ("grpc-1.51.txt", "python-grpcio-1.51.txt");
  // "" if not there.
  std::string grpc_version;
  std::map<std::string, Expectation> by_key;
};

// "grpc-1.51.txt" for "1.51.1" or "1.51" (the file is kept per major.minor).
std::string ExpectationsFileName(absl::string_view grpc_version);
// Expectations are kept per (client, version): the C++ client's by gRPC
// version as above, a testee client's by its library version, e.g.
// "python-grpcio-1.51.txt" for ("python-grpcio", "1.51.1").
std::string ExpectationsFileName(absl::string_view client,
                                 absl::string_view version);

// The results of `client`'s cells, in order.
std::vector<CellResult> ResultsOfClient(const std::vector<CellResult>& results,
                                        absl::string_view client);

// Errors are INVALID_ARGUMENT "<file_name>:<line>: <what was wrong>". A line
// in the format before counts ("always ok", "mixed hang,ok") is such an
// error that says how to record the file afresh: kinds without counts
// cannot be turned into counts.
absl::StatusOr<ExpectationsFile> ParseExpectations(absl::string_view text,
                                                   absl::string_view file_name);

// NOT_FOUND if `path` does not exist; FAILED_PRECONDITION if it cannot be
// read (a directory, say); otherwise as ParseExpectations.
absl::StatusOr<ExpectationsFile> LoadExpectationsFile(const std::string& path);

// The line recording what `result` observed; "" if no trial of it could be
// run (every sample has a harness_error, or none).
std::string ExpectationLine(const CellResult& result);

// A file recording `results`: a header comment naming `subject` (the client
// and its version, e.g. "gRPC 1.51.1"), the date (UTC), `record_command`
// and the rule the check applies, then one line a cell sorted by key. Cells
// with nothing observed get a comment, not a line. With `previous` (the
// file being re-recorded), counts accumulate: a cell's counts are its old
// line's plus this run's (a line whose parent_after part came or went is
// replaced), and lines of cells this run did not run are kept. Start from
// no file to record afresh.
std::string RenderExpectationsFile(absl::string_view subject,
                                   const std::vector<CellResult>& results,
                                   absl::string_view record_command,
                                   const ExpectationsFile* previous = nullptr);

// How many of a check's tests could see a change: would flag the part's
// failure share moving `shift`, judged on `trials` new trials, in at least
// `power` of runs (check_power.h, which computes Fisher's test's power:
// quasi-binomial tests are not counted). Against 8 clean recorded trials
// none can. Parts recorded with no trial ok are not counted: such a cell stops
// as unsafe at its 6th failed trial, before the trials the check would
// need, in a quarter of the runs where it works one time in five.
struct CheckSensitivity {
  int tests = 0;
  int trials = 0;
  double shift = 0;
  double power = 0;
};

// Counting them costs about trials^2 Fisher terms a test: beyond this many
// trials, a run of --departing_trials in the thousands would spend minutes.
inline constexpr int kMaxSensitivityTrials = 1000;

struct ExpectationsRule {
  // The family-wise false-alarm rate of one check (all its cells).
  double alpha = 0.01;
  VerdictRule verdicts;  // for the verdicts shown beside the counts
  // The new trials a cell departing from its record is judged on
  // (StoppingRule::DepartingLook): what the check's sensitivity is
  // computed at.
  int sensitivity_trials = StoppingRule{}.DepartingLook();
};

// INVALID_ARGUMENT naming the field unless alpha and the verdict rule's
// fields are in (0, 1).
absl::Status CheckExpectationsRule(const ExpectationsRule& rule);

// A p-value as every text about the check words it: "0.0123", "3.2e-05".
std::string PValueText(double p);

// A part's recorded runs disagree, and its test is the quasi-binomial one,
// where Pearson's chi-square over them rejects one rate at this level.
inline constexpr double kRunsDisagreeAlpha = 0.05;
// Only runs of this many trials or more are read for the spread (shorter
// ones stay in the counts).
inline constexpr int kMinSpreadRunTrials = 10;

// Whether the check tests a part whose line keeps `runs` against them with
// the quasi-binomial test (they disagree) rather than Fisher's.
bool TestedAgainstRuns(const std::vector<stats::RunCounts>& runs);

// The rate tests of the check (ExpectationMismatch::test).
inline constexpr char kFisherTest[] = "fisher";
inline constexpr char kQuasiBinomialTest[] = "quasi_binomial";

struct ExpectationMismatch {
  std::string key;
  int line = 0;
  std::string part;  // "workers" or "parent_after"
  // DescribeVerdict of the recorded and the observed counts:
  // "ok 200/200 → safe, failure 0% [0%–1.8%]".
  std::string recorded;
  std::string observed;
  // The rate test's two-sided p-value and its Holm adjustment (over every
  // test of the check); 1 where the mismatch is not a rate (see `why`).
  double p_value = 1;
  double adjusted_p_value = 1;
  // Which test gave it: kFisherTest, or kQuasiBinomialTest where the line
  // keeps runs that disagree (kRunsDisagreeAlpha); then the
  // runs' dispersion (Pearson's chi-square over its degrees of freedom)
  // and how many runs it is from, and `recorded` ends with the runs'
  // counts. Reports leave it out where p_value is 1 (not a rate).
  std::string test = kFisherTest;
  double dispersion = 0;
  int runs = 0;
  // "failure rate changed", "wrong_data never recorded", "parent_after
  // checked but not recorded" ...
  std::string why;
  // The line to write instead, if the change is real: this run's counts
  // alone (the old ones describe a behaviour that is gone).
  std::string replacement_line;
};

// A rate mismatch's test and p-value as every text words it: "Fisher p =
// 3.2e-05", "quasi-binomial p = 0.0012 (runs spread 4.0 times the
// binomial's, over 13 recorded runs)".
std::string RateTestText(const ExpectationMismatch& mismatch);

// A cell that ran but that the harness could not run a single trial of.
struct UnrunCell {
  std::string key;
  int line = 0;               // its expectations line; 0 if none
  std::string harness_error;  // the first sample's, or "no trials"
};

struct ExpectationsCheck {
  std::vector<ExpectationMismatch> mismatches;  // differs from its line
  std::vector<std::string> missing;             // ran, no line: the line to add
  // Line N names a key not in the design.
  std::vector<std::pair<int, std::string>> stale;
  std::vector<UnrunCell> unrun;  // not comparable: a failure of its own
  int tests = 0;                 // rate tests the correction spread alpha over
  // Of them, quasi-binomial ones: parts whose line keeps runs that
  // disagree. The rest are Fisher's.
  int quasi_binomial_tests = 0;
  // How much a passed check is worth; unset where it was not counted
  // (rule.sensitivity_trials over kMaxSensitivityTrials: too costly).
  std::optional<CheckSensitivity> sensitivity;
  ExpectationsRule rule;
};

// Checks `results` against `file`. `known_keys` is every key of the full
// design: lines naming other keys are stale; lines of known cells that did
// not run are not checked.
ExpectationsCheck CheckExpectations(const ExpectationsFile& file,
                                    const std::vector<CellResult>& results,
                                    const std::set<std::string>& known_keys,
                                    const ExpectationsRule& rule);

// Readable, one paragraph per problem, naming `file_path`:line, both count
// sets and the p-values. "" if passed.
std::string DescribeCheck(const ExpectationsCheck& check,
                          absl::string_view file_path);

// True iff the check found no problem of any kind.
bool Passed(const ExpectationsCheck& check);

}  // namespace forkcheck

#endif  // FORKCHECK_MATRIX_EXPECTATIONS_H_
