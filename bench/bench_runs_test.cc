#include "bench/bench_runs.h"

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace forkcheck {
namespace {

TEST(BenchRunsTest, NonFiniteNumbersBecomeNullOutsideStrings) {
  // As Google Benchmark writes the cv of a counter that is always 0.
  const std::string text =
      R"({"name": "BM_X_cv", "cpu_system_seconds": NaN, "a": -Infinity,)"
      R"( "b": Infinity, "c": [1.5, -nan, inf], "label": "NaN \"Infinity\"",)"
      R"( "d": null, "e": false})";
  const std::string fixed = NonFiniteNumbersToNull(text);
  const nlohmann::json json = nlohmann::json::parse(fixed);
  EXPECT_TRUE(json["cpu_system_seconds"].is_null());
  EXPECT_TRUE(json["a"].is_null());
  EXPECT_TRUE(json["b"].is_null());
  EXPECT_EQ(json["c"], nlohmann::json::parse("[1.5, null, null]"));
  EXPECT_EQ(json["label"], "NaN \"Infinity\"");
  EXPECT_TRUE(json["d"].is_null());
  EXPECT_EQ(json["e"], false);
  EXPECT_EQ(NonFiniteNumbersToNull(R"({"x": 1e-3, "y": "nan"})"),
            R"({"x": 1e-3, "y": "nan"})");
}

}  // namespace
}  // namespace forkcheck
