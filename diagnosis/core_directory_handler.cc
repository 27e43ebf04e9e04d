#include "diagnosis/core_directory_handler.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace forkcheck {
namespace {

constexpr int kCoreSignals[] = {SIGQUIT, SIGILL,  SIGTRAP, SIGABRT, SIGBUS,
                                SIGFPE,  SIGSEGV, SIGSYS,  SIGXCPU, SIGXFSZ};

// Writes "core.<pid>" into `out` (room for 32 bytes) without snprintf, which
// is not async-signal-safe.
void CoreDirectoryName(pid_t pid, char* out) {
  const char prefix[] = "core.";
  int length = 0;
  for (; prefix[length] != '\0'; ++length) out[length] = prefix[length];
  char digits[20];
  int count = 0;
  unsigned long value = static_cast<unsigned long>(pid);
  do {
    digits[count++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0 && count < 20);
  while (count > 0) out[length++] = digits[--count];
  out[length] = '\0';
}

bool IsKernelFault(int signal, const siginfo_t* info) {
  return info != nullptr && info->si_code > 0 &&
         (signal == SIGSEGV || signal == SIGBUS || signal == SIGILL ||
          signal == SIGFPE);
}

void MoveToCoreDirectory(int signal, siginfo_t* info, void*) {
  const int saved_errno = errno;
  char name[32];
  CoreDirectoryName(getpid(), name);
  // Both may fail (e.g. the directory is not writable); the core then lands
  // in the current directory, which is still better than no core.
  // (A cast to void does not silence GCC's warn_unused_result.)
  if (mkdir(name, 0755) != 0) {
    // Exists already, or cannot be made: chdir says which.
  }
  if (chdir(name) != 0) {
    // The core lands in the current directory.
  }
  struct sigaction default_action = {};
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  sigaction(signal, &default_action, nullptr);
  errno = saved_errno;
  if (IsKernelFault(signal, info)) return;  // the instruction faults again
  // Not blocked in the handler (SA_NODEFER), so it ends the process here,
  // with the frames that raised it (e.g. abort's caller) on the stack.
  raise(signal);
}

}  // namespace

bool InstallCoreDirectoryHandler() {
  struct sigaction action = {};
  action.sa_sigaction = MoveToCoreDirectory;
  // SA_NODEFER: the signal the handler re-raises is delivered at once.
  action.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&action.sa_mask);
  bool ok = true;
  for (int signal : kCoreSignals) {
    ok = sigaction(signal, &action, nullptr) == 0 && ok;
  }
  return ok;
}

}  // namespace forkcheck
