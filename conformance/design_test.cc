// The shipped design (conformance/matrix_design.json) against the clients
// as the main job sees them: every client this build has, described by its
// own testee program.
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/runfiles.h"
#include "gtest/gtest.h"
#include "matrix/matrix_design.h"
#include "supervisor/testee.h"
#include "testees/testee_programs.h"

namespace forkcheck {
namespace {

std::map<std::string, v1::TesteeDescription> Clients() {
  std::map<std::string, v1::TesteeDescription> described;
  for (const auto& [client, program] : TesteePrograms("")) {
    absl::StatusOr<v1::TesteeDescription> description =
        DescribeTestee(program, std::chrono::seconds(30));
    EXPECT_TRUE(description.ok()) << client << ": " << description.status();
    if (description.ok()) described[client] = *std::move(description);
  }
  return described;
}

TEST(DesignTest, TheShippedDesignExpandsForEveryClientAndSaysWhy) {
  const std::map<std::string, v1::TesteeDescription> clients = Clients();
  EXPECT_EQ(clients.size(), 2u) << "the C++ and the Python client";
  absl::StatusOr<std::string> path =
      RunfileData("conformance/matrix_design.json");
  ASSERT_TRUE(path.ok()) << path.status();
  absl::StatusOr<MatrixDesign> design = LoadMatrixDesignFile(*path);
  ASSERT_TRUE(design.ok()) << design.status();
  for (const DesignGroup& group : design->groups) {
    EXPECT_GT(group.why.size(), 40u) << group.name;
  }
  absl::StatusOr<std::vector<Cell>> quick =
      ExpandDesign(*design, MatrixSize::kQuick, clients);
  absl::StatusOr<std::vector<Cell>> full =
      ExpandDesign(*design, MatrixSize::kFull, clients);
  ASSERT_TRUE(quick.ok()) << quick.status();
  ASSERT_TRUE(full.ok()) << full.status();
  // Quick is the main job's default and must stay within its minutes on 2
  // cores (most cells are safe and take a fraction of a second; hangs run
  // side by side): today 86 C++ and 12 Python cells. A Python trial costs
  // 0.6 to 3.5 s, so the default run decides its safe cells only while they
  // are few and none starts an interpreter per worker (matrix/README.md).
  size_t cpp = 0;
  size_t python = 0;
  for (const Cell& cell : *quick) {
    if (cell.client == kCppClient) {
      ++cpp;
      continue;
    }
    ++python;
    EXPECT_EQ(cell.model_name.find("start_method=spawn"), std::string::npos)
        << CellKey(cell);
    EXPECT_EQ(cell.model_name.find("start_method=forkserver"),
              std::string::npos)
        << CellKey(cell);
  }
  EXPECT_GE(cpp, 20u);
  EXPECT_LE(cpp, 160u);
  EXPECT_GE(python, 1u);
  EXPECT_LE(python, 16u);
  EXPECT_LE(quick->size(), 200u);
  EXPECT_GT(full->size(), quick->size());
  std::set<std::string> full_keys;
  for (const Cell& cell : *full) {
    EXPECT_TRUE(full_keys.insert(CellKey(cell)).second) << CellKey(cell);
  }
  for (const Cell& cell : *quick) {
    EXPECT_EQ(full_keys.count(CellKey(cell)), 1u)
        << "quick cell not in the full size: " << CellKey(cell);
  }
}

}  // namespace
}  // namespace forkcheck
