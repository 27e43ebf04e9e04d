#include "reports/compare/environment_diff.h"

#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace forkcheck {
namespace {

using nlohmann::json;

constexpr char kAbsent[] = "(absent)";

bool Ignored(const std::string& field) {
  static const auto* ignored = new std::set<std::string>{
      "start_time", "end_time", "machine.load_average_at_start", "notes"};
  return ignored->count(field) != 0;
}

bool AffectsOutcomes(const std::string& field) {
  return absl::StartsWith(field, "grpc.") ||
         absl::StartsWith(field, "grpc_env.") ||
         absl::StartsWith(field, "protobuf.") ||
         field == "machine.kernel_release" ||
         field == "machine.kernel_version" || field == "build.config" ||
         field == "build.sanitizers";
}

bool IdentifiesMachine(const std::string& field) {
  return field == "machine.hostname" || field == "machine.cpu_model" ||
         field == "machine.hardware_concurrency" ||
         field == "machine.memory_total_bytes";
}

// Objects are walked to their leaves; arrays and scalars are leaves, as
// text (strings without quotes).
void Flatten(const json& value, const std::string& prefix,
             std::map<std::string, std::string>* out) {
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) {
      Flatten(child, prefix.empty() ? key : absl::StrCat(prefix, ".", key),
              out);
    }
    return;
  }
  (*out)[prefix] = value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

EnvironmentDiff DiffEnvironments(const json& old_environment,
                                 const json& new_environment) {
  std::map<std::string, std::string> old_fields;
  std::map<std::string, std::string> new_fields;
  Flatten(old_environment, "", &old_fields);
  Flatten(new_environment, "", &new_fields);
  std::set<std::string> fields;
  for (const auto& [field, value] : old_fields) fields.insert(field);
  for (const auto& [field, value] : new_fields) fields.insert(field);

  EnvironmentDiff diff;
  for (const std::string& field : fields) {
    if (Ignored(field)) continue;
    const auto old_it = old_fields.find(field);
    const auto new_it = new_fields.find(field);
    const std::string old_value =
        old_it == old_fields.end() ? kAbsent : old_it->second;
    const std::string new_value =
        new_it == new_fields.end() ? kAbsent : new_it->second;
    if (old_value == new_value) continue;
    diff.differences.push_back(
        {field, old_value, new_value, AffectsOutcomes(field)});
    if (IdentifiesMachine(field)) diff.different_machines = true;
  }
  return diff;
}

}  // namespace forkcheck
