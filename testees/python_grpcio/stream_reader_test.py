"""The Python reader against the real fake server: a whole read, a resumed
stream reset, a corrupt response fetched again, and NOT_FOUND."""

import unittest

import grpc

from testees.python_grpcio import catalogue as cat
from testees.python_grpcio.row_ledger import RowLedger
from testees.python_grpcio.share_reader import Client, SessionError, create_session
from testees.python_grpcio.stream_reader import StreamReader
from testees.python_grpcio.testing.fake_server import FakeServer

SMALL = "projects/forkcheck/datasets/synthetic/tables/small"


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

    def test_a_corrupt_response_is_counted_and_fetched_again(self):
        faults = {"faults": [{"kind": "corrupt_payload", "after_rows": 10, "max_fires": 1}]}
        with FakeServer(faults=faults) as server:
            _, ledger, accounts = self.read_all(server, streams=1)
        self.assert_exactly_once(ledger, accounts)
        self.assertEqual(accounts[0].corrupt_responses, 1)
        self.assertEqual(accounts[0].retries, 1)
        self.assertRegex(accounts[0].last_corruption, r"^response at offset 0 \(\d+ rows, \d+ bytes\): ")

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
