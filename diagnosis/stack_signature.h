// Short, stable signatures of stacks: what a hung or crashed trial was doing,
// in one line that is the same across runs and rebuilds, so that trials can be
// grouped by it ("these 12 hangs are all the same hang").
//
// A thread's signature is its innermost `depth` frames that are not system
// frames, innermost first, joined by " ← ":
//
//   grpc_pollset_work ← grpc::CompletionQueue::Pluck ← grpc::ClientReader::Read
//
// The rule, in order:
//  1. If the thread has a `<signal handler called>` frame, every frame inside
//     the innermost one is the signal handler's own (a crash handler that
//     re-raised, raise, pthread_kill): the signature starts below it, at the
//     frame that was running when the signal came.
//  2. System frames are skipped. A frame is a system frame when
//     - gdb could not name it (`??`) or it has no name;
//     - its library's basename starts with libc.so, libc-, libpthread,
//       ld-linux, ld-2. or linux-vdso (kernel entry points show as vdso);
//     - its source file is glibc's (gdb prints glibc's debug paths as
//       `../sysdeps/...` or `./nptl/...`, `./posix/...` and the like), which
//       catches libc functions gdb names by file rather than by library; or
//     - its name is a libc or kernel-interface function (syscall, epoll_wait,
//       poll, __GI___poll, pthread_cond_wait, raise, abort, start_thread,
//       clone3, or a prefix such as __futex, __pthread_, __libc_, __GI_),
//       for the same reason.
//     Everything else is kept: gRPC (grpc_*, grpc::, grpc_core::), its event
//     engine, absl (its synchronisation is where gRPC waits), libstdc++ (e.g.
//     std::thread::join says the thread waits for another) and the program.
//  3. Each kept name is made stable: argument lists, template arguments,
//     addresses, `(anonymous namespace)::`, `[abi:cxx11]`, compiler clone
//     suffixes (`.isra.0`, `.constprop.0`, `.part.0`, `.cold`, `[clone ..]`),
//     abseil's versioned inline namespace (`absl::debian3::` → `absl::`,
//     `_debian3` suffixes) and lambda numbering (`{lambda(int)#2}::operator()`
//     → `{lambda}`) are removed; namespaces are kept (they say whose code it
//     is). A Python frame (location `x.py:N`) is named `x.func`.
//  4. A thread without frames is "(no frames)"; one whose frames are all
//     system frames is "(only system frames)".
#ifndef FORKCHECK_DIAGNOSIS_STACK_SIGNATURE_H_
#define FORKCHECK_DIAGNOSIS_STACK_SIGNATURE_H_

#include <string>
#include <string_view>

#include "diagnosis/stack_trace.h"

namespace forkcheck {

// The signature of one thread (rule above).
std::string ThreadSignature(const ThreadStack& thread, int depth = 3);

// Whether rule 2 skips `frame`.
bool IsSystemFrame(const StackFrame& frame);

// A frame's name as signatures show it (rule 3).
std::string StableFrameName(const StackFrame& frame);

// The thread of `stacks` that says what the process was doing, or nullptr if
// it has no threads:
//  - "gdb core": gdb's thread 1, the thread that got the fatal signal;
//  - "gdb attach": the main thread (its LWP is the pid), else thread 1;
//    but if that thread waits to join another (std::thread::join,
//    pthread_join), the thread it started that runs the program's code and
//    is inside gRPC (a reader stuck in ClientReader::Read), else one that
//    runs the program's code and joins nothing;
//  - "faulthandler": for a fatal signal's dump (`signal` set) the "current"
//    thread, the one that got it; otherwise Python's main thread, the one
//    whose outermost frame is `<module>` (the testee's main module, run as a
//    script); else the current thread; else the first.
//  Any other source: the first thread.
const ThreadStack* ThreadThatMatters(const ProcessStacks& stacks);

// The signature of ThreadThatMatters, prefixed with the fatal signal when
// there is one ("SIGSEGV: CrashInNamedFunction ← main"); "(no stacks)" when
// there is no thread (capture failed: see `error`).
std::string ProcessSignature(const ProcessStacks& stacks);

}  // namespace forkcheck

#endif  // FORKCHECK_DIAGNOSIS_STACK_SIGNATURE_H_
