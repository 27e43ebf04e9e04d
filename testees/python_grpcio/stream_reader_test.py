"""The Python reader against the real fake server: a whole read, a resumed
stream reset, a corrupt response fetched again, a failure nobody injected
counted as a retry the read needed, and NOT_FOUND."""

import threading
import time
import unittest

import grpc

from testees.python_grpcio import catalogue as cat
from testees.python_grpcio.reporting import WorkerReporter
from testees.python_grpcio.row_ledger import RowLedger
from testees.python_grpcio.share_reader import Client, SessionError, TrialSettings, create_session, read_share
from testees.python_grpcio.stream_reader import StreamReader
from testees.python_grpcio.testing.fake_server import FakeServer
from testees.python_grpcio.testing.testee_runner import call_reporting

SMALL = "projects/forkcheck/datasets/synthetic/tables/small"
NON_SOCKET = "Socket operation on non-socket"


class _Unavailable(grpc.RpcError):
    """What grpcio raises for a call that failed with UNAVAILABLE."""

    def code(self):
        return grpc.StatusCode.UNAVAILABLE

    def details(self):
        return NON_SOCKET

    def trailing_metadata(self):
        return ()


class _FirstCallFails:
    """A stub whose first ReadRows call fails as a forked child's first call
    did in the matrix (not a fault the fake injected); the rest go to the
    real stub."""

    def __init__(self, stub):
        self._stub = stub
        self.failed = False

    def __getattr__(self, name):
        return getattr(self._stub, name)

    def ReadRows(self, request, timeout=None):
        if self.failed:
            return self._stub.ReadRows(request, timeout=timeout)
        self.failed = True

        def fail():
            raise _Unavailable()
            yield  # a generator, as a streaming call is iterated

        return fail()


class ClientCloseTest(unittest.TestCase):
    """Client.close waits, bounded, for the daemon threads started since the
    client was made (gRPC's spin thread), so that one ending as the channel
    closes is not cut off by the interpreter's shutdown."""

    def test_waits_for_a_daemon_thread_started_after_the_client(self):
        old_done = threading.Event()
        old = threading.Thread(target=lambda: old_done.wait(10), daemon=True)
        old.start()  # before the client: not waited for
        client = Client("127.0.0.1:1")
        ended = threading.Event()

        def late():
            time.sleep(0.2)
            ended.set()

        threading.Thread(target=late, daemon=True).start()
        started = time.monotonic()
        client.close(wait=5)
        self.assertTrue(ended.is_set())
        self.assertLess(time.monotonic() - started, 4)
        old_done.set()

    def test_the_wait_is_bounded(self):
        client = Client("127.0.0.1:1")
        stop = threading.Event()
        threading.Thread(target=lambda: stop.wait(30), daemon=True).start()
        started = time.monotonic()
        client.close(wait=0.3)
        self.assertLess(time.monotonic() - started, 3)
        stop.set()


