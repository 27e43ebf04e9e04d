"""The Python writer against the real fake server: a whole write read back,
an injected call failure and an in-band ABORTED resumed from the last
acknowledged offset, a lost acknowledgement answered ALREADY_EXISTS on the
resend, a table that is not writable, and a worker's share as it reports
it."""

import time
import unittest

import grpc
from forkcheck import worker_pb2

from testees.python_grpcio.reporting import WorkerReporter
from testees.python_grpcio.share_reader import Client, TrialSettings
from testees.python_grpcio.share_writer import share_rows, writable_table_spec, write_share
from testees.python_grpcio.stream_writer import AppendBuilder, AppendCall, StreamWriter, WriterOptions
from testees.python_grpcio.testing.fake_server import FakeServer
from testees.python_grpcio.testing.testee_runner import call_reporting
from testees.python_grpcio.testing.written_table import read_back

ROWS = 1000


def small(project):
    return f"projects/{project}/datasets/writable/tables/small"


class StreamWriterTest(unittest.TestCase):
    def write(self, server, table, options=None, rows=ROWS):
        client = Client(server.address)
        try:
            acknowledged = []
            account = StreamWriter(client.write_stub, options).write(
                table, writable_table_spec(table), 0, rows, lambda: acknowledged.append(True)
            )
            self.assertEqual(len(acknowledged), 1 if rows else 0, "on_first_acknowledged: once")
            return account
        finally:
            client.close()

    def assert_read_back_exactly_once(self, server, table, rows=ROWS):
        ledger = read_back(server.address, table, rows)
        self.assertEqual((ledger.unique, ledger.duplicates, ledger.out_of_range), (rows, 0, 0))

    def test_writes_every_row_once_in_appends_of_at_most_500(self):
        with FakeServer() as server:
            account = self.write(server, small("whole"))
            self.assert_read_back_exactly_once(server, small("whole"))
        self.assertTrue(account.ok(), account.status_message)
        self.assertEqual((account.rows_acknowledged, account.appends, account.calls), (ROWS, 2, 1))
        self.assertEqual((account.retries, account.already_existed), (0, 0))
        # One latency per acknowledged append, each a positive duration.
        self.assertEqual(len(account.append_latency_ns), 2)
        self.assertTrue(all(ns > 0 for ns in account.append_latency_ns), account.append_latency_ns)
        self.assertRegex(account.stream, r"^projects/whole/datasets/writable/tables/small/streams/.")
        self.assertGreater(account.bytes, ROWS * 20)

    def test_an_injected_call_failure_resumes_from_the_last_acknowledged_offset(self):
        faults = {"faults": [{"kind": "unavailable", "rpc": "append_rows", "target": "projects/cut",
                              "after_appends": 1}]}
        with FakeServer(faults=faults) as server:
            account = self.write(server, small("cut"), WriterOptions(rows_per_append=100))
            self.assert_read_back_exactly_once(server, small("cut"))
        self.assertTrue(account.ok(), account.status_message)
        self.assertEqual((account.rows_acknowledged, account.calls, account.retries), (ROWS, 2, 1))
        # The fake's own fault: resumed by design, no failure to report.
        self.assertEqual(account.injected_fault_retries, 1)
        self.assertEqual((account.first_retried_code, account.first_retried_message), (grpc.StatusCode.OK, ""))

    def test_an_in_band_aborted_first_append_is_retried(self):
        faults = {"faults": [{"kind": "aborted", "rpc": "append_rows", "target": "projects/aborted",
                              "after_appends": 0}]}
        with FakeServer(faults=faults) as server:
            account = self.write(server, small("aborted"))
            self.assert_read_back_exactly_once(server, small("aborted"))
        self.assertTrue(account.ok(), account.status_message)
        self.assertEqual((account.calls, account.retries, account.injected_fault_retries), (2, 1, 1))

    def test_a_lost_acknowledgement_is_already_exists_on_the_resend(self):
        # The first append is applied but answered after the call's deadline
        # (2 s: time for the server to take it first, loaded or not).
        faults = {"faults": [{"kind": "stall", "rpc": "append_rows", "target": "projects/late",
                              "after_appends": 0, "millis": 8000}]}
        with FakeServer(faults=faults) as server:
            account = self.write(server, small("late"), WriterOptions(call_timeout=2.0))
            self.assert_read_back_exactly_once(server, small("late"))
        self.assertTrue(account.ok(), account.status_message)
        self.assertGreaterEqual(account.already_existed, 1)
        self.assertEqual(account.rows_acknowledged, ROWS)
        self.assertEqual(account.first_retried_code, grpc.StatusCode.DEADLINE_EXCEEDED)

    def test_a_table_that_is_not_writable_is_the_write_s_error(self):
        with FakeServer() as server:
            client = Client(server.address)
            try:
                account = StreamWriter(client.write_stub).write(
                    "projects/forkcheck/datasets/synthetic/tables/small", writable_table_spec(small("x")), 0, 10
                )
            finally:
                client.close()
        self.assertEqual(account.status_code, grpc.StatusCode.NOT_FOUND)
        self.assertIn("CreateWriteStream on projects/forkcheck/datasets/synthetic/tables/small", account.status_message)
        self.assertEqual((account.rows_acknowledged, account.appends), (0, 0))

    def test_finishing_a_stalled_call_is_bounded(self):
        # The first append's answer stalls 20 s: finish gives up at its bound.
        faults = {"faults": [{"kind": "stall", "rpc": "append_rows", "target": "projects/slow",
                              "after_appends": 0, "millis": 20000}]}
        table = small("slow")
        request, _, _ = AppendBuilder(writable_table_spec(table), 0, 10, offsets=False).build(
            0, True, table + "/streams/_default"
        )
        with FakeServer(faults=faults) as server:
            client = Client(server.address)
            try:
                call = AppendCall(client.write_stub, 60.0)
                call.send(request)
                started = time.monotonic()
                code, _ = call.finish(0.5)
                took = time.monotonic() - started
            finally:
                client.close()
        self.assertEqual(code, grpc.StatusCode.CANCELLED)
        self.assertLess(took, 10)

    def test_share_rows_split_the_rows_as_the_contract_says(self):
        self.assertEqual([share_rows(i, 3, 1000) for i in range(3)], [(0, 333), (333, 666), (666, 1000)])
        self.assertEqual([share_rows(i, 4, 2) for i in range(4)], [(0, 0), (0, 1), (1, 1), (1, 2)])

    def test_a_worker_s_share_as_it_reports_it(self):
        with FakeServer() as server:
            table = small("share")
            settings = TrialSettings(target=server.address, table=table, workers=2, max_streams=0,
                                     workload="write", write_rows=ROWS, parent_write_table=small("share-parent"))
            client = Client(server.address)
            try:
                result, frames = call_reporting(lambda fd: write_share(client, 1, settings, WorkerReporter(fd)))
            finally:
                client.close()
            ledger = read_back(server.address, table, ROWS)
        self.assertEqual([f.phase.phase for f in frames[:-1]], [
            worker_pb2.PHASE_CLIENT_CREATED, worker_pb2.PHASE_CONNECTED, worker_pb2.PHASE_FIRST_ROW,
            worker_pb2.PHASE_DONE])
        self.assertEqual(frames[-1].result, result)
        self.assertEqual((result.status_code, result.status_message), (0, ""))
        self.assertEqual(result.rows_received, 500)
        self.assertEqual([(r.begin, r.end) for r in result.seen], [(500, 1000)])
        self.assertEqual(len(result.streams), 1)
        self.assertEqual((result.streams[0].rows, result.streams[0].status_code), (500, 0))
        self.assertGreater(result.first_row_micros, 0)
        self.assertGreaterEqual(result.done_micros, result.first_row_micros)
        self.assertGreater(result.bytes, 0)
        # Worker 1 of 2 wrote exactly rows [500, 1000).
        self.assertEqual(ledger.seen_ranges(), [(500, 1000)])
        self.assertEqual(ledger.duplicates, 0)


if __name__ == "__main__":
    unittest.main()
