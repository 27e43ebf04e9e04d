// A forkcheck run report: the one JSON document a run writes, and the only
// way other tools (comparison, summaries) read one.
//
//   {"schema_version": 2, "tool": {...}, "environment": {...},
//    "conformance": {...} | null, "benchmarks": {...} | null,
//    "shard": {...} (a shard's), "merged_from": [...] (a merged report's)}
//
// reports/report.schema.json is the contract; it is compiled in, every
// report is validated against it before it is written and after it is read.
// Reports of schema_version 1 are read too: validated against the version 1
// schema and upgraded in memory (report_upgrade.h), so readers only ever
// see the current version.
#ifndef FORKCHECK_REPORTS_REPORT_H_
#define FORKCHECK_REPORTS_REPORT_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "environment/environment.h"
#include "nlohmann/json.hpp"
#include "reports/report_model.h"

namespace forkcheck {

inline constexpr int kReportSchemaVersion = 2;
// The oldest version Load and Parse read (and upgrade).
inline constexpr int kOldestReadableSchemaVersion = 1;

// The text of reports/report.schema.json.
std::string_view ReportSchemaJson();

struct ReportParts {
  std::vector<std::string> command;  // how the run was invoked
  Environment environment;
  std::optional<nlohmann::json> conformance;  // ConformanceSection
  std::optional<nlohmann::json> benchmarks;   // BenchmarkSection
  std::optional<nlohmann::json> shard;        // ShardSection, if a shard
  // A merged report's shards (reports/merge); none for a run's report.
  std::optional<nlohmann::json> merged_from;
};

class Report {
 public:
  // Assembles a report and validates it; INVALID_ARGUMENT naming the first
  // violation (a bug in the writer, never written out).
  static absl::StatusOr<Report> Build(const ReportParts& parts);

  // Reads and validates `path`; a version 1 report is validated against its
  // own schema and upgraded to the current version. Errors name the file and
  // what was wrong: it cannot be read, is not JSON (with the position), has
  // no or another schema_version ("schema_version 3; this forkcheck reads 1
  // and 2"), or violates its version's schema (the JSON pointer of the
  // violation; "schema_version 1: " before a version 1 report's).
  static absl::StatusOr<Report> Load(const std::string& path);
  static absl::StatusOr<Report> Parse(std::string_view text,
                                      const std::string& name);

  // Writes the report to `path` atomically (directories are created).
  absl::Status Write(const std::string& path) const;
  // The text Write writes.
  std::string Text() const;

  const nlohmann::json& json() const { return json_; }
  // The report as readers read it, parsed once when it was built or read.
  const ReportModel& model() const { return model_; }
  absl::StatusOr<Environment> environment() const;
  bool has_conformance() const { return model_.conformance.has_value(); }
  bool has_benchmarks() const { return model_.benchmarks.has_value(); }

 private:
  Report(nlohmann::json json, ReportModel model)
      : json_(std::move(json)), model_(std::move(model)) {}
  // Parses the model of a valid document.
  static absl::StatusOr<Report> FromValid(nlohmann::json document);

  nlohmann::json json_;
  ReportModel model_;
};

// Checks `document` against the current report schema (version included:
// an older report must be upgraded first, as Parse does).
absl::Status ValidateReport(const nlohmann::json& document);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_REPORT_H_
