// The process-model benchmarks of a report (BM_ProcessModel, and the bare
// gRPC loop as the ceiling), in the shape the charts read: one entry per
// model, concurrency and response size.
#ifndef FORKCHECK_REPORTS_HTML_MODEL_BENCHMARKS_H_
#define FORKCHECK_REPORTS_HTML_MODEL_BENCHMARKS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "reports/html/svg_chart.h"
#include "reports/report.h"

namespace forkcheck::html {

// What the bare gRPC loop is called in charts and tables.
inline constexpr char kCeilingName[] = "bare gRPC loop (ceiling)";
// Grey: a reference, not one of the models.
inline constexpr char kCeilingColour[] = "#9aa4ae";

struct ModelBenchmark {
  // The label, e.g. "spawn", "python-grpcio:threads" (a testee's names its
  // client); kCeilingName for the loop.
  std::string model;
  std::string client = "cpp";  // whose model; the loop is the C++ one
  int workers = 0;
  std::string response;  // e.g. "64KiB"
  std::string skipped;   // why it did not run, if it did not
  std::map<std::string, ScenarioMetric> metrics;  // the scenario's
};

// In report order; scenarios of other benchmarks are left out.
std::vector<ModelBenchmark> ModelBenchmarks(const Report& report);

// When the benchmarks are of more than one client, names the C++ models'
// client too ("cpp:spawn"), so that every series says whose client it was.
// For one report's charts only: across reports a name must stay the same.
void NameEveryClient(std::vector<ModelBenchmark>* benchmarks);

// A metric's median with its min and max; nullopt if not measured.
std::optional<ChartValue> MetricValue(const ModelBenchmark& benchmark,
                                      const std::string& metric);

// Whether any entry has `metric`: a report from before a counter existed
// gets no chart of it (rather than one of "n/a" only).
bool AnyMeasured(const std::vector<ModelBenchmark>& all,
                 const std::string& metric);

// "64KiB" -> 65536, for ordering sizes; -1 if not a size.
int64_t ResponseBytes(const std::string& response);

// Distinct values, sorted: response sizes by bytes, workers by number;
// models by name (so a model keeps its colour from report to report;
// Google Benchmark shuffles the run order) with the ceiling last.
std::vector<std::string> Responses(const std::vector<ModelBenchmark>& all);
std::vector<int> Workers(const std::vector<ModelBenchmark>& all);
std::vector<std::string> Models(const std::vector<ModelBenchmark>& all);

}  // namespace forkcheck::html

#endif  // FORKCHECK_REPORTS_HTML_MODEL_BENCHMARKS_H_
