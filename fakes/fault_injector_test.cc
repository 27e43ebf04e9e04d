#include "fakes/fault_injector.h"

#include "gtest/gtest.h"

namespace forkcheck {
namespace {

const StreamNames kStream{"projects/p/datasets/d/tables/t",
                          "projects/p/locations/us/sessions/s",
                          "projects/p/locations/us/sessions/s/streams/a"};
const std::vector<FaultKind> kTerminating{FaultKind::kUnavailable,
                                          FaultKind::kRstStream};

TEST(FaultInjectorTest, PlansTheEarliestMatchingFaultInRange) {
  FaultInjector faults;
  faults.Add({FaultKind::kRstStream, "", 50});
  faults.Add({FaultKind::kUnavailable, std::string(kStream.table), 20});
  faults.Add({FaultKind::kUnavailable, "projects/other", 5});
  auto next = faults.Next(kStream, kTerminating, 0, 100);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->kind, FaultKind::kUnavailable);
  EXPECT_EQ(next->at_offset, 20);
  EXPECT_FALSE(faults.Next(kStream, kTerminating, 51, 100).has_value());
  EXPECT_FALSE(faults.Next(kStream, {FaultKind::kStall}, 0, 100).has_value());
}

TEST(FaultInjectorTest, MatchesSessionAndStreamTargets) {
  FaultInjector faults;
  faults.Add({FaultKind::kUnavailable, std::string(kStream.session), 1});
  faults.Add({FaultKind::kRstStream, std::string(kStream.stream), 2});
  StreamNames other = kStream;
  other.stream = "projects/p/locations/us/sessions/s/streams/b";
  auto next = faults.Next(other, kTerminating, 2, 100);
  EXPECT_FALSE(next.has_value());
  next = faults.Next(kStream, kTerminating, 2, 100);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->kind, FaultKind::kRstStream);
}

TEST(FaultInjectorTest, AProjectTargetMatchesTheSessionsCreatedUnderIt) {
  FaultInjector faults;
  faults.Add({FaultKind::kStall, "projects/p", 0, /*millis=*/5});
  EXPECT_TRUE(faults.Next(kStream, {FaultKind::kStall}, 0, 10).has_value());
  StreamNames billed_elsewhere = kStream;
  billed_elsewhere.session = "projects/q/locations/us/sessions/s";
  billed_elsewhere.stream = "projects/q/locations/us/sessions/s/streams/a";
  EXPECT_FALSE(
      faults.Next(billed_elsewhere, {FaultKind::kStall}, 0, 10).has_value());
  // A prefix of the project id is not the project.
  FaultInjector prefix;
  prefix.Add({FaultKind::kStall, "projects/", 0, 5});
  prefix.Add({FaultKind::kStall, "projects/pp", 0, 5});
  EXPECT_FALSE(prefix.Next(kStream, {FaultKind::kStall}, 0, 10).has_value());
}

TEST(FaultInjectorTest, MaxFiresPerStreamLimitsEachStreamOnItsOwn) {
  FaultInjector faults;
  FaultRule rule{FaultKind::kRstStream, "", 30};
  rule.max_fires = -1;
  rule.max_fires_per_stream = 1;
  faults.Add(rule);
  StreamNames other = kStream;
  other.stream = "projects/p/locations/us/sessions/s/streams/b";
  for (const StreamNames& names : {kStream, other}) {
    auto next = faults.Next(names, kTerminating, 0, 100);
    ASSERT_TRUE(next.has_value());
    EXPECT_TRUE(faults.TryFire(*next));
    // Resumed at the offset where it failed, the stream now reads on.
    EXPECT_FALSE(faults.Next(names, kTerminating, 30, 100).has_value());
  }
  EXPECT_EQ(faults.fired(FaultKind::kRstStream), 2);
  auto parsed = ParseFaultScriptJson(
      R"({"faults": [{"kind": "rst_stream", "max_fires_per_stream": 0}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ((*parsed)[0].max_fires_per_stream, 0);
  EXPECT_FALSE(ParseFaultScriptJson(
                   R"({"faults": [{"kind": "rst_stream",
                                   "max_fires_per_stream": -2}]})")
                   .ok());
}

TEST(FaultInjectorTest, FiresAtMostMaxFiresTimesAndCounts) {
  FaultInjector faults;
  faults.Add({FaultKind::kUnavailable, "", 0, 0, 0, /*max_fires=*/2});
  for (int i = 0; i < 2; ++i) {
    auto next = faults.Next(kStream, kTerminating, 0, 10);
    ASSERT_TRUE(next.has_value());
    EXPECT_TRUE(faults.TryFire(*next));
  }
  auto planned = PlannedFault{0, FaultKind::kUnavailable, 0, 0};
  EXPECT_FALSE(faults.TryFire(planned));
  EXPECT_FALSE(faults.Next(kStream, kTerminating, 0, 10).has_value());
  EXPECT_EQ(faults.fired(FaultKind::kUnavailable), 2);
  EXPECT_EQ(faults.fired(FaultKind::kRstStream), 0);
}

