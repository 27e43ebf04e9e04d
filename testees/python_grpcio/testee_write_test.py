"""Write trials through testee.proto, run as the supervisor runs them,
against a real fake server: the description's workloads; threads and the
documented safe multiprocessing variants (every start method, the parent's
client before and after the pool, every parent_channel) write rows
[0, write_rows) each once, as read back; the parent's own writes went to
parent_write_table only; bad write requests are refused."""

import itertools
import os
import unittest

from forkcheck import testee_pb2, worker_pb2

from testees.python_grpcio.parent_writes import PARENT_ROWS
from testees.python_grpcio.share_writer import share_rows
from testees.python_grpcio.testee_protocol_test import PHASES, trial_request
from testees.python_grpcio.testing.fake_server import FakeServerTestCase
from testees.python_grpcio.testing.testee_runner import frame, run_testee
from testees.python_grpcio.testing.written_table import read_back

_projects = itertools.count()


def write_request(target, model, variant=(), workers=2, write_rows=1000, table=None, parent_table=None):
    """A write trial of its own project (its table and the parent's start
    empty), and that table's name."""
    project = f"pywrite{os.getpid()}-{next(_projects)}"
    if table is None:
        table = f"projects/{project}/datasets/writable/tables/small"
    if parent_table is None:
        parent_table = f"projects/{project}-parent/datasets/writable/tables/small"
    request = trial_request(target, model, variant, workers, table=table)
    request.trial.workload = "write"
    request.trial.write_rows = write_rows
    request.trial.parent_write_table = parent_table
    return request


class TesteeWriteTest(FakeServerTestCase):
    def run_write(self, model, variant=(), workers=2, write_rows=1000, parent_rows=0):
        request = write_request(self.server.address, model, variant, workers, write_rows)
        run = run_testee(frame(request), workers)
        self.assertEqual(run.exit_code, 0, run.stderr)
        what = f"{model} {variant}"
        for i, messages in enumerate(run.workers):
            phases = [m.phase.phase for m in messages if m.HasField("phase")]
            results = [m.result for m in messages if m.HasField("result")]
            self.assertEqual(len(results), 1, f"{what}: worker {i}")
            result = results[0]
            self.assertEqual((result.status_code, result.status_message), (0, ""), f"{what}: worker {i}")
            begin, end = share_rows(i, workers, write_rows)
            self.assertEqual(phases, PHASES if end > begin else [p for p in PHASES if p != worker_pb2.PHASE_FIRST_ROW],
                             f"{what}: worker {i}")
            self.assertEqual(result.rows_received, end - begin, f"{what}: worker {i}")
            self.assertEqual([(r.begin, r.end) for r in result.seen], [(begin, end)] if end > begin else [])
            self.assertEqual([(s.rows, s.status_code) for s in result.streams], [(end - begin, 0)])
            self.assertEqual((result.retries, result.injected_fault_retries, result.first_retried_status_code),
                             (0, 0, 0), f"{what}: worker {i}")
            self.assertGreater(result.bytes, 0)
        table = read_back(self.server.address, request.trial.table, write_rows)
        self.assertEqual((table.unique, table.duplicates, table.out_of_range), (write_rows, 0, 0), what)
        # The parent's writes went to its own table, never to the trial's.
        parent = read_back(self.server.address, request.trial.parent_write_table, PARENT_ROWS)
        self.assertEqual((parent.unique, parent.duplicates, parent.out_of_range), (parent_rows, 0, 0), what)
        return run

    def check_multiprocessing(self, start_method, parent_client="before_pool", parent_channel="used", parent_rows=None):
        variant = [("start_method", start_method), ("parent_client", parent_client),
                   ("parent_channel", parent_channel), ("worker_client", "own")]
        if parent_rows is None:
            parent_rows = 0 if parent_channel == "pristine" else PARENT_ROWS
        run = self.run_write("multiprocessing", variant, parent_rows=parent_rows)
        bodies = [m.WhichOneof("body") for m in run.parent]
        self.assertEqual(sorted(bodies), ["parent_check", "parent_facts", "worker_exit", "worker_exit"], run.stderr)
        check = next(m.parent_check for m in run.parent if m.HasField("parent_check"))
        self.assertEqual((check.status_code, check.status_message), (0, ""), f"{variant}")
        self.assertEqual({m.worker_exit.wait_status for m in run.parent if m.HasField("worker_exit")}, {0})

    def test_the_description_lists_both_workloads_for_both_models(self):
        run = run_testee(frame(testee_pb2.TesteeRequest(format_version=1, describe=testee_pb2.DescribeRequest())), 0)
        self.assertEqual(run.exit_code, 0, run.stderr)
        workloads = {m.model: list(m.workloads) for m in run.parent[0].testee.models}
        self.assertEqual(workloads, {"threads": ["read", "write"], "multiprocessing": ["read", "write"]})

    def test_threads_write(self):
        run = self.run_write("threads")
        self.assertEqual([m.WhichOneof("body") for m in run.parent], ["parent_facts"])

    def test_threads_write_uneven_shares(self):
        self.run_write("threads", workers=3, write_rows=700)

    def test_multiprocessing_fork_with_the_parent_s_client_after_the_pool(self):
        self.check_multiprocessing("fork", parent_client="after_pool")

    def test_multiprocessing_forkserver(self):
        self.check_multiprocessing("forkserver")
        self.check_multiprocessing("forkserver", parent_client="after_pool")

    def test_multiprocessing_spawn(self):
        self.check_multiprocessing("spawn")
        self.check_multiprocessing("spawn", parent_client="after_pool")

    def test_multiprocessing_pristine_and_idle_parent_channels(self):
        self.check_multiprocessing("spawn", parent_channel="pristine")
        self.check_multiprocessing("forkserver", parent_channel="idle")

    def assert_refused(self, request, reason_pattern):
        run = run_testee(frame(request), request.trial.workers)
        self.assertEqual(run.exit_code, 2, run.stderr)
        self.assertEqual([m.WhichOneof("body") for m in run.parent], ["refused"])
        self.assertRegex(run.parent[0].refused.reason, reason_pattern)
        for messages in run.workers:
            self.assertEqual(messages, [])

    def test_bad_write_requests_are_refused(self):
        address = self.server.address
        spawn = [("start_method", "spawn")]
        synthetic = "projects/forkcheck/datasets/synthetic/tables/small"
        self.assert_refused(write_request(address, "threads", table=synthetic),
                            f'table "{synthetic}" is not a writable table')
        self.assert_refused(write_request(address, "multiprocessing", spawn,
                                          table="projects/p/datasets/writable/tables/nope"),
                            "is not a writable table")
        self.assert_refused(write_request(address, "multiprocessing", spawn, write_rows=-1),
                            "write_rows -1 must be >= 0")
        self.assert_refused(write_request(address, "threads", parent_table=""), "no parent_write_table")
        self.assert_refused(write_request(address, "threads", parent_table="projects/p/datasets/synthetic/tables/x"),
                            'parent_write_table "projects/p/datasets/synthetic/tables/x" is not a writable table')
        same = "projects/same/datasets/writable/tables/small"
        self.assert_refused(write_request(address, "threads", table=same, parent_table=same),
                            "must not be the trial's table")
        other = write_request(address, "threads")
        other.trial.workload = "delete"
        self.assert_refused(other, 'workload "delete": model threads runs read, write')


if __name__ == "__main__":
    unittest.main()
