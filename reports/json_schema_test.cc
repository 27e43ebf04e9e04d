#include "reports/json_schema.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

using Json = nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// "ok", the first violation of `document` against `schema`, or
// "schema: <error>" if `schema` does not parse.
std::string Check(const Json& schema, const Json& document) {
  absl::StatusOr<JsonSchema> parsed = JsonSchema::Parse(schema);
  if (!parsed.ok()) {
    return absl::StrCat("schema: ", parsed.status().message());
  }
  absl::Status status = parsed->Validate(document);
  if (status.ok()) return "ok";
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  return std::string(status.message());
}

std::string Check(const char* schema, const char* document) {
  return Check(Json::parse(schema), Json::parse(document));
}

// The error parsing `schema`, or "parsed".
std::string ParseError(const char* schema) {
  absl::StatusOr<JsonSchema> parsed = JsonSchema::Parse(Json::parse(schema));
  if (parsed.ok()) return "parsed";
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(parsed.status().message());
}

TEST(JsonSchemaTypeTest, EachTypeAcceptsItsValuesAndRejectsOthers) {
  EXPECT_EQ(Check(R"({"type": "object"})", "{}"), "ok");
  EXPECT_EQ(Check(R"({"type": "object"})", "[]"),
            "(root): expected object, got an array");
  EXPECT_EQ(Check(R"({"type": "array"})", "[1]"), "ok");
  EXPECT_EQ(Check(R"({"type": "array"})", "{}"),
            "(root): expected array, got an object");
  EXPECT_EQ(Check(R"({"type": "string"})", R"("x")"), "ok");
  EXPECT_EQ(Check(R"({"type": "string"})", "5"),
            "(root): expected string, got 5");
  EXPECT_EQ(Check(R"({"type": "integer"})", "-5"), "ok");
  EXPECT_EQ(Check(R"({"type": "integer"})", "18446744073709551615"), "ok");
  EXPECT_EQ(Check(R"({"type": "integer"})", R"("5")"),
            R"((root): expected integer, got "5")");
  EXPECT_EQ(Check(R"({"type": "number"})", "0.5"), "ok");
  EXPECT_EQ(Check(R"({"type": "number"})", "true"),
            "(root): expected number, got true");
  EXPECT_EQ(Check(R"({"type": "boolean"})", "false"), "ok");
  EXPECT_EQ(Check(R"({"type": "boolean"})", "0"),
            "(root): expected boolean, got 0");
  EXPECT_EQ(Check(R"({"type": "null"})", "null"), "ok");
  EXPECT_EQ(Check(R"({"type": "null"})", "{}"),
            "(root): expected null, got an object");
}

// Our decision (json_schema.h): an integer is a number written without a
// fraction or exponent, as the report reader requires; every integer is
// also a number.
TEST(JsonSchemaTypeTest, IntegerMeansWrittenAsAnInteger) {
  EXPECT_EQ(Check(R"({"type": "integer"})", "1.0"),
            "(root): expected integer, got 1.0");
  EXPECT_EQ(Check(R"({"type": "integer"})", "1e2"),
            "(root): expected integer, got 100.0");
  EXPECT_EQ(Check(R"({"type": "number"})", "1"), "ok");
  EXPECT_EQ(Check(R"({"type": "number"})", "-1"), "ok");
}

TEST(JsonSchemaTypeTest, TypeArrayAcceptsAnyOfItsTypes) {
  const char* schema = R"({"type": ["string", "null"]})";
  EXPECT_EQ(Check(schema, R"("x")"), "ok");
  EXPECT_EQ(Check(schema, "null"), "ok");
  EXPECT_EQ(Check(schema, "1"), "(root): expected string or null, got 1");
}

TEST(JsonSchemaTypeTest, BadTypesAreSchemaErrors) {
  EXPECT_EQ(ParseError(R"({"type": "int"})"),
            "JSON Schema /type: expected one of \"object\", \"array\", "
            "\"string\", \"integer\", \"number\", \"boolean\", \"null\", got "
            "\"int\"");
  EXPECT_THAT(ParseError(R"({"type": ["string", 3]})"),
              StartsWith("JSON Schema /type/1: expected one of"));
  EXPECT_EQ(ParseError(R"({"type": []})"),
            "JSON Schema /type: expected at least one type");
}

