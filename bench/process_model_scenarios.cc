#include "bench/process_model_scenarios.h"

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/file_util.h"
#include "dataset/catalogue.h"
#include "fakes/fault_injector.h"

namespace forkcheck {
namespace {

constexpr int64_t kMaxResponseBytes = int64_t{4} << 20;
constexpr int kMaxWorkers = 64;

// The comma-separated items of a flag's value; empty items are an error.
// Errors here and in the parsers below do not name the flag: the caller
// does (TakeSelectionFlags its own, the main job its --bench_* flag).
absl::StatusOr<std::vector<std::string>> Items(absl::string_view value) {
  std::vector<std::string> items = absl::StrSplit(value, ',');
  for (const std::string& item : items) {
    if (item.empty()) {
      return absl::InvalidArgumentError("an empty item in the list");
    }
  }
  return items;
}

std::vector<std::string> Labels() {
  std::vector<std::string> labels;
  for (const ModelScenario& model : BenchmarkedModels()) {
    labels.push_back(model.label);
  }
  return labels;
}

absl::Status ParseModels(absl::string_view value, BenchSelection* selection) {
  absl::StatusOr<std::vector<std::string>> items = Items(value);
  if (!items.ok()) return items.status();
  selection->models.clear();
  std::set<std::string> seen;
  for (const std::string& item : *items) {
    const ModelScenario* found = nullptr;
    for (const ModelScenario& model : BenchmarkedModels()) {
      if (model.label == item) found = &model;
    }
    if (found == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown model \"", item,
                       "\"; known: ", absl::StrJoin(Labels(), ", ")));
    }
    if (seen.insert(item).second) selection->models.push_back(*found);
  }
  return absl::OkStatus();
}

// The clients some model of BenchmarkedModels() is of, sorted.
std::set<std::string> ModelClients() {
  std::set<std::string> clients;
  for (const ModelScenario& model : BenchmarkedModels()) {
    clients.insert(model.client);
  }
  return clients;
}

absl::Status ParseClients(absl::string_view value, BenchSelection* selection) {
  absl::StatusOr<std::vector<std::string>> items = Items(value);
  if (!items.ok()) return items.status();
  const std::set<std::string> known = ModelClients();
  selection->clients.clear();
  for (const std::string& item : *items) {
    if (known.count(item) == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "no model is of client \"", item,
          "\"; the models' clients: ", absl::StrJoin(known, ", ")));
    }
    selection->clients.insert(item);
  }
  return absl::OkStatus();
}

absl::Status ParseWorkers(absl::string_view value, BenchSelection* selection) {
  absl::StatusOr<std::vector<std::string>> items = Items(value);
  if (!items.ok()) return items.status();
  selection->workers.clear();
  for (const std::string& item : *items) {
    int workers = 0;
    if (!absl::SimpleAtoi(item, &workers) || workers < 1 ||
        workers > kMaxWorkers) {
      return absl::InvalidArgumentError(absl::StrCat(
          "\"", item, "\" is not a count from 1 to ", kMaxWorkers));
    }
    selection->workers.push_back(workers);
  }
  return absl::OkStatus();
}

absl::Status ParseSizes(absl::string_view value, BenchSelection* selection) {
  absl::StatusOr<std::vector<std::string>> items = Items(value);
  if (!items.ok()) return items.status();
  selection->response_bytes.clear();
  for (const std::string& item : *items) {
    absl::StatusOr<int64_t> bytes = ParseResponseSize(item);
    if (!bytes.ok()) return bytes.status();
    selection->response_bytes.push_back(*bytes);
  }
  return absl::OkStatus();
}

absl::Status CheckTable(absl::string_view value) {
  const TableSpec* spec = Catalogue::Default().Resolve(std::string(value));
  if (spec == nullptr || spec->row_count <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", value, "\" is not a table of the default catalogue with rows"));
  }
  return absl::OkStatus();
}

absl::Status ParseTable(absl::string_view value, BenchSelection* selection) {
  if (absl::Status valid = CheckTable(value); !valid.ok()) {
    return valid;
  }
  selection->table = std::string(value);
  return absl::OkStatus();
}

absl::Status ParseTesteeTable(absl::string_view value,
                              BenchSelection* selection) {
  if (absl::Status valid = CheckTable(value); !valid.ok()) {
    return valid;
  }
  selection->testee_table = std::string(value);
  return absl::OkStatus();
}

absl::Status ParseWatchdog(absl::string_view value, BenchSelection* selection) {
  int64_t millis = 0;
  if (!absl::SimpleAtoi(value, &millis) || millis < 100) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", value, "\" is not milliseconds >= 100"));
  }
  selection->trial_watchdog = std::chrono::milliseconds(millis);
  return absl::OkStatus();
}

absl::Status ParseSessionCalls(absl::string_view value,
                               BenchSelection* selection) {
  int calls = 0;
  if (!absl::SimpleAtoi(value, &calls) || calls < 0 || calls > 100000) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", value, "\" is not 0 to 100000"));
  }
  selection->session_calls_per_trial = calls;
  return absl::OkStatus();
}

absl::Status ParseFakeFaults(absl::string_view value,
                             BenchSelection* selection) {
  const std::string path(value);
  absl::StatusOr<std::string> text = ReadFile(path, "fault script");
  if (!text.ok()) {
    return absl::InvalidArgumentError(text.status().message());
  }
  // Checked here, so that a bad script is a usage error before anything
  // runs, not a fake server that fails to start.
  if (absl::StatusOr<std::vector<FaultRule>> rules =
          ParseFaultScriptJson(*text);
      !rules.ok()) {
    return absl::InvalidArgumentError(rules.status().message());
  }
  selection->fake_faults_path = path;
  selection->fake_faults_json = *std::move(text);
  return absl::OkStatus();
}

}  // namespace

