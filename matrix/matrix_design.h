// The matrix design: data (conformance/matrix_design.json), not code. It is not
// the cross-product of every axis, which would be far too large: it is a list
// of groups, each saying which models it covers, which axes vary together
// across them (the cross-product within the group), and why. Axes a group
// does not vary take the design's defaults. Each group names the values of
// its quick size (the default of the main job and the conformance test) and
// of its full size.
//
//   {"format_version": 1,
//    "defaults": {"workers": 2, "transport": "tcp", ...},
//    "fault_scripts": {"rst_stream": {"faults": [...]}},
//    "groups": [{"name": "...", "why": "...",
//                "client": "cpp",   (optional; or a testee's client)
//                "models": [{"model": "fork_after_create",
//                            "variant": {"parent_channel": "used"}}],
//                "vary": {"fork_support": ["unset", "true", "false"]},
//                "quick": {"fork_support": ["unset", "true"]}}]}
//
// "quick" absent: the group is in the full size only. An axis in "vary" and
// not in "quick" keeps its default in the quick size.
#ifndef FORKCHECK_MATRIX_MATRIX_DESIGN_H_
#define FORKCHECK_MATRIX_MATRIX_DESIGN_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "forkcheck/testee.pb.h"
#include "matrix/cell.h"
#include "nlohmann/json.hpp"

namespace forkcheck {

enum class MatrixSize { kQuick, kFull };

// "quick", "full".
absl::string_view MatrixSizeName(MatrixSize size);
std::optional<MatrixSize> ParseMatrixSize(absl::string_view name);

struct DesignModel {
  std::string model;
  std::vector<std::pair<std::string, std::string>> variant;  // sorted by key
};

// An axis and the values it takes, in the design's order.
using AxisRange = std::pair<std::string, std::vector<nlohmann::json>>;

struct DesignGroup {
  std::string name;
  std::string why;
  // Whose models: kCppClient (the registry's) or a testee's client name.
  std::string client = kCppClient;
  std::vector<DesignModel> models;
  std::vector<AxisRange> vary;
  std::optional<std::vector<AxisRange>> quick;
};

struct MatrixDesign {
  Axes defaults;
  // Name -> fault script text for the fake's --faults ({"faults": [...]});
  // "none" is always there and empty.
  std::map<std::string, std::string> fault_scripts;
  std::vector<DesignGroup> groups;
};

// Checks the document's shape and every axis value (names the JSON path of
// what was wrong). Models, variants and tables are checked by ExpandDesign,
// which knows the clients' descriptions and the catalogue.
absl::StatusOr<MatrixDesign> ParseMatrixDesign(absl::string_view json_text);
absl::StatusOr<MatrixDesign> LoadMatrixDesignFile(const std::string& path);

// The cells of `size`, in design order, each once (a cell two groups ask
// for lists both). Each group is expanded against its client's description
// in `testees` (by client name, the C++ client's among them): settings the
// design leaves out take the testee's defaults. INVALID_ARGUMENT, naming the
// group, for an unknown model, setting or value, a table not in the default
// catalogue, an axis the client must but does not carry out itself, or a
// busy parent thread on a model that holds no used channel at the fork.
// Groups of a client not in `testees` are left out (the caller says why it
// skipped it).
absl::StatusOr<std::vector<Cell>> ExpandDesign(
    const MatrixDesign& design, MatrixSize size,
    const std::map<std::string, v1::TesteeDescription>& testees);

// The cells of both sizes, each key once (ExpandDesign's full cells, then
// any quick cell they lack): every cell a key may name.
absl::StatusOr<std::vector<Cell>> ExpandEverySize(
    const MatrixDesign& design,
    const std::map<std::string, v1::TesteeDescription>& testees);

// The cell of `cells` that `key` names: the one whose CellKey is `key`
// (whitespace aside), else the only one whose key has every word of `key`
// (a key with axes left out, say). NOT_FOUND if none matches,
// FAILED_PRECONDITION if several do; either message lists the
// `suggestions` keys nearest to `key` by edit distance (among those that
// matched, if several did), one a line, so the user can copy the right one.
absl::StatusOr<Cell> FindCellByKey(const std::vector<Cell>& cells,
                                   const std::string& key, int suggestions = 5);

// The clients the design's groups name, kCppClient among them if any.
std::set<std::string> DesignClients(const MatrixDesign& design);

// Sets axis `name` of *axes to `value`; errors name `path`.
absl::Status SetAxis(const std::string& name, const nlohmann::json& value,
                     const std::string& path, Axes* axes);

}  // namespace forkcheck

#endif  // FORKCHECK_MATRIX_MATRIX_DESIGN_H_
