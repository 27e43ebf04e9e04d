#include "matrix/matrix_design.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/runfiles.h"
#include "gtest/gtest.h"
#include "supervisor/testee.h"

namespace forkcheck {
namespace {

// The clients as the main job sees them: the C++ client described by its
// trial program through the testee protocol, and "other", a testee that
// carries out no axis itself.
const std::map<std::string, v1::TesteeDescription>& Clients() {
  static const auto* const clients = [] {
    auto* described = new std::map<std::string, v1::TesteeDescription>;
    absl::StatusOr<std::string> program =
        RunfileExecutable("models/trial_program");
    if (program.ok()) {
      absl::StatusOr<v1::TesteeDescription> cpp = DescribeTestee(
          TesteeProgram{{*program}, {}}, std::chrono::seconds(30));
      if (cpp.ok()) (*described)[kCppClient] = *std::move(cpp);
    }
    v1::TesteeDescription other;
    other.set_client("other");
    other.add_models()->set_model("threads");
    (*described)["other"] = other;
    return described;
  }();
  return *clients;
}

TEST(MatrixDesignTest, TheCppClientDescribesItself) {
  ASSERT_EQ(Clients().count(kCppClient), 1u);
  EXPECT_GE(Clients().at(kCppClient).models_size(), 8);
}

// A one-group design around `group` (a JSON object's members).
std::string DesignWith(const std::string& group,
                       const std::string& extra = "") {
  return absl::StrCat(R"({"format_version": 1, )", extra,
                      R"("groups": [{"name": "g", "why": "because", )", group,
                      "}]}");
}

absl::Status ExpandError(const std::string& text) {
  absl::StatusOr<MatrixDesign> design = ParseMatrixDesign(text);
  if (!design.ok()) return design.status();
  return ExpandDesign(*design, MatrixSize::kFull, Clients()).status();
}

TEST(MatrixDesignTest, ExpandsTheCrossProductOfAGroupsAxes) {
  absl::StatusOr<MatrixDesign> design = ParseMatrixDesign(DesignWith(
      R"("models": [{"model": "thread_shared"}],
         "vary": {"workers": [1, 4], "transport": ["tcp", "unix"]},
         "quick": {"workers": [4]})"));
  ASSERT_TRUE(design.ok()) << design.status();
  absl::StatusOr<std::vector<Cell>> full =
      ExpandDesign(*design, MatrixSize::kFull, Clients());
  ASSERT_TRUE(full.ok()) << full.status();
  ASSERT_EQ(full->size(), 4u);
  EXPECT_EQ(CellKey((*full)[0]),
            "thread_shared workers=1 transport=tcp table=small faults=none "
            "fork_support=unset poll_strategy=default fork_hooks=none "
            "child_channel=default busy_parent_thread=no workload=read");
  EXPECT_EQ((*full)[3].axes.workers, 4);
  EXPECT_EQ((*full)[3].axes.transport, "unix");
  absl::StatusOr<std::vector<Cell>> quick =
      ExpandDesign(*design, MatrixSize::kQuick, Clients());
  ASSERT_TRUE(quick.ok()) << quick.status();
  ASSERT_EQ(quick->size(), 1u);
  EXPECT_EQ((*quick)[0].axes.transport, "tcp");  // the default
}

TEST(MatrixDesignTest, EveryDeclaredAxisIsSetByNameAndShownInTheKey) {
  // The declaration's field, the design's parser and the key agree on every
  // axis: a value other than the default, set by name, comes back in
  // AxisValues under that name.
  for (const AxisDeclaration& axis : AxisDeclarations()) {
    nlohmann::json value;
    std::string text;
    if (std::holds_alternative<int Axes::*>(axis.field)) {
      value = axis.max_count;
      text = std::to_string(axis.max_count);
    } else if (std::holds_alternative<bool Axes::*>(axis.field)) {
      value = true;
      text = "yes";
    } else {
      text = axis.choices.empty() ? "some_name" : axis.choices.back();
      value = text;
    }
    Axes axes;
    ASSERT_TRUE(SetAxis(axis.name, value, axis.name, &axes).ok()) << axis.name;
    const auto values = AxisValues(axes);
    const auto found = std::find_if(
        values.begin(), values.end(),
        [&axis](const auto& pair) { return pair.first == axis.name; });
    ASSERT_NE(found, values.end()) << axis.name;
    EXPECT_EQ(found->second, text) << axis.name;
    EXPECT_NE(AxisValues(Axes()), values) << axis.name << " kept its default";
  }
  EXPECT_EQ(AxisValues(Axes()).size(), AxisDeclarations().size());
}

TEST(MatrixDesignTest, ACellTwoGroupsAskForIsRunOnce) {
  absl::StatusOr<MatrixDesign> design = ParseMatrixDesign(
      R"({"format_version": 1, "groups": [
           {"name": "a", "why": "x", "models": [{"model": "thread_shared"}]},
           {"name": "b", "why": "y", "models": [{"model": "thread_shared"}],
            "vary": {"workers": [2, 3]}}]})");
  ASSERT_TRUE(design.ok()) << design.status();
  absl::StatusOr<std::vector<Cell>> cells =
      ExpandDesign(*design, MatrixSize::kFull, Clients());
  ASSERT_TRUE(cells.ok()) << cells.status();
  ASSERT_EQ(cells->size(), 2u);
  EXPECT_EQ((*cells)[0].groups, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ((*cells)[1].groups, (std::vector<std::string>{"b"}));
}

TEST(MatrixDesignTest, BadDesignsNameWhatIsWrong) {
  const std::pair<std::string, std::string> cases[] = {
      {R"({"format_version": 2, "groups": []})", "format_version: is 2"},
      {DesignWith(R"("models": [{"model": "thread_shared"}],
                     "vary": {"colour": ["red"]})"),
       "groups[0].vary.colour[0]: unknown axis \"colour\""},
      {DesignWith(R"("models": [{"model": "thread_shared"}],
                     "vary": {"fork_support": ["maybe"]})"),
       "groups[0].vary.fork_support[0]: \"maybe\" is not allowed"},
      {DesignWith(R"("models": [{"model": "thread_shared"}],
                     "vary": {"workers": [0]})"),
       "groups[0].vary.workers[0]"},
      {DesignWith(R"("models": [])"), "groups[0].models: expected a non-empty"},
      {R"({"format_version": 1, "groups": [{"name": "g", "why": "",
           "models": [{"model": "thread_shared"}]}]})",
       "groups[0].why: say why"},
      {DesignWith(R"("models": [{"model": "thread_shared"}], "vry": {})"),
       "vry"},
      {DesignWith(R"("models": [{"model": "thread_shared"}])",
                  R"("fault_scripts": {"x": {"faults": [{"kind": "boom"}]}},)"),
       "fault_scripts.x"},
  };
  for (const auto& [text, expected] : cases) {
    absl::StatusOr<MatrixDesign> design = ParseMatrixDesign(text);
    ASSERT_FALSE(design.ok()) << text;
    EXPECT_NE(design.status().message().find(expected), std::string::npos)
        << design.status() << "\nexpected: " << expected;
  }
}

