#include "diagnosis/stack_trace.h"

#include <string>

#include "diagnosis/testing/testdata.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

const ThreadStack* FindThread(const std::vector<ThreadStack>& threads,
                              int number) {
  for (const ThreadStack& thread : threads) {
    if (thread.number == number) return &thread;
  }
  return nullptr;
}

// gdb 13 attached to //client:read_table stuck in ReadRows (the fake server
// stalled its stream): Debian's libgrpc without debug information, glibc
// with it.
TEST(ParseGdbBacktracesTest, ReadsAGrpcClientStuckInReadRows) {
  std::vector<ThreadStack> threads = ParseGdbBacktraces(
      ReadTestdata("gdb_attach_read_table_in_read_rows.txt"));
  ASSERT_EQ(threads.size(), 10u);
  EXPECT_EQ(threads.front().number, 10);  // gdb lists the newest first

  const ThreadStack* timer = FindThread(threads, 10);
  ASSERT_NE(timer, nullptr);
  EXPECT_EQ(timer->lwp, "29438");
  EXPECT_EQ(timer->name, "grpc_global_tim");
  ASSERT_EQ(timer->frames.size(), 9u);
  EXPECT_EQ(timer->frames[0].function, "syscall");
  EXPECT_EQ(timer->frames[0].location,
            "../sysdeps/unix/sysv/linux/x86_64/syscall.S:38");
  EXPECT_EQ(timer->frames[1].function,
            "absl::debian3::synchronization_internal::Waiter::Wait");
  EXPECT_EQ(timer->frames[1].location, "libabsl_synchronization.so.20220623");
  EXPECT_EQ(timer->frames[3].function, "??");
  EXPECT_EQ(timer->frames[4].function, "gpr_cv_wait");
  EXPECT_EQ(timer->frames[4].location, "libgpr.so.29");

  const ThreadStack* reader = FindThread(threads, 9);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->name, "read_table");
  ASSERT_GE(reader->frames.size(), 9u);
  EXPECT_EQ(reader->frames[0].function, "epoll_wait");
  EXPECT_EQ(reader->frames[3].function, "grpc_pollset_work");
  EXPECT_EQ(reader->frames[3].location, "libgrpc.so.29");
  EXPECT_EQ(reader->frames[5].function, "grpc::CompletionQueue::Pluck");
  EXPECT_EQ(reader->frames[5].location, "");  // the executable, no debug info
  EXPECT_EQ(reader->frames[6].function, "grpc::ClientReader::Read");
  EXPECT_EQ(reader->frames[8].function,
            "forkcheck::ReferenceReader::ReadStreams::{lambda#1}::operator()");
  // Template functions: gdb prints their return types, which are dropped.
  EXPECT_EQ(reader->frames[9].function, "std::__invoke_impl");
  EXPECT_EQ(reader->frames[10].function, "std::__invoke");

  const ThreadStack* main_thread = FindThread(threads, 1);
  ASSERT_NE(main_thread, nullptr);
  EXPECT_EQ(main_thread->lwp, "29426");
  ASSERT_EQ(main_thread->frames.size(), 9u);
  EXPECT_EQ(main_thread->frames[0].function, "__futex_abstimed_wait_common64");
  EXPECT_EQ(main_thread->frames[0].location, "./nptl/futex-internal.c:57");
  EXPECT_EQ(main_thread->frames[4].function, "std::thread::join");
  EXPECT_EQ(main_thread->frames[4].location, "libstdc++.so.6");
  EXPECT_EQ(main_thread->frames[7].function, "forkcheck::Main");
  EXPECT_EQ(main_thread->frames[8].function, "main");

  const ThreadStack* poller = FindThread(threads, 5);
  ASSERT_NE(poller, nullptr);
  // `absl::FunctionRef<void ()>` in its parameters: the space before "()"
  // inside the template arguments is not gdb's argument list.
  EXPECT_EQ(poller->frames[2].function,
            "grpc_event_engine::posix_engine::Epoll1Poller::Work");
}

