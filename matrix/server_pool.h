// The fake servers a matrix run reads from: one process per (transport,
// fault script) that the cells need, started before the first trial and
// stopped after the last. They are processes of their own, never inside a
// trial: a server forked along with the client under test would confound
// every result (see fakes/fake_server_process.h).
//
// Every server also stalls the streams of kBusyParentProject (until the
// client cancels), which is what keeps a busy parent thread inside its call
// at the fork (probes/busy_parent_call.h); no cell's workers read them.
#ifndef FORKCHECK_MATRIX_SERVER_POOL_H_
#define FORKCHECK_MATRIX_SERVER_POOL_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "common/scoped_directory.h"
#include "common/scratch_owner.h"
#include "fakes/fake_server_process.h"
#include "matrix/cell.h"
#include "matrix/power_probe.h"
#include "nlohmann/json.hpp"

namespace forkcheck {

// The fault rules every server adds to its script: a stall of every stream
// of kBusyParentProject, past any watchdog, and the power probe's stall of
// its table's sessions (with its probability) if it is active.
std::vector<nlohmann::json> HarnessStallRules(const PowerProbe& power_probe);

// How the pool starts the server of `axes`' (transport, faults), its files
// named `stem` plus a suffix: its flags, and its fault script (the design's
// `fault_scripts` entry plus HarnessStallRules) to write at `faults_path`
// first. One description, for the pool and for anyone who starts the same
// server elsewhere (driver/repro_bundle.h's script). INVALID_ARGUMENT for a
// fault script not in `fault_scripts`.
struct ServerLaunch {
  std::vector<std::string> flags;  // --listen=..., --faults=<faults_path>
  std::string faults_path;
  std::string faults_json;
};
absl::StatusOr<ServerLaunch> ServerLaunchFor(
    const Axes& axes, const std::map<std::string, std::string>& fault_scripts,
    const PowerProbe& power_probe, const std::string& stem);

class ServerPool {
 public:
  // Starts the servers `cells` need. `fault_scripts`: name -> the fake's
  // fault script JSON (empty for none). An active `power_probe` adds its
  // stall to every server's script. Sockets and scripts go to a fresh
  // directory under $TMPDIR (under /tmp if $TMPDIR is too long for a Unix
  // socket's path: 107 bytes), removed by the destructor.
  static absl::StatusOr<std::unique_ptr<ServerPool>> Start(
      const std::string& server_binary,
      const std::map<std::string, std::string>& fault_scripts,
      const std::vector<Cell>& cells, const PowerProbe& power_probe = {});

  ~ServerPool();  // stops every server (bounded), removes the directory

  // The address trials of `cell` dial; NOT_FOUND if Start was not asked
  // for its (transport, faults).
  absl::StatusOr<std::string> TargetFor(const Axes& axes) const;

  // How the server trials of `axes` dial was started; nullptr if there is
  // none.
  const ServerLaunch* LaunchFor(const Axes& axes) const;

  // Stops every server; an error names the ones that did not exit cleanly.
  absl::Status Stop();

 private:
  explicit ServerPool(ScopedDirectory directory)
      : directory_(std::move(directory)) {}

  // It may lie outside the run's own directory (under /tmp when TMPDIR is
  // too long for sockets): marked, so a later run removes it if this one is
  // killed. Declared before the directory, so held until it is removed.
  std::optional<OwnerMark> mark_;
  ScopedDirectory directory_;  // the servers' sockets, fault scripts, logs
  std::map<std::pair<std::string, std::string>,
           std::unique_ptr<FakeServerProcess>>
      servers_;
  std::map<std::pair<std::string, std::string>, ServerLaunch> launches_;
};

}  // namespace forkcheck

#endif  // FORKCHECK_MATRIX_SERVER_POOL_H_