TEST(JsonSchemaObjectTest, RequiredNamesTheMissingPropertyAndItsObject) {
  const char* schema = R"({
    "type": "object",
    "properties": {"environment": {
      "type": "object",
      "required": ["grpc_version", "kernel"]}}})";
  EXPECT_EQ(Check(schema, R"({"environment": {"grpc_version": "1.51.1",
                                              "kernel": "6.1"}})"),
            "ok");
  EXPECT_EQ(Check(schema, R"({"environment": {"kernel": "6.1"}})"),
            "/environment: missing required property \"grpc_version\"");
  EXPECT_EQ(Check(schema, R"({})"), "ok");  // environment is optional
}

TEST(JsonSchemaObjectTest, PropertiesApplyToTheirMembersOnly) {
  const char* schema = R"({"properties": {"n": {"type": "integer"}}})";
  EXPECT_EQ(Check(schema, R"({"n": 1, "other": "x"})"), "ok");
  EXPECT_EQ(Check(schema, R"({"n": "1"})"), "/n: expected integer, got \"1\"");
  // Keywords for objects ignore other types, as the specification says.
  EXPECT_EQ(Check(schema, "[]"), "ok");
}

TEST(JsonSchemaObjectTest, AdditionalPropertiesFalseNamesTheStranger) {
  const char* schema = R"({"properties": {"a": {}},
                           "additionalProperties": false})";
  EXPECT_EQ(Check(schema, R"({"a": 1})"), "ok");
  EXPECT_EQ(Check(schema, R"({"a": 1, "b": 2})"),
            "(root): unexpected property \"b\"");
}

TEST(JsonSchemaObjectTest, AdditionalPropertiesSchemaChecksTheRest) {
  const char* schema = R"({"properties": {"a": {"type": "string"}},
                           "additionalProperties": {"type": "integer"}})";
  EXPECT_EQ(Check(schema, R"({"a": "x", "b": 2, "c": 3})"), "ok");
  EXPECT_EQ(Check(schema, R"({"a": "x", "b": "2"})"),
            "/b: expected integer, got \"2\"");
  EXPECT_EQ(Check(schema, R"({"a": 1})"), "/a: expected string, got 1");
}

TEST(JsonSchemaObjectTest, PointersEscapeSlashAndTilde) {
  const char* schema = R"({"additionalProperties": {"type": "integer"}})";
  EXPECT_EQ(Check(schema, R"({"a/b~c": "x"})"),
            "/a~1b~0c: expected integer, got \"x\"");
}

TEST(JsonSchemaObjectTest, MalformedObjectKeywordsAreSchemaErrors) {
  EXPECT_EQ(ParseError(R"({"required": "a"})"),
            "JSON Schema /required: expected an array");
  EXPECT_EQ(ParseError(R"({"required": ["a", 1]})"),
            "JSON Schema /required/1: expected a string");
  EXPECT_EQ(ParseError(R"({"required": ["a", "a"]})"),
            "JSON Schema /required/1: duplicate \"a\"");
  EXPECT_EQ(ParseError(R"({"properties": []})"),
            "JSON Schema /properties: expected an object");
  EXPECT_EQ(ParseError(R"({"properties": {"x": 3}})"),
            "JSON Schema /properties/x: a schema must be an object or a "
            "boolean, got 3");
  EXPECT_EQ(ParseError(R"({"additionalProperties": "no"})"),
            "JSON Schema /additionalProperties: a schema must be an object "
            "or a boolean, got \"no\"");
}

TEST(JsonSchemaArrayTest, ItemsChecksEveryElement) {
  const char* schema = R"({"type": "array", "items": {"type": "string"}})";
  EXPECT_EQ(Check(schema, R"(["a", "b"])"), "ok");
  EXPECT_EQ(Check(schema, "[]"), "ok");
  EXPECT_EQ(Check(schema, R"(["a", 2])"), "/1: expected string, got 2");
  EXPECT_THAT(ParseError(R"({"items": [{}]})"),
              HasSubstr("/items: items must be a schema"));
}

