#include "models/model_registry.h"

#include <algorithm>
#include <functional>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "models/builtin_models.h"

namespace forkcheck {
namespace {

using Factory =
    std::function<absl::StatusOr<std::unique_ptr<Model>>(const ModelVariant&)>;

struct Registered {
  Factory factory;
  std::vector<VariantSettingValues> settings;
};

template <typename Make>
Factory Plain(Make make) {
  return [make](const ModelVariant&) -> absl::StatusOr<std::unique_ptr<Model>> {
    return make();
  };
}

const std::map<std::string, Registered>& Models() {
  static const auto* models = new std::map<std::string, Registered>{
      {"thread_shared", {Plain(MakeThreadSharedModel), {}}},
      {"channel_per_thread",
       {MakeChannelPerThreadModel, {{"subchannel_pool", {"global", "local"}}}}},
      {"fork_then_create_pristine",
       {Plain(MakeForkThenCreatePristineModel), {}}},
      {"fork_after_create",
       {MakeForkAfterCreateModel,
        {{"parent_channel", {"used", "idle", "in_flight"}}}}},
      {"fork_then_create_parent_used",
       {MakeForkThenCreateParentUsedModel,
        {{"parent_client", {"alive", "destroyed"}},
         {"parent_channel", {"used", "idle"}}}}},
      {"spawn", {Plain(MakeSpawnModel), {}}},
      {"forkserver", {Plain(MakeForkServerModel), {}}},
      {"grpc_fork_suite",
       {MakeGrpcForkSuiteModel, {{"suite_case", GrpcForkSuiteCaseNames()}}}},
  };
  return *models;
}

const std::map<std::string, std::string ModelVariant::*>& VariantFields() {
  static const auto* fields =
      new std::map<std::string, std::string ModelVariant::*>{
          {"subchannel_pool", &ModelVariant::subchannel_pool},
          {"parent_channel", &ModelVariant::parent_channel},
          {"parent_client", &ModelVariant::parent_client},
          {"suite_case", &ModelVariant::suite_case},
      };
  return *fields;
}

}  // namespace

absl::Status SetVariantField(const std::string& key, const std::string& value,
                             ModelVariant* variant) {
  const auto found = VariantFields().find(key);
  if (found == VariantFields().end()) {
    std::vector<std::string> keys;
    for (const auto& [name, field] : VariantFields()) keys.push_back(name);
    return absl::InvalidArgumentError(absl::StrCat("unknown variant setting \"",
                                                   key, "\"; expected one of ",
                                                   absl::StrJoin(keys, ", ")));
  }
  variant->*(found->second) = value;
  return absl::OkStatus();
}

std::vector<VariantSettingValues> VariantSettingsOf(const std::string& model) {
  const auto found = Models().find(model);
  if (found == Models().end()) return {};
  return found->second.settings;
}

std::vector<std::string> ModelNames() {
  std::vector<std::string> names;
  for (const auto& [name, registered] : Models()) names.push_back(name);
  return names;
}

absl::StatusOr<std::unique_ptr<Model>> MakeModel(const std::string& name,
                                                 const ModelVariant& variant) {
  const auto found = Models().find(name);
  if (found == Models().end()) {
    return absl::NotFoundError(absl::StrCat("unknown model \"", name,
                                            "\"; expected one of ",
                                            absl::StrJoin(ModelNames(), ", ")));
  }
  for (const VariantSettingValues& setting : found->second.settings) {
    const std::string& value = variant.*(VariantFields().at(setting.name));
    if (std::find(setting.values.begin(), setting.values.end(), value) ==
        setting.values.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": --", setting.name, "=\"", value,
                       "\"; expected ", absl::StrJoin(setting.values, " or ")));
    }
  }
  return found->second.factory(variant);
}

absl::StatusOr<std::unique_ptr<Model>> MakeModel(
    const std::string& name,
    const std::vector<std::pair<std::string, std::string>>& settings) {
  ModelVariant variant;
  for (const auto& [key, value] : settings) {
    if (absl::Status set = SetVariantField(key, value, &variant); !set.ok()) {
      return set;
    }
  }
  return MakeModel(name, variant);
}

}  // namespace forkcheck
