#include "reports/benchmark_section.h"

#include <set>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/json_fields.h"
#include "stats/sample_summary.h"

namespace forkcheck {
namespace {

using Json = nlohmann::json;

// Fields of a Google Benchmark run that are bookkeeping, not measurements.
const std::set<std::string>& NotMetrics() {
  static const auto* fields =
      new std::set<std::string>{"family_index", "per_family_instance_index",
                                "repetitions",  "repetition_index",
                                "threads",      "iterations"};
  return *fields;
}

Json ConfigFromName(const std::string& run_name) {
  Json config = Json::object();
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

absl::StatusOr<Json> ScenariosFromGoogleBenchmark(const Json& google_benchmark,
                                                  const std::string& binary) {
  const std::string root = binary;
  if (!google_benchmark.is_object() ||
      !google_benchmark.contains("benchmarks") ||
      !google_benchmark["benchmarks"].is_array()) {
    return Invalid(root, "not Google Benchmark JSON (no \"benchmarks\" array)");
  }
  std::vector<Scenario> scenarios;
  std::map<std::string, size_t> index;
  const Json& runs = google_benchmark["benchmarks"];
  for (size_t i = 0; i < runs.size(); ++i) {
    const Json& run = runs[i];
    const std::string path = absl::StrCat(root, ".benchmarks[", i, "]");
    if (!run.is_object() || !run.contains("name") || !run["name"].is_string()) {
      return Invalid(path, "a benchmark without a \"name\"");
    }
    // Text fields as Google Benchmark writes them; another libbenchmark's
    // types are an error naming the field, not an exception.
    std::string run_type = "iteration";
    std::string run_name = run["name"].get<std::string>();
    std::string time_unit = "ns";
    std::string label;
    std::string error_message = "error";
    bool error_occurred = false;
    for (const auto& [key, field] :
         {std::pair<const char*, std::string*>{"run_type", &run_type},
          {"run_name", &run_name},
          {"time_unit", &time_unit},
          {"label", &label},
          {"error_message", &error_message}}) {
      if (absl::Status read = json::OptionalString(run, path, key, field);
          !read.ok()) {
        return read;
      }
    }
    if (const Json* occurred = json::GetOptional(run, "error_occurred")) {
      absl::StatusOr<bool> flag =
          json::ToBool(*occurred, json::MemberPath(path, "error_occurred"));
      if (!flag.ok()) return flag.status();
      error_occurred = *flag;
    }
    if (run_type != "iteration") continue;
    auto [it, inserted] = index.emplace(run_name, scenarios.size());
    if (inserted) scenarios.push_back(Scenario{run_name});
    Scenario& scenario = scenarios[it->second];
    ++scenario.repetitions;
    scenario.time_unit = time_unit;
    scenario.label = label;
    if (error_occurred) {
      scenario.skipped = error_message;
      continue;
    }
    for (const auto& [key, value] : run.items()) {
      if (!value.is_number() || NotMetrics().count(key) != 0) continue;
      scenario.samples[key].push_back(value.get<double>());
    }
  }
  Json out = Json::array();
  for (const Scenario& scenario : scenarios) {
    Json config = ConfigFromName(scenario.run_name);
    if (!scenario.label.empty()) config["label"] = scenario.label;
    Json metrics = Json::object();
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
    Json entry = {{"id", scenario.run_name},
                  {"binary", binary},
                  {"config", config},
                  {"repetitions", scenario.repetitions},
                  {"metrics", metrics}};
    if (!scenario.skipped.empty()) entry["skipped"] = scenario.skipped;
    out.push_back(entry);
  }
  return out;
}

absl::StatusOr<Json> BenchmarkSection(
    const std::map<std::string, Json>& google_benchmark_by_binary) {
  Json scenarios = Json::array();
  Json raw = Json::object();
  for (const auto& [binary, document] : google_benchmark_by_binary) {
    absl::StatusOr<Json> from_binary =
        ScenariosFromGoogleBenchmark(document, binary);
    if (!from_binary.ok()) return from_binary.status();
    for (Json& scenario : *from_binary)
      scenarios.push_back(std::move(scenario));
    raw[binary] = document;
  }
  return Json{{"scenarios", scenarios}, {"google_benchmark", raw}};
}

}  // namespace forkcheck
