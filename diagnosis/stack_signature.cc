#include "diagnosis/stack_signature.h"

#include <cctype>
#include <cstddef>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace forkcheck {
namespace {

constexpr absl::string_view kSignalFrame = "<signal handler called>";

bool IsLibcLibrary(absl::string_view location) {
  for (absl::string_view prefix :
       {"libc.so", "libc-", "libpthread", "ld-linux", "ld-2.", "linux-vdso"}) {
    if (absl::StartsWith(location, prefix)) return true;
  }
  return false;
}

// glibc's debug information names its sources relative to its build tree.
bool IsGlibcSource(absl::string_view location) {
  if (absl::StartsWith(location, "../sysdeps/")) return true;
  for (absl::string_view dir :
       {"nptl/", "posix/", "signal/", "stdlib/", "misc/", "csu/", "io/",
        "libio/", "time/", "socket/"}) {
    if (absl::StartsWith(location, std::string("./") + std::string(dir)) ||
        absl::StartsWith(location, std::string("../") + std::string(dir))) {
      return true;
    }
  }
  return false;
}

bool IsLibcFunction(absl::string_view name) {
  static constexpr absl::string_view kNames[] = {"syscall",
                                                 "epoll_wait",
                                                 "epoll_pwait",
                                                 "poll",
                                                 "ppoll",
                                                 "select",
                                                 "pselect",
                                                 "nanosleep",
                                                 "clock_nanosleep",
                                                 "sleep",
                                                 "usleep",
                                                 "pause",
                                                 "read",
                                                 "write",
                                                 "recvmsg",
                                                 "sendmsg",
                                                 "accept",
                                                 "accept4",
                                                 "wait4",
                                                 "waitpid",
                                                 "raise",
                                                 "abort",
                                                 "kill",
                                                 "tgkill",
                                                 "sigsuspend",
                                                 "start_thread",
                                                 "clone",
                                                 "clone3",
                                                 "_start",
                                                 "pthread_join",
                                                 "pthread_cond_wait",
                                                 "pthread_cond_timedwait",
                                                 "pthread_mutex_lock",
                                                 "do_futex_wait",
                                                 "futex_wait",
                                                 "futex_abstimed_wait"};
  for (absl::string_view known : kNames) {
    if (name == known) return true;
  }
  static constexpr absl::string_view kPrefixes[] = {
      "__GI_",      "__futex",     "__pthread_", "___pthread_",  "__lll_",
      "__libc_",    "__internal_", "__clock_",   "__nanosleep",  "__sigsuspend",
      "__new_sem_", "__poll",      "__select",   "__restore_rt", "__run_exit_"};
  for (absl::string_view prefix : kPrefixes) {
    if (absl::StartsWith(name, prefix)) return true;
  }
  return false;
}

// Removes the last `.isra.0`, `.constprop.3`, `.cold`... if there is one.
bool StripCloneSuffix(std::string* name) {
  size_t dot = name->rfind('.');
  if (dot == std::string::npos || dot == 0) return false;
  absl::string_view suffix = absl::string_view(*name).substr(dot + 1);
  bool numeric = !suffix.empty();
  for (char c : suffix) numeric = numeric && absl::ascii_isdigit(c);
  if (numeric) {
    // `.isra.0`: the number belongs to the word before it.
    size_t word_dot = name->rfind('.', dot - 1);
    if (word_dot == std::string::npos) return false;
    suffix = absl::string_view(*name).substr(word_dot + 1, dot - word_dot - 1);
    dot = word_dot;
  }
  for (absl::string_view clone :
       {"isra", "constprop", "part", "cold", "lto_priv", "localalias", "hot"}) {
    if (suffix == clone) {
      name->resize(dot);
      return true;
    }
  }
  return false;
}

// Removes every `[...]` group that starts with `open` ("[abi:", "[clone ").
void EraseBracketGroups(std::string* name, std::string_view open) {
  size_t at;
  while ((at = name->find(open)) != std::string::npos) {
    size_t close = name->find(']', at);
    if (close == std::string::npos) close = name->size() - 1;
    size_t begin = at;
    if (begin > 0 && (*name)[begin - 1] == ' ') --begin;
    name->erase(begin, close + 1 - begin);
  }
}

// `{lambda#2}` and `{lambda(int)#1}` → `{lambda}`; a lambda's call operator
// and its function-pointer thunk are the lambda.
void NormalizeLambdas(std::string* name) {
  size_t at = 0;
  while ((at = name->find("{lambda", at)) != std::string::npos) {
    size_t close = name->find('}', at);
    if (close == std::string::npos) break;
    name->replace(at, close + 1 - at, "{lambda}");
    at += 8;
  }
  for (std::string_view noise : {"{lambda}::operator()", "{lambda}::_FUN"}) {
    size_t found;
    while ((found = name->find(noise)) != std::string::npos) {
      name->replace(found, noise.size(), "{lambda}");
    }
  }
}

// `absl::debian3::Mutex` → `absl::Mutex`;
// `AbslInternalPerThreadSemWait_lts_20230125` → `AbslInternalPerThreadSemWait`:
// abseil versions its symbols, and the version is not what a signature is
// about.
void StripAbslVersion(std::string* name) {
  for (std::string_view tag : {"absl::debian", "absl::lts_"}) {
    size_t at;
    while ((at = name->find(tag)) != std::string::npos) {
      size_t end = name->find("::", at + 6);
      if (end == std::string::npos) break;
      name->erase(at + 6, end + 2 - (at + 6));
    }
  }
  if (absl::StartsWith(*name, "Absl")) {
    for (std::string_view tag : {"_debian", "_lts_"}) {
      if (size_t at = name->rfind(tag); at != std::string::npos) {
        name->resize(at);
      }
    }
  }
}

bool IsPythonLocation(absl::string_view location) {
  size_t colon = location.rfind(':');
  return colon != absl::string_view::npos &&
         absl::EndsWith(location.substr(0, colon), ".py");
}

}  // namespace

