#include "reports/report_clients.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace forkcheck {

const std::vector<ReportClient>& ReportClients(const ReportModel& report) {
  static const std::vector<ReportClient>* const kNone =
      new std::vector<ReportClient>();
  return report.conformance.has_value() ? report.conformance->clients : *kNone;
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

std::string ModelWithoutVariant(const std::string& model_name) {
  std::string model = ModelWithoutClient(model_name);
  const size_t variant = model.find('(');
  if (variant != std::string::npos) model.resize(variant);
  return model;
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
  std::string text = absl::StrCat(
      "Fisher's exact test",
      statistics.quasi_binomial_tests == 0
          ? ""
          : absl::StrCat(
                " (quasi-binomial on ", statistics.quasi_binomial_tests,
                statistics.quasi_binomial_tests == 1 ? " part" : " parts",
                " whose recorded runs disagree)"),
      ", Holm-corrected over ", statistics.tests,
      statistics.tests == 1 ? " test" : " tests", ", family-wise alpha ",
      absl::StrFormat("%g", *statistics.alpha), ": ",
      mismatches == 0 ? "no" : absl::StrCat(mismatches),
      mismatches == 1 ? " mismatch" : " mismatches");
  // How much "no mismatches" is worth: a short record hides a change
  // (matrix/README.md, "Power across the files' lines").
  // Counted over Fisher's tests: check_power.h computes only their power.
  const int fisher_tests = statistics.tests - statistics.quasi_binomial_tests;
  if (const std::optional<CheckSensitivity>& sensitivity =
          statistics.sensitivity;
      sensitivity.has_value() && fisher_tests > 0) {
    absl::StrAppend(
        &text, "; ", sensitivity->tests, " of ",
        statistics.quasi_binomial_tests == 0
            ? absl::StrCat(fisher_tests)
            : absl::StrCat("its ", fisher_tests, " Fisher tests"),
        " had the power (", absl::StrFormat("%.0f%%", 100 * sensitivity->power),
        ") to see a ", absl::StrFormat("%.0f", 100 * sensitivity->shift),
        "-point change in ", sensitivity->trials, " trials");
  }
  return text;
}

}  // namespace forkcheck