TEST(FaultInjectorTest, UnlimitedRulesKeepFiring) {
  FaultInjector faults;
  faults.Add({FaultKind::kStall, "", 3, 1, 0, /*max_fires=*/-1});
  for (int i = 0; i < 5; ++i) {
    auto next = faults.Next(kStream, {FaultKind::kStall}, 0, 10);
    ASSERT_TRUE(next.has_value());
    EXPECT_TRUE(faults.TryFire(*next));
  }
  EXPECT_EQ(faults.fired(FaultKind::kStall), 5);
}

TEST(FaultInjectorTest, DelayPerResponseSumsMatchingRules) {
  FaultInjector faults;
  EXPECT_EQ(faults.DelayPerResponseMicros(kStream), 0);
  faults.Add({FaultKind::kDelayPerResponse, "", 0, 0, 100});
  faults.Add({FaultKind::kDelayPerResponse, std::string(kStream.table), 0, 0, 50});
  EXPECT_EQ(faults.DelayPerResponseMicros(kStream), 150);
  EXPECT_EQ(faults.fired(FaultKind::kDelayPerResponse), 1);
}

TEST(FaultScriptTest, ParsesEveryKind) {
  auto rules = ParseFaultScriptJson(R"({"faults": [
      {"kind": "unavailable", "target": "projects/p/datasets/d/tables/t",
       "after_rows": 10},
      {"kind": "rst_stream", "after_rows": 3, "max_fires": -1},
      {"kind": "resource_exhausted", "millis": 20},
      {"kind": "stall", "millis": 500, "after_rows": 1},
      {"kind": "delay_per_response", "micros": 250},
      {"kind": "corrupt_payload", "after_rows": 7}]})");
  ASSERT_TRUE(rules.ok()) << rules.status();
  ASSERT_EQ(rules->size(), 6u);
  EXPECT_EQ((*rules)[0].target, "projects/p/datasets/d/tables/t");
  EXPECT_EQ((*rules)[0].after_rows, 10);
  EXPECT_EQ((*rules)[1].max_fires, -1);
  EXPECT_EQ((*rules)[2].millis, 20);
  EXPECT_EQ((*rules)[4].kind, FaultKind::kDelayPerResponse);
  EXPECT_EQ((*rules)[4].micros, 250);
  EXPECT_EQ((*rules)[5].kind, FaultKind::kCorruptPayload);
}

// A rule with a probability applies to a session's streams or not, drawn
// once per session: some trials meet the fault, the others none of it.
TEST(FaultInjectorTest, ProbabilityIsDrawnOncePerSession) {
  FaultInjector faults;
  FaultRule rule{FaultKind::kUnavailable, "", 0};
  rule.max_fires = -1;
  rule.probability = 0.2;
  faults.Add(rule);
  constexpr int kSessions = 2000;
  int applied = 0;
  for (int i = 0; i < kSessions; ++i) {
    const std::string session = "projects/p/locations/us/sessions/s" +
                                std::to_string(i);
    const std::string stream_a = session + "/streams/a";
    const std::string stream_b = session + "/streams/b";
    const bool a = faults.Next({kStream.table, session, stream_a},
                               kTerminating, 0, 10)
                       .has_value();
    const bool b = faults.Next({kStream.table, session, stream_b},
                               kTerminating, 0, 10)
                       .has_value();
    EXPECT_EQ(a, b) << "streams of one session disagree";
    // Asked again, the same session keeps its draw.
    EXPECT_EQ(faults.Next({kStream.table, session, stream_a}, kTerminating, 0,
                          10)
                  .has_value(),
              a);
    applied += a ? 1 : 0;
  }
  // 0.2 of 2000 is 400, with a standard deviation of about 18: six of them
  // either side fail by chance about once in a billion runs.
  EXPECT_GT(applied, 400 - 6 * 18);
  EXPECT_LT(applied, 400 + 6 * 18);
}

TEST(FaultScriptTest, ParsesProbability) {
  auto rules = ParseFaultScriptJson(
      R"({"faults": [{"kind": "stall", "millis": 60000, "probability": 0.2}]})");
  ASSERT_TRUE(rules.ok()) << rules.status();
  ASSERT_EQ(rules->size(), 1u);
  EXPECT_DOUBLE_EQ((*rules)[0].probability, 0.2);
  rules = ParseFaultScriptJson(R"({"faults": [{"kind": "unavailable"}]})");
  ASSERT_TRUE(rules.ok());
  EXPECT_DOUBLE_EQ((*rules)[0].probability, 1);
}

