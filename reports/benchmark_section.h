// The `benchmarks` section of a report, from the Google Benchmark JSON
// (--benchmark_out) of each bench binary: one scenario per benchmark run
// name, its configuration read from the name ("BM_X/workers:4/response:64KiB"
// gives {"benchmark": "BM_X", "workers": 4, "response": "64KiB"}), and per
// metric the raw repetition samples with aggregates computed from them.
// Aggregate rows Google Benchmark added itself are not samples and are left
// out; the binary's JSON is also kept whole, so its own tools still work.
//
// Units: real_time and cpu_time take the benchmark's time_unit;
// bytes_per_second "bytes/s", items_per_second "items/s"; user counters are
// named with their unit as a suffix (_bytes_per_second "bytes/s",
// _per_second "1/s", _ms, _us, _ns, _seconds "s", _kib "KiB", _bytes
// "bytes"), anything else "count".
#ifndef FORKCHECK_REPORTS_BENCHMARK_SECTION_H_
#define FORKCHECK_REPORTS_BENCHMARK_SECTION_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace forkcheck {

// The unit of a metric named `name` (see above).
std::string MetricUnit(const std::string& name, const std::string& time_unit);

// The scenarios of one binary's Google Benchmark JSON. INVALID_ARGUMENT,
// naming the path, if it is not Google Benchmark JSON.
absl::StatusOr<nlohmann::json> ScenariosFromGoogleBenchmark(
    const nlohmann::json& google_benchmark, const std::string& binary);

// The section: every binary's scenarios, and the binaries' JSON by name.
absl::StatusOr<nlohmann::json> BenchmarkSection(
    const std::map<std::string, nlohmann::json>& google_benchmark_by_binary);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_BENCHMARK_SECTION_H_
