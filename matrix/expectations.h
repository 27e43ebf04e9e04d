// The process-model matrix's expected outcomes for one gRPC version, kept in
// conformance/expectations/grpc-<major.minor>.txt (in the spirit of
// protobuf's conformance failure lists): parse, check results against, and
// re-record such a file.
//
// Format: one cell a line, "<cell key> => workers: <expect>" with
// "; parent_after: <expect>" appended iff the cell's model checks its
// parent's client. <expect> is "always <kind>" or "mixed <kind>,<kind>[,...]"
// with kinds named as by OutcomeKindName. Lines starting with '#' are
// comments; blank lines are ignored.
//
// Matching is at the level a few trials can tell reliably. A line's kinds
// make the cell safe ("always ok"), unsafe (no ok among them) or flaky (ok
// and other kinds). A safe cell matches when most of its trials were ok; an
// unsafe one when most were not, however they failed (hang, error and crash
// trade places from run to run on the same build; the report keeps which);
// a flaky one whatever its trials did, since a few trials cannot tell a
// flaky cell from one that got fixed or broke. "Most", not "all": an outcome
// rare enough that the recordings missed it shows in one trial of five now
// and then, while a cell that became safe or unsafe shows in most of them.
// Whatever the line, wrong_data it does not list is a mismatch: silently wrong
// rows are never noise. Re-recording adds every kind seen, so the file keeps
// the detail. Trials with a harness error are not observations.
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
#include "supervisor/outcome_classifier.h"

namespace forkcheck {

// The kinds an expectation allows: one kind is "always", two or more
// "mixed". Never empty once parsed.
using OutcomeSet = std::set<OutcomeKind>;

// Whether `observed` (non-empty) matches `expected` by the rules above.
bool Matches(const OutcomeSet& expected, const OutcomeCounts& observed);

// "always ok" or "mixed hang,ok" (most severe first).
std::string ExpectText(const OutcomeSet& kinds);

struct Expectation {
  OutcomeSet workers;
  std::optional<OutcomeSet> parent_after;
  int line = 0;  // 1-based line in its file
};

// "workers: always ok[; parent_after: mixed hang,ok]".
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

// Errors are INVALID_ARGUMENT "<file_name>:<line>: <what was wrong>".
absl::StatusOr<ExpectationsFile> ParseExpectations(absl::string_view text,
                                                   absl::string_view file_name);

// NOT_FOUND if `path` does not exist; otherwise as ParseExpectations.
absl::StatusOr<ExpectationsFile> LoadExpectationsFile(const std::string& path);

// The line recording what `result` observed: "<key> => workers: always X" if
// one kind was seen, else "mixed" of the seen kinds. "" if no trial of it
// could be run (every sample has a harness_error, or none).
std::string ExpectationLine(const CellResult& result);

// A file recording `results`: a header comment naming `subject` (the client
// and its version, e.g. "gRPC 1.51.1"), the
// date (UTC), `record_command` and the matching rules, then one line a cell
// sorted by key. Cells with nothing observed get a comment, not a line.
// With `previous` (the file being re-recorded), observations accumulate: a
// cell's kinds are the union of its old line and this run (so a rare
// outcome seen once stays expected), and lines of cells this run did not
// run are kept. Start from no file to record afresh.
std::string RenderExpectationsFile(absl::string_view subject,
                                   const std::vector<CellResult>& results,
                                   absl::string_view record_command,
                                   const ExpectationsFile* previous = nullptr);

struct ExpectationMismatch {
  std::string key;
  int line = 0;
  // "workers: mixed hang 3, ok 2[; parent_after: always ok]".
  std::string observed_summary;
  std::string expected_text;  // ExpectText of the line's expectation
  // The whole line to write instead. Per part: a "mixed" part is widened by
  // the kinds observed (one run not showing a kind is no evidence it is
  // gone); an "always" part becomes what was observed.
  std::string replacement_line;
};

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
};

// Checks `results` against `file`. `known_keys` is every key of the full
// design: lines naming other keys are stale; lines of known cells that did
// not run are not checked.
ExpectationsCheck CheckExpectations(const ExpectationsFile& file,
                                    const std::vector<CellResult>& results,
                                    const std::set<std::string>& known_keys);

// Readable, one paragraph per problem, naming `file_path`:line. "" if passed.
std::string DescribeCheck(const ExpectationsCheck& check,
                          absl::string_view file_path);

// True iff the check found no problem of any kind.
bool Passed(const ExpectationsCheck& check);

}  // namespace forkcheck

#endif  // FORKCHECK_MATRIX_EXPECTATIONS_H_
