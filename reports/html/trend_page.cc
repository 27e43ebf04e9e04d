#include "reports/html/trend_page.h"

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <map>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "environment/environment.h"
#include "reports/html/html_writer.h"
#include "reports/html/matrix_grid.h"
#include "reports/html/model_benchmarks.h"
#include "reports/html/svg_chart.h"
#include "reports/report_clients.h"
#include "reports/report_folder.h"
#include "reports/report_model.h"
#include "reports/verdict_text.h"

namespace forkcheck::html {
namespace {

// When a run started: its start time, or its end if the start is unknown.
std::string StartOf(const Report& report) {
  const Environment& environment = report.model().environment;
  return environment.start_time == kUnknown ? environment.end_time
                                            : environment.start_time;
}

// "2026-11-30T10:00:00Z" -> "11-30 10:00".
std::string ShortTime(const std::string& time) {
  return time.size() >= 16
             ? absl::StrCat(time.substr(5, 5), " ", time.substr(11, 5))
             : time;
}

constexpr const char* kVerdicts[] = {"safe", "needs_retry", "flaky", "unsafe",
                                     "undecided"};
// Cells with wrong data in any trial, charted beside the verdicts: never
// noise, whatever a cell's verdict.
constexpr char kWrongData[] = "wrong_data";

// Cells by their workers' verdict, and under kWrongData those with wrong
// data in any trial.
std::map<std::string, int> VerdictCounts(const Report& report) {
  std::map<std::string, int> counts;
  if (!report.has_conformance()) return counts;
  for (const ReportCell& cell : report.model().conformance->cells) {
    ++counts[cell.workers.verdict];
    if (cell.workers.wrong_data > 0) ++counts[kWrongData];
  }
  return counts;
}

// The rule each run judged its cells by, once per distinct rule: "runs 1,
// 2: 95% Clopper-Pearson intervals; ...".
std::string RulesNote(const History& history) {
  std::vector<std::pair<std::string, std::vector<std::string>>> rules;
  for (size_t i = 0; i < history.reports.size(); ++i) {
    const Report& report = history.reports[i].report;
    if (!report.has_conformance()) continue;
    const ReportConformance& conformance = *report.model().conformance;
    const std::string rule = absl::StrCat(VerdictRuleText(conformance), "; ",
                                          TrialPolicyText(conformance));
    auto found = std::find_if(rules.begin(), rules.end(),
                              [&](const auto& r) { return r.first == rule; });
    if (found == rules.end()) {
      rules.push_back({rule, {}});
      found = rules.end() - 1;
    }
    found->second.push_back(absl::StrCat(i + 1));
  }
  if (rules.empty()) return "";
  if (rules.size() == 1) {
    return TextElement("p", {{"class", "rule"}},
                       absl::StrCat("Verdicts: ", rules[0].first, "."));
  }
  std::string items;
  for (const auto& [rule, runs] : rules) {
    absl::StrAppend(
        &items,
        TextElement("li", absl::StrCat(runs.size() == 1 ? "run " : "runs ",
                                       absl::StrJoin(runs, ", "), ": ", rule)));
  }
  return absl::StrCat(
      TextElement("p", {{"class", "rule"}},
                  "Verdicts: the runs judged their cells by different rules, "
                  "so their counts of cells by verdict compare with care:"),
      Element("ul", items));
}

std::string RunsTable(const History& history) {
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < history.reports.size(); ++i) {
    const Report& report = history.reports[i].report;
    const Environment& environment = report.model().environment;
    std::string matrix = "not run";
    if (report.has_conformance()) {
      matrix.clear();
      const std::map<std::string, int> counts = VerdictCounts(report);
      for (const char* verdict : kVerdicts) {
        const auto found = counts.find(verdict);
        if (found == counts.end()) continue;
        absl::StrAppend(&matrix, matrix.empty() ? "" : ", ", found->second, " ",
                        verdict);
      }
      if (const auto wrong = counts.find(kWrongData); wrong != counts.end()) {
        absl::StrAppend(&matrix, "; ", wrong->second, " with wrong_data");
      }
      // Each client's expectations, or that it was skipped.
      std::vector<std::string> outcomes;
      for (const ReportClient& client : ReportClients(report.model())) {
        const ExpectationsOutcome& expectations = client.expectations;
        outcomes.push_back(absl::StrCat(client.client, " ",
                                        !client.ran()         ? "skipped"
                                        : !expectations.found ? "none"
                                        : expectations.passed ? "as recorded"
                                                              : "DIFFER"));
      }
      absl::StrAppend(&matrix,
                      "; expectations: ", absl::StrJoin(outcomes, ", "));
    }
    rows.push_back(
        {absl::StrCat(i + 1), EscapeText(StartOf(report)),
         Element("code", EscapeText(history.reports[i].file)),
         EscapeText(environment.grpc.cpp_version),
         EscapeText(absl::StrCat(environment.harness.git_commit.substr(0, 12),
                                 " (", environment.harness.git_tree, ")")),
         EscapeText(matrix)});
  }
  return Table({"#", "start", "file", "gRPC", "harness", "matrix cells"}, rows);
}

std::vector<std::string> Categories(const History& history) {
  std::vector<std::string> categories;
  for (const History::Entry& entry : history.reports) {
    categories.push_back(ShortTime(StartOf(entry.report)));
  }
  return categories;
}

std::string VerdictChart(const History& history) {
  ChartSpec spec;
  spec.title = "Matrix cells by verdict";
  spec.x_label = "run (start time, UTC)";
  spec.y_label = "cells";
  spec.categories = Categories(history);
  std::vector<const char*> names(std::begin(kVerdicts), std::end(kVerdicts));
  names.push_back(kWrongData);
  for (const char* verdict : names) {
    ChartSeries series;
    series.name =
        std::string(verdict) == kWrongData ? "with wrong_data" : verdict;
    series.colour = VerdictColour(verdict);
    bool any = false;
    for (const History::Entry& entry : history.reports) {
      if (!entry.report.has_conformance()) {
        series.values.push_back(std::nullopt);
        continue;
      }
      const std::map<std::string, int> counts = VerdictCounts(entry.report);
      const auto found = counts.find(verdict);
      const double count = found == counts.end() ? 0 : found->second;
      any = any || count > 0;
      series.values.push_back(ChartValue{count, count, count});
    }
    if (any) spec.series.push_back(std::move(series));
  }
  return RenderLineChart(spec);
}

struct Metric {
  const char* name;
  const char* title;
  const char* unit;
  bool with_ceiling;
};
constexpr Metric kMetrics[] = {
    {"rows_per_second", "Throughput", "rows/s", true},
    {"time_to_first_row_ms", "Time to first row", "ms", false}};

std::string WorkersText(int workers) {
  return absl::StrCat(workers, workers == 1 ? " worker" : " workers");
}

// One chart per metric, response size and concurrency: a line per model.
std::string BenchmarkCharts(const History& history) {
  std::vector<std::vector<ModelBenchmark>> per_run;
  std::vector<ModelBenchmark> all;
  for (const History::Entry& entry : history.reports) {
    per_run.push_back(ModelBenchmarks(entry.report));
    all.insert(all.end(), per_run.back().begin(), per_run.back().end());
  }
  std::string html;
  for (const std::string& response : Responses(all)) {
    for (const int workers : Workers(all)) {
      std::string charts;
      for (const Metric& metric : kMetrics) {
        ChartSpec spec;
        spec.title = absl::StrCat(metric.title, ", ", WorkersText(workers),
                                  ", ", response, " responses");
        spec.x_label = "run (start time, UTC)";
        spec.y_label = metric.unit;
        spec.spread_label = "min to max";
        spec.categories = Categories(history);
        for (const std::string& model : Models(all)) {
          if (model == kCeilingName && !metric.with_ceiling) continue;
          ChartSeries series;
          series.name = model;
          if (model == kCeilingName) series.colour = kCeilingColour;
          bool any = false;
          for (const std::vector<ModelBenchmark>& run : per_run) {
            std::optional<ChartValue> value;
            std::string note;
            for (const ModelBenchmark& entry : run) {
              if (entry.model == model && entry.workers == workers &&
                  entry.response == response) {
                value = MetricValue(entry, metric.name);
                if (!entry.skipped.empty()) note = "skipped: " + entry.skipped;
              }
            }
            any = any || value.has_value();
            series.values.push_back(value);
            series.notes.push_back(note);
          }
          if (any) spec.series.push_back(std::move(series));
        }
        if (!spec.series.empty())
          absl::StrAppend(&charts, RenderLineChart(spec));
      }
      if (!charts.empty()) {
        absl::StrAppend(
            &html,
            TextElement("h3", absl::StrCat(WorkersText(workers), ", ", response,
                                           " responses")),
            Element("div", {{"class", "charts"}}, charts));
      }
    }
  }
  return html;
}

}  // namespace

