// write_comparison_reports DIR: writes DIR/old.json and DIR/new.json, two
// reports whose comparison has a worse cell, a regressed metric, another
// machine and a client (Python grpcio) that ran in the old one only, for
// the browser check of the comparison page.
#include <cstdio>
#include <string>

#include "absl/status/status.h"
#include "reports/html/comparison_test_reports.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  using forkcheck::WithPythonClient;
  using forkcheck::html::ComparisonSpec;
  forkcheck::SyntheticReport newer = WithPythonClient(
      forkcheck::html::WithChangedOutcomes(ComparisonSpec(0.8)), "",
      "python3-grpcio is not installed");
  newer.hostname = "elsewhere";
  for (const auto& [file, spec] :
       {std::pair<const char*, forkcheck::SyntheticReport>{
            "old.json", WithPythonClient(ComparisonSpec(1), "1.51.1")},
        {"new.json", newer}}) {
    const absl::Status written =
        forkcheck::BuildSyntheticReport(spec).Write(dir + "/" + file);
    if (!written.ok()) {
      std::fprintf(stderr, "%s\n", written.ToString().c_str());
      return 1;
    }
  }
  return 0;
}
