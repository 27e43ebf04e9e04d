"""The testee speaks testee.proto: describe, trials of every model against a
real fake server, and refusals, run as the supervisor runs it."""

import os
import signal
import struct
import tempfile
import unittest

from forkcheck import testee_pb2, worker_pb2

from testees.python_grpcio.testing.fake_server import FakeServer, FakeServerTestCase
from testees.python_grpcio.testing.testee_runner import frame, run_testee

SMALL = "projects/forkcheck/datasets/synthetic/tables/small"
SMALL_ROWS = 1000
PHASES = [
    worker_pb2.PHASE_STARTED,
    worker_pb2.PHASE_CLIENT_CREATED,
    worker_pb2.PHASE_CONNECTED,
    worker_pb2.PHASE_FIRST_ROW,
    worker_pb2.PHASE_DONE,
]


def trial_request(target, model, variant=(), workers=2, table=SMALL, session_calls=0):
    request = testee_pb2.TesteeRequest(format_version=1)
    trial = request.trial
    trial.model = model
    for name, value in variant:
        trial.variant.add(name=name, value=value)
    trial.target = target
    trial.table = table
    trial.workers = workers
    trial.max_streams = 4
    trial.stream_assignment = testee_pb2.STREAM_ASSIGNMENT_ROUND_ROBIN
    trial.connect_timeout_ms = 5000
    trial.create_session_timeout_ms = 5000
    trial.parent_check_timeout_ms = 2000
    trial.worker_patience_ms = 10000
    trial.watchdog_ms = 30000
    trial.session_calls = session_calls
    return request


