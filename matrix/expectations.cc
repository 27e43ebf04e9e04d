#include "matrix/expectations.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace forkcheck {
namespace {

constexpr OutcomeKind kAllKinds[] = {OutcomeKind::kOk, OutcomeKind::kWrongData,
                                     OutcomeKind::kError, OutcomeKind::kHang,
                                     OutcomeKind::kCrash};

constexpr absl::string_view kSeparator = " => ";

std::vector<OutcomeKind> MostSevereFirst(const OutcomeSet& kinds) {
  std::vector<OutcomeKind> sorted(kinds.begin(), kinds.end());
  std::sort(sorted.begin(), sorted.end(), [](OutcomeKind a, OutcomeKind b) {
    return a != b && WorseOf(a, b) == a;
  });
  return sorted;
}

OutcomeSet Observed(const OutcomeCounts& counts) {
  const std::vector<OutcomeKind> kinds = counts.Kinds();
  return OutcomeSet(kinds.begin(), kinds.end());
}

std::string KnownKinds() {
  std::vector<std::string> names;
  for (OutcomeKind kind : kAllKinds) {
    names.push_back(std::string(OutcomeKindName(kind)));
  }
  return absl::StrJoin(names, ", ");
}

absl::StatusOr<OutcomeKind> ParseKind(absl::string_view name) {
  for (OutcomeKind kind : kAllKinds) {
    if (OutcomeKindName(kind) == name) return kind;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown outcome kind \"", name, "\" (known: ", KnownKinds(), ")"));
}

// "always ok" or "mixed hang,ok"; errors say what was wrong, unprefixed.
absl::StatusOr<OutcomeSet> ParseOutcomeSet(absl::string_view text) {
  const std::pair<absl::string_view, absl::string_view> word_rest =
      absl::StrSplit(text, absl::MaxSplits(' ', 1));
  const absl::string_view word = word_rest.first;
  const absl::string_view rest = absl::StripAsciiWhitespace(word_rest.second);
  if (word == "always" && !rest.empty()) {
    if (absl::StrContains(rest, ',')) {
      return absl::InvalidArgumentError(absl::StrCat(
          "\"always\" takes one kind, got \"", rest, "\"; use \"mixed\""));
    }
    absl::StatusOr<OutcomeKind> kind = ParseKind(rest);
    if (!kind.ok()) return kind.status();
    return OutcomeSet{*kind};
  }
  if (word == "mixed" && !rest.empty()) {
    OutcomeSet kinds;
    for (absl::string_view item : absl::StrSplit(rest, ',')) {
      item = absl::StripAsciiWhitespace(item);
      if (item.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("empty kind in \"", rest, "\""));
      }
      absl::StatusOr<OutcomeKind> kind = ParseKind(item);
      if (!kind.ok()) return kind.status();
      if (!kinds.insert(*kind).second) {
        return absl::InvalidArgumentError(
            absl::StrCat("kind \"", item, "\" listed twice"));
      }
    }
    if (kinds.size() < 2) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"mixed\" needs two or more kinds, got \"", rest,
                       "\"; use \"always ", rest, "\""));
    }
    return kinds;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "expected \"always <kind>\" or \"mixed <kind>,<kind>[,...]\", got \"",
      text, "\""));
}

// The part after " => ": "workers: <expect>[; parent_after: <expect>]".
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
                       "\"; expected \"workers: <expect>\" or "
                       "\"parent_after: <expect>\""));
    }
    const bool is_workers = name == "workers";
    if (is_workers ? have_workers : expectation.parent_after.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", name, "\" given twice"));
    }
    absl::StatusOr<OutcomeSet> kinds = ParseOutcomeSet(value);
    if (!kinds.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": ", kinds.status().message()));
    }
    if (is_workers) {
      expectation.workers = *std::move(kinds);
      have_workers = true;
    } else {
      expectation.parent_after = *std::move(kinds);
    }
  }
  if (!have_workers) {
    return absl::InvalidArgumentError("missing \"workers: <expect>\"");
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

// What a part of a mismatching line becomes: see ExpectationMismatch.
OutcomeSet Replacement(const OutcomeSet& expected, const OutcomeSet& observed) {
  if (expected.size() < 2) return observed;
  OutcomeSet widened = expected;
  widened.insert(observed.begin(), observed.end());
  return widened;
}

std::string FirstHarnessError(const CellResult& result) {
  for (const TrialSample& sample : result.samples) {
    if (!sample.harness_error.empty()) return sample.harness_error;
  }
  return "no trials";
}

}  // namespace