// A core of //diagnosis/testing:stuck_and_crashing --abort: the crash handler
// re-raised SIGABRT, so its frames sit above <signal handler called>.
TEST(ParseGdbBacktracesTest, ReadsACoreWithASignalHandlerFrame) {
  std::vector<ThreadStack> threads = ParseGdbBacktraces(
      ReadTestdata("gdb_core_abort_reraised_by_handler.txt"));
  ASSERT_EQ(threads.size(), 1u);
  const ThreadStack& thread = threads[0];
  EXPECT_EQ(thread.number, 1);
  EXPECT_EQ(thread.lwp, "5567");
  EXPECT_EQ(thread.name, "");
  ASSERT_EQ(thread.frames.size(), 11u);
  EXPECT_EQ(thread.frames[0].function, "__pthread_kill_implementation");
  EXPECT_EQ(thread.frames[2].function, "__GI_raise");
  EXPECT_EQ(thread.frames[3].function, "forkcheck::MoveToCoreDirectory");
  EXPECT_EQ(thread.frames[4].function, "<signal handler called>");
  EXPECT_EQ(thread.frames[4].location, "");
  EXPECT_EQ(thread.frames[9].function, "AbortInNamedFunction");
  EXPECT_EQ(thread.frames[10].function, "main");
}

TEST(ParseGdbBacktracesTest, HandMadeEdgeCases) {
  const std::string text =
      "[New LWP 12]\n"
      "warning: Section `.reg-xstate/12' in core file too small.\n"
      "#0  0x1 in stray () before any thread header\n"
      "Thread 2 (LWP 12):\n"
      "warning: Section `.reg-xstate/12' in core file too small.\n"
      "#0  0x00007f00 in ?? ()\n"
      "#1  foo (x=1, s=0x2 \"a) at b(\") at foo.cc:12\n"
      "#2  0x00005 in void ns::(anonymous namespace)::Run<std::vector<int> >"
      "(std::function<void ()>) [clone .isra.0] () from /usr/lib/libx.so.1\n"
      "#3  0x00006 in grpc_core::Foo::operator()(int) const () from "
      "/lib/x86_64-linux-gnu/libgrpc.so.29\n"
      "#4  0x00007 in std::operator<< <char>(std::ostream&, char const*) ()\n"
      "#5  <signal handler called>\n"
      "#6  0x00008 in grpc_core::(anonymous namespace)::PollPoller::Work("
      "grpc_core::Timestamp, absl::FunctionRef<void ()>) ()\n"
      "#7  0x00009 in bar[abi:cxx11]() ()\n"
      "Backtrace stopped: previous frame inner to this frame (corrupt stack?)\n"
      "\n"
      "Thread 1 (Thread 0x7f (LWP 11) \"main thr\"):\n"
      "#0  0x0000000000401000 in main ()\n"
      "#1  0x0000000000401abc in cut_off_by_the_bou";
  std::vector<ThreadStack> threads = ParseGdbBacktraces(text);
  ASSERT_EQ(threads.size(), 2u);
  const ThreadStack& core_thread = threads[0];
  EXPECT_EQ(core_thread.number, 2);
  EXPECT_EQ(core_thread.lwp, "12");
  ASSERT_EQ(core_thread.frames.size(), 8u);
  EXPECT_EQ(core_thread.frames[0].function, "??");
  EXPECT_EQ(core_thread.frames[0].location, "");
  EXPECT_EQ(core_thread.frames[1].function, "foo");
  EXPECT_EQ(core_thread.frames[1].location, "foo.cc:12");
  EXPECT_EQ(core_thread.frames[2].function, "ns::Run [clone .isra.0]");
  EXPECT_EQ(core_thread.frames[2].location, "libx.so.1");
  EXPECT_EQ(core_thread.frames[3].function, "grpc_core::Foo::operator()");
  EXPECT_EQ(core_thread.frames[3].location, "libgrpc.so.29");
  EXPECT_EQ(core_thread.frames[4].function, "std::operator<<");
  EXPECT_EQ(core_thread.frames[5].function, "<signal handler called>");
  EXPECT_EQ(core_thread.frames[6].function, "grpc_core::PollPoller::Work");
  EXPECT_EQ(core_thread.frames[7].function, "bar[abi:cxx11]");
  const ThreadStack& main_thread = threads[1];
  EXPECT_EQ(main_thread.lwp, "11");
  EXPECT_EQ(main_thread.name, "main thr");
  // The line cut off at the end of the text is not a frame.
  ASSERT_EQ(main_thread.frames.size(), 1u);
  EXPECT_EQ(main_thread.frames[0].function, "main");
}