TEST(FaultScriptTest, ErrorsNameTheField) {
  struct Case {
    const char* json;
    const char* error;
  };
  for (const Case& c : {
           Case{R"({"faults": [{"kind": "explode"}]})",
                "faults[0].kind: unknown fault kind \"explode\""},
           Case{R"({"faults": [{"kind": "stall"}]})",
                "faults[0].millis: a stall needs millis > 0"},
           Case{R"({"faults": [{"kind": "unavailable", "after_rows": -1}]})",
                "faults[0].after_rows: value -1 out of range"},
           Case{R"({"faults": [{"kind": "unavailable", "probability": 0}]})",
                "faults[0].probability: expected a number in (0, 1]"},
           Case{R"({"faults": [{"kind": "unavailable", "probability": 1.5}]})",
                "faults[0].probability: expected a number in (0, 1]"},
           Case{R"({"faults": [{"kind": "unavailable", "probability": "x"}]})",
                "faults[0].probability: expected a number in (0, 1]"},
           Case{R"({"faults": [{"kind": "unavailable", "afterrows": 1}]})",
                "faults[0].afterrows: unknown key"},
           Case{R"({"faults": {}})", "faults: expected an array"},
           Case{R"({})", "faults: missing required field"},
           Case{R"([1])", "(root): expected an object"},
           Case{R"({"faults": [)", "fault script is not valid JSON"},
       }) {
    auto rules = ParseFaultScriptJson(c.json);
    ASSERT_FALSE(rules.ok()) << c.json;
    EXPECT_NE(rules.status().message().find(c.error), std::string::npos)
        << rules.status().message();
  }
  auto missing = LoadFaultScriptFile("/nonexistent/faults.json");
  EXPECT_FALSE(missing.ok());
}

TEST(FaultScriptTest, ParsesAppendRowsRules) {
  auto rules = ParseFaultScriptJson(R"({"faults": [
      {"kind": "aborted", "rpc": "append_rows", "after_appends": 3},
      {"kind": "stall", "rpc": "append_rows", "millis": 20},
      {"kind": "unavailable"}]})");
  ASSERT_TRUE(rules.ok()) << rules.status();
  ASSERT_EQ(rules->size(), 3u);
  EXPECT_EQ((*rules)[0].rpc, FaultRpc::kAppendRows);
  EXPECT_EQ((*rules)[0].after_appends, 3);
  EXPECT_EQ((*rules)[1].rpc, FaultRpc::kAppendRows);
  EXPECT_EQ((*rules)[2].rpc, FaultRpc::kReadRows);

  struct Case {
    const char* json;
    const char* error;
  };
  for (const Case& c : {
           Case{R"({"faults": [{"kind": "aborted"}]})",
                "faults[0].kind: \"aborted\" applies only to \"rpc\": "
                "\"append_rows\""},
           Case{R"({"faults": [{"kind": "corrupt_payload",
                                "rpc": "append_rows"}]})",
                "faults[0].kind: \"corrupt_payload\" does not apply to "
                "append_rows"},
           Case{R"({"faults": [{"kind": "unavailable", "rpc": "append_rows",
                                "after_rows": 1}]})",
                "faults[0].after_rows: append_rows rules count after_appends"},
           Case{R"({"faults": [{"kind": "unavailable", "after_appends": 1}]})",
                "faults[0].after_appends: only append_rows rules"},
           Case{R"({"faults": [{"kind": "unavailable", "rpc": "write"}]})",
                "faults[0].rpc: unknown rpc \"write\""},
           Case{R"({"faults": [{"kind": "aborted", "rpc": "append_rows",
                                "after_appends": -2}]})",
                "faults[0].after_appends: value -2 out of range"},
       }) {
    auto parsed = ParseFaultScriptJson(c.json);
    ASSERT_FALSE(parsed.ok()) << c.json;
    EXPECT_NE(parsed.status().message().find(c.error), std::string::npos)
        << parsed.status().message();
  }
}

// Read and AppendRows rules never plan for each other's calls, though they
// share kinds, targets and counts.
TEST(FaultInjectorTest, RulesPlanOnlyForTheirRpc) {
  FaultInjector faults;
  FaultRule append{FaultKind::kUnavailable, std::string(kStream.table)};
  append.rpc = FaultRpc::kAppendRows;
  append.after_appends = 2;
  faults.Add(append);
  EXPECT_FALSE(faults.Next(kStream, kTerminating, 0, 100).has_value());
  EXPECT_FALSE(faults.Next(kStream, kTerminating, 0, 1, FaultRpc::kAppendRows)
                   .has_value());
  auto next = faults.Next(kStream, kTerminating, 2, 2, FaultRpc::kAppendRows);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->at_offset, 2);
  EXPECT_TRUE(faults.TryFire(*next));
  EXPECT_EQ(faults.fired(FaultKind::kUnavailable), 1);

  FaultRule delay{FaultKind::kDelayPerResponse, "", 0, 0, /*micros=*/7};
  delay.rpc = FaultRpc::kAppendRows;
  faults.Add(delay);
  EXPECT_EQ(faults.DelayPerResponseMicros(kStream), 0);
}

}  // namespace
}  // namespace forkcheck
