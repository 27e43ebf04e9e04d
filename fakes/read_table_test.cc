// Runs the read_table binary against a fake server on TCP.

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "fakes/fake_server.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace forkcheck {
namespace {

struct ProcessResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// `args` are trusted test strings (no shell quoting needed).
ProcessResult RunReadTable(const std::string& args) {
  ProcessResult run;
  const std::string command = absl::StrCat("client/read_table ", args, " 2>&1");
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    run.output.append(buffer.data(), n);
  }
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

class ReadTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FakeServerOptions options;
    options.listen_address = "127.0.0.1:0";
    absl::StatusOr<std::unique_ptr<FakeServer>> server =
        FakeServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    target_ = absl::StrCat("--target=", server_->address());
  }
  void TearDown() override { server_->Shutdown(/*grace_millis=*/100); }

  std::unique_ptr<FakeServer> server_;
  std::string target_;
};

TEST_F(ReadTableTest, ReadsExactlyOnceAndPrintsJson) {
  ProcessResult run = RunReadTable(absl::StrCat(
      target_,
      " --table=projects/forkcheck/datasets/synthetic/tables/all_types"
      " --streams=3 --threads=2"));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  nlohmann::json json = nlohmann::json::parse(run.output, nullptr, false);
  ASSERT_FALSE(json.is_discarded()) << run.output;
  EXPECT_EQ(json["exactly_once"], true);
  EXPECT_EQ(json["unique_rows"], 10000);
  EXPECT_EQ(json["threads"], 2);
  EXPECT_EQ(json["streams"].size(), 3u);
}

TEST_F(ReadTableTest, ShortTableNameAndProjection) {
  ProcessResult run = RunReadTable(
      absl::StrCat(target_, " --table=small --fields=int_col,bool_col"));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  nlohmann::json json = nlohmann::json::parse(run.output, nullptr, false);
  ASSERT_FALSE(json.is_discarded()) << run.output;
  EXPECT_EQ(json["unique_rows"], 1000);
}

TEST_F(ReadTableTest, BadFlagsExitTwoNamingTheFlag) {
  struct Case {
    std::string args;
    std::string expected;
  };
  for (const Case& c : {
           Case{"--table=small", "--target is required"},
           Case{target_, "--table is required"},
           Case{target_ + " --table=small --threads=zero", "--threads"},
           Case{target_ + " --table=small --threads=0", "--threads"},
           Case{target_ + " --table=small --streams=-1", "--streams"},
           Case{target_ + " --table=nope", "--table: unknown"},
           Case{target_ + " --table=small --fields=a,,b", "--fields"},
           Case{target_ + " --table=small --fields=nope", "--fields"},
           Case{target_ + " --table=small --call_timeout=-3", "--call_timeout"},
           Case{target_ + " --table=small --colour=red",
                "unknown flag --colour"},
           Case{target_ + " --table=small stray", "unexpected argument"},
           Case{target_ + " --table", "--table=VALUE"},
       }) {
    ProcessResult run = RunReadTable(c.args);
    EXPECT_EQ(run.exit_code, 2) << c.args << "\n" << run.output;
    EXPECT_NE(run.output.find(c.expected), std::string::npos) << c.args << "\n"
                                                              << run.output;
  }
}

}  // namespace
}  // namespace forkcheck