TEST(MatrixDesignTest, ExpansionChecksModelsTablesFaultsAndBusyThreads) {
  const std::pair<std::string, std::string> cases[] = {
      {DesignWith(R"("models": [{"model": "no_such_model"}])"),
       "group \"g\", model \"no_such_model\": client cpp has no model "
       "\"no_such_model\"; it has: channel_per_thread,"},
      {DesignWith(R"("models": [{"model": "fork_after_create",
                                 "variant": {"parent_channel": "sideways"}}])"),
       "parent_channel"},
      {DesignWith(R"("models": [{"model": "thread_shared",
                                 "variant": {"flavour": "x"}}])"),
       "model thread_shared of client cpp has no variant setting "
       "\"flavour\""},
      {DesignWith(R"("models": [{"model": "thread_shared"}],
                     "vary": {"table": ["nope"]})"),
       "table \"nope\" is not in the default catalogue"},
      {DesignWith(R"("models": [{"model": "thread_shared"}],
                     "vary": {"faults": ["chaos"]})"),
       "fault script \"chaos\" is not in fault_scripts"},
      {DesignWith(R"("models": [{"model": "fork_then_create_pristine"}],
                     "vary": {"busy_parent_thread": [true]})"),
       "fork_then_create_pristine holds no used channel at the fork, so it "
       "cannot have a busy parent thread"},
      {DesignWith(R"("models": [{"model": "fork_then_create_parent_used",
                                 "variant": {"parent_client": "destroyed"}}],
                     "vary": {"busy_parent_thread": [true]})"),
       "cannot have a busy parent thread"},
      {DesignWith(R"("client": "other", "models": [{"model": "threads"}],
                     "vary": {"fork_hooks": ["application"]})"),
       "axis fork_hooks is carried out by the client itself, and client "
       "other does not (it carries out: none)"},
  };
  for (const auto& [text, expected] : cases) {
    const absl::Status status = ExpandError(text);
    ASSERT_FALSE(status.ok()) << text;
    EXPECT_NE(status.message().find(expected), std::string::npos)
        << status << "\nexpected: " << expected;
  }
}

// Cells of two models with a few axes, as the design would expand them.
std::vector<Cell> KeyedCells() {
  std::vector<Cell> cells;
  for (const char* model : {"fork_after_create", "spawn"}) {
    for (const char* support : {"unset", "true"}) {
      Cell cell;
      cell.model = model;
      cell.model_name = CellModelName(kCppClient, model, {});
      cell.axes.fork_support = support;
      cells.push_back(cell);
    }
  }
  return cells;
}