// gdb with several inferiors (one per process of a trial, as
// CaptureLiveStacks attaches) numbers threads `INFERIOR.THREAD`.
TEST(ParseGdbBacktracesTest, ReadsThreadNumbersQualifiedByTheInferior) {
  std::vector<ThreadStack> threads = ParseGdbBacktraces(
      "Thread 2.3 (Thread 0x7f1 (LWP 31) \"worker\"):\n"
      "#0  0x1 in WaitForever () from /tmp/prog\n"
      "\n"
      "Thread 2.1 (Thread 0x7f2 (LWP 29) \"prog\"):\n"
      "#0  0x2 in HangInNamedFunction () from /tmp/prog\n"
      "#1  0x3 in main () from /tmp/prog\n"
      "Thread x.1 (Thread 0x7f3 (LWP 30) \"bad\"):\n"
      "Thread 2. (Thread 0x7f4 (LWP 32) \"bad\"):\n");
  ASSERT_EQ(threads.size(), 2u);
  EXPECT_EQ(threads[0].number, 3);
  EXPECT_EQ(threads[0].lwp, "31");
  EXPECT_EQ(threads[1].number, 1);
  EXPECT_EQ(threads[1].lwp, "29");
  EXPECT_EQ(threads[1].name, "prog");
  ASSERT_EQ(threads[1].frames.size(), 2u);
  EXPECT_EQ(threads[1].frames[0].function, "HangInNamedFunction");
}

TEST(ParseGdbBacktracesTest, NoBacktraceNoThreads) {
  EXPECT_TRUE(ParseGdbBacktraces("").empty());
  EXPECT_TRUE(ParseGdbBacktraces("ptrace: Operation not permitted.\n").empty());
}

TEST(SimplifyFunctionNameTest, KeepsTheNameAndItsNamespaces) {
  EXPECT_EQ(
      SimplifyFunctionName("grpc_core::(anonymous namespace)::PollPoller::Work("
                           "grpc_core::Timestamp, absl::FunctionRef<void ()>)"),
      "grpc_core::PollPoller::Work");
  EXPECT_EQ(SimplifyFunctionName("void ns::F<int>(int) const &"), "ns::F");
  EXPECT_EQ(SimplifyFunctionName("ns::Less::operator<(int)"),
            "ns::Less::operator<");
  EXPECT_EQ(SimplifyFunctionName("ns::P::operator->() const"),
            "ns::P::operator->");
  EXPECT_EQ(SimplifyFunctionName("operator new(unsigned long)"),
            "operator new");
  EXPECT_EQ(SimplifyFunctionName("(anonymous namespace)::WaitForever()"),
            "WaitForever");
  EXPECT_EQ(SimplifyFunctionName("syscall"), "syscall");
}

