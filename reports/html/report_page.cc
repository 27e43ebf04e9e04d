#include "reports/html/report_page.h"

#include <algorithm>
#include <map>
#include <optional>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "environment/environment.h"
#include "reports/html/clients_panel.h"
#include "reports/html/failure_evidence.h"
#include "reports/html/guidance_section.h"
#include "reports/html/html_writer.h"
#include "reports/html/matrix_grid.h"
#include "reports/report_model.h"
#include "reports/shard_text.h"
#include "reports/summary.h"

namespace forkcheck::html {
namespace {

// A count as the report has it: the number, or "unknown".
std::string CountText(const std::optional<int64_t>& count) {
  return count.has_value() ? absl::StrCat(*count) : kUnknown;
}

std::string LoadAverageText(const std::optional<LoadAverage>& loads) {
  if (!loads.has_value()) return kUnknown;
  std::vector<std::string> parts;
  for (const double load : *loads) {
    parts.push_back(absl::StrFormat("%.2f", load));
  }
  return absl::StrJoin(parts, ", ");
}

std::string Fact(const std::string& name, const std::string& value) {
  return Element(
      "tr", absl::StrCat(TextElement("th", name), TextElement("td", value)));
}

// Every model at every concurrency and size: safety next to cost (the
// summaries' table, so the three renderings agree).
std::string SideBySide(const Report& report) {
  const std::vector<std::vector<std::string>> table = ModelCostTable(report);
  const std::vector<ModelCostRow> models = ModelCostRows(report);
  std::vector<std::vector<std::string>> rows;
  for (size_t r = 1; r < table.size(); ++r) {
    std::vector<std::string> row;
    for (size_t c = 0; c < table[r].size(); ++c) {
      // The model (after its client) is long and has no spaces.
      row.push_back(c == 1 ? BreakableText(table[r][c])
                           : EscapeText(table[r][c]));
    }
    // The safety columns marked in their verdict's colour, as on the grid.
    const ModelCostRow& model = models[r - 1];
    const std::pair<size_t, const std::string*> verdicts[] = {
        {2, &model.safety_verdict}, {3, &model.parent_after_verdict}};
    for (const auto& [column, verdict] : verdicts) {
      if (verdict->empty()) continue;
      row[column] = Element("span",
                            {{"class", absl::StrCat("verdict v-", *verdict)},
                             {"style", absl::StrCat("border-left-color: ",
                                                    VerdictColour(*verdict))}},
                            row[column]);
    }
    rows.push_back(std::move(row));
  }
  return Table(table[0], rows, "numbers side-by-side");
}

// The side-by-side table's model column reads like the first one would.
constexpr char kSideBySideCss[] = R"css(
table.side-by-side td:first-child { min-width: 0; }
table.side-by-side td:nth-child(2) { text-align: left; min-width: 14em; }
table.side-by-side td:nth-child(3), table.side-by-side td:nth-child(4) {
  text-align: left; min-width: 12em; }
table.side-by-side span.verdict { border-left: 6px solid; padding-left: 4px;
                                  display: inline-block; }
)css";

// The charts of each response size: a read's steady rate and its fixed
// cost apart (the ceiling has almost no start-up, so rates compare with
// it, the fixed cost does not), then the end-to-end rate, start-up in. In
// bytes/s, never rows/s: the bare loop's rows are nominal.
struct ModelChartOf {
  const char* metric;
  const char* title;
  const char* y_label;
  bool with_ceiling;
};
constexpr ModelChartOf kModelCharts[] = {
    {"steady_bytes_per_second", "Steady rate (first row to last)", "bytes/s",
     true},
    {"time_to_first_row_ms", "Fixed cost: time to first row", "ms", false},
    {"bytes_per_second", "Throughput end to end", "bytes/s", true}};

std::string Charts(std::vector<ModelBenchmark> benchmarks) {
  NameEveryClient(&benchmarks);
  std::string html;
  for (const std::string& response : Responses(benchmarks)) {
    const std::string size =
        response.empty() ? "" : absl::StrCat(", ", response, " responses");
    std::string charts;
    for (const ModelChartOf& chart : kModelCharts) {
      if (!AnyMeasured(benchmarks, chart.metric)) continue;
      absl::StrAppend(&charts, RenderGroupedBarChart(ModelMetricChart(
                                   benchmarks, response, chart.metric,
                                   absl::StrCat(chart.title, size),
                                   chart.y_label, chart.with_ceiling)));
    }
    absl::StrAppend(&html,
                    TextElement("h3", absl::StrCat("Response size ", response)),
                    Element("div", {{"class", "charts"}}, charts));
  }
  return html;
}

// The other benchmarks (session latency, fake versus bare...): a table per
// benchmark, a row per scenario, a column per metric (medians).
std::string OtherScenarios(const Report& report) {
  std::vector<std::string> benchmarks;
  std::map<std::string, std::vector<const BenchmarkScenario*>> scenarios_of;
  for (const BenchmarkScenario& scenario :
       report.model().benchmarks->scenarios) {
    const std::string benchmark = scenario.ConfigText("benchmark");
    if (benchmark == "BM_ProcessModel" || benchmark == "BM_BareReadLoop") {
      continue;
    }
    if (scenarios_of[benchmark].empty()) benchmarks.push_back(benchmark);
    scenarios_of[benchmark].push_back(&scenario);
  }
  std::sort(benchmarks.begin(), benchmarks.end());
  std::string html;
  for (const std::string& benchmark : benchmarks) {
    std::vector<const BenchmarkScenario*> scenarios = scenarios_of[benchmark];
    std::sort(scenarios.begin(), scenarios.end(),
              [](const BenchmarkScenario* a, const BenchmarkScenario* b) {
                return a->id < b->id;
              });
    // Columns: every metric any scenario has, but the benchmark's own times.
    std::map<std::string, std::string> units;
    for (const BenchmarkScenario* scenario : scenarios) {
      for (const auto& [name, metric] : scenario->metrics) {
        if (name != "real_time" && name != "cpu_time") {
          units[name] = metric.unit;
        }
      }
    }
    std::vector<std::string> header = {"scenario"};
    for (const auto& [name, unit] : units) {
      header.push_back(absl::StrCat(name, " (", unit, ")"));
    }
    std::vector<std::vector<std::string>> rows;
    for (const BenchmarkScenario* scenario : scenarios) {
      std::string id = scenario->id;
      if (absl::StartsWith(id, benchmark + "/"))
        id = id.substr(benchmark.size() + 1);
      std::vector<std::string> row = {BreakableText(id)};
      const std::string skipped = scenario->skipped.value_or("");
      if (!skipped.empty()) {
        row.push_back(Element("span", {{"title", skipped}}, "skipped"));
        row.resize(header.size(), "");
      } else {
        for (const auto& [name, unit] : units) {
          const std::optional<double> median = scenario->Median(name);
          row.push_back(median.has_value() ? FormatValue(*median) : "-");
        }
      }
      rows.push_back(std::move(row));
    }
    absl::StrAppend(&html,
                    Element("h4", Element("code", EscapeText(benchmark))),
                    Table(header, rows, "numbers"));
  }
  if (html.empty()) return "";
  return absl::StrCat(TextElement("h3", "Other benchmarks (medians)"), html);
}

}  // namespace

