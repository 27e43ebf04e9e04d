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
  // How long one gdb may run, however many processes it captures: a gdb
  // still running then is killed. (The name is older than one gdb for all
  // of a call's processes.) gdb attaches to a gRPC client here in about a
  // second and to each further process of the same programs in a fraction
  // of that (see diagnosis/README.md), more on a loaded machine.
  std::chrono::milliseconds per_process{4000};
  // How long a call waits for a debugger slot before it gives up (at most
  // one gdb per hardware thread runs in this process at a time, as they are
  // CPU-bound). Apart from per_process, so that a gdb that waited still
  // gets its whole bound: under load, a default run's cells lost their only
  // capture to the wait or to a gdb left a fraction of its bound.
  std::chrono::milliseconds slot_wait{4000};
  // How many gdbs a live capture may run in turn, each with twice the bound
  // of the one before, while none has given any process's stacks and the
  // last ran out of time or found no slot. A second gdb finds the symbols
  // the first read in the page cache.
  int attempts = 1;
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
// An attempt takes slot_wait and per_process at most; a later one (see
// `attempts`) runs only when those before gave no stacks. While attached, gdb
// stops its target; it detaches before the next. `error` says why a process's
// capture failed, e.g. "gdb not installed (apt-get install gdb)", "process 123
// does not exist" (checked before gdb starts), "ptrace: Operation not permitted
// ..." (the other processes are still captured), "no debugger free within 4000
// ms ...", "gdb timed out after 4000 ms while capturing process 123" (what gdb
// printed of it is kept) or "... before reaching process 124"; processes gdb
// finished before the bound keep their stacks. Must be called from a thread
// that outlives the call (the gdbs get SIGKILL when the thread that started
// them ends: common/subprocess.h).
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
