// The process models by name, for the trial program and the tests.
#ifndef FORKCHECK_MODELS_MODEL_REGISTRY_H_
#define FORKCHECK_MODELS_MODEL_REGISTRY_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "runtime/model.h"

namespace forkcheck {

// Variant settings; each model reads only its own and validates them.
struct ModelVariant {
  std::string subchannel_pool = "global";  // channel_per_thread: global|local
  // fork_after_create: idle|used|in_flight;
  // fork_then_create_parent_used: idle|used.
  std::string parent_channel = "used";
  // fork_then_create_parent_used: destroyed|alive before the fork.
  std::string parent_client = "alive";
  // grpc_fork_suite: which case of gRPC's fork tests (see its model file).
  std::string suite_case = "connectivity_watch";
};

// Sets the variant setting `key` (the trial program's flag of that name,
// e.g. "parent_channel") to `value`; INVALID_ARGUMENT naming the known keys
// for an unknown one. Values are checked by MakeModel.
absl::Status SetVariantField(const std::string& key, const std::string& value,
                             ModelVariant* variant);

// One variant setting of a model: its name (the trial program's flag, a
// ModelVariant field) and the values it takes, the default first.
struct VariantSettingValues {
  std::string name;
  std::vector<std::string> values;
};

// The variant settings `model` reads (none for an unknown model).
std::vector<VariantSettingValues> VariantSettingsOf(const std::string& model);

// The registered model names, sorted.
std::vector<std::string> ModelNames();

// NOT_FOUND for an unknown name (the message lists the known ones);
// INVALID_ARGUMENT for a variant value of one of the model's settings that
// VariantSettingsOf does not list (settings of other models are ignored).
absl::StatusOr<std::unique_ptr<Model>> MakeModel(const std::string& name,
                                                 const ModelVariant& variant);

// The same, from variant settings by name, e.g. {{"parent_channel",
// "used"}}: INVALID_ARGUMENT for an unknown setting too.
absl::StatusOr<std::unique_ptr<Model>> MakeModel(
    const std::string& name,
    const std::vector<std::pair<std::string, std::string>>& settings);

}  // namespace forkcheck

#endif  // FORKCHECK_MODELS_MODEL_REGISTRY_H_
