// Leaves nothing behind when a long run is interrupted: on SIGINT, SIGTERM or
// SIGHUP, the registered directories (the fake servers' sockets and fault
// scripts, say) are removed before the process dies of the signal.
//
// Child processes need no help: the harness starts every one with
// PR_SET_PDEATHSIG, so they die with the process (and a trial's own children
// die with it: models' workers and fork servers, and the Python testee's
// processes, set theirs too). Files and directories do not, hence this, and
// UseOwnTemporaryDirectory for what children leave in their temporary
// directory.
#ifndef FORKCHECK_COMMON_INTERRUPT_CLEANUP_H_
#define FORKCHECK_COMMON_INTERRUPT_CLEANUP_H_

#include <functional>
#include <string>

namespace forkcheck {

// Installs the handlers (once; later calls do nothing). Call early in main.
// The handler only writes the signal's number to a pipe; a thread of its own
// removes the registered directories (recursively), prints what it removed
// on stderr, restores the signal's default action and raises it again, so the
// process's exit status still says which signal ended it.
void InstallInterruptCleanup();

// Registers `directory` (or a file) for removal on interruption, until
// ForgetOnInterrupt(directory). Thread-safe; harmless without
// InstallInterruptCleanup.
void RemoveOnInterrupt(const std::string& directory);
void ForgetOnInterrupt(const std::string& directory);

// Runs `critical` with the cleanup held off: a signal that arrives
// meanwhile is acted on once it returns. For steps the cleanup must see all
// done or not begun: registering a file and creating it (else a signal in
// between could leave it), renaming a set of files into place and
// forgetting them (common/file_set.h). Keep it short: it delays the exit.
// `critical` may call RemoveOnInterrupt and ForgetOnInterrupt.
void RunWithoutInterruption(const std::function<void()>& critical);

// Makes a directory of this process's own under $TMPDIR (or /tmp:
// common/temp_dir.h) and points
// TMPDIR at it, so that every child started from then on keeps its
// temporary files there (Python's multiprocessing: the fork server's pymp-*
// socket directory). It is removed on interruption, like the registered
// directories, and at exit, so that what a child killed with this process
// could not remove goes too. It is marked as this process's
// (common/scratch_owner.h), so that if the process is killed outright a
// later run removes it. Call early in main, before any thread starts (it
// calls setenv). Returns the directory, or "" (TMPDIR untouched) if it
// could not be made. Idempotent.
std::string UseOwnTemporaryDirectory();

}  // namespace forkcheck

#endif  // FORKCHECK_COMMON_INTERRUPT_CLEANUP_H_