TEST(MatrixDesignTest, AWriteCellNeedsAModelThatWrites) {
  // Described here: whether a model writes is its description's word.
  v1::TesteeDescription described;
  described.set_client("described");
  described.add_models()->set_model("reader");
  v1::ModelDescription* writer = described.add_models();
  writer->set_model("writer");
  writer->add_workloads("read");
  writer->add_workloads("write");
  const std::map<std::string, v1::TesteeDescription> clients = {
      {"described", described}};
  const auto expand = [&clients](const std::string& model) {
    absl::StatusOr<MatrixDesign> design = ParseMatrixDesign(DesignWith(
        absl::StrCat(R"("client": "described", "models": [{"model": ")", model,
                     R"("}], "vary": {"workload": ["read", "write"]})")));
    if (!design.ok()) return design.status();
    return ExpandDesign(*design, MatrixSize::kFull, clients).status();
  };
  EXPECT_TRUE(expand("writer").ok()) << expand("writer");
  EXPECT_EQ(expand("reader").message(),
            "group \"g\", model \"reader\": described:reader does not run "
            "workload \"write\"; it runs: read");
}

TEST(MatrixDesignTest, FindsACellByItsWholeKeyOrByWordsOnlyItHas) {
  const std::vector<Cell> cells = KeyedCells();
  absl::StatusOr<Cell> whole = FindCellByKey(cells, CellKey(cells[1]));
  ASSERT_TRUE(whole.ok()) << whole.status();
  EXPECT_EQ(CellKey(*whole), CellKey(cells[1]));
  // Extra whitespace is not a different key.
  absl::StatusOr<Cell> spaced = FindCellByKey(
      cells, "  " + absl::StrReplaceAll(CellKey(cells[2]), {{" ", "  "}}));
  ASSERT_TRUE(spaced.ok()) << spaced.status();
  EXPECT_EQ(CellKey(*spaced), CellKey(cells[2]));
  absl::StatusOr<Cell> words = FindCellByKey(cells, "fork_support=true spawn");
  ASSERT_TRUE(words.ok()) << words.status();
  EXPECT_EQ(CellKey(*words), CellKey(cells[3]));
}

TEST(MatrixDesignTest, AnUnknownOrAmbiguousKeyListsTheNearestKeys) {
  const std::vector<Cell> cells = KeyedCells();
  // A typo in a value: the cell it meant comes first.
  const std::string typo = absl::StrReplaceAll(
      CellKey(cells[1]), {{"fork_support=true", "fork_support=ture"}});
  absl::Status unknown = FindCellByKey(cells, typo, 2).status();
  EXPECT_EQ(unknown.code(), absl::StatusCode::kNotFound);
  EXPECT_NE(
      unknown.message().find("nearest keys:\n  " + CellKey(cells[1]) + "\n  "),
      std::string::npos)
      << unknown;
  EXPECT_EQ(unknown.message().find(CellKey(cells[3])), std::string::npos)
      << "only 2 suggestions: " << unknown;
  absl::Status ambiguous = FindCellByKey(cells, "spawn").status();
  EXPECT_EQ(ambiguous.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(ambiguous.message().find(CellKey(cells[2])), std::string::npos);
  EXPECT_NE(ambiguous.message().find(CellKey(cells[3])), std::string::npos);
  EXPECT_EQ(ambiguous.message().find("fork_after_create"), std::string::npos)
      << ambiguous;
  EXPECT_EQ(FindCellByKey(cells, "").status().code(),
            absl::StatusCode::kNotFound);
  // A key far longer than any: refused at once, and not echoed whole.
  const std::string huge(20000, 'k');
  absl::Status too_long = FindCellByKey(cells, huge).status();
  EXPECT_EQ(too_long.code(), absl::StatusCode::kNotFound);
  EXPECT_NE(too_long.message().find("the key given has 20000 characters"),
            std::string::npos)
      << too_long.message().substr(0, 300);
  EXPECT_LT(too_long.message().size(), 300u);
}

TEST(MatrixDesignTest, EverySizeHoldsEachKeyOnce) {
  absl::StatusOr<MatrixDesign> design = ParseMatrixDesign(DesignWith(
      R"("models": [{"model": "thread_shared"}],
         "vary": {"workers": [1, 4]}, "quick": {"workers": [1, 2]})"));
  ASSERT_TRUE(design.ok()) << design.status();
  absl::StatusOr<std::vector<Cell>> cells = ExpandEverySize(*design, Clients());
  ASSERT_TRUE(cells.ok()) << cells.status();
  std::vector<int> workers;
  for (const Cell& cell : *cells) workers.push_back(cell.axes.workers);
  EXPECT_EQ(workers, (std::vector<int>{1, 4, 2}));
}

}  // namespace
}  // namespace forkcheck
