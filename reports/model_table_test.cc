#include "reports/model_table.h"

#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reports/html/test_report.h"
#include "reports/text_wrap.h"

namespace forkcheck {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(ModelTableTest, OneRowPerModelWithItsBaselineCellsAndBestCost) {
  const absl::StatusOr<Report> report = html::MakeTestReport();
  ASSERT_TRUE(report.ok()) << report.status();
  const std::vector<ModelTableRow> rows = ModelTableRows(*report);
  ASSERT_FALSE(rows.empty());
  for (const ModelTableRow& row : rows) {
    // A model once per client: variants and concurrencies are one row.
    int same = 0;
    for (const ModelTableRow& other : rows) {
      same += other.client == row.client && other.model == row.model;
    }
    EXPECT_EQ(same, 1) << row.client << " " << row.model;
    EXPECT_EQ(row.model.find('('), std::string::npos) << row.model;
  }
}

TEST(ModelTableTest, TheTextFitsUnderAHundredColumns) {
  const absl::StatusOr<Report> report = html::MakeTestReport();
  ASSERT_TRUE(report.ok()) << report.status();
  const std::string text = RenderModelTable(ModelTableRows(*report), 99);
  ASSERT_FALSE(text.empty());
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    EXPECT_LT(TextColumns(line), 100u) << line;
  }
}

TEST(ModelTableTest, OneCellsCountsAndTheBoundItsVerdictRestsOn) {
  ModelTableRow safe;
  safe.client = "cpp";
  safe.model = "thread_shared";
  safe.cells = 1;
  safe.variants = 1;
  safe.verdict = "safe";
  safe.counts = "ok 36/36, ≤9.7%";
  safe.rows_per_second = "177k ±28%";
  safe.ceiling = "0.11";
  safe.first_row = "101 ms";
  ModelTableRow mixed = safe;
  mixed.model = "grpc_fork_suite";
  mixed.cells = 11;
  mixed.variants = 11;
  mixed.mixed = true;
  mixed.verdict = "8 unsafe, 2 safe, 1 undecided";
  mixed.counts = "hang 200/260, ok 60/260";
  mixed.rows_per_second = mixed.ceiling = mixed.first_row = "-";
  ModelTableRow agree = mixed;
  agree.model = "fork_after_create";
  agree.cells = 3;
  agree.variants = 3;
  agree.mixed = false;
  agree.verdict = "unsafe";
  agree.counts = "hang 90/90";
  ModelTableRow python = safe;
  python.client = "python-grpcio";
  python.model = "a_model_name_far_longer_than_its_column";
  const std::string text =
      RenderModelTable({safe, mixed, agree, python}, 100);
  EXPECT_THAT(text, HasSubstr("cpp:\n  model "));
  EXPECT_THAT(text, HasSubstr("\n  thread_shared                  safe: ok 36/36, "
                              "≤9.7%"));
  EXPECT_THAT(text, HasSubstr(" 177k ±28%  0.11  101 ms\n"));
  EXPECT_THAT(text, HasSubstr("\n  grpc_fork_suite ×11            cells: 8 unsafe, "
                              "2 safe, 1 undecided"));
  EXPECT_THAT(text, HasSubstr("\n  fork_after_create ×3           unsafe, 3 cells: "
                              "hang 90/90"));
  EXPECT_THAT(text, HasSubstr("\n\npython-grpcio:\n  model "));
  // A cut name says so, and the legend says where it is whole.
  EXPECT_THAT(text, HasSubstr("  a_model_name_far_longer_than_… safe"));
  EXPECT_THAT(text, HasSubstr("Cut entries (…) are whole in the Markdown"));
  EXPECT_THAT(RenderModelTable({safe}, 100),
              Not(HasSubstr("Cut entries")));
  EXPECT_EQ(RenderModelTable({}, 100), "");
}

TEST(CutLongLinesTest, CutsOnlyLinesTooWideMarkingTheCut) {
  EXPECT_EQ(CutLongLines("abc\nabcdef\n", 4), "abc\nabc…\n");
  EXPECT_EQ(CutLongLines("→→→→→", 4), "→→→…");
  EXPECT_EQ(CutLongLines("", 4), "");
  EXPECT_EQ(CutLongLines("ab\n\ncd", 4), "ab\n\ncd");
}

}  // namespace
}  // namespace forkcheck
