#include "matrix/table_read_back.h"

#include <chrono>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

using ::testing::HasSubstr;

int ExitedWith(int code) { return code << 8; }

constexpr char kExact[] =
    R"({"table":"projects/t1/datasets/writable/tables/small",)"
    R"("exactly_once":true,"rows_received":1000,"missing_rows":0,)"
    R"("duplicate_rows":0,"out_of_range_rows":0,"corrupted_rows":0,)"
    R"("corrupt_responses":0,"error":null})";

TEST(TableReadBackTest, TheCommandChecksTheTableOnTheTrialsServer) {
  TableReadBackCommand command =
      TableReadBackCommandFor("/bin/read_table", "127.0.0.1:5",
                              "projects/t1/datasets/writable/tables/small",
                              1000, std::chrono::milliseconds(4000));
  EXPECT_THAT(command.argv,
              ::testing::ElementsAre(
                  "/bin/read_table", "--target=127.0.0.1:5",
                  "--table=projects/t1/datasets/writable/tables/small",
                  "--rows=1000", "--call_timeout=2"));
  EXPECT_EQ(command.table, "projects/t1/datasets/writable/tables/small");
  EXPECT_EQ(command.rows, 1000);
  EXPECT_EQ(command.bound, std::chrono::milliseconds(4000));
}

TEST(TableReadBackTest, ARetargetedCommandChangesOnlyItsServer) {
  const TableReadBackCommand command = RetargetTableReadBack(
      TableReadBackCommandFor("/bin/read_table", "127.0.0.1:5",
                              "projects/t1/datasets/writable/tables/small",
                              1000, std::chrono::milliseconds(4000)),
      "unix:/tmp/s");
  EXPECT_THAT(command.argv,
              ::testing::ElementsAre(
                  "/bin/read_table", "--target=unix:/tmp/s",
                  "--table=projects/t1/datasets/writable/tables/small",
                  "--rows=1000", "--call_timeout=2"));
  EXPECT_EQ(command.rows, 1000);
  EXPECT_EQ(command.bound, std::chrono::milliseconds(4000));
}

TEST(TableReadBackTest, AnExactTableHoldsExactly) {
  TableReadBack table = TableReadBackFromAccount(0, kExact);
  EXPECT_EQ(table.unreadable, "");
  EXPECT_EQ(table.rows_read, 1000);
  EXPECT_TRUE(table.HoldsExactly());
}

TEST(TableReadBackTest, ATableWithWrongRowsCarriesItsCounts) {
  TableReadBack table = TableReadBackFromAccount(
      ExitedWith(1),
      R"({"rows_received":991,"missing_rows":12,"duplicate_rows":3,)"
      R"("out_of_range_rows":1,"corrupted_rows":2,"corrupt_responses":1,)"
      R"("error":null})");
  EXPECT_EQ(table.unreadable, "");
  EXPECT_EQ(table.rows_read, 991);
  EXPECT_EQ(table.missing_rows, 12);
  EXPECT_EQ(table.duplicate_rows, 3);
  EXPECT_EQ(table.out_of_range_rows, 1);
  EXPECT_EQ(table.corrupted_rows, 2);
  EXPECT_EQ(table.corrupt_responses, 1);
  EXPECT_FALSE(table.HoldsExactly());
}

TEST(TableReadBackTest, WhatCouldNotBeReadSaysWhy) {
  EXPECT_THAT(TableReadBackFromAccount(
                  ExitedWith(1),
                  R"({"exactly_once":false,"error":{"code":"UNAVAILABLE",)"
                  R"("message":"CreateReadSession: connection refused"}})")
                  .unreadable,
              HasSubstr("read_table could not read the table: "
                        "{\"code\":\"UNAVAILABLE\""));
  EXPECT_THAT(TableReadBackFromAccount(ExitedWith(2), "").unreadable,
              HasSubstr("read_table exited with status 2"));
  EXPECT_THAT(TableReadBackFromAccount(9, kExact).unreadable,
              HasSubstr("killed by signal SIGKILL"));
  EXPECT_THAT(TableReadBackFromAccount(0, "not json").unreadable,
              HasSubstr("read_table's account"));
  EXPECT_THAT(TableReadBackFromAccount(0, R"({"error":null})").unreadable,
              HasSubstr("rows_received"));
}

TEST(TableReadBackTest, AProgramThatDoesNotAnswerIsBounded) {
  TableReadBackCommand command;
  command.argv = {"/bin/sleep", "30"};
  command.bound = std::chrono::milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  TableReadBack table = RunTableReadBack(command);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(table.unreadable, "read_table did not finish within 300 ms");

  command.argv = {"/nonexistent/read_table"};
  EXPECT_THAT(RunTableReadBack(command).unreadable,
              HasSubstr("exited with status 127"));
}

}  // namespace
}  // namespace forkcheck
