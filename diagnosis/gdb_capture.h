// Stacks from gdb: of live processes (a hung trial, right before it is
// killed) and of core files (a trial process that crashed).
//
// Every call is bounded: each gdb runs in its own process group and is killed
// with its group when its bound passes, and a process gdb may have been
// attached to when it was killed (or that is found stopped after) is sent
// SIGCONT, so that a capture never leaves a target stopped. Failures are
// reported in ProcessStacks::error, never thrown or returned as a status: a
// diagnosis is best effort, and the caller goes on to kill the trial either
// way.
#ifndef FORKCHECK_DIAGNOSIS_GDB_CAPTURE_H_
#define FORKCHECK_DIAGNOSIS_GDB_CAPTURE_H_

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "diagnosis/stack_trace.h"

namespace forkcheck {

struct CaptureBounds {
  // How long one call may take, however many processes it captures, waiting
  // for a debugger slot included (at most one gdb per hardware thread runs
  // in this process at a time, as they are CPU-bound): a gdb still running
  // then is killed. (The name is older than one gdb for all of a call's
  // processes.) gdb attaches to a gRPC client here in about a second and to
  // each further process of the same programs in a fraction of that (see
  // diagnosis/README.md), more on a loaded machine.
  std::chrono::milliseconds per_process{4000};
  // How much of gdb's output ProcessStacks::raw keeps: the last bytes, where
  // gdb prints thread 1 (the main thread, or the one that got the signal).
  size_t max_raw_bytes = 32 * 1024;
  // The gdb to run: a path, or a name looked up in PATH.
  std::string gdb = "gdb";
};

// The stacks of every thread of each of `pids`, in the order given, with
// source "gdb attach". One gdb (one debugger slot) attaches to each process
// in turn, in the order given, so that its start-up and the symbols of
// programs the processes share are read once: put the processes that
// matter most first, as a bound that passes mid-way costs the last ones.
// The call takes one bound at most. While attached, gdb stops its target;
// it detaches before the next.
// `error` says why a process's capture failed, e.g. "gdb not installed
// (apt-get install gdb)", "process 123 does not exist" (checked before gdb
// starts), "ptrace: Operation not permitted ..." (the other processes are
// still captured), "no debugger free within 4000 ms ...", "gdb timed out
// after 4000 ms while capturing process 123" (what gdb printed of it is
// kept) or "... before reaching process 124"; processes gdb finished before
// the bound keep their stacks.
// Must be called from a thread that outlives the call (the gdbs get SIGKILL
// when the thread that started them ends: common/subprocess.h).
std::vector<ProcessStacks> CaptureLiveStacks(const std::vector<pid_t>& pids,
                                             const CaptureBounds& bounds);

// The stacks in core file `core_path`, with source "gdb core": its pid, the
// signal that ended the process, the faulting address when the kernel raised
// it for a fault, and every thread (thread 1 is the one that got the signal).
// `executable` is the program that dumped it; when empty it is found from the
// core's file mappings (the first mapped file, which is the executable), so
// the executable must still be at the path it ran from. Up to two gdb runs,
// each bounded by `bounds.per_process`.
ProcessStacks ReadCoreStacks(const std::string& core_path,
                             const std::string& executable,
                             const CaptureBounds& bounds);

// The executable a core file was dumped by, as its file mappings name it, or
// "" if gdb cannot tell (or is missing, or timed out).
std::string CoreExecutable(const std::string& core_path,
                           const CaptureBounds& bounds);

}  // namespace forkcheck

#endif  // FORKCHECK_DIAGNOSIS_GDB_CAPTURE_H_
