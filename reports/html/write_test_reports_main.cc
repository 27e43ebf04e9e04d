// write_test_reports DIR: writes DIR/early.json and DIR/late.json (the test
// report, and a later run with 10% more throughput), and
// DIR/python_skipped.json (the Python client skipped), for the sh tests.
#include <cstdio>
#include <string>

#include "absl/status/statusor.h"
#include "reports/html/test_report.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  const struct {
    const char* file;
    double scale;
    const char* start;
    forkcheck::html::TestPythonClient python;
  } kReports[] = {{"early.json", 1.0, "2026-11-30T10:00:00Z",
                   forkcheck::html::TestPythonClient::kRan},
                  {"late.json", 1.1, "2026-12-01T10:00:00Z",
                   forkcheck::html::TestPythonClient::kRan},
                  {"python_skipped.json", 1.0, "2026-11-29T10:00:00Z",
                   forkcheck::html::TestPythonClient::kSkipped}};
  for (const auto& wanted : kReports) {
    absl::StatusOr<forkcheck::Report> report = forkcheck::html::MakeTestReport(
        wanted.scale, wanted.start, wanted.python);
    absl::Status written =
        report.ok() ? report->Write(dir + "/" + wanted.file) : report.status();
    if (!written.ok()) {
      std::fprintf(stderr, "%s\n", written.ToString().c_str());
      return 1;
    }
  }
  return 0;
}
