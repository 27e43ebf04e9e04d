#include "reports/html/test_report.h"

#include <cstdlib>
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "environment/environment.h"
#include "nlohmann/json.hpp"
#include "reports/benchmark_section.h"
#include "reports/verdict_json.h"

namespace forkcheck::html {
namespace {

using nlohmann::json;

json Axes(int workers, const std::string& transport,
          const std::string& fork_support, const std::string& fork_hooks) {
  return {{"workers", workers},
          {"transport", transport},
          {"table", "small"},
          {"faults", "none"},
          {"fork_support", fork_support},
          {"poll_strategy", "default"},
          {"fork_hooks", fork_hooks},
          {"child_channel", "default"},
          {"busy_parent_thread", false}};
}

json Trial(const std::string& workers, const json& parent) {
  json trial = {{"workers", workers},
                {"parent_after", parent},
                {"worker_details", {workers}},
                {"parent_detail", ""},
                {"watchdog_fired", workers == "hang"},
                {"wall_micros", 1000},
                {"first_row_micros", {10}},
                {"done_micros", {20}},
                {"rows", 100},
                {"tcp_connections", -1},
                {"harness_error", ""}};
  if (workers == "ok_after_retry") {
    trial["worker_retries"] = {1};
    trial["worker_first_failure"] = {"UNAVAILABLE: Stream removed"};
  }
  return trial;
}

// `count` times `outcome`.
std::vector<std::string> Times(int count, const std::string& outcome) {
  return std::vector<std::string>(count, outcome);
}

std::vector<std::string> Joined(std::vector<std::string> a,
                                const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::string Key(const std::string& model_name, const json& axes) {
  std::string key = model_name;
  for (const auto& [axis, value] : axes.items()) {
    absl::StrAppend(
        &key, " ", axis, "=",
        value.is_string() ? value.get<std::string>() : value.dump());
  }
  return key;
}

// A cell part as the report writer makes it, from one outcome per trial.
json Part(const std::vector<std::string>& outcomes) {
  json counts = json::object();
  for (const std::string& outcome : outcomes) {
    counts[outcome] = counts.value(outcome, 0) + 1;
  }
  absl::StatusOr<OutcomeCounts> parsed = OutcomeCountsFromJson(counts);
  // The outcomes are this file's own: a bad one is a bug here.
  if (!parsed.ok()) std::abort();
  return CellPartJson(*parsed, VerdictRule());
}

// `outcomes`: one trial each; the parent's own client, if checked, is ok in
// every trial.
json Cell(const std::string& model_name, const std::string& group,
          const json& axes, const std::vector<std::string>& outcomes,
          bool parent_check, const std::string& client = "cpp",
          const std::string& stop_reason = "decided") {
  json trials = json::array();
  for (const std::string& outcome : outcomes) {
    trials.push_back(Trial(outcome, parent_check ? json("ok") : json()));
  }
  return {{"key", Key(model_name, axes)},
          {"client", client},
          {"model", model_name},
          {"model_name", model_name},
          {"variant", json::object()},
          {"axes", axes},
          {"groups", {group}},
          {"workers", Part(outcomes)},
          {"parent_after",
           parent_check ? Part(Times(static_cast<int>(outcomes.size()), "ok"))
                        : json()},
          {"stop_reason", stop_reason},
          {"trials", trials}};
}

json Evidence(const std::string& process, const std::string& signature,
              const std::string& source, const std::string& signal,
              const std::string& stacks, const std::string& stderr_tail,
              const std::string& capture_error) {
  return {{"process", process},
          {"signature", signature},
          {"stacks_source", source},
          {"signal", signal},
          {"fault_address", signal.empty() ? "" : "0x0"},
          {"stacks", stacks},
          {"stderr", stderr_tail},
          {"capture_error", capture_error}};
}

// A failed cell's evidence, as the matrix keeps it: every failed trial its
// signatures, the first kTestTextTrials their stacks and stderr too. The
// hanging cell's workers wait in Pluck, its parent joins in the first
// trial; the crashing cell's worker 0 left a core, worker 1 none in its
// second trial. Its stderr is markup and has a control character.
void Explain(json* cell) {
  const bool hangs = (*cell)["workers"]["counts"].contains("hang");
  const std::string signature =
      hangs ? kTestHangSignature : kTestCrashSignature;
  json& trials = (*cell)["trials"];
  for (size_t t = 0; t < trials.size(); ++t) {
    const bool text = t < kTestTextTrials;
    const std::string stacks =
        text ? absl::StrCat("Thread 1 (LWP 101): ", signature,
                            " ← main\nThread 2 (LWP 102): epoll_wait")
             : "";
    const std::string stderr_tail =
        text ? "E1205 <b>not bold</b> & \x1b[0m reset\n" : "";
    json evidence = json::array();
    if (hangs && t == 0) {
      evidence.push_back(Evidence("parent", "std::thread::join ← main",
                                  "gdb attach", "", stacks, "", ""));
    }
    for (const char* worker : {"worker 0", "worker 1"}) {
      const bool no_core =
          !hangs && t == 1 && std::string(worker) == "worker 1";
      evidence.push_back(Evidence(
          worker, no_core ? "" : signature,
          no_core ? "" : (hangs ? "gdb attach" : "gdb core"),
          hangs || no_core ? "" : "SIGSEGV", no_core ? "" : stacks, stderr_tail,
          no_core ? "no core: core_pattern pipes to systemd-coredump" : ""));
    }
    trials[t]["evidence"] = evidence;
    trials[t]["diagnosis_micros"] = 1200000;
  }
  (*cell)["signatures"] = json::array();
  (*cell)["signatures"].push_back(
      {{"signature", absl::StrCat("worker: ", signature)},
       {"trials", trials.size()}});
  if (hangs) {
    (*cell)["signatures"].push_back(
        {{"signature", "parent: std::thread::join ← main"}, {"trials", 1}});
  }
}

json Expectations(const std::string& file, bool passed,
                  const std::string& differences, int tests,
                  const json& mismatches) {
  return {{"file", file},
          {"found", true},
          {"passed", passed},
          {"differences", differences},
          {"alpha", 0.01},
          {"tests", tests},
          {"mismatches", mismatches}};
}

// The C++ client's expectations, also the top-level ones.
json CppExpectations() {
  return Expectations(
      "conformance/expectations/grpc-1.51.txt", false,
      "fork_then_create_pristine: wrong_data <unexpected>\n", 18,
      {{{"key",
         Key("fork_then_create_pristine", Axes(2, "tcp", "true", "none"))},
        {"line", 7},
        {"part", "workers"},
        {"why", "wrong_data never recorded"},
        {"recorded", "ok 40/40 → safe, failure 0% [0%–8.8%]"},
        {"observed", Part({"ok", "wrong_data", "hang"})["text"]},
        {"p_value", 1},
        {"adjusted_p_value", 1}}});
}

json Client(const std::string& client, const std::string& language,
            const std::string& library, const json& versions,
            const std::string& skipped, const json& expectations) {
  const bool ran = skipped.empty();
  return {{"client", client},
          {"language", ran ? language : ""},
          {"library", ran ? library : ""},
          {"library_version", ran ? "1.51.1" : ""},
          {"grpc_core_version", ran ? "29.0.0" : ""},
          {"versions", ran ? versions : json::object()},
          {"status", ran ? "ran" : "skipped"},
          {"skipped_reason", skipped},
          {"expectations", ran ? expectations : json()}};
}

// Enough trials for a verdict: 36 ok trials bound the failure rate below
// 10% at 95% (safe); 6 failed ones the ok rate below 50% (unsafe).
constexpr int kSafeTrials = 36;
constexpr int kUnsafeTrials = 6;

// The Python grpcio testee's cells, in its own design groups.
void AddPythonCells(json* cells) {
  const std::string client = kTestPythonClient;
  for (const char* start_method : {"fork", "spawn"}) {
    const std::string model = absl::StrCat(
        client, ":multiprocessing(start_method=", start_method,
        ",parent_client=before_pool,parent_channel=used,worker_client=own)");
    for (const char* support : {"unset", "true"}) {
      // Hangs, and the run's time budget ran out after 3 trials: undecided.
      const bool hangs = std::string(start_method) == "fork" &&
                         std::string(support) == "unset";
      cells->push_back(Cell(model, "python_models",
                            Axes(2, "tcp", support, "none"),
                            hangs ? Times(3, "hang") : Times(kSafeTrials, "ok"),
                            false, client, hangs ? "time budget" : "decided"));
    }
  }
  for (const int workers : {1, 2}) {
    cells->push_back(Cell(absl::StrCat(client, ":threads"),
                          "python_safe_models",
                          Axes(workers, "tcp", "unset", "none"),
                          Times(kSafeTrials, "ok"), false, client));
  }
}

json Conformance(TestPythonClient python) {
  json cells = json::array();
  for (const char* model : {"spawn", "thread_shared"}) {
    for (const int workers : {1, 2, 8}) {
      for (const char* transport : {"tcp", "unix"}) {
        // One cell read every row, some trials only after a retry.
        const bool retried = std::string(model) == "thread_shared" &&
                             workers == 8 && std::string(transport) == "unix";
        cells.push_back(Cell(
            model, "safe_models", Axes(workers, transport, "unset", "none"),
            retried ? Joined(Times(30, "ok"), Times(6, "ok_after_retry"))
                    : Times(kSafeTrials, "ok"),
            false));
      }
    }
  }
  cells.push_back(Cell(kMarkupModel, "safe_models",
                       Axes(2, "tcp", "unset", "none"),
                       Times(kSafeTrials, "ok"), false));
  const std::vector<std::vector<std::string>> fork_outcomes = {
      Times(kUnsafeTrials, "crash"), Times(kUnsafeTrials, "hang"),
      Times(kUnsafeTrials, "error"),
      Joined(Times(20, "ok"), Times(10, "crash"))};  // flaky
  int i = 0;
  for (const char* support : {"unset", "true"}) {
    for (const char* hooks : {"none", "application"}) {
      cells.push_back(Cell("fork_after_create(parent_channel=used)",
                           "fork_settings", Axes(2, "tcp", support, hooks),
                           fork_outcomes[i], true));
      // The unsafe crash and hang cells explain their failures.
      if (i < 2) Explain(&cells.back());
      ++i;
    }
  }
  // Wrong data, and the time budget ran out: flaky after 3 trials.
  cells.push_back(Cell("fork_then_create_pristine", "fork_settings",
                       Axes(2, "tcp", "true", "none"),
                       {"ok", "wrong_data", "hang"}, false, "cpp",
                       "time budget"));
  if (python == TestPythonClient::kRan) AddPythonCells(&cells);
  json clients = json::array();
  clients.push_back(
      Client("cpp", "C++ 17", "grpc++", json::object(), "", CppExpectations()));
  clients.push_back(Client(
      kTestPythonClient, "Python 3.11.2", "grpcio",
      {{"protobuf", "3.21.12"}, {"python", "3.11.2"}},
      python == TestPythonClient::kSkipped ? kTestPythonSkippedReason : "",
      Expectations("conformance/expectations/python-grpcio-1.51.txt", true, "",
                   6, json::array())));
  const json policy = {{"stopping",
                        {{"min_trials", 2},
                         {"max_trials", 40},
                         {"flaky_trials", 30},
                         {"time_budget_seconds", 600}}},
                       {"verdicts", VerdictRuleJson(VerdictRule())}};
  return {
      {"size", "quick"},        {"defaults", Axes(2, "tcp", "unset", "none")},
      {"trial_policy", policy}, {"cells", cells},
      {"clients", clients},     {"expectations", CppExpectations()}};
}

json Run(const std::string& name, const std::string& label,
         double rows_per_second, int repetition) {
  json run = {{"name", name},
              {"run_name", name},
              {"run_type", "iteration"},
              {"repetitions", 3},
              {"repetition_index", repetition},
              {"iterations", 1},
              {"real_time", 10.0},
              {"cpu_time", 1.0},
              {"time_unit", "ms"},
              {"rows_per_second", rows_per_second},
              // 100-byte rows; reading, a model goes half as fast again as
              // over its whole read, the bare loop (no start-up) no faster.
              {"bytes_per_second", rows_per_second * 100},
              {"steady_bytes_per_second",
               rows_per_second * 100 * (label.empty() ? 1.0 : 1.5)}};
  if (!label.empty()) {
    run["label"] = label;
    run["time_to_first_row_ms"] = 5.0 + repetition;
    run["cpu_seconds_per_million_rows"] = 0.75;
    run["peak_rss_kib"] = 20480;
  }
  return run;
}

json GoogleBenchmark(double scale, TestPythonClient python) {
  json runs = json::array();
  std::map<std::string, double> models = {
      {"spawn", 40000}, {"thread_shared", 90000}, {kMarkupModel, 60000}};
  if (python == TestPythonClient::kRan) {
    models[absl::StrCat(kTestPythonClient, ":threads")] = 20000;
  }
  for (int repetition = 0; repetition < 3; ++repetition) {
    for (const int workers : {1, 4}) {
      for (const auto& [model, rate] : models) {
        // The scenario's part: a Python label's is python_<model>.
        const std::string scenario =
            model == kMarkupModel ? "markup"
            : model.find(':') != std::string::npos
                ? "python_" + model.substr(model.find(':') + 1)
                : model;
        const std::string name =
            absl::StrCat("BM_ProcessModel/", scenario, "/workers:", workers,
                         "/response:64KiB");
        runs.push_back(Run(name, model,
                           scale * rate * workers * (1 + 0.05 * repetition),
                           repetition));
      }
      runs.push_back(Run(
          absl::StrCat("BM_BareReadLoop/workers:", workers, "/response:64KiB"),
          "", scale * 150000 * workers, repetition));
    }
    json skipped = {
        {"name", "BM_ProcessModel/fork_after_create/workers:1/response:64KiB"},
        {"run_name",
         "BM_ProcessModel/fork_after_create/workers:1/response:64KiB"},
        {"run_type", "iteration"},
        {"label", "fork_after_create(parent_channel=used)"},
        {"error_occurred", true},
        {"error_message", "crash: SIGSEGV in the child"},
        {"iterations", 0},
        {"real_time", 0.0},
        {"cpu_time", 0.0},
        {"time_unit", "ms"}};
    runs.push_back(skipped);
  }
  return {{"benchmarks", runs}};
}

}  // namespace

int CountOccurrences(const std::string& text, const std::string& what) {
  int count = 0;
  for (size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + 1)) {
    ++count;
  }
  return count;
}

absl::StatusOr<Report> MakeTestReport(double rows_per_second_scale,
                                      const std::string& start_time,
                                      TestPythonClient python) {
  ReportParts parts;
  parts.command = {"forkcheck_run", "--quick"};
  EnvironmentOptions options;
  options.start = CaptureRunStart();
  parts.environment = CollectEnvironment(options);
  parts.conformance = Conformance(python);
  absl::StatusOr<json> benchmarks =
      BenchmarkSection({{"process_models_benchmark",
                         GoogleBenchmark(rows_per_second_scale, python)}});
  if (!benchmarks.ok()) return benchmarks.status();
  parts.benchmarks = *benchmarks;
  absl::StatusOr<Report> report = Report::Build(parts);
  if (!report.ok()) return report.status();
  // The start time is the environment's own; set it through the JSON so
  // the trend page can order reports.
  json document = report->json();
  document["environment"]["start_time"] = start_time;
  return Report::Parse(document.dump(), "test report");
}

}  // namespace forkcheck::html
