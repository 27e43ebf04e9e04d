"""diagnostics.py on its own: a stack dump on request names the function a
process hangs in (even with every thread blocked in C, the GIL held), a
fatal signal's dump names the function that crashed, adopt_stderr moves
what a process writes, die_with_parent kills an orphan."""

import ast
import os
import select
import signal
import subprocess
import sys
import threading
import time
import traceback
import unittest

from testees.python_grpcio import diagnostics
from testees.python_grpcio.testing import runfiles

NAMED_FRAMES = "testees/python_grpcio/testing/named_frames_main.py"
# What every dump of named_frames_main.py hang names: both its threads.
WHOLE_HANG_DUMP = ("in hang_in_named_function", "in sleep_without_the_gil")


def python_child_environment():
    """A Python child of this test imports what the test does."""
    return dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))


def named_frames(mode):
    return subprocess.Popen(
        [sys.executable, runfiles.path(NAMED_FRAMES), mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=python_child_environment(),
    )


def read_from(fd, data: bytes, enough, timeout: float) -> bytes:
    """`data` and what `fd` gives, until enough(all of it), the writer
    closes it or `timeout` seconds passed (the caller's assertion then
    tells)."""
    deadline = time.monotonic() + timeout
    while not enough(data):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            break
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        data += chunk
    return data


def read_until(fd, text, wanted, count, timeout=10.0):
    """`text` and what `fd` gives, until each string of `wanted` occurs
    `count` times in it (or as read_from)."""
    data = read_from(
        fd, text.encode(), lambda d: all(d.decode(errors="replace").count(w) >= count for w in wanted), timeout
    )
    return data.decode(errors="replace")


def written_by_forked_child(body, timeout=60.0) -> bytes:
    """What body(fd) writes to fd, a pipe's write end, run in a forked child
    that exits after it. Every wait bounded: past `timeout` the child is
    killed. Raises AssertionError, with what it wrote, unless the child
    exited 0 (an exception in `body` exits 1, its traceback written to fd)."""
    read, write = os.pipe()
    child = os.fork()
    if child == 0:
        code = 0
        try:
            os.close(read)
            body(write)
        except BaseException:  # noqa: B902 - the child reports everything
            os.write(write, traceback.format_exc().encode())
            code = 1
        finally:
            os._exit(code)
    os.close(write)
    written = read_from(read, b"", lambda _: False, timeout)
    os.close(read)
    deadline = time.monotonic() + timeout
    while True:
        pid, status = os.waitpid(child, os.WNOHANG)
        if pid != 0:
            break
        if time.monotonic() > deadline:
            os.kill(child, signal.SIGKILL)
            _, status = os.waitpid(child, 0)
            break
        time.sleep(0.01)
    if os.waitstatus_to_exitcode(status) != 0:
        raise AssertionError(f"the forked child ended {os.waitstatus_to_exitcode(status)}; it wrote: {written!r}")
    return written


class DiagnosticsTest(unittest.TestCase):
    def test_the_stack_dump_signal_names_the_function_a_process_hangs_in(self):
        process = named_frames("hang")
        stderr = ""
        try:
            self.assertEqual(process.stdout.readline(), b"ready\n")
            for dumps in (1, 2):  # it answers, and goes on hanging
                # Each request once the last is answered: two pending at
                # once would be one signal.
                process.send_signal(diagnostics.STACK_DUMP_SIGNAL)
                stderr = read_until(process.stderr.fileno(), stderr, WHOLE_HANG_DUMP, dumps)
            self.assertIsNone(process.poll(), "the dump ended the process")
        finally:
            process.kill()
            _, rest = process.communicate(timeout=10)
        stderr += rest.decode()
        self.assertEqual(stderr.count("in hang_in_named_function"), 2, stderr)
        # Every thread, the one blocked without the GIL too.
        self.assertEqual(stderr.count("in sleep_without_the_gil"), 2, stderr)

    def test_a_fatal_signal_s_dump_names_the_function_that_crashed(self):
        process = named_frames("crash")
        _, stderr = process.communicate(timeout=30)
        stderr = stderr.decode()
        self.assertEqual(process.returncode, -signal.SIGSEGV, stderr)  # the signal still ends it
        self.assertIn("Fatal Python error: Segmentation fault", stderr)
        self.assertIn("in crash_in_named_function", stderr)

    def test_stack_dump_signal_is_sigusr2(self):
        self.assertEqual(int(diagnostics.STACK_DUMP_SIGNAL), 12)

    def test_adopt_stderr_moves_sys_stderr_and_the_dumps(self):
        def child(write):
            print("before", file=sys.stderr, end="")  # buffered: flushed to the old fd 2
            diagnostics.adopt_stderr(write)
            os.close(write)
            print("after", file=sys.stderr, flush=True)
            diagnostics.install_stack_dumps()
            os.kill(os.getpid(), diagnostics.STACK_DUMP_SIGNAL)

        text = written_by_forked_child(child).decode()
        self.assertTrue(text.startswith("after\n"), text)
        self.assertIn("in test_adopt_stderr_moves_sys_stderr_and_the_dumps", text)
        self.assertNotIn("before", text)

    def test_a_dump_request_while_starting_exec_children_is_answered_after(self):
        # The only thread blocks the signal meanwhile: the dump comes once it
        # leaves, and names where it went on, not lost as an ignored one was.
        def child(write):
            diagnostics.adopt_stderr(write)
            os.close(write)
            diagnostics.install_stack_dumps()
            with diagnostics.exec_children_defer_stack_dumps():
                os.kill(os.getpid(), diagnostics.STACK_DUMP_SIGNAL)
                time.sleep(0.1)
                os.write(2, b"left\n")

        text = written_by_forked_child(child).decode()
        self.assertTrue(text.startswith("left\n"), text)
        self.assertEqual(text.count("in test_a_dump_request_while_starting_exec_children_is_answered_after"), 1, text)

    def test_an_exec_child_holds_a_dump_request_until_it_installs_its_dumps(self):
        # A handled signal reverts to its default across exec, which would
        # end the child; a blocked one stays blocked until it unblocks it.
        program = (
            "import os, signal, sys\n"
            "os.kill(os.getpid(), signal.SIGUSR2)\n"
            "print('alive', flush=True)\n"
            "from testees.python_grpcio import diagnostics\n"
            "diagnostics.install_stack_dumps()\n"
            "print('installed', flush=True)\n"
        )
        env = python_child_environment()

        def child(write):
            diagnostics.install_stack_dumps()
            with diagnostics.exec_children_defer_stack_dumps():
                run = subprocess.run([sys.executable, "-c", program], env=env, capture_output=True, timeout=30)
            os.write(write, repr((run.returncode, run.stdout, run.stderr)).encode())

        returncode, stdout, stderr = ast.literal_eval(written_by_forked_child(child).decode())
        self.assertEqual(returncode, 0, stderr)
        self.assertEqual(stdout, b"alive\ninstalled\n")
        self.assertIn(b"in <module>", stderr)  # the held request, answered on install

    def test_die_with_parent_exits_if_the_parent_is_already_gone(self):
        # Our pid is not the child's parent's: as if the parent had died.
        child = os.fork()
        if child == 0:
            diagnostics.die_with_parent(os.getppid() + 1)
            os._exit(0)
        _, status = os.waitpid(child, 0)
        self.assertEqual(os.waitstatus_to_exitcode(status), 1)

    def test_die_with_parent_kills_a_child_whose_parent_thread_ends(self):
        # PR_SET_PDEATHSIG fires when the thread that forked the child ends:
        # the child of a thread stands for the child of a process.
        read, write = os.pipe()
        pids = []

        def start():
            parent = os.getpid()
            pid = os.fork()
            if pid == 0:
                diagnostics.die_with_parent(parent)
                os.write(write, b"x")
                while True:
                    time.sleep(60)
            pids.append(pid)
            os.read(read, 1)  # it set its death signal

        thread = threading.Thread(target=start)
        thread.start()
        thread.join()
        os.close(read)
        os.close(write)
        _, status = os.waitpid(pids[0], 0)
        self.assertEqual(os.waitstatus_to_exitcode(status), -signal.SIGKILL)


if __name__ == "__main__":
    unittest.main()
