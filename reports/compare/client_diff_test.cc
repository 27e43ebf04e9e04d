#include "reports/compare/client_diff.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reports/compare/matrix_changes.h"
#include "reports/compare/testing/synthetic_report.h"

namespace forkcheck {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr char kPython[] = "python-grpcio";

SyntheticClient Cpp() { return {"cpp", "grpc++", "1.51.1", "29.0.0", {}, ""}; }

SyntheticClient Python(const std::string& version,
                       const std::string& skipped = "") {
  if (!skipped.empty()) return {kPython, "", "", "", {}, skipped};
  return {kPython,
          "grpcio",
          version,
          version == "1.51.1" ? "29.0.0" : "37.0.0",
          {{"protobuf", "3.21.12"}},
          ""};
}

SyntheticReport WithClients(std::vector<SyntheticClient> clients,
                            bool python_cells) {
  SyntheticReport spec;
  spec.clients = std::move(clients);
  spec.cells = {{"spawn", "unset", {"ok", "ok"}, {}, "cpp"}};
  if (python_cells) {
    for (const char* support : {"unset", "true", "false"}) {
      spec.cells.push_back(
          {"python-grpcio:threads", support, {"ok", "ok"}, {}, kPython});
    }
  }
  return spec;
}

std::vector<ClientDifference> Diff(const SyntheticReport& old_spec,
                                   const SyntheticReport& new_spec,
                                   MatrixChanges* matrix) {
  const Report old_report = BuildSyntheticReport(old_spec);
  const Report new_report = BuildSyntheticReport(new_spec);
  *matrix = CompareMatrices(old_report.model().conformance,
                            new_report.model().conformance);
  return DiffClients(old_report.model(), new_report.model(), matrix);
}

TEST(ClientDiffTest, SameClientsSameVersionsNoDifference) {
  MatrixChanges matrix;
  EXPECT_THAT(Diff(WithClients({Cpp(), Python("1.51.1")}, true),
                   WithClients({Cpp(), Python("1.51.1")}, true), &matrix),
              IsEmpty());
  EXPECT_EQ(matrix.cells_in_common, 4);
}

TEST(ClientDiffTest, ANewLibraryVersionIsNamed) {
  MatrixChanges matrix;
  const std::vector<ClientDifference> differences =
      Diff(WithClients({Cpp(), Python("1.51.1")}, true),
           WithClients({Cpp(), Python("1.60.0")}, true), &matrix);
  ASSERT_THAT(differences, SizeIs(1));
  EXPECT_FALSE(differences[0].RanInOneOnly());
  EXPECT_THAT(
      differences[0].changes,
      ElementsAre("grpcio 1.51.1 -> 1.60.0", "gRPC core 29.0.0 -> 37.0.0"));
  EXPECT_EQ(differences[0].Summary(),
            "python-grpcio: grpcio 1.51.1 -> 1.60.0; gRPC core 29.0.0 -> "
            "37.0.0");
}

TEST(ClientDiffTest, SkippedInNewExplainsItsMissingCells) {
  MatrixChanges matrix;
  const std::vector<ClientDifference> differences =
      Diff(WithClients({Cpp(), Python("1.51.1")}, true),
           WithClients({Cpp(), Python("", "python3-grpcio is not installed")},
                       false),
           &matrix);
  ASSERT_THAT(differences, SizeIs(1));
  const ClientDifference& python = differences[0];
  EXPECT_TRUE(python.RanInOneOnly());
  EXPECT_TRUE(python.ran_in_old);
  EXPECT_THAT(python.cells_only_in_old, SizeIs(3));
  // Explained by the client, not listed as missing cells one by one.
  EXPECT_THAT(matrix.only_in_old, IsEmpty());
  EXPECT_EQ(python.Summary(),
            "python-grpcio: ran in old, skipped in new (python3-grpcio is "
            "not installed): its 3 cells are only in old");
}

TEST(ClientDiffTest, AnOlderReportWithoutTheClientHasItAbsent) {
  // The old report predates clients: no list, no cell client field.
  SyntheticReport old_spec;
  old_spec.cells = {{"spawn", "unset", {"ok", "ok"}, {}}};
  SyntheticReport new_spec = WithClients({Cpp(), Python("1.51.1")}, true);
  new_spec.cells.push_back({"fork_new", "unset", {"ok", "ok"}, {}, "cpp"});
  MatrixChanges matrix;
  const std::vector<ClientDifference> differences =
      Diff(old_spec, new_spec, &matrix);
  ASSERT_THAT(differences, SizeIs(1));
  EXPECT_EQ(differences[0].client, kPython);
  EXPECT_EQ(differences[0].old_state, "absent");
  EXPECT_EQ(differences[0].Summary(),
            "python-grpcio: ran in new, absent from old: its 3 cells are "
            "only in new");
  // A C++ cell new in the new report stays a cell only in new.
  EXPECT_THAT(matrix.only_in_new,
              ElementsAre("fork_new workers=2 fork_support=unset"));
  EXPECT_EQ(matrix.cells_in_common, 1);
}

TEST(ClientDiffTest, NoMatrixNoClientDifferences) {
  MatrixChanges matrix;
  SyntheticReport no_matrix;
  no_matrix.scenarios = {{"BM_X", {{"real_time", {1, 2}}}, ""}};
  EXPECT_THAT(
      Diff(no_matrix, WithClients({Cpp(), Python("1.51.1")}, true), &matrix),
      IsEmpty());
}

}  // namespace
}  // namespace forkcheck
