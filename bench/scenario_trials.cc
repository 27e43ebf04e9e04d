#include "bench/scenario_trials.h"

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/interrupt_cleanup.h"
#include "matrix/cell.h"
#include "matrix/trial_spec.h"
#include "supervisor/trial_evidence.h"
#include "testees/testee_programs.h"

namespace forkcheck {

void PrepareBenchmarkProcess() {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  InstallInterruptCleanup();
  UseOwnTemporaryDirectory();
}
namespace {

// How long a parent waits for its workers before it checks its own client
// anyway (the clients' own default).
constexpr std::chrono::milliseconds kWorkerPatience(1000);

}  // namespace

ScenarioClients DescribeScenarioClients(
    const std::string& argv0, const std::vector<ModelScenario>& scenarios,
    const std::string& program) {
  ScenarioClients clients;
  const std::map<std::string, TesteeProgram> programs = TesteePrograms(argv0);
  for (const ModelScenario& scenario : scenarios) {
    const std::string& client = scenario.client;
    if (clients.testees.count(client) != 0 ||
        clients.skipped.count(client) != 0) {
      continue;
    }
    absl::StatusOr<TesteeClient> testee =
        ReadyTestee(programs, client, std::chrono::seconds(30));
    if (!testee.ok()) {
      clients.skipped[client] = std::string(testee.status().message());
      std::fprintf(stderr, "%s: skipping client %s: %s\n", program.c_str(),
                   client.c_str(), clients.skipped[client].c_str());
      continue;
    }
    clients.testees[client] = *std::move(testee);
  }
  return clients;
}

absl::StatusOr<ResolvedScenario> ResolveScenario(
    const ScenarioClients& clients, const ModelScenario& scenario) {
  ResolvedScenario resolved{scenario, scenario.label, ""};
  if (const auto skipped = clients.skipped.find(scenario.client);
      skipped != clients.skipped.end()) {
    resolved.skipped = absl::StrCat("client ", scenario.client,
                                    " cannot run here: ", skipped->second);
    // Named with its client all the same, so reports place it right.
    resolved.model_name =
        CellModelName(scenario.client, scenario.model, scenario.variant);
    return resolved;
  }
  const auto testee = clients.testees.find(scenario.client);
  if (testee == clients.testees.end()) {
    return absl::FailedPreconditionError(
        absl::StrCat("client ", scenario.client, " was not described"));
  }
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> variant =
      CompleteVariant(testee->second.description, scenario.model,
                      scenario.variant);
  if (!variant.ok()) return variant.status();
  resolved.scenario.variant = *variant;
  resolved.model_name =
      CellModelName(scenario.client, scenario.model, *variant);
  return resolved;
}

v1::TrialRequest ScenarioRequest(const ResolvedScenario& resolved, int workers,
                                 const std::string& target,
                                 const ScenarioWork& work) {
  const ModelScenario& scenario = resolved.scenario;
  Cell cell;
  cell.model = scenario.model;
  cell.variant = scenario.variant;
  cell.model_name = resolved.model_name;
  cell.client = scenario.client;
  cell.axes.workers = workers;
  cell.axes.table = work.table;
  cell.axes.workload = work.workload;
  TrialBounds bounds;
  bounds.rpc_timeout = kScenarioRpcTimeout;
  bounds.parent_check_timeout = kScenarioRpcTimeout;
  bounds.worker_patience = kWorkerPatience;
  bounds.watchdog = work.watchdog;
  bounds.session_calls = work.session_calls_per_worker;
  return TrialRequestFor(cell, target, work.table, bounds);
}

std::string DescribeNotOk(const TrialOutcome& outcome) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < outcome.workers.size(); ++i) {
    if (outcome.workers[i].kind == OutcomeKind::kOk) continue;
    parts.push_back(absl::StrCat("worker ", i, ": ",
                                 DescribeWorkerOutcome(outcome.workers[i])));
  }
  if (outcome.parent_after.has_value() &&
      outcome.parent_after->kind != OutcomeKind::kOk) {
    parts.push_back(absl::StrCat("parent_after: ",
                                 DescribeWorkerOutcome(*outcome.parent_after)));
  }
  if (outcome.missing_rows > 0) {
    parts.push_back(absl::StrCat(outcome.missing_rows, " rows missing"));
  }
  if (outcome.duplicate_rows > 0) {
    parts.push_back(absl::StrCat(outcome.duplicate_rows, " rows duplicated"));
  }
  return absl::StrCat(OutcomeKindName(outcome.overall), ": ",
                      absl::StrJoin(parts, "; "));
}

absl::Status ExplainNotOkTrial(const std::string& trial,
                               const TrialRecord& record,
                               const TrialOutcome& outcome, std::FILE* log) {
  const std::string not_ok = DescribeNotOk(outcome);
  const std::vector<ProcessEvidence> evidence =
      EvidenceFromTrial(record, outcome);
  // Enough of a Python traceback or a sanitizer's report to read the
  // failure from the log alone.
  constexpr size_t kStderrLines = 40;
  std::fprintf(log, "%s: trial not ok: %s\n%s", trial.c_str(), not_ok.c_str(),
               DescribeEvidence(evidence, kStderrLines, "  ").c_str());
  std::fflush(log);
  const ProcessEvidence* named = TellingSignature(evidence, outcome);
  if (named == nullptr) return absl::AbortedError(not_ok);
  // The signature starts with the signal, if there was one.
  return absl::AbortedError(absl::StrCat(not_ok, "; ", named->process,
                                         " stack (", named->stacks_source,
                                         "): ", named->signature));
}

bool RepetitionFailures::SkipIfFailedBefore(benchmark::State& state,
                                            const std::string& name) const {
  const auto failed = failed_.find(name);
  if (failed == failed_.end()) return false;
  state.SkipWithError(
      absl::StrCat("failed in an earlier repetition: ", failed->second)
          .c_str());
  return true;
}

void RepetitionFailures::Skip(benchmark::State& state, const std::string& name,
                              const absl::Status& status) {
  const std::string why = absl::IsAborted(status)
                              ? std::string(status.message())
                              : status.ToString();
  failed_[name] = why;
  state.SkipWithError(why.c_str());
}

absl::StatusOr<std::vector<std::shared_ptr<grpc::Channel>>>
ConnectedBareChannels(const std::string& address, int count) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < count; ++i) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    channels.push_back(grpc::CreateCustomChannel(
        address, grpc::InsecureChannelCredentials(), args));
    if (!channels.back()->WaitForConnected(std::chrono::system_clock::now() +
                                           std::chrono::seconds(10))) {
      return absl::UnavailableError(
          absl::StrCat("bare server ", address, ": no connection in 10 s"));
    }
  }
  return channels;
}

void AddTrialEnvironmentContext(const BenchSelection& selection) {
  benchmark::AddCustomContext("fake_faults", selection.fake_faults_json.empty()
                                                 ? "(none)"
                                                 : selection.fake_faults_json);
  // The trials inherit this environment: these change what gRPC does.
  for (const char* name : {"GRPC_ENABLE_FORK_SUPPORT", "GRPC_POLL_STRATEGY"}) {
    const char* value = std::getenv(name);
    benchmark::AddCustomContext(name, value == nullptr ? "(unset)" : value);
  }
}

}  // namespace forkcheck
