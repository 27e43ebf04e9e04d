#include "reports/guidance.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "matrix/cell.h"
#include "matrix/stopping_rule.h"
#include "reports/line_budget.h"
#include "reports/report_clients.h"
#include "reports/text_wrap.h"
#include "reports/verdict_text.h"
#include "stats/binomial_interval.h"

namespace forkcheck {
namespace {

// ---------------------------------------------------------------------------
// Names as data, in one place. The design (conformance/matrix_design.json)
// and the model registry describe what each model does but not which of
// them fork a process that already used gRPC, nor which one is a client's
// threads-only baseline; reports/ may not depend on models/ anyway (it
// would link gRPC into every reader). So these two small tables say it.

// A model in which a process that initialised gRPC and made a channel
// forks, and the child goes on to use gRPC: what the client documentation
// warns about. `variant` lists the variant settings the model must have
// (none: every variant).
struct ForkAfterUseModel {
  const char* client;
  const char* model;  // without client prefix or variant
  std::vector<std::pair<std::string, std::string>> variant;
};

const std::vector<ForkAfterUseModel>& ForkAfterUseModels() {
  static const auto* const kModels = new std::vector<ForkAfterUseModel>{
      // The child uses (or replaces) the channel its parent created.
      {kCppClient, "fork_after_create", {}},
      // The parent used gRPC before forking; the child makes its own client.
      {kCppClient, "fork_then_create_parent_used", {}},
      // Counterparts of gRPC's own fork tests: each forks after a call.
      {kCppClient, "grpc_fork_suite", {}},
      // A fork pool whose parent made its client before the pool: forkserver
      // and spawn children start from a fresh interpreter, fork ones do not.
      {"python-grpcio",
       "multiprocessing",
       {{"start_method", "fork"}, {"parent_client", "before_pool"}}},
  };
  return *kModels;
}

// Each client's model whose workers are threads sharing one client: what
// the client documentation recommends, so the yardstick of every cost.
const std::map<std::string, std::string>& ThreadBaselines() {
  static const auto* const kBaselines = new std::map<std::string, std::string>{
      {kCppClient, "thread_shared"},
      {"python-grpcio", "python-grpcio:threads"},
  };
  return *kBaselines;
}

// A fastest claim needs the spread of its repetitions: with fewer, no MAD
// says whether two medians differ.
constexpr int kMinRepetitions = 3;

constexpr char kDefaultSetting[] = "the default settings";

// A client's share of the console: at most, and the least that says
// something (its name, a rule of up to two lines, a line saying what did
// not fit).
constexpr size_t kClientLines = 12;
constexpr size_t kRuleLines = 2;
constexpr size_t kLeastClientLines = 2 + kRuleLines;

// ---------------------------------------------------------------------------
// Reading the matrix.

// "fork_after_create" and {{"parent_channel", "used"}} from
// "fork_after_create(parent_channel=used)" (CellModelName's shape), client
// prefix dropped. Read from the name because every report has it; older
// reports' cells carry no variant map.
std::pair<std::string, std::map<std::string, std::string>> SplitModelName(
    const std::string& model_name) {
  const std::string name = ModelWithoutClient(model_name);
  const size_t open = name.find('(');
  std::map<std::string, std::string> variant;
  if (open == std::string::npos || name.back() != ')') {
    return {ModelWithoutVariant(model_name), variant};
  }
  for (absl::string_view setting : absl::StrSplit(
           absl::string_view(name).substr(open + 1, name.size() - open - 2),
           ',', absl::SkipEmpty())) {
    const std::pair<std::string, std::string> kv =
        absl::StrSplit(setting, absl::MaxSplits('=', 1));
    variant[kv.first] = kv.second;
  }
  return {ModelWithoutVariant(model_name), variant};
}

bool IsForkAfterUse(const std::string& client, const std::string& model_name) {
  const auto [model, variant] = SplitModelName(model_name);
  for (const ForkAfterUseModel& entry : ForkAfterUseModels()) {
    if (entry.client != client || entry.model != model) continue;
    bool matches = true;
    for (const auto& [key, value] : entry.variant) {
      const auto found = variant.find(key);
      if (found == variant.end() || found->second != value) matches = false;
    }
    if (matches) return true;
  }
  return false;
}

// A model as both the matrix and the benchmarks record it: its client, its
// model and its variant settings, compared setting by setting.
struct ModelIdentity {
  std::string client;
  std::string model;  // without client prefix or variant
  std::map<std::string, std::string> variant;

