#include "diagnosis/stack_signature.h"

#include <string>

#include "diagnosis/stack_trace.h"
#include "diagnosis/testing/testdata.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

ProcessStacks Stacks(const std::string& source, int pid,
                     std::vector<ThreadStack> threads) {
  ProcessStacks stacks;
  stacks.source = source;
  stacks.pid = pid;
  stacks.threads = std::move(threads);
  return stacks;
}

TEST(ThreadSignatureTest, GrpcClientStuckInReadRows) {
  ProcessStacks stacks = Stacks("gdb attach", 29426,
                                ParseGdbBacktraces(ReadTestdata(
                                    "gdb_attach_read_table_in_read_rows.txt")));
  // Thread 9 is the reading thread: epoll_wait and gRPC's unnamed frames
  // are skipped.
  const ThreadStack* reader = nullptr;
  const ThreadStack* engine = nullptr;
  for (const ThreadStack& thread : stacks.threads) {
    if (thread.number == 9) reader = &thread;
    if (thread.number == 8) engine = &thread;
  }
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(ThreadSignature(*reader),
            "grpc_pollset_work ← grpc::CompletionQueue::Pluck ← "
            "grpc::ClientReader::Read");
  EXPECT_EQ(ThreadSignature(*reader, 6),
            "grpc_pollset_work ← grpc::CompletionQueue::Pluck ← "
            "grpc::ClientReader::Read ← forkcheck::StreamReader::Read ← "
            "forkcheck::ReferenceReader::ReadStreams::{lambda} ← "
            "std::__invoke_impl");
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(ThreadSignature(*engine),
            "absl::synchronization_internal::Waiter::Wait ← "
            "AbslInternalPerThreadSemWait ← "
            "grpc_event_engine::experimental::ThreadPool::Queue::Step");
  // The main thread (LWP == pid) waits to join the reading thread, which
  // is the one in the program's code and inside gRPC: the one that matters
  // (not gRPC's own threads, such as the event engine's).
  EXPECT_EQ(ProcessSignature(stacks),
            "grpc_pollset_work ← grpc::CompletionQueue::Pluck ← "
            "grpc::ClientReader::Read");
  EXPECT_EQ(ThreadThatMatters(stacks)->number, 9);
  // Without a thread whose LWP is the pid, gdb's thread 1, which joins too.
  stacks.pid = 1;
  EXPECT_EQ(ThreadThatMatters(stacks)->number, 9);
  // A main thread that joins nothing is the one that matters.
  for (ThreadStack& thread : stacks.threads) {
    if (thread.number != 1) continue;
    thread.frames.erase(thread.frames.begin(),
                        thread.frames.begin() + thread.frames.size() / 2);
    thread.frames.insert(thread.frames.begin(),
                         StackFrame{"HangInNamedFunction", ""});
  }
  EXPECT_EQ(ThreadThatMatters(stacks)->number, 1);
}

TEST(ThreadSignatureTest, StartsBelowTheSignalHandler) {
  ProcessStacks stacks = Stacks("gdb core", 5567,
                                ParseGdbBacktraces(ReadTestdata(
                                    "gdb_core_abort_reraised_by_handler.txt")));
  stacks.signal = "SIGABRT";
  EXPECT_EQ(ProcessSignature(stacks), "SIGABRT: AbortInNamedFunction ← main");
}

TEST(ThreadSignatureTest, TheCoreThreadIsThreadOne) {
  ThreadStack other{2, "100", "", {{"Elsewhere", ""}}};
  ThreadStack crashed{1, "101", "", {{"CrashHere", ""}, {"main", ""}}};
  ProcessStacks stacks = Stacks("gdb core", 100, {other, crashed});
  stacks.signal = "SIGSEGV";
  EXPECT_EQ(ProcessSignature(stacks), "SIGSEGV: CrashHere ← main");
}

