#include "dataset/catalogue.h"

#include <vector>

#include "dataset/table_spec.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

TEST(CatalogueTest, FindsTablesByName) {
  TableSpec a;
  a.name = "projects/p/datasets/d/tables/a";
  a.row_count = 1;
  TableSpec b;
  b.name = "projects/p/datasets/d/tables/b";
  b.row_count = 2;
  Catalogue catalogue({a, b});
  ASSERT_EQ(catalogue.tables().size(), 2u);
  const TableSpec* found = catalogue.Find("projects/p/datasets/d/tables/b");
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->row_count, 2);
  EXPECT_EQ(catalogue.Find("projects/p/datasets/d/tables/c"), nullptr);
  EXPECT_EQ(catalogue.Find(""), nullptr);
}

TEST(CatalogueTest, ResolvesShortNamesUnlessAmbiguous) {
  TableSpec a;
  a.name = "projects/p/datasets/d/tables/a";
  TableSpec b1;
  b1.name = "projects/p/datasets/d/tables/b";
  TableSpec b2;
  b2.name = "projects/p/datasets/e/tables/b";
  Catalogue catalogue({a, b1, b2});
  EXPECT_EQ(catalogue.Resolve("a"), &catalogue.tables()[0]);
  EXPECT_EQ(catalogue.Resolve("projects/p/datasets/e/tables/b"),
            &catalogue.tables()[2]);
  EXPECT_EQ(catalogue.Resolve("b"), nullptr);  // two tables end in /tables/b
  EXPECT_EQ(catalogue.Resolve("c"), nullptr);
  EXPECT_EQ(catalogue.Resolve("tables/a"), nullptr);  // a component, whole
}

TEST(CatalogueTest, FirstOfDuplicateNamesWins) {
  TableSpec a;
  a.name = "projects/p/datasets/d/tables/a";
  a.row_count = 1;
  TableSpec a2 = a;
  a2.row_count = 2;
  Catalogue catalogue({a, a2});
  ASSERT_NE(catalogue.Find(a.name), nullptr);
  EXPECT_EQ(catalogue.Find(a.name)->row_count, 1);
}

TEST(CatalogueTest, DefaultCatalogueHasTheDocumentedTables) {
  const Catalogue& catalogue = Catalogue::Default();
  EXPECT_EQ(&catalogue, &Catalogue::Default());
  EXPECT_EQ(catalogue.tables().size(), 8u);
  const TableSpec* large =
      catalogue.Find("projects/forkcheck/datasets/synthetic/tables/large");
  ASSERT_NE(large, nullptr);
  EXPECT_EQ(large->row_count, 2000000);
  EXPECT_EQ(large->rows_per_chunk, 10000);
  EXPECT_EQ(large->columns[0].name, "row_id");
}

TEST(CatalogueTest, ThePowerProbesTableHasTheRowsOfSmall) {
  // matrix/power_probe.h relies on it: probed cells read this table instead
  // of small, and only its name may differ.
  const TableSpec* small = Catalogue::Default().Resolve("small");
  const TableSpec* probe = Catalogue::Default().Resolve("small_power_probe");
  ASSERT_NE(small, nullptr);
  ASSERT_NE(probe, nullptr);
  EXPECT_EQ(probe->seed, small->seed);
  EXPECT_EQ(probe->row_count, small->row_count);
  EXPECT_EQ(probe->rows_per_chunk, small->rows_per_chunk);
  EXPECT_EQ(probe->typical_row_bytes, small->typical_row_bytes);
  ASSERT_EQ(probe->columns.size(), small->columns.size());
  for (size_t i = 0; i < small->columns.size(); ++i) {
    EXPECT_EQ(probe->columns[i].name, small->columns[i].name);
    EXPECT_EQ(probe->columns[i].type, small->columns[i].type);
    EXPECT_EQ(probe->columns[i].nullable, small->columns[i].nullable);
  }
}

}  // namespace
}  // namespace forkcheck
