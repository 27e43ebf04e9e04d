// The standalone fake, in its own process, serves a table that a client in
// this (another) process reads completely and verifies, over TCP and a Unix
// socket; and it shuts down cleanly on SIGTERM.
#include "fakes/fake_server_process.h"

#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "client/reference_reader.h"
#include "dataset/catalogue.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

std::unique_ptr<FakeServerProcess> StartServer(
    std::vector<std::string> flags) {
  auto binary = FakeServerBinaryPath();
  EXPECT_TRUE(binary.ok()) << binary.status();
  if (!binary.ok()) return nullptr;
  auto server = FakeServerProcess::Start({*binary, std::move(flags)});
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

class FakeServerProcessTest
    : public ::testing::TestWithParam<std::string /*listen address*/> {};

TEST_P(FakeServerProcessTest, AnotherProcessReadsATableExactlyOnce) {
  auto server = StartServer({"--listen=" + GetParam()});
  ASSERT_NE(server, nullptr);
  ReferenceReader reader(
      grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials()),
      Catalogue::Default());
  auto session = reader.CreateSession(
      "projects/forkcheck/datasets/synthetic/tables/all_types", 4);
  ASSERT_TRUE(session.ok()) << session.status();
  ReadAccount account = reader.Read(*session, 2);
  EXPECT_TRUE(account.exactly_once()) << account.first_error;
  EXPECT_EQ(account.unique_rows, 10000);
  EXPECT_TRUE(server->Stop().ok());  // SIGTERM: a clean exit, status 0
}

INSTANTIATE_TEST_SUITE_P(
    Transports, FakeServerProcessTest,
    ::testing::Values("127.0.0.1:0",
                      "unix:/tmp/forkcheck-process-test-" +
                          std::to_string(getpid()) + ".sock"),
    [](const auto& info) { return info.index == 0 ? "Tcp" : "UnixSocket"; });

TEST(FakeServerProcessStartTest, BadFlagsFailFastWithTheReason) {
  auto binary = FakeServerBinaryPath();
  ASSERT_TRUE(binary.ok());
  auto server = FakeServerProcess::Start(
      {*binary, {"--catalogue=/nonexistent/catalogue.json"}});
  ASSERT_FALSE(server.ok());
  EXPECT_NE(server.status().message().find("exited with status 2"),
            std::string::npos)
      << server.status();
}

// Starts the server with `flags`, expecting it to fail; returns the status,
// whose message quotes the server's standard error.
absl::Status StartExpectingFailure(const std::vector<std::string>& flags,
                                   const std::string& stderr_name) {
  auto binary = FakeServerBinaryPath();
  if (!binary.ok()) return binary.status();
  FakeServerProcess::Options options{*binary, flags};
  options.stderr_path =
      std::string(std::getenv("TEST_TMPDIR")) + "/" + stderr_name;
  auto server = FakeServerProcess::Start(options);
  if (server.ok()) {
    (void)(*server)->Stop();
    return absl::InternalError("the server started on " + (*server)->address());
  }
  return server.status();
}

TEST(FakeServerProcessStartTest, ABadListenAddressExits2NamingIt) {
  for (const std::string& address :
       {std::string("127.0.0.1:99999"), std::string("127.0.0.1:"),
        std::string("unix:")}) {
    absl::Status status =
        StartExpectingFailure({"--listen=" + address},
                              "bad-listen-" + std::to_string(address.size()));
    EXPECT_NE(status.message().find("exited with status 2"), std::string::npos)
        << address << ": " << status;
    EXPECT_NE(status.message().find("listen address \"" + address + "\""),
              std::string::npos)
        << address << ": " << status;
  }
}

TEST(FakeServerProcessStartTest, ASecondServerOnAPortInUseExits2) {
  auto first = StartServer({"--listen=127.0.0.1:0"});
  ASSERT_NE(first, nullptr);
  absl::Status second =
      StartExpectingFailure({"--listen=" + first->address()}, "second-server");
  EXPECT_NE(second.message().find("exited with status 2"), std::string::npos)
      << second;
  EXPECT_NE(second.message().find("cannot listen on \"" + first->address()),
            std::string::npos)
      << second;
  EXPECT_TRUE(first->Stop().ok());
}

}  // namespace
}  // namespace forkcheck