bool IsSystemFrame(const StackFrame& frame) {
  if (frame.function.empty() || frame.function == "??") return true;
  if (IsPythonLocation(frame.location)) return false;
  return IsLibcLibrary(frame.location) || IsGlibcSource(frame.location) ||
         IsLibcFunction(frame.function);
}

std::string StableFrameName(const StackFrame& frame) {
  if (IsPythonLocation(frame.location)) {
    absl::string_view file =
        absl::string_view(frame.location).substr(0, frame.location.rfind(':'));
    absl::ConsumeSuffix(&file, ".py");
    return std::string(file) + "." + frame.function;
  }
  std::string name = frame.function;
  EraseBracketGroups(&name, "[abi:");
  EraseBracketGroups(&name, "[clone ");
  name = SimplifyFunctionName(std::string_view(name));
  while (StripCloneSuffix(&name)) {
  }
  NormalizeLambdas(&name);
  StripAbslVersion(&name);
  return name;
}

std::string ThreadSignature(const ThreadStack& thread, int depth) {
  if (thread.frames.empty()) return "(no frames)";
  size_t start = 0;
  for (size_t i = 0; i < thread.frames.size(); ++i) {
    if (thread.frames[i].function == kSignalFrame) {
      start = i + 1;
      break;
    }
  }
  std::vector<std::string> names;
  for (size_t i = start;
       i < thread.frames.size() && static_cast<int>(names.size()) < depth;
       ++i) {
    const StackFrame& frame = thread.frames[i];
    if (frame.function == kSignalFrame || IsSystemFrame(frame)) continue;
    names.push_back(StableFrameName(frame));
  }
  if (names.empty()) return "(only system frames)";
  return absl::StrJoin(names, " ← ");
}

namespace {

// Whether the innermost frame that is not a system frame joins a thread.
bool WaitsToJoin(const ThreadStack& thread) {
  for (const StackFrame& frame : thread.frames) {
    if (IsSystemFrame(frame)) continue;
    const std::string name = StableFrameName(frame);
    return name == "std::thread::join" || name == "pthread_join";
  }
  return false;
}

// A frame of the program itself: in the executable (gdb names no library
// for it), not the standard library's.
bool IsProgramFrame(const StackFrame& frame) {
  return !IsSystemFrame(frame) &&
         frame.location.find(".so") == std::string::npos &&
         frame.function.rfind("std::", 0) != 0 &&
         frame.function.rfind("__gnu_cxx::", 0) != 0;
}

bool RunsProgramCode(const ThreadStack& thread) {
  for (const StackFrame& frame : thread.frames) {
    if (IsProgramFrame(frame)) return true;
  }
  return false;
}

bool EntersGrpc(const ThreadStack& thread) {
  for (const StackFrame& frame : thread.frames) {
    if (frame.function.rfind("grpc", 0) == 0) return true;
  }
  return false;
}

}  // namespace

const ThreadStack* ThreadThatMatters(const ProcessStacks& stacks) {
  if (stacks.threads.empty()) return nullptr;
  auto find = [&](auto predicate) -> const ThreadStack* {
    for (const ThreadStack& thread : stacks.threads) {
      if (predicate(thread)) return &thread;
    }
    return nullptr;
  };
  const ThreadStack* first = &stacks.threads.front();
  auto numbered_1 = [](const ThreadStack& t) { return t.number == 1; };
  if (stacks.source == kCoreStacksSource) {
    const ThreadStack* one = find(numbered_1);
    return one != nullptr ? one : first;
  }
  if (stacks.source == "gdb attach") {
    const std::string pid = std::to_string(stacks.pid);
    const ThreadStack* main_thread =
        find([&](const ThreadStack& t) { return t.lwp == pid; });
    if (main_thread == nullptr) main_thread = find(numbered_1);
    if (main_thread == nullptr) main_thread = first;
    if (!WaitsToJoin(*main_thread)) return main_thread;
    // The main thread waits for one it started: that one says what is stuck.
    const ThreadStack* in_grpc = find([&](const ThreadStack& t) {
      return &t != main_thread && RunsProgramCode(t) && EntersGrpc(t);
    });
    if (in_grpc != nullptr) return in_grpc;
    const ThreadStack* program = find([&](const ThreadStack& t) {
      return &t != main_thread && RunsProgramCode(t) && !WaitsToJoin(t);
    });
    return program != nullptr ? program : main_thread;
  }
  if (stacks.source == "faulthandler") {
    auto current = [](const ThreadStack& t) { return t.name == "current"; };
    const ThreadStack* chosen = nullptr;
    if (!stacks.signal.empty()) chosen = find(current);
    if (chosen == nullptr) {
      chosen = find([](const ThreadStack& t) {
        return !t.frames.empty() && t.frames.back().function == "<module>";
      });
    }
    if (chosen == nullptr) chosen = find(current);
    return chosen != nullptr ? chosen : first;
  }
  return first;
}

std::string ProcessSignature(const ProcessStacks& stacks) {
  const ThreadStack* thread = ThreadThatMatters(stacks);
  std::string signature =
      thread == nullptr ? "(no stacks)" : ThreadSignature(*thread);
  if (stacks.signal.empty()) return signature;
  return stacks.signal + ": " + signature;
}

}  // namespace forkcheck
