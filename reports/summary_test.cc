#include "reports/summary.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "matrix/cell_result.h"
#include "reports/benchmark_section.h"
#include "reports/conformance_section.h"

namespace forkcheck {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

CellResult Cell(const std::string& model_name, int workers, OutcomeKind kind,
                std::optional<OutcomeKind> parent,
                const std::string& client = kCppClient) {
  CellResult result;
  result.cell.client = client;
  result.cell.model = model_name;
  result.cell.model_name = model_name;
  result.cell.axes.workers = workers;
  result.cell.groups = {"g"};
  result.key = CellKey(result.cell);
  TrialSample sample;
  sample.workers = kind;
  sample.parent_after = parent;
  result.samples = {sample, sample};
  return result;
}

nlohmann::json Run(const std::string& name, const std::string& label,
                   double rows_per_second) {
  nlohmann::json run = {{"name", name},
                        {"run_name", name},
                        {"run_type", "iteration"},
                        {"repetitions", 1},
                        {"repetition_index", 0},
                        {"iterations", 1},
                        {"real_time", 10.0},
                        {"cpu_time", 1.0},
                        {"time_unit", "ms"},
                        {"rows_per_second", rows_per_second}};
  if (!label.empty()) {
    run["label"] = label;
    run["time_to_first_row_ms"] = 12.5;
    run["cpu_seconds_per_million_rows"] = 0.75;
    run["peak_rss_kib"] = 2048;
  }
  return run;
}

nlohmann::json SessionLatencyRun(const std::string& name,
                                 const std::string& label, double p50_us,
                                 double p99_us) {
  nlohmann::json run = Run(name, "", 0);
  run.erase("rows_per_second");
  run["label"] = label;
  run["create_session_p50_us"] = p50_us;
  run["create_session_p99_us"] = p99_us;
  return run;
}

Report MakeReport() {
  ReportParts parts;
  parts.command = {"forkcheck_run"};
  EnvironmentOptions options;
  options.start = CaptureRunStart();
  parts.environment = CollectEnvironment(options);
  parts.conformance = ConformanceSection(
      {Cell("spawn", 2, OutcomeKind::kOk, OutcomeKind::kOk),
       Cell("spawn", 4, OutcomeKind::kOk, OutcomeKind::kOk),
       Cell("fork_after_create(parent_channel=used)", 2, OutcomeKind::kHang,
            OutcomeKind::kHang)},
      Axes(), "quick", 2, "", {"conformance/expectations/grpc-1.51.txt"}, {});
  nlohmann::json google = {
      {"benchmarks",
       {Run("BM_ProcessModel/spawn/workers:4/response:64KiB", "spawn", 300),
        Run("BM_BareReadLoop/workers:4/response:64KiB", "", 1000),
        SessionLatencyRun("BM_CreateSessionLatency/spawn/workers:4", "spawn",
                          310, 950)}}};
  parts.benchmarks = *BenchmarkSection({{"process_models_benchmark", google}});
  absl::StatusOr<Report> report = Report::Build(parts);
  EXPECT_TRUE(report.ok()) << report.status();
  return *report;
}

TEST(SummaryTest, EveryModelSideBySideWithSafetyAndCost) {
  const std::vector<ModelCostRow> rows = ModelCostRows(MakeReport());
  ASSERT_EQ(rows.size(), 2u);
  const ModelCostRow& spawn = rows[0];
  EXPECT_EQ(spawn.model, "spawn");
  EXPECT_EQ(spawn.workers, 4);
  EXPECT_EQ(spawn.response, "64KiB");
  EXPECT_EQ(spawn.safety, "always ok");  // the 4-worker baseline cell
  EXPECT_EQ(spawn.parent_after, "always ok");
  EXPECT_DOUBLE_EQ(*spawn.rows_per_second, 300);
  EXPECT_DOUBLE_EQ(*spawn.ceiling_ratio, 0.3);
  EXPECT_DOUBLE_EQ(*spawn.time_to_first_row_ms, 12.5);
  EXPECT_DOUBLE_EQ(*spawn.cpu_seconds_per_million_rows, 0.75);
  EXPECT_DOUBLE_EQ(*spawn.peak_rss_mib, 2);
  EXPECT_DOUBLE_EQ(*spawn.create_session_p50_us, 310);
  EXPECT_DOUBLE_EQ(*spawn.create_session_p99_us, 950);
  const ModelCostRow& fork = rows[1];
  EXPECT_EQ(fork.model, "fork_after_create(parent_channel=used)");
  EXPECT_EQ(fork.workers, 0);
  EXPECT_EQ(fork.safety, "always hang");
  EXPECT_FALSE(fork.rows_per_second.has_value());
}

TEST(SummaryTest, TextAndMarkdownShowTheTable) {
  const Report report = MakeReport();
  const std::string text = RenderSummaryText(report);
  EXPECT_THAT(text, HasSubstr("gRPC "));
  EXPECT_THAT(text, HasSubstr("300 ± 0"));
  EXPECT_THAT(text, HasSubstr("not benchmarked"));
  const std::string markdown = RenderSummaryMarkdown(report);
  EXPECT_THAT(markdown, HasSubstr("| cpp | spawn | always ok | always ok | 4 | "
                                  "64KiB | 300 ± 0 | 0.30 | 12.5 | 0.75 | "
                                  "2.0 | 310 / 950 |"));
  EXPECT_THAT(markdown, HasSubstr("## The process-model matrix (quick, 2 "
                                  "trials a cell)"));
  // An older report (no clients list): its one C++ client and its
  // expectations.
  EXPECT_THAT(markdown, HasSubstr("## Clients\n\n- cpp: grpc++ "));
  EXPECT_THAT(markdown,
              HasSubstr("Expectations of cpp (conformance/expectations/"
                        "grpc-1.51.txt): none recorded for this version."));
}

ClientSection PythonClient(bool ran) {
  ClientSection client;
  client.client = "python-grpcio";
  if (!ran) {
    client.skipped = "python3-grpcio is not installed";
    return client;
  }
  client.language = "Python 3.11";
  client.library = "grpcio";
  client.library_version = "1.51.1";
  client.grpc_core_version = "29.0.0";
  client.versions = {{"protobuf", "3.21.12"}};
  client.expectations = {"conformance/expectations/python-grpcio-1.51.txt",
                         true, false, "python-grpcio:threads: hang\n"};
  return client;
}

ClientSection CppClient() {
  ClientSection client;
  client.client = "cpp";
  client.language = "C++ 17";
  client.library = "grpc++";
  client.library_version = "1.51.1";
  client.grpc_core_version = "29.0.0";
  client.expectations = {"conformance/expectations/grpc-1.51.txt", true, true,
                         ""};
  return client;
}

Report MakeTwoClientReport(bool python_ran) {
  ReportParts parts;
  parts.command = {"forkcheck_run"};
  EnvironmentOptions options;
  options.start = CaptureRunStart();
  parts.environment = CollectEnvironment(options);
  std::vector<CellResult> cells = {
      Cell("spawn", 2, OutcomeKind::kOk, OutcomeKind::kOk)};
  if (python_ran) {
    cells.push_back(Cell("python-grpcio:threads", 2, OutcomeKind::kHang,
                         std::nullopt, "python-grpcio"));
  }
  parts.conformance = ConformanceSection(
      cells, Axes(), "quick", 2, "", CppClient().expectations,
      {CppClient(), PythonClient(python_ran)});
  // The Python benchmark first: rows still come client by client.
  nlohmann::json google = {
      {"benchmarks",
       {Run("BM_ProcessModel/python_threads/workers:2/response:64KiB",
            "python-grpcio:threads", 150),
        Run("BM_ProcessModel/spawn/workers:2/response:64KiB", "spawn", 300)}}};
  parts.benchmarks = *BenchmarkSection({{"process_models_benchmark", google}});
  absl::StatusOr<Report> report = Report::Build(parts);
  EXPECT_TRUE(report.ok()) << report.status();
  return *report;
}

TEST(SummaryTest, ClientsSideBySideWithTheirOwnExpectations) {
  const Report report = MakeTwoClientReport(true);
  const std::vector<ModelCostRow> rows = ModelCostRows(report);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].client, "cpp");
  EXPECT_EQ(rows[0].model, "spawn");
  EXPECT_EQ(rows[1].client, "python-grpcio");
  EXPECT_EQ(rows[1].model, "python-grpcio:threads");
  EXPECT_EQ(rows[1].safety, "always hang");
  EXPECT_DOUBLE_EQ(*rows[1].rows_per_second, 150);

  const std::string markdown = RenderSummaryMarkdown(report);
  EXPECT_THAT(markdown,
              HasSubstr("- cpp: grpc++ 1.51.1 (C++ 17, gRPC core 29.0.0)\n"
                        "- python-grpcio: grpcio 1.51.1 (Python 3.11, gRPC "
                        "core 29.0.0; protobuf 3.21.12)\n"));
  EXPECT_THAT(markdown, HasSubstr("| python-grpcio | threads | always hang |"));
  EXPECT_THAT(markdown, HasSubstr("Expectations of cpp (conformance/"
                                  "expectations/grpc-1.51.txt): every cell "
                                  "as recorded."));
  EXPECT_THAT(markdown,
              HasSubstr("Expectations of python-grpcio (conformance/"
                        "expectations/python-grpcio-1.51.txt): differences."
                        "\n\n```\npython-grpcio:threads: hang\n```"));
  const std::string text = RenderSummaryText(report);
  EXPECT_THAT(text, HasSubstr("Clients:\n  cpp: grpc++ 1.51.1"));
  EXPECT_THAT(text, HasSubstr("Expectations of python-grpcio"));
}

TEST(SummaryTest, ASkippedClientSaysWhy) {
  const Report report = MakeTwoClientReport(false);
  const std::string markdown = RenderSummaryMarkdown(report);
  EXPECT_THAT(markdown, HasSubstr("- python-grpcio: skipped: python3-grpcio "
                                  "is not installed\n"));
  EXPECT_THAT(markdown, Not(HasSubstr("Expectations of python-grpcio")));
  EXPECT_THAT(RenderSummaryText(report),
              HasSubstr("python-grpcio: skipped: python3-grpcio"));
}

}  // namespace
}  // namespace forkcheck
