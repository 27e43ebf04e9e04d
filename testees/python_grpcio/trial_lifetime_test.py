"""Nothing of a Python trial outlives its harness (issue 13): when the
process that started the testee dies mid-read without killing the trial's
process group (an interrupted run: the harness dies, its trials get their
PR_SET_PDEATHSIG), every process of the trial goes at once, the fork server
and its workers included, and what multiprocessing leaves (the fork
server's pymp-* socket directory) is inside the TMPDIR the harness gave,
which the harness removes."""

import ctypes
import glob
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest

from forkcheck import worker_pb2

from testees.python_grpcio.testing import runfiles
from testees.python_grpcio.testing.fake_server import FakeServer
from testees.python_grpcio.testing.testee_runner import TESTEE, frame, frames_of
from testees.python_grpcio.testee_protocol_test import trial_request

# Workers block in their first read, far past the test.
STALL = {"faults": [{"kind": "stall", "after_rows": 10, "millis": 30000, "max_fires": -1}]}
GONE_WITHIN = 5.0


def processes_with_token(entry: bytes):
    """Live processes whose environment holds `entry` (zombies have none)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/environ", "rb") as environ:
                if entry in environ.read().split(b"\0"):
                    found.append(int(pid))
        except OSError:
            continue
    return found


def die_with_starting_thread():
    """As the harness starts a trial (common/subprocess.h): SIGKILL when
    the thread that started it ends."""
    ctypes.CDLL(None).prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG


class TrialLifetimeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = FakeServer(faults=STALL)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_nothing_outlives_a_harness_that_dies_mid_read(self):
        for start_method, parent_client in (("forkserver", "before_pool"), ("spawn", "before_pool"),
                                            ("fork", "after_pool")):
            with self.subTest(start_method=start_method):
                self.check_nothing_outlives(start_method, parent_client)

    def check_nothing_outlives(self, start_method, parent_client):
        token = f"FORKCHECK_TRIAL_TOKEN=trial-lifetime-test-{os.getpid()}-{start_method}".encode()
        # Under /tmp: the fork server's socket path must fit AF_UNIX's 108
        # bytes, which TEST_TMPDIR's path alone may not.
        harness_tmpdir = tempfile.mkdtemp(prefix="forkcheck-lifetime-test-", dir="/tmp")
        self.addCleanup(shutil.rmtree, harness_tmpdir, True)
        pipes = [os.pipe() for _ in range(3)]
        env = {k: v for k, v in os.environ.items() if k not in ("GRPC_ENABLE_FORK_SUPPORT", "GRPC_POLL_STRATEGY")}
        env.update(
            FORKCHECK_REPORT_FDS=",".join(str(w) for _, w in pipes),
            FORKCHECK_TRIAL_TOKEN=token.decode().split("=", 1)[1],
            TMPDIR=harness_tmpdir,
        )
        request = frame(trial_request(self.server.address, "multiprocessing",
                                      [("start_method", start_method), ("parent_client", parent_client)]))
        stderr = tempfile.TemporaryFile()
        self.addCleanup(stderr.close)
        harness_started, harness_dies = threading.Event(), threading.Event()
        started = []

        def harness():
            process = subprocess.Popen(
                [runfiles.path(TESTEE)], stdin=subprocess.PIPE, stderr=stderr,
                pass_fds=[w for _, w in pipes], env=env, start_new_session=True,
                preexec_fn=die_with_starting_thread,
            )
            process.stdin.write(request)
            process.stdin.close()
            started.append(process)
            harness_started.set()
            harness_dies.wait(60)

        thread = threading.Thread(target=harness)
        thread.start()
        try:
            self.assertTrue(harness_started.wait(30))
            for _, w in pipes:
                os.close(w)
            # Until both workers connected (their first read then stalls).
            received = {r: b"" for r, _ in pipes[1:]}
            deadline = time.monotonic() + 30
            while not all(
                worker_pb2.PHASE_CONNECTED in [m.phase.phase for m in frames_of(data, complete_only=True)]
                for data in received.values()
            ):
                if time.monotonic() > deadline:
                    stderr.seek(0)
                    self.fail(f"the workers did not connect: {stderr.read().decode(errors='replace')}")
                for r in received:
                    os.set_blocking(r, False)
                    try:
                        received[r] += os.read(r, 65536)
                    except BlockingIOError:
                        pass
                time.sleep(0.05)
            alive = processes_with_token(token)
            # Parent, two workers, and for forkserver and spawn the resource
            # tracker (and the fork server).
            self.assertGreaterEqual(len(alive), 3, alive)
            if start_method == "forkserver":
                self.assertEqual(len(glob.glob(os.path.join(harness_tmpdir, "pymp-*"))), 1,
                                 "the fork server's socket is not in the harness's TMPDIR")
        finally:
            harness_dies.set()
            thread.join()
        # The harness is gone (its thread ended): no kill of the group, no one
        # to reap. Everything of the trial must go by itself.
        deadline = time.monotonic() + GONE_WITHIN
        while processes_with_token(token) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = processes_with_token(token)
        for pid in left:
            os.kill(pid, signal.SIGKILL)  # not to leave them to the next test
        started[0].wait(10)
        for r, _ in pipes:
            os.close(r)
        self.assertEqual(left, [], f"trial processes alive {GONE_WITHIN:g}s after the harness died")
        self.assertEqual(started[0].returncode, -signal.SIGKILL)
        # What the killed trial could not remove is all inside the harness's
        # TMPDIR (which the harness removes on interruption).
        leftovers = os.listdir(harness_tmpdir)
        self.assertTrue(all(name.startswith("pymp-") for name in leftovers), leftovers)


if __name__ == "__main__":
    unittest.main()