bool Matches(const OutcomeSet& expected, const OutcomeCounts& observed) {
  const OutcomeSet kinds = Observed(observed);
  if (kinds.empty()) return false;
  if (kinds.count(OutcomeKind::kWrongData) != 0 &&
      expected.count(OutcomeKind::kWrongData) == 0) {
    return false;
  }
  const bool expects_ok = expected.count(OutcomeKind::kOk) != 0;
  const bool expects_failure = expected.size() > (expects_ok ? 1u : 0u);
  if (expects_ok && expects_failure) return true;  // flaky
  // A rare outcome a recording missed shows now and then in a few trials;
  // a cell that became safe or unsafe shows in most of them.
  auto found = observed.counts.find(OutcomeKind::kOk);
  const int ok = found == observed.counts.end() ? 0 : found->second;
  const int total = observed.total();
  if (expects_ok) return 2 * ok > total;  // safe: most trials ok
  return 2 * ok < total;                  // unsafe: most trials not ok
}

std::string ExpectText(const OutcomeSet& kinds) {
  std::vector<std::string> names;
  for (OutcomeKind kind : MostSevereFirst(kinds)) {
    names.push_back(std::string(OutcomeKindName(kind)));
  }
  return absl::StrCat(kinds.size() == 1 ? "always " : "mixed ",
                      absl::StrJoin(names, ","));
}

std::string ExpectText(const Expectation& expectation) {
  std::string text = absl::StrCat("workers: ", ExpectText(expectation.workers));
  if (expectation.parent_after.has_value()) {
    absl::StrAppend(&text,
                    "; parent_after: ", ExpectText(*expectation.parent_after));
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
          "missing \" => \" between the cell key and its expectations");
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
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int error = errno;
    const std::string message = absl::StrCat("cannot open expectations file ",
                                             path, ": ", std::strerror(error));
    if (error == ENOENT) return absl::NotFoundError(message);
    return absl::FailedPreconditionError(message);
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return absl::DataLossError(
        absl::StrCat("cannot read expectations file ", path));
  }
  return ParseExpectations(text.str(), path);
}

std::string ExpectationLine(const CellResult& result) {
  const OutcomeCounts workers = result.WorkerCounts();
  if (workers.total() == 0) return "";
  Expectation observed;
  observed.workers = Observed(workers);
  const OutcomeCounts parent = result.ParentCounts();
  if (parent.total() > 0) observed.parent_after = Observed(parent);
  return Line(result.key, observed);
}

