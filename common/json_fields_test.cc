#include "common/json_fields.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace forkcheck::json {
namespace {

TEST(ParseStrictTest, RejectsInvalidJsonNamingTheDocument) {
  auto parsed = ParseStrict("{\"a\": ", "fault script");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("fault script is not valid JSON"),
            std::string::npos);
}

TEST(ParseStrictTest, RejectsDuplicateKeysWithTheirPath) {
  auto parsed = ParseStrict(R"({"t": [{"a": 1}, {"a": 1, "a": 2}]})", "doc");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(), "doc: t[1].a: duplicate key");
}

TEST(ParseStrictTest, RejectsNestingPastTheLimit) {
  auto nested = [](int levels) {
    return std::string(levels, '[') + std::string(levels, ']');
  };
  EXPECT_TRUE(ParseStrict(nested(kMaxParsedDepth), "doc").ok());
  EXPECT_TRUE(
      ParseStrict("[" + nested(kMaxParsedDepth - 1) + ", 1, {}]", "doc").ok());
  // One more, or a million: refused, not a stack overflow in whatever
  // reads it.
  for (int levels : {kMaxParsedDepth + 1, 1000000}) {
    auto parsed = ParseStrict(nested(levels), "doc");
    ASSERT_FALSE(parsed.ok()) << levels;
    EXPECT_EQ(parsed.status().message().rfind(
                  absl::StrCat("doc: arrays and objects nest deeper than ",
                               kMaxParsedDepth, " levels at [0]"),
                  0),
              0u)
        << parsed.status().message().substr(0, 200);
  }
  auto deep_object =
      ParseStrict(R"({"a": )" + nested(kMaxParsedDepth + 5) + "}", "report");
  ASSERT_FALSE(deep_object.ok());
  EXPECT_NE(deep_object.status().message().find("levels at a[0]"),
            std::string::npos)
      << deep_object.status().message().substr(0, 200);
}

TEST(CheckObjectTest, NamesAnUnknownKeyAndTheKnownOnes) {
  Json value = Json::parse(R"({"kind": "stall", "milis": 3})");
  absl::Status status = CheckObject(value, "faults[0]", {"kind", "millis"});
  EXPECT_EQ(status.message(),
            "faults[0].milis: unknown key; expected one of kind, millis");
  EXPECT_FALSE(CheckObject(Json::array(), "x", {}).ok());
}

TEST(FieldTest, ConvertsOrNamesThePath) {
  Json value = Json::parse(R"({"n": 5, "s": "x", "d": 0.5, "b": true,
                               "neg": -1, "f": 1.5})");
  EXPECT_EQ(*ToInt64(value["n"], "n", 0, 10), 5);
  EXPECT_EQ(ToInt64(value["n"], "n", 0, 4).status().message(),
            "n: value 5 out of range [0, 4]");
  EXPECT_FALSE(ToInt64(value["f"], "f", 0, 10).ok());
  EXPECT_FALSE(ToInt64(value["s"], "s", 0, 10).ok());
  EXPECT_EQ(*ToString(value["s"], "s"), "x");
  EXPECT_FALSE(ToString(value["n"], "n").ok());
  EXPECT_EQ(*ToDouble(value["d"], "d"), 0.5);
  EXPECT_TRUE(*ToBool(value["b"], "b"));
  EXPECT_FALSE(ToBool(value["n"], "n").ok());
  EXPECT_FALSE(ToUint64(value["neg"], "neg").ok());
  const Json* member = nullptr;
  EXPECT_EQ(GetRequired(value, "top", "zz", &member).message(),
            "top.zz: missing required field");
  ASSERT_TRUE(GetRequired(value, "top", "n", &member).ok());
  EXPECT_EQ(*member, 5);
  EXPECT_EQ(GetOptional(value, "zz"), nullptr);
  EXPECT_EQ(ElementPath("a.b", 3), "a.b[3]");
}

TEST(FieldTest, RequiredMembersConvertOrNameThePath) {
  Json value = Json::parse(R"({"n": 5, "s": "x"})");
  EXPECT_EQ(*RequiredString(value, "top", "s"), "x");
  EXPECT_EQ(RequiredString(value, "top", "zz").status().message(),
            "top.zz: missing required field");
  EXPECT_EQ(RequiredString(value, "top", "n").status().message(),
            "top.n: expected a string, got number");
  EXPECT_EQ(RequiredString(value, "", "zz").status().message(),
            "zz: missing required field");

  EXPECT_EQ(*RequiredInt64(value, "top", "n", 0, 10), 5);
  EXPECT_EQ(RequiredInt64(value, "top", "zz", 0, 10).status().message(),
            "top.zz: missing required field");
  EXPECT_EQ(RequiredInt64(value, "top", "n", 0, 4).status().message(),
            "top.n: value 5 out of range [0, 4]");
  EXPECT_EQ(RequiredInt64(value, "top", "s", 0, 10).status().message(),
            "top.s: expected an integer, got string \"x\"");
}

TEST(FieldTest, OptionalMembersKeepTheDefaultWhenAbsent) {
  Json value = Json::parse(R"({"n": 5, "s": "x", "neg": -1})");
  std::string text = "default";
  EXPECT_TRUE(OptionalString(value, "top", "zz", &text).ok());
  EXPECT_EQ(text, "default");
  EXPECT_EQ(OptionalString(value, "top", "n", &text).message(),
            "top.n: expected a string, got number");
  EXPECT_EQ(text, "default");
  EXPECT_TRUE(OptionalString(value, "top", "s", &text).ok());
  EXPECT_EQ(text, "x");

  int64_t number = 7;
  EXPECT_TRUE(OptionalInt64(value, "top", "zz", 0, 10, &number).ok());
  EXPECT_EQ(number, 7);
  EXPECT_EQ(OptionalInt64(value, "top", "n", 0, 4, &number).message(),
            "top.n: value 5 out of range [0, 4]");
  EXPECT_EQ(number, 7);
  EXPECT_TRUE(OptionalInt64(value, "top", "n", 0, 10, &number).ok());
  EXPECT_EQ(number, 5);

  uint64_t unsigned_number = 9;
  EXPECT_TRUE(OptionalUint64(value, "", "zz", &unsigned_number).ok());
  EXPECT_EQ(unsigned_number, 9u);
  EXPECT_EQ(OptionalUint64(value, "", "neg", &unsigned_number).message(),
            "neg: value -1 must not be negative");
  EXPECT_EQ(unsigned_number, 9u);
  EXPECT_TRUE(OptionalUint64(value, "", "n", &unsigned_number).ok());
  EXPECT_EQ(unsigned_number, 5u);
}

TEST(QuoteTest, QuotesAndReplacesBytesThatAreNotUtf8) {
  EXPECT_EQ(Quote("a \"b\""), "\"a \\\"b\\\"\"");
  // A Latin-1 path: U+FFFD for the byte, not dump()'s exception.
  EXPECT_EQ(Quote("caf\xe9"), "\"caf\xef\xbf\xbd\"");
}

}  // namespace
}  // namespace forkcheck::json