// Two watchdog dumps, a line of other output between them, then the dump of
// a fatal SIGSEGV: Python 3.11's faulthandler, 2 threads.
TEST(ParsePythonFaulthandlerTest, KeepsEachThreadsLastDump) {
  const std::string text =
      ReadTestdata("faulthandler_two_dumps_then_fatal.txt");
  std::vector<ThreadStack> threads = ParsePythonFaulthandler(text);
  ASSERT_EQ(threads.size(), 2u);
  const ThreadStack& worker = threads[0];
  EXPECT_EQ(worker.number, 1);
  EXPECT_EQ(worker.lwp, "0x00007f6c929126c0");
  EXPECT_EQ(worker.name, "");
  ASSERT_EQ(worker.frames.size(), 6u);
  EXPECT_EQ(worker.frames[0].function, "wait");
  EXPECT_EQ(worker.frames[0].location, "threading.py:320");
  EXPECT_EQ(worker.frames[2].function, "wait_for_rows");
  EXPECT_EQ(worker.frames[2].location, "stuck_reader.py:13");
  EXPECT_EQ(worker.frames[5].function, "_bootstrap");

  const ThreadStack& main_thread = threads[1];
  EXPECT_EQ(main_thread.lwp, "0x00007f6c92bcd040");
  EXPECT_EQ(main_thread.name, "current");
  ASSERT_EQ(main_thread.frames.size(), 4u);
  // From the last (fatal) dump, not the watchdog's earlier two.
  EXPECT_EQ(main_thread.frames[0].function, "string_at");
  EXPECT_EQ(main_thread.frames[0].location, "__init__.py:519");
  EXPECT_EQ(main_thread.frames[1].location, "stuck_reader.py:25");
  EXPECT_EQ(main_thread.frames[3].function, "<module>");

  EXPECT_EQ(FaulthandlerFatalSignal(text), "SIGSEGV");
}

TEST(ParsePythonFaulthandlerTest, ReadsAWatchdogTimeoutDump) {
  const std::string text = ReadTestdata("faulthandler_watchdog_timeout.txt");
  std::vector<ThreadStack> threads = ParsePythonFaulthandler(text);
  ASSERT_EQ(threads.size(), 2u);
  // faulthandler's watchdog thread has no Python frames: no "Current".
  EXPECT_EQ(threads[0].name, "");
  EXPECT_EQ(threads[1].name, "");
  EXPECT_EQ(threads[1].frames[2].function, "read_rows_forever");
  EXPECT_EQ(threads[1].frames.back().function, "<module>");
  EXPECT_EQ(FaulthandlerFatalSignal(text), "");
}

TEST(ParsePythonFaulthandlerTest, IgnoresABlockCutOff) {
  const std::string text =
      "Current thread 0x0000000000000001 (most recent call first):\n"
      "  File \"/a/first.py\", line 3 in early\n"
      "  File \"/a/main.py\", line 9 in <module>\n"
      "\n"
      "Thread 0x0000000000000002 (most recent call first):\n"
      "  ...\n"
      "  File \"/a/other.py\", line 4 in waits\n"
      "Thread 0x0000000000000003 (most recent call first):\n"
      "  <no Python frame>\n"
      "Current thread 0x0000000000000001 (most recent call first):\n"
      "  File \"/a/later.py\", line 5 in la";
  std::vector<ThreadStack> threads = ParsePythonFaulthandler(text);
  ASSERT_EQ(threads.size(), 2u);  // thread 3 had no frames
  EXPECT_EQ(threads[0].lwp, "0x0000000000000001");
  ASSERT_EQ(threads[0].frames.size(), 2u);
  EXPECT_EQ(threads[0].frames[0].function, "early");
  EXPECT_EQ(threads[0].frames[0].location, "first.py:3");
  EXPECT_EQ(threads[1].lwp, "0x0000000000000002");
  ASSERT_EQ(threads[1].frames.size(), 1u);
  EXPECT_EQ(threads[1].frames[0].function, "waits");
}

TEST(ParsePythonFaulthandlerTest, ReadsASingleThreadDump) {
  std::vector<ThreadStack> threads = ParsePythonFaulthandler(
      "Stack (most recent call first):\n"
      "  File \"/a/main.py\", line 9 in <module>\n");
  ASSERT_EQ(threads.size(), 1u);
  EXPECT_EQ(threads[0].name, "current");
  EXPECT_EQ(threads[0].frames[0].location, "main.py:9");
}

}  // namespace
}  // namespace forkcheck
