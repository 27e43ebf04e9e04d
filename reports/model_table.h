// The console's table of process models (issue 14): per client, one row per
// model (its variants together), giving the verdict of its baseline cells
// with their counts, its best throughput with × ceiling, and its time to
// first row; 100 columns wide. Everything else is in the Markdown and HTML.
#ifndef FORKCHECK_REPORTS_MODEL_TABLE_H_
#define FORKCHECK_REPORTS_MODEL_TABLE_H_

#include <optional>
#include <string>
#include <vector>

#include "reports/report.h"

namespace forkcheck {

struct ModelTableRow {
  std::string client;
  std::string model;  // without client or variant: "fork_after_create"
  // Its baseline cells (the design's default axes, any concurrency), one
  // per variant and concurrency.
  int cells = 0;
  int variants = 0;  // of those cells
  bool mixed = false;  // the cells' verdicts differ
  // One cell, or several that agree: their verdict. Several that do not:
  // each verdict with its cells, most first ("8 unsafe, 2 safe"). "not in
  // the matrix" without cells.
  std::string verdict;
  // One cell: its trials by kind and the failure rate's bound its verdict
  // rests on: "ok 36/36, ≤9.7%" (upper), "hang 30/30, ≥88%" (lower, for
  // unsafe), "ok 8/10, hang 2/10, 2.5%–56%" (undecided or flaky). Several:
  // their trials summed ("hang 90/90"). "" without cells.
  std::string counts;
  // The benchmarks' best median rows/s over the model's variants,
  // concurrencies and sizes, with its MAD as a share of it, and that
  // scenario's × ceiling (steady; end to end in older reports) and time to
  // first row (the fixed cost); "-" where not measured.
  std::string rows_per_second;
  std::string ceiling;
  std::string first_row;
};

std::vector<ModelTableRow> ModelTableRows(const Report& report);

// Per client: a heading, the column names, the rows; then a legend of the
// columns. At most `width` columns a line (a longer model name is cut with
// "…": the legend says the Markdown has them whole).
std::string RenderModelTable(const std::vector<ModelTableRow>& rows,
                             size_t width);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_MODEL_TABLE_H_
