#include "reports/summary.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "matrix/cell.h"
#include "matrix/expectations.h"
#include "reports/guidance.h"
#include "reports/line_budget.h"
#include "reports/model_table.h"
#include "reports/report_clients.h"
#include "reports/report_model.h"
#include "reports/shard_text.h"
#include "reports/text_wrap.h"
#include "reports/verdict_text.h"

namespace forkcheck {
namespace {

std::optional<double> MetricMad(const BenchmarkScenario& scenario,
                                const std::string& name) {
  const auto found = scenario.metrics.find(name);
  if (found == scenario.metrics.end()) return std::nullopt;
  return found->second.mad;
}

struct Safety {
  std::string workers = "-";
  std::string workers_verdict;
  int cell_workers = 0;
  std::string parent_after = "-";
  std::string parent_after_verdict;
};

Safety SafetyOf(const std::optional<ReportConformance>& conformance,
                const std::string& model, const std::string& workload,
                int workers) {
  Safety safety;
  if (!conformance.has_value()) return safety;
  const Axes& defaults = conformance->defaults;
  // The baseline cell at the scenario's concurrency; else at the design's;
  // else at any (the quick size runs some models at 8 workers only).
  const ReportCell* chosen = nullptr;
  const ReportCell* any_workers = nullptr;
  for (const ReportCell& cell : conformance->cells) {
    if (cell.model_name != model || cell.axes.workload != workload) continue;
    if (workers > 0 && IsBaseline(cell, defaults, workers)) {
      chosen = &cell;
      break;
    }
    if (chosen == nullptr && IsBaseline(cell, defaults, 0)) chosen = &cell;
    if (any_workers == nullptr &&
        IsBaseline(cell, defaults, cell.axes.workers)) {
      any_workers = &cell;
    }
  }
  if (chosen == nullptr) chosen = any_workers;
  if (chosen == nullptr) return safety;
  safety.workers = PartText(chosen->workers);
  safety.workers_verdict = chosen->workers.verdict;
  safety.cell_workers = chosen->axes.workers;
  if (chosen->parent_after.has_value()) {
    safety.parent_after = PartText(*chosen->parent_after);
    safety.parent_after_verdict = chosen->parent_after->verdict;
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

// numerator / denominator; nullopt if either is missing or the
// denominator is not positive.
std::optional<double> Ratio(const std::optional<double>& numerator,
                            const std::optional<double>& denominator) {
  if (!numerator.has_value() || !denominator.has_value() || *denominator <= 0) {
    return std::nullopt;
  }
  return *numerator / *denominator;
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

std::optional<double> MiB(const std::optional<double>& bytes) {
  if (!bytes.has_value()) return std::nullopt;
  return *bytes / (1 << 20);
}

std::vector<std::vector<std::string>> Table(
    const std::vector<ModelCostRow>& rows) {
  std::vector<std::vector<std::string>> table = {
      {"client", "model", "safety (workers)", "parent after", "workers",
       "response", "rows/s (median ± MAD)", "steady MiB/s",
       "× ceiling (steady)", "fixed cost ms (first row)", "end-to-end MiB/s",
       "× ceiling (end to end)", "CPU s / M rows", "peak RSS MiB",
       "CreateReadSession p50/p99 µs"}};
  for (const ModelCostRow& row : rows) {
    // The full reason is in the report; a table cell keeps its start.
    table.push_back({row.client, ShownModel(row), row.safety, row.parent_after,
                     row.workers > 0 ? absl::StrCat(row.workers) : "-",
                     row.response.empty() ? "-" : row.response,
                     Throughput(row, 40),
                     Number(MiB(row.steady_bytes_per_second), "%.0f"),
                     Number(row.ceiling_ratio, "%.2f"),
                     Number(row.time_to_first_row_ms, "%.1f"),
                     Number(MiB(row.bytes_per_second), "%.0f"),
                     Number(row.end_to_end_ceiling_ratio, "%.2f"),
                     Number(row.cpu_seconds_per_million_rows, "%.2f"),
                     Number(row.peak_rss_mib, "%.1f"), SessionLatency(row)});
  }
  return table;
}

std::string Headline(const Report& report) {
  const Environment& environment = report.model().environment;
  const std::optional<int64_t>& cpus = environment.machine.hardware_concurrency;
  return absl::StrCat(
      "gRPC ", environment.grpc.cpp_version, " (",
      environment.grpc.library_path,
      "; fork handlers with pthread_atfork: ", environment.grpc.atfork, ") on ",
      environment.machine.cpu_model, ", ",
      // As the JSON value reads: an unknown count in quotes.
      cpus.has_value() ? absl::StrCat(*cpus)
                       : absl::StrCat("\"", kUnknown, "\""),
      " CPUs, ", environment.machine.os, "; harness ",
      environment.harness.git_commit, " (", environment.harness.git_tree, "), ",
      environment.start_time);
}

// "cpp: grpc++ 1.51.1 (C++, gRPC core 29.0.0)", "python-grpcio: skipped:
// python3-grpcio is not installed".
std::vector<std::string> ClientLines(const Report& report) {
  std::vector<std::string> lines;
  for (const ReportClient& client : ReportClients(report.model())) {
    lines.push_back(
        absl::StrCat(client.client, ": ", DescribeReportClient(client)));
  }
  return lines;
}

// The console's share of a client's expectation differences at most: the
// Markdown has them all.
constexpr size_t kMismatchesShown = 3;
constexpr size_t kDifferenceLines = 6;

// The first mismatches, each as its file line, key and what changed; or,
// if none is a mismatch (lines to add or remove), the first lines of the
// differences; as many as fit `max_lines` with a last line saying how many
// did not and where all of them are. "" if max_lines is 0.
std::string DifferencesText(const ReportClient& client, size_t max_lines) {
  if (max_lines == 0) return "";
  const std::vector<ExpectationMismatch>& mismatches =
      client.statistics.mismatches;
  std::vector<std::string> entries;
  size_t total = 0;
  if (!mismatches.empty()) {
    total = mismatches.size();
    for (const ExpectationMismatch& mismatch : mismatches) {
      if (entries.size() == kMismatchesShown) break;
      std::string why = absl::StrCat("    ", mismatch.part, ": ", mismatch.why);
      if (mismatch.p_value < 1) {
        absl::StrAppend(&why, " (", RateTestText(mismatch), ", Holm-adjusted ",
                        PValueText(mismatch.adjusted_p_value), ")");
      }
      absl::StrAppend(&why, "; recorded: ", mismatch.recorded,
                      "; this run: ", mismatch.observed);
      entries.push_back(absl::StrCat(
          WrapLine(absl::StrCat("  line ", mismatch.line, ": ", mismatch.key),
                   kConsoleColumns, 6),
          WrapLine(why, kConsoleColumns, 6)));
    }
  } else {
    for (absl::string_view line : absl::StrSplit(
             client.expectations.differences, '\n', absl::SkipEmpty())) {
      ++total;
      if (entries.size() == kDifferenceLines) continue;
      entries.push_back(
          WrapLine(absl::StrCat("    ", line), kConsoleColumns, 6));
    }
  }
  std::string text;
  size_t shown = 0;
  for (const std::string& entry : entries) {
    // The last line says where they all are.
    if (LineCount(text) + LineCount(entry) + 1 > max_lines) break;
    absl::StrAppend(&text, entry);
    ++shown;
  }
  if (shown < total) {
    absl::StrAppend(&text, "    … ", total - shown,
                    " more; all, with the lines to write if they are real, "
                    "are in the Markdown summary.\n");
  } else {
    absl::StrAppend(&text,
                    "    Every difference, with the lines to write if it is "
                    "real, is in the Markdown summary.\n");
  }
  return text;
}

// A client's expectations outcome and how it was tested, in one line.
std::string ExpectationsLine(const ReportClient& client) {
  const ExpectationsOutcome& expectations = client.expectations;
  std::string line =
      absl::StrCat("Expectations of ", client.client, " (", expectations.file,
                   "): ", ExpectationsVerdict(expectations));
  if (const std::string tested =
          DescribeExpectationsStatistics(client.statistics);
      !tested.empty()) {
    absl::StrAppend(&line, " ", tested, ".");
  }
  return line;
}

bool ExpectationsFailed(const ReportClient& client) {
  return client.expectations.found && !client.expectations.passed;
}

// Each client's expectations outcome and how it was tested, then its
// differences in a code block.
std::string ExpectationsMarkdown(const Report& report) {
  std::string text;
  for (const ReportClient& client : ReportClients(report.model())) {
    if (!client.ran()) continue;
    absl::StrAppend(&text, ExpectationsLine(client), "\n");
    if (ExpectationsFailed(client)) {
      absl::StrAppend(&text, "\n```\n", client.expectations.differences,
                      "```\n\n");
    }
  }
  return text;
}

// The clients that ran whose expectations check failed.
size_t FailedClients(const Report& report) {
  const std::vector<ReportClient> clients = ReportClients(report.model());
  return static_cast<size_t>(
      std::count_if(clients.begin(), clients.end(), [](const auto& client) {
        return client.ran() && ExpectationsFailed(client);
      }));
}

// The console's: each client's outcome, and the differences of those that
// failed in `difference_lines` lines shared among them: a line each
// first (where they all are), then the rest evenly.
std::string ExpectationsText(const Report& report, size_t difference_lines) {
  const std::vector<ReportClient> clients = ReportClients(report.model());
  std::vector<SectionLines> wanted;
  for (const ReportClient& client : clients) {
    const bool failed = client.ran() && ExpectationsFailed(client);
    const size_t most =
        failed ? LineCount(DifferencesText(client, SIZE_MAX)) : 0;
    wanted.push_back({std::min<size_t>(most, 1), most});
  }
  const std::vector<size_t> lines = ShareLines(difference_lines, wanted);
  std::string text;
  for (size_t i = 0; i < clients.size(); ++i) {
    if (!clients[i].ran()) continue;
    absl::StrAppend(&text,
                    WrapLine(ExpectationsLine(clients[i]), kConsoleColumns, 2),
                    DifferencesText(clients[i], lines[i]));
  }
  return text;
}

// What the watchdog's allowance for CPU waits did (supervisor/
// cpu_starvation.h), when it did anything a reader must know: trials that
// ended only in the time it gave back, and hangs still waiting for a CPU
// when it ran out. Empty otherwise.
std::string CpuWaitLine(const ReportConformance& conformance) {
  int saved = 0;
  int doubtful = 0;
  int64_t longest = 0;
  for (const ReportCell& cell : conformance.cells) {
    for (const ReportTrial& trial : cell.trials) {
      if (trial.killed_waiting_for_cpu) ++doubtful;
      if (trial.starvation_allowance_micros > 0 && !trial.watchdog_fired) {
        ++saved;
        longest = std::max(longest, trial.starvation_allowance_micros);
      }
    }
  }
  if (saved == 0 && doubtful == 0) return "";
  std::string line = "CPU:";
  if (saved > 0) {
    absl::StrAppend(
        &line, " ", saved, saved == 1 ? " trial" : " trials",
        absl::StrFormat(" ended in time the watchdog added for waits for a "
                        "CPU (up to %.1f s).",
                        longest / 1e6));
  }
  if (doubtful > 0) {
    absl::StrAppend(&line, " ", doubtful,
                    doubtful == 1 ? " hung trial was" : " hung trials were",
                    " still waiting for a CPU when the watchdog fired: the "
                    "machine's load may be the hang.");
  }
  return line;
}

// "Matrix: quick, 138 cells, 5 trials a cell." and the verdict rule, or
// nothing if the run had no matrix.
std::vector<std::string> MatrixLines(const Report& report) {
  const std::optional<ReportConformance>& conformance =
      report.model().conformance;
  if (!conformance.has_value()) return {};
  std::vector<std::string> lines = {
      absl::StrCat("Matrix: ", conformance->size, ", ",
                   conformance->cells.size(),
                   conformance->cells.size() == 1 ? " cell, " : " cells, ",
                   TrialPolicyText(*conformance), "."),
      absl::StrCat("Verdicts: ", VerdictRuleText(*conformance), ".")};
  if (std::string shard = ShardText(report.model()); !shard.empty()) {
    lines.push_back(std::move(shard));
  }
  if (!conformance->power_probe.empty()) {
    lines.push_back(
        absl::StrCat("NOT EVIDENCE: ", conformance->power_probe, "."));
  }
  if (std::string cpu = CpuWaitLine(*conformance); !cpu.empty()) {
    lines.push_back(std::move(cpu));
  }
  return lines;
}

// Why cells failed (issue 13): each model's cells with failed trials (other
// than ok and ok_after_retry), their failed trials summed, and the stack
// signatures those trials showed.
struct ModelFailures {
  std::string model;  // the model with its variant and client
  int cells = 0;      // its cells with failed trials
  int failed = 0;     // their failed trials, both parts
  std::vector<const ReportCell*> failing;
  std::vector<std::pair<std::string, int64_t>> signatures;  // most first
  std::string capture_error;  // the most frequent, if no signature
};

// "hang 54/60, crash 6/60" over `cells` (their workers, then their
// parents', as CellFailuresText words one cell).
std::string SummedFailures(const std::vector<const ReportCell*>& cells) {
  CellPart workers, parent;
  bool has_parent = false;
  for (const ReportCell* cell : cells) {
    workers.trials += cell->workers.trials;
    for (const auto& [kind, count] : cell->workers.counts) {
      workers.counts[kind] += count;
    }
    if (cell->parent_after.has_value()) {
      has_parent = true;
      parent.trials += cell->parent_after->trials;
      for (const auto& [kind, count] : cell->parent_after->counts) {
        parent.counts[kind] += count;
      }
    }
  }
  ReportCell summed;
  summed.workers = workers;
  if (has_parent) summed.parent_after = parent;
  return CellFailuresText(summed);
}

int FailedTrials(const CellPart& part) {
  int failed = 0;
  for (const auto& [kind, count] : part.counts) {
    if (kind != "ok" && kind != "ok_after_retry") failed += count;
  }
  return failed;
}

// The models with failed trials, most failed trials first (then in the
// report's order).
std::vector<ModelFailures> FailuresByModel(
    const ReportConformance& conformance) {
  std::vector<ModelFailures> models;
  for (const ReportCell& cell : conformance.cells) {
    if (CellFailuresText(cell).empty()) continue;
    auto found = std::find_if(
        models.begin(), models.end(),
        [&](const ModelFailures& m) { return m.model == cell.model_name; });
    if (found == models.end()) {
      models.push_back({cell.model_name});
      found = models.end() - 1;
    }
    ++found->cells;
    found->failed += FailedTrials(cell.workers);
    if (cell.parent_after.has_value()) {
      found->failed += FailedTrials(*cell.parent_after);
    }
    found->failing.push_back(&cell);
  }
  for (ModelFailures& model : models) {
    ReportCell merged;  // the signatures summed over the model's cells
    std::map<std::string, int> capture_errors;
    for (const ReportCell* cell : model.failing) {
      for (const auto& [signature, trials] : cell->signatures) {
        auto same = std::find_if(
            merged.signatures.begin(), merged.signatures.end(),
            [&](const auto& seen) { return seen.first == signature; });
        if (same == merged.signatures.end()) {
          merged.signatures.emplace_back(signature, trials);
        } else {
          same->second += trials;
        }
      }
      for (const ReportTrial& trial : cell->trials) {
        for (const ProcessEvidence& process : trial.evidence) {
          if (!process.capture_error.empty()) {
            ++capture_errors[process.capture_error];
          }
        }
      }
    }
    model.signatures = SignaturesByTrials(merged);
    int most = 0;
    for (const auto& [error, count] : capture_errors) {
      if (count > most) {
        most = count;
        model.capture_error = error;
      }
    }
  }
  std::stable_sort(models.begin(), models.end(),
                   [](const ModelFailures& a, const ModelFailures& b) {
                     return a.failed > b.failed;
                   });
  return models;
}

// What no signature says: "no stack signature (ptrace: Operation not
// permitted)".
std::string NoSignature(const std::string& capture_error) {
  return capture_error.empty()
             ? "no stack signature"
             : absl::StrCat("no stack signature (", capture_error, ")");
}

// The console's share at most: this many lines under the heading, the
// last saying how many models did not fit; and the least, a line saying
// how many models failed and where to look.
constexpr size_t kWhyLines = 8;
constexpr size_t kLeastWhyLines = 1;

// "Why cells failed": per model (most failed trials first), its failed
// trials and the signature seen in most of them, in at most `max_lines`
// lines (the heading included) and kWhyLines under the heading; with fewer
// than 3, one line saying how many models failed and where to look. "" if
// no cell failed or max_lines is 0.
std::string WhyCellsFailedText(const Report& report, size_t max_lines) {
  const std::optional<ReportConformance>& conformance =
      report.model().conformance;
  if (!conformance.has_value() || max_lines == 0) return "";
  const std::vector<ModelFailures> models = FailuresByModel(*conformance);
  if (models.empty()) return "";
  if (!RecordsFailureEvidence(*conformance)) {
    return CutLongLines(
        "Why cells failed: this report records no stack signatures (it "
        "predates them).\n",
        kConsoleColumns);
  }
  const std::string one_line =
      absl::StrCat("Why cells failed: ", models.size(),
                   models.size() == 1 ? " model" : " models",
                   " with failed trials; signatures: Markdown summary, HTML "
                   "page.\n");
  if (max_lines < 3) return one_line;
  const size_t lines = std::min(kWhyLines, max_lines - 1);
  std::string text =
      "Why cells failed (per model: failed trials; its most seen stack "
      "signature, workers' first):\n";
  std::string entries;
  size_t shown = 0;
  for (const ModelFailures& model : models) {
    std::string line = absl::StrCat(
        "  ", ModelClient(model.model), ": ", ModelWithoutClient(model.model),
        ", ", model.cells, model.cells == 1 ? " cell: " : " cells: ",
        SummedFailures(model.failing), " — ");
    if (model.signatures.empty()) {
      absl::StrAppend(&line, NoSignature(model.capture_error));
    } else {
      absl::StrAppend(&line, SignatureText(model.signatures.front()));
      if (model.signatures.size() > 1) {
        const size_t more = model.signatures.size() - 1;
        absl::StrAppend(&line, "; ", more,
                        more == 1 ? " more signature" : " more signatures");
      }
    }
    const std::string wrapped = WrapLine(line, kConsoleColumns, 4);
    // Leave a line for the rest unless this is the last model.
    const size_t budget = shown + 1 == models.size() ? lines : lines - 1;
    if (LineCount(entries) + LineCount(wrapped) > budget) break;
    absl::StrAppend(&entries, wrapped);
    ++shown;
  }
  // Not even the first model fits: the heading would say nothing.
  if (shown == 0) return one_line;
  absl::StrAppend(&text, entries);
  if (shown < models.size()) {
    const size_t more = models.size() - shown;
    absl::StrAppend(&text, "  … ", more,
                    more == 1 ? " more model" : " more models",
                    " with failed trials; every cell's signatures: Markdown "
                    "summary, HTML page.\n");
  }
  return text;
}

// `text` as a Markdown code span, whatever backticks it holds.
std::string CodeSpan(const std::string& text) {
  size_t longest = 0, run = 0;
  for (const char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(longest + 1, '`');
  const std::string pad = longest > 0 ? " " : "";
  return absl::StrCat(fence, pad, text, pad, fence);
}

// Every cell with failed trials, in the report's order: its failed trials,
// verdict and every signature with its trials.
std::string WhyCellsFailedMarkdown(const ReportConformance& conformance) {
  std::vector<const ReportCell*> failing;
  for (const ReportCell& cell : conformance.cells) {
    if (!CellFailuresText(cell).empty()) failing.push_back(&cell);
  }
  if (failing.empty()) return "";
  std::string text = "## Why cells failed\n\n";
  if (!RecordsFailureEvidence(conformance)) {
    return absl::StrCat(text,
                        "This report records no stack signatures (it "
                        "predates them).\n\n");
  }
  absl::StrAppend(
      &text,
      "Each cell with failed trials (other than ok and ok_after_retry): "
      "its verdict, failed trials, and every stack signature (the process "
      "kind, then the frames that name what it was doing, innermost first) "
      "with the trials it was seen in, most first. The HTML page and the "
      "JSON report have the stacks and stderr of a cell's first failed "
      "trials and of the first trial of each signature.\n\n");
  for (const ReportCell* cell : failing) {
    std::vector<std::string> signatures;
    std::string capture_error;
    for (const auto& signature : SignaturesByTrials(*cell)) {
      signatures.push_back(
          absl::StrCat(CodeSpan(signature.first), " (", signature.second, ")"));
    }
    if (signatures.empty()) {
      for (const ReportTrial& trial : cell->trials) {
        for (const ProcessEvidence& process : trial.evidence) {
          if (capture_error.empty()) capture_error = process.capture_error;
        }
      }
    }
    absl::StrAppend(&text, "- ", CodeSpan(cell->key), " (",
                    cell->workers.verdict, "): ", CellFailuresText(*cell),
                    " — ",
                    signatures.empty() ? NoSignature(capture_error)
                                       : absl::StrJoin(signatures, "; "),
                    "\n");
  }
  absl::StrAppend(&text, "\n");
  return text;
}

}  // namespace

std::string WithWorkload(const std::string& model,
                         const std::string& workload) {
  return workload == "read" ? model : absl::StrCat(model, " (", workload, ")");
}

std::string ShownModel(const ModelCostRow& row) {
  return WithWorkload(ModelWithoutClient(row.model), row.workload);
}

bool IsBaseline(const ReportCell& cell, const Axes& defaults, int workers) {
  const int wanted = workers > 0 ? workers : defaults.workers;
  return cell.axes.workers == wanted && IsBaselineAxes(cell.axes, defaults);
}

std::vector<ModelCostRow> ModelCostRows(const Report& report) {
  const ReportModel& parsed = report.model();
  const std::optional<ReportConformance>& conformance = parsed.conformance;
  // (model, workload): a model's writing cells are a row of their own.
  std::vector<std::pair<std::string, std::string>> models;
  auto add_model = [&models](const std::string& model,
                             const std::string& workload) {
    const std::pair<std::string, std::string> entry(model, workload);
    if (std::find(models.begin(), models.end(), entry) == models.end()) {
      models.push_back(entry);
    }
  };
  if (conformance.has_value()) {
    for (const ReportCell& cell : conformance->cells) {
      add_model(cell.model_name, cell.axes.workload);
    }
  }
  // The bare loop's medians by (workers, response).
  struct Ceiling {
    std::optional<double> bytes_per_second;
    std::optional<double> steady_bytes_per_second;
  };
  std::map<std::pair<int, std::string>, Ceiling> ceiling;
  std::map<std::string, std::vector<const BenchmarkScenario*>> scenarios_of;
  // BM_CreateSessionLatency by (model, workers).
  std::map<std::pair<std::string, int>, const BenchmarkScenario*>
      session_latency;
  if (parsed.benchmarks.has_value()) {
    for (const BenchmarkScenario& scenario : parsed.benchmarks->scenarios) {
      const std::string benchmark = scenario.ConfigText("benchmark");
      const int workers = static_cast<int>(scenario.ConfigInteger("workers"));
      if (benchmark == "BM_BareReadLoop") {
        // Bytes, not rows: the loop's rows are nominal (its responses'
        // size over a typical row's), the bytes are what it read.
        ceiling[{workers, scenario.ConfigText("response")}] = {
            scenario.Median("bytes_per_second"),
            scenario.Median("steady_bytes_per_second")};
      } else if (benchmark == "BM_CreateSessionLatency") {
        session_latency[{scenario.ConfigText("label"), workers}] = &scenario;
      } else if (benchmark == "BM_ProcessModel") {
        const std::string model = scenario.ConfigText("label");
        add_model(model, "read");  // the benchmarks read
        scenarios_of[model].push_back(&scenario);
      }
    }
  }
  // Client by client, so a testee's rows sit together beside the C++ ones.
  std::vector<std::string> clients;
  for (const ReportClient& client : ReportClients(report.model())) {
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
  std::vector<std::pair<size_t, std::pair<std::string, std::string>>> ranked;
  for (const auto& model : models) {
    ranked.emplace_back(client_rank(model.first), model);
  }
  // A client's readers, then its writers.
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) {
                     return std::make_pair(a.first, a.second.second != "read") <
                            std::make_pair(b.first, b.second.second != "read");
                   });
  std::vector<ModelCostRow> rows;
  for (const auto& ranked_model : ranked) {
    const auto& [model, workload] = ranked_model.second;
    const auto found =
        workload == "read" ? scenarios_of.find(model) : scenarios_of.end();
    if (found == scenarios_of.end()) {
      ModelCostRow row;
      row.model = model;
      row.workload = workload;
      SetSafety(SafetyOf(conformance, model, workload, 0), &row);
      rows.push_back(row);
      continue;
    }
    // Google Benchmark's random interleaving shuffles them: read them by
    // response size, then concurrency.
    std::vector<const BenchmarkScenario*> ordered = found->second;
    std::stable_sort(
        ordered.begin(), ordered.end(),
        [](const BenchmarkScenario* a, const BenchmarkScenario* b) {
          return std::make_pair(a->ConfigText("response"),
                                a->ConfigInteger("workers")) <
                 std::make_pair(b->ConfigText("response"),
                                b->ConfigInteger("workers"));
        });
    for (const BenchmarkScenario* scenario : ordered) {
      ModelCostRow row;
      row.model = model;
      row.workers = static_cast<int>(scenario->ConfigInteger("workers"));
      row.response = scenario->ConfigText("response");
      SetSafety(SafetyOf(conformance, model, "read", row.workers), &row);
      row.skipped = scenario->skipped.value_or("");
      row.rows_per_second = scenario->Median("rows_per_second");
      row.rows_per_second_mad = MetricMad(*scenario, "rows_per_second");
      row.bytes_per_second = scenario->Median("bytes_per_second");
      row.steady_bytes_per_second = scenario->Median("steady_bytes_per_second");
      if (const auto bare = ceiling.find({row.workers, row.response});
          bare != ceiling.end()) {
        row.ceiling_ratio = Ratio(row.steady_bytes_per_second,
                                  bare->second.steady_bytes_per_second);
        row.end_to_end_ceiling_ratio =
            Ratio(row.bytes_per_second, bare->second.bytes_per_second);
      }
      row.time_to_first_row_ms = scenario->Median("time_to_first_row_ms");
      row.cpu_seconds_per_million_rows =
          scenario->Median("cpu_seconds_per_million_rows");
      if (std::optional<double> kib = scenario->Median("peak_rss_kib")) {
        row.peak_rss_mib = *kib / 1024;
      }
      if (const auto latency = session_latency.find({model, row.workers});
          latency != session_latency.end()) {
        row.create_session_p50_us =
            latency->second->Median("create_session_p50_us");
        row.create_session_p99_us =
            latency->second->Median("create_session_p99_us");
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

std::string RenderSummaryText(const Report& report, size_t max_lines) {
  std::string head = WrapLine(Headline(report), kConsoleColumns, 2);
  const std::vector<std::string> clients = ClientLines(report);
  if (!clients.empty()) {
    absl::StrAppend(&head, "Clients:\n");
    for (const std::string& client : clients) {
      absl::StrAppend(&head,
                      WrapLine(absl::StrCat("  ", client), kConsoleColumns, 4));
    }
  }
  for (const std::string& line : MatrixLines(report)) {
    absl::StrAppend(&head, WrapLine(line, kConsoleColumns, 2));
  }
  absl::StrAppend(&head, "\n",
                  RenderModelTable(ModelTableRows(report), kConsoleColumns),
                  "\n");
  // What the rest would take: the differences of a failed check first (the
  // run's exit status is about them), then the guidance, then why cells
  // failed; each says less, down to its least, when lines run short.
  const std::vector<GuidanceStatement> guidance =
      DeriveGuidance(report.model());
  const std::string all_guidance = RenderGuidanceText(report.model(), guidance);
  const std::string all_why = WhyCellsFailedText(report, SIZE_MAX);
  const std::string outcomes = ExpectationsText(report, 0);
  const size_t all_differences =
      LineCount(ExpectationsText(report, SIZE_MAX)) - LineCount(outcomes);
  // The guidance and why cells failed each end in a blank line, counted in
  // their lines.
  const size_t guidance_lines =
      all_guidance.empty() ? 0 : LineCount(all_guidance) + 1;
  const size_t why_lines = all_why.empty() ? 0 : LineCount(all_why) + 1;
  const size_t fixed = LineCount(head) + LineCount(outcomes);
  const std::vector<size_t> lines = AllotLines(
      max_lines > fixed ? max_lines - fixed : 0,
      {// A line for each failed client: where its differences are.
       {std::min(all_differences, FailedClients(report)), all_differences},
       {std::min(guidance_lines,
                 1 + LeastGuidanceLines(GuidanceClients(guidance).size())),
        guidance_lines},
       {std::min(why_lines, 1 + kLeastWhyLines), why_lines}});
  std::string text = head;
  for (const std::string& section :
       {RenderGuidanceText(report.model(), guidance,
                           lines[1] > 0 ? lines[1] - 1 : 0),
        WhyCellsFailedText(report, lines[2] > 0 ? lines[2] - 1 : 0)}) {
    if (!section.empty()) absl::StrAppend(&text, section, "\n");
  }
  absl::StrAppend(&text, ExpectationsText(report, lines[0]));
  return text;
}

std::string RenderConsoleSummary(const Report& report,
                                 const std::string& paths) {
  // The blank lines before the summary and before the paths.
  const size_t taken = 2 + LineCount(paths);
  return absl::StrCat(
      "\n",
      RenderSummaryText(report, kConsoleSummaryLines > taken
                                    ? kConsoleSummaryLines - taken
                                    : 0),
      "\n", paths);
}

std::string RenderSummaryMarkdown(const Report& report) {
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
                  "(medians over their repetitions). The fixed cost is the "
                  "time to first row, per worker from before its fork, spawn "
                  "or thread; the steady rate is payload bytes/s from the "
                  "workers' first rows to their last. × ceiling (steady) is "
                  "that rate over the bare gRPC loop's, measured alike in the "
                  "same run at the same workers and response size; × ceiling "
                  "(end to end) divides the whole read's bytes/s, start-up "
                  "included.\n\n");
  const std::vector<std::vector<std::string>> table =
      Table(ModelCostRows(report));
  for (size_t r = 0; r < table.size(); ++r) {
    absl::StrAppend(&text, "| ", absl::StrJoin(table[r], " | "), " |\n");
    if (r == 0) {
      std::vector<std::string> rule(table[0].size(), "---");
      absl::StrAppend(&text, "|", absl::StrJoin(rule, "|"), "|\n");
    }
  }
  absl::StrAppend(
      &text, "\n",
      RenderGuidanceMarkdown(report.model(), DeriveGuidance(report.model())));
  const std::optional<ReportConformance>& conformance =
      report.model().conformance;
  if (conformance.has_value()) {
    absl::StrAppend(&text, "\n## The process-model matrix (", conformance->size,
                    ", ", TrialPolicyText(*conformance), ")\n\n",
                    "| cell | workers | parent after | stopped |\n"
                    "|---|---|---|---|\n");
    for (const ReportCell& cell : conformance->cells) {
      const std::string stop = StopNote(cell);
      absl::StrAppend(&text, "| `", cell.key, "` | ", PartText(cell.workers),
                      " | ", PartText(cell.parent_after), " | ",
                      stop.empty() ? "" : stop.substr(stop.find(' ') + 1),
                      " |\n");
    }
    absl::StrAppend(&text, "\n", WhyCellsFailedMarkdown(*conformance),
                    ExpectationsMarkdown(report));
  }
  return text;
}

}  // namespace forkcheck
