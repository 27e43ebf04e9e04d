#include "reports/report_upgrade.h"

#include <cstdlib>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "matrix/verdict.h"
#include "reports/json_schema.h"
#include "reports/verdict_json.h"

namespace forkcheck {
namespace {

using nlohmann::json;

// The version this file upgrades to; a later version gets its own step.
constexpr int kUpgradedVersion = 2;

const JsonSchema& V1Schema() {
  static const JsonSchema* schema = [] {
    absl::StatusOr<JsonSchema> parsed =
        JsonSchema::Parse(json::parse(ReportSchemaV1Json()));
    // The schema is compiled in and tested; failing here is a build bug.
    if (!parsed.ok()) std::abort();
    return new JsonSchema(*std::move(parsed));
  }();
  return *schema;
}

absl::Status NotVersion1(const std::string& pointer, const std::string& what) {
  return absl::InvalidArgumentError(
      absl::StrCat(pointer, ": ", what, " (as schema_version 1 writes it)"));
}

// A v1 part {summary, counts} (or null) as v2 writes it.
absl::Status UpgradePart(json* part, const std::string& pointer) {
  if (part->is_null()) return absl::OkStatus();
  if (!part->is_object() || !part->contains("summary") ||
      !part->contains("counts")) {
    return NotVersion1(pointer, "an object with summary and counts expected");
  }
  absl::StatusOr<OutcomeCounts> counts =
      OutcomeCountsFromJson((*part)["counts"]);
  if (!counts.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(pointer, "/", counts.status().message()));
  }
  json upgraded = CellPartJson(*counts, VerdictRule());
  upgraded["summary"] = (*part)["summary"];  // as the run wrote it
  *part = std::move(upgraded);
  return absl::OkStatus();
}

// Version 1 ran no statistical check: no alpha, no tests, no mismatches
// (its differences text stays).
absl::Status UpgradeExpectations(json* expectations,
                                 const std::string& pointer) {
  if (expectations->is_null()) return absl::OkStatus();
  if (!expectations->is_object()) {
    return NotVersion1(pointer, "an object expected");
  }
  (*expectations)["alpha"] = nullptr;
  (*expectations)["tests"] = 0;
  (*expectations)["mismatches"] = json::array();
  return absl::OkStatus();
}

json TrialPolicyFromRepetitions(int repetitions) {
  return {{"stopping",
           {{"min_trials", repetitions},
            {"max_trials", repetitions},
            {"flaky_trials", repetitions},
            {"time_budget_seconds", 0}}},
          {"verdicts", VerdictRuleJson(VerdictRule())},
          {"derived_from_v1", true}};
}

}  // namespace

absl::Status UpgradeV1Conformance(json* conformance) {
  if (conformance->is_null()) return absl::OkStatus();
  const std::string at = "/conformance";
  if (!conformance->is_object()) return NotVersion1(at, "an object expected");
  json upgraded = *conformance;
  const json repetitions = upgraded.value("repetitions", json());
  if (!repetitions.is_number_integer() || repetitions.get<int64_t>() < 1 ||
      repetitions.get<int64_t>() > 1'000'000) {
    return NotVersion1(at + "/repetitions", "a positive integer expected");
  }
  if (!upgraded.contains("cells") || !upgraded["cells"].is_array()) {
    return NotVersion1(at + "/cells", "an array expected");
  }
  for (size_t i = 0; i < upgraded["cells"].size(); ++i) {
    json& cell = upgraded["cells"][i];
    const std::string cell_at = absl::StrCat(at, "/cells/", i);
    if (!cell.is_object() || !cell.contains("workers") ||
        !cell.contains("parent_after")) {
      return NotVersion1(cell_at,
                         "an object with workers and parent_after expected");
    }
    for (const char* part : {"workers", "parent_after"}) {
      if (absl::Status status =
              UpgradePart(&cell[part], absl::StrCat(cell_at, "/", part));
          !status.ok()) {
        return status;
      }
    }
    if (cell["workers"].is_null()) {
      return NotVersion1(cell_at + "/workers", "an object expected");
    }
    cell["stop_reason"] = "";  // not recorded
  }
  if (!upgraded.contains("expectations")) {
    return NotVersion1(at, "missing expectations");
  }
  if (absl::Status status =
          UpgradeExpectations(&upgraded["expectations"], at + "/expectations");
      !status.ok()) {
    return status;
  }
  if (upgraded.contains("clients")) {
    if (!upgraded["clients"].is_array()) {
      return NotVersion1(at + "/clients", "an array expected");
    }
    for (size_t i = 0; i < upgraded["clients"].size(); ++i) {
      json& client = upgraded["clients"][i];
      const std::string client_at = absl::StrCat(at, "/clients/", i);
      if (!client.is_object() || !client.contains("expectations")) {
        return NotVersion1(client_at, "an object with expectations expected");
      }
      if (absl::Status status = UpgradeExpectations(
              &client["expectations"], client_at + "/expectations");
          !status.ok()) {
        return status;
      }
    }
  }
  upgraded.erase("repetitions");
  upgraded["trial_policy"] = TrialPolicyFromRepetitions(repetitions.get<int>());
  *conformance = std::move(upgraded);
  return absl::OkStatus();
}

absl::Status UpgradeV1Report(json* document) {
  if (absl::Status valid = V1Schema().Validate(*document); !valid.ok()) {
    return valid;
  }
  json upgraded = *document;
  if (absl::Status status = UpgradeV1Conformance(&upgraded["conformance"]);
      !status.ok()) {
    return status;
  }
  upgraded["schema_version"] = kUpgradedVersion;
  *document = std::move(upgraded);
  return absl::OkStatus();
}

}  // namespace forkcheck
