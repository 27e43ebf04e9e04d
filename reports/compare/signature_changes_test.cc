#include "reports/compare/signature_changes.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "reports/compare/testing/synthetic_report.h"

namespace forkcheck {
namespace {

using Signatures = std::vector<std::pair<std::string, int>>;

constexpr char kPluck[] =
    "worker: grpc_pollset_work ← grpc::CompletionQueue::Pluck ← "
    "grpc::ClientReader::Read";
constexpr char kNext[] =
    "worker: grpc_pollset_work ← grpc::CompletionQueue::Next ← "
    "grpc::ClientReader::Read";
constexpr char kJoin[] = "parent: std::thread::join ← main";

std::optional<ReportConformance> Conformance(
    const std::vector<SyntheticCell>& cells) {
  SyntheticReport spec;
  spec.cells = cells;
  return BuildSyntheticReport(spec).model().conformance;
}

SyntheticCell Hanging(const std::string& model, int hangs,
                      const Signatures& signatures) {
  SyntheticCell cell;
  cell.model_name = model;
  cell.workers = Trials({{"ok", 30 - hangs}, {"hang", hangs}});
  cell.signatures = signatures;
  return cell;
}

TEST(SignatureChangesTest, ADifferentHangUnderTheSameVerdictIsListed) {
  const SignatureChanges changes = CompareSignatures(
      Conformance({Hanging("a", 30, {{kPluck, 30}, {kJoin, 4}}),
                   Hanging("same", 30, {{kPluck, 30}}),
                   Hanging("only_old", 30, {{kPluck, 30}})}),
      Conformance({Hanging("a", 30, {{kNext, 28}, {kJoin, 9}}),
                   // The same signatures in other proportions: not news.
                   Hanging("same", 20, {{kPluck, 20}}),
                   Hanging("only_new", 30, {{kNext, 30}})}));
  EXPECT_TRUE(changes.Compared());
  EXPECT_EQ(changes.NotComparedReason(), "");
  EXPECT_EQ(changes.cells_in_common, 2);
  ASSERT_EQ(changes.changes.size(), 1u);
  const SignatureChange& change = changes.changes[0];
  EXPECT_EQ(change.key.substr(0, 2), "a ");
  EXPECT_EQ(change.model_name, "a");
  EXPECT_TRUE(change.SameVerdict());
  EXPECT_EQ(change.old_side.verdict, "unsafe");
  EXPECT_EQ(change.old_side.failures, "hang 30/30");
  // Only what one side saw and the other did not, with its trials.
  EXPECT_EQ(change.old_side.only_here, (CountedSignatures{{kPluck, 30}}));
  EXPECT_EQ(change.new_side.only_here, (CountedSignatures{{kNext, 28}}));
}

TEST(SignatureChangesTest, ASignatureGoneWithItsFailuresIsListedToo) {
  SyntheticCell fixed = Hanging("a", 0, {});
  const SignatureChanges changes =
      CompareSignatures(Conformance({Hanging("a", 30, {{kPluck, 30}}),
                                     Hanging("b", 30, {{kPluck, 30}})}),
                        Conformance({fixed, Hanging("b", 30, {{kPluck, 30}})}));
  ASSERT_EQ(changes.changes.size(), 1u);
  EXPECT_FALSE(changes.changes[0].SameVerdict());
  EXPECT_EQ(changes.changes[0].new_side.failures, "");
  EXPECT_EQ(changes.changes[0].new_side.verdict, "undecided");
  EXPECT_TRUE(changes.changes[0].new_side.only_here.empty());
}

TEST(SignatureChangesTest, AReportWithoutSignaturesIsNotCompared) {
  // An older report: its cells failed, but it records no signatures.
  const SignatureChanges changes =
      CompareSignatures(Conformance({Hanging("a", 30, {})}),
                        Conformance({Hanging("a", 30, {{kPluck, 30}})}));
  EXPECT_FALSE(changes.Compared());
  EXPECT_TRUE(changes.changes.empty());
  EXPECT_EQ(changes.cells_in_common, 1);
  EXPECT_EQ(changes.NotComparedReason(),
            "the old report records no stack signatures (written before "
            "they were, or no trial failed)");
  EXPECT_EQ(CompareSignatures(std::nullopt, std::nullopt).NotComparedReason(),
            "the old and the new reports record no stack signatures (written "
            "before they were, or no trial failed)");
}

}  // namespace
}  // namespace forkcheck
