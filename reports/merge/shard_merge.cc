#include "reports/merge/shard_merge.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/json_fields.h"
#include "reports/compare/environment_diff.h"

namespace forkcheck {
namespace {

using Json = nlohmann::json;

// Cells named in an error before "and N more".
constexpr size_t kCellsNamed = 5;

absl::Status Refuse(const std::string& why) {
  return absl::InvalidArgumentError(why);
}

// One shard with what the checks read of it.
struct Shard {
  const ShardReport* input;
  const ReportModel* model;
  const ReportShard* shard;
  const Json* conformance;
};

std::string Quoted(const std::string& file) { return "\"" + file + "\""; }

// "python-grpcio: grpcio 1.51.1 (gRPC core 29.0.0, protobuf 3.21.12)", or
// "python-grpcio: skipped": what must be the same in every shard.
std::string ClientIdentity(const ReportClient& client) {
  if (!client.ran()) return absl::StrCat(client.client, ": skipped");
  std::vector<std::string> versions;
  for (const auto& [name, version] : client.versions) {
    versions.push_back(absl::StrCat(name, " ", version));
  }
  return absl::StrCat(client.client, ": ", client.library, " ",
                      client.library_version, " (gRPC core ",
                      client.grpc_core_version, versions.empty() ? "" : ", ",
                      absl::StrJoin(versions, ", "), ")");
}

std::string Clients(const ReportModel& model) {
  std::vector<std::string> clients;
  for (const ReportClient& client : model.conformance->clients) {
    clients.push_back(ClientIdentity(client));
  }
  return absl::StrJoin(clients, "; ");
}

// The shards as readers see them, each checked to be a shard with a matrix.
absl::StatusOr<std::vector<Shard>> ReadShards(
    const std::vector<ShardReport>& inputs) {
  std::vector<Shard> shards;
  for (const ShardReport& input : inputs) {
    const ReportModel& model = input.report.model();
    const std::string file = Quoted(input.file);
    if (!model.merged_from.empty()) {
      return Refuse(absl::StrCat(file,
                                 " is a merged report already; merge the "
                                 "shard reports it was made of"));
    }
    if (!model.shard.has_value()) {
      return Refuse(absl::StrCat(
          file,
          " is not a shard report: it has no \"shard\" field (the report of "
          "./forkcheck run --shard=I/N, or of a run a job engine sharded, "
          "has one)"));
    }
    if (!model.conformance.has_value()) {
      return Refuse(absl::StrCat(file, " is a shard without a matrix"));
    }
    if (model.shard->cell_positions.size() != model.conformance->cells.size()) {
      return Refuse(absl::StrCat(
          file, " places ", model.shard->cell_positions.size(),
          " cells in its plan but has ", model.conformance->cells.size()));
    }
    shards.push_back(
        {&input, &model, &*model.shard, &input.report.json()["conformance"]});
  }
  std::stable_sort(shards.begin(), shards.end(),
                   [](const Shard& a, const Shard& b) {
                     return a.shard->index < b.shard->index;
                   });
  return shards;
}

// What every shard must share with the first: the split, the plan, the
// code, the libraries and the way cells were run and judged.
absl::Status CheckBelongTogether(const Shard& first, const Shard& other) {
  const std::string a = Quoted(first.input->file);
  const std::string b = Quoted(other.input->file);
  const ReportShard& s = *first.shard;
  const ReportShard& t = *other.shard;
  if (s.count != t.count) {
    return Refuse(absl::StrCat(a, " is shard ", s.index, " of ", s.count,
                               " and ", b, " shard ", t.index, " of ", t.count,
                               ": shards of different splits"));
  }
  if (s.plan != t.plan || s.plan_cells != t.plan_cells) {
    return Refuse(absl::StrCat(
        a, " and ", b, " come from different designs: plans ", s.plan, " (",
        s.plan_cells, " cells) and ", t.plan, " (", t.plan_cells,
        " cells); the shards of a run need the same design, size, --cells, "
        "clients and recorded expectations"));
  }
  const Environment& e = first.model->environment;
  const Environment& f = other.model->environment;
  if (e.harness.git_commit != f.harness.git_commit) {
    return Refuse(absl::StrCat(
        a, " and ", b, " ran different harness commits: ", e.harness.git_commit,
        " and ", f.harness.git_commit));
  }
  if (e.grpc.cpp_version != f.grpc.cpp_version ||
      e.grpc.core_version != f.grpc.core_version) {
    return Refuse(
        absl::StrCat(a, " and ", b, " ran different gRPC: ", e.grpc.cpp_version,
                     " (core ", e.grpc.core_version, ") and ",
                     f.grpc.cpp_version, " (core ", f.grpc.core_version, ")"));
  }
  if (e.protobuf.header_version != f.protobuf.header_version) {
    return Refuse(absl::StrCat(
        a, " and ", b, " ran different Protobuf: ", e.protobuf.header_version,
        " and ", f.protobuf.header_version));
  }
  if (Clients(*first.model) != Clients(*other.model)) {
    return Refuse(absl::StrCat(
        a, " and ", b, " ran different clients: ", Clients(*first.model),
        " and ", Clients(*other.model)));
  }
  for (const char* field :
       {"size", "defaults", "trial_policy", "cell_filter", "power_probe"}) {
    const Json& mine = first.conformance->value(field, Json());
    const Json& theirs = other.conformance->value(field, Json());
    if (mine != theirs) {
      return Refuse(absl::StrCat(a, " and ", b, " ran the matrix with another ",
                                 field, ": ", mine.dump(), " and ",
                                 theirs.dump()));
    }
  }
  return absl::OkStatus();
}

// Each index of the split once.
absl::Status CheckEveryShardOnce(const std::vector<Shard>& shards) {
  const int count = shards.front().shard->count;
  std::map<int, std::string> files;
  for (const Shard& shard : shards) {
    auto [it, fresh] =
        files.emplace(shard.shard->index, Quoted(shard.input->file));
    if (!fresh) {
      return Refuse(absl::StrCat("shard ", shard.shard->index, " of ", count,
                                 " is given twice: ", it->second, " and ",
                                 Quoted(shard.input->file)));
    }
  }
  std::vector<std::string> missing;
  for (int index = 0; index < count; ++index) {
    if (files.count(index) == 0) missing.push_back(absl::StrCat(index));
  }
  if (!missing.empty()) {
    return Refuse(absl::StrCat(
        missing.size() == 1 ? "shard " : "shards ",
        absl::StrJoin(missing, ", "), " of ", count,
        missing.size() == 1 ? " is" : " are",
        " missing: a merged report must have every cell of the plan (",
        shards.front().shard->plan_cells, " cells)"));
  }
  return absl::OkStatus();
}

// "KEY" and up to kCellsNamed - 1 more, then "and N more".
std::string NameSome(const std::vector<std::string>& items) {
  std::vector<std::string> named(
      items.begin(), items.begin() + std::min(items.size(), kCellsNamed));
  std::string text = absl::StrJoin(named, "; ");
  if (items.size() > kCellsNamed) {
    absl::StrAppend(&text, "; and ", items.size() - kCellsNamed, " more");
  }
  return text;
}

// The cells of every shard in the plan's order, each once, all of them.
absl::StatusOr<Json> MergedCells(const std::vector<Shard>& shards) {
  const int plan_cells = shards.front().shard->plan_cells;
  std::map<std::string, std::string> file_of_key;
  std::map<int64_t, const Json*> by_position;
  std::vector<std::string> overlaps;
  std::vector<std::string> outside;
  for (const Shard& shard : shards) {
    const std::string file = Quoted(shard.input->file);
    const Json& cells = (*shard.conformance)["cells"];
    for (size_t i = 0; i < cells.size(); ++i) {
      const std::string& key = shard.model->conformance->cells[i].key;
      const int64_t position = shard.shard->cell_positions[i];
      auto [it, fresh] = file_of_key.emplace(key, file);
      if (!fresh) {
        overlaps.push_back(
            absl::StrCat(key, " (", it->second, " and ", file, ")"));
        continue;
      }
      if (position >= plan_cells) {
        outside.push_back(absl::StrCat(key, " (", file, ": place ", position,
                                       " of ", plan_cells, ")"));
        continue;
      }
      if (!by_position.emplace(position, &cells[i]).second) {
        overlaps.push_back(absl::StrCat("place ", position, " of the plan (",
                                        file, ": ", key, ")"));
      }
    }
  }
  if (!overlaps.empty()) {
    return Refuse(absl::StrCat(
        overlaps.size(),
        " cells are in more than one shard: ", NameSome(overlaps)));
  }
  if (!outside.empty()) {
    return Refuse(absl::StrCat(
        outside.size(),
        " cells are placed outside the plan: ", NameSome(outside)));
  }
  if (static_cast<int>(by_position.size()) != plan_cells) {
    std::vector<std::string> missing;
    for (int64_t position = 0; position < plan_cells; ++position) {
      if (by_position.count(position) == 0) {
        missing.push_back(absl::StrCat(position));
      }
    }
    return Refuse(absl::StrCat(
        "the shards have ", by_position.size(), " of the plan's ", plan_cells,
        " cells; missing the cells at places ", NameSome(missing),
        " (a shard report that lost cells, or was cut by hand)"));
  }
  Json merged = Json::array();
  for (const auto& [position, cell] : by_position) merged.push_back(*cell);
  return merged;
}

// Whether both outcomes counted their sensitive tests for the same change
// at the same trials and power (absent in reports from before it).
bool SameSensitivityQuestion(const Json& a, const Json& b) {
  if (!a.contains("sensitivity") || !b.contains("sensitivity")) return false;
  for (const char* field : {"trials", "shift", "power"}) {
    if (a["sensitivity"][field] != b["sensitivity"][field]) return false;
  }
  return true;
}

// One expectations outcome over the shards (null where a shard has none).
// The shards split the run's alpha among them, so the merged check's is
// their sum; its tests, sensitive tests and mismatches are all of theirs.
Json MergedExpectations(const std::vector<const Json*>& outcomes) {
  Json merged;
  bool all_alphas = true;
  double alpha = 0;
  std::vector<std::string> differences;
  for (const Json* outcome : outcomes) {
    if (outcome == nullptr || outcome->is_null()) continue;
    if (merged.is_null()) {
      merged = *outcome;
      merged["found"] = true;
      merged["passed"] = true;
      merged["tests"] = 0;
      if (merged.contains("quasi_binomial_tests")) {
        merged["quasi_binomial_tests"] = 0;
      }
      if (merged.contains("sensitivity")) merged["sensitivity"]["tests"] = 0;
      merged["mismatches"] = Json::array();
    }
    merged["found"] = merged["found"].get<bool>() && (*outcome)["found"];
    merged["passed"] = merged["passed"].get<bool>() && (*outcome)["passed"];
    merged["tests"] =
        merged["tests"].get<int64_t>() + (*outcome)["tests"].get<int64_t>();
    if (outcome->contains("quasi_binomial_tests")) {
      merged["quasi_binomial_tests"] =
          merged.value("quasi_binomial_tests", int64_t{0}) +
          (*outcome)["quasi_binomial_tests"].get<int64_t>();
    }
    // Counted only if every shard counted it, alike.
    if (SameSensitivityQuestion(merged, *outcome)) {
      merged["sensitivity"]["tests"] =
          merged["sensitivity"]["tests"].get<int64_t>() +
          (*outcome)["sensitivity"]["tests"].get<int64_t>();
    } else {
      merged.erase("sensitivity");
    }
    for (const Json& mismatch : (*outcome)["mismatches"]) {
      merged["mismatches"].push_back(mismatch);
    }
    if ((*outcome)["alpha"].is_null()) {
      all_alphas = false;
    } else {
      alpha += (*outcome)["alpha"].get<double>();
    }
    const std::string text = (*outcome)["differences"];
    if (!text.empty() && std::find(differences.begin(), differences.end(),
                                   text) == differences.end()) {
      differences.push_back(text);
    }
  }
  if (merged.is_null()) return merged;
  merged["alpha"] = all_alphas ? Json(alpha) : Json();
  merged["differences"] = absl::StrJoin(differences, "");
  return merged;
}

// The first shard's conformance section with every shard's cells and
// expectations outcomes.
Json MergedConformance(const std::vector<Shard>& shards, Json cells) {
  Json merged = *shards.front().conformance;
  merged["cells"] = std::move(cells);
  std::vector<const Json*> top;
  for (const Shard& shard : shards) {
    // GetOptional, not operator[]: on a const Json without the key that is
    // undefined, and a shard's report may lack these optional members.
    top.push_back(json::GetOptional(*shard.conformance, "expectations"));
  }
  merged["expectations"] = MergedExpectations(top);
  if (merged.contains("clients")) {
    for (Json& client : merged["clients"]) {
      std::vector<const Json*> outcomes;
      for (const Shard& shard : shards) {
        const Json* clients = json::GetOptional(*shard.conformance, "clients");
        if (clients == nullptr) continue;
        for (const Json& theirs : *clients) {
          if (theirs.value("client", "") == client.value("client", "")) {
            outcomes.push_back(json::GetOptional(theirs, "expectations"));
          }
        }
      }
      client["expectations"] = MergedExpectations(outcomes);
    }
  }
  return merged;
}

// "host-a (shards 0, 2), host-b (shard 1)".
std::string MachinesOf(const std::vector<Shard>& shards) {
  std::map<std::string, std::vector<std::string>> by_machine;
  std::vector<std::string> order;
  for (const Shard& shard : shards) {
    const MachineFacts& m = shard.model->environment.machine;
    const std::string machine = absl::StrCat(
        m.hostname, " (", m.cpu_model, ", ",
        m.cpus_online.has_value() ? absl::StrCat(*m.cpus_online) : "?",
        " CPUs)");
    if (by_machine.count(machine) == 0) order.push_back(machine);
    by_machine[machine].push_back(absl::StrCat(shard.shard->index));
  }
  std::vector<std::string> parts;
  for (const std::string& machine : order) {
    const std::vector<std::string>& indices = by_machine[machine];
    parts.push_back(absl::StrCat(machine, ": shard",
                                 indices.size() == 1 ? " " : "s ",
                                 absl::StrJoin(indices, ", ")));
  }
  return absl::StrJoin(parts, "; ");
}

// What differs between the shards' environments without preventing the
// merge: machines, and facts that could change outcomes (kernel, build,
// GRPC_* variables), one line each.
std::vector<std::string> EnvironmentWarnings(const std::vector<Shard>& shards) {
  std::vector<std::string> warnings;
  bool different_machines = false;
  std::set<std::string> fields;
  const Environment& first = shards.front().model->environment;
  for (size_t i = 1; i < shards.size(); ++i) {
    const EnvironmentDiff diff =
        DiffEnvironments(first, shards[i].model->environment);
    different_machines = different_machines || diff.different_machines;
    for (const EnvironmentDifference& difference : diff.differences) {
      if (difference.affects_outcomes) fields.insert(difference.field);
    }
  }
  if (different_machines) {
    warnings.push_back(absl::StrCat(
        "the shards ran on different machines, so their timings do not "
        "compare: ",
        MachinesOf(shards)));
  }
  if (!fields.empty()) {
    warnings.push_back(absl::StrCat(
        "the shards' environments differ in what could change outcomes: ",
        absl::StrJoin(fields, ", "),
        " (each shard's environment is in merged_from)"));
  }
  for (const Shard& shard : shards) {
    if (shard.model->environment.harness.git_tree != "clean") {
      warnings.push_back(
          absl::StrCat(Quoted(shard.input->file),
                       " ran on a working tree that was not "
                       "clean (",
                       shard.model->environment.harness.git_tree,
                       "): its edits may differ from the other shards'"));
    }
  }
  return warnings;
}

}  // namespace

absl::StatusOr<MergedReport> MergeShardReports(
    const std::vector<ShardReport>& inputs,
    const std::vector<std::string>& command) {
  if (inputs.empty()) return Refuse("no shard reports to merge");
  absl::StatusOr<std::vector<Shard>> read = ReadShards(inputs);
  if (!read.ok()) return read.status();
  const std::vector<Shard>& shards = *read;
  for (size_t i = 1; i < shards.size(); ++i) {
    if (absl::Status together = CheckBelongTogether(shards.front(), shards[i]);
        !together.ok()) {
      return together;
    }
  }
  if (absl::Status once = CheckEveryShardOnce(shards); !once.ok()) return once;
  absl::StatusOr<Json> cells = MergedCells(shards);
  if (!cells.ok()) return cells.status();

  const Shard* benchmarks = nullptr;
  for (const Shard& shard : shards) {
    if (!shard.model->benchmarks.has_value()) continue;
    if (benchmarks != nullptr) {
      return Refuse(absl::StrCat("benchmarks in more than one shard: ",
                                 Quoted(benchmarks->input->file), " and ",
                                 Quoted(shard.input->file),
                                 " (a sharded run has them in shard 0 only)"));
    }
    benchmarks = &shard;
  }

  MergedReport merged;
  merged.warnings = EnvironmentWarnings(shards);
  ReportParts& parts = merged.parts;
  parts.command = command;
  parts.environment = shards.front().model->environment;
  Json merged_from = Json::array();
  for (const Shard& shard : shards) {
    const Environment& e = shard.model->environment;
    parts.environment.start_time =
        std::min(parts.environment.start_time, e.start_time);
    parts.environment.end_time =
        std::max(parts.environment.end_time, e.end_time);
    merged_from.push_back(
        {{"index", shard.shard->index},
         {"count", shard.shard->count},
         {"file", shard.input->file},
         {"command", shard.model->command},
         {"environment", shard.input->report.json()["environment"]},
         {"cells", shard.model->conformance->cells.size()},
         {"benchmarks", &shard == benchmarks}});
  }
  parts.environment.notes.push_back(absl::StrCat(
      "merged from ", shards.size(), " shards (", shards.front().shard->plan,
      "): the environment is shard 0's, from the first shard's start to the "
      "last one's end; each shard's is in merged_from"));
  for (const std::string& warning : merged.warnings) {
    parts.environment.notes.push_back(warning);
  }
  parts.conformance = MergedConformance(shards, *std::move(cells));
  if (benchmarks != nullptr) {
    parts.benchmarks = benchmarks->input->report.json()["benchmarks"];
  }
  parts.merged_from = std::move(merged_from);
  return merged;
}

}  // namespace forkcheck
