#include "reports/html/clients_panel.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "reports/html/html_writer.h"
#include "reports/report_clients.h"

namespace forkcheck::html {
namespace {

std::string Versions(const ReportClient& client) {
  std::vector<std::string> versions;
  for (const auto& [name, version] : client.versions) {
    versions.push_back(absl::StrCat(name, " ", version));
  }
  return versions.empty() ? "-" : absl::StrJoin(versions, ", ");
}

std::string Status(const ReportClient& client) {
  if (client.ran())
    return TextElement("span", {{"class", "client-ran"}}, "ran");
  return TextElement("span", {{"class", "client-skipped"}},
                     absl::StrCat("skipped: ", client.skipped));
}

std::string Expectations(const ReportClient& client) {
  if (!client.ran()) return "-";
  const ExpectationsOutcome& expectations = client.expectations;
  std::string html = absl::StrCat(
      Element("code", EscapeText(expectations.file)), ": ",
      TextElement("span",
                  {{"class", expectations.found && !expectations.passed
                                 ? "expectations-differ"
                                 : "expectations"}},
                  ExpectationsVerdict(expectations)));
  if (const std::string tested =
          DescribeExpectationsStatistics(client.statistics);
      !tested.empty()) {
    absl::StrAppend(&html, " ",
                    TextElement("span", {{"class", "tested"}}, tested));
  }
  return html;
}

}  // namespace

std::string RenderClientsPanel(const std::vector<ReportClient>& clients) {
  std::vector<std::vector<std::string>> rows;
  std::string differences;
  for (const ReportClient& client : clients) {
    rows.push_back(
        {Element("code", EscapeText(client.client)),
         EscapeText(client.ran() ? absl::StrCat(client.library, " ",
                                                client.library_version)
                                 : "-"),
         EscapeText(client.ran() ? client.language : "-"),
         EscapeText(client.ran() ? client.grpc_core_version : "-"),
         EscapeText(client.ran() ? Versions(client) : "-"), Status(client),
         Expectations(client)});
    if (client.ran() && client.expectations.found &&
        !client.expectations.passed) {
      absl::StrAppend(
          &differences,
          Element("div", {{"class", "problem"}},
                  absl::StrCat(
                      TextElement(
                          "p", absl::StrCat("Expectations of ", client.client,
                                            " (", client.expectations.file,
                                            "): differences")),
                      TextElement("pre", client.expectations.differences))));
    }
  }
  return absl::StrCat(Table({"client", "library", "language", "gRPC core",
                             "other versions", "status", "expectations"},
                            rows, "clients"),
                      differences);
}

const char* ClientsPanelCss() {
  return R"css(
table.clients span.client-skipped { color: #fff; background: #8a5a00;
                                    padding: 1px 6px; font-weight: bold; }
table.clients span.client-ran { color: #2e7d32; font-weight: bold; }
table.clients span.expectations-differ { color: #c62828; font-weight: bold; }
table.clients span.tested { color: #57606a; font-size: 12px; }
)css";
}

}  // namespace forkcheck::html
