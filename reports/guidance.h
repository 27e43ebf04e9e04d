// "What to do on this build": guidance derived from a report's matrix and
// benchmarks by rules kept as code (guidance.cc, one function a rule), never
// written by hand. Per client, each statement says which arrangements are
// safe here, which never are, what (if anything) makes forking after using
// gRPC work and what that costs, and which safe model is fastest at each
// benchmarked concurrency; each cites its evidence (cells with their counts,
// verdicts and intervals; benchmark scenarios with their medians), and a
// statement the data cannot support says "undecided" and what would decide
// it.
//
// Compute apart from render: DeriveGuidance returns data; the Render*
// functions word it for the console, the Markdown summary and (through
// GuidanceSections) the HTML page.
#ifndef FORKCHECK_REPORTS_GUIDANCE_H_
#define FORKCHECK_REPORTS_GUIDANCE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "reports/report_model.h"

namespace forkcheck {

// The rules, in the order the views show them (GuidanceStatement::rule).
// guidance.cc says how each decides.
inline constexpr char kRuleSafe[] = "safe";             // every cell safe
inline constexpr char kRuleNeverSafe[] = "never_safe";  // every cell unsafe
inline constexpr char kRuleSafeOnlyWith[] = "safe_only_with";
inline constexpr char kRuleNeedsRetry[] = "needs_retry";
inline constexpr char kRuleFailsEverywhere[] = "fails_everywhere";
inline constexpr char kRuleForkAfterUse[] = "fork_after_use";
inline constexpr char kRuleFastest[] = "fastest";
inline constexpr char kRuleUndecided[] = "undecided";

// The rule ids in the views' order.
const std::vector<std::string>& GuidanceRules();

// A rule's heading in the views: "Safe here", "Never safe", ...
std::string GuidanceRuleTitle(const std::string& rule);

enum class GuidanceStrength {
  kSupported,  // the cited evidence supports the statement as worded
  kUndecided,  // the data cannot support a statement yet; it says why
};

// A matrix cell as a statement cites it: its parts as the report has them
// (counts, interval, verdict, text), so that a reader, or a test, can check
// the claim from the citation alone.
struct CitedCell {
  std::string key;
  std::string model_name;
  // The settings the cell ran with (its environment and testee axes away
  // from the design's defaults), e.g. "fork_support=true
  // fork_hooks=application"; "the default settings" if none.
  std::string setting;
  // The cell's verdict over its parts (CellVerdict).
  std::string verdict;
  CellPart workers;
  std::optional<CellPart> parent_after;
};

// A benchmark scenario as a statement cites it: its rows/s.
struct CitedScenario {
  std::string id;
  std::string model;  // its label: the model name with its variant
  int workers = 0;
  std::string response;
  int repetitions = 0;
  double median = 0;  // rows/s, median over the repetitions
  double mad = 0;     // its median absolute deviation
  // One of the models a fastest statement chose among (else cited for a
  // ratio or a cost).
  bool candidate = false;
};

struct GuidanceStatement {
  std::string client;  // "cpp", "python-grpcio"
  std::string rule;    // kRule...
  // Unique within a report's guidance, e.g. "safe/cpp/spawn"; the HTML
  // page's anchor and what builds_on names.
  std::string id;
  // What it is about: a model name, "2 workers, 64KiB", or the client (a
  // statement about all its cells: what deciding them would take).
  std::string subject;
  GuidanceStrength strength = GuidanceStrength::kSupported;
  // The whole statement, with its evidence in numbers (Markdown, HTML).
  std::string sentence;
  // The subject and its evidence in a few words, for the console, which
  // lists a rule's statements on one line.
  std::string brief;
  // What the statement names as its answer, by rule: the settings a model
  // is safe with (safe_only_with); "<model> with <setting>" for each way
  // forking after using gRPC works (fork_after_use; none: nothing does);
  // the fastest model, or those without a measurable difference (fastest);
  // empty for the other rules, whose answer is the subject.
  std::vector<std::string> answer;
  std::vector<CitedCell> cells;
  std::vector<CitedScenario> scenarios;
  // Statements this one relies on (a fastest model's safety), by id.
  std::vector<std::string> builds_on;
};

// The verdict of a cell over its parts, as the guidance reads it: unsafe if
// any part is unsafe (an arrangement whose workers or parent fail fails);
// safe if every part is; flaky if any part is; needs_retry if every part is
// safe or needs_retry; else undecided.
std::string CellVerdict(const ReportCell& cell);

// The statements for each client that ran, client by client in the
// report's order, rules in GuidanceRules' order; none without a matrix.
std::vector<GuidanceStatement> DeriveGuidance(const ReportModel& report);

// The console's section, wrapped at 100 columns, in at most `max_lines`
// lines: a heading, then per client its name and per rule one line
// listing its statements' briefs, as many rules as fit its share (at most
// 12 lines; line_budget.h shares the lines), then a line saying if some
// did not. With too few lines for a client's least (its whole block, or
// LeastGuidanceLines' share), one line saying where the statements are;
// "" if there is none or max_lines is 0.
std::string RenderGuidanceText(const ReportModel& report,
                               const std::vector<GuidanceStatement>& guidance,
                               size_t max_lines = SIZE_MAX);

// The clients with statements, in the guidance's order.
std::vector<std::string> GuidanceClients(
    const std::vector<GuidanceStatement>& guidance);

// The fewest lines RenderGuidanceText says something in about each of
// `clients` clients: the heading, and per client its name, a rule and a
// line saying what did not fit.
size_t LeastGuidanceLines(size_t clients);

// The Markdown summary's section: per client and rule, each statement's
// sentence with its evidence (every cited cell's key and text, every cited
// scenario's median); "" if there is none.
std::string RenderGuidanceMarkdown(
    const ReportModel& report, const std::vector<GuidanceStatement>& guidance);

// A client's build in words, as the sections head it: "cpp: grpc++ 1.51.1
// (C++, gRPC core 29.0.0)".
std::string GuidanceClientHeading(const ReportModel& report,
                                  const std::string& client);

// The section's introduction: where the statements come from, and the
// verdict rule they read.
std::string GuidanceIntroduction(const ReportModel& report);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_GUIDANCE_H_
