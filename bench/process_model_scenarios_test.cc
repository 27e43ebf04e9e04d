#include "bench/process_model_scenarios.h"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "common/runfiles.h"
#include "supervisor/testee.h"

namespace forkcheck {
namespace {

// Runs TakeSelectionFlags on `flags` after a program name; `rest` gets what
// it left.
absl::StatusOr<BenchSelection> Take(std::vector<std::string> flags,
                                    std::vector<std::string>* rest = nullptr) {
  flags.insert(flags.begin(), "program");
  std::vector<char*> args;
  for (std::string& flag : flags) args.push_back(flag.data());
  absl::StatusOr<BenchSelection> selection = TakeSelectionFlags(&args);
  if (rest != nullptr) rest->assign(args.begin(), args.end());
  return selection;
}

TEST(ProcessModelScenariosTest, EveryModelAndVariantIsKnownToItsClient) {
  // The C++ client as the benchmark knows it: described by its trial
  // program through the testee protocol.
  absl::StatusOr<std::string> program =
      RunfileExecutable("models/trial_program");
  ASSERT_TRUE(program.ok()) << program.status();
  absl::StatusOr<v1::TesteeDescription> cpp_client = DescribeTestee(
      TesteeProgram{{*program}, {}}, std::chrono::seconds(30));
  ASSERT_TRUE(cpp_client.ok()) << cpp_client.status();
  std::set<std::string> labels;
  int cpp = 0;
  for (const ModelScenario& scenario : BenchmarkedModels()) {
    EXPECT_TRUE(labels.insert(scenario.label).second) << scenario.label;
    // The testees' scenarios are checked against their descriptions when
    // the benchmark starts (the Python testee's in its smoke test).
    if (scenario.client != "cpp") continue;
    ++cpp;
    EXPECT_TRUE(
        CompleteVariant(*cpp_client, scenario.model, scenario.variant).ok())
        << scenario.label;
  }
  EXPECT_EQ(cpp, 8);
  EXPECT_EQ(labels.size(), 12u);
}

TEST(ProcessModelScenariosTest, DefaultsCoverTheIssuesGrid) {
  std::vector<std::string> rest;
  absl::StatusOr<BenchSelection> selection =
      Take({"--benchmark_filter=x"}, &rest);
  ASSERT_TRUE(selection.ok()) << selection.status();
  // Every model but the unsafe control, which runs only when named.
  ASSERT_EQ(selection->models.size(), BenchmarkedModels().size() - 1);
  for (const ModelScenario& model : selection->models) {
    EXPECT_NE(model.label, "fork_after_create");
  }
  absl::StatusOr<BenchSelection> control =
      Take({"--models=fork_after_create"});
  ASSERT_TRUE(control.ok()) << control.status();
  EXPECT_EQ(control->models.front().label, "fork_after_create");
  EXPECT_EQ(selection->workers, (std::vector<int>{1, 2, 4, 8}));
  EXPECT_EQ(selection->response_bytes.size(), 2u);
  EXPECT_EQ(selection->table, "medium");
  EXPECT_EQ(rest,
            (std::vector<std::string>{"program", "--benchmark_filter=x"}));
}

TEST(ProcessModelScenariosTest, SelectionFlagsAreTakenOut) {
  std::vector<std::string> rest;
  absl::StatusOr<BenchSelection> selection =
      Take({"--models=spawn,thread_shared", "--benchmark_repetitions=1",
            "--workers=4,1", "--sizes=16KiB,1MiB", "--table=small",
            "--trial_watchdog_ms=5000"},
           &rest);
  ASSERT_TRUE(selection.ok()) << selection.status();
  ASSERT_EQ(selection->models.size(), 2u);
  EXPECT_EQ(selection->models[0].label, "spawn");
  EXPECT_EQ(selection->models[1].label, "thread_shared");
  EXPECT_EQ(selection->workers, (std::vector<int>{4, 1}));
  EXPECT_EQ(selection->response_bytes,
            (std::vector<int64_t>{16 << 10, 1 << 20}));
  EXPECT_EQ(selection->table, "small");
  EXPECT_EQ(selection->trial_watchdog.count(), 5000);
  EXPECT_EQ(rest,
            (std::vector<std::string>{"program", "--benchmark_repetitions=1"}));
}

TEST(ProcessModelScenariosTest, BadSelectionsNameWhatIsWrong) {
  const std::pair<std::vector<std::string>, std::string> cases[] = {
      {{"--models=thread_shared,no_such_model"}, "no_such_model"},
      {{"--models="}, "empty item"},
      {{"--workers=0"}, "\"0\""},
      {{"--workers=2,x"}, "\"x\""},
      {{"--sizes=64KB"}, "64KB"},
      {{"--sizes=8MiB"}, "8MiB"},
      {{"--table=no_such_table"}, "no_such_table"},
      {{"--table=empty"}, "empty"},
      {{"--trial_watchdog_ms=10"}, "\"10\""},
      {{"--models"}, "needs a value"},
      {{"--session_calls_per_trial=-1"}, "\"-1\""},
      {{"--fake_faults=/no/such/file"}, "/no/such/file"},
      {{"--fake_faults=" + std::string(getenv("TEST_TMPDIR")) + "/bad.json"},
       "unknown fault kind \"slow_down\""},
  };
  {
    std::ofstream bad(std::string(getenv("TEST_TMPDIR")) + "/bad.json");
    bad << R"({"faults": [{"kind": "slow_down", "micros": 5}]})";
  }
  for (const auto& [flags, expected] : cases) {
    SCOPED_TRACE(flags[0]);
    absl::StatusOr<BenchSelection> selection = Take(flags);
    ASSERT_FALSE(selection.ok());
    EXPECT_EQ(selection.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(selection.status().message().find(expected), std::string::npos)
        << selection.status();
  }
  // An unknown model's error lists the known ones.
  EXPECT_NE(Take({"--models=x"}).status().message().find("forkserver"),
            std::string::npos);
}

TEST(ProcessModelScenariosTest, ClientsKeepOnlyTheirModels) {
  absl::StatusOr<BenchSelection> cpp = Take({"--clients=cpp"});
  ASSERT_TRUE(cpp.ok()) << cpp.status();
  ASSERT_FALSE(cpp->models.empty());
  for (const ModelScenario& model : cpp->models) {
    EXPECT_EQ(model.client, "cpp") << model.label;
  }
  EXPECT_EQ(cpp->models.size(),
            ModelsOfClients(DefaultModels(), {"cpp"}).size());
  absl::StatusOr<BenchSelection> python = Take(
      {"--models=thread_shared,python_threads", "--clients=python-grpcio"});
  ASSERT_TRUE(python.ok()) << python.status();
  ASSERT_EQ(python->models.size(), 1u);
  EXPECT_EQ(python->models[0].label, "python_threads");
  // Every client: as without the flag.
  EXPECT_EQ(Take({"--clients=cpp,python-grpcio"})->models.size(),
            DefaultModels().size());
  EXPECT_EQ(ModelsOfClients(BenchmarkedModels(), {}).size(),
            BenchmarkedModels().size());

  EXPECT_NE(Take({"--clients=rust"})
                .status()
                .message()
                .find("--clients=rust: no model is of client \"rust\"; the "
                      "models' clients: cpp, python-grpcio"),
            std::string::npos);
  EXPECT_NE(Take({"--models=python_threads", "--clients=cpp"})
                .status()
                .message()
                .find("none of the models chosen"),
            std::string::npos);
}

TEST(ProcessModelScenariosTest, OneFlagIsCheckedWithoutItsName) {
  EXPECT_TRUE(CheckSelectionFlag("models", "thread_shared,spawn").ok());
  EXPECT_TRUE(CheckSelectionFlag("clients", "cpp").ok());
  const absl::Status bad = CheckSelectionFlag("models", "no_such_model");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.message().find("unknown model \"no_such_model\"; known: "), 0u)
      << bad;
  EXPECT_EQ(CheckSelectionFlag("workers", "0").message(),
            "\"0\" is not a count from 1 to 64");
  EXPECT_FALSE(CheckSelectionFlag("no_such_flag", "x").ok());
}

TEST(ProcessModelScenariosTest, AFaultScriptIsReadAndChecked) {
  const std::string path = std::string(getenv("TEST_TMPDIR")) + "/delay.json";
  const std::string script =
      R"({"faults": [{"kind": "delay_per_response", "micros": 40,
                      "max_fires": -1}]})";
  {
    std::ofstream file(path);
    file << script;
  }
  absl::StatusOr<BenchSelection> selection =
      Take({"--fake_faults=" + path, "--session_calls_per_trial=0"});
  ASSERT_TRUE(selection.ok()) << selection.status();
  EXPECT_EQ(selection->fake_faults_path, path);
  EXPECT_EQ(selection->fake_faults_json, script);
  EXPECT_EQ(selection->session_calls_per_trial, 0);
  EXPECT_EQ(Take({})->session_calls_per_trial, 1000);
  EXPECT_TRUE(Take({})->fake_faults_path.empty());
}

TEST(ProcessModelScenariosTest, ResponseSizesRoundTrip) {
  for (const std::string text : {"64KiB", "1MiB", "256KiB", "1000B", "4MiB"}) {
    absl::StatusOr<int64_t> bytes = ParseResponseSize(text);
    ASSERT_TRUE(bytes.ok()) << text << ": " << bytes.status();
    EXPECT_EQ(ResponseSizeLabel(*bytes), text);
  }
  EXPECT_EQ(*ParseResponseSize("65536"), 65536);
  EXPECT_FALSE(ParseResponseSize("0KiB").ok());
  EXPECT_FALSE(ParseResponseSize("KiB").ok());
  EXPECT_FALSE(ParseResponseSize("-1").ok());
}

}  // namespace
}  // namespace forkcheck
