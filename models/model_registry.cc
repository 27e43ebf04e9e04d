#include "models/model_registry.h"

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

const std::map<std::string, Factory>& Factories() {
  static const auto* factories = new std::map<std::string, Factory>{
      {"thread_shared",
       [](const ModelVariant&) -> absl::StatusOr<std::unique_ptr<Model>> {
         return MakeThreadSharedModel();
       }},
      {"channel_per_thread", MakeChannelPerThreadModel},
      {"fork_then_create_pristine",
       [](const ModelVariant&) -> absl::StatusOr<std::unique_ptr<Model>> {
         return MakeForkThenCreatePristineModel();
       }},
      {"fork_after_create", MakeForkAfterCreateModel},
      {"fork_then_create_parent_used", MakeForkThenCreateParentUsedModel},
      {"spawn",
       [](const ModelVariant&) -> absl::StatusOr<std::unique_ptr<Model>> {
         return MakeSpawnModel();
       }},
      {"forkserver",
       [](const ModelVariant&) -> absl::StatusOr<std::unique_ptr<Model>> {
         return MakeForkServerModel();
       }},
      {"grpc_fork_suite", MakeGrpcForkSuiteModel},
  };
  return *factories;
}

}  // namespace

absl::Status CheckVariantValue(const std::string& model,
                               const std::string& flag,
                               const std::string& value,
                               const std::vector<std::string>& allowed) {
  for (const std::string& known : allowed) {
    if (value == known) return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat(model, ": --", flag, "=\"", value, "\"; expected ",
                   absl::StrJoin(allowed, " or ")));
}

absl::Status SetVariantField(const std::string& key, const std::string& value,
                             ModelVariant* variant) {
  const std::map<std::string, std::string ModelVariant::*> fields = {
      {"subchannel_pool", &ModelVariant::subchannel_pool},
      {"parent_channel", &ModelVariant::parent_channel},
      {"parent_client", &ModelVariant::parent_client},
      {"suite_case", &ModelVariant::suite_case},
  };
  const auto found = fields.find(key);
  if (found == fields.end()) {
    std::vector<std::string> keys;
    for (const auto& [name, field] : fields) keys.push_back(name);
    return absl::InvalidArgumentError(absl::StrCat("unknown variant setting \"",
                                                   key, "\"; expected one of ",
                                                   absl::StrJoin(keys, ", ")));
  }
  variant->*(found->second) = value;
  return absl::OkStatus();
}

std::vector<std::string> ModelNames() {
  std::vector<std::string> names;
  for (const auto& [name, factory] : Factories()) names.push_back(name);
  return names;
}

absl::StatusOr<std::unique_ptr<Model>> MakeModel(const std::string& name,
                                                 const ModelVariant& variant) {
  const auto found = Factories().find(name);
  if (found == Factories().end()) {
    return absl::NotFoundError(absl::StrCat("unknown model \"", name,
                                            "\"; expected one of ",
                                            absl::StrJoin(ModelNames(), ", ")));
  }
  return found->second(variant);
}

}  // namespace forkcheck
