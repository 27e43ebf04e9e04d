#include "reports/benchmark_section.h"

#include <set>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "stats/sample_summary.h"

namespace forkcheck {
namespace {

using nlohmann::json;

// Fields of a Google Benchmark run that are bookkeeping, not measurements.
const std::set<std::string>& NotMetrics() {
  static const auto* fields =
      new std::set<std::string>{"family_index", "per_family_instance_index",
                                "repetitions",  "repetition_index",
                                "threads",      "iterations"};
  return *fields;
}

json ConfigFromName(const std::string& run_name) {
  json config = json::object();
  std::vector<std::string> parts = absl::StrSplit(run_name, '/');
  config["benchmark"] = parts.empty() ? run_name : parts[0];
  for (size_t i = 1; i < parts.size(); ++i) {
    const size_t colon = parts[i].find(':');
    if (colon == std::string::npos) {
      config[absl::StrCat("arg", i)] = parts[i];
      continue;
    }
    const std::string key = parts[i].substr(0, colon);
    const std::string value = parts[i].substr(colon + 1);
    int64_t number = 0;
    if (absl::SimpleAtoi(value, &number)) {
      config[key] = number;
    } else {
      config[key] = value;
    }
  }
  return config;
}

absl::Status Invalid(const std::string& path, const std::string& message) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", message));
}

struct Scenario {
  std::string run_name;
  int repetitions = 0;
  std::string time_unit = "ns";
  std::string label;
  std::string skipped;
  std::map<std::string, std::vector<double>> samples;
};

}  // namespace

std::string MetricUnit(const std::string& name, const std::string& time_unit) {
  if (name == "real_time" || name == "cpu_time") return time_unit;
  if (name == "bytes_per_second") return "bytes/s";
  if (name == "items_per_second") return "items/s";
  // Bytes before plain rates: "steady_bytes_per_second" is bytes/s.
  const std::pair<const char*, const char*> suffixes[] = {
      {"_bytes_per_second", "bytes/s"},
      {"_per_second", "1/s"},
      {"_ms", "ms"},
      {"_us", "us"},
      {"_ns", "ns"},
      {"_seconds", "s"},
      {"_kib", "KiB"},
      {"_bytes", "bytes"}};
  for (const auto& [suffix, unit] : suffixes) {
    if (absl::EndsWith(name, suffix)) return unit;
  }
  return "count";
}

absl::StatusOr<json> ScenariosFromGoogleBenchmark(const json& google_benchmark,
                                                  const std::string& binary) {
  const std::string root = binary;
  if (!google_benchmark.is_object() ||
      !google_benchmark.contains("benchmarks") ||
      !google_benchmark["benchmarks"].is_array()) {
    return Invalid(root, "not Google Benchmark JSON (no \"benchmarks\" array)");
  }
  std::vector<Scenario> scenarios;
  std::map<std::string, size_t> index;
  const json& runs = google_benchmark["benchmarks"];
  for (size_t i = 0; i < runs.size(); ++i) {
    const json& run = runs[i];
    const std::string path = absl::StrCat(root, ".benchmarks[", i, "]");
    if (!run.is_object() || !run.contains("name") || !run["name"].is_string()) {
      return Invalid(path, "a benchmark without a \"name\"");
    }
    if (run.value("run_type", "iteration") != "iteration") continue;
    const std::string run_name =
        run.value("run_name", run["name"].get<std::string>());
    auto [it, inserted] = index.emplace(run_name, scenarios.size());
    if (inserted) scenarios.push_back(Scenario{run_name});
    Scenario& scenario = scenarios[it->second];
    ++scenario.repetitions;
    scenario.time_unit = run.value("time_unit", "ns");
    scenario.label = run.value("label", "");
    if (run.value("error_occurred", false)) {
      scenario.skipped = run.value("error_message", "error");
      continue;
    }
    for (const auto& [key, value] : run.items()) {
      if (!value.is_number() || NotMetrics().count(key) != 0) continue;
      scenario.samples[key].push_back(value.get<double>());
    }
  }
  json out = json::array();
  for (const Scenario& scenario : scenarios) {
    json config = ConfigFromName(scenario.run_name);
    if (!scenario.label.empty()) config["label"] = scenario.label;
    json metrics = json::object();
    for (const auto& [name, samples] : scenario.samples) {
      const SampleSummary summary = Summarize(samples);
      metrics[name] = {{"unit", MetricUnit(name, scenario.time_unit)},
                       {"samples", samples},
                       {"median", summary.median},
                       {"mean", summary.mean},
                       {"stddev", summary.stddev},
                       {"cv", summary.cv},
                       {"mad", summary.mad},
                       {"min", summary.min},
                       {"max", summary.max}};
    }
    json entry = {{"id", scenario.run_name},
                  {"binary", binary},
                  {"config", config},
                  {"repetitions", scenario.repetitions},
                  {"metrics", metrics}};
    if (!scenario.skipped.empty()) entry["skipped"] = scenario.skipped;
    out.push_back(entry);
  }
  return out;
}

absl::StatusOr<json> BenchmarkSection(
    const std::map<std::string, json>& google_benchmark_by_binary) {
  json scenarios = json::array();
  json raw = json::object();
  for (const auto& [binary, document] : google_benchmark_by_binary) {
    absl::StatusOr<json> from_binary =
        ScenariosFromGoogleBenchmark(document, binary);
    if (!from_binary.ok()) return from_binary.status();
    for (json& scenario : *from_binary)
      scenarios.push_back(std::move(scenario));
    raw[binary] = document;
  }
  return json{{"scenarios", scenarios}, {"google_benchmark", raw}};
}

}  // namespace forkcheck
