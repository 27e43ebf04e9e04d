// A report as its readers see it: plain structs for the environment, the
// clients, the matrix's cells and the benchmark scenarios, parsed once from
// a schema-valid report (version 2; Report::Parse upgrades version 1 first)
// by ParseReportModel. The summary, the HTML pages and compare read these
// instead of indexing the JSON by string, so the JSON's shape is known in one
// place.
//
// Only what the report states is here; what the readers derive (a model's
// baseline cell, whose client a benchmark label is) stays with them. The
// client facts (ClientSection) are shared with the writer
// (conformance_section.h); a client's ExpectationsOutcome is the matrix's
// (matrix/client_expectations.h).
#ifndef FORKCHECK_REPORTS_REPORT_MODEL_H_
#define FORKCHECK_REPORTS_REPORT_MODEL_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "environment/environment.h"
#include "matrix/cell.h"
#include "matrix/client_expectations.h"
#include "matrix/expectations.h"
#include "matrix/stopping_rule.h"
#include "matrix/verdict.h"
#include "nlohmann/json.hpp"
#include "supervisor/trial_evidence.h"

namespace forkcheck {

// One client of the matrix (the client dimension): what it is, whether its
// cells ran, and how they compared with its own expectations file.
struct ClientSection {
  std::string client;  // "cpp", "python-grpcio"
  std::string language;
  std::string library;
  std::string library_version;
  std::string grpc_core_version;
  std::vector<std::pair<std::string, std::string>> versions;
  // Why its cells did not run (e.g. its library is not installed); empty if
  // they ran.
  std::string skipped;
  ExpectationsOutcome expectations;  // unused if skipped
};

// What a report says of an expectations check's statistics (schema
// version 2; a report upgraded from version 1 has none).
struct ExpectationsStatistics {
  std::optional<double> alpha;  // none: no statistical check was made
  int tests = 0;                // the rate tests alpha was spread over
  // How many of those could see a change; none in reports from before it
  // was counted.
  std::optional<CheckSensitivity> sensitivity;
  // Of `tests`, those made with the quasi-binomial test (0 in reports from
  // before it).
  int quasi_binomial_tests = 0;
  std::vector<ExpectationMismatch> mismatches;  // replacement_line unset
};

// A client as a report lists it (ClientSection: its facts, `skipped` with
// the reason, the expectations outcome when it ran).
struct ReportClient : ClientSection {
  ExpectationsStatistics statistics;
  bool ran() const { return skipped.empty(); }
  // An older report's C++ client, its facts read from the environment: only
  // its library and gRPC core versions are known.
  bool inferred = false;
};

// One part of a cell (its workers, or the parent's own client afterwards)
// over the cell's trials, as the matrix judged it (matrix/verdict.h).
struct CellPart {
  std::string summary;  // the kinds seen: "mixed hang 2, ok 3"
  // Trials by outcome kind ("ok", "ok_after_retry", "wrong_data", "error",
  // "hang", "crash"); kinds never seen are absent.
  std::map<std::string, int> counts;
  int trials = 0;    // the sum of counts
  int failures = 0;  // trials not plainly ok
  int ok_after_retry = 0;
  int wrong_data = 0;
  double failure_rate = 0;  // failures / trials; 0 without trials
  // The failure rate's Clopper-Pearson interval at the rule's confidence.
  double interval_low = 0;
  double interval_high = 1;
  // "safe", "needs_retry", "flaky", "unsafe" or "undecided".
  std::string verdict;
  // "ok 17/20, crash 3/20 → flaky, failure 15% [3.2%–38%]".
  std::string text;
};

// One trial of a cell, as the supervisor recorded it.
struct ReportTrial {
  std::string workers;                      // the workers' outcome kind
  std::optional<std::string> parent_after;  // none: no parent check
  std::vector<std::string> worker_details;
  std::string parent_detail;
  bool watchdog_fired = false;
  int64_t wall_micros = 0;
  std::vector<int64_t> first_row_micros;  // per worker; -1: none
  std::vector<int64_t> done_micros;       // per worker; -1: none
  int64_t rows = 0;
  int64_t tcp_connections = -1;  // -1: not counted
  std::string harness_error;     // "" if the harness ran it
  // Per worker; empty in reports from before the retry classifier.
  std::vector<int64_t> worker_retries;
  std::vector<std::string> worker_first_failure;
  // Empty in reports from before failures were explained.
  int64_t diagnosis_micros = 0;
  std::vector<ProcessEvidence> evidence;  // a failed trial's, per process
  // 0 in reports from before the watchdog's starvation allowance.
  int64_t starvation_allowance_micros = 0;
  bool killed_waiting_for_cpu = false;
};

struct ReportCell {
  std::string key;
  std::string client = kCppClient;  // older reports' cells: the C++ client
  std::string model;
  std::string model_name;  // the model with its variant, as keys name it
  std::map<std::string, std::string> variant;
  Axes axes;
  std::vector<std::string> groups;  // the design groups that asked for it
  CellPart workers;
  std::optional<CellPart> parent_after;  // none: the model has no check
  // "decided", "trial cap", "time budget", "harness error"; "" if not
  // recorded (a report upgraded from version 1).
  std::string stop_reason;
  // "worker: grpc_pollset_work ← ..." and the trials it was seen in, in
  // the report's order; empty in reports from before failures were
  // explained, and for cells that never failed.
  std::vector<std::pair<std::string, int64_t>> signatures;
  std::vector<ReportTrial> trials;
};

// How the matrix decided how many trials each cell got, and judged them.
struct ReportTrialPolicy {
  StoppingRule stopping;
  double time_budget_seconds = 0;  // 0: none
  VerdictRule verdicts;
  std::string rule_text;  // the rule in words (DescribeRule)
  // The cells' verdicts were derived from a version 1 report's counts.
  bool derived_from_v1 = false;
};

// The `conformance` section: the process-model matrix as it ran.
struct ReportConformance {
  std::string size;  // "quick", "full"
  Axes defaults;     // the design's default axes: a model's baseline cell
  ReportTrialPolicy trial_policy;
  std::string cell_filter;  // "" if the run had none
  // "" unless the run made a known change on purpose (matrix/power_probe.h):
  // then its counts are not evidence about the build.
  std::string power_probe;
  std::vector<ReportCell> cells;
  // In the report's order; never empty: a report without a client list is
  // one C++ client that ran, with its facts from the environment and the
  // section's top-level expectations.
  std::vector<ReportClient> clients;
};

// A scenario's configuration value as the report has it (a string, number
// or boolean).
struct ConfigValue {
  std::string text;                // a string as it is; else its JSON text
  std::optional<int64_t> integer;  // set if the value is an integer
};

// One metric of a scenario: raw repetition samples and their aggregates.
struct ScenarioMetric {
  std::string unit;  // benchmark_section.h: "ms", "1/s", "KiB", ...
  std::vector<double> samples;
  double median = 0;
  double mean = 0;
  double stddev = 0;
  double cv = 0;
  double mad = 0;
  double min = 0;
  double max = 0;
};

struct BenchmarkScenario {
  std::string id;  // the run name, "BM_ProcessModel/workers:4/..."
  std::string binary;
  // Read from the run name: "benchmark", "workers", "response", "label"...
  std::map<std::string, ConfigValue> config;
  int repetitions = 0;
  std::optional<std::string> skipped;  // why it did not run, if it did not
  std::map<std::string, ScenarioMetric> metrics;  // by name