TEST(JsonSchemaArrayTest, MinItemsAndMaxItems) {
  const char* schema = R"({"minItems": 1, "maxItems": 2})";
  EXPECT_EQ(Check(schema, "[1]"), "ok");
  EXPECT_EQ(Check(schema, "[1, 2]"), "ok");
  EXPECT_EQ(Check(schema, "[]"), "(root): expected at least 1 item, got 0");
  EXPECT_EQ(Check(schema, "[1, 2, 3]"),
            "(root): expected at most 2 items, got 3");
  EXPECT_EQ(Check(schema, R"("not an array")"), "ok");
  EXPECT_EQ(ParseError(R"({"minItems": -1})"),
            "JSON Schema /minItems: expected a non-negative integer, got -1");
  EXPECT_EQ(ParseError(R"({"minItems": 1.0})"),
            "JSON Schema /minItems: expected a non-negative integer, got 1.0");
}

TEST(JsonSchemaValueTest, EnumListsTheAllowedValues) {
  const char* schema = R"({
    "properties": {"conformance": {"properties": {"cells": {"items": {
      "properties": {"samples": {"items": {"properties": {"workers": {
        "enum": ["ok", "wrong_data", "error", "hang", "crash"]}}}}}}}}}}})";
  const char* good = R"({"conformance": {"cells": [{"samples": [
      {"workers": "ok"}, {"workers": "hang"}]}]}})";
  const char* bad = R"({"conformance": {"cells": [{}, {}, {}, {"samples": [
      {"workers": "hangs"}]}]}})";
  EXPECT_EQ(Check(schema, good), "ok");
  EXPECT_EQ(Check(schema, bad),
            "/conformance/cells/3/samples/0/workers: \"hangs\" is not one of "
            "\"ok\", \"wrong_data\", \"error\", \"hang\", \"crash\"");
}

TEST(JsonSchemaValueTest, EnumComparesJsonValues) {
  const char* schema = R"({"enum": [1, null, [1, "a"], {"k": true}]})";
  EXPECT_EQ(Check(schema, "1"), "ok");
  EXPECT_EQ(Check(schema, "1.0"), "ok");  // equal numbers, as specified
  EXPECT_EQ(Check(schema, "null"), "ok");
  EXPECT_EQ(Check(schema, R"([1, "a"])"), "ok");
  EXPECT_EQ(Check(schema, R"({"k": true})"), "ok");
  EXPECT_EQ(Check(schema, "true"),
            R"((root): true is not one of 1, null, [1,"a"], {"k":true})");
  EXPECT_EQ(Check(schema, R"(["a", 1])"),
            R"((root): an array is not one of 1, null, [1,"a"], {"k":true})");
  EXPECT_EQ(ParseError(R"({"enum": "ok"})"),
            "JSON Schema /enum: expected an array");
}

TEST(JsonSchemaValueTest, Const) {
  const char* schema = R"({"properties": {"schema_version": {"const": 1}}})";
  EXPECT_EQ(Check(schema, R"({"schema_version": 1})"), "ok");
  EXPECT_EQ(Check(schema, R"({"schema_version": 2})"),
            "/schema_version: expected 1, got 2");
  EXPECT_EQ(Check(schema, R"({"schema_version": "1"})"),
            "/schema_version: expected 1, got \"1\"");
  EXPECT_EQ(Check(R"({"const": {"a": [1]}})", R"({"a": [1]})"), "ok");
  EXPECT_EQ(Check(R"({"const": false})", "0"), "(root): expected false, got 0");
}

