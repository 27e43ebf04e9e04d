#include "reports/environment_json.h"

#include <cstdint>
#include <optional>

namespace forkcheck {
namespace {

using Json = nlohmann::json;

Json Count(const std::optional<int64_t>& value) {
  return value.has_value() ? Json(*value) : Json(kUnknown);
}

Json Loads(const std::optional<LoadAverage>& value) {
  if (!value.has_value()) return kUnknown;
  return Json::array({(*value)[0], (*value)[1], (*value)[2]});
}

}  // namespace

nlohmann::json EnvironmentToJson(const Environment& e) {
  Json grpc_env = Json::object();
  for (const auto& [name, value] : e.grpc_env) grpc_env[name] = value;
  return Json{
      {"grpc",
       {{"cpp_version", e.grpc.cpp_version},
        {"core_version", e.grpc.core_version},
        {"library_path", e.grpc.library_path},
        {"atfork", e.grpc.atfork},
        {"atfork_evidence", e.grpc.atfork_evidence}}},
      {"protobuf",
       {{"header_version", e.protobuf.header_version},
        {"library_path", e.protobuf.library_path}}},
      {"build",
       {{"compiler", e.build.compiler},
        {"config", e.build.config},
        {"inferred_flags", e.build.inferred_flags},
        {"sanitizers", e.build.sanitizers},
        {"source", e.build.source},
        {"bazel_version", e.build.bazel_version}}},
      {"machine",
       {{"hostname", e.machine.hostname},
        {"os", e.machine.os},
        {"kernel_release", e.machine.kernel_release},
        {"kernel_version", e.machine.kernel_version},
        {"architecture", e.machine.architecture},
        {"libc_version", e.machine.libc_version},
        {"cpu_model", e.machine.cpu_model},
        {"hardware_concurrency", Count(e.machine.hardware_concurrency)},
        {"cpus_online", Count(e.machine.cpus_online)},
        {"cpus_allowed", Count(e.machine.cpus_allowed)},
        {"memory_total_bytes", Count(e.machine.memory_total_bytes)},
        {"scaling_governor", e.machine.scaling_governor},
        {"load_average_at_start", Loads(e.machine.load_average_at_start)}}},
      {"harness",
       {{"workspace_directory", e.harness.workspace_directory},
        {"git_commit", e.harness.git_commit},
        {"git_tree", e.harness.git_tree}}},
      {"start_time", e.start_time},
      {"end_time", e.end_time},
      {"grpc_env", grpc_env},
      {"notes", e.notes},
  };
}

}  // namespace forkcheck
