// Happens-before edges that gRPC creates but ThreadSanitizer cannot see.
//
// Debian's libgrpc is not built with -fsanitize=thread, so TSan does not see
// the synchronisation with which gRPC passes an object of ours (a reactor, a
// slice's owner) from the thread that started an operation to the thread
// that runs its completion; it would report every such object as raced on.
// Marking both ends restores exactly the ordering gRPC guarantees: a race
// between two of our threads that do not meet through gRPC still shows.
// Without ThreadSanitizer both are no-ops.
#ifndef FORKCHECK_COMMON_GRPC_HANDOFF_H_
#define FORKCHECK_COMMON_GRPC_HANDOFF_H_

#if defined(__SANITIZE_THREAD__)  // GCC
#define FORKCHECK_THREAD_SANITIZER 1
#elif defined(__has_feature)  // Clang
#if __has_feature(thread_sanitizer)
#define FORKCHECK_THREAD_SANITIZER 1
#endif
#endif

#ifdef FORKCHECK_THREAD_SANITIZER
#include <sanitizer/tsan_interface.h>
#endif

namespace forkcheck {

// Call just before handing `object` to gRPC (StartWrite, Finish, a slice
// gRPC will release): what this thread did to it so far...
inline void GrpcHandOff(const void* object) {
#ifdef FORKCHECK_THREAD_SANITIZER
  __tsan_release(const_cast<void*>(object));
#else
  (void)object;
#endif
}

// ...happens before what the thread gRPC runs the completion on (OnWriteDone,
// OnDone, the slice's destroy function) does after this call.
inline void GrpcTakeBack(const void* object) {
#ifdef FORKCHECK_THREAD_SANITIZER
  __tsan_acquire(const_cast<void*>(object));
#else
  (void)object;
#endif
}

}  // namespace forkcheck

#endif  // FORKCHECK_COMMON_GRPC_HANDOFF_H_
