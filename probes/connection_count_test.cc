#include "probes/connection_count.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

// A listener on 127.0.0.1, port chosen by the kernel.
int Listen(int* port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)),
            0);
  EXPECT_EQ(listen(fd, 8), 0);
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  *port = ntohs(address.sin_port);
  return fd;
}

int Connect(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)),
            0);
  return fd;
}

TEST(ConnectionCountTest, CountsThisProcessesConnectionsToThePort) {
  int port = 0;
  const int listener = Listen(&port);
  const std::string target = absl::StrCat("127.0.0.1:", port);
  EXPECT_EQ(CountTcpConnectionsTo(target), 0);
  std::vector<int> clients = {Connect(port), Connect(port)};
  // The accepted ends are ours too, but their remote port is not `port`.
  std::vector<int> accepted = {accept(listener, nullptr, nullptr),
                               accept(listener, nullptr, nullptr)};
  EXPECT_EQ(CountTcpConnectionsTo(target), 2);
  EXPECT_EQ(CountTcpConnectionsTo(absl::StrCat("ipv4:127.0.0.1:", port)), 2);
  close(clients[0]);
  EXPECT_EQ(CountTcpConnectionsTo(target), 1);
  for (int fd : accepted) close(fd);
  close(clients[1]);
  close(listener);
}

TEST(ConnectionCountTest, NonTcpTargetsHaveNoCount) {
  EXPECT_EQ(CountTcpConnectionsTo("unix:/tmp/x.sock"), std::nullopt);
  EXPECT_EQ(CountTcpConnectionsTo("localhost"), std::nullopt);
  EXPECT_EQ(CountTcpConnectionsTo("127.0.0.1:99999"), std::nullopt);
}

}  // namespace
}  // namespace forkcheck
