#include "reports/html/comparison_test_reports.h"

#include <vector>

namespace forkcheck::html {

SyntheticReport ComparisonSpec(double rows_factor) {
  const std::vector<double> rows = {1000, 1010, 990, 1005, 995, 1002, 998};
  SyntheticReport spec;
  spec.scenarios = {{kComparedModel,
                     {{"rows_per_second", Scaled(rows, rows_factor)},
                      {"time_to_first_row_ms", Scaled(rows, 0.01)},
                      {"connections", {1, 1, 1, 1, 1, 1, 1}}},
                     ""},
                    {kMarkupScenario, {{"rows_per_second", rows}}, ""}};
  // 30 trials a cell: enough for the changes below to be significant.
  const std::vector<std::string> ok = Trials({{"ok", 30}});
  spec.cells = {{"aaa_gets_better", "unset", Trials({{"hang", 30}}), {}},
                {kMarkupCell, "unset", ok, {}},
                {"zzz_gets_worse", "true", ok, ok}};
  spec.cells[0].signatures = {{kComparedHang, 30}};
  return spec;
}

SyntheticReport WithChangedOutcomes(SyntheticReport spec) {
  spec.cells[0].workers = Trials({{"ok", 30}});
  spec.cells[0].signatures.clear();
  spec.cells[2].workers = Trials({{"ok", 20}, {"crash", 10}});
  spec.cells[2].signatures = {{kComparedCrash, 10}};
  spec.grpc_version = "1.52.0";
  return spec;
}

}  // namespace forkcheck::html
