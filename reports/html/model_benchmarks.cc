#include "reports/html/model_benchmarks.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "reports/report_clients.h"

namespace forkcheck::html {

std::vector<ModelBenchmark> ModelBenchmarks(const Report& report) {
  std::vector<ModelBenchmark> all;
  const std::optional<ReportBenchmarks>& benchmarks = report.model().benchmarks;
  if (!benchmarks.has_value()) return all;
  for (const BenchmarkScenario& scenario : benchmarks->scenarios) {
    const std::string benchmark = scenario.ConfigText("benchmark");
    ModelBenchmark entry;
    if (benchmark == "BM_ProcessModel") {
      entry.model = scenario.ConfigText("label");
      // A run skipped before it set its label: the name's scenario part.
      if (entry.model.empty()) entry.model = scenario.ConfigText("arg1");
    } else if (benchmark == "BM_BareReadLoop") {
      entry.model = kCeilingName;
    } else {
      continue;
    }
    if (entry.model.empty()) entry.model = scenario.id;
    if (entry.model != kCeilingName) entry.client = ModelClient(entry.model);
    entry.workers = static_cast<int>(scenario.ConfigInteger("workers"));
    entry.response = scenario.ConfigText("response");
    entry.skipped = scenario.skipped.value_or("");
    entry.metrics = scenario.metrics;
    all.push_back(std::move(entry));
  }
  return all;
}

void NameEveryClient(std::vector<ModelBenchmark>* benchmarks) {
  std::set<std::string> clients;
  for (const ModelBenchmark& entry : *benchmarks) clients.insert(entry.client);
  if (clients.size() < 2) return;
  for (ModelBenchmark& entry : *benchmarks) {
    if (entry.model != kCeilingName && entry.client == kCppClient &&
        entry.model.rfind(absl::StrCat(kCppClient, ":"), 0) != 0) {
      entry.model = absl::StrCat(kCppClient, ":", entry.model);
    }
  }
}

std::optional<ChartValue> MetricValue(const ModelBenchmark& benchmark,
                                      const std::string& metric) {
  const auto found = benchmark.metrics.find(metric);
  if (found == benchmark.metrics.end()) return std::nullopt;
  const ScenarioMetric& values = found->second;
  return ChartValue{values.median, values.min, values.max};
}

bool AnyMeasured(const std::vector<ModelBenchmark>& all,
                 const std::string& metric) {
  return std::any_of(all.begin(), all.end(),
                     [&metric](const ModelBenchmark& entry) {
                       return entry.metrics.count(metric) != 0;
                     });
}

int64_t ResponseBytes(const std::string& response) {
  static constexpr std::pair<const char*, int64_t> kUnits[] = {
      {"GiB", int64_t{1} << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}};
  for (const auto& [suffix, scale] : kUnits) {
    const std::string unit = suffix;
    if (response.size() > unit.size() &&
        response.compare(response.size() - unit.size(), unit.size(), unit) ==
            0) {
      int64_t count = 0;
      if (absl::SimpleAtoi(response.substr(0, response.size() - unit.size()),
                           &count)) {
        return count * scale;
      }
      return -1;
    }
  }
  return -1;
}

std::vector<std::string> Responses(const std::vector<ModelBenchmark>& all) {
  std::vector<std::string> responses;
  for (const ModelBenchmark& entry : all) {
    if (std::find(responses.begin(), responses.end(), entry.response) ==
        responses.end()) {
      responses.push_back(entry.response);
    }
  }
  std::stable_sort(responses.begin(), responses.end(),
                   [](const std::string& a, const std::string& b) {
                     return std::make_pair(ResponseBytes(a), a) <
                            std::make_pair(ResponseBytes(b), b);
                   });
  return responses;
}

std::vector<int> Workers(const std::vector<ModelBenchmark>& all) {
  std::set<int> workers;
  for (const ModelBenchmark& entry : all) workers.insert(entry.workers);
  return {workers.begin(), workers.end()};
}

std::vector<std::string> Models(const std::vector<ModelBenchmark>& all) {
  std::vector<std::string> models;
  bool ceiling = false;
  for (const ModelBenchmark& entry : all) {
    if (entry.model == kCeilingName) {
      ceiling = true;
    } else if (std::find(models.begin(), models.end(), entry.model) ==
               models.end()) {
      models.push_back(entry.model);
    }
  }
  std::sort(models.begin(), models.end());
  if (ceiling) models.push_back(kCeilingName);
  return models;
}

}  // namespace forkcheck::html
