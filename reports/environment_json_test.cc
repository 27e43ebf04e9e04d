#include "reports/environment_json.h"

#include <functional>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "environment/environment.h"

namespace forkcheck {
namespace {

using nlohmann::json;

// Calls `visit(path, leaf)` for every non-container value under `value`.
void ForEachLeaf(
    const json& value, const std::string& path,
    const std::function<void(const std::string&, const json&)>& visit) {
  if (value.is_object()) {
    for (const auto& item : value.items()) {
      ForEachLeaf(item.value(),
                  path.empty() ? item.key() : path + "." + item.key(), visit);
    }
  } else if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) {
      ForEachLeaf(value[i], absl::StrCat(path, "[", i, "]"), visit);
    }
  } else {
    visit(path, value);
  }
}

bool HasNoteFor(const Environment& environment, const std::string& field) {
  for (const std::string& note : environment.notes) {
    if (absl::StartsWith(note, field + ": ")) return true;
  }
  return false;
}

// The schema wants every fact non-empty; a reader must find why one is
// "unknown" in the notes, under the name the block writes it at.
TEST(EnvironmentJsonTest, WritesEveryFactAndExplainsEveryUnknown) {
  for (const Environment& environment :
       {CollectEnvironment(EnvironmentOptionsFromProcess(CaptureRunStart())),
        CollectEnvironment(EnvironmentOptions{})}) {
    ForEachLeaf(EnvironmentToJson(environment), "",
                [&](const std::string& path, const json& leaf) {
                  if (absl::StartsWith(path, "notes[")) return;
                  ASSERT_FALSE(leaf.is_null()) << path;
                  if (!leaf.is_string()) return;
                  EXPECT_NE(leaf.get<std::string>(), "") << path;
                  if (leaf.get<std::string>() == kUnknown) {
                    EXPECT_TRUE(HasNoteFor(environment, path))
                        << path << " is unknown without a note; notes:\n"
                        << absl::StrJoin(environment.notes, "\n");
                  }
                });
  }
}

TEST(EnvironmentJsonTest, UnreadNumbersAreWrittenAsUnknown) {
  Environment environment;
  environment.machine.cpus_online = 2;
  environment.machine.load_average_at_start = LoadAverage{0.5, 1.25, 2};
  environment.grpc_env["GRPC_TRACE"] = "api";
  json written = EnvironmentToJson(environment);
  EXPECT_EQ(written["machine"]["cpus_online"], 2);
  EXPECT_EQ(written["machine"]["load_average_at_start"],
            json::array({0.5, 1.25, 2}));
  EXPECT_EQ(written["grpc_env"], json({{"GRPC_TRACE", "api"}}));

  environment.machine.cpus_online.reset();
  environment.machine.load_average_at_start.reset();
  environment.grpc_env.clear();
  written = EnvironmentToJson(environment);
  EXPECT_EQ(written["machine"]["cpus_online"], "unknown");
  EXPECT_EQ(written["machine"]["load_average_at_start"], "unknown");
  EXPECT_EQ(written["grpc_env"], json::object());
}

}  // namespace
}  // namespace forkcheck
