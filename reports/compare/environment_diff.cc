#include "reports/compare/environment_diff.h"

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "reports/environment_json.h"

namespace forkcheck {
namespace {

constexpr char kAbsent[] = "(absent)";

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

// Facts that are not the environment's identity: when the run happened, its
// notes, the load it started under.
bool NotCompared(const std::string& field) {
  return field == "start_time" || field == "end_time" || field == "notes" ||
         field == "machine.load_average_at_start";
}

// `value`'s leaves as "a.b" -> text, as the report writes them (a string as
// itself, anything else as its JSON), so a difference reads as the report
// does.
void Flatten(const nlohmann::json& value, const std::string& path,
             std::map<std::string, std::string>* facts) {
  if (value.is_object()) {
    for (const auto& [key, member] : value.items()) {
      Flatten(member, path.empty() ? key : absl::StrCat(path, ".", key),
              facts);
    }
    return;
  }
  if (NotCompared(path)) return;
  (*facts)[path] = value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

std::map<std::string, std::string> ComparedFacts(const Environment& e) {
  // The writer's fields, so that a fact it adds is compared without a
  // second list here.
  std::map<std::string, std::string> facts;
  Flatten(EnvironmentToJson(e), "", &facts);
  return facts;
}

EnvironmentDiff DiffEnvironments(const Environment& old_environment,
                                 const Environment& new_environment) {
  const std::map<std::string, std::string> old_facts =
      ComparedFacts(old_environment);
  const std::map<std::string, std::string> new_facts =
      ComparedFacts(new_environment);
  std::set<std::string> fields;
  for (const auto& [field, value] : old_facts) fields.insert(field);
  for (const auto& [field, value] : new_facts) fields.insert(field);

  EnvironmentDiff diff;
  for (const std::string& field : fields) {
    const auto old_it = old_facts.find(field);
    const auto new_it = new_facts.find(field);
    const std::string old_value =
        old_it == old_facts.end() ? kAbsent : old_it->second;
    const std::string new_value =
        new_it == new_facts.end() ? kAbsent : new_it->second;
    if (old_value == new_value) continue;
    diff.differences.push_back(
        {field, old_value, new_value, AffectsOutcomes(field)});
    if (IdentifiesMachine(field)) diff.different_machines = true;
  }
  return diff;
}

}  // namespace forkcheck
