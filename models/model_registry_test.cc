// The registry knows every model by name, names variants, and rejects
// unknown names and variant values with messages that say what was expected.
#include "models/model_registry.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

using ::testing::HasSubstr;

TEST(ModelRegistryTest, ListsEveryModel) {
  EXPECT_THAT(ModelNames(),
              ::testing::ElementsAre(
                  "channel_per_thread", "fork_after_create",
                  "fork_then_create_parent_used", "fork_then_create_pristine",
                  "forkserver", "grpc_fork_suite", "spawn", "thread_shared"));
}

TEST(ModelRegistryTest, MakesEachModelWithItsVariantInItsName) {
  ModelVariant variant;
  variant.subchannel_pool = "local";
  variant.parent_channel = "idle";
  variant.parent_client = "destroyed";
  auto per_thread = MakeModel("channel_per_thread", variant);
  ASSERT_TRUE(per_thread.ok()) << per_thread.status();
  EXPECT_EQ((*per_thread)->name(), "channel_per_thread(subchannel_pool=local)");
  EXPECT_FALSE((*per_thread)->has_parent_check());

  auto after = MakeModel("fork_after_create", variant);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ((*after)->name(), "fork_after_create(parent_channel=idle)");
  EXPECT_TRUE((*after)->has_parent_check());

  auto parent_used = MakeModel("fork_then_create_parent_used", variant);
  ASSERT_TRUE(parent_used.ok()) << parent_used.status();
  EXPECT_FALSE((*parent_used)->has_parent_check());  // destroyed: nothing to

  // Both start workers that never share the parent's gRPC state, and check
  // the parent's client afterwards.
  for (const std::string name : {"spawn", "forkserver"}) {
    auto model = MakeModel(name, variant);
    ASSERT_TRUE(model.ok()) << name << ": " << model.status();
    EXPECT_EQ((*model)->name(), name);
    EXPECT_TRUE((*model)->has_parent_check()) << name;
  }

  for (const std::string& name : ModelNames()) {
    auto model = MakeModel(name, ModelVariant());
    ASSERT_TRUE(model.ok()) << name << ": " << model.status();
    EXPECT_THAT((*model)->name(), ::testing::StartsWith(name));
  }
}

TEST(ModelRegistryTest, ForkAfterCreateKnowsAnInFlightParentChannel) {
  ModelVariant variant;
  variant.parent_channel = "in_flight";
  auto model = MakeModel("fork_after_create", variant);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ((*model)->name(), "fork_after_create(parent_channel=in_flight)");
  EXPECT_TRUE((*model)->has_parent_check());
}

TEST(ModelRegistryTest, EachForkSuiteCaseIsAVariant) {
  const std::vector<std::string> cases = {
      "connectivity_watch",
      "close_channel_before_fork",
      "blocking_unary_same_channel",
      "blocking_unary_new_channel",
      "async_unary_same_channel",
      "async_unary_new_channel",
      "in_progress_stream_continue_call",
      "in_progress_stream_same_channel_blocking_call",
      "in_progress_stream_same_channel_async_call",
      "in_progress_stream_new_channel_blocking_call",
      "in_progress_stream_new_channel_async_call"};
  for (const std::string& suite_case : cases) {
    ModelVariant variant;
    variant.suite_case = suite_case;
    auto model = MakeModel("grpc_fork_suite", variant);
    ASSERT_TRUE(model.ok()) << suite_case << ": " << model.status();
    EXPECT_EQ((*model)->name(),
              "grpc_fork_suite(suite_case=" + suite_case + ")");
    // Only the case that destroys the parent's channel has nothing to check.
    EXPECT_EQ((*model)->has_parent_check(),
              suite_case != "close_channel_before_fork")
        << suite_case;
  }
  ModelVariant variant;
  variant.suite_case = "fork_bomb";
  auto model = MakeModel("grpc_fork_suite", variant);
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(model.status().message(),
              HasSubstr("--suite_case=\"fork_bomb\"; expected "
                        "connectivity_watch or close_channel_before_fork"));
}

TEST(ModelRegistryTest, AnUnknownNameListsTheKnownOnes) {
  auto model = MakeModel("fork_and_pray", ModelVariant());
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(model.status().message(),
              HasSubstr("unknown model \"fork_and_pray\"; expected one of "
                        "channel_per_thread, fork_after_create"));
}

TEST(ModelRegistryTest, AnUnknownVariantValueIsRejected) {
  ModelVariant variant;
  variant.subchannel_pool = "shared";
  auto model = MakeModel("channel_per_thread", variant);
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(model.status().message(),
              HasSubstr("--subchannel_pool=\"shared\"; expected global or "
                        "local"));
  variant = ModelVariant();
  variant.parent_channel = "busy";
  EXPECT_EQ(MakeModel("fork_after_create", variant).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ModelRegistryTest,
     EveryListedVariantValueMakesAModelAndItsDefaultIsFirst) {
  for (const std::string& name : ModelNames()) {
    const ModelVariant defaults;
    ASSERT_TRUE(MakeModel(name, defaults).ok()) << name;
    for (const VariantSettingValues& setting : VariantSettingsOf(name)) {
      ASSERT_FALSE(setting.values.empty()) << name << " " << setting.name;
      // The first value is what a trial gets when it names none.
      ModelVariant first;
      ASSERT_TRUE(
          SetVariantField(setting.name, setting.values.front(), &first).ok());
      EXPECT_EQ((*MakeModel(name, first))->name(),
                (*MakeModel(name, defaults))->name())
          << name << " " << setting.name;
      for (const std::string& value : setting.values) {
        ModelVariant variant;
        ASSERT_TRUE(SetVariantField(setting.name, value, &variant).ok());
        EXPECT_TRUE(MakeModel(name, variant).ok())
            << name << " " << setting.name << "=" << value;
      }
      ModelVariant bogus;
      ASSERT_TRUE(SetVariantField(setting.name, "bogus", &bogus).ok());
      EXPECT_FALSE(MakeModel(name, bogus).ok()) << name << " " << setting.name;
    }
  }
  EXPECT_TRUE(VariantSettingsOf("thread_shared").empty());
  EXPECT_TRUE(VariantSettingsOf("no_such_model").empty());
  ASSERT_EQ(VariantSettingsOf("fork_then_create_parent_used").size(), 2u);
}

}  // namespace
}  // namespace forkcheck
