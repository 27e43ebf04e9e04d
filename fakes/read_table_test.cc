// Runs the read_table binary against a fake server on TCP.

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "client/reference_writer.h"
#include "dataset/catalogue.h"
#include "fakes/fake_server.h"
#include "grpcpp/grpcpp.h"
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

// The account read_table printed; a failure, and an empty object, if it
// printed something else.
nlohmann::json Account(const ProcessResult& run) {
  nlohmann::json json = nlohmann::json::parse(run.output, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    ADD_FAILURE() << "not an account: " << run.output;
    return nlohmann::json::object();
  }
  return json;
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
  nlohmann::json json = Account(run);
  EXPECT_EQ(json["exactly_once"], true);
  EXPECT_EQ(json["unique_rows"], 10000);
  EXPECT_EQ(json["threads"], 2);
  EXPECT_EQ(json["streams"].size(), 3u);
}

TEST_F(ReadTableTest, ShortTableNameAndProjection) {
  ProcessResult run = RunReadTable(
      absl::StrCat(target_, " --table=small --fields=int_col,bool_col"));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  nlohmann::json json = Account(run);
  EXPECT_EQ(json["unique_rows"], 1000);
}

// A writable copy of `small` in a project of its own, holding `small`'s
// rows [begin, end) written through a committed stream.
std::string WriteSmall(const std::string& address, const std::string& project,
                       int64_t begin, int64_t end) {
  const std::string table =
      absl::StrCat("projects/", project, "/datasets/writable/tables/small");
  if (end > begin) {
    ReferenceWriter writer(
        grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
    WriteAccount account =
        writer.Write(table, *Catalogue::Default().Resolve("small"), begin, end,
                     WriteStreamKind::kCommitted);
    EXPECT_TRUE(account.ok()) << account.first_error;
  }
  return table;
}

// N is the catalogue table's row count here, as in the matrix's write
// trials: ReadBackWrittenTable verifies values generated for a table of N
// rows, and a generator's values depend on the row count.
TEST_F(ReadTableTest, RowsChecksAWrittenTableHoldsExactlyThem) {
  const std::string table = WriteSmall(server_->address(), "p-rows", 0, 1000);
  ProcessResult run =
      RunReadTable(absl::StrCat(target_, " --table=", table, " --rows=1000"));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  nlohmann::json json = Account(run);
  EXPECT_EQ(json["table"], table);
  EXPECT_EQ(json["unique_rows"], 1000);
  EXPECT_EQ(json["missing_rows"], 0);

  // Checked as 300 rows: each row verifies as written (against the whole
  // table's generator), and the 700 past the first 300 are too many.
  run = RunReadTable(absl::StrCat(target_, " --table=", table, " --rows=300"));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  json = Account(run);
  EXPECT_EQ(json["out_of_range_rows"], 700) << run.output;
  EXPECT_EQ(json["corrupted_rows"], 0) << run.output;
  EXPECT_EQ(json["error"], nullptr) << run.output;
}

TEST_F(ReadTableTest, RowsCountsAWrittenTablesGapsAndDuplicates) {
  const std::string short_by_ten =
      WriteSmall(server_->address(), "p-short", 0, 990);
  ProcessResult run = RunReadTable(
      absl::StrCat(target_, " --table=", short_by_ten, " --rows=1000"));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  nlohmann::json json = Account(run);
  EXPECT_EQ(json["missing_rows"], 10);
  EXPECT_EQ(json["corrupted_rows"], 0);

  const std::string twice = WriteSmall(server_->address(), "p-twice", 0, 1000);
  WriteSmall(server_->address(), "p-twice", 950, 1000);
  run = RunReadTable(absl::StrCat(target_, " --table=", twice, " --rows=1000"));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  json = Account(run);
  EXPECT_EQ(json["duplicate_rows"], 50);

  const std::string empty = WriteSmall(server_->address(), "p-empty", 0, 0);
  run = RunReadTable(absl::StrCat(target_, " --table=", empty, " --rows=1000"));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  json = Account(run);
  EXPECT_EQ(json["missing_rows"], 1000) << run.output;
  // The ranges missing are of the rows asked for, not of the catalogue
  // table's 1000.
  run = RunReadTable(absl::StrCat(target_, " --table=", empty, " --rows=5"));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  json = Account(run);
  EXPECT_EQ(json["missing_rows"], 5) << run.output;
  EXPECT_EQ(json["missing_ranges"], "0-4") << run.output;
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
           Case{target_ + " --table=small --rows=0", "--rows"},
           Case{target_ + " --table=small --rows=many", "--rows"},
           Case{target_ + " --table=small --rows=1001",
                "--rows=1001: more than the 1000 rows of "
                "projects/forkcheck/datasets/synthetic/tables/small"},
           Case{target_ + " --table=small --rows=5 --threads=2 --fields=a",
                "--rows reads a written table whole; it takes no --threads, "
                "--fields"},
           Case{target_ + " --table=projects/p/datasets/writable/tables/nope "
                          "--rows=5",
                "--table: unknown or ambiguous table \"nope\""},
       }) {
    ProcessResult run = RunReadTable(c.args);
    EXPECT_EQ(run.exit_code, 2) << c.args << "\n" << run.output;
    EXPECT_NE(run.output.find(c.expected), std::string::npos) << c.args << "\n"
                                                              << run.output;
  }
}

}  // namespace
}  // namespace forkcheck
