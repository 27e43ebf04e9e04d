#include "matrix/matrix_job.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "matrix/server_pool.h"

namespace forkcheck {

namespace {

// Describes each client in `names` through its testee program and fills
// `testees` with those that can run.
std::vector<ClientRun> ReadyClients(
    const std::set<std::string>& names, const MatrixJobOptions& options,
    std::map<std::string, TesteeClient>* testees) {
  std::vector<ClientRun> clients;
  auto selected = [&options](const std::string& client) {
    return options.clients.empty() || options.clients.count(client) != 0;
  };
  // The C++ reference client first, as every view lists it.
  std::vector<std::string> ordered = {kCppClient};
  for (const std::string& client : names) {
    if (client != kCppClient) ordered.push_back(client);
  }
  for (const std::string& client : ordered) {
    ClientRun run{client, std::nullopt, ""};
    if (!selected(client)) {
      run.skipped = "not among the selected clients";
    } else if (absl::StatusOr<TesteeClient> testee = ReadyTestee(
                   options.testee_programs, client, options.describe_watchdog);
               !testee.ok()) {
      run.skipped = std::string(testee.status().message());
    } else {
      run.description = testee->description;
      (*testees)[client] = *std::move(testee);
    }
    clients.push_back(std::move(run));
  }
  return clients;
}

// Keeps in *cells the cells of `spec`'s shard of them, in their order; what
// the report records of the shard.
absl::StatusOr<ShardAssignment> KeepShard(
    const ShardSpec& spec, const std::set<std::string>& hang_prone,
    std::vector<Cell>* cells) {
  if (absl::Status valid = CheckShardSpec(spec); !valid.ok()) return valid;
  std::vector<CellToPlan> planned;
  for (const Cell& cell : *cells) {
    const std::string key = CellKey(cell);
    planned.push_back(
        {key, EstimateCellCost(cell, hang_prone.count(key) != 0)});
  }
  absl::StatusOr<ShardPlan> plan = PlanShards(planned, spec.count);
  if (!plan.ok()) return plan.status();
  ShardAssignment assignment;
  assignment.spec = spec;
  assignment.plan_fingerprint = plan->fingerprint;
  assignment.plan_cells = static_cast<int>(cells->size());
  assignment.positions = plan->shards[spec.index];
  std::vector<Cell> kept;
  for (int position : assignment.positions) {
    kept.push_back(std::move((*cells)[position]));
  }
  *cells = std::move(kept);
  return assignment;
}

}  // namespace

absl::StatusOr<MatrixJobResult> RunMatrixJob(const MatrixJobOptions& options) {
  MatrixJobResult job;
  absl::StatusOr<MatrixDesign> design =
      LoadMatrixDesignFile(options.design_path);
  if (!design.ok()) return design.status();
  job.design = *std::move(design);
  std::set<std::string> designed = DesignClients(job.design);
  designed.insert(kCppClient);
  for (const std::string& client : options.clients) {
    if (designed.count(client) == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("no client \"", client, "\" in the design; it has ",
                       absl::StrJoin(designed, ", ")));
    }
  }
  MatrixRunOptions run = options.run;
  job.clients = ReadyClients(designed, options, &run.cell.testees);
  std::set<std::string> ran;
  for (const ClientRun& client : job.clients) {
    if (!client.skipped.empty()) continue;
    ran.insert(client.client);
    if (!options.recorded_counts) continue;
    absl::StatusOr<std::map<std::string, OutcomeCounts>> recorded =
        options.recorded_counts(client);
    if (!recorded.ok()) return recorded.status();
    for (auto& [key, counts] : *recorded) {
      // Its first trial waits out a watchdog: on a hang lane, not a CPU one.
      if (counts.Count(OutcomeKind::kHang) * 2 > counts.total()) {
        run.likely_to_hang.insert(key);
      }
      run.recorded[key] = std::move(counts);
    }
  }
  std::map<std::string, v1::TesteeDescription> descriptions;
  for (const auto& [client, testee] : run.cell.testees) {
    descriptions[client] = testee.description;
  }
  absl::StatusOr<std::vector<Cell>> full =
      ExpandDesign(job.design, MatrixSize::kFull, descriptions);
  if (!full.ok()) return full.status();
  for (const Cell& cell : *full) job.known_keys.insert(CellKey(cell));
  absl::StatusOr<std::vector<Cell>> cells =
      ExpandDesign(job.design, options.size, descriptions);
  if (!cells.ok()) return cells.status();
  std::vector<Cell> chosen;
  for (Cell& cell : *cells) {
    if (ran.count(cell.client) == 0) continue;
    std::string key = CellKey(cell);
    if (absl::StrContains(key, options.cell_filter)) {
      if (IsBaselineAxes(cell.axes, job.design.defaults)) {
        run.headline.insert(std::move(key));
      }
      chosen.push_back(std::move(cell));
    }
  }
  if (chosen.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("no cell of the ", MatrixSizeName(options.size),
                     " matrix has \"", options.cell_filter, "\" in its key"));
  }
  const PowerProbe& probe = run.cell.power_probe;
  if (probe.active() &&
      std::none_of(chosen.begin(), chosen.end(),
                   [&probe](const Cell& cell) { return probe.Probes(cell); })) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--power_probe: no cell to run reads table small and has \"",
        probe.cells, "\" in its key"));
  }
  if (options.shard.has_value()) {
    absl::StatusOr<ShardAssignment> shard =
        KeepShard(*options.shard, run.likely_to_hang, &chosen);
    if (!shard.ok()) return shard.status();
    job.shard = *std::move(shard);
    // More shards than cells: this one has nothing to run, and no server
    // to start for it.
    if (chosen.empty()) return job;
  }
  absl::StatusOr<std::unique_ptr<ServerPool>> servers = ServerPool::Start(
      options.server_binary, job.design.fault_scripts, chosen, probe);
  if (!servers.ok()) return servers.status();
  absl::StatusOr<std::vector<CellResult>> results =
      RunMatrix(chosen, **servers, run);
  if (absl::Status stopped = (*servers)->Stop(); !stopped.ok()) {
    job.server_stop_error = std::string(stopped.message());
  }
  if (!results.ok()) return results.status();
  job.results = *std::move(results);
  return job;
}

}  // namespace forkcheck