ChartSpec ModelMetricChart(const std::vector<ModelBenchmark>& benchmarks,
                           const std::string& response,
                           const std::string& metric, const std::string& title,
                           const std::string& y_label, bool with_ceiling) {
  ChartSpec spec;
  spec.title = title;
  spec.x_label = "workers";
  spec.y_label = y_label;
  spec.spread_label = "min to max";
  const std::vector<int> workers = Workers(benchmarks);
  for (const int w : workers) spec.categories.push_back(absl::StrCat(w));
  for (const std::string& model : Models(benchmarks)) {
    if (model == kCeilingName && !with_ceiling) continue;
    ChartSeries series;
    series.name = model;
    if (model == kCeilingName) series.colour = kCeilingColour;
    series.values.resize(workers.size());
    series.notes.resize(workers.size());
    bool any = false;
    for (const ModelBenchmark& entry : benchmarks) {
      if (entry.model != model || entry.response != response) continue;
      const size_t c = static_cast<size_t>(
          std::find(workers.begin(), workers.end(), entry.workers) -
          workers.begin());
      any = true;
      series.values[c] = MetricValue(entry, metric);
      if (!entry.skipped.empty()) series.notes[c] = "skipped: " + entry.skipped;
    }
    if (any) spec.series.push_back(std::move(series));
  }
  return spec;
}

std::string EnvironmentTable(const Report& report) {
  const Environment& environment = report.model().environment;
  const GrpcFacts& grpc = environment.grpc;
  const BuildFacts& build = environment.build;
  const MachineFacts& machine = environment.machine;
  const HarnessFacts& harness = environment.harness;
  std::string rows = absl::StrCat(
      Fact("gRPC", absl::StrCat(grpc.cpp_version, " (core ", grpc.core_version,
                                ") ", grpc.library_path)),
      Fact("fork handlers (pthread_atfork)",
           absl::StrCat(grpc.atfork, ": ", grpc.atfork_evidence)),
      Fact("Protobuf", absl::StrCat(environment.protobuf.header_version, " ",
                                    environment.protobuf.library_path)),
      Fact("build",
           absl::StrCat(build.compiler, ", ", build.config,
                        build.sanitizers.empty() ? "" : ", sanitizers: ",
                        absl::StrJoin(build.sanitizers, ", "), "; ",
                        build.bazel_version)));
  absl::StrAppend(
      &rows,
      Fact("machine",
           absl::StrCat(machine.cpu_model, ", ",
                        CountText(machine.hardware_concurrency), " CPUs (",
                        CountText(machine.cpus_allowed), " allowed), governor ",
                        machine.scaling_governor)),
      Fact("memory",
           machine.memory_total_bytes.has_value()
               ? absl::StrFormat("%.1f GiB", static_cast<double>(
                                                 *machine.memory_total_bytes) /
                                                 (1 << 30))
               : kUnknown),
      Fact("load average at start (1, 5, 15 min)",
           LoadAverageText(machine.load_average_at_start)),
      Fact("system",
           absl::StrCat(machine.os, ", Linux ", machine.kernel_release, " ",
                        machine.architecture, ", glibc ", machine.libc_version,
                        ", host ", machine.hostname)),
      Fact("harness",
           absl::StrCat(harness.git_commit, " (", harness.git_tree, ")")),
      Fact("time",
           absl::StrCat(environment.start_time, " to ", environment.end_time)),
      Fact("command", absl::StrJoin(report.model().command, " ")));
  std::vector<std::string> variables;
  for (const auto& [name, value] : environment.grpc_env) {
    variables.push_back(absl::StrCat(name, "=", value));
  }
  absl::StrAppend(
      &rows, Fact("GRPC_* variables",
                  variables.empty() ? "none" : absl::StrJoin(variables, " ")));
  for (const std::string& note : environment.notes) {
    absl::StrAppend(&rows, Fact("note", note));
  }
  return Element("table", {{"class", "facts"}}, Element("tbody", rows));
}

