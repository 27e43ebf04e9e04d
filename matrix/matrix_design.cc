#include "matrix/matrix_design.h"

#include <algorithm>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/file_util.h"
#include "common/json_fields.h"
#include "dataset/catalogue.h"
#include "fakes/fault_injector.h"
#include "supervisor/testee.h"

namespace forkcheck {
namespace {

using json::Json;

constexpr int kFormatVersion = 1;

absl::Status CheckOneOf(const std::string& value, const std::string& path,
                        const std::vector<std::string>& allowed) {
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) {
    return absl::OkStatus();
  }
  return json::PathError(path, absl::StrCat(json::Quote(value),
                                            " is not allowed; expected one of ",
                                            absl::StrJoin(allowed, ", ")));
}

absl::StatusOr<std::vector<AxisRange>> ParseAxisRanges(
    const Json& object, const std::string& path) {
  if (!object.is_object()) {
    return json::PathError(path, "expected an object of axis: [values]");
  }
  std::vector<AxisRange> ranges;
  for (const auto& [name, values] : object.items()) {
    const std::string axis_path = json::MemberPath(path, name);
    if (!values.is_array() || values.empty()) {
      return json::PathError(axis_path, "expected a non-empty array of values");
    }
    Axes scratch;
    for (size_t i = 0; i < values.size(); ++i) {
      if (absl::Status valid = SetAxis(
              name, values[i], json::ElementPath(axis_path, i), &scratch);
          !valid.ok()) {
        return valid;
      }
    }
    ranges.emplace_back(name, std::vector<Json>(values.begin(), values.end()));
  }
  return ranges;
}

absl::StatusOr<DesignGroup> ParseGroup(const Json& value,
                                       const std::string& path) {
  if (absl::Status shape = json::CheckObject(
          value, path, {"name", "why", "client", "models", "vary", "quick"});
      !shape.ok()) {
    return shape;
  }
  DesignGroup group;
  absl::StatusOr<std::string> name = json::RequiredString(value, path, "name");
  if (!name.ok()) return name.status();
  group.name = *name;
  absl::StatusOr<std::string> why = json::RequiredString(value, path, "why");
  if (!why.ok()) return why.status();
  if (why->empty()) {
    return json::PathError(json::MemberPath(path, "why"),
                           "say why these axes vary together");
  }
  group.why = *why;
  if (json::GetOptional(value, "client") != nullptr) {
    absl::StatusOr<std::string> client =
        json::RequiredString(value, path, "client");
    if (!client.ok()) return client.status();
    if (client->empty()) {
      return json::PathError(json::MemberPath(path, "client"),
                             "expected a client name, e.g. \"cpp\"");
    }
    group.client = *client;
  }
  const Json* models = nullptr;
  if (absl::Status found = json::GetRequired(value, path, "models", &models);
      !found.ok()) {
    return found;
  }
  const std::string models_path = json::MemberPath(path, "models");
  if (!models->is_array() || models->empty()) {
    return json::PathError(models_path, "expected a non-empty array");
  }
  for (size_t i = 0; i < models->size(); ++i) {
    const Json& entry = (*models)[i];
    const std::string entry_path = json::ElementPath(models_path, i);
    if (absl::Status shape =
            json::CheckObject(entry, entry_path, {"model", "variant"});
        !shape.ok()) {
      return shape;
    }
    DesignModel model;
    absl::StatusOr<std::string> model_name =
        json::RequiredString(entry, entry_path, "model");
    if (!model_name.ok()) return model_name.status();
    model.model = *model_name;
    if (const Json* variant = json::GetOptional(entry, "variant")) {
      const std::string variant_path = json::MemberPath(entry_path, "variant");
      if (!variant->is_object()) {
        return json::PathError(variant_path, "expected an object");
      }
      for (const auto& [key, setting] : variant->items()) {
        absl::StatusOr<std::string> text =
            json::ToString(setting, json::MemberPath(variant_path, key));
        if (!text.ok()) return text.status();
        model.variant.emplace_back(key, *text);
      }
      std::sort(model.variant.begin(), model.variant.end());
    }
    group.models.push_back(std::move(model));
  }
  if (const Json* vary = json::GetOptional(value, "vary")) {
    absl::StatusOr<std::vector<AxisRange>> ranges =
        ParseAxisRanges(*vary, json::MemberPath(path, "vary"));
    if (!ranges.ok()) return ranges.status();
    group.vary = *std::move(ranges);
  }
  if (const Json* quick = json::GetOptional(value, "quick")) {
    absl::StatusOr<std::vector<AxisRange>> ranges =
        ParseAxisRanges(*quick, json::MemberPath(path, "quick"));
    if (!ranges.ok()) return ranges.status();
    group.quick = *std::move(ranges);
  }
  return group;
}

// Calls `emit` with every combination of `ranges` applied to `base`.
absl::Status CrossProduct(
    const std::vector<AxisRange>& ranges, size_t index, const Axes& base,
    const std::function<absl::Status(const Axes&)>& emit) {
  if (index == ranges.size()) return emit(base);
  for (const Json& value : ranges[index].second) {
    Axes axes = base;
    if (absl::Status set = SetAxis(ranges[index].first, value, "", &axes);
        !set.ok()) {
      return set;
    }
    if (absl::Status done = CrossProduct(ranges, index + 1, axes, emit);
        !done.ok()) {
      return done;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::string_view MatrixSizeName(MatrixSize size) {
  return size == MatrixSize::kQuick ? "quick" : "full";
}

std::optional<MatrixSize> ParseMatrixSize(absl::string_view name) {
  if (name == "quick") return MatrixSize::kQuick;
  if (name == "full") return MatrixSize::kFull;
  return std::nullopt;
}

absl::Status SetAxis(const std::string& name, const Json& value,
                     const std::string& path, Axes* axes) {
  const std::vector<AxisDeclaration>& declared = AxisDeclarations();
  const auto axis =
      std::find_if(declared.begin(), declared.end(),
                   [&name](const AxisDeclaration& a) { return a.name == name; });
  if (axis == declared.end()) {
    std::vector<std::string> names;
    for (const AxisDeclaration& a : declared) names.push_back(a.name);
    return json::PathError(
        path, absl::StrCat("unknown axis ", json::Quote(name), "; expected ",
                           absl::StrJoin(names, ", ")));
  }
  if (const auto* count = std::get_if<int Axes::*>(&axis->field)) {
    absl::StatusOr<int64_t> parsed =
        json::ToInt64(value, path, 1, axis->max_count);
    if (!parsed.ok()) return parsed.status();
    axes->**count = static_cast<int>(*parsed);
    return absl::OkStatus();
  }
  if (const auto* flag = std::get_if<bool Axes::*>(&axis->field)) {
    absl::StatusOr<bool> parsed = json::ToBool(value, path);
    if (!parsed.ok()) return parsed.status();
    axes->**flag = *parsed;
    return absl::OkStatus();
  }
  absl::StatusOr<std::string> text = json::ToString(value, path);
  if (!text.ok()) return text.status();
  if (!axis->choices.empty()) {
    if (absl::Status valid = CheckOneOf(*text, path, axis->choices);
        !valid.ok()) {
      return valid;
    }
  }
  axes->*std::get<std::string Axes::*>(axis->field) = *text;
  return absl::OkStatus();
}

absl::StatusOr<MatrixDesign> ParseMatrixDesign(absl::string_view json_text) {
  absl::StatusOr<Json> root = json::ParseStrict(json_text, "matrix design");
  if (!root.ok()) return root.status();
  if (absl::Status shape = json::CheckObject(
          *root, "", {"format_version", "defaults", "fault_scripts", "groups"});
      !shape.ok()) {
    return shape;
  }
  absl::StatusOr<int64_t> version =
      json::RequiredInt64(*root, "", "format_version", 0, 1 << 20);
  if (!version.ok()) return version.status();
  if (*version != kFormatVersion) {
    return json::PathError("format_version",
                           absl::StrCat("is ", *version,
                                        "; this forkcheck "
                                        "reads format_version ",
                                        kFormatVersion));
  }
  MatrixDesign design;
  if (const Json* defaults = json::GetOptional(*root, "defaults")) {
    if (!defaults->is_object()) {
      return json::PathError("defaults", "expected an object");
    }
    for (const auto& [name, value] : defaults->items()) {
      if (absl::Status set =
              SetAxis(name, value, json::MemberPath("defaults", name),
                      &design.defaults);
          !set.ok()) {
        return set;
      }
    }
  }
  design.fault_scripts["none"] = "";
  if (const Json* scripts = json::GetOptional(*root, "fault_scripts")) {
    if (!scripts->is_object()) {
      return json::PathError("fault_scripts", "expected an object");
    }
    for (const auto& [name, script] : scripts->items()) {
      const std::string path = json::MemberPath("fault_scripts", name);
      if (name == "none") {
        return json::PathError(path, "\"none\" is reserved for no faults");
      }
      const std::string text = script.dump();
      if (absl::StatusOr<std::vector<FaultRule>> rules =
              ParseFaultScriptJson(text);
          !rules.ok()) {
        return json::PathError(path, rules.status().message());
      }
      design.fault_scripts[name] = text;
    }
  }
  const Json* groups = nullptr;
  if (absl::Status found = json::GetRequired(*root, "", "groups", &groups);
      !found.ok()) {
    return found;
  }
  if (!groups->is_array() || groups->empty()) {
    return json::PathError("groups", "expected a non-empty array");
  }
  std::set<std::string> names;
  for (size_t i = 0; i < groups->size(); ++i) {
    const std::string path = json::ElementPath("groups", i);
    absl::StatusOr<DesignGroup> group = ParseGroup((*groups)[i], path);
    if (!group.ok()) return group.status();
    if (!names.insert(group->name).second) {
      return json::PathError(
          json::MemberPath(path, "name"),
          absl::StrCat(json::Quote(group->name), " names two groups"));
    }
    design.groups.push_back(*std::move(group));
  }
  return design;
}

namespace {

// A design entry made concrete: its name with variant, every variant
// setting (the testee's defaults filled in) and the model's description.
struct ResolvedModel {
  std::string name;
  std::vector<std::pair<std::string, std::string>> variant;
  const v1::ModelDescription* description = nullptr;
};

absl::StatusOr<ResolvedModel> ResolveModel(const v1::TesteeDescription& testee,
                                           const DesignModel& entry) {
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> variant =
      CompleteVariant(testee, entry.model, entry.variant);
  if (!variant.ok()) return variant.status();
  // The testee's order and defaults: the name and the request are the same
  // however the design spells the variant.
  return ResolvedModel{CellModelName(testee.client(), entry.model, *variant),
                       *variant, FindModel(testee, entry.model)};
}

// Whether the testee can carry out `axes` for `model`: every axis it must
// carry out itself away from its default is one of its trial_axes, a busy
// parent thread only where the model allows one, and a workload the model
// runs.
absl::Status CheckTesteeAxes(const v1::TesteeDescription& testee,
                             const ResolvedModel& model, const Axes& axes) {
  for (const AxisDeclaration* axis : AxesAwayFromDefault(axes)) {
    if (axis->carrier != AxisDeclaration::Carrier::kTestee) continue;
    if (std::find(testee.trial_axes().begin(), testee.trial_axes().end(),
                  axis->name) == testee.trial_axes().end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "axis ", axis->name,
          " is carried out by the client itself, and client ",
          testee.client(), " does not (it carries out: ",
          testee.trial_axes().empty()
              ? "none"
              : absl::StrJoin(testee.trial_axes(), ", "),
          ")"));
    }
  }
  if (!RunsWorkload(*model.description, axes.workload)) {
    return absl::InvalidArgumentError(
        absl::StrCat(model.name, " does not run workload \"", axes.workload,
                     "\"; it runs: ", DescribeWorkloads(*model.description)));
  }
  if (axes.busy_parent_thread) {
    v1::TrialRequest trial;
    AddNamedValues(model.variant, trial.mutable_variant());
    if (!AllowsBusyParentThread(*model.description, trial)) {
      return absl::InvalidArgumentError(absl::StrCat(
          model.name,
          " holds no used channel at the fork, so it cannot have a busy "
          "parent thread"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<MatrixDesign> LoadMatrixDesignFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path, "matrix design");
  if (!text.ok()) return text.status();
  absl::StatusOr<MatrixDesign> design = ParseMatrixDesign(*text);
  if (!design.ok()) {
    return absl::Status(design.status().code(),
                        absl::StrCat(path, ": ", design.status().message()));
  }
  return design;
}

std::set<std::string> DesignClients(const MatrixDesign& design) {
  std::set<std::string> clients;
  for (const DesignGroup& group : design.groups) clients.insert(group.client);
  return clients;
}

absl::StatusOr<std::vector<Cell>> ExpandDesign(
    const MatrixDesign& design, MatrixSize size,
    const std::map<std::string, v1::TesteeDescription>& testees) {
  std::vector<Cell> cells;
  std::map<std::string, size_t> index_of_key;
  for (const DesignGroup& group : design.groups) {
    if (size == MatrixSize::kQuick && !group.quick.has_value()) continue;
    const auto testee = testees.find(group.client);
    if (testee == testees.end()) continue;  // the client is skipped
    const std::vector<AxisRange>& ranges =
        size == MatrixSize::kQuick ? *group.quick : group.vary;
    for (const DesignModel& entry : group.models) {
      const std::string where =
          absl::StrCat("group ", json::Quote(group.name), ", model ",
                       json::Quote(entry.model));
      absl::StatusOr<ResolvedModel> model =
          ResolveModel(testee->second, entry);
      if (!model.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, ": ", model.status().message()));
      }
      absl::Status status = CrossProduct(
          ranges, 0, design.defaults, [&](const Axes& axes) -> absl::Status {
            if (Catalogue::Default().Resolve(axes.table) == nullptr) {
              return absl::InvalidArgumentError(
                  absl::StrCat(where, ": table ", json::Quote(axes.table),
                               " is not in the default catalogue"));
            }
            if (design.fault_scripts.count(axes.faults) == 0) {
              return absl::InvalidArgumentError(absl::StrCat(
                  where, ": fault script ", json::Quote(axes.faults),
                  " is not in fault_scripts"));
            }
            if (absl::Status carried =
                    CheckTesteeAxes(testee->second, *model, axes);
                !carried.ok()) {
              return absl::InvalidArgumentError(
                  absl::StrCat(where, ": ", carried.message()));
            }
            Cell cell{entry.model, model->variant, model->name,
                      axes,        {group.name},   group.client};
            const std::string key = CellKey(cell);
            const auto [it, inserted] = index_of_key.emplace(key, cells.size());
            if (inserted) {
              cells.push_back(std::move(cell));
            } else {
              std::vector<std::string>& groups = cells[it->second].groups;
              if (std::find(groups.begin(), groups.end(), group.name) ==
                  groups.end()) {
                groups.push_back(group.name);
              }
            }
            return absl::OkStatus();
          });
      if (!status.ok()) return status;
    }
  }
  return cells;
}

absl::StatusOr<std::vector<Cell>> ExpandEverySize(
    const MatrixDesign& design,
    const std::map<std::string, v1::TesteeDescription>& testees) {
  absl::StatusOr<std::vector<Cell>> cells =
      ExpandDesign(design, MatrixSize::kFull, testees);
  if (!cells.ok()) return cells.status();
  absl::StatusOr<std::vector<Cell>> quick =
      ExpandDesign(design, MatrixSize::kQuick, testees);
  if (!quick.ok()) return quick.status();
  std::set<std::string> keys;
  for (const Cell& cell : *cells) keys.insert(CellKey(cell));
  for (Cell& cell : *quick) {
    if (keys.insert(CellKey(cell)).second) cells->push_back(std::move(cell));
  }
  return cells;
}

namespace {

// Levenshtein's distance between two texts, in characters: a mistyped
// value and a missing axis both cost what they change.
size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                         diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

// How many characters a key may have beyond the longest cell key and
// still be searched for as a typo of one.
constexpr size_t kMaxKeyExcess = 100;

absl::StatusOr<Cell> FindCellByKey(const std::vector<Cell>& cells,
                                   const std::string& key, int suggestions) {
  const std::vector<std::string> words =
      absl::StrSplit(key, absl::ByAnyChar(" \t\n"), absl::SkipEmpty());
  const std::string wanted = absl::StrJoin(words, " ");
  // Far longer than every key is no typo of one: not compared (the edit
  // distances would cost seconds) nor repeated back whole.
  size_t longest = 0;
  for (const Cell& cell : cells)
    longest = std::max(longest, CellKey(cell).size());
  if (wanted.size() > longest + kMaxKeyExcess) {
    return absl::NotFoundError(
        absl::StrCat("the key given has ", wanted.size(), " characters, \"",
                     wanted.substr(0, 60),
                     "...\"; no cell of the design has a key over ", longest));
  }
  std::vector<const Cell*> matching;
  for (const Cell& cell : cells) {
    const std::string cell_key = CellKey(cell);
    if (cell_key == wanted) return cell;
    const std::set<std::string> cell_words = absl::StrSplit(cell_key, ' ');
    if (!words.empty() &&
        std::all_of(words.begin(), words.end(), [&](const std::string& word) {
          return cell_words.count(word) != 0;
        })) {
      matching.push_back(&cell);
    }
  }
  if (matching.size() == 1) return *matching.front();
  // Several matched: the nearest of those; none: the nearest of all.
  std::vector<const Cell*> candidates = matching;
  if (candidates.empty()) {
    for (const Cell& cell : cells) candidates.push_back(&cell);
  }
  std::vector<std::pair<size_t, std::string>> nearest;
  for (const Cell* cell : candidates) {
    const std::string cell_key = CellKey(*cell);
    nearest.emplace_back(EditDistance(wanted, cell_key), cell_key);
  }
  std::sort(nearest.begin(), nearest.end());
  if (nearest.size() > static_cast<size_t>(std::max(0, suggestions))) {
    nearest.resize(std::max(0, suggestions));
  }
  std::string list;
  for (const auto& [distance, cell_key] : nearest) {
    absl::StrAppend(&list, "\n  ", cell_key);
  }
  if (matching.empty()) {
    return absl::NotFoundError(
        absl::StrCat("no cell of the design (of ", cells.size(),
                     " in either size) has the key \"", wanted, "\"",
                     list.empty() ? "" : "; the nearest keys:", list));
  }
  return absl::FailedPreconditionError(
      absl::StrCat("\"", wanted, "\" is part of the keys of ", matching.size(),
                   " cells; give one whole key, e.g. (nearest first):", list));
}

}  // namespace forkcheck