class StreamReaderTest(unittest.TestCase):
    def read_all(self, server, table_name=SMALL, streams=4):
        client = Client(server.address)
        try:
            session = create_session(client.stub, table_name, streams, timeout=10)
            table = cat.default_catalogue().find(table_name)
            ledger = RowLedger(table.row_count)
            reader = StreamReader(client.stub, table, session.avro_schema.schema)
            accounts = [reader.read(stream.name, ledger) for stream in session.streams]
            return session, ledger, accounts
        finally:
            client.close()

    def assert_exactly_once(self, ledger, accounts):
        for account in accounts:
            self.assertTrue(account.ok(), account.status_message)
        self.assertEqual(ledger.unique, ledger.row_count)
        self.assertEqual((ledger.duplicates, ledger.out_of_range), (0, 0))
        self.assertEqual(ledger.seen_ranges(), [(0, ledger.row_count)] if ledger.row_count else [])

    def test_reads_small_with_four_streams_exactly_once(self):
        with FakeServer() as server:
            session, ledger, accounts = self.read_all(server)
        self.assertEqual(len(session.streams), 4)
        self.assert_exactly_once(ledger, accounts)
        self.assertEqual(sum(a.retries for a in accounts), 0)
        self.assertEqual(sum(a.rows for a in accounts), 1000)
        self.assertTrue(all(a.first_row_at is not None for a in accounts))

    def test_every_default_table_verifies(self):
        with FakeServer() as server:
            for name in ("empty", "all_types"):
                table = cat.default_catalogue().resolve(name)
                _, ledger, accounts = self.read_all(server, table.name, streams=2)
                self.assert_exactly_once(ledger, accounts)

    def test_a_stream_reset_is_resumed_from_its_offset(self):
        faults = {"faults": [{"kind": "rst_stream", "after_rows": 30, "max_fires": -1, "max_fires_per_stream": 1}]}
        with FakeServer(faults=faults) as server:
            _, ledger, accounts = self.read_all(server)
            log = server.stop()
        self.assert_exactly_once(ledger, accounts)
        self.assertEqual([a.retries for a in accounts], [1, 1, 1, 1])
        self.assertEqual([a.calls for a in accounts], [2, 2, 2, 2])
        self.assertIn("rst_stream=4", log)
        # The fake reset them on purpose: designed, no failure to report.
        self.assertEqual([a.injected_fault_retries for a in accounts], [1, 1, 1, 1])
        self.assertEqual({a.first_retried_code for a in accounts}, {grpc.StatusCode.OK})

    def test_a_failure_nobody_injected_is_a_retry_the_read_needed(self):
        with FakeServer() as server:
            client = Client(server.address)
            try:
                session = create_session(client.stub, SMALL, 2, timeout=10)
                table = cat.default_catalogue().find(SMALL)
                ledger = RowLedger(table.row_count)
                reader = StreamReader(_FirstCallFails(client.stub), table, session.avro_schema.schema)
                accounts = [reader.read(stream.name, ledger) for stream in session.streams]
            finally:
                client.close()
        self.assert_exactly_once(ledger, accounts)
        self.assertEqual([a.retries for a in accounts], [1, 0])
        self.assertEqual([a.injected_fault_retries for a in accounts], [0, 0])
        self.assertEqual(accounts[0].first_retried_code, grpc.StatusCode.UNAVAILABLE)
        self.assertEqual(accounts[0].first_retried_message, NON_SOCKET)
        self.assertEqual(accounts[1].first_retried_code, grpc.StatusCode.OK)

    def read_share_result(self, server, wrap_stub=None):
        """A worker's WorkerResult from read_share (worker 0 of 1)."""
        client = Client(server.address)
        try:
            session = create_session(client.stub, SMALL, 4, timeout=10)
            if wrap_stub is not None:
                client.stub = wrap_stub(client.stub)
            settings = TrialSettings(target=server.address, table=SMALL, workers=1, max_streams=4)
            result, frames = call_reporting(lambda fd: read_share(client, session, 0, settings, WorkerReporter(fd)))
        finally:
            client.close()
        # What went on the pipe is what the function returned.
        self.assertEqual(frames[-1].result, result)
        return result

    def test_a_worker_reports_the_retries_it_needed_and_its_first_failure(self):
        with FakeServer() as server:
            result = self.read_share_result(server, _FirstCallFails)
        self.assertEqual(result.status_code, 0, result.status_message)
        self.assertEqual(result.rows_received, 1000)
        self.assertEqual((result.retries, result.injected_fault_retries), (1, 0))
        self.assertEqual(result.first_retried_status_code, grpc.StatusCode.UNAVAILABLE.value[0])
        self.assertEqual(result.first_retried_status_message, NON_SOCKET)

    def test_a_worker_reports_injected_faults_apart(self):
        faults = {"faults": [{"kind": "rst_stream", "after_rows": 30, "max_fires": -1, "max_fires_per_stream": 1}]}
        with FakeServer(faults=faults) as server:
            result = self.read_share_result(server)
        self.assertEqual(result.status_code, 0, result.status_message)
        self.assertEqual((result.retries, result.injected_fault_retries), (4, 4))
        self.assertEqual((result.first_retried_status_code, result.first_retried_status_message), (0, ""))

    def test_a_corrupt_response_is_counted_and_fetched_again(self):
        faults = {"faults": [{"kind": "corrupt_payload", "after_rows": 10, "max_fires": 1}]}
        with FakeServer(faults=faults) as server:
            _, ledger, accounts = self.read_all(server, streams=1)
        self.assert_exactly_once(ledger, accounts)
        self.assertEqual(accounts[0].corrupt_responses, 1)
        self.assertEqual(accounts[0].retries, 1)
        self.assertRegex(accounts[0].last_corruption, r"^response at offset 0 \(\d+ rows, \d+ bytes\): ")
        # No marker on corrupt bytes: the refetch is reported, its description the failure.
        self.assertEqual(accounts[0].injected_fault_retries, 0)
        self.assertEqual(accounts[0].first_retried_code, grpc.StatusCode.DATA_LOSS)
        self.assertEqual(accounts[0].first_retried_message, accounts[0].last_corruption)

    def test_an_unknown_table_is_not_found(self):
        with FakeServer() as server:
            client = Client(server.address)
            try:
                with self.assertRaises(SessionError) as raised:
                    create_session(client.stub, "projects/forkcheck/datasets/synthetic/tables/nope", 4, timeout=10)
            finally:
                client.close()
        self.assertEqual(raised.exception.code, grpc.StatusCode.NOT_FOUND)
        self.assertIn("nope", raised.exception.message)


if __name__ == "__main__":
    unittest.main()