TEST(JsonSchemaNumberTest, MinimumAndMaximumAreInclusive) {
  const char* schema = R"({"minimum": 0, "maximum": 10})";
  EXPECT_EQ(Check(schema, "0"), "ok");
  EXPECT_EQ(Check(schema, "10"), "ok");
  EXPECT_EQ(Check(schema, "10.0"), "ok");
  EXPECT_EQ(Check(schema, "-1"), "(root): expected >= 0, got -1");
  EXPECT_EQ(Check(schema, "-0.5"), "(root): expected >= 0, got -0.5");
  EXPECT_EQ(Check(schema, "10.5"), "(root): expected <= 10, got 10.5");
  EXPECT_EQ(Check(schema, "18446744073709551615"),
            "(root): expected <= 10, got 18446744073709551615");
  EXPECT_EQ(Check(schema, R"("11")"), "ok");  // numbers only
}

TEST(JsonSchemaNumberTest, ExclusiveBounds) {
  const char* schema = R"({"exclusiveMinimum": 0, "exclusiveMaximum": 1.5})";
  EXPECT_EQ(Check(schema, "1"), "ok");
  EXPECT_EQ(Check(schema, "1e-9"), "ok");
  EXPECT_EQ(Check(schema, "0"), "(root): expected > 0, got 0");
  EXPECT_EQ(Check(schema, "1.5"), "(root): expected < 1.5, got 1.5");
  EXPECT_EQ(ParseError(R"({"minimum": "0"})"),
            "JSON Schema /minimum: expected a number, got \"0\"");
}

TEST(JsonSchemaNumberTest, LargeIntegersCompareExactly) {
  // 2^63 - 1 vs 2^63: as doubles these would be equal.
  EXPECT_EQ(Check(R"({"maximum": 9223372036854775807})", "9223372036854775808"),
            "(root): expected <= 9223372036854775807, got "
            "9223372036854775808");
  EXPECT_EQ(
      Check(R"({"minimum": -9223372036854775808})", "18446744073709551615"),
      "ok");
}

TEST(JsonSchemaStringTest, LengthCountsCodePointsNotBytes) {
  const char* schema = R"({"minLength": 2, "maxLength": 3})";
  EXPECT_EQ(Check(schema, R"("ab")"), "ok");
  EXPECT_EQ(Check(schema, "\"\xC3\xA9\xC3\xA9\xC3\xA9\""), "ok");  // 6 bytes
  EXPECT_EQ(Check(schema, R"("a")"),
            "(root): expected at least 2 characters, got 1");
  EXPECT_EQ(Check(schema, R"("abcd")"),
            "(root): expected at most 3 characters, got 4");
  EXPECT_EQ(Check(R"({"minLength": 1})", R"("")"),
            "(root): expected at least 1 character, got 0");
}

TEST(JsonSchemaStringTest, PatternIsAnUnanchoredSearch) {
  EXPECT_EQ(Check(R"({"pattern": "[0-9]+"})", R"("v1")"), "ok");
  const char* schema = R"({"pattern": "^[0-9]+\\.[0-9]+\\.[0-9]+$"})";
  EXPECT_EQ(Check(schema, R"("1.51.1")"), "ok");
  EXPECT_EQ(
      Check(schema, R"("1.51")"),
      R"((root): "1.51" does not match pattern "^[0-9]+\\.[0-9]+\\.[0-9]+$")");
  EXPECT_EQ(Check(schema, "151"), "ok");  // strings only
  EXPECT_THAT(ParseError(R"({"pattern": "(unclosed"})"),
              StartsWith("JSON Schema /pattern: not an ECMAScript regular "
                         "expression"));
}

// libstdc++'s regex recurses per character; a huge string must be a
// violation, not a stack overflow.
TEST(JsonSchemaStringTest, PatternRefusesOverlongStrings) {
  const Json schema = Json::parse(R"({"pattern": "^(a|b)*$"})");
  const std::string fits(JsonSchema::kMaxPatternSubjectBytes, 'a');
  EXPECT_EQ(Check(schema, Json(fits)), "ok");
  EXPECT_EQ(Check(schema, Json(std::string(1000000, 'a'))),
            "(root): a string of 1000000 bytes is too long to match against "
            "pattern \"^(a|b)*$\" (at most 1024)");
}

TEST(JsonSchemaStringTest, LongStringsAreShortenedInMessages) {
  EXPECT_EQ(
      Check(Json::parse(R"({"type": "integer"})"), Json(std::string(100, 'x'))),
      "(root): expected integer, got \"" + std::string(60, 'x') + "\"...");
}

const char* kTree = R"({
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://example.com/tree.schema.json",
  "title": "tree",
  "$ref": "#/$defs/node",
  "$defs": {
    "node": {
      "type": "object",
      "required": ["name"],
      "properties": {
        "name": {"type": "string"},
        "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}
      },
      "additionalProperties": false
    }
  }
})";

