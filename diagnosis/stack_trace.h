// Stacks of a stuck or crashed process, and the parsers that read them from
// gdb's `thread apply all bt` and from Python's faulthandler.
//
// The parsers keep only what a signature or a reader of a report needs: a
// function name without its argument list, template arguments, address or
// `(anonymous namespace)::`, and where the code lives (a library's basename
// or a source file:line). They never fail: a line they do not recognise is
// skipped, so a truncated or interleaved text still yields what it holds.
#ifndef FORKCHECK_DIAGNOSIS_STACK_TRACE_H_
#define FORKCHECK_DIAGNOSIS_STACK_TRACE_H_

#include <string>
#include <string_view>
#include <vector>

namespace forkcheck {

struct StackFrame {
  // "grpc_core::PollPoller::Work", "HangInNamedFunction", "??", or
  // "<signal handler called>" for the frame the kernel pushed for a signal
  // handler. Python frames: the function's name ("<module>" at top level).
  std::string function;
  // "libgrpc.so.29" (a library's basename, for gdb's `from /lib/.../X`),
  // "../sysdeps/unix/sysv/linux/epoll_wait.c:30" (gdb's `at FILE:LINE`, the
  // file as gdb printed it), "reader.py:12" (Python: the file's basename), or
  // empty when gdb printed neither (a frame in the executable without debug
  // information).
  std::string location;
};

struct ThreadStack {
  // gdb's thread number within its inferior (1 is the thread that got the
  // signal, in a core; 3 for gdb's `Thread 2.3`);
  // for Python, the thread's position in the dump, from 1.
  int number = 0;
  // The kernel's thread id as gdb prints it ("29426"); for Python the
  // thread's identifier as faulthandler prints it ("0x00007f6c929126c0").
  std::string lwp;
  // The thread's name as gdb prints it ("grpc_global_tim", at most 15
  // characters); for Python "current" for the thread faulthandler calls
  // "Current thread" (the one that dumped or got the fatal signal), else "".
  std::string name;
  std::vector<StackFrame> frames;  // innermost first
};

// ProcessStacks::source of stacks read from a core (the process crashed).
inline constexpr char kCoreStacksSource[] = "gdb core";

struct ProcessStacks {
  int pid = 0;
  std::string source;  // "gdb attach", kCoreStacksSource or "faulthandler"
  // The signal that ended the process ("SIGSEGV"), from a core or a fatal
  // faulthandler dump; empty for a live process.
  std::string signal;
  // The faulting address ("0x0") when the core records one (SIGSEGV, SIGBUS,
  // SIGFPE, SIGILL raised by the faulting instruction), else "".
  std::string fault_address;
  std::vector<ThreadStack> threads;
  std::string raw;    // the tool's output, its last CaptureBounds bytes
  std::string error;  // why capture failed, empty if it worked
};

// Threads from gdb's `thread apply all bt` (gdb 13), in gdb's order (highest
// thread number first). Reads headers `Thread 3 (Thread 0x7f.. (LWP 123)
// "name"):`, `Thread 2 (LWP 31209):` (a core without libthread_db) and
// `Thread 2.3 (...)` (gdb with several inferiors: thread 3 of inferior 2), and
// frames `#0  0x.. in func (args) from /lib/libX.so`, `#1  func (args) at
// file.cc:12` (no address: an inlined frame or frame 0), `#2  0x.. in ?? ()`
// and `#3  <signal handler called>`. Other lines (gdb's warnings, `[New
// LWP ..]`, `Backtrace stopped: ..`) are ignored.
std::vector<ThreadStack> ParseGdbBacktraces(std::string_view gdb_output);

// Threads from Python 3.11 faulthandler dumps (`Thread 0x.. (most recent call
// first):` or `Current thread 0x.. (most recent call first):`, then lines
// `  File "/p/x.py", line 12 in func`). The text may hold several dumps
// (a watchdog that dumped twice, then a fatal signal's dump) among other
// lines: every dump is parsed, and each thread id keeps the frames of its LAST
// complete block (at least one frame, the last frame line not cut off), which
// is the state closest to the end of the process. Threads are listed in the
// order their ids first appear, numbered from 1; a thread is "current" if its
// kept block was the Current thread's.
std::vector<ThreadStack> ParsePythonFaulthandler(std::string_view text);

// The name of the fatal signal a faulthandler text reports last ("Fatal
// Python error: Segmentation fault" → "SIGSEGV"), or "" if none.
std::string FaulthandlerFatalSignal(std::string_view text);

// A C++ function name as gdb prints it, reduced as ParseGdbBacktraces reduces
// it: argument lists, template arguments, a return type, trailing qualifiers
// and `(anonymous namespace)::` removed, operators kept
// ("void ns::(anonymous namespace)::F<int>(int) const" → "ns::F").
std::string SimplifyFunctionName(std::string_view name);

}  // namespace forkcheck

#endif  // FORKCHECK_DIAGNOSIS_STACK_TRACE_H_
