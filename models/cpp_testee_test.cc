// The C++ client's description (what the matrix and the benchmarks know of
// its models: they link none), read by the supervisor's rules, says exactly
// what the models do, for every combination of variant values: the name the
// model gives itself, whether its parent checks its client, whether it
// allows a busy parent thread, which workloads it runs.
#include "models/cpp_testee.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "models/model_registry.h"
#include "supervisor/testee.h"

namespace forkcheck {
namespace {

// Calls `visit` with every combination of the model's variant values.
void ForEachVariant(
    const v1::ModelDescription& model,
    const std::function<
        void(const std::vector<std::pair<std::string, std::string>>&)>& visit,
    std::vector<std::pair<std::string, std::string>> prefix = {}) {
  if (prefix.size() == static_cast<size_t>(model.variant_size())) {
    visit(prefix);
    return;
  }
  const v1::VariantSetting& setting = model.variant(prefix.size());
  for (const std::string& value : setting.values()) {
    prefix.emplace_back(setting.name(), value);
    ForEachVariant(model, visit, prefix);
    prefix.pop_back();
  }
}

TEST(CppTesteeTest, TheDescriptionSaysWhatEveryVariantOfEveryModelDoes) {
  const v1::TesteeDescription description = DescribeCppClient();
  EXPECT_EQ(description.client(), "cpp");
  ASSERT_EQ(description.models_size(), static_cast<int>(ModelNames().size()));
  int variants = 0;
  for (const v1::ModelDescription& model : description.models()) {
    ForEachVariant(model, [&](const auto& variant) {
      ++variants;
      absl::StatusOr<std::unique_ptr<Model>> made =
          MakeModel(model.model(), variant);
      ASSERT_TRUE(made.ok()) << made.status();
      std::vector<std::string> settings;
      for (const auto& [name, value] : variant) {
        settings.push_back(absl::StrCat(name, "=", value));
      }
      // The matrix names a cell's model so (matrix/cell.h CellModelName).
      const std::string name =
          settings.empty() ? model.model()
                           : absl::StrCat(model.model(), "(",
                                          absl::StrJoin(settings, ","), ")");
      EXPECT_EQ((*made)->name(), name);
      // Read by the rules the matrix and the benchmarks apply.
      v1::TrialRequest trial;
      AddNamedValues(variant, trial.mutable_variant());
      EXPECT_EQ(ExpectsParentCheck(model, trial), (*made)->has_parent_check())
          << name;
      EXPECT_EQ(AllowsBusyParentThread(model, trial),
                (*made)->supports_busy_parent_thread())
          << name;
      const std::vector<std::string> workloads(model.workloads().begin(),
                                               model.workloads().end());
      const std::vector<std::string> expected_workloads =
          (*made)->supports_write() ? std::vector<std::string>{"read", "write"}
                                    : std::vector<std::string>{"read"};
      EXPECT_EQ(workloads, expected_workloads) << name;
    });
  }
  EXPECT_GT(variants, 20);
  const std::vector<std::string> axes(description.trial_axes().begin(),
                                      description.trial_axes().end());
  EXPECT_EQ(axes, (std::vector<std::string>{"fork_hooks", "child_channel",
                                            "busy_parent_thread"}));
}

TEST(CppTesteeTest, ARequestIsTakenApartIntoTheTrialsSettings) {
  v1::TrialRequest trial;
  trial.set_model("fork_after_create");
  v1::NamedValue* setting = trial.add_variant();
  setting->set_name("parent_channel");
  setting->set_value("idle");
  trial.set_target("127.0.0.1:1");
  trial.set_table("small");
  trial.set_workers(3);
  trial.set_max_streams(6);
  trial.set_worker_patience_ms(1234);
  for (const auto& [name, value] :
       std::vector<std::pair<std::string, std::string>>{
           {"fork_hooks", "application"},
           {"child_channel", "local_pool"},
           {"busy_parent_thread", "yes"},
           {"fork_support", "true"}}) {
    v1::NamedValue* axis = trial.add_axes();
    axis->set_name(name);
    axis->set_value(value);
  }
  absl::StatusOr<TrialSettings> settings = SettingsFromTrialRequest(trial);
  ASSERT_TRUE(settings.ok()) << settings.status();
  EXPECT_EQ(settings->model, "fork_after_create");
  EXPECT_EQ(settings->variant.parent_channel, "idle");
  EXPECT_EQ(settings->fork_hooks, "application");
  EXPECT_EQ(settings->child_channel, "local_pool");
  EXPECT_TRUE(settings->context.busy_parent_thread);
  EXPECT_EQ(settings->context.workers, 3);
  EXPECT_EQ(settings->context.streams, 6);
  EXPECT_EQ(settings->context.worker_patience, absl::Milliseconds(1234));

  v1::TrialRequest wrong = trial;
  wrong.mutable_variant(0)->set_name("subchannel_pool");
  absl::StatusOr<TrialSettings> refused = SettingsFromTrialRequest(wrong);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("no variant setting "
                                            "\"subchannel_pool\""),
            std::string::npos)
      << refused.status();
  wrong = trial;
  wrong.mutable_axes(2)->set_value("maybe");
  EXPECT_FALSE(SettingsFromTrialRequest(wrong).ok());
}

// Every model but the fork suite writes; a write names its tables in full.
TEST(CppTesteeTest, TheModelsThatWriteAreTheProcessModels) {
  std::vector<std::string> writers;
  const v1::TesteeDescription description = DescribeCppClient();
  for (const v1::ModelDescription& model : description.models()) {
    for (const std::string& workload : model.workloads()) {
      if (workload == "write") writers.push_back(model.model());
    }
  }
  EXPECT_EQ(writers,
            (std::vector<std::string>{"channel_per_thread", "fork_after_create",
                                      "fork_then_create_parent_used",
                                      "fork_then_create_pristine", "forkserver",
                                      "spawn", "thread_shared"}));
}

v1::TrialRequest WriteRequest(const std::string& model) {
  v1::TrialRequest trial;
  trial.set_model(model);
  trial.set_target("127.0.0.1:1");
  trial.set_table("projects/wt1/datasets/writable/tables/small");
  trial.set_workers(2);
  trial.set_max_streams(2);
  trial.set_workload("write");
  trial.set_write_rows(1000);
  trial.set_parent_write_table(
      "projects/wt1-parent/datasets/writable/tables/small");
  return trial;
}

// The error PrepareTrial gives `trial`, or "" if it takes it.
std::string Refusal(const v1::TrialRequest& trial) {
  absl::StatusOr<TrialSettings> settings = SettingsFromTrialRequest(trial);
  if (!settings.ok()) return std::string(settings.status().message());
  absl::StatusOr<std::unique_ptr<Model>> model = PrepareTrial(&*settings);
  return model.ok() ? "" : std::string(model.status().message());
}

TEST(CppTesteeTest, AWriteRequestIsCheckedInOnePlace) {
  v1::TrialRequest trial = WriteRequest("spawn");
  absl::StatusOr<TrialSettings> settings = SettingsFromTrialRequest(trial);
  ASSERT_TRUE(settings.ok()) << settings.status();
  ASSERT_TRUE(PrepareTrial(&*settings).ok());
  const ModelContext& context = settings->context;
  EXPECT_EQ(context.workload, Workload::kWrite);
  EXPECT_EQ(context.table, "projects/wt1/datasets/writable/tables/small");
  EXPECT_EQ(context.write_rows, 1000);
  EXPECT_EQ(context.write_rows_of,
            "projects/forkcheck/datasets/synthetic/tables/small");
  EXPECT_EQ(context.parent_write_rows_of, context.write_rows_of);

  EXPECT_EQ(Refusal(WriteRequest("grpc_fork_suite")),
            "workload=write: grpc_fork_suite(suite_case=connectivity_watch) "
            "runs only the read workload");
  trial = WriteRequest("spawn");
  trial.set_workload("delete");
  EXPECT_EQ(Refusal(trial), "workload=\"delete\"; expected read or write");
  trial = WriteRequest("spawn");
  trial.set_write_rows(-1);
  EXPECT_EQ(Refusal(trial), "write_rows=-1; must be >= 0");
  trial.set_write_rows(1001);
  EXPECT_EQ(Refusal(trial),
            "write_rows=1001; projects/forkcheck/datasets/synthetic/tables/"
            "small has 1000 rows");
  trial = WriteRequest("spawn");
  trial.set_table("small");
  EXPECT_NE(Refusal(trial).find("table=\"small\"; a write needs a writable"),
            std::string::npos);
  trial = WriteRequest("spawn");
  trial.set_table("projects/wt1/datasets/writable/tables/no_such_table");
  EXPECT_NE(Refusal(trial).find("a write needs a writable table"),
            std::string::npos);
  trial = WriteRequest("spawn");
  trial.clear_parent_write_table();
  EXPECT_NE(Refusal(trial).find("parent_write_table=\"\"; a write needs"),
            std::string::npos);
  trial = WriteRequest("spawn");
  trial.set_parent_write_table(trial.table());
  EXPECT_NE(Refusal(trial).find("is the workers' table"), std::string::npos);
  trial = WriteRequest("fork_after_create");
  v1::NamedValue* busy = trial.add_axes();
  busy->set_name("busy_parent_thread");
  busy->set_value("yes");
  EXPECT_NE(Refusal(trial).find("busy_parent_thread with workload=write"),
            std::string::npos);
  // Reading ignores the write settings.
  trial = WriteRequest("grpc_fork_suite");
  trial.set_workload("");
  trial.set_table("small");
  EXPECT_EQ(Refusal(trial), "");
}

}  // namespace
}  // namespace forkcheck