  // The config value's text; "" if the scenario has none.
  std::string ConfigText(const std::string& key) const;
  // The config value if it is an integer; 0 otherwise.
  int64_t ConfigInteger(const std::string& key) const;
  // The metric's median, if the scenario has the metric.
  std::optional<double> Median(const std::string& metric) const;
};

// The `benchmarks` section; each binary's Google Benchmark JSON is left in
// the report's JSON (no reader needs it).
struct ReportBenchmarks {
  std::vector<BenchmarkScenario> scenarios;
};

// A run that was one shard of a matrix split over several runs
// (matrix/shard_plan.h).
struct ReportShard {
  int index = 0;
  int count = 1;
  std::string source;  // "--shard=1/4", "Bazel (TEST_SHARD_INDEX=1, ...)"
  std::string plan;    // the plan's fingerprint, "fnv1a64:..."
  int plan_cells = 0;  // cells in the whole plan
  // Each cell's place in the plan's list, in the order of the cells.
  std::vector<int64_t> cell_positions;
  // "ran", "another shard" or "none".
  std::string benchmarks;
};

// One shard of a merged report, as it ran.
struct ReportMergedShard {
  int index = 0;
  int count = 1;
  std::string file;  // the shard report, as merge was given it
  std::vector<std::string> command;
  Environment environment;
  int cells = 0;
  bool benchmarks = false;  // the merged report's benchmarks are this one's
};

struct ReportModel {
  std::vector<std::string> command;  // how the run was invoked
  Environment environment;
  std::optional<ReportConformance> conformance;  // none: no matrix ran
  std::optional<ReportBenchmarks> benchmarks;    // none: no benchmarks ran
  std::optional<ReportShard> shard;  // none: the run was not a shard
  // A merged report's shards, by index; empty for any other report.
  std::vector<ReportMergedShard> merged_from;
};

// Parses a schema-valid report of the current version. INVALID_ARGUMENT
// naming the JSON path ("conformance.cells[3].workers.trials: expected an
// integer") for anything the structs cannot hold; never crashes on a
// malformed document.
absl::StatusOr<ReportModel> ParseReportModel(const nlohmann::json& report);

// The section's cells by key (none without a matrix), for views that line
// two reports' cells up.
std::map<std::string, const ReportCell*> CellsByKey(
    const std::optional<ReportConformance>& conformance);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_REPORT_MODEL_H_