TEST(JsonSchemaRefTest, RefsResolveToDefinitionsRecursively) {
  EXPECT_EQ(Check(kTree, R"({"name": "a", "children": [
      {"name": "b"}, {"name": "c", "children": [{"name": "d"}]}]})"),
            "ok");
  EXPECT_EQ(Check(kTree, R"({"name": "a", "children": [
      {"name": "b"}, {"name": "c", "children": [{"nam": "d"}]}]})"),
            "/children/1/children/0: missing required property \"name\"");
}

TEST(JsonSchemaRefTest, RefAppliesBesideSiblingKeywords) {
  const char* schema = R"({
    "$defs": {"short": {"maxLength": 2}},
    "type": "string", "$ref": "#/$defs/short", "minLength": 1})";
  EXPECT_EQ(Check(schema, R"("ab")"), "ok");
  EXPECT_EQ(Check(schema, R"("")"),
            "(root): expected at least 1 character, got 0");
  EXPECT_EQ(Check(schema, R"("abc")"),
            "(root): expected at most 2 characters, got 3");
}

TEST(JsonSchemaRefTest, DefinitionNamesArePointerEscaped) {
  const char* schema = R"({"$defs": {"a/b~c": {"type": "null"}},
                           "$ref": "#/$defs/a~1b~0c"})";
  EXPECT_EQ(Check(schema, "null"), "ok");
  EXPECT_EQ(Check(schema, "1"), "(root): expected null, got 1");
}

TEST(JsonSchemaRefTest, DanglingAndUnsupportedRefsAreSchemaErrors) {
  EXPECT_EQ(ParseError(R"({"$defs": {"a": {}},
                           "properties": {"x": {"$ref": "#/$defs/b"}}})"),
            "JSON Schema /properties/x/$ref: $ref to a missing definition: "
            "no \"b\" in /$defs");
  EXPECT_EQ(ParseError(R"({"$ref": "other.json#/$defs/a"})"),
            "JSON Schema /$ref: only \"#/$defs/<name>\" is supported, got "
            "\"other.json#/$defs/a\"");
  EXPECT_THAT(ParseError(R"({"$defs": {"a": {"$defs": {}}},
                             "$ref": "#/$defs/a/$defs/b"})"),
              HasSubstr("$defs is only supported at the root"));
  EXPECT_THAT(ParseError(R"({"$defs": {"a": {}}, "$ref": "#/$defs/a/b"})"),
              HasSubstr("only \"#/$defs/<name>\" is supported"));
  EXPECT_THAT(ParseError(R"({"$defs": {"a": {}}, "$ref": "#/$defs/~2"})"),
              HasSubstr("bad JSON pointer escape"));
  EXPECT_EQ(ParseError(R"({"$ref": "#"})"),
            "JSON Schema /$ref: only \"#/$defs/<name>\" is supported, got "
            "\"#\"");
}

TEST(JsonSchemaRefTest, InPlaceRefCyclesAreSchemaErrors) {
  EXPECT_THAT(ParseError(R"({"$defs": {"a": {"$ref": "#/$defs/b"},
                                       "b": {"$ref": "#/$defs/a"}},
                             "$ref": "#/$defs/a"})"),
              HasSubstr("without descending into the document"));
  EXPECT_THAT(ParseError(R"({"$defs": {"a": {"anyOf": [
                                {"type": "null"}, {"$ref": "#/$defs/a"}]}},
                             "$ref": "#/$defs/a"})"),
              HasSubstr("without descending into the document"));
  // Recursion through properties or items descends, so it ends.
  EXPECT_EQ(ParseError(kTree), "parsed");
}