const std::vector<ModelScenario>& BenchmarkedModels() {
  static const auto* models = new std::vector<ModelScenario>{
      {"thread_shared", "thread_shared", {}},
      {"channel_per_thread_global",
       "channel_per_thread",
       {{"subchannel_pool", "global"}}},
      {"channel_per_thread_local",
       "channel_per_thread",
       {{"subchannel_pool", "local"}}},
      {"fork_then_create_pristine", "fork_then_create_pristine", {}},
      {"fork_then_create_parent_used",
       "fork_then_create_parent_used",
       {{"parent_client", "destroyed"}}},
      {"spawn", "spawn", {}},
      {"forkserver", "forkserver", {}},
      {"fork_after_create",
       "fork_after_create",
       {{"parent_channel", "used"}},
       "cpp",
       /*by_default=*/false},
      // The Python client in its own terms (testees/python_grpcio).
      {"python_threads", "threads", {}, kPythonGrpcioClient},
      {"python_fork_after_pool",
       "multiprocessing",
       {{"start_method", "fork"},
        {"parent_client", "after_pool"},
        {"worker_client", "own"}},
       kPythonGrpcioClient},
      {"python_forkserver",
       "multiprocessing",
       {{"start_method", "forkserver"}, {"worker_client", "own"}},
       kPythonGrpcioClient},
      {"python_spawn",
       "multiprocessing",
       {{"start_method", "spawn"}, {"worker_client", "own"}},
       kPythonGrpcioClient},
  };
  return *models;
}

std::vector<ModelScenario> DefaultModels() {
  std::vector<ModelScenario> models;
  for (const ModelScenario& model : BenchmarkedModels()) {
    if (model.by_default) models.push_back(model);
  }
  return models;
}

std::string ResponseSizeLabel(int64_t bytes) {
  if (bytes > 0 && bytes % (1 << 20) == 0) {
    return absl::StrCat(bytes >> 20, "MiB");
  }
  if (bytes > 0 && bytes % (1 << 10) == 0) {
    return absl::StrCat(bytes >> 10, "KiB");
  }
  return absl::StrCat(bytes, "B");
}

absl::StatusOr<int64_t> ParseResponseSize(const std::string& text) {
  absl::string_view number = text;
  int64_t unit = 1;
  if (absl::ConsumeSuffix(&number, "MiB")) {
    unit = 1 << 20;
  } else if (absl::ConsumeSuffix(&number, "KiB")) {
    unit = 1 << 10;
  } else {
    absl::ConsumeSuffix(&number, "B");
  }
  int64_t count = 0;
  if (!absl::SimpleAtoi(number, &count) || count < 1 ||
      count > kMaxResponseBytes / unit) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", text, "\" is not a response size from 1B to 4MiB (e.g. 64KiB)"));
  }
  return count * unit;
}

namespace {

using Parser = absl::Status (*)(absl::string_view, BenchSelection*);

constexpr std::pair<absl::string_view, Parser> kSelectionFlags[] = {
    {"--models=", ParseModels},
    {"--clients=", ParseClients},
    {"--workers=", ParseWorkers},
    {"--sizes=", ParseSizes},
    {"--table=", ParseTable},
    {"--testee_table=", ParseTesteeTable},
    {"--trial_watchdog_ms=", ParseWatchdog},
    {"--session_calls_per_trial=", ParseSessionCalls},
    {"--fake_faults=", ParseFakeFaults},
};

}  // namespace

absl::Status CheckSelectionFlag(absl::string_view name,
                                absl::string_view value) {
  const std::string prefix = absl::StrCat("--", name, "=");
  for (const auto& [flag, parse] : kSelectionFlags) {
    if (flag != prefix) continue;
    BenchSelection selection;
    return parse(value, &selection);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("process_models_benchmark has no flag --", name));
}

std::vector<ModelScenario> ModelsOfClients(
    const std::vector<ModelScenario>& models,
    const std::set<std::string>& clients) {
  if (clients.empty()) return models;
  std::vector<ModelScenario> kept;
  for (const ModelScenario& model : models) {
    if (clients.count(model.client) != 0) kept.push_back(model);
  }
  return kept;
}

absl::StatusOr<BenchSelection> TakeSelectionFlags(std::vector<char*>* args) {
  const auto& flags = kSelectionFlags;
  BenchSelection selection;
  std::vector<char*> kept;
  for (size_t i = 0; i < args->size(); ++i) {
    const absl::string_view arg = (*args)[i];
    bool taken = false;
    for (const auto& [prefix, parse] : flags) {
      if (i == 0 || !absl::StartsWith(arg, prefix)) continue;
      if (absl::Status parsed = parse(arg.substr(prefix.size()), &selection);
          !parsed.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat(arg, ": ", parsed.message()));
      }
      taken = true;
    }
    // The same names without "=value" would silently do nothing.
    for (const auto& [prefix, parse] : flags) {
      if (i > 0 && arg == prefix.substr(0, prefix.size() - 1)) {
        return absl::InvalidArgumentError(
            absl::StrCat(arg, " needs a value: ", arg, "=..."));
      }
    }
    if (!taken) kept.push_back((*args)[i]);
  }
  *args = std::move(kept);
  selection.models = ModelsOfClients(selection.models, selection.clients);
  if (selection.models.empty()) {
    return absl::InvalidArgumentError(
        "--clients: none of the models chosen is of those clients");
  }
  return selection;
}

}  // namespace forkcheck
