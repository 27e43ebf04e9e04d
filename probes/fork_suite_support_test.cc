// The fork suite's pieces in one process, against a fake server on
// localhost: what they report when gRPC works, and that a call or watch that
// does not complete is given up within its bound.
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client/channel_factory.h"
#include "client/written_table_check.h"
#include "dataset/catalogue.h"
#include "fakes/fake_server.h"
#include "fakes/fault_injector.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "probes/connectivity_watcher.h"
#include "probes/in_flight_read.h"
#include "probes/in_flight_write.h"
#include "probes/unary_probe.h"

namespace forkcheck {
namespace {

using ::testing::HasSubstr;

constexpr char kTable[] = "projects/forkcheck/datasets/synthetic/tables/small";
constexpr int64_t kTableRows = 1000;

std::unique_ptr<FakeServer> StartServer(FakeServerOptions options = {}) {
  options.rows_per_response = 100;  // several responses per stream
  auto server = FakeServer::Start(std::move(options));
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

// A server whose streams (of `target`; every table if empty) stall for 20 s
// after `after_rows` rows: a call held open across the test's bound.
std::unique_ptr<FakeServer> StartStallingServer(int64_t after_rows,
                                                const std::string& target) {
  FaultRule stall;
  stall.kind = FaultKind::kStall;
  stall.target = target;
  stall.after_rows = after_rows;
  stall.millis = 20000;
  FakeServerOptions options;
  options.faults.push_back(stall);
  return StartServer(std::move(options));
}

TEST(OneStreamSessionTest, BothApisCreateAOneStreamSession) {
  std::unique_ptr<FakeServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  auto channel = NewChannel(server->address());
  for (CallApi api : {CallApi::kBlocking, CallApi::kAsync}) {
    SCOPED_TRACE(std::string(CallApiName(api)));
    auto session = OneStreamSession(channel, kTable, api, absl::Seconds(5));
    ASSERT_TRUE(session.ok()) << session.status();
    EXPECT_EQ(session->streams_size(), 1);
    EXPECT_EQ(session->table(), kTable);
  }
}

TEST(OneStreamSessionTest, ServerErrorsKeepTheirCode) {
  std::unique_ptr<FakeServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  auto channel = NewChannel(server->address());
  const std::string unknown =
      "projects/forkcheck/datasets/synthetic/tables/no_such_table";
  for (CallApi api : {CallApi::kBlocking, CallApi::kAsync}) {
    SCOPED_TRACE(std::string(CallApiName(api)));
    EXPECT_EQ(OneStreamSession(channel, unknown, api, absl::Seconds(5))
                  .status()
                  .code(),
              absl::StatusCode::kNotFound);
  }
  EXPECT_EQ(
      OneStreamSession(channel, "small", CallApi::kBlocking, absl::Seconds(5))
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
}

TEST(ConnectivityWatcherTest, SeesTheChannelBecomeReady) {
  std::unique_ptr<FakeServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  ConnectivityWatcher watcher(NewChannel(server->address()));
  ASSERT_TRUE(watcher.WaitUntilReady(absl::Seconds(5)).ok())
      << watcher.StatesText();
  watcher.Stop();
  ASSERT_FALSE(watcher.states().empty());
  EXPECT_EQ(watcher.states().back(), GRPC_CHANNEL_READY);
  EXPECT_THAT(watcher.StatesText(), HasSubstr("READY"));
}

TEST(ConnectivityWatcherTest, GivesUpOnAChannelThatCannotConnect) {
  const std::string nowhere =
      "unix:" +
      std::string(getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp") +
      "/no_server_here.sock";
  ConnectivityWatcher watcher(NewChannel(nowhere));
  const absl::Time start = absl::Now();
  const absl::Status ready = watcher.WaitUntilReady(absl::Milliseconds(300));
  EXPECT_EQ(ready.code(), absl::StatusCode::kDeadlineExceeded) << ready;
  EXPECT_THAT(ready.message(), HasSubstr("states seen: "));
  watcher.Stop();
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
}

TEST(InFlightReadTest, ReadsTheWholeStreamInOrder) {
  std::unique_ptr<FakeServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  auto read = InFlightRead::Start(NewChannel(server->address()), kTable,
                                  absl::Seconds(5));
  ASSERT_TRUE(read.ok()) << read.status();
  const InFlightAccount account = (*read)->ReadToEnd(absl::Seconds(5));
  EXPECT_TRUE(account.status.ok()) << account.status;
  EXPECT_EQ(account.rows, kTableRows);
  EXPECT_EQ(account.responses, kTableRows / 100);
  EXPECT_EQ(account.misplaced_rows, 0);
  EXPECT_EQ(account.corrupt_responses, 0);
  EXPECT_FALSE(account.wrong_data());
  // Once ended, the same account again.
  EXPECT_EQ((*read)->ReadToEnd(absl::Seconds(5)).rows, kTableRows);
}

TEST(InFlightReadTest, AStalledCallIsCancelledAtItsBound) {
  std::unique_ptr<FakeServer> server = StartStallingServer(300, kTable);
  ASSERT_NE(server, nullptr);
  auto read = InFlightRead::Start(NewChannel(server->address()), kTable,
                                  absl::Seconds(5));
  ASSERT_TRUE(read.ok()) << read.status();
  const absl::Time start = absl::Now();
  // Long enough for the 300 rows before the stall on a loaded machine;
  // far shorter than the 20 s stall.
  const InFlightAccount account = (*read)->ReadToEnd(absl::Seconds(2));
  EXPECT_LT(absl::Now() - start, absl::Seconds(8));
  EXPECT_EQ(account.status.code(), absl::StatusCode::kDeadlineExceeded)
      << account.status;
  EXPECT_THAT(account.status.message(), HasSubstr("was cancelled after 300"));
  EXPECT_EQ(account.rows, 300);
}

TEST(InFlightReadTest, DestroyingAnOpenCallCancelsItPromptly) {
  std::unique_ptr<FakeServer> server = StartStallingServer(100, "");
  ASSERT_NE(server, nullptr);
  auto read = InFlightRead::Start(NewChannel(server->address()), kTable,
                                  absl::Seconds(5));
  ASSERT_TRUE(read.ok()) << read.status();
  const absl::Time start = absl::Now();
  read->reset();
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
}

TEST(InFlightReadTest, AnUnknownTableFailsToStart) {
  std::unique_ptr<FakeServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  auto read = InFlightRead::Start(
      NewChannel(server->address()),
      "projects/forkcheck/datasets/synthetic/tables/no_such_table",
      absl::Seconds(5));
  EXPECT_EQ(read.status().code(), absl::StatusCode::kNotFound);
}

constexpr char kWritable[] = "projects/inflight/datasets/writable/tables/small";

const TableSpec& SmallSpec() { return *Catalogue::Default().Find(kTable); }

TEST(InFlightWriteTest, AppendsInFlightAreAnsweredAtFinishAndInTheTable) {
  std::unique_ptr<FakeServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  auto channel = NewChannel(server->address());
  auto write =
      InFlightWrite::Start(channel, kWritable, SmallSpec(),
                           /*answered=*/2, /*max_appends=*/5, absl::Seconds(5));
  ASSERT_TRUE(write.ok()) << write.status();
  ASSERT_TRUE((*write)->SendUnanswered(3, absl::Seconds(5)).ok());
  const InFlightWriteAccount account = (*write)->Finish(absl::Seconds(5));
  EXPECT_TRUE(account.status.ok()) << account.status;
  EXPECT_EQ(account.appends_sent, 5);
  EXPECT_EQ(account.appends_answered, 5);
  EXPECT_EQ(account.rows_acknowledged, 5 * InFlightWrite::kRowsPerAppend);
  // Once ended, the same account again.
  EXPECT_EQ((*write)->Finish(absl::Seconds(5)).appends_answered, 5);
  auto read_back = ReadBackWrittenTable(channel, kWritable, SmallSpec(),
                                        5 * InFlightWrite::kRowsPerAppend);
  ASSERT_TRUE(read_back.ok()) << read_back.status();
  EXPECT_TRUE(read_back->exactly_once()) << read_back->first_error;
  EXPECT_EQ(read_back->unique_rows, 5 * InFlightWrite::kRowsPerAppend);
  // Read back as fewer rows than were written: the rest are strays.
  auto fewer = ReadBackWrittenTable(channel, kWritable, SmallSpec(), 200);
  ASSERT_TRUE(fewer.ok()) << fewer.status();
  EXPECT_FALSE(fewer->exactly_once());
  EXPECT_EQ(fewer->unique_rows, 200);
  EXPECT_EQ(fewer->out_of_range_rows, 300);
  EXPECT_EQ(fewer->missing_rows, 0);
  EXPECT_EQ(ReadBackWrittenTable(channel, kWritable, SmallSpec(), 1001)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(InFlightWriteTest, MoreAppendsThanPlannedAreRefused) {
  std::unique_ptr<FakeServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  auto write = InFlightWrite::Start(NewChannel(server->address()), kWritable,
                                    SmallSpec(), 1, 1, absl::Seconds(5));
  ASSERT_TRUE(write.ok()) << write.status();
  EXPECT_EQ((*write)->SendUnanswered(1, absl::Seconds(5)).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(InFlightWriteTest, ACatalogueTableIsNotWritable) {
  std::unique_ptr<FakeServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  const absl::Time start = absl::Now();
  auto write = InFlightWrite::Start(NewChannel(server->address()), kTable,
                                    SmallSpec(), 1, 1, absl::Seconds(5));
  EXPECT_FALSE(write.ok());
  EXPECT_THAT(write.status().message(), HasSubstr("append 1 of 1"));
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

TEST(InFlightWriteTest, DestroyingAnOpenCallCancelsItPromptly) {
  std::unique_ptr<FakeServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  auto write = InFlightWrite::Start(NewChannel(server->address()), kWritable,
                                    SmallSpec(), 1, 4, absl::Seconds(5));
  ASSERT_TRUE(write.ok()) << write.status();
  ASSERT_TRUE((*write)->SendUnanswered(3, absl::Seconds(5)).ok());
  const absl::Time start = absl::Now();
  write->reset();
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
}

}  // namespace
}  // namespace forkcheck
