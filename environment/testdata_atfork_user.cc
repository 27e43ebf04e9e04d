// Test data: a shared library that calls pthread_atfork, as a gRPC build
// compiled with GRPC_POSIX_FORK_ALLOW_PTHREAD_ATFORK does.
#include <pthread.h>

namespace {
void Prepare() {}
void Parent() {}
void Child() {}
}  // namespace

extern "C" int forkcheck_testdata_register_fork_handlers() {
  return pthread_atfork(&Prepare, &Parent, &Child);
}