std::string RenderReportPage(const Report& report, const std::string& name) {
  const Environment& environment = report.model().environment;
  const std::string& version = environment.grpc.cpp_version;
  // What a reader looks for first comes first: the verdicts and the costs;
  // every environment fact is at the end.
  std::string body = absl::StrCat(
      TextElement("h1", absl::StrCat("forkcheck run: gRPC ", version)),
      TextElement(
          "p", {{"class", "lead"}},
          absl::StrCat(name, " · ", environment.start_time, " · ",
                       environment.machine.cpu_model, ", ",
                       CountText(environment.machine.hardware_concurrency),
                       " CPUs · fork handlers: ", environment.grpc.atfork,
                       " · harness ",
                       environment.harness.git_commit.substr(0, 12), " (",
                       environment.harness.git_tree, ")")));
  if (const std::string shard = ShardText(report.model()); !shard.empty()) {
    absl::StrAppend(&body, TextElement("p", {{"class", "lead"}}, shard));
  }
  if (report.has_conformance()) {
    const ReportConformance& conformance = *report.model().conformance;
    // The conclusions first; the grids they cite follow.
    absl::StrAppend(
        &body, Element("h2", {{"id", "guidance"}}, "What to do on this build"),
        RenderGuidanceSection(report.model()));
    absl::StrAppend(
        &body, TextElement("h2", "Clients"),
        RenderClientsPanel(conformance.clients),
        TextElement("h2",
                    absl::StrCat("The process-model matrix (", conformance.size,
                                 ", ", conformance.cells.size(), " cells)")),
        RenderMatrixGrid(conformance));
  } else {
    absl::StrAppend(&body, TextElement("h2", "The process-model matrix"),
                    TextElement("p", "This run did not run the matrix."));
  }
  absl::StrAppend(&body, TextElement("h2", "Benchmarks"));
  if (!report.has_benchmarks()) {
    absl::StrAppend(&body,
                    TextElement("p", "This run did not run the benchmarks."));
  } else {
    absl::StrAppend(
        &body,
        TextElement("p", {{"class", "note"}},
                    "Bars are medians over the repetitions, whiskers the "
                    "minimum and maximum; \"n/a\" marks a model that was not "
                    "measured there (hover it for why). The steady rate is "
                    "payload bytes/s from the workers' first rows to their "
                    "last; the fixed cost is the time to first row, per "
                    "worker from before its fork, spawn or thread; end to "
                    "end is the whole read's bytes/s, start-up included. "
                    "The bare gRPC loop is measured alike."),
        Charts(ModelBenchmarks(report)));
  }
  absl::StrAppend(
      &body, TextElement("h2", "Process models side by side"),
      TextElement("p", {{"class", "note"}},
                  "Safety is the matrix's verdict on the model's baseline "
                  "cell (the design's default axes), with its counts and the "
                  "failure rate's interval, under the rule stated with the "
                  "matrix; cost comes from the benchmarks (medians over their "
                  "repetitions). × ceiling (steady) is the steady rate over "
                  "the bare gRPC loop's, in the same run at the same workers "
                  "and response size; × ceiling (end to end) divides the "
                  "whole read's bytes/s; \"-\" where the report lacks a "
                  "metric."),
      SideBySide(report));
  if (report.has_benchmarks()) absl::StrAppend(&body, OtherScenarios(report));
  absl::StrAppend(&body, TextElement("h2", "Environment"),
                  EnvironmentTable(report));
  return RenderPage(
      {absl::StrCat("forkcheck: gRPC ", version, " ", name),
       absl::StrCat(MatrixGridCss(), FailureEvidenceCss(), ClientsPanelCss(),
                    GuidanceSectionCss(), kSideBySideCss),
       body});
}

}  // namespace forkcheck::html
