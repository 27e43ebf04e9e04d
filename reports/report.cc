#include "reports/report.h"

#include <filesystem>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/json_fields.h"
#include "reports/environment_json.h"
#include "reports/json_schema.h"
#include "reports/report_upgrade.h"

namespace forkcheck {
namespace {

const JsonSchema& Schema() {
  static const JsonSchema* schema = [] {
    absl::StatusOr<JsonSchema> parsed =
        JsonSchema::Parse(nlohmann::json::parse(ReportSchemaJson()));
    // The schema is compiled in and tested; failing here is a build bug.
    if (!parsed.ok()) std::abort();
    return new JsonSchema(*std::move(parsed));
  }();
  return *schema;
}

// The document's schema_version, if this forkcheck reads it.
absl::StatusOr<int> ReadableVersion(const nlohmann::json& document) {
  if (!document.is_object() || !document.contains("schema_version")) {
    return absl::InvalidArgumentError(
        "not a forkcheck report: no schema_version");
  }
  const nlohmann::json& version = document["schema_version"];
  if (!version.is_number_integer() ||
      version.get<int64_t>() < kOldestReadableSchemaVersion ||
      version.get<int64_t>() > kReportSchemaVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "schema_version ", version.dump(), "; this forkcheck reads ",
        kOldestReadableSchemaVersion,
        kReportSchemaVersion - kOldestReadableSchemaVersion == 1 ? " and "
                                                                 : " to ",
        kReportSchemaVersion));
  }
  return static_cast<int>(version.get<int64_t>());
}

}  // namespace

absl::Status ValidateReport(const nlohmann::json& document) {
  absl::StatusOr<int> version = ReadableVersion(document);
  if (!version.ok()) return version.status();
  if (*version != kReportSchemaVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat("schema_version ", *version,
                     ": an older report, to be upgraded "
                     "first (Report::Parse does)"));
  }
  return Schema().Validate(document);
}

absl::StatusOr<Report> Report::Build(const ReportParts& parts) {
  nlohmann::json document = {
      {"schema_version", kReportSchemaVersion},
      {"tool", {{"name", "forkcheck"}, {"command", parts.command}}},
      {"environment", EnvironmentToJson(parts.environment)},
      {"conformance", parts.conformance.value_or(nullptr)},
      {"benchmarks", parts.benchmarks.value_or(nullptr)}};
  if (parts.shard.has_value()) document["shard"] = *parts.shard;
  if (parts.merged_from.has_value()) {
    document["merged_from"] = *parts.merged_from;
  }
  if (absl::Status valid = ValidateReport(document); !valid.ok()) {
    return absl::InternalError(
        absl::StrCat("the report would not be valid: ", valid.message()));
  }
  absl::StatusOr<Report> report = FromValid(std::move(document));
  if (!report.ok()) {
    return absl::InternalError(absl::StrCat("the report would not read back: ",
                                            report.status().message()));
  }
  return report;
}

absl::StatusOr<Report> Report::FromValid(nlohmann::json document) {
  absl::StatusOr<ReportModel> model = ParseReportModel(document);
  if (!model.ok()) return model.status();
  return Report(std::move(document), *std::move(model));
}

absl::StatusOr<Report> Report::Parse(std::string_view text,
                                     const std::string& name) {
  absl::StatusOr<nlohmann::json> document =
      json::ParseStrict(absl::string_view(text.data(), text.size()), name);
  if (!document.ok()) return document.status();
  absl::StatusOr<int> version = ReadableVersion(*document);
  if (!version.ok()) {
    return absl::Status(version.status().code(),
                        absl::StrCat(name, ": ", version.status().message()));
  }
  if (*version == 1) {
    if (absl::Status upgraded = UpgradeV1Report(&*document); !upgraded.ok()) {
      return absl::Status(
          upgraded.code(),
          absl::StrCat(name, ": schema_version 1: ", upgraded.message()));
    }
  }
  if (absl::Status valid = ValidateReport(*document); !valid.ok()) {
    return absl::Status(valid.code(),
                        absl::StrCat(name, ": ", valid.message()));
  }
  // Valid documents parse; an error here is a gap between the schema and
  // the model, still named by its path rather than a crash.
  absl::StatusOr<Report> report = FromValid(*std::move(document));
  if (!report.ok()) {
    return absl::Status(report.status().code(),
                        absl::StrCat(name, ": ", report.status().message()));
  }
  return report;
}

absl::StatusOr<Report> Report::Load(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path, "report");
  if (!text.ok()) return text.status();
  return Parse(*text, path);
}

absl::Status Report::Write(const std::string& path) const {
  const std::filesystem::path parent =
      std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code error;
    std::filesystem::create_directories(parent, error);
    if (error) {
      return absl::InternalError(
          absl::StrCat("creating ", parent.string(), ": ", error.message()));
    }
  }
  return WriteFileAtomically(path, Text());
}

std::string Report::Text() const {
  // Text that is not UTF-8 (a status message a client library made of
  // bytes) is written with U+FFFD in its place rather than fail the report.
  return json::Dump(json_, 2) + "\n";
}

absl::StatusOr<Environment> Report::environment() const {
  return model_.environment;
}

}  // namespace forkcheck
