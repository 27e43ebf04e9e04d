#include "matrix/server_pool.h"

#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "dataset/busy_parent_project.h"
#include "nlohmann/json.hpp"

namespace forkcheck {
namespace {

// Longer than any trial's watchdog; a stall ends when the client cancels.
constexpr int64_t kPastEveryWatchdogMillis = 10 * 60 * 1000;

// `script` (a fault script, or empty) plus HarnessStallRules.
std::string WithHarnessStalls(const std::string& script,
                              const PowerProbe& power_probe) {
  nlohmann::json document =
      script.empty() ? nlohmann::json{{"faults", nlohmann::json::array()}}
                     : nlohmann::json::parse(script);
  for (nlohmann::json& rule : HarnessStallRules(power_probe)) {
    document["faults"].push_back(std::move(rule));
  }
  return document.dump(2);
}

}  // namespace

std::vector<nlohmann::json> HarnessStallRules(const PowerProbe& power_probe) {
  const auto stall = [](const std::string& target, double probability) {
    nlohmann::json rule = {{"kind", "stall"},
                           {"target", target},
                           {"after_rows", 0},
                           {"millis", kPastEveryWatchdogMillis},
                           {"max_fires", -1}};
    if (probability < 1) rule["probability"] = probability;
    return rule;
  };
  std::vector<nlohmann::json> rules = {stall(kBusyParentProject, 1)};
  if (power_probe.active()) {
    rules.push_back(stall(power_probe.table_name, power_probe.probability));
  }
  return rules;
}

absl::StatusOr<ServerLaunch> ServerLaunchFor(
    const Axes& axes, const std::map<std::string, std::string>& fault_scripts,
    const PowerProbe& power_probe, const std::string& stem) {
  const auto script = fault_scripts.find(axes.faults);
  if (script == fault_scripts.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("no fault script named \"", axes.faults, "\""));
  }
  ServerLaunch launch;
  launch.faults_path = stem + ".faults.json";
  launch.faults_json = WithHarnessStalls(script->second, power_probe);
  const std::string listen = axes.transport == "unix"
                                 ? absl::StrCat("unix:", stem, ".sock")
                                 : "127.0.0.1:0";
  launch.flags = {"--listen=" + listen, "--faults=" + launch.faults_path};
  return launch;
}

absl::StatusOr<std::unique_ptr<ServerPool>> ServerPool::Start(
    const std::string& server_binary,
    const std::map<std::string, std::string>& fault_scripts,
    const std::vector<Cell>& cells, const PowerProbe& power_probe) {
  // Room for the longest socket's name: "/<server number>.sock".
  constexpr size_t kSocketRoom = 16;
  absl::StatusOr<ScopedDirectory> directory =
      ScopedDirectory::Make("forkcheck-servers-", kSocketRoom);
  if (!directory.ok()) {
    return absl::InternalError(
        absl::StrCat("creating a directory for the servers: ",
                     directory.status().message()));
  }
  std::unique_ptr<ServerPool> pool(new ServerPool(*std::move(directory)));
  if (absl::StatusOr<OwnerMark> mark =
          MarkOwnedByThisProcess(pool->directory_.path());
      mark.ok()) {
    pool->mark_ = *std::move(mark);
  }
  for (const Cell& cell : cells) {
    const auto key = std::make_pair(cell.axes.transport, cell.axes.faults);
    if (pool->servers_.count(key) != 0) continue;
    absl::StatusOr<ServerLaunch> launch = ServerLaunchFor(
        cell.axes, fault_scripts, power_probe,
        absl::StrCat(pool->directory_.path(), "/", pool->servers_.size()));
    if (!launch.ok()) return launch.status();
    if (absl::Status written =
            WriteFileAtomically(launch->faults_path, launch->faults_json);
        !written.ok()) {
      return written;
    }
    // The server's stderr stays out of the main job's console.
    FakeServerProcess::Options options;
    options.binary = server_binary;
    options.flags = launch->flags;
    options.stderr_path = absl::StrCat(pool->directory_.path(), "/server-",
                                       pool->servers_.size(), ".stderr");
    absl::StatusOr<std::unique_ptr<FakeServerProcess>> server =
        FakeServerProcess::Start(options);
    if (!server.ok()) {
      return absl::Status(
          server.status().code(),
          absl::StrCat("starting the fake server (", cell.axes.transport,
                       ", faults ", cell.axes.faults,
                       "): ", server.status().message()));
    }
    pool->servers_[key] = *std::move(server);
    pool->launches_[key] = *std::move(launch);
  }
  return pool;
}

ServerPool::~ServerPool() {
  Stop().IgnoreError();  // then the directory goes, the mark with it
}

absl::StatusOr<std::string> ServerPool::TargetFor(const Axes& axes) const {
  const auto found = servers_.find({axes.transport, axes.faults});
  if (found == servers_.end()) {
    return absl::NotFoundError(absl::StrCat("no server for transport ",
                                            axes.transport, " and faults ",
                                            axes.faults));
  }
  return found->second->address();
}

const ServerLaunch* ServerPool::LaunchFor(const Axes& axes) const {
  const auto found = launches_.find({axes.transport, axes.faults});
  return found == launches_.end() ? nullptr : &found->second;
}

absl::Status ServerPool::Stop() {
  std::string failures;
  for (auto& [key, server] : servers_) {
    if (server == nullptr) continue;
    if (absl::Status stopped = server->Stop(); !stopped.ok()) {
      absl::StrAppend(&failures, failures.empty() ? "" : "; ", key.first, "/",
                      key.second, ": ", stopped.message());
    }
    server.reset();
  }
  if (!failures.empty()) {
    return absl::InternalError(absl::StrCat("fake servers: ", failures));
  }
  return absl::OkStatus();
}

}  // namespace forkcheck
