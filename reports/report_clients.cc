#include "reports/report_clients.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace forkcheck {
namespace {

using nlohmann::json;

std::string TextOf(const json& object, const char* key) {
  if (!object.is_object() || !object.contains(key)) return "";
  const json& value = object[key];
  return value.is_string() ? value.get<std::string>() : value.dump();
}

ExpectationsOutcome ExpectationsOf(const json& expectations) {
  if (!expectations.is_object()) return {};
  return ExpectationsOutcome{expectations["file"].get<std::string>(),
                             expectations["found"].get<bool>(),
                             expectations["passed"].get<bool>(),
                             expectations["differences"].get<std::string>()};
}

// What the check's statistics say; none where the object has none (a
// hand-made or older section: nothing to show, nothing to crash on).
ExpectationsStatistics StatisticsOf(const json& expectations) {
  ExpectationsStatistics statistics;
  if (!expectations.is_object() || !expectations.contains("alpha") ||
      !expectations["alpha"].is_number()) {
    return statistics;
  }
  statistics.alpha = expectations["alpha"].get<double>();
  statistics.tests = expectations.value("tests", 0);
  for (const json& entry : expectations.value("mismatches", json::array())) {
    ExpectationMismatch mismatch;
    mismatch.key = entry.value("key", "");
    mismatch.line = entry.value("line", 0);
    mismatch.part = entry.value("part", "");
    mismatch.why = entry.value("why", "");
    mismatch.recorded = entry.value("recorded", "");
    mismatch.observed = entry.value("observed", "");
    mismatch.p_value = entry.value("p_value", 1.0);
    mismatch.adjusted_p_value = entry.value("adjusted_p_value", 1.0);
    statistics.mismatches.push_back(std::move(mismatch));
  }
  return statistics;
}

// An older report's one client: the C++ one, facts from the environment.
ReportClient CppClientOf(const json& conformance, const json& environment) {
  ReportClient client;
  client.client = kCppClient;
  client.inferred = true;
  client.language = "C++";
  client.library = "grpc++";
  const json grpc = environment.is_object() && environment.contains("grpc")
                        ? environment["grpc"]
                        : json::object();
  client.library_version = TextOf(grpc, "cpp_version");
  client.grpc_core_version = TextOf(grpc, "core_version");
  client.expectations = ExpectationsOf(conformance["expectations"]);
  client.statistics = StatisticsOf(conformance["expectations"]);
  return client;
}

}  // namespace

std::vector<ReportClient> ConformanceClients(const json& conformance,
                                             const json& environment) {
  std::vector<ReportClient> clients;
  if (!conformance.is_object()) return clients;
  // An empty list too: a matrix ran, so the C++ client at least did.
  if (!conformance.contains("clients") || conformance["clients"].empty()) {
    clients.push_back(CppClientOf(conformance, environment));
    return clients;
  }
  for (const json& entry : conformance["clients"]) {
    ReportClient client;
    client.client = entry["client"].get<std::string>();
    client.language = entry["language"].get<std::string>();
    client.library = entry["library"].get<std::string>();
    client.library_version = entry["library_version"].get<std::string>();
    client.grpc_core_version = entry["grpc_core_version"].get<std::string>();
    for (const auto& [name, version] : entry["versions"].items()) {
      client.versions.emplace_back(name, version.get<std::string>());
    }
    if (entry["status"] != "ran") {
      client.skipped = entry["skipped_reason"].get<std::string>();
      if (client.skipped.empty()) client.skipped = "no reason given";
    }
    client.expectations = ExpectationsOf(entry["expectations"]);
    client.statistics = StatisticsOf(entry["expectations"]);
    clients.push_back(std::move(client));
  }
  return clients;
}

std::vector<ReportClient> ReportClients(const json& report) {
  return ConformanceClients(report["conformance"], report["environment"]);
}

const std::vector<ReportClient>& ReportClients(const ReportModel& report) {
  static const std::vector<ReportClient>* const kNone =
      new std::vector<ReportClient>();
  return report.conformance.has_value() ? report.conformance->clients : *kNone;
}

std::string CellClient(const json& cell) {
  return cell.contains("client") ? cell["client"].get<std::string>()
                                 : kCppClient;
}

std::string ModelClient(const std::string& model_name) {
  // Only a prefix counts: a C++ variant's value could hold a ':'.
  const size_t colon = model_name.find(':');
  if (colon == std::string::npos || colon == 0 ||
      model_name.find_first_of("(=", 0) < colon) {
    return kCppClient;
  }
  return model_name.substr(0, colon);
}

std::string ModelWithoutClient(const std::string& model_name) {
  const std::string client = ModelClient(model_name);
  if (client == kCppClient &&
      model_name.rfind(absl::StrCat(kCppClient, ":"), 0) != 0) {
    return model_name;
  }
  return model_name.substr(client.size() + 1);
}

std::string DescribeReportClient(const ReportClient& client) {
  if (!client.ran()) return absl::StrCat("skipped: ", client.skipped);
  std::string text = absl::StrCat(
      client.library.empty() ? client.client : client.library,
      client.library_version.empty() ? "" : " ", client.library_version, " (",
      client.language.empty() ? "language unknown" : client.language);
  if (!client.grpc_core_version.empty()) {
    absl::StrAppend(&text, ", gRPC core ", client.grpc_core_version);
  }
  std::vector<std::string> others;
  for (const auto& [name, version] : client.versions) {
    others.push_back(absl::StrCat(name, " ", version));
  }
  if (!others.empty())
    absl::StrAppend(&text, "; ", absl::StrJoin(others, ", "));
  return absl::StrCat(text, ")");
}

std::string ExpectationsVerdict(const ExpectationsOutcome& expectations) {
  if (!expectations.found) return "none recorded for this version.";
  return expectations.passed ? "every cell as recorded." : "differences.";
}

std::string DescribeExpectationsStatistics(
    const ExpectationsStatistics& statistics) {
  if (!statistics.alpha.has_value()) return "";
  const size_t mismatches = statistics.mismatches.size();
  return absl::StrCat(
      "Fisher's exact test per cell part, Holm-corrected over ",
      statistics.tests, statistics.tests == 1 ? " test" : " tests",
      ", family-wise alpha ", absl::StrFormat("%g", *statistics.alpha), ": ",
      mismatches == 0 ? "no" : absl::StrCat(mismatches),
      mismatches == 1 ? " mismatch" : " mismatches");
}

}  // namespace forkcheck