TEST(JsonSchemaDepthTest, DeepDocumentsStopAtTheDepthLimit) {
  const JsonSchema schema = *JsonSchema::Parse(Json::parse(kTree));
  // Built bottom-up: 100000 levels, far beyond what recursion would survive.
  Json deep = {{"name", "leaf"}};
  for (int i = 0; i < 100000; ++i) {
    deep = Json{{"name", "n"}, {"children", Json::array({std::move(deep)})}};
  }
  absl::Status status = schema.Validate(deep);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("nested deeper than 256 levels"));
  EXPECT_THAT(std::string(status.message()),
              StartsWith("/children/0/children/0/"));

  // Well within the limit: fine.
  Json shallow = {{"name", "leaf"}};
  for (int i = 0; i < 50; ++i) {
    shallow = Json{{"name", "n"}, {"children", Json::array({shallow})}};
  }
  EXPECT_TRUE(schema.Validate(shallow).ok());
}

TEST(JsonSchemaDepthTest, DeepSchemasAreSchemaErrors) {
  Json schema = Json::object();
  for (int i = 0; i < 1000; ++i) {
    schema = Json{{"items", std::move(schema)}};
  }
  absl::StatusOr<JsonSchema> parsed = JsonSchema::Parse(schema);
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(std::string(parsed.status().message()),
              HasSubstr("nested deeper than 256 levels"));

  Json deep_enum = Json::array();
  for (int i = 0; i < 1000; ++i) deep_enum = Json::array({deep_enum});
  EXPECT_THAT(Check(Json{{"enum", Json::array({deep_enum})}}, Json(1)),
              HasSubstr("/enum: value nested too deeply"));
}

TEST(JsonSchemaCombinatorTest, AnyOfNeedsOneMatch) {
  const char* schema = R"({"anyOf": [{"type": "null"},
                                     {"type": "integer", "minimum": 0}]})";
  EXPECT_EQ(Check(schema, "null"), "ok");
  EXPECT_EQ(Check(schema, "3"), "ok");
  EXPECT_EQ(Check(schema, "-3"),
            "(root): matches no anyOf alternative (#0: (root): expected "
            "null, got -3; #1: (root): expected >= 0, got -3)");
}

TEST(JsonSchemaCombinatorTest, OneOfNeedsExactlyOneMatch) {
  const char* schema = R"({"oneOf": [{"type": "integer"},
                                     {"type": "number", "minimum": 2},
                                     {"type": "null"}]})";
  EXPECT_EQ(Check(schema, "1"), "ok");
  EXPECT_EQ(Check(schema, "2.5"), "ok");
  EXPECT_EQ(Check(schema, "null"), "ok");
  EXPECT_EQ(Check(schema, "3"),
            "(root): matches oneOf alternatives #0, #1; expected exactly one");
  EXPECT_EQ(Check(schema, "0.5"),
            "(root): matches no oneOf alternative (#0: (root): expected "
            "integer, got 0.5; #1: (root): expected >= 2, got 0.5; #2: "
            "(root): expected null, got 0.5)");
  EXPECT_EQ(ParseError(R"({"oneOf": []})"),
            "JSON Schema /oneOf: expected a non-empty array of schemas");
}

TEST(JsonSchemaCombinatorTest, OptionalOrNullMember) {
  const char* schema = R"({"properties": {"error": {"anyOf": [
      {"type": "null"}, {"type": "string", "minLength": 1}]}}})";
  EXPECT_EQ(Check(schema, R"({})"), "ok");
  EXPECT_EQ(Check(schema, R"({"error": null})"), "ok");
  EXPECT_EQ(Check(schema, R"({"error": "timeout"})"), "ok");
  EXPECT_THAT(Check(schema, R"({"error": ""})"),
              StartsWith("/error: matches no anyOf alternative"));
}

