"""What every process of the testee does first, so that a hang or a crash
can be explained and nothing outlives the trial (issue 13).

- Stacks: Python's faulthandler writes the Python stack of every thread to
  fd 2 on a fatal signal (SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL) and, on
  STACK_DUMP_SIGNAL, writes them and lets the process go on (what
  TesteeDescription.stack_dump_signal announces: the supervisor sends it to
  a hung trial's processes). Its handlers are async-signal-safe C and need
  no GIL, so a process whose threads are all blocked in a C call (a gRPC
  wait, with or without the GIL) still answers. They write to fd 2 itself,
  so they follow a worker's dup2 of its own stderr pipe onto fd 2.
- Standard error per process: a worker makes its own pipe of
  FORKCHECK_WORKER_STDERR_FDS its fd 2, as the C++ WorkerReporter::ForWorker.
- Lifetime: every child process dies with its parent (PR_SET_PDEATHSIG =
  SIGKILL, and exits at once if the parent is already gone), as the C++
  models' workers and fork server do, so that when the harness dies the
  whole tree goes: harness, trial's parent, fork server, workers.

Standard library only: it runs before anything else is imported.
"""

import contextlib
import ctypes
import faulthandler
import os
import signal
import sys

STACK_DUMP_SIGNAL = signal.SIGUSR2
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def install_stack_dumps() -> None:
    """faulthandler on fd 2: every thread's stack on a fatal signal, and on
    STACK_DUMP_SIGNAL (without ending the process). Idempotent; inherited by
    forked children (which may call it again). It unblocks the signal in the
    calling thread only: call it from a process's main thread as it starts,
    never inside exec_children_defer_stack_dumps (it would end the deferral)."""
    faulthandler.enable(file=2, all_threads=True)
    faulthandler.register(STACK_DUMP_SIGNAL, file=2, all_threads=True, chain=False)
    # A process started by exec while its parent deferred dumps begins with
    # the signal blocked: from here on it answers, the requests held first.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {STACK_DUMP_SIGNAL})


@contextlib.contextmanager
def exec_children_defer_stack_dumps():
    """While this thread starts processes by exec (spawn workers, the fork
    server, multiprocessing's resource tracker): STACK_DUMP_SIGNAL blocked
    in this thread. A blocked signal stays blocked across fork and exec,
    where a handled one reverts to its default, which ends the process. So
    a child holds a dump request until install_stack_dumps unblocks it, and
    the resource tracker, which runs none of our code, holds them for good.
    This process still answers a request at once if another thread takes it
    (a client's gRPC threads: the dump shows this thread starting a child),
    or else once this thread unblocks: a request is deferred, never lost.
    (Ignoring the signal instead lost the requests sent meanwhile.)"""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {STACK_DUMP_SIGNAL})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def die_with_parent(parent_pid=None) -> None:
    """PR_SET_PDEATHSIG = SIGKILL: this process dies when the thread that
    started it does. If `parent_pid` is given and is no longer our parent,
    the parent died before the prctl (nobody will send the signal): exit 1,
    as the C++ DieWithParent does."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) != 0:
        errno = ctypes.get_errno()
        print(f"python_grpcio_testee: prctl(PR_SET_PDEATHSIG): {os.strerror(errno)}", file=sys.stderr)
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(1)


def adopt_stderr(fd: int) -> None:
    """Makes a copy of `fd` this process's fd 2: sys.stderr (which wraps fd
    2) and the stack dumps write there from now on. The caller closes `fd`
    (never 2 itself: fds 0 to 2 are always open, so a pipe passed to a
    process is numbered above them)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass
    os.dup2(fd, 2)
