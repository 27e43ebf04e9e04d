#include "reports/summary.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "reports/report_clients.h"
#include "reports/text_wrap.h"
#include "reports/verdict_text.h"

namespace forkcheck {
namespace {

using nlohmann::json;

// The console's width: the text summary must read in a plain terminal.
constexpr size_t kTextWidth = 100;

std::optional<double> MetricMedian(const json& scenario,
                                   const std::string& name) {
  const json& metrics = scenario["metrics"];
  if (!metrics.contains(name)) return std::nullopt;
  return metrics[name]["median"].get<double>();
}

std::optional<double> MetricMad(const json& scenario, const std::string& name) {
  const json& metrics = scenario["metrics"];
  if (!metrics.contains(name)) return std::nullopt;
  return metrics[name]["mad"].get<double>();
}

std::string ConfigText(const json& config, const std::string& key) {
  if (!config.contains(key)) return "";
  const json& value = config[key];
  return value.is_string() ? value.get<std::string>() : value.dump();
}

int ConfigInt(const json& config, const std::string& key) {
  return config.contains(key) && config[key].is_number_integer()
             ? config[key].get<int>()
             : 0;
}

// The axes of `cell` equal `defaults` except, perhaps, workers.
bool IsBaseline(const json& cell, const json& defaults, int workers) {
  json axes = cell["axes"];
  json wanted = defaults;
  if (workers > 0) wanted["workers"] = workers;
  return axes == wanted;
}

struct Safety {
  std::string workers = "-";
  std::string workers_verdict;
  int cell_workers = 0;
  std::string parent_after = "-";
  std::string parent_after_verdict;
};

Safety SafetyOf(const json& conformance, const std::string& model,
                int workers) {
  Safety safety;
  if (conformance.is_null()) return safety;
  const json& defaults = conformance["defaults"];
  const json* chosen = nullptr;
  for (const json& cell : conformance["cells"]) {
    if (cell["model_name"] != model) continue;
    if (workers > 0 && IsBaseline(cell, defaults, workers)) {
      chosen = &cell;
      break;
    }
    if (chosen == nullptr && IsBaseline(cell, defaults, 0)) chosen = &cell;
  }
  if (chosen == nullptr) return safety;
  safety.workers = PartText((*chosen)["workers"]);
  safety.workers_verdict = (*chosen)["workers"]["verdict"].get<std::string>();
  safety.cell_workers = (*chosen)["axes"]["workers"].get<int>();
  if (!(*chosen)["parent_after"].is_null()) {
    safety.parent_after = PartText((*chosen)["parent_after"]);
    safety.parent_after_verdict =
        (*chosen)["parent_after"]["verdict"].get<std::string>();
  }
  return safety;
}

void SetSafety(const Safety& safety, ModelCostRow* row) {
  row->safety = safety.workers;
  row->safety_verdict = safety.workers_verdict;
  row->safety_cell_workers = safety.cell_workers;
  row->parent_after = safety.parent_after;
  row->parent_after_verdict = safety.parent_after_verdict;
}

std::string Number(const std::optional<double>& value, const char* format) {
  return value.has_value() ? absl::StrFormat(format, *value) : "-";
}

// The throughput cell: "300 ± 0", "skipped: <why>" (cut to `shown`
// characters, 0: whole), "not benchmarked", or "-" (no rows/s measured).
std::string Throughput(const ModelCostRow& row, size_t shown) {
  if (row.rows_per_second.has_value()) {
    return absl::StrFormat("%.0f ± %.0f", *row.rows_per_second,
                           row.rows_per_second_mad.value_or(0));
  }
  if (!row.skipped.empty()) {
    if (shown == 0 || row.skipped.size() <= shown) {
      return "skipped: " + row.skipped;
    }
    return "skipped: " + row.skipped.substr(0, shown) + "...";
  }
  return row.workers == 0 ? "not benchmarked" : "-";
}

std::string SessionLatency(const ModelCostRow& row) {
  if (!row.create_session_p50_us.has_value()) return "-";
  return absl::StrCat(Number(row.create_session_p50_us, "%.0f"), " / ",
                      Number(row.create_session_p99_us, "%.0f"));
}

std::vector<std::vector<std::string>> Table(
    const std::vector<ModelCostRow>& rows) {
  std::vector<std::vector<std::string>> table = {
      {"client", "model", "safety (workers)", "parent after", "workers",
       "response", "rows/s (median ± MAD)", "× ceiling", "first row ms",
       "CPU s / M rows", "peak RSS MiB", "CreateReadSession p50/p99 µs"}};
  for (const ModelCostRow& row : rows) {
    // The full reason is in the report; a table cell keeps its start.
    table.push_back({row.client, ModelWithoutClient(row.model), row.safety,
                     row.parent_after,
                     row.workers > 0 ? absl::StrCat(row.workers) : "-",
                     row.response.empty() ? "-" : row.response,
                     Throughput(row, 40), Number(row.ceiling_ratio, "%.2f"),
                     Number(row.time_to_first_row_ms, "%.1f"),
                     Number(row.cpu_seconds_per_million_rows, "%.2f"),
                     Number(row.peak_rss_mib, "%.1f"), SessionLatency(row)});
  }
  return table;
}

std::string Headline(const Report& report) {
  const json& environment = report.json()["environment"];
  return absl::StrCat(
      "gRPC ", environment["grpc"]["cpp_version"].get<std::string>(), " (",
      environment["grpc"]["library_path"].get<std::string>(),
      "; fork handlers with pthread_atfork: ",
      environment["grpc"]["atfork"].get<std::string>(), ") on ",
      environment["machine"]["cpu_model"].get<std::string>(), ", ",
      environment["machine"]["hardware_concurrency"].dump(), " CPUs, ",
      environment["machine"]["os"].get<std::string>(), "; harness ",
      environment["harness"]["git_commit"].get<std::string>(), " (",
      environment["harness"]["git_tree"].get<std::string>(), "), ",
      environment["start_time"].get<std::string>());
}

// "cpp: grpc++ 1.51.1 (C++, gRPC core 29.0.0)", "python-grpcio: skipped:
// python3-grpcio is not installed".
std::vector<std::string> ClientLines(const Report& report) {
  std::vector<std::string> lines;
  for (const ReportClient& client : ReportClients(report.json())) {
    lines.push_back(
        absl::StrCat(client.client, ": ", DescribeReportClient(client)));
  }
  return lines;
}

// Each client's expectations outcome and how it was tested; in Markdown,
// with its differences in a code block (the console has printed them
// already).
std::string ExpectationsOutcomes(const Report& report, bool markdown) {
  std::string text;
  for (const ReportClient& client : ReportClients(report.json())) {
    if (!client.ran()) continue;
    const ExpectationsOutcome& expectations = client.expectations;
    std::string line =
        absl::StrCat("Expectations of ", client.client, " (", expectations.file,
                     "): ", ExpectationsVerdict(expectations));
    if (const std::string tested =
            DescribeExpectationsStatistics(client.statistics);
        !tested.empty()) {
      absl::StrAppend(&line, " ", tested, ".");
    }
    absl::StrAppend(&text, markdown ? absl::StrCat(line, "\n")
                                    : WrapLine(line, kTextWidth, 2));
    if (markdown && expectations.found && !expectations.passed) {
      absl::StrAppend(&text, "\n```\n", expectations.differences, "```\n\n");
    }
  }
  return text;
}

// "Matrix: quick, 138 cells, 5 trials a cell." and the verdict rule, or
// nothing if the run had no matrix.
std::vector<std::string> MatrixLines(const Report& report) {
  const json& conformance = report.json()["conformance"];
  if (conformance.is_null()) return {};
  return {absl::StrCat("Matrix: ", conformance["size"].get<std::string>(), ", ",
                       conformance["cells"].size(), " cells, ",
                       TrialPolicyText(conformance), "."),
          absl::StrCat("Verdicts: ", VerdictRuleText(conformance), ".")};
}

// The cost of one benchmarked row, in words: "300 ± 0 rows/s, 0.30 ×
// ceiling, first row 12.5 ms, ...".
std::string CostText(const ModelCostRow& row) {
  if (!row.rows_per_second.has_value()) return Throughput(row, 0);
  std::vector<std::string> parts = {
      absl::StrCat(Throughput(row, 0), " rows/s")};
  if (row.ceiling_ratio.has_value()) {
    parts.push_back(
        absl::StrCat(Number(row.ceiling_ratio, "%.2f"), " × ceiling"));
  }
  if (row.time_to_first_row_ms.has_value()) {
    parts.push_back(absl::StrCat(
        "first row ", Number(row.time_to_first_row_ms, "%.1f"), " ms"));
  }
  if (row.cpu_seconds_per_million_rows.has_value()) {
    parts.push_back(
        absl::StrCat("CPU ", Number(row.cpu_seconds_per_million_rows, "%.2f"),
                     " s / M rows"));
  }
  if (row.peak_rss_mib.has_value()) {
    parts.push_back(
        absl::StrCat("peak RSS ", Number(row.peak_rss_mib, "%.1f"), " MiB"));
  }
  if (row.create_session_p50_us.has_value()) {
    parts.push_back(
        absl::StrCat("CreateReadSession p50/p99 ", SessionLatency(row), " µs"));
  }
  return absl::StrJoin(parts, ", ");
}

// Every model as a block that fits the console: its safety (printed again
// only where another concurrency's baseline cell says otherwise), then its
// cost at each concurrency and size.
std::string SideBySideText(const std::vector<ModelCostRow>& rows) {
  std::string text;
  const ModelCostRow* previous = nullptr;
  for (const ModelCostRow& row : rows) {
    const bool new_model = previous == nullptr || previous->model != row.model;
    if (new_model) {
      absl::StrAppend(&text,
                      WrapLine(absl::StrCat(row.client, ": ",
                                            ModelWithoutClient(row.model)),
                               kTextWidth, 4));
    }
    if (new_model || previous->safety != row.safety ||
        previous->parent_after != row.parent_after ||
        previous->safety_cell_workers != row.safety_cell_workers) {
      if (row.safety_cell_workers == 0) {
        absl::StrAppend(&text, "  safety: not in this run's matrix\n");
      } else {
        absl::StrAppend(
            &text,
            WrapLine(absl::StrCat("  safety (", row.safety_cell_workers,
                                  row.safety_cell_workers == 1 ? " worker): "
                                                               : " workers): ",
                                  row.safety),
                     kTextWidth, 4));
        if (row.parent_after != "-") {
          absl::StrAppend(&text, WrapLine(absl::StrCat("  parent after: ",
                                                       row.parent_after),
                                          kTextWidth, 4));
        }
      }
    }
    const std::string where =
        row.workers > 0
            ? absl::StrCat("  ", row.workers,
                           row.workers == 1 ? " worker" : " workers",
                           row.response.empty() ? "" : ", ", row.response, ": ")
            : "  cost: ";
    absl::StrAppend(
        &text, WrapLine(absl::StrCat(where, CostText(row)), kTextWidth, 4));
    previous = &row;
  }
  return text;
}

}  // namespace

std::vector<ModelCostRow> ModelCostRows(const Report& report) {
  const json& document = report.json();
  const json& conformance = document["conformance"];
  std::vector<std::string> models;
  auto add_model = [&models](const std::string& model) {
    if (std::find(models.begin(), models.end(), model) == models.end()) {
      models.push_back(model);
    }
  };
  if (!conformance.is_null()) {
    for (const json& cell : conformance["cells"]) {
      add_model(cell["model_name"].get<std::string>());
    }
  }
  // The bare loop's median rows/s by (workers, response).
  std::map<std::pair<int, std::string>, double> ceiling;
  std::map<std::string, std::vector<const json*>> scenarios_of;
  // BM_CreateSessionLatency by (model, workers).
  std::map<std::pair<std::string, int>, const json*> session_latency;
  if (!document["benchmarks"].is_null()) {
    for (const json& scenario : document["benchmarks"]["scenarios"]) {
      const json& config = scenario["config"];
      const std::string benchmark = ConfigText(config, "benchmark");
      if (benchmark == "BM_BareReadLoop") {
        if (std::optional<double> rows =
                MetricMedian(scenario, "rows_per_second")) {
          ceiling[{ConfigInt(config, "workers"),
                   ConfigText(config, "response")}] = *rows;
        }
      } else if (benchmark == "BM_CreateSessionLatency") {
        session_latency[{ConfigText(config, "label"),
                         ConfigInt(config, "workers")}] = &scenario;
      } else if (benchmark == "BM_ProcessModel") {
        const std::string model = ConfigText(config, "label");
        add_model(model);
        scenarios_of[model].push_back(&scenario);
      }
    }
  }
  // Client by client, so a testee's rows sit together beside the C++ ones.
  std::vector<std::string> clients;
  for (const ReportClient& client : ReportClients(document)) {
    clients.push_back(client.client);
  }
  const auto client_rank = [&clients](const std::string& model) {
    const std::string client = ModelClient(model);
    auto found = std::find(clients.begin(), clients.end(), client);
    if (found == clients.end()) {
      clients.push_back(client);
      return clients.size() - 1;
    }
    return static_cast<size_t>(found - clients.begin());
  };
  std::vector<std::pair<size_t, std::string>> ranked;
  for (const std::string& model : models) {
    ranked.emplace_back(client_rank(model), model);
  }
  std::stable_sort(
      ranked.begin(), ranked.end(),
      [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<ModelCostRow> rows;
  for (const auto& ranked_model : ranked) {
    const std::string& model = ranked_model.second;
    const auto found = scenarios_of.find(model);
    if (found == scenarios_of.end()) {
      ModelCostRow row;
      row.model = model;
      SetSafety(SafetyOf(conformance, model, 0), &row);
      rows.push_back(row);
      continue;
    }
    // Google Benchmark's random interleaving shuffles them: read them by
    // response size, then concurrency.
    std::vector<const json*> ordered = found->second;
    std::stable_sort(ordered.begin(), ordered.end(),
                     [](const json* a, const json* b) {
                       const json& x = (*a)["config"];
                       const json& y = (*b)["config"];
                       return std::make_pair(ConfigText(x, "response"),
                                             ConfigInt(x, "workers")) <
                              std::make_pair(ConfigText(y, "response"),
                                             ConfigInt(y, "workers"));
                     });
    for (const json* scenario : ordered) {
      const json& config = (*scenario)["config"];
      ModelCostRow row;
      row.model = model;
      row.workers = ConfigInt(config, "workers");
      row.response = ConfigText(config, "response");
      SetSafety(SafetyOf(conformance, model, row.workers), &row);
      row.skipped = scenario->value("skipped", "");
      row.rows_per_second = MetricMedian(*scenario, "rows_per_second");
      row.rows_per_second_mad = MetricMad(*scenario, "rows_per_second");
      const auto bare = ceiling.find({row.workers, row.response});
      if (row.rows_per_second.has_value() && bare != ceiling.end() &&
          bare->second > 0) {
        row.ceiling_ratio = *row.rows_per_second / bare->second;
      }
      row.time_to_first_row_ms =
          MetricMedian(*scenario, "time_to_first_row_ms");
      row.cpu_seconds_per_million_rows =
          MetricMedian(*scenario, "cpu_seconds_per_million_rows");
      if (std::optional<double> kib = MetricMedian(*scenario, "peak_rss_kib")) {
        row.peak_rss_mib = *kib / 1024;
      }
      if (const auto latency = session_latency.find({model, row.workers});
          latency != session_latency.end()) {
        row.create_session_p50_us =
            MetricMedian(*latency->second, "create_session_p50_us");
        row.create_session_p99_us =
            MetricMedian(*latency->second, "create_session_p99_us");
      }
      rows.push_back(row);
    }
  }
  for (ModelCostRow& row : rows) row.client = ModelClient(row.model);
  return rows;
}

std::vector<std::vector<std::string>> ModelCostTable(const Report& report) {
  return Table(ModelCostRows(report));
}

std::string RenderSummaryText(const Report& report) {
  std::string text = WrapLine(Headline(report), kTextWidth, 2);
  const std::vector<std::string> clients = ClientLines(report);
  if (!clients.empty()) {
    absl::StrAppend(&text, "Clients:\n");
    for (const std::string& client : clients) {
      absl::StrAppend(&text,
                      WrapLine(absl::StrCat("  ", client), kTextWidth, 4));
    }
  }
  for (const std::string& line : MatrixLines(report)) {
    absl::StrAppend(&text, WrapLine(line, kTextWidth, 2));
  }
  absl::StrAppend(
      &text, "\n",
      WrapLine("Process models side by side. Safety: the verdict on the "
               "model's baseline cell (the design's default axes), with its "
               "counts and the failure rate's interval; cost: the "
               "benchmarks' medians over their repetitions (× ceiling: over "
               "the bare gRPC loop's throughput in the same run).",
               kTextWidth, 2),
      "\n", SideBySideText(ModelCostRows(report)), "\n");
  absl::StrAppend(&text, ExpectationsOutcomes(report, false));
  return text;
}

std::string RenderSummaryMarkdown(const Report& report) {
  const json& document = report.json();
  std::string text =
      absl::StrCat("# forkcheck run\n\n", Headline(report), "\n\n");
  const std::vector<std::string> clients = ClientLines(report);
  if (!clients.empty()) {
    absl::StrAppend(&text, "## Clients\n\n- ", absl::StrJoin(clients, "\n- "),
                    "\n\n");
  }
  const std::vector<std::string> matrix = MatrixLines(report);
  if (!matrix.empty()) {
    absl::StrAppend(&text, absl::StrJoin(matrix, "\n"), "\n\n");
  }
  absl::StrAppend(&text, "## Process models side by side\n\n",
                  "Safety is the matrix's verdict on the model's baseline "
                  "cell (the design's default axes), with its counts and the "
                  "failure rate's interval; cost comes from the benchmarks "
                  "(medians over their repetitions; × ceiling is the "
                  "throughput over the bare gRPC loop's in the same run).\n\n");
  const std::vector<std::vector<std::string>> table =
      Table(ModelCostRows(report));
  for (size_t r = 0; r < table.size(); ++r) {
    absl::StrAppend(&text, "| ", absl::StrJoin(table[r], " | "), " |\n");
    if (r == 0) {
      std::vector<std::string> rule(table[0].size(), "---");
      absl::StrAppend(&text, "|", absl::StrJoin(rule, "|"), "|\n");
    }
  }
  const json& conformance = document["conformance"];
  if (!conformance.is_null()) {
    absl::StrAppend(&text, "\n## The process-model matrix (",
                    conformance["size"].get<std::string>(), ", ",
                    TrialPolicyText(conformance), ")\n\n",
                    "| cell | workers | parent after | stopped |\n"
                    "|---|---|---|---|\n");
    for (const json& cell : conformance["cells"]) {
      const std::string stop = StopNote(cell);
      absl::StrAppend(
          &text, "| `", cell["key"].get<std::string>(), "` | ",
          PartText(cell["workers"]), " | ", PartText(cell["parent_after"]),
          " | ", stop.empty() ? "" : stop.substr(stop.find(' ') + 1), " |\n");
    }
    absl::StrAppend(&text, "\n", ExpectationsOutcomes(report, true));
  }
  return text;
}

}  // namespace forkcheck