std::string RenderExpectationsFile(absl::string_view subject,
                                   const std::vector<CellResult>& results,
                                   absl::string_view record_command,
                                   const ExpectationsFile* previous) {
  std::map<std::string, Expectation> recorded;
  if (previous != nullptr) recorded = previous->by_key;
  std::vector<std::string> unrun;
  for (const CellResult& result : results) {
    const OutcomeCounts workers = result.WorkerCounts();
    if (workers.total() == 0) {
      if (recorded.count(result.key) == 0) unrun.push_back(result.key);
      continue;
    }
    Expectation observed;
    observed.workers = Observed(workers);
    const OutcomeCounts parent = result.ParentCounts();
    if (parent.total() > 0) observed.parent_after = Observed(parent);
    const auto old = recorded.find(result.key);
    if (old != recorded.end() && old->second.parent_after.has_value() ==
                                     observed.parent_after.has_value()) {
      observed.workers.insert(old->second.workers.begin(),
                              old->second.workers.end());
      if (observed.parent_after.has_value()) {
        observed.parent_after->insert(old->second.parent_after->begin(),
                                      old->second.parent_after->end());
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
      "# forkcheck process-model expectations for ", subject, "\n",
      "# Recorded ",
      absl::FormatTime("%Y-%m-%d", absl::Now(), absl::UTCTimeZone()),
      " (UTC). Re-record with:\n", "#   ", command, "\n",
      "# and review the diff: every changed line is a changed behaviour.\n",
      "#\n", "# One cell a line: \"<cell key> => workers: <expect>\", plus\n",
      "# \"; parent_after: <expect>\" iff the model checks its parent's "
      "client.\n",
      "# <expect> is \"always <kind>\" or \"mixed <kind>,<kind>[,...]\", "
      "kinds being\n",
      "# ", KnownKinds(), ".\n",
      "# Matching (see matrix/README.md): a line makes its cell safe (always\n",
      "# ok), unsafe (no ok) or flaky (ok and other kinds). A safe cell must\n",
      "# show only ok, an unsafe one no ok (how it fails may vary), a flaky "
      "one\n",
      "# anything; wrong_data a line does not list never matches. Trials the\n",
      "# harness could not run are not observations.\n");
  for (const std::string& key : unrun) {
    absl::StrAppend(
        &text, "# not recorded, the harness could not run it: ", key, "\n");
  }
  absl::StrAppend(&text, "\n");
  for (const std::string& line : lines) absl::StrAppend(&text, line, "\n");
  return text;
}

ExpectationsCheck CheckExpectations(const ExpectationsFile& file,
                                    const std::vector<CellResult>& results,
                                    const std::set<std::string>& known_keys) {
  ExpectationsCheck check;
  std::set<std::string> ran;
  for (const CellResult& result : results) {
    ran.insert(result.key);
    const auto it = file.by_key.find(result.key);
    const OutcomeCounts workers = result.WorkerCounts();
    if (workers.total() == 0) {
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
    const OutcomeCounts parent = result.ParentCounts();
    const bool parent_checked = parent.total() > 0;
    const bool matches =
        Matches(expected.workers, workers) &&
        expected.parent_after.has_value() == parent_checked &&
        (!parent_checked || Matches(*expected.parent_after, parent));
    if (matches) continue;

    ExpectationMismatch mismatch;
    mismatch.key = result.key;
    mismatch.line = expected.line;
    mismatch.observed_summary = absl::StrCat("workers: ", workers.Summary());
    if (parent_checked) {
      absl::StrAppend(&mismatch.observed_summary,
                      "; parent_after: ", parent.Summary());
    } else if (expected.parent_after.has_value()) {
      absl::StrAppend(&mismatch.observed_summary,
                      "; parent_after: not checked");
    }
    mismatch.expected_text = ExpectText(expected);
    Expectation replacement;
    replacement.workers = Replacement(expected.workers, Observed(workers));
    if (parent_checked) {
      replacement.parent_after =
          expected.parent_after.has_value()
              ? Replacement(*expected.parent_after, Observed(parent))
              : Observed(parent);
    }
    mismatch.replacement_line = Line(result.key, replacement);
    check.mismatches.push_back(std::move(mismatch));
  }
  for (const auto& [key, expectation] : file.by_key) {
    if (known_keys.count(key) == 0 && ran.count(key) == 0) {
      check.stale.emplace_back(expectation.line, key);
    }
  }
  std::sort(check.mismatches.begin(), check.mismatches.end(),
            [](const ExpectationMismatch& a, const ExpectationMismatch& b) {
              return a.line < b.line;
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
    absl::StrAppend(&text, file_path, ":", mismatch.line, ": observed ",
                    mismatch.observed_summary, "; expected ",
                    mismatch.expected_text, ". Change the line to:\n  ",
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