TEST(JsonSchemaBooleanTest, TrueAcceptsAllAndFalseNothing) {
  EXPECT_EQ(Check("true", R"({"any": [1]})"), "ok");
  EXPECT_EQ(Check("false", "null"),
            "(root): no value is allowed here (the schema is false)");
  EXPECT_EQ(Check(R"({"items": false})", "[]"), "ok");
  EXPECT_EQ(Check(R"({"items": false})", "[1]"),
            "/0: no value is allowed here (the schema is false)");
}

TEST(JsonSchemaKeywordTest, UnsupportedKeywordsNameThemselvesAndWhere) {
  EXPECT_THAT(ParseError(R"({"properties": {"t": {"format": "date-time"}}})"),
              StartsWith("JSON Schema /properties/t/format: unsupported "
                         "keyword \"format\" (supported: type, "));
  EXPECT_THAT(ParseError(R"({"requried": ["a"]})"),
              StartsWith("JSON Schema /requried: unsupported keyword "
                         "\"requried\""));
  EXPECT_THAT(ParseError(R"({"$defs": {"x": {"if": {}}}})"),
              StartsWith("JSON Schema /$defs/x/if: unsupported keyword"));
  EXPECT_THAT(ParseError(R"({"anyOf": [{}, {"patternProperties": {}}]})"),
              StartsWith("JSON Schema /anyOf/1/patternProperties: "));
}

TEST(JsonSchemaKeywordTest, AnnotationsAreIgnoredButChecked) {
  EXPECT_EQ(ParseError(R"({
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "x", "title": "t", "description": "d", "$comment": "c"})"),
            "parsed");
  EXPECT_EQ(ParseError(R"({"title": 1})"),
            "JSON Schema /title: expected a string");
  EXPECT_THAT(ParseError(R"({
    "$schema": "http://json-schema.org/draft-07/schema#"})"),
              StartsWith("JSON Schema /$schema: expected "
                         "\"https://json-schema.org/draft/2020-12/schema\""));
  EXPECT_EQ(ParseError(R"({"properties": {"a": {"$id": "a"}}})"),
            "JSON Schema /properties/a/$id: $id is only supported at the "
            "root");
  EXPECT_EQ(ParseError("3"),
            "JSON Schema (root): a schema must be an object or a boolean, "
            "got 3");
}

TEST(JsonSchemaValidateAllTest, ReturnsEveryViolationUpToTheLimit) {
  const JsonSchema schema = *JsonSchema::Parse(Json::parse(R"({
    "required": ["a", "b"],
    "additionalProperties": {"type": "integer"}})"));
  const Json document = Json::parse(R"({"x": "1", "y": "2", "z": 3})");
  EXPECT_THAT(schema.ValidateAll(document),
              ElementsAre("(root): missing required property \"a\"",
                          "(root): missing required property \"b\"",
                          "/x: expected integer, got \"1\"",
                          "/y: expected integer, got \"2\""));
  EXPECT_THAT(schema.ValidateAll(document, 2),
              ElementsAre("(root): missing required property \"a\"",
                          "(root): missing required property \"b\""));
  EXPECT_EQ(schema.ValidateAll(document, 0).size(), 1u);  // at least one
  EXPECT_TRUE(schema.ValidateAll(Json::parse(R"({"a": 1, "b": 2})")).empty());
  EXPECT_EQ(schema.Validate(document).message(),
            "(root): missing required property \"a\"");
}

TEST(JsonSchemaCopyTest, CopiesShareTheCompiledSchema) {
  absl::StatusOr<JsonSchema> parsed =
      JsonSchema::Parse(Json::parse(R"({"type": "string"})"));
  ASSERT_TRUE(parsed.ok());
  const JsonSchema copy = *parsed;
  parsed = JsonSchema::Parse(Json::parse("true"));  // replaces the original
  EXPECT_FALSE(copy.Validate(Json(1)).ok());
  EXPECT_TRUE(parsed->Validate(Json(1)).ok());
}

}  // namespace
}  // namespace forkcheck