  bool operator==(const ModelIdentity& other) const {
    return client == other.client && model == other.model &&
           variant == other.variant;
  }
};

ModelIdentity IdentityOf(const std::string& model_name) {
  auto [model, variant] = SplitModelName(model_name);
  return {ModelClient(model_name), std::move(model), std::move(variant)};
}

// Whether a benchmark scenario measured `model_name`, a matrix model: the
// one mapping from the benchmarks to the matrix, for every client. A
// scenario records its model only in its label, the model's name with every
// variant setting (process_models_benchmark's SetLabel); its run name has
// a word of the benchmark's own ("python_fork_after_pool") that no cell
// carries. So the label is read, and compared with the cell's name by
// client, model and each variant setting rather than as text: a name that
// lists the same settings in another order is the same model, and one
// with another value of any setting (forkserver with the parent's client
// made before the pool, not after) is not, whatever its cost.
bool MeasuredModel(const BenchmarkScenario& scenario,
                   const std::string& model_name) {
  return IdentityOf(scenario.ConfigText("label")) == IdentityOf(model_name);
}

// The cell's settings: the axes a user sets in the process (carried by the
// environment or by the testee: fork support, poller, fork hooks, child
// channel, a busy parent thread) that differ from the design's defaults.
// The other axes (workers, transport, table, faults) are conditions a
// setting must hold under, so they are not part of it.
std::string SettingOf(const Axes& axes, const Axes& defaults) {
  const auto values = AxisValues(axes);
  const auto default_values = AxisValues(defaults);
  const std::vector<AxisDeclaration>& declarations = AxisDeclarations();
  std::vector<std::string> away;
  for (size_t a = 0; a < declarations.size() && a < values.size(); ++a) {
    const AxisDeclaration::Carrier carrier = declarations[a].carrier;
    if (carrier != AxisDeclaration::Carrier::kEnvironment &&
        carrier != AxisDeclaration::Carrier::kTestee) {
      continue;
    }
    if (values[a].second != default_values[a].second) {
      away.push_back(absl::StrCat(values[a].first, "=", values[a].second));
    }
  }
  return away.empty() ? kDefaultSetting : absl::StrJoin(away, " ");
}

// "ok" of a part, ok_after_retry included: the trials that read every row.
int ReadEveryRow(const CellPart& part) {
  int read = part.ok_after_retry;
  if (const auto ok = part.counts.find("ok"); ok != part.counts.end()) {
    read += ok->second;
  }
  return read;
}

std::vector<const CellPart*> Parts(const ReportCell& cell) {
  std::vector<const CellPart*> parts = {&cell.workers};
  if (cell.parent_after.has_value()) parts.push_back(&*cell.parent_after);
  return parts;
}

bool Failing(const std::string& verdict) {
  return verdict == "unsafe" || verdict == "flaky";
}

// One setting of a model, with its cells and their verdict together:
// "safe" (every cell), "fails" (a cell unsafe or flaky), "needs_retry"
// (every cell safe or needs_retry), else "undecided".
struct SettingGroup {
  std::string setting;
  std::vector<const ReportCell*> cells;
  std::string verdict;
};

struct ModelCells {
  std::string client;
  std::string model;  // the model name with its variant and client
  std::vector<const ReportCell*> cells;
  std::vector<SettingGroup> groups;  // the default settings first
};

std::string GroupVerdict(const std::vector<const ReportCell*>& cells) {
  bool all_safe = true, all_retry_or_safe = true;
  for (const ReportCell* cell : cells) {
    const std::string verdict = CellVerdict(*cell);
    if (Failing(verdict)) return "fails";
    all_safe = all_safe && verdict == "safe";
    all_retry_or_safe =
        all_retry_or_safe && (verdict == "safe" || verdict == "needs_retry");
  }
  if (all_safe) return "safe";
  return all_retry_or_safe ? "needs_retry" : "undecided";
}

// The client's models of one workload in the report's order, each with its
// cells by setting. A writing model is named apart, "spawn (write)": what
// is safe for a reader need not be for a writer, so they are judged apart.
std::vector<ModelCells> ModelsOf(const ReportConformance& conformance,
                                 const std::string& client,
                                 const std::string& workload) {
  std::vector<ModelCells> models;
  for (const ReportCell& cell : conformance.cells) {
    if (cell.client != client || cell.axes.workload != workload) continue;
    const std::string name =
        workload == "read" ? cell.model_name
                           : absl::StrCat(cell.model_name, " (", workload, ")");
    auto model =
        std::find_if(models.begin(), models.end(),
                     [&](const ModelCells& m) { return m.model == name; });
    if (model == models.end()) {
      models.push_back({client, name});
      model = models.end() - 1;
    }
    model->cells.push_back(&cell);
    const std::string setting = SettingOf(cell.axes, conformance.defaults);
    auto group = std::find_if(
        model->groups.begin(), model->groups.end(),
        [&](const SettingGroup& g) { return g.setting == setting; });
    if (group == model->groups.end()) {
      model->groups.push_back({setting});
      group = model->groups.end() - 1;
    }
    group->cells.push_back(&cell);
  }
  for (ModelCells& model : models) {
    for (SettingGroup& group : model.groups) {
      group.verdict = GroupVerdict(group.cells);
    }
    std::stable_partition(
        model.groups.begin(), model.groups.end(),
        [](const SettingGroup& g) { return g.setting == kDefaultSetting; });
  }
  return models;
}

// ---------------------------------------------------------------------------
// Wording the evidence.

std::string Percent(double rate) {
  const double percent = rate * 100;
  if (percent == 0 || percent >= 10) return absl::StrFormat("%.0f%%", percent);
  return absl::StrFormat("%.2g%%", percent);
}

std::string Confidence(const ReportConformance& conformance) {
  return Percent(conformance.trial_policy.verdicts.confidence);
}

std::string Cells(size_t n) {
  return absl::StrCat(n, n == 1 ? " cell" : " cells");
}

// The outcome kinds in the order every view tallies them.
constexpr const char* kKinds[] = {"ok",    "ok_after_retry", "wrong_data",
                                  "error", "hang",           "crash"};

// A part's counts summed over `cells`: "ok 96/96", "ok 5/8, crash 3/8".
std::string SummedCounts(const std::vector<const ReportCell*>& cells,
                         bool parent) {
  std::map<std::string, int> counts;
  int trials = 0;
  for (const ReportCell* cell : cells) {
    const CellPart* part =
        parent
            ? (cell->parent_after.has_value() ? &*cell->parent_after : nullptr)
            : &cell->workers;
    if (part == nullptr) continue;
    trials += part->trials;
    for (const auto& [kind, count] : part->counts) counts[kind] += count;
  }
  std::vector<std::string> parts;
  for (const char* kind : kKinds) {
    if (const auto found = counts.find(kind); found != counts.end()) {
      parts.push_back(absl::StrCat(kind, " ", found->second, "/", trials));
      counts.erase(found);
    }
  }
  for (const auto& [kind, count] : counts) {
    parts.push_back(absl::StrCat(kind, " ", count, "/", trials));
  }
  return parts.empty() ? "no trials" : absl::StrJoin(parts, ", ");
}

bool AnyParent(const std::vector<const ReportCell*>& cells) {
  return std::any_of(cells.begin(), cells.end(), [](const ReportCell* c) {
    return c->parent_after.has_value();
  });
}

// "ok 96/96" or, with a parent check, "workers ok 96/96, parent after ok
// 96/96"; `brief` leaves the parent out unless it failed somewhere.
std::string CountsText(const std::vector<const ReportCell*>& cells,
                       bool brief) {
  const bool parent_failed =
      std::any_of(cells.begin(), cells.end(), [](const ReportCell* c) {
        return c->parent_after.has_value() && c->parent_after->failures > 0;
      });
  if (!AnyParent(cells) || (brief && !parent_failed)) {
    return SummedCounts(cells, false);
  }
  return absl::StrCat("workers ", SummedCounts(cells, false), ", parent after ",
                      SummedCounts(cells, true));
}

// The highest upper bound of any part's failure rate over `cells`.
double HighestFailureBound(const std::vector<const ReportCell*>& cells) {
  double highest = 0;
  for (const ReportCell* cell : cells) {
    for (const CellPart* part : Parts(*cell)) {
      highest = std::max(highest, part->interval_high);
    }
  }
  return highest;
}

// The ok rate's (ok_after_retry included) upper bound of a part, at the
// rule's confidence: what the unsafe verdict bounds.
double ReadRateBound(const CellPart& part, double confidence) {
  return stats::ClopperPearson(ReadEveryRow(part), part.trials, confidence)
      .high;
}

// The highest such bound over the failing parts of `cells`.
double HighestReadBound(const std::vector<const ReportCell*>& cells,
                        double confidence) {
  double highest = 0;
  for (const ReportCell* cell : cells) {
    for (const CellPart* part : Parts(*cell)) {
      if (part->verdict == "unsafe") {
        highest = std::max(highest, ReadRateBound(*part, confidence));
      }
    }
  }
  return highest;
}

// "4 cells: ok 96/96, failure ≤ 9.7% in each at 95%".
std::string SafeEvidence(const std::vector<const ReportCell*>& cells,
                         const ReportConformance& conformance, bool brief) {
  return absl::StrCat(
      Cells(cells.size()), ": ", CountsText(cells, brief), ", failure ≤ ",
      Percent(HighestFailureBound(cells)),
      brief ? "" : absl::StrCat(" in each at ", Confidence(conformance)));
}

// "2 cells: hang 30/30, reads every row in ≤ 12% of trials at 95%".
std::string UnsafeEvidence(const std::vector<const ReportCell*>& cells,
                           const ReportConformance& conformance, bool brief) {
  const double confidence = conformance.trial_policy.verdicts.confidence;
  return absl::StrCat(
      Cells(cells.size()), ": ", CountsText(cells, brief),
      brief ? ""
            : absl::StrCat(", reads every row in ≤ ",
                           Percent(HighestReadBound(cells, confidence)),
                           " of trials at ", Confidence(conformance)));
}

// Cells by their verdict: "unsafe 3, flaky 1".
std::string VerdictTally(const std::vector<const ReportCell*>& cells) {
  std::map<std::string, int> tally;
  for (const ReportCell* cell : cells) ++tally[CellVerdict(*cell)];
  std::vector<std::string> parts;
  for (const char* verdict :
       {"unsafe", "flaky", "undecided", "needs_retry", "safe"}) {
    if (const auto found = tally.find(verdict); found != tally.end()) {
      parts.push_back(absl::StrCat(verdict, " ", found->second));
    }
  }
  return absl::StrJoin(parts, ", ");
}

// A setting group in words: "with fork_support=true: safe (2 cells: ok
// 20/20, failure ≤ 17%)", "with the default settings: fails (2 cells,
// unsafe 2: hang 12/12)".
std::string GroupText(const SettingGroup& group,
                      const ReportConformance& conformance, bool brief) {
  std::string text = absl::StrCat("with ", group.setting, ": ", group.verdict);
  if (group.verdict == "safe") {
    return absl::StrCat(text, " (",
                        SafeEvidence(group.cells, conformance, brief), ")");
  }
  const std::string tally = VerdictTally(group.cells);
  return absl::StrCat(
      text, " (", Cells(group.cells.size()),
      tally == absl::StrCat(group.verdict, " ", group.cells.size())
          ? ""
          : absl::StrCat(", ", tally),
      ": ", CountsText(group.cells, brief), ")");
}

CitedCell Cite(const ReportCell& cell, const Axes& defaults) {
  return {cell.key,          cell.model_name, SettingOf(cell.axes, defaults),
          CellVerdict(cell), cell.workers,    cell.parent_after};
}

std::vector<CitedCell> CiteAll(const std::vector<const ReportCell*>& cells,
                               const Axes& defaults) {
  std::vector<CitedCell> cited;
  for (const ReportCell* cell : cells) cited.push_back(Cite(*cell, defaults));
  return cited;
}

GuidanceStatement ModelStatement(const ModelCells& model,
                                 const std::string& rule,
                                 GuidanceStrength strength) {
  GuidanceStatement statement;
  statement.client = model.client;
  statement.rule = rule;
  statement.id = absl::StrCat(rule, "/", model.client, "/", model.model);
  statement.subject = model.model;
  statement.strength = strength;
  return statement;
}

std::string Shown(const std::string& model_name) {
  return ModelWithoutClient(model_name);
}

// How many trials, all alike, a cell needs for the rule to decide it: the
// smallest n whose Clopper-Pearson bound of 0 of n is below `threshold`
// (0 failures for safe; 0 trials reading every row for unsafe). 0 if more
// than 100000 would be needed.
int TrialsToDecide(double threshold, double confidence) {
  for (int n = 1; n <= 100000; ++n) {
    if (stats::ClopperPearson(0, n, confidence).high < threshold) return n;
  }
  return 0;
}

// What would decide a model's undecided cells: "3 cells undecided: no
// failure yet (ok 12/12); a cell needs 36 clean trials to be safe, they have
// 4 (the time budget stopped 3; this run's cap is 10 trials a cell)".
std::string WhatWouldDecide(const std::vector<const ReportCell*>& cells,
                            const ReportConformance& conformance) {
  const ReportTrialPolicy& policy = conformance.trial_policy;
  std::vector<const ReportCell*> clean, all_failed, other;
  for (const ReportCell* cell : cells) {
    if (CellVerdict(*cell) != "undecided") continue;
    // A part that failed in every trial would make the cell unsafe with
    // enough such trials; a cell with no failure at all would become safe.
    bool any_failure = false, a_part_never_read = false;
    for (const CellPart* part : Parts(*cell)) {
      any_failure = any_failure || part->failures > 0;
      a_part_never_read =
          a_part_never_read || (part->trials > 0 && ReadEveryRow(*part) == 0);
    }
    if (!any_failure) {
      clean.push_back(cell);
    } else if (a_part_never_read) {
      all_failed.push_back(cell);
    } else {
      other.push_back(cell);
    }
  }
  auto fewest_most = [](const std::vector<const ReportCell*>& group) {
    int fewest = 1 << 30, most = 0;
    for (const ReportCell* cell : group) {
      fewest = std::min(fewest, cell->workers.trials);
      most = std::max(most, cell->workers.trials);
    }
    return fewest == most ? absl::StrCat(most)
                          : absl::StrCat(fewest, " to ", most);
  };
  std::vector<std::string> parts;
  int needed_most = 0;
  if (!clean.empty()) {
    const int needed = TrialsToDecide(policy.verdicts.safe_threshold,
                                      policy.verdicts.confidence);
    needed_most = std::max(needed_most, needed);
    parts.push_back(absl::StrCat(Cells(clean.size()), " with no failure yet (",
                                 SummedCounts(clean, false), "): safe needs ",
                                 needed, " clean trials a cell, they have ",
                                 fewest_most(clean)));
  }
  if (!all_failed.empty()) {
    const int needed = TrialsToDecide(policy.verdicts.unsafe_threshold,
                                      policy.verdicts.confidence);
    needed_most = std::max(needed_most, needed);
    parts.push_back(absl::StrCat(
        Cells(all_failed.size()), " failed in every trial (",
        SummedCounts(all_failed, false), "): unsafe needs ", needed,
        " such trials a cell, they have ", fewest_most(all_failed)));
  }
  if (!other.empty()) {
    parts.push_back(absl::StrCat(
        Cells(other.size()), " (", SummedCounts(other, false),
        "): each interval still spans a threshold; more trials would tell"));
  }
  if (parts.empty()) return "";
  std::string text = absl::StrJoin(parts, "; ");
  int budget_stopped = 0;
  for (const ReportCell* cell : cells) {
    if (cell->stop_reason == "time budget") ++budget_stopped;
  }
  std::vector<std::string> why;
  if (budget_stopped > 0) {
    why.push_back(absl::StrCat("the time budget stopped ", budget_stopped,
                               " (--matrix_budget)"));
  }
  if (needed_most > policy.stopping.max_trials) {
    why.push_back(absl::StrCat("this run's cap is ", policy.stopping.max_trials,
                               " trials a cell (--max_trials)"));
  }
  if (!why.empty()) absl::StrAppend(&text, " (", absl::StrJoin(why, "; "), ")");
  return text;
}

// ---------------------------------------------------------------------------
// The rules over one model's cells. Each returns its statement if it
// applies; DeriveGuidance tries them in this order and keeps the first, so
// every model gets exactly one of them.

// a. Safe here: every cell of the model that the run had, under every
// setting and condition it tried, is safe (each part's failure bound below
// the safe threshold). Every cell rather than the baseline one: a user
// cannot tell which of the run's conditions (8 workers, a Unix socket, a
// stream reset) theirs resembles, so only a verdict that held in all of
// them is guidance. The bound cited is the highest of any cell's.
std::optional<GuidanceStatement> RuleSafe(const ModelCells& model,
                                          const ReportConformance& c) {
  for (const ReportCell* cell : model.cells) {
    if (CellVerdict(*cell) != "safe") return std::nullopt;
  }
  GuidanceStatement statement =
      ModelStatement(model, kRuleSafe, GuidanceStrength::kSupported);
  const std::string settings =
      model.groups.size() == 1 ? model.groups.front().setting
                               : absl::StrCat(model.groups.size(), " settings");
  statement.sentence =
      absl::StrCat(Shown(model.model),
                   " is safe here: every cell of it in this run is "
                   "safe (",
                   settings, "; ", SafeEvidence(model.cells, c, false), ").");
  statement.brief = absl::StrCat(Shown(model.model), " (",
                                 SafeEvidence(model.cells, c, true), ")");
  statement.cells = CiteAll(model.cells, c.defaults);
  return statement;
}

// b. Never safe: every cell of the model is unsafe (some part's rate of
// reading every row bounded below the unsafe threshold), whatever setting
// or condition the run tried. Said only when all are: one flaky or
// undecided cell and the claim would be more than the verdicts say.
std::optional<GuidanceStatement> RuleNeverSafe(const ModelCells& model,
                                               const ReportConformance& c) {
  for (const ReportCell* cell : model.cells) {
    if (CellVerdict(*cell) != "unsafe") return std::nullopt;
  }
  GuidanceStatement statement =
      ModelStatement(model, kRuleNeverSafe, GuidanceStrength::kSupported);
  std::vector<std::string> settings;
  for (const SettingGroup& group : model.groups) {
    settings.push_back(group.setting);
  }
  statement.sentence = absl::StrCat(
      Shown(model.model), " is never safe here: every cell is unsafe, under ",
      model.groups.size() == 1 ? "the one setting" : "every setting",
      " tried (", absl::StrJoin(settings, "; "), "; ",
      UnsafeEvidence(model.cells, c, false), ").");
  statement.brief = absl::StrCat(Shown(model.model), " (",
                                 UnsafeEvidence(model.cells, c, true), ")");
  statement.cells = CiteAll(model.cells, c.defaults);
  return statement;
}

// The model's benchmark scenarios by (workers, response), for a cost.
std::vector<const BenchmarkScenario*> ScenariosOf(const ReportModel& report,
                                                  const std::string& model);

// What a model's safe setting costs: the benchmarks run every model at the
// design's default settings only, so a cost is cited only if the default
// settings are among the safe ones and the model was benchmarked.
std::string CostOfSetting(const ReportModel& report, const std::string& model,
                          const std::string& setting,
                          std::vector<CitedScenario>* cited);

// c (any model). Safe only with some settings: some setting's cells are all
// safe while another setting's cells fail (unsafe or flaky). Names each
// safe setting with its evidence, and each failing one; undecided settings
// are listed as such. For a fork-after-use model this is what makes forking
// after using gRPC work (kRuleForkAfterUse gathers them per client).
std::optional<GuidanceStatement> RuleSafeOnlyWith(const ModelCells& model,
                                                  const ReportConformance& c,
                                                  const ReportModel& report) {
  std::vector<const SettingGroup*> safe, failing, rest;
  for (const SettingGroup& group : model.groups) {
    if (group.verdict == "safe") {
      safe.push_back(&group);
    } else if (group.verdict == "fails") {
      failing.push_back(&group);
    } else {
      rest.push_back(&group);
    }
  }
  if (safe.empty() || failing.empty()) return std::nullopt;
  GuidanceStatement statement =
      ModelStatement(model, kRuleSafeOnlyWith, GuidanceStrength::kSupported);
  std::vector<std::string> safe_texts, safe_briefs, other_texts, costs;
  for (const SettingGroup* group : safe) {
    safe_texts.push_back(GroupText(*group, c, false));
    safe_briefs.push_back(group->setting);
    statement.answer.push_back(group->setting);
    costs.push_back(CostOfSetting(report, model.model, group->setting,
                                  &statement.scenarios));
  }
  for (const SettingGroup* group : failing) {
    other_texts.push_back(GroupText(*group, c, false));
  }
  for (const SettingGroup* group : rest) {
    other_texts.push_back(GroupText(*group, c, false));
  }
  statement.sentence =
      absl::StrCat(Shown(model.model), " is safe here only ",
                   absl::StrJoin(safe_texts, "; "), "; not ",
                   absl::StrJoin(other_texts, "; "),
                   ". Cost: ", absl::StrJoin(costs, "; "), ".");
  statement.brief =
      absl::StrCat(Shown(model.model), " only with ",
                   absl::StrJoin(safe_briefs, " or "), " (fails ",
                   failing.front()->setting == kDefaultSetting
                       ? "at the defaults"
                       : absl::StrCat("with ", failing.front()->setting),
                   ")");
  for (const SettingGroup& group : model.groups) {
    for (const ReportCell* cell : group.cells) {
      statement.cells.push_back(Cite(*cell, c.defaults));
    }
  }
  return statement;
}

// Needs a retry: every cell is safe or needs_retry, and some need a retry:
// every row was read, but only because our client retried a failed call; a
// client without that retry fails there.
std::optional<GuidanceStatement> RuleNeedsRetry(const ModelCells& model,
                                                const ReportConformance& c) {
  std::vector<const ReportCell*> retried;
  for (const ReportCell* cell : model.cells) {
    const std::string verdict = CellVerdict(*cell);
    if (verdict != "safe" && verdict != "needs_retry") return std::nullopt;
    if (verdict == "needs_retry") retried.push_back(cell);
  }
  if (retried.empty()) return std::nullopt;
  GuidanceStatement statement =
      ModelStatement(model, kRuleNeedsRetry, GuidanceStrength::kSupported);
  statement.sentence =
      absl::StrCat(Shown(model.model),
                   " reads every row here only with a client that "
                   "retries a failed call: ",
                   retried.size(), " of ", Cells(model.cells.size()),
                   retried.size() == 1 ? " needs" : " need", " a retry (",
                   CountsText(retried, false), "), the rest are safe.");
  statement.brief =
      absl::StrCat(Shown(model.model), " (", Cells(retried.size()), ": ",
                   CountsText(retried, true), ")");
  statement.cells = CiteAll(model.cells, c.defaults);
  return statement;
}

// Fails under every setting tried: each setting has a cell that is unsafe
// or flaky (it failed in some trials, its interval excluding 0), but not
// every cell is unsafe (that is never_safe). No setting the run tried made
// the model work; flaky cells fail only sometimes.
std::optional<GuidanceStatement> RuleFailsEverywhere(
    const ModelCells& model, const ReportConformance& c) {
  for (const SettingGroup& group : model.groups) {
    if (group.verdict != "fails") return std::nullopt;
  }
  GuidanceStatement statement =
      ModelStatement(model, kRuleFailsEverywhere, GuidanceStrength::kSupported);
  std::vector<std::string> groups;
  for (const SettingGroup& group : model.groups) {
    groups.push_back(GroupText(group, c, false));
  }
  statement.sentence =
      absl::StrCat(Shown(model.model),
                   " fails here under every setting tried, in some "
                   "trials at least: ",
                   absl::StrJoin(groups, "; "), ".");
  statement.brief = absl::StrCat(
      Shown(model.model), " (", Cells(model.cells.size()), ", ",
      VerdictTally(model.cells), ": ", CountsText(model.cells, true), ")");
  statement.cells = CiteAll(model.cells, c.defaults);
  return statement;
}

// e. Undecided: what none of the rules above could say, because cells are
// undecided (too few trials for either bound) alongside safe or failing
// ones. Says what each setting shows and what would decide it: how many
// clean trials a cell needs to be safe, or failing ones to be unsafe, and
// whether the time budget or the trial cap stopped the cells short.
GuidanceStatement RuleUndecided(const ModelCells& model,
                                const ReportConformance& c) {
  GuidanceStatement statement =
      ModelStatement(model, kRuleUndecided, GuidanceStrength::kUndecided);
  std::vector<std::string> groups;
  for (const SettingGroup& group : model.groups) {
    groups.push_back(GroupText(group, c, false));
  }
  std::string settings = absl::StrJoin(groups, "; ");
  settings[0] = 'W';  // "with ...", a sentence's start
  statement.sentence =
      absl::StrCat(Shown(model.model), ": undecided. ", settings, ". ",
                   "To decide: ", WhatWouldDecide(model.cells, c), ".");
  // The line lists undecided models: their tally is news only if mixed.
  const std::string tally = VerdictTally(model.cells);
  statement.brief =
      absl::StrCat(Shown(model.model), " (", Cells(model.cells.size()),
                   tally == absl::StrCat("undecided ", model.cells.size())
                       ? ""
                       : absl::StrCat(", ", tally),
                   ": ", CountsText(model.cells, true), ")");
  statement.cells = CiteAll(model.cells, c.defaults);
  return statement;
}

// "1 minute", "3 minutes".
std::string Minutes(int64_t n) {
  return absl::StrCat(n, n == 1 ? " minute" : " minutes");
}

// A part's counts as the matrix keeps them (ParseReportModel has checked
// the kinds' names).
OutcomeCounts MatrixCounts(const CellPart& part) {
  OutcomeCounts counts;
  for (const auto& [name, count] : part.counts) {
    if (std::optional<OutcomeKind> kind = OutcomeKindNamed(name)) {
      counts.counts[*kind] = count;
    }
  }
  return counts;
}

// e'. What deciding a client's undecided cells would take (one statement a
// client, first among its undecided ones, so that the console's one line
// shows it): the trials each cell still needs by the matrix's own rule
// (TrialsToDecision: its trials to come falling as most of its trials so
// far did) at the mean lane time of its trials so far (each with its
// diagnosis), summed, and the --matrix_budget that buys them with the
// matrix's default of one CPU lane per CPU. Cells that hung in a trial are
// left out (their trials wait out watchdogs on the hang lanes, beside the
// CPU lanes), as are cells that --max_trials stops short of a verdict; the
// sentence counts both. An estimate: trials to come may hang longer or end
// sooner than those so far. None when nothing is undecided.
std::optional<GuidanceStatement> RuleUndecidedCost(const ReportModel& report,
                                                   const std::string& client) {
  const ReportConformance& c = *report.conformance;
  const ReportTrialPolicy& policy = c.trial_policy;
  StoppingRule uncapped = policy.stopping;
  uncapped.max_trials = 10000;  // to tell cells the cap stops short
  int cells = 0, hanging = 0, capped = 0, capped_wants = 0;
  int64_t more_trials = 0;
  double lane_seconds = 0;
  for (const ReportCell& cell : c.cells) {
    if (cell.client != client || CellVerdict(cell) != "undecided") continue;
    if (std::any_of(cell.trials.begin(), cell.trials.end(),
                    [](const ReportTrial& t) { return t.watchdog_fired; })) {
      ++hanging;
      continue;
    }
    const OutcomeCounts parent = cell.parent_after.has_value()
                                     ? MatrixCounts(*cell.parent_after)
                                     : OutcomeCounts{};
    const int more = TrialsToDecision(MatrixCounts(cell.workers), parent,
                                      policy.verdicts, uncapped);
    if (more == 0 || cell.trials.empty()) continue;
    if (cell.workers.trials + more > policy.stopping.max_trials) {
      ++capped;
      capped_wants = std::max(capped_wants, cell.workers.trials + more);
      continue;
    }
    double micros = 0;
    for (const ReportTrial& trial : cell.trials) {
      micros += static_cast<double>(trial.wall_micros + trial.diagnosis_micros);
    }
    ++cells;
    more_trials += more;
    lane_seconds += more * micros / 1e6 / cell.trials.size();
  }
  if (cells + hanging + capped == 0) return std::nullopt;
  const MachineFacts& machine = report.environment.machine;
  const int64_t lanes = std::max<int64_t>(
      1,
      machine.hardware_concurrency.value_or(machine.cpus_allowed.value_or(1)));
  const int64_t trial_minutes =
      static_cast<int64_t>(std::ceil(lane_seconds / 60));
  const int64_t budget_minutes = std::max<int64_t>(
      1, static_cast<int64_t>(std::ceil(lane_seconds / lanes / 60)));
  std::vector<std::string> left_out;
  if (hanging > 0) {
    left_out.push_back(absl::StrCat(
        Cells(hanging),
        " with a hung trial (their trials wait out watchdogs on the hang "
        "lanes, beside)"));
  }
  if (capped > 0) {
    left_out.push_back(absl::StrCat(
        Cells(capped), " needing up to ", capped_wants,
        " trials, past this run's --max_trials=", policy.stopping.max_trials));
  }
  const std::string not_counted =
      left_out.empty()
          ? ""
          : absl::StrCat(" Not counted: ", absl::StrJoin(left_out, "; "), ".");
  GuidanceStatement statement;
  statement.client = client;
  statement.rule = kRuleUndecided;
  statement.id =
      absl::StrCat(kRuleUndecided, "/", client, "/what_deciding_takes");
  statement.subject = client;
  statement.strength = GuidanceStrength::kUndecided;
  if (cells == 0) {
    statement.sentence = absl::StrCat(
        "What deciding the undecided cells would take is not "
        "estimated: ",
        absl::StrJoin(left_out, "; "), ".");
    statement.brief =
        absl::StrCat(Cells(hanging + capped), " undecided, not estimated");
    return statement;
  }
  statement.sentence = absl::StrCat(
      "Deciding ", Cells(cells), " still undecided would take ", more_trials,
      " more trials: at the mean time of each cell's trials so far, about ",
      Minutes(trial_minutes), " of trials, so about ", Minutes(budget_minutes),
      " more of --matrix_budget with one lane per CPU (", lanes,
      " here, the default). An estimate: trials to come may hang longer or "
      "end sooner than those so far.",
      not_counted);
  statement.brief =
      absl::StrCat(Cells(cells), cells == 1 ? " needs " : " need ", more_trials,
                   " trials, ~", budget_minutes, " min of budget");
  return statement;
}

// ---------------------------------------------------------------------------
// Benchmarks.

bool IsProcessModelScenario(const BenchmarkScenario& scenario) {
  return scenario.ConfigText("benchmark") == "BM_ProcessModel" &&
         !scenario.skipped.has_value() &&
         scenario.metrics.count("rows_per_second") > 0;
}

std::vector<const BenchmarkScenario*> ScenariosOf(const ReportModel& report,
                                                  const std::string& model) {
  std::vector<const BenchmarkScenario*> scenarios;
  if (!report.benchmarks.has_value()) return scenarios;
  for (const BenchmarkScenario& scenario : report.benchmarks->scenarios) {
    if (IsProcessModelScenario(scenario) && MeasuredModel(scenario, model)) {
      scenarios.push_back(&scenario);
    }
  }
  std::sort(scenarios.begin(), scenarios.end(),
            [](const BenchmarkScenario* a, const BenchmarkScenario* b) {
              return std::make_pair(a->ConfigText("response"),
                                    a->ConfigInteger("workers")) <
                     std::make_pair(b->ConfigText("response"),
                                    b->ConfigInteger("workers"));
            });
  return scenarios;
}

// `model` is the matrix's name of the model the scenario measured (its
// label if the matrix has none), so that a statement's subject and its
// scenarios name a model alike.
CitedScenario CiteScenario(const BenchmarkScenario& scenario,
                           const std::string& model) {
  const ScenarioMetric& rows = scenario.metrics.at("rows_per_second");
  CitedScenario cited;
  cited.id = scenario.id;
  cited.model = model;
  cited.workers = static_cast<int>(scenario.ConfigInteger("workers"));
  cited.response = scenario.ConfigText("response");
  cited.repetitions = scenario.repetitions;
  cited.median = rows.median;
  cited.mad = rows.mad;
  return cited;
}

// "1.23 M", "45.6 k", "789" rows/s.
std::string Rate(double rows_per_second) {
  if (rows_per_second >= 1e6) {
    return absl::StrFormat("%.3g M", rows_per_second / 1e6);
  }
  if (rows_per_second >= 1e3) {
    return absl::StrFormat("%.3g k", rows_per_second / 1e3);
  }
  return absl::StrFormat("%.3g", rows_per_second);
}

// "3.35 M ± 0.12 M rows/s (5 repetitions)".
std::string ScenarioRate(const CitedScenario& scenario) {
  return absl::StrCat(Rate(scenario.median), " ± ", Rate(scenario.mad),
                      " rows/s (", scenario.repetitions, " repetitions)");
}

std::string Where(int workers, const std::string& response) {
  return absl::StrCat(workers, workers == 1 ? " worker" : " workers",
                      response.empty() ? "" : ", ", response);
}

std::string CostOfSetting(const ReportModel& report, const std::string& model,
                          const std::string& setting,
                          std::vector<CitedScenario>* cited) {
  if (setting != kDefaultSetting) {
    return absl::StrCat("with ", setting,
                        " not measured (the benchmarks run every model at "
                        "the default settings)");
  }
  const std::vector<const BenchmarkScenario*> scenarios =
      ScenariosOf(report, model);
  if (scenarios.empty()) return "at the default settings not benchmarked";
  std::vector<std::string> costs;
  for (const BenchmarkScenario* scenario : scenarios) {
    cited->push_back(CiteScenario(*scenario, model));
    costs.push_back(
        absl::StrCat(Where(cited->back().workers, cited->back().response), ": ",
                     ScenarioRate(cited->back())));
  }
  return absl::StrCat("at the default settings ", absl::StrJoin(costs, "; "));
}

// The models whose cells at the default settings are all safe (what the
// benchmarks measured is what was shown safe), with the statement that
// shows it.
std::map<std::string, std::string> SafeAsBenchmarked(
    const std::vector<ModelCells>& models,
    const std::vector<GuidanceStatement>& statements) {
  std::map<std::string, std::string> safe;
  for (const ModelCells& model : models) {
    if (model.groups.empty() ||
        model.groups.front().setting != kDefaultSetting ||
        model.groups.front().verdict != "safe") {
      continue;
    }
    for (const GuidanceStatement& statement : statements) {
      if (statement.subject == model.model &&
          (statement.rule == kRuleSafe ||
           statement.rule == kRuleSafeOnlyWith)) {
        safe[model.model] = statement.id;
      }
    }
  }
  return safe;
}

// Models none of whose cells failed in any trial (safe or still undecided):
// the candidates when no model has been shown safe yet.
std::set<std::string> NeverFailed(const std::vector<ModelCells>& models) {
  std::set<std::string> clean;
  for (const ModelCells& model : models) {
    bool failed = false;
    for (const ReportCell* cell : model.cells) {
      for (const CellPart* part : Parts(*cell)) {
        failed = failed || part->failures > 0;
      }
    }
    if (!failed) clean.insert(model.model);
  }
  return clean;
}

// A benchmark scenario with the matrix's model it measured (MeasuredModel).
struct MeasuredScenario {
  const BenchmarkScenario* scenario = nullptr;
  // The matrix's name of the model; its label if the matrix ran no cell of
  // it (so it can be neither shown safe nor clean).
  std::string model;
  bool in_matrix = false;
};

MeasuredScenario Measure(const BenchmarkScenario& scenario,
                         const std::vector<ModelCells>& models) {
  for (const ModelCells& model : models) {
    if (MeasuredModel(scenario, model.model)) {
      return {&scenario, model.model, true};
    }
  }
  return {&scenario, scenario.ConfigText("label"), false};
}

// d. The fastest safe model at each benchmarked concurrency and response
// size, and its ratio to the client's threads model (rows/s medians). The
// safe models are those whose cells at the default settings, where the
// benchmarks run, are all safe. A winner is named only if its median minus
// its MAD is above every other safe model's median plus its MAD, with at
// least kMinRepetitions repetitions each; otherwise the models that overlap
// it are reported as "no measurable difference". With no safe model
// benchmarked there, the statement is undecided and names the fastest of
// the models that have not failed yet.
std::vector<GuidanceStatement> RuleFastest(
    const ReportModel& report, const std::string& client,
    const std::vector<ModelCells>& models,
    const std::vector<GuidanceStatement>& statements) {
  std::vector<GuidanceStatement> out;
  if (!report.benchmarks.has_value()) return out;
  const std::map<std::string, std::string> safe =
      SafeAsBenchmarked(models, statements);
  const std::set<std::string> never_failed = NeverFailed(models);
  const auto baseline_name = ThreadBaselines().find(client);
  // (response, workers) -> scenarios of this client's models, each with
  // the matrix's name of the model it measured.
  std::map<std::pair<std::string, int64_t>, std::vector<MeasuredScenario>>
      where;
  for (const BenchmarkScenario& scenario : report.benchmarks->scenarios) {
    if (!IsProcessModelScenario(scenario) ||
        ModelClient(scenario.ConfigText("label")) != client) {
      continue;
    }
    where[{scenario.ConfigText("response"), scenario.ConfigInteger("workers")}]
        .push_back(Measure(scenario, models));
  }
  for (const auto& [place, scenarios] : where) {
    const std::string at = Where(static_cast<int>(place.second), place.first);
    GuidanceStatement statement;
    statement.client = client;
    statement.rule = kRuleFastest;
    statement.id = absl::StrCat(kRuleFastest, "/", client, "/", place.second,
                                "/", place.first);
    statement.subject = at;
    std::vector<CitedScenario> candidates;
    const CitedScenario* baseline = nullptr;
    std::optional<CitedScenario> baseline_scenario;
    bool shown_safe = true;
    for (const MeasuredScenario& measured : scenarios) {
      if (baseline_name != ThreadBaselines().end() &&
          MeasuredModel(*measured.scenario, baseline_name->second)) {
        baseline_scenario = CiteScenario(*measured.scenario, measured.model);
      }
      if (safe.count(measured.model) > 0) {
        candidates.push_back(CiteScenario(*measured.scenario, measured.model));
      }
    }
    if (candidates.empty()) {
      shown_safe = false;
      for (const MeasuredScenario& measured : scenarios) {
        if (never_failed.count(measured.model) > 0) {
          candidates.push_back(
              CiteScenario(*measured.scenario, measured.model));
        }
      }
    }
    std::sort(candidates.begin(), candidates.end(),
              [](const CitedScenario& a, const CitedScenario& b) {
                return a.median > b.median;
              });
    for (CitedScenario& candidate : candidates) {
      candidate.candidate = true;
      if (shown_safe) statement.builds_on.push_back(safe.at(candidate.model));
    }
    statement.scenarios = candidates;
    if (baseline_scenario.has_value()) {
      auto same = std::find_if(candidates.begin(), candidates.end(),
                               [&](const CitedScenario& s) {
                                 return s.id == baseline_scenario->id;
                               });
      if (same == candidates.end()) {
        statement.scenarios.push_back(*baseline_scenario);
      }
      baseline = &*baseline_scenario;
    }
    const std::string baseline_model = baseline_name == ThreadBaselines().end()
                                           ? "its threads model"
                                           : Shown(baseline_name->second);
    if (candidates.empty()) {
      // A benchmark of a model the matrix did not run (another variant
      // than any cell's) has not failed: say so rather than that it did.
      std::vector<std::string> not_run;
      for (const MeasuredScenario& measured : scenarios) {
        if (!measured.in_matrix) not_run.push_back(Shown(measured.model));
      }
      statement.strength = GuidanceStrength::kUndecided;
      statement.sentence = absl::StrCat(
          "At ", at,
          ": undecided: no model benchmarked here has been shown safe, and "
          "each has failed in some trial",
          not_run.empty() ? ""
                          : absl::StrCat(" or had no cell in the matrix (",
                                         absl::StrJoin(not_run, "; "), ")"),
          ".");
      statement.brief = absl::StrCat(at, ": undecided (no safe model)");
      out.push_back(std::move(statement));
      continue;
    }
    const CitedScenario& top = candidates.front();
    std::vector<std::string> tied = {top.model};
    std::vector<std::string> within;  // the others within the top's spread
    for (size_t i = 1; i < candidates.size(); ++i) {
      if (candidates[i].median + candidates[i].mad >= top.median - top.mad) {
        tied.push_back(candidates[i].model);
        within.push_back(absl::StrCat(Shown(candidates[i].model), " ",
                                      Rate(candidates[i].median)));
      }
    }
    const std::string top_text =
        absl::StrCat(Shown(top.model), " ", ScenarioRate(top));
    int fewest_repetitions = 1 << 30;
    for (const CitedScenario& candidate : candidates) {
      fewest_repetitions = std::min(fewest_repetitions, candidate.repetitions);
    }
    std::string ratio;
    std::string ratio_brief;
    if (baseline != nullptr && baseline->id == top.id) {
      // The threads model is the fastest: no ratio to state.
    } else if (baseline == nullptr) {
      ratio = absl::StrCat(" (", baseline_model, " was not benchmarked here)");
    } else if (baseline->median > 0) {
      const double times = top.median / baseline->median;
      ratio = absl::StrFormat(", %.2f × %s (%s)", times, baseline_model,
                              ScenarioRate(*baseline));
      ratio_brief = absl::StrFormat(", %.2f × %s", times, baseline_model);
    }
    if (!shown_safe) {
      statement.strength = GuidanceStrength::kUndecided;
      statement.answer = tied;
      statement.sentence = absl::StrCat(
          "At ", at,
          ": undecided: no model benchmarked here has been shown "
          "safe yet; of those that have not failed, the fastest is ",
          top_text, ratio,
          within.empty() ? ""
                         : absl::StrCat(", with ", absl::StrJoin(within, ", "),
                                        " within its spread"),
          ".");
      statement.brief = absl::StrCat(
          at, ": undecided; not failed yet: ", Shown(top.model), ratio_brief);
    } else if (fewest_repetitions < kMinRepetitions) {
      statement.strength = GuidanceStrength::kUndecided;
      statement.answer = tied;
      statement.sentence = absl::StrCat(
          "At ", at, ": undecided: the safe models' benchmarks have ",
          fewest_repetitions, " repetitions, too few (", kMinRepetitions,
          " at least) to tell a difference from noise; the highest median is ",
          top_text, ratio, ".");
      statement.brief = absl::StrCat(at, ": undecided (", fewest_repetitions,
                                     " repetitions); highest ",
                                     Shown(top.model), ratio_brief);
    } else if (tied.size() > 1) {
      statement.strength = GuidanceStrength::kSupported;
      statement.answer = tied;
      std::vector<std::string> shown;
      for (const std::string& model : tied) shown.push_back(Shown(model));
      statement.sentence =
          absl::StrCat("At ", at,
                       ": no measurable difference between the fastest safe "
                       "models: ",
                       top_text, ratio,
                       "; within its spread (median ± MAD "
                       "overlapping): ",
                       absl::StrJoin(within, ", "), ".");
      statement.brief = absl::StrCat(
          at, ": no measurable difference: ", absl::StrJoin(shown, ", "));
    } else {
      statement.strength = GuidanceStrength::kSupported;
      statement.answer = tied;
      std::string next;
      if (candidates.size() > 1) {
        next = absl::StrCat("; next ", Shown(candidates[1].model), " ",
                            ScenarioRate(candidates[1]));
      }
      statement.sentence =
          absl::StrCat("At ", at, ": the fastest safe model is ", top_text,
                       ratio, next, ".");
      statement.brief = absl::StrCat(at, ": ", Shown(top.model), ratio_brief);
    }
    out.push_back(std::move(statement));
  }
  return out;
}

// "a; b; c; and 4 more (each model's own statement has them)".
std::string ListSome(const std::vector<std::string>& items) {
  constexpr size_t kShown = 4;
  if (items.size() <= kShown) return absl::StrJoin(items, "; ");
  return absl::StrCat(
      absl::StrJoin(items.begin(), items.begin() + kShown, "; "), "; and ",
      items.size() - kShown, " more (each model's own statement has them)");
}

// c. What makes forking after using gRPC work on this build, per client:
// the fork-after-use models' settings whose cells are all safe (and what
// each costs, if the benchmarks measured it). Supported when some setting
// is safe, or when every setting of every such model fails ("nothing this
// run tried"); undecided otherwise, naming the settings still undecided.
std::optional<GuidanceStatement> RuleForkAfterUse(
    const ReportModel& report, const std::string& client,
    const std::vector<ModelCells>& models,
    const std::vector<GuidanceStatement>& statements) {
  const ReportConformance& c = *report.conformance;
  std::vector<const ModelCells*> forking;
  for (const ModelCells& model : models) {
    if (IsForkAfterUse(client, model.model)) forking.push_back(&model);
  }
  if (forking.empty()) return std::nullopt;
  GuidanceStatement statement;
  statement.client = client;
  statement.rule = kRuleForkAfterUse;
  statement.id = absl::StrCat(kRuleForkAfterUse, "/", client);
  statement.subject = client;
  std::vector<std::string> works, works_brief, undecided;
  int settings = 0, failing_settings = 0;
  for (const ModelCells* model : forking) {
    for (const SettingGroup& group : model->groups) {
      ++settings;
      if (group.verdict == "safe") {
        statement.answer.push_back(
            absl::StrCat(model->model, " with ", group.setting));
        works.push_back(absl::StrCat(
            Shown(model->model), " ", GroupText(group, c, false), "; cost ",
            CostOfSetting(report, model->model, group.setting,
                          &statement.scenarios)));
        works_brief.push_back(
            absl::StrCat(Shown(model->model), " with ", group.setting));
        for (const ReportCell* cell : group.cells) {
          statement.cells.push_back(Cite(*cell, c.defaults));
        }
      } else if (group.verdict == "fails") {
        ++failing_settings;
      } else {
        undecided.push_back(
            absl::StrCat(Shown(model->model), " ", GroupText(group, c, true)));
      }
    }
    for (const GuidanceStatement& other : statements) {
      if (other.subject == model->model)
        statement.builds_on.push_back(other.id);
    }
  }
  const std::string what = absl::StrCat(
      settings, settings == 1 ? " setting" : " settings", " tried across ",
      forking.size(), forking.size() == 1 ? " model" : " models",
      " that fork after using gRPC");
  if (!works.empty()) {
    statement.strength = GuidanceStrength::kSupported;
    statement.sentence =
        absl::StrCat("Forking after using gRPC works here only as follows (of ",
                     what, "): ", absl::StrJoin(works, "; "), ".");
    statement.brief = absl::StrJoin(works_brief, "; ");
    return statement;
  }
  // No safe setting: cite every fork-after-use cell, so the claim (nothing
  // works, or nothing shown yet) can be checked setting by setting.
  std::vector<const ReportCell*> all;
  for (const ModelCells* model : forking) {
    all.insert(all.end(), model->cells.begin(), model->cells.end());
  }
  statement.cells = CiteAll(all, c.defaults);
  if (failing_settings == settings) {
    statement.strength = GuidanceStrength::kSupported;
    statement.sentence = absl::StrCat(
        "Nothing this run tried makes forking after using gRPC work here: "
        "each of the ",
        what, " has failing cells (", VerdictTally(all),
        "). Create clients only after "
        "forking, in a process that has not used gRPC, or use spawn or a "
        "fork server.");
    statement.brief = absl::StrCat("nothing tried works (", what, " fail)");
    return statement;
  }
  statement.strength = GuidanceStrength::kUndecided;
  statement.sentence = absl::StrCat(
      "Forking after using gRPC: undecided. No setting has been shown safe "
      "(of ",
      what, ", ", failing_settings,
      " fail); still undecided: ", ListSome(undecided), ".");
  statement.brief = absl::StrCat(
      "undecided: none shown safe; ", failing_settings, " of ", settings,
      " settings fail, ", undecided.size(), " undecided");
  return statement;
}

}  // namespace

std::string CellVerdict(const ReportCell& cell) {
  const std::vector<const CellPart*> parts = Parts(cell);
  auto any = [&parts](const char* verdict) {
    return std::any_of(parts.begin(), parts.end(), [&](const CellPart* p) {
      return p->verdict == verdict;
    });
  };
  auto all_in = [&parts](std::initializer_list<const char*> verdicts) {
    return std::all_of(parts.begin(), parts.end(), [&](const CellPart* p) {
      return std::any_of(verdicts.begin(), verdicts.end(),
                         [&](const char* v) { return p->verdict == v; });
    });
  };
  if (any("unsafe")) return "unsafe";
  if (all_in({"safe"})) return "safe";
  if (any("flaky")) return "flaky";
  if (all_in({"safe", "needs_retry"})) return "needs_retry";
  return "undecided";
}

const std::vector<std::string>& GuidanceRules() {
  static const auto* const kRules = new std::vector<std::string>{
      kRuleSafe,         kRuleNeverSafe,  kRuleForkAfterUse,
      kRuleSafeOnlyWith, kRuleNeedsRetry, kRuleFailsEverywhere,
      kRuleFastest,      kRuleUndecided};
  return *kRules;
}

std::string GuidanceRuleTitle(const std::string& rule) {
  static const auto* const kTitles = new std::map<std::string, std::string>{
      {kRuleSafe, "Safe here (every cell safe)"},
      {kRuleNeverSafe, "Never safe (every cell unsafe)"},
      {kRuleForkAfterUse, "Forking after using gRPC"},
      {kRuleSafeOnlyWith, "Safe only with some settings"},
      {kRuleNeedsRetry, "Only with a retrying client"},
      {kRuleFailsEverywhere, "Fails under every setting tried"},
      {kRuleFastest, "Fastest safe model"},
      {kRuleUndecided, "Undecided (more trials would tell)"},
  };
  const auto found = kTitles->find(rule);
  return found == kTitles->end() ? rule : found->second;
}

std::vector<GuidanceStatement> DeriveGuidance(const ReportModel& report) {
  std::vector<GuidanceStatement> guidance;
  if (!report.conformance.has_value()) return guidance;
  const ReportConformance& conformance = *report.conformance;
  for (const ReportClient& client : conformance.clients) {
    if (!client.ran()) continue;
    const std::vector<ModelCells> models =
        ModelsOf(conformance, client.client, "read");
    const std::vector<ModelCells> writers =
        ModelsOf(conformance, client.client, "write");
    std::vector<GuidanceStatement> statements;
    // First of the client's undecided statements: the console lists one.
    if (std::optional<GuidanceStatement> cost =
            RuleUndecidedCost(report, client.client)) {
      statements.push_back(std::move(*cost));
    }
    for (const std::vector<ModelCells>* workload : {&models, &writers}) {
      for (const ModelCells& model : *workload) {
        std::optional<GuidanceStatement> statement =
            RuleSafe(model, conformance);
        if (!statement) statement = RuleNeverSafe(model, conformance);
        if (!statement) {
          statement = RuleSafeOnlyWith(model, conformance, report);
        }
        if (!statement) statement = RuleNeedsRetry(model, conformance);
        if (!statement) statement = RuleFailsEverywhere(model, conformance);
        if (!statement) statement = RuleUndecided(model, conformance);
        statements.push_back(std::move(*statement));
      }
    }
    // Forking after use and the fastest model are read rules: the
    // benchmarks measure reads, and the fork rule's models are readers.
    std::vector<GuidanceStatement> derived;
    if (std::optional<GuidanceStatement> fork =
            RuleForkAfterUse(report, client.client, models, statements)) {
      derived.push_back(std::move(*fork));
    }
    for (GuidanceStatement& fastest :
         RuleFastest(report, client.client, models, statements)) {
      derived.push_back(std::move(fastest));
    }
    statements.insert(statements.end(), derived.begin(), derived.end());
    // The views' order: by rule, then as derived.
    for (const std::string& rule : GuidanceRules()) {
      for (GuidanceStatement& statement : statements) {
        if (statement.rule == rule) guidance.push_back(std::move(statement));
      }
    }
  }
  return guidance;
}

std::string GuidanceClientHeading(const ReportModel& report,
                                  const std::string& client) {
  for (const ReportClient& listed : ReportClients(report)) {
    if (listed.client == client) {
      return absl::StrCat(client, ": ", DescribeReportClient(listed));
    }
  }
  return client;
}

std::string GuidanceIntroduction(const ReportModel& report) {
  std::string text =
      "Derived from this run's matrix verdicts and benchmark medians by "
      "fixed rules (reports/README.md, \"Guidance\"), per client and gRPC "
      "build; each statement cites its evidence, and says \"undecided\" "
      "where the data cannot support it. Verdicts are the matrix's, under "
      "the rule stated with it.";
  return text;
}

namespace {

// The clients with statements, in the guidance's order.
std::vector<std::string> ClientsOf(
    const std::vector<GuidanceStatement>& guidance) {
  std::vector<std::string> clients;
  for (const GuidanceStatement& statement : guidance) {
    if (std::find(clients.begin(), clients.end(), statement.client) ==
        clients.end()) {
      clients.push_back(statement.client);
    }
  }
  return clients;
}

// "    Title: brief; brief; … 3 more" in at most kRuleLines lines; the
// undecided rule in one: its first brief says what deciding them all would
// take, and the Markdown names the models.
std::string RuleLine(const std::string& rule,
                     const std::vector<const GuidanceStatement*>& statements) {
  const std::string head = absl::StrCat("    ", GuidanceRuleTitle(rule), ": ");
  std::vector<std::string> briefs;
  for (size_t i = 0; i < statements.size(); ++i) {
    std::vector<std::string> trial = briefs;
    trial.push_back(statements[i]->brief);
    const size_t rest = statements.size() - i - 1;
    std::string line = absl::StrCat(head, absl::StrJoin(trial, "; "));
    if (rest > 0) absl::StrAppend(&line, "; … ", rest, " more");
    if (LineCount(WrapLine(line, kConsoleColumns, 6)) >
            (rule == kRuleUndecided ? 1 : kRuleLines) &&
        !briefs.empty()) {
      break;
    }
    briefs = std::move(trial);
  }
  std::string line = absl::StrCat(head, absl::StrJoin(briefs, "; "));
  if (briefs.size() < statements.size()) {
    absl::StrAppend(&line, "; … ", statements.size() - briefs.size(), " more");
  }
  return WrapLine(line, kConsoleColumns, 6);
}

std::string CellEvidenceText(const CitedCell& cell) {
  std::string text = absl::StrCat("workers: ", PartText(cell.workers));
  if (cell.parent_after.has_value()) {
    absl::StrAppend(&text, "; parent after: ", PartText(*cell.parent_after));
  }
  return text;
}

std::string ScenarioEvidenceText(const CitedScenario& scenario) {
  return absl::StrCat(ScenarioRate(scenario), ", median absolute deviation ",
                      Rate(scenario.mad));
}

// A client's share of the console in at most `max_lines` lines: its name
// (the console's "Clients:" lines above describe it), then per rule one
// line listing its statements' briefs, as many rules as fit, then a line
// saying if some did not.
std::string ClientBlock(const std::vector<GuidanceStatement>& guidance,
                        const std::string& client, size_t max_lines) {
  std::string block = absl::StrCat("  ", client, ":\n");
  bool cut = false;
  for (const std::string& rule : GuidanceRules()) {
    std::vector<const GuidanceStatement*> statements;
    for (const GuidanceStatement& statement : guidance) {
      if (statement.client == client && statement.rule == rule) {
        statements.push_back(&statement);
      }
    }
    if (statements.empty()) continue;
    const std::string line = RuleLine(rule, statements);
    // Keep a line for saying what did not fit.
    if (LineCount(block) + LineCount(line) + 1 > max_lines) {
      cut = true;
      break;
    }
    absl::StrAppend(&block, line);
  }
  if (cut) absl::StrAppend(&block, "    … more in the Markdown summary.\n");
  return block;
}

}  // namespace

std::vector<std::string> GuidanceClients(
    const std::vector<GuidanceStatement>& guidance) {
  return ClientsOf(guidance);
}

size_t LeastGuidanceLines(size_t clients) {
  return clients == 0 ? 0 : 1 + kLeastClientLines * clients;
}

std::string RenderGuidanceText(const ReportModel& report,
                               const std::vector<GuidanceStatement>& guidance,
                               size_t max_lines) {
  if (guidance.empty() || max_lines == 0) return "";
  const std::vector<std::string> clients = ClientsOf(guidance);
  // Each client's share, as much of what it would say as fits: first the
  // least that says something, then the rest shared evenly (ShareLines).
  std::vector<std::string> whole;  // each client's block, cut only at 12
  std::vector<SectionLines> wanted;
  for (const std::string& client : clients) {
    whole.push_back(ClientBlock(guidance, client, kClientLines));
    const size_t most = LineCount(whole.back());
    wanted.push_back({std::min(most, kLeastClientLines), most});
  }
  const std::vector<size_t> lines = ShareLines(max_lines - 1, wanted);
  bool every_client_fits = true;
  for (size_t i = 0; i < clients.size(); ++i) {
    every_client_fits = every_client_fits && lines[i] >= wanted[i].least;
  }
  if (!every_client_fits) {
    return absl::StrCat("What to do on this build: ", guidance.size(),
                        " statements, in the Markdown summary and the HTML "
                        "page.\n");
  }
  // One line: a terminal's lines are few, and the Markdown and HTML say
  // the rest.
  std::string text = WrapLine(
      "What to do on this build (rules over the verdicts and medians; "
      "evidence: Markdown, HTML):",
      kConsoleColumns, 2);
  for (size_t i = 0; i < clients.size(); ++i) {
    absl::StrAppend(&text, lines[i] >= wanted[i].most
                               ? whole[i]
                               : ClientBlock(guidance, clients[i], lines[i]));
  }
  // A model named with all its variant axes can be one word longer than a
  // line; the console cuts it (the Markdown has it whole).
  return CutLongLines(text, kConsoleColumns);
}

std::string RenderGuidanceMarkdown(
    const ReportModel& report, const std::vector<GuidanceStatement>& guidance) {
  if (guidance.empty()) return "";
  std::string text = absl::StrCat("## What to do on this build\n\n",
                                  GuidanceIntroduction(report), "\n\n");
  for (const std::string& client : ClientsOf(guidance)) {
    absl::StrAppend(&text, "### ", GuidanceClientHeading(report, client),
                    "\n\n");
    for (const std::string& rule : GuidanceRules()) {
      bool titled = false;
      for (const GuidanceStatement& statement : guidance) {
        if (statement.client != client || statement.rule != rule) continue;
        if (!titled) {
          absl::StrAppend(&text, "**", GuidanceRuleTitle(rule), "**\n\n");
          titled = true;
        }
        absl::StrAppend(&text, "- ", statement.sentence, "\n");
        for (const CitedCell& cell : statement.cells) {
          absl::StrAppend(&text, "  - cell `", cell.key, "` (", cell.verdict,
                          "): ", CellEvidenceText(cell), "\n");
        }
        for (const CitedScenario& scenario : statement.scenarios) {
          absl::StrAppend(&text, "  - scenario `", scenario.id,
                          "`: ", ScenarioEvidenceText(scenario), "\n");
        }
        if (!statement.builds_on.empty()) {
          absl::StrAppend(&text, "  - builds on: ",
                          absl::StrJoin(statement.builds_on, ", "), "\n");
        }
      }
      if (titled) absl::StrAppend(&text, "\n");
    }
  }
  return text;
}

}  // namespace forkcheck
