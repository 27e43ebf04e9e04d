"""A program that hangs or crashes on purpose in functions with known names,
with the testee's stack dumps installed (diagnostics.py), so that a test can
check what a dump names. Never part of the testee.

    named_frames_main.py hang    # prints "ready", then blocks until killed
    named_frames_main.py crash   # SIGSEGV in crash_in_named_function

hang blocks the main thread in a C call that holds the GIL (libc pause()
through ctypes.PyDLL, which does not release it) and a second thread in one
that released it (time.sleep) and now waits for the GIL: the dump must come
anyway, from the signal handler, for both threads.
"""

import ctypes
import os
import signal
import sys
import threading
import time

from testees.python_grpcio import diagnostics


_SLEEPER_STARTED = threading.Event()


def sleep_without_the_gil():
    _SLEEPER_STARTED.set()  # from here on a dump finds it in this function
    while True:
        time.sleep(3600)


def hang_in_named_function():
    pause = ctypes.PyDLL(None).pause  # PyDLL: the GIL stays held
    print("ready", flush=True)
    while True:
        pause()  # returns after each signal handler; then blocks again


def crash_in_named_function():
    os.kill(os.getpid(), signal.SIGSEGV)


def main() -> int:
    diagnostics.install_stack_dumps()
    if sys.argv[1:] == ["hang"]:
        threading.Thread(target=sleep_without_the_gil, name="sleeper", daemon=True).start()
        _SLEEPER_STARTED.wait()
        hang_in_named_function()
    if sys.argv[1:] == ["crash"]:
        crash_in_named_function()
    print(f"usage: {sys.argv[0]} hang|crash", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