class TesteeProtocolTest(FakeServerTestCase):
    def run_trial(self, model, variant=(), workers=2, session_calls=0):
        run = run_testee(frame(trial_request(self.server.address, model, variant, workers, session_calls=session_calls)), workers)
        self.assertEqual(run.exit_code, 0, run.stderr)
        return run

    def assert_every_row_once(self, run, workers):
        seen = []
        for i, messages in enumerate(run.workers):
            phases = [m.phase.phase for m in messages if m.WhichOneof("body") == "phase"]
            results = [m.result for m in messages if m.WhichOneof("body") == "result"]
            self.assertEqual(phases, PHASES, f"worker {i}")
            self.assertEqual(len(results), 1, f"worker {i}")
            result = results[0]
            self.assertEqual((result.status_code, result.status_message), (0, ""), f"worker {i}")
            self.assertEqual(
                (result.duplicate_rows, result.out_of_range_rows, result.corrupted_rows, result.corrupt_responses),
                (0, 0, 0, 0),
            )
            self.assertEqual(len(result.streams), 4 // workers)
            self.assertGreater(result.first_row_micros, 0)
            self.assertGreaterEqual(result.done_micros, result.first_row_micros)
            self.assertGreater(result.monotonic_start_micros, 0)
            self.assertGreater(result.bytes, 0)
            # Against a fake without faults no read needs a retry.
            self.assertEqual((result.retries, result.injected_fault_retries), (0, 0), f"worker {i}")
            self.assertEqual((result.first_retried_status_code, result.first_retried_status_message), (0, ""))
            seen += [(r.begin, r.end) for r in result.seen]
            self.assertEqual(result.rows_received, sum(r.end - r.begin for r in result.seen))
        seen.sort()
        self.assertEqual(sum(e - b for b, e in seen), SMALL_ROWS)
        for (_, end), (begin, _) in zip(seen, seen[1:]):
            self.assertLessEqual(end, begin, "two workers saw the same rows")

    def parent_bodies(self, run):
        return [m.WhichOneof("body") for m in run.parent]

    def test_describe(self):
        run = run_testee(frame(testee_pb2.TesteeRequest(format_version=1, describe=testee_pb2.DescribeRequest())), 0)
        self.assertEqual(run.exit_code, 0, run.stderr)
        self.assertEqual(self.parent_bodies(run), ["testee"])
        description = run.parent[0].testee
        self.assertEqual(description.client, "python-grpcio")
        self.assertRegex(description.language, r"^Python 3\.\d+\.\d+$")
        self.assertEqual((description.library, description.library_version), ("grpcio", "1.51.1"))
        self.assertEqual(description.grpc_core_version, "1.51.1")
        self.assertEqual({v.name for v in description.versions} >= {"protobuf", "avro", "python"}, True)
        models = {m.model: m for m in description.models}
        self.assertEqual(set(models), {"threads", "multiprocessing"})
        self.assertFalse(models["threads"].has_parent_check)
        self.assertTrue(models["multiprocessing"].has_parent_check)
        variant = {v.name: list(v.values) for v in models["multiprocessing"].variant}
        self.assertEqual(variant["start_method"], ["fork", "forkserver", "spawn"])
        self.assertEqual(variant["worker_client"], ["own", "inherited"])

    def test_threads_trial(self):
        run = self.run_trial("threads", session_calls=2)
        self.assert_every_row_once(run, 2)
        self.assertEqual(self.parent_bodies(run), ["parent_facts"])
        self.assertGreater(run.parent[0].parent_facts.workers_started_monotonic_micros, 0)
        # The threads share one channel, so one connection (as C++ thread_shared).
        self.assertEqual(run.parent[0].parent_facts.tcp_connections, 1)
        for messages in run.workers:
            self.assertEqual(len(messages[-1].result.create_session_latency_ns), 2)

    def test_a_signal_ends_a_threads_trial_with_that_signal(self):
        # The supervisor classifies a thread model's workers as crashed when
        # the trial process dies of a signal (outcome_classifier.h, rule 1a):
        # the testee must be that process (Bazel's launcher execs Python) and
        # must not turn the signal into an exit status. Every stream stalls,
        # so the signal comes mid-read.
        faults = {"faults": [{"kind": "stall", "after_rows": 10, "millis": 20000, "max_fires": -1}]}
        with FakeServer(faults=faults) as server:
            for signum in (signal.SIGSEGV, signal.SIGABRT):
                run = run_testee(
                    frame(trial_request(server.address, "threads")), 2, timeout=30, signal_after=(3.0, signum)
                )
                self.assertEqual(run.exit_code, -signum, run.stderr)
                self.assertNotIn("worker_exit", self.parent_bodies(run))
                for messages in run.workers:
                    self.assertNotIn("result", [m.WhichOneof("body") for m in messages])

    def check_multiprocessing(self, start_method, parent_client="before_pool", parent_channel="used"):
        variant = [("start_method", start_method), ("parent_client", parent_client),
                   ("parent_channel", parent_channel), ("worker_client", "own")]
        run = self.run_trial("multiprocessing", variant)
        self.assert_every_row_once(run, 2)
        bodies = self.parent_bodies(run)
        self.assertEqual(sorted(bodies), ["parent_check", "parent_facts", "worker_exit", "worker_exit"], run.stderr)
        self.assertEqual(bodies[-1], "parent_facts")
        exits = {m.worker_exit.worker: m.worker_exit.wait_status for m in run.parent if m.HasField("worker_exit")}
        self.assertEqual(exits, {0: 0, 1: 0})
        check = next(m.parent_check for m in run.parent if m.HasField("parent_check"))
        self.assertEqual((check.status_code, check.status_message), (0, ""))
        facts = run.parent[-1].parent_facts
        self.assertEqual(facts.tcp_connections, -1)
        for messages in run.workers:
            # Time to first row counted from before the worker started.
            self.assertGreaterEqual(messages[-1].result.monotonic_start_micros, facts.workers_started_monotonic_micros)

    # The documented safe patterns only: whether a worker forked from a
    # parent that holds a channel survives is what the matrix measures (see
    # README.md), not something this test may assume.
    def test_multiprocessing_fork_before_the_parent_s_client(self):
        self.check_multiprocessing("fork", parent_client="after_pool")

    def test_multiprocessing_forkserver(self):
        self.check_multiprocessing("forkserver")

    def test_multiprocessing_spawn(self):
        self.check_multiprocessing("spawn")

    def test_multiprocessing_spawn_after_pool(self):
        self.check_multiprocessing("spawn", parent_client="after_pool")

    def test_multiprocessing_pristine_and_idle_parent_channels(self):
        self.check_multiprocessing("spawn", parent_channel="pristine")
        self.check_multiprocessing("spawn", parent_channel="idle")

    def test_a_missing_table_is_every_worker_s_error(self):
        nope = "projects/forkcheck/datasets/synthetic/tables/nope"
        for model, variant in (
            ("threads", []),
            ("multiprocessing", [("start_method", "spawn")]),
            ("multiprocessing", [("start_method", "spawn"), ("parent_client", "after_pool")]),
        ):
            run = run_testee(frame(trial_request(self.server.address, model, variant, table=nope)), 2)
            self.assertEqual(run.exit_code, 1, run.stderr)
            for messages in run.workers:
                results = [m.result for m in messages if m.HasField("result")]
                self.assertEqual([r.status_code for r in results], [5], f"{model} {variant}")  # NOT_FOUND
                self.assertIn("nope", results[0].status_message)

    def assert_refused(self, stdin_bytes, workers, reason_pattern):
        run = run_testee(stdin_bytes, workers)
        self.assertEqual(run.exit_code, 2, run.stderr)
        self.assertEqual(self.parent_bodies(run), ["refused"])
        self.assertRegex(run.parent[0].refused.reason, reason_pattern)
        self.assertIn("refused", run.stderr)
        for messages in run.workers:
            self.assertEqual(messages, [])

    def test_refusals(self):
        address = self.server.address
        self.assert_refused(frame(trial_request(address, "pool")), 2, 'unknown model "pool"')
        self.assert_refused(
            frame(trial_request(address, "multiprocessing", [("start_method", "spawn"), ("worker_client", "inherited")])),
            2,
            "worker_client=inherited needs start_method=fork",
        )
        self.assert_refused(
            frame(trial_request(address, "multiprocessing", [("parent_client", "after_pool"), ("parent_channel", "idle")])),
            2,
            "only meaningful for parent_client=before_pool",
        )
        self.assert_refused(frame(trial_request(address, "threads", [("start_method", "fork")])), 2, "no variant setting")
        self.assert_refused(frame(trial_request(address, "threads", workers=3)), 2, "lists 2 worker pipes")

    def test_without_grpcio_describe_refuses_and_names_the_package(self):
        # A "grpc" package that cannot be imported, ahead of Debian's: what a
        # machine without python3-grpcio looks like to the testee.
        with tempfile.TemporaryDirectory() as fake_site:
            os.mkdir(os.path.join(fake_site, "grpc"))
            with open(os.path.join(fake_site, "grpc", "__init__.py"), "w") as init:
                init.write("raise ImportError(\"No module named 'grpc'\", name='grpc')\n")
            env = dict(os.environ)
            env["PYTHONPATH"] = fake_site + os.pathsep + env.get("PYTHONPATH", "")
            run = run_testee(
                frame(testee_pb2.TesteeRequest(format_version=1, describe=testee_pb2.DescribeRequest())), 0, env=env)
        self.assertEqual(run.exit_code, 2, run.stderr)
        self.assertEqual(self.parent_bodies(run), ["refused"])
        self.assertRegex(run.parent[0].refused.reason, r"^python3-grpcio is not installed for .*No module named 'grpc'")

    def test_unreadable_requests_are_refused(self):
        self.assert_refused(b"\x01\x02", 1, "ended after 2 of the 4 bytes")
        self.assert_refused(struct.pack("<I", (64 << 10) + 1), 1, "exceeds the 65536-byte limit")
        self.assert_refused(struct.pack("<I", 3) + b"\xff\xff\xff", 1, "not a TesteeRequest")
        self.assert_refused(frame(testee_pb2.TesteeRequest(format_version=2)), 1, "format_version 2")
        self.assert_refused(frame(testee_pb2.TesteeRequest(format_version=1)), 1, "neither describe nor trial")


if __name__ == "__main__":
    unittest.main()
