"""What the testee gives the supervisor to explain a hang or a crash (issue
13): each worker's stderr on its own pipe (FORKCHECK_WORKER_STDERR_FDS),
the sender's pid on every phase, and a stack dump of every thread of any
of its processes on the signal its description names, while the worker
is blocked in its read."""

import os
import re
import signal
import time
import unittest

from forkcheck import testee_pb2, worker_pb2

from testees.python_grpcio.testing.fake_server import FakeServer, FakeServerTestCase
from testees.python_grpcio.testing.testee_runner import frame, run_testee
from testees.python_grpcio.testee_protocol_test import trial_request

# Every stream stalls after 10 rows, far past the test: workers block in
# their first read, as a hung worker does.
STALL = {"faults": [{"kind": "stall", "after_rows": 10, "millis": 20000, "max_fires": -1}]}
DESCRIBE = testee_pb2.TesteeRequest(format_version=1, describe=testee_pb2.DescribeRequest())


def phase_pids(messages):
    return {m.phase.pid for m in messages if m.HasField("phase")}


def children_of(pid):
    """Live children of `pid`, from /proc: {pid: command line}."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                command = cmdline.read().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, ValueError, IndexError):
            continue
        if parent == pid:
            found[int(entry)] = command
    return found


def is_running(pid):
    """Alive and not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class TesteeDiagnosticsTest(FakeServerTestCase):
    def test_the_description_names_sigusr2(self):
        run = run_testee(frame(DESCRIBE), 0)
        self.assertEqual(run.exit_code, 0, run.stderr)
        self.assertEqual(run.parent[0].testee.stack_dump_signal, signal.SIGUSR2)

    def test_phases_carry_the_pid_of_the_process_that_sent_them(self):
        for model, variant in (("threads", []), ("multiprocessing", [("start_method", "spawn")]),
                               ("multiprocessing", [("start_method", "forkserver")])):
            with self.subTest(model=model, variant=variant):
                testee = []
                run = run_testee(
                    frame(trial_request(self.server.address, model, variant)), 2, worker_stderr=True,
                    watch=lambda pid, _: testee.append(pid) or True,
                )
                self.assertEqual(run.exit_code, 0, run.stderr)
                pids = [phase_pids(messages) for messages in run.workers]
                for worker_pids in pids:
                    self.assertEqual(len(worker_pids), 1, pids)
                if model == "threads":
                    self.assertEqual(pids, [{testee[0]}, {testee[0]}])
                else:
                    self.assertNotIn(testee[0], pids[0] | pids[1])
                    self.assertNotEqual(pids[0], pids[1])
                # Nothing went wrong, so no process wrote a word.
                self.assertEqual(run.worker_stderr, ["", ""])

    def test_stderr_pipes_for_the_wrong_number_of_workers_are_refused(self):
        env = dict(os.environ, FORKCHECK_WORKER_STDERR_FDS="9")
        for key in ("GRPC_ENABLE_FORK_SUPPORT", "GRPC_POLL_STRATEGY"):
            env.pop(key, None)
        run = run_testee(frame(trial_request(self.server.address, "threads")), 2, env=env)
        self.assertEqual(run.exit_code, 2, run.stderr)
        self.assertEqual([m.WhichOneof("body") for m in run.parent], ["refused"])
        self.assertIn("FORKCHECK_WORKER_STDERR_FDS lists 1 fds", run.parent[0].refused.reason)

    def test_a_stack_dump_of_each_process_lands_on_its_own_stderr(self):
        with FakeServer(faults=STALL) as stalling:
            for start_method, parent_client in (("fork", "after_pool"), ("forkserver", "before_pool"),
                                                ("spawn", "before_pool")):
                with self.subTest(start_method=start_method):
                    self.check_stack_dumps(stalling.address, start_method, parent_client)

    def check_stack_dumps(self, target, start_method, parent_client):
        state = {"signalled": False}

        def watch(testee, so_far):
            # Once worker 1 has connected (it is then soon blocked in its
            # first read, which stalls): a dump of worker 1, of the trial's
            # parent and of the fork server; once they are in, the end of
            # the trial, long before the stall would end. Worker 1 and the
            # parent are asked again each second until their dumps show the
            # read and the reaping: under load either may not be there yet
            # when first asked (the parent still starting workers).
            if not state["signalled"]:
                phases = [m.phase for m in so_far.workers[1] if m.HasField("phase")]
                if worker_pb2.PHASE_CONNECTED not in [p.phase for p in phases]:
                    return False
                children = children_of(testee)
                state["servers"] = [p for p, c in children.items() if "forkserver" in c]
                # It runs none of our code: it must hold the signal, not die of it.
                state["trackers"] = [p for p, c in children.items() if "resource_tracker" in c]
                for pid in [phases[0].pid, testee] + state["servers"] + state["trackers"]:
                    os.kill(pid, signal.SIGUSR2)
                state["signalled"] = True
                state["asked"] = time.monotonic()
                state["worker"] = phases[0].pid
                return False
            worker_answered = all(text in so_far.worker_stderr[1] for text in ("stream_reader.py", "in worker_main"))
            parent_answered = "in reap_until" in so_far.stderr
            if time.monotonic() - state["asked"] >= 1:
                for pid, answered in ((state["worker"], worker_answered), (testee, parent_answered)):
                    if not answered:
                        os.kill(pid, signal.SIGUSR2)
                state["asked"] = time.monotonic()
            server_answered = not state["servers"] or "multiprocessing/forkserver.py" in so_far.stderr
            if worker_answered and parent_answered and server_answered:
                time.sleep(0.2)  # the rest of the dumps
                state["trackers_alive"] = [p for p in state["trackers"] if is_running(p)]
                os.killpg(testee, signal.SIGKILL)
                return True
            return False

        variant = [("start_method", start_method), ("parent_client", parent_client)]
        started = time.monotonic()
        run = run_testee(
            frame(trial_request(target, "multiprocessing", variant)), 2, timeout=30, worker_stderr=True, watch=watch
        )
        # Each stream stalls 20 s: the dumps came from the stalled trial.
        self.assertLess(time.monotonic() - started, 18, "the dumps came only after the stall")
        self.assertTrue(state["signalled"], run.stderr)
        worker = run.worker_stderr[1]
        # Every thread of the worker (the signal may land on any of them: a
        # gRPC thread that runs no Python marks none "Current thread"), the
        # one blocked in its read named.
        self.assertGreaterEqual(len(re.findall(r"hread 0x[0-9a-f]+ \(most recent call first\)", worker)), 2, worker)
        self.assertIn("in read_share", worker)
        self.assertIn("stream_reader.py", worker)  # in the read itself
        self.assertIn("in worker_main", worker)
        self.assertEqual(run.worker_stderr[0], "", "worker 0 was not asked")
        self.assertIn("in reap_until", run.stderr)
        self.assertNotIn("in worker_main", run.stderr)
        if start_method == "forkserver":
            self.assertEqual(len(state["servers"]), 1, run.stderr)
            self.assertIn("multiprocessing/forkserver.py", run.stderr)
        if start_method != "fork":  # spawn and forkserver start a resource tracker
            self.assertEqual(len(state["trackers"]), 1, run.stderr)
            self.assertEqual(state.get("trackers_alive"), state["trackers"], "the dump signal killed the tracker")
        self.assertEqual(run.exit_code, -signal.SIGKILL, run.stderr)  # ours: no dump ended a process


if __name__ == "__main__":
    unittest.main()