absl::StatusOr<History> LoadHistory(const std::string& directory) {
  std::error_code error;
  if (!std::filesystem::is_directory(directory, error)) {
    return absl::NotFoundError(
        absl::StrCat(directory,
                     ": not a folder (--history wants a folder of "
                     "reports)"));
  }
  History history;
  const absl::StatusOr<int> files = ForEachReportIn(
      directory, /*exclude=*/"",
      [&history](const std::string& path, absl::StatusOr<Report> report) {
        const std::string file =
            std::filesystem::path(path).filename().string();
        if (report.ok()) {
          history.reports.push_back({file, *std::move(report)});
        } else {
          history.unreadable.push_back(
              {file, std::string(report.status().message())});
        }
      });
  if (!files.ok()) return files.status();
  std::stable_sort(history.reports.begin(), history.reports.end(),
                   [](const History::Entry& a, const History::Entry& b) {
                     return StartOf(a.report) < StartOf(b.report);
                   });
  return history;
}

std::string RenderTrendPage(const History& history, const std::string& name) {
  std::string body =
      TextElement("h1", absl::StrCat("forkcheck history: ", name));
  std::string lead = absl::StrCat(history.reports.size(), " reports");
  if (!history.reports.empty()) {
    absl::StrAppend(&lead, " from ", StartOf(history.reports.front().report),
                    " to ", StartOf(history.reports.back().report));
  }
  absl::StrAppend(&body, TextElement("p", {{"class", "lead"}}, lead));
  if (!history.unreadable.empty()) {
    std::string items;
    for (const History::Unreadable& file : history.unreadable) {
      absl::StrAppend(
          &items,
          Element("li", absl::StrCat(Element("code", EscapeText(file.file)),
                                     ": ", EscapeText(file.why))));
    }
    absl::StrAppend(
        &body,
        Element("div", {{"class", "problem unreadable"}},
                absl::StrCat(
                    TextElement("p", absl::StrCat(history.unreadable.size(),
                                                  history.unreadable.size() == 1
                                                      ? " file"
                                                      : " files",
                                                  " skipped: not readable as "
                                                  "reports")),
                    Element("ul", items))));
  }
  if (history.reports.empty()) {
    absl::StrAppend(&body, TextElement("p", "No reports to show."));
  } else {
    absl::StrAppend(
        &body, TextElement("h2", "Runs"), RunsTable(history),
        TextElement("h2", "The process-model matrix"), RulesNote(history),
        VerdictChart(history), TextElement("h2", "Benchmarks"),
        TextElement("p", {{"class", "note"}},
                    "Points are medians over a run's repetitions, whiskers "
                    "the minimum and maximum; a gap is a run that did not "
                    "measure the model there."),
        BenchmarkCharts(history));
  }
  return RenderPage({absl::StrCat("forkcheck history: ", name), "", body});
}

}  // namespace forkcheck::html
