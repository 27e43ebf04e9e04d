"""Reads a written table back with the testee's own reader, as the harness
does after a write trial (client/written_table_check.h): every row verified
against its catalogue table's generator by its row_id, counted once."""

from testees.python_grpcio.row_ledger import RowLedger
from testees.python_grpcio.share_reader import Client, create_session
from testees.python_grpcio.share_writer import writable_table_spec
from testees.python_grpcio.stream_reader import StreamReader


def read_back(address: str, table: str, row_count: int, timeout: float = 10.0) -> RowLedger:
    """A ledger of rows [0, row_count) holding what `table` holds; a stream
    that cannot be read (e.g. a row whose values differ from the generated
    ones) raises AssertionError saying why."""
    spec = writable_table_spec(table)
    if spec is None:
        raise ValueError(f'"{table}" is not a writable table')
    client = Client(address)
    try:
        session = create_session(client.stub, table, 4, timeout)
        ledger = RowLedger(row_count)
        reader = StreamReader(client.stub, spec, session.avro_schema.schema)
        for stream in session.streams:
            account = reader.read(stream.name, ledger)
            if not account.ok():
                raise AssertionError(f"reading {table} back: {account.status_message}")
        return ledger
    finally:
        client.close()
