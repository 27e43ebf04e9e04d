// Readable summaries of a report: every process model side by side, with its
// safety verdict from the matrix (counts, verdict, interval) and its cost
// from the benchmarks, as text for the console (fitting 100 columns) and as
// Markdown written beside the JSON. Each states the verdict rule once.
#ifndef FORKCHECK_REPORTS_SUMMARY_H_
#define FORKCHECK_REPORTS_SUMMARY_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "reports/report.h"

namespace forkcheck {

// One model at one concurrency and response size.
struct ModelCostRow {
  std::string client;  // whose model: "cpp", "python-grpcio"
  // The model with its variant as the report names it, e.g. "spawn",
  // "python-grpcio:threads".
  std::string model;
  std::string workload = "read";  // the cells': "read" or "write"
  int workers = 0;                // 0: the model was not benchmarked
  std::string response;           // e.g. "64KiB"; empty if not benchmarked
  // The matrix's verdict on the model's baseline cell (the design's
  // default axes, at this concurrency if the matrix ran it) with its counts
  // and interval, e.g. "ok 36/36 → safe, failure 0% [0%–9.7%]" (PartText:
  // wrong data on its own); "-" if the matrix did not run the model.
  std::string safety;
  std::string safety_verdict;        // "safe", "flaky"...; "" if not run
  int safety_cell_workers = 0;       // the baseline cell's workers; 0: none
  std::string parent_after;          // "-" if the model has no parent check
  std::string parent_after_verdict;  // "" if none
  std::string skipped;  // why its benchmark did not run, if it did not
  std::optional<double> rows_per_second;  // median
  std::optional<double> rows_per_second_mad;
  // Payload bytes/s, medians: end to end (the whole read, start-up
  // included) and steady (from the workers' first rows to their last;
  // bench/steady_rate.h). Older reports have no steady rate.
  std::optional<double> bytes_per_second;
  std::optional<double> steady_bytes_per_second;
  // "× ceiling": the steady rate over the bare gRPC loop's steady rate at
  // the same workers and response size in the same run (medians). The
  // loop has almost no start-up, so this compares reading with reading;
  // the start-up is the fixed cost below. nullopt without either rate.
  std::optional<double> ceiling_ratio;
  // bytes_per_second over the bare loop's: what a read of this table
  // gets, start-up included.
  std::optional<double> end_to_end_ceiling_ratio;
  // The fixed cost of a read: time_to_first_row_ms, per worker from before
  // its fork, spawn or thread (the median over the workers).
  std::optional<double> time_to_first_row_ms;
  std::optional<double> cpu_seconds_per_million_rows;
  std::optional<double> peak_rss_mib;
  // BM_CreateSessionLatency of the model at this concurrency: the medians
  // over its repetitions of each trial's p50 and p99 (µs).
  std::optional<double> create_session_p50_us;
  std::optional<double> create_session_p99_us;
};

// Whether `cell` is a baseline cell: its axes are the design's `defaults`,
// with `workers` workers (0: the defaults' own).
bool IsBaseline(const ReportCell& cell, const Axes& defaults, int workers);

// A model as shown where its reading and writing cells are told apart:
// "spawn" (read), "spawn (write)".
std::string WithWorkload(const std::string& model, const std::string& workload);
// The row's model without its client, with its workload.
std::string ShownModel(const ModelCostRow& row);

// The console's lines for the summary and the report paths after it. A
// default run's progress display printed 14 lines in 8.7 minutes (a plain
// line a minute, and one as each phase starts and ends; a 10-minute run
// adds about 2) and two lines come before it: 80 + 16 + 2 = 98.
inline constexpr size_t kConsoleSummaryLines = 80;

// The rows, client by client (in the order the report lists its clients),
// within a client in the order models first appear (matrix, then
// benchmarks).
std::vector<ModelCostRow> ModelCostRows(const Report& report);

// The rows as the summaries show them: a header row, then one row of text
// cells per ModelCostRow (for other renderings, e.g. the HTML page). The
// first column is the client, the second the model without its client.
std::vector<std::vector<std::string>> ModelCostTable(const Report& report);

// Text, Markdown: one line per client (what ran, or why it was skipped),
// the verdict rule, every model's safety and cost, the guidance
// (guidance.h), and each client's expectations outcome with how it was
// tested; older reports list their one C++ client. The text wraps at 100
// columns (a model name or key longer than a line stays whole); Markdown
// adds a table of every cell.
//
// Both say why cells failed when any trial failed (other than ok and
// ok_after_retry): the text per model, most failed trials first, its failed
// trials and the stack signature seen in most of them (a worker's first),
// in at most 8 lines (then how many models did not fit); Markdown every
// such cell with every signature and its trials. A report from before
// signatures were recorded says it has none.
//
// The text takes at most `max_lines` lines if the headline, clients,
// matrix lines, model table and expectations outcomes fit in them: what is
// left goes first to a failed check's differences, then to the guidance,
// then to why cells failed (line_budget.h), each shortened to fit (down to
// a line saying where the rest is).
std::string RenderSummaryText(const Report& report,
                              size_t max_lines = SIZE_MAX);

// What the console shows at the end of a run: a blank line, the summary,
// a blank line, then `paths` (whole lines: "Report: ...", ...), in at most
// kConsoleSummaryLines lines (the summary gets what the rest leaves).
std::string RenderConsoleSummary(const Report& report,
                                 const std::string& paths);
std::string RenderSummaryMarkdown(const Report& report);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_SUMMARY_H_
