// A crash handler that gives each crashing process's core file a directory of
// its own.
//
// Several processes of one trial (a parent and its forked children) share a
// working directory, and with kernel.core_pattern "core" (core_uses_pid 0)
// their cores would overwrite each other as `core`. On a signal whose default
// action dumps core, the handler makes `core.<pid>` in the current directory,
// moves into it, restores the default action and lets the signal end the
// process there, so the core lands as `core.<pid>/core`
// (diagnosis/core_files.h finds it).
//
// How the signal is re-delivered matters to the diagnosis. A fault the kernel
// raised (SIGSEGV, SIGBUS, SIGILL, SIGFPE with si_code > 0) is left to happen
// again: the handler returns, the faulting instruction runs again and faults
// with the default action, so the core records the real fault address and the
// crashed thread's stack has no handler frames. Any other signal (abort()'s
// SIGABRT, one sent with kill) is re-raised from the handler; its stack then
// shows the handler above `<signal handler called>`, which signatures drop.
//
// Raising RLIMIT_CORE is the caller's job, not the handler's.
#ifndef FORKCHECK_DIAGNOSIS_CORE_DIRECTORY_HANDLER_H_
#define FORKCHECK_DIAGNOSIS_CORE_DIRECTORY_HANDLER_H_

namespace forkcheck {

// Installs the handler for SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE,
// SIGSEGV, SIGSYS, SIGXCPU and SIGXFSZ (the signals whose default action
// dumps core). The handler is async-signal-safe; it is inherited across
// fork() and reset by exec(). Returns false if a sigaction call failed.
bool InstallCoreDirectoryHandler();

}  // namespace forkcheck

#endif  // FORKCHECK_DIAGNOSIS_CORE_DIRECTORY_HANDLER_H_