TEST(ThreadSignatureTest, IsStableAcrossBuildNoise) {
  ThreadStack one{
      1,
      "",
      "",
      {{"grpc_core::Chttp2::Read[abi:cxx11] [clone .isra.0]", "libgrpc.so.29"},
       {"ns::Run::{lambda#1}::operator()", ""},
       {"absl::debian3::Mutex::Block", "libabsl_synchronization.so"}}};
  ThreadStack two{
      1,
      "",
      "",
      {{"grpc_core::Chttp2::Read.constprop.0.cold", "libgrpc.so.30"},
       {"ns::Run::{lambda(int)#2}::operator()", ""},
       {"absl::lts_20230125::Mutex::Block", "libabsl.so"}}};
  EXPECT_EQ(ThreadSignature(one), ThreadSignature(two));
  EXPECT_EQ(ThreadSignature(one),
            "grpc_core::Chttp2::Read ← ns::Run::{lambda} ← absl::Mutex::Block");
}

TEST(ThreadSignatureTest, SkipsSystemFrames) {
  ThreadStack thread{1,
                     "",
                     "",
                     {{"__GI___poll", ""},
                      {"??", "libgrpc.so.29"},
                      {"raise", "libc.so.6"},
                      {"__vdso_clock_gettime", "linux-vdso.so.1"},
                      {"pthread_cond_wait", ""},
                      {"do_thing", "../sysdeps/unix/sysv/linux/x.c:3"},
                      {"grpc_pollset_work", "libgrpc.so.29"},
                      {"forkcheck::ReadRows", ""}}};
  EXPECT_EQ(ThreadSignature(thread), "grpc_pollset_work ← forkcheck::ReadRows");
  EXPECT_EQ(ThreadSignature(thread, 1), "grpc_pollset_work");
  EXPECT_TRUE(IsSystemFrame({"epoll_wait", ""}));
  EXPECT_TRUE(IsSystemFrame({"__futex_abstimed_wait_common", ""}));
  EXPECT_TRUE(IsSystemFrame({"start_thread", "./nptl/pthread_create.c:442"}));
  EXPECT_TRUE(IsSystemFrame({"_dl_sysdep_start", "ld-linux-x86-64.so.2"}));
  EXPECT_FALSE(IsSystemFrame({"gpr_cv_wait", "libgpr.so.29"}));
  EXPECT_FALSE(IsSystemFrame({"std::thread::join", "libstdc++.so.6"}));
  EXPECT_FALSE(IsSystemFrame({"poll", "poller.py:3"}));  // Python's own
}

TEST(ThreadSignatureTest, Placeholders) {
  EXPECT_EQ(ThreadSignature(ThreadStack{}), "(no frames)");
  ThreadStack only_libc{1, "", "", {{"epoll_wait", "libc.so.6"}, {"??", ""}}};
  EXPECT_EQ(ThreadSignature(only_libc), "(only system frames)");
  ProcessStacks failed;
  failed.source = "gdb attach";
  failed.error = "gdb timed out after 4000 ms";
  EXPECT_EQ(ProcessSignature(failed), "(no stacks)");
}

TEST(ProcessSignatureTest, PythonFatalSignalUsesTheCurrentThread) {
  const std::string text =
      ReadTestdata("faulthandler_two_dumps_then_fatal.txt");
  ProcessStacks stacks =
      Stacks("faulthandler", 1, ParsePythonFaulthandler(text));
  stacks.signal = FaulthandlerFatalSignal(text);
  EXPECT_EQ(ProcessSignature(stacks),
            "SIGSEGV: __init__.string_at ← stuck_reader.read_rows_forever ← "
            "stuck_reader.main");
}

TEST(ProcessSignatureTest, PythonWatchdogDumpUsesTheMainModulesThread) {
  ProcessStacks stacks = Stacks("faulthandler", 1,
                                ParsePythonFaulthandler(ReadTestdata(
                                    "faulthandler_watchdog_timeout.txt")));
  EXPECT_EQ(ProcessSignature(stacks),
            "threading.wait ← threading.wait ← "
            "watchdog_reader.read_rows_forever");
}

}  // namespace
}  // namespace forkcheck
