// The `conformance` section of a report: the process-model matrix as it ran,
// every trial of every cell, and how it compared with the expectations file.
#ifndef FORKCHECK_REPORTS_CONFORMANCE_SECTION_H_
#define FORKCHECK_REPORTS_CONFORMANCE_SECTION_H_

#include <string>
#include <vector>

#include "matrix/cell_result.h"
#include "nlohmann/json.hpp"

namespace forkcheck {

struct ExpectationsOutcome {
  std::string file;  // e.g. "conformance/expectations/grpc-1.51.txt"
  bool found = false;
  bool passed = false;
  std::string differences;  // DescribeCheck's text; empty if passed
};

// `defaults`: the design's default axes (what a summary calls a model's
// baseline cell).
nlohmann::json ConformanceSection(const std::vector<CellResult>& results,
                                  const Axes& defaults,
                                  const std::string& size, int repetitions,
                                  const std::string& cell_filter,
                                  const ExpectationsOutcome& expectations);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_CONFORMANCE_SECTION_H_
