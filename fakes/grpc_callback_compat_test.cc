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

#ifdef FORKCHECK_GRPC_EXPERIMENTAL_CALLBACK_API
TEST(CallbackServingSupportTest, OldGrpcGetsEpoll1AndSaysWhatItReplaced) {
  unsetenv("GRPC_POLL_STRATEGY");
  {
    CallbackServingSupport support;
    EXPECT_EQ(support.note(), "");
    EXPECT_EQ(PollStrategy(), "epoll1");
  }  // and the destructor stops its thread
  setenv("GRPC_POLL_STRATEGY", "poll", 1);
  CallbackServingSupport support;
  EXPECT_EQ(support.note(),
            "GRPC_POLL_STRATEGY=poll replaced by epoll1: this gRPC serves "
            "callback methods only with it");
  EXPECT_EQ(PollStrategy(), "epoll1");
}
#else
TEST(CallbackServingSupportTest, CurrentGrpcKeepsTheCallersChoice) {
  setenv("GRPC_POLL_STRATEGY", "poll", 1);
  CallbackServingSupport support;
  EXPECT_EQ(support.note(), "");
  EXPECT_EQ(PollStrategy(), "poll");
}
#endif

}  // namespace
}  // namespace forkcheck
