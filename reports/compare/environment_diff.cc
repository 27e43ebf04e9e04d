#include "reports/compare/environment_diff.h"

#include <optional>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

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

// As the report writes a list, so a difference reads as the report does.
std::string ListText(const std::vector<std::string>& list) {
  return nlohmann::json(list).dump();
}

std::string CountText(const std::optional<int64_t>& count) {
  return count.has_value() ? absl::StrCat(*count) : kUnknown;
}

}  // namespace

std::map<std::string, std::string> ComparedFacts(const Environment& e) {
  const MachineFacts& m = e.machine;
  std::map<std::string, std::string> facts = {
      {"grpc.cpp_version", e.grpc.cpp_version},
      {"grpc.core_version", e.grpc.core_version},
      {"grpc.library_path", e.grpc.library_path},
      {"grpc.atfork", e.grpc.atfork},
      {"grpc.atfork_evidence", e.grpc.atfork_evidence},
      {"protobuf.header_version", e.protobuf.header_version},
      {"protobuf.library_path", e.protobuf.library_path},
      {"build.compiler", e.build.compiler},
      {"build.config", e.build.config},
      {"build.inferred_flags", ListText(e.build.inferred_flags)},
      {"build.sanitizers", ListText(e.build.sanitizers)},
      {"build.source", e.build.source},
      {"build.bazel_version", e.build.bazel_version},
      {"machine.hostname", m.hostname},
      {"machine.os", m.os},
      {"machine.kernel_release", m.kernel_release},
      {"machine.kernel_version", m.kernel_version},
      {"machine.architecture", m.architecture},
      {"machine.libc_version", m.libc_version},
      {"machine.cpu_model", m.cpu_model},
      {"machine.hardware_concurrency", CountText(m.hardware_concurrency)},
      {"machine.cpus_online", CountText(m.cpus_online)},
      {"machine.cpus_allowed", CountText(m.cpus_allowed)},
      {"machine.memory_total_bytes", CountText(m.memory_total_bytes)},
      {"machine.scaling_governor", m.scaling_governor},
      {"harness.workspace_directory", e.harness.workspace_directory},
      {"harness.git_commit", e.harness.git_commit},
      {"harness.git_tree", e.harness.git_tree},
  };
  for (const auto& [name, value] : e.grpc_env) {
    facts[absl::StrCat("grpc_env.", name)] = value;
  }
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
