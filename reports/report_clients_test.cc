#include "reports/report_clients.h"

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace forkcheck {
namespace {

using nlohmann::json;

json Mismatch() {
  return {{"key", "x workers=2"},
          {"line", 12},
          {"part", "workers"},
          {"why", "failure rate changed"},
          {"recorded", "ok 40/40 → safe, failure 0% [0%–8.8%]"},
          {"observed", "hang 6/6 → unsafe, failure 100% [54%–100%]"},
          {"p_value", 2.6e-7},
          {"adjusted_p_value", 3.1e-6}};
}

json Expectations(bool passed) {
  return {{"file", "conformance/expectations/grpc-1.51.txt"},
          {"found", true},
          {"passed", passed},
          {"differences", passed ? "" : "x: hang <unexpected>\n"},
          {"alpha", 0.01},
          {"tests", 12},
          {"mismatches", passed ? json::array() : json::array({Mismatch()})}};
}

TEST(ReportClientsTest, AnOlderReportIsOneCppClientThatRan) {
  const json conformance = {{"cells", json::array()},
                            {"expectations", Expectations(false)}};
  const json environment = {
      {"grpc", {{"cpp_version", "1.51.1"}, {"core_version", "29.0.0"}}}};
  const std::vector<ReportClient> clients =
      ConformanceClients(conformance, environment);
  ASSERT_EQ(clients.size(), 1u);
  EXPECT_EQ(clients[0].client, "cpp");
  EXPECT_TRUE(clients[0].ran());
  EXPECT_EQ(clients[0].library_version, "1.51.1");
  EXPECT_TRUE(clients[0].expectations.found);
  EXPECT_FALSE(clients[0].expectations.passed);
  EXPECT_EQ(DescribeReportClient(clients[0]),
            "grpc++ 1.51.1 (C++, gRPC core 29.0.0)");
  EXPECT_TRUE(ConformanceClients(json(), environment).empty());
}

TEST(ReportClientsTest, ListedClientsRanOrSkipped) {
  const json conformance = {{"cells", json::array()},
                            {"expectations", Expectations(true)},
                            {"clients",
                             {{{"client", "python-grpcio"},
                               {"language", "Python 3.11"},
                               {"library", "grpcio"},
                               {"library_version", "1.51.1"},
                               {"grpc_core_version", "29.0.0"},
                               {"versions", {{"protobuf", "3.21.12"}}},
                               {"status", "ran"},
                               {"skipped_reason", ""},
                               {"expectations", Expectations(true)}},
                              {{"client", "other"},
                               {"language", ""},
                               {"library", ""},
                               {"library_version", ""},
                               {"grpc_core_version", ""},
                               {"versions", json::object()},
                               {"status", "skipped"},
                               {"skipped_reason", "not installed"},
                               {"expectations", nullptr}}}}};
  const std::vector<ReportClient> clients =
      ConformanceClients(conformance, json());
  ASSERT_EQ(clients.size(), 2u);
  EXPECT_EQ(DescribeReportClient(clients[0]),
            "grpcio 1.51.1 (Python 3.11, gRPC core 29.0.0; protobuf 3.21.12)");
  EXPECT_FALSE(clients[1].ran());
  EXPECT_EQ(DescribeReportClient(clients[1]), "skipped: not installed");
}

TEST(ReportClientsTest, HowTheExpectationsWereTested) {
  const json conformance = {{"cells", json::array()},
                            {"expectations", Expectations(false)}};
  const std::vector<ReportClient> clients =
      ConformanceClients(conformance, json());
  ASSERT_EQ(clients.size(), 1u);
  const ExpectationsStatistics& statistics = clients[0].statistics;
  EXPECT_EQ(statistics.alpha, 0.01);
  EXPECT_EQ(statistics.tests, 12);
  ASSERT_EQ(statistics.mismatches.size(), 1u);
  EXPECT_EQ(statistics.mismatches[0].line, 12);
  EXPECT_EQ(statistics.mismatches[0].adjusted_p_value, 3.1e-6);
  EXPECT_EQ(DescribeExpectationsStatistics(statistics),
            "Fisher's exact test per cell part, Holm-corrected over 12 tests, "
            "family-wise alpha 0.01: 1 mismatch");
  // No check (an upgraded version 1 report, or none made): nothing to say.
  json unchecked = Expectations(true);
  unchecked["alpha"] = nullptr;
  unchecked["tests"] = 0;
  EXPECT_EQ(DescribeExpectationsStatistics(
                ConformanceClients({{"expectations", unchecked}}, json())[0]
                    .statistics),
            "");
}

TEST(ReportClientsTest, WhoseModelACellOrLabelIs) {
  EXPECT_EQ(CellClient(json{{"key", "spawn"}}), "cpp");
  EXPECT_EQ(CellClient(json{{"client", "python-grpcio"}}), "python-grpcio");
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
