#include "reports/report_clients.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

// How the parser reads an older report's one client (report_model_test
// checks that it does).
ReportClient InferredCppClient() {
  ReportClient client;
  client.client = "cpp";
  client.inferred = true;
  client.language = "C++";
  client.library = "grpc++";
  client.library_version = "1.51.1";
  client.grpc_core_version = "29.0.0";
  client.expectations = {"conformance/expectations/grpc-1.51.txt", true, false,
                         "x: hang <unexpected>\n"};
  return client;
}

TEST(ReportClientsTest, AnOlderReportIsOneCppClientThatRan) {
  const ReportClient client = InferredCppClient();
  EXPECT_TRUE(client.ran());
  EXPECT_EQ(DescribeReportClient(client),
            "grpc++ 1.51.1 (C++, gRPC core 29.0.0)");
  EXPECT_EQ(ExpectationsVerdict(client.expectations), "differences.");
  // A report without a matrix has no clients.
  EXPECT_TRUE(ReportClients(ReportModel()).empty());
  ReportModel model;
  model.conformance.emplace().clients = {client};
  EXPECT_EQ(ReportClients(model).size(), 1u);
}

TEST(ReportClientsTest, ListedClientsRanOrSkipped) {
  ReportClient python;
  python.client = "python-grpcio";
  python.language = "Python 3.11";
  python.library = "grpcio";
  python.library_version = "1.51.1";
  python.grpc_core_version = "29.0.0";
  python.versions = {{"protobuf", "3.21.12"}};
  EXPECT_EQ(DescribeReportClient(python),
            "grpcio 1.51.1 (Python 3.11, gRPC core 29.0.0; protobuf 3.21.12)");
  ReportClient other;
  other.client = "other";
  other.skipped = "not installed";
  EXPECT_FALSE(other.ran());
  EXPECT_EQ(DescribeReportClient(other), "skipped: not installed");
}

TEST(ReportClientsTest, HowTheExpectationsWereTested) {
  ExpectationsStatistics statistics;
  statistics.alpha = 0.01;
  statistics.tests = 12;
  // Only their number is told (the parser's test reads their fields).
  statistics.mismatches.resize(1);
  EXPECT_EQ(DescribeExpectationsStatistics(statistics),
            "Fisher's exact test, Holm-corrected over 12 tests, "
            "family-wise alpha 0.01: 1 mismatch");
  // How much "no mismatch" is worth, where the report counted it.
  statistics.sensitivity = CheckSensitivity{3, 50, 0.2, 0.95};
  EXPECT_EQ(DescribeExpectationsStatistics(statistics),
            "Fisher's exact test, Holm-corrected over 12 tests, "
            "family-wise alpha 0.01: 1 mismatch; 3 of 12 had the power (95%) "
            "to see a 20-point change in 50 trials");
  // As the report counted it, not as today's constants say.
  statistics.sensitivity = CheckSensitivity{1, 30, 0.1, 0.9};
  EXPECT_THAT(DescribeExpectationsStatistics(statistics),
              ::testing::EndsWith("1 of 12 had the power (90%) to see a "
                                  "10-point change in 30 trials"));
  // Parts tested against their recorded runs are named.
  statistics.quasi_binomial_tests = 2;
  statistics.sensitivity = CheckSensitivity{3, 50, 0.2, 0.95};
  EXPECT_EQ(DescribeExpectationsStatistics(statistics),
            "Fisher's exact test (quasi-binomial on 2 parts whose recorded "
            "runs disagree), Holm-corrected over 12 tests, family-wise alpha "
            "0.01: 1 mismatch; 3 of its 10 Fisher tests had the power (95%) "
            "to see a 20-point change in 50 trials");
  // No check (an upgraded version 1 report, or none made): nothing to say.
  EXPECT_EQ(DescribeExpectationsStatistics(ExpectationsStatistics()), "");
}

TEST(ReportClientsTest, WhoseModelALabelIs) {
  EXPECT_EQ(ModelClient("python-grpcio:threads"), "python-grpcio");
  EXPECT_EQ(ModelClient("python-grpcio:multiprocessing(start_method=fork)"),
            "python-grpcio");
  EXPECT_EQ(ModelClient("spawn"), "cpp");
  EXPECT_EQ(ModelClient("fork_after_create(parent_channel=a:b)"), "cpp");
  EXPECT_EQ(ModelWithoutClient("python-grpcio:threads"), "threads");
  EXPECT_EQ(ModelWithoutClient("fork_after_create(parent_channel=a:b)"),
            "fork_after_create(parent_channel=a:b)");
}

}  // namespace
}  // namespace forkcheck
