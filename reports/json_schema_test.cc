#include "reports/json_schema.h"

#include "gtest/gtest.h"

namespace forkcheck {
namespace {
TEST(JsonSchemaTest, Smoke) {
  auto schema = JsonSchema::Parse(nlohmann::json::parse(R"({"type": "object", "required": ["a"]})"));
  ASSERT_TRUE(schema.ok()) << schema.status();
  EXPECT_EQ(schema->Validate(nlohmann::json::object()).message(), "(root): missing required property \"a\"");
}
}  // namespace
}  // namespace forkcheck
