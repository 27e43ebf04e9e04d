#include "fakes/grpc_callback_compat.h"

#include <cstdlib>
#include <string>

#include "gtest/gtest.h"

namespace forkcheck {
namespace {

std::string PollStrategy() {
  const char* value = std::getenv("GRPC_POLL_STRATEGY");
  return value == nullptr ? "(unset)" : value;
}

#ifdef GRPC_CALLBACK_API_NONEXPERIMENTAL
TEST(SelectPollerForCallbackApiTest, OldGrpcGetsEpoll1AndSaysWhatItReplaced) {
  unsetenv("GRPC_POLL_STRATEGY");
  EXPECT_EQ(SelectPollerForCallbackApi(), "");
  EXPECT_EQ(PollStrategy(), "epoll1");

  setenv("GRPC_POLL_STRATEGY", "poll", 1);
  EXPECT_EQ(SelectPollerForCallbackApi(),
            "GRPC_POLL_STRATEGY=poll replaced by epoll1: this gRPC serves "
            "callback methods only with it");
  EXPECT_EQ(PollStrategy(), "epoll1");
}
#else
TEST(SelectPollerForCallbackApiTest, CurrentGrpcKeepsTheCallersChoice) {
  unsetenv("GRPC_POLL_STRATEGY");
  EXPECT_EQ(SelectPollerForCallbackApi(), "");
  EXPECT_EQ(PollStrategy(), "(unset)");

  setenv("GRPC_POLL_STRATEGY", "poll", 1);
  EXPECT_EQ(SelectPollerForCallbackApi(), "");
  EXPECT_EQ(PollStrategy(), "poll");
}
#endif

}  // namespace
}  // namespace forkcheck
