"""Reads ONE read stream to its end: a port of client/stream_reader.cc.

Calls ReadRows, resumes from the next unread offset after a resumable failure
(retry_policy.py), decodes every response's Avro rows (avro_rows.py),
verifies each row against the generator by its row_id, and records verified
rows in a RowLedger. A response that fails to decode or verify is corrupt:
counted, and fetched again from its first row's offset.
"""

import dataclasses
import time
from typing import List, Optional

import grpc
from google.cloud.bigquery.storage.v1 import storage_pb2

from testees.python_grpcio import catalogue as cat
from testees.python_grpcio import retry_policy
from testees.python_grpcio import row_generator
from testees.python_grpcio.avro_rows import AvroDecodeError, AvroRowsDecoder
from testees.python_grpcio.row_ledger import RowLedger

# grpc::StatusCode values, for errors that are not a call's.
FAILED_PRECONDITION = grpc.StatusCode.FAILED_PRECONDITION
DATA_LOSS = grpc.StatusCode.DATA_LOSS


@dataclasses.dataclass
class StreamReaderOptions:
    call_timeout: float = 60.0  # seconds per ReadRows call
    retry: retry_policy.RetryOptions = dataclasses.field(default_factory=retry_policy.RetryOptions)


@dataclasses.dataclass
class StreamAccount:
    stream: str
    rows: int = 0
    offset: int = 0
    bytes: int = 0
    responses: int = 0
    calls: int = 0
    corrupt_responses: int = 0
    corrupted_rows: int = 0
    retries: int = 0
    # Of `retries`: those after a failure the fake injected on purpose
    # (retry_policy.is_injected_fault); the others are retries the read needed.
    injected_fault_retries: int = 0
    # The first failure a retry recovered from, injected ones apart (OK: none).
    first_retried_code: grpc.StatusCode = grpc.StatusCode.OK
    first_retried_message: str = ""
    backoff_time: float = 0.0
    status_code: grpc.StatusCode = grpc.StatusCode.OK
    status_message: str = ""
    last_corruption: str = ""
    started_at: float = 0.0  # time.monotonic()
    first_row_at: Optional[float] = None
    finished_at: float = 0.0

    def ok(self) -> bool:
        return self.status_code == grpc.StatusCode.OK


class _Failure(Exception):
    def __init__(self, code: grpc.StatusCode, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class _Verifier:
    """Decodes one response's rows with the current schema's decoder and
    compares every row with what the generator says its row_id holds."""

    def __init__(self, table: cat.TableSpec):
        self._generator = row_generator.RowGenerator(table)
        self._table = table
        self._schema = None
        self._decoder = None
        self._columns: List[int] = []
        self._row_id_field = -1

    def use_schema(self, schema: str) -> None:
        if self._decoder is not None and schema == self._schema:
            return
        self._decoder = None
        if not schema:
            raise _Failure(
                FAILED_PRECONDITION,
                "no Avro schema: neither the call's first response nor the read session carried one",
            )
        try:
            decoder = AvroRowsDecoder(schema)
        except AvroDecodeError as e:
            raise _Failure(FAILED_PRECONDITION, f"Avro schema: {e}") from None
        table = self._table
        columns = []
        row_id_field = -1
        for i, field in enumerate(decoder.columns):
            column = table.column_index(field.name)
            if column < 0:
                raise _Failure(
                    FAILED_PRECONDITION, f'Avro schema field "{field.name}" is not a column of table {table.name}'
                )
            if column in columns:
                raise _Failure(FAILED_PRECONDITION, f'Avro schema field "{field.name}" appears twice')
            if field.type != table.columns[column].type:
                raise _Failure(
                    FAILED_PRECONDITION,
                    f'Avro schema field "{field.name}" has type {field.type} but the table column is '
                    f"{table.columns[column].type}",
                )
            if column == 0:
                row_id_field = i
            columns.append(column)
        if row_id_field < 0:
            raise _Failure(
                FAILED_PRECONDITION,
                f'Avro schema has no "{cat.ROW_ID_COLUMN}" field: rows cannot be verified without their identity',
            )
        self._decoder, self._schema, self._columns, self._row_id_field = decoder, schema, columns, row_id_field

    def verify(self, data: bytes, row_count: int) -> List[int]:
        """The row ids of `row_count` verified rows; a problem raises
        _Failure(DATA_LOSS) saying what was corrupt."""
        try:
            rows = self._decoder.decode(data, row_count)
        except AvroDecodeError as e:
            raise _Failure(DATA_LOSS, f"Avro decoding failed: {e}") from None
        ids = []
        same = row_generator.same_value
        cell = self._generator.cell
        for row in rows:
            row_id = row[self._row_id_field]
            if row_id is None:
                raise _Failure(DATA_LOSS, f"row {len(ids)}: row_id is null")
            for c, column in enumerate(self._columns):
                if not same(cell(row_id, column), row[c]):
                    raise _Failure(
                        DATA_LOSS,
                        f'row {len(ids)} (row_id {row_id}): column "{self._decoder.field_names[c]}" '
                        "differs from the generated value",
                    )
            ids.append(row_id)
        return ids


def library_error(error: Exception) -> str:
    """What grpcio raised instead of failing a call with a status (e.g.
    ValueError "Cannot invoke RPC: Channel closed due to fork"), reported as
    UNKNOWN with this message."""
    return f"grpcio raised {type(error).__name__}: {error}"


def _row_count(response) -> int:
    rows = response.row_count
    if rows == 0:
        rows = response.avro_rows.row_count  # servers older than the top-level field
    return rows


class StreamReader:
    """One per thread; threads may share the stub."""

    def __init__(self, stub, table: cat.TableSpec, session_avro_schema: str, options: StreamReaderOptions = None):
        self._stub = stub
        self._session_schema = session_avro_schema
        self._options = options or StreamReaderOptions()
        self._verifier = _Verifier(table)

    def read(self, stream_name: str, ledger: RowLedger) -> StreamAccount:
        account = StreamAccount(stream=stream_name, started_at=time.monotonic())
        policy = retry_policy.RetryPolicy(self._options.retry)
        while True:
            call_start_offset = account.offset
            account.calls += 1
            schema = self._session_schema
            corrupt = False
            fatal = None
            code, message, trailers = grpc.StatusCode.OK, "", None
            call = None
            try:
                call = self._stub.ReadRows(
                    storage_pb2.ReadRowsRequest(read_stream=stream_name, offset=account.offset),
                    timeout=self._options.call_timeout,
                )
                responses = iter(call)
            except ValueError as e:  # e.g. "Channel closed due to fork"
                code, message = grpc.StatusCode.UNKNOWN, library_error(e)
            while call is not None:
                try:
                    response = next(responses)
                except StopIteration:
                    break
                except grpc.RpcError as e:
                    code, message, trailers = e.code(), e.details() or "", e.trailing_metadata()
                    break
                except ValueError as e:
                    code, message = grpc.StatusCode.UNKNOWN, library_error(e)
                    break
                account.responses += 1
                data = response.avro_rows.serialized_binary_rows
                account.bytes += len(data)
                if response.HasField("avro_schema"):
                    schema = response.avro_schema.schema
                rows = _row_count(response)
                if rows == 0 and not data:
                    continue  # stats or schema only
                try:
                    self._verifier.use_schema(schema)
                except _Failure as e:
                    fatal = e
                    break
                try:
                    if rows < 0:
                        raise _Failure(DATA_LOSS, f"negative row_count {rows}")
                    ids = self._verifier.verify(data, rows)
                except _Failure as e:
                    account.corrupt_responses += 1
                    account.last_corruption = (
                        f"response at offset {account.offset} ({rows} rows, {len(data)} bytes): {e.message}"
                    )
                    corrupt = True
                    break
                for row_id in ids:
                    ledger.record(row_id)
                account.rows += len(ids)
                account.offset += rows
                if ids and account.first_row_at is None:
                    account.first_row_at = time.monotonic()
            if corrupt or fatal is not None:
                call.cancel()  # abandon the rest of this call

            if fatal is not None:
                account.status_code = fatal.code
                account.status_message = f"stream {stream_name}: {fatal.message}"
                break
            if not corrupt and code == grpc.StatusCode.OK:
                break  # read to its end
            progress = account.offset > call_start_offset
            if corrupt:
                decision = policy.on_corrupt_response(progress)
            else:
                decision = policy.on_call_failed(code, message, trailers, progress)
            if not decision.retry:
                if corrupt:
                    account.status_code = DATA_LOSS
                    account.status_message = (
                        f"stream {stream_name}: corrupt {account.last_corruption}; {decision.reason}"
                    )
                else:
                    account.status_code = code
                    account.status_message = f"stream {stream_name} at offset {account.offset}: {decision.reason}"
                break
            # A corrupt response has no status of its own: what was wrong
            # with it stands for one.
            failure = account.last_corruption if corrupt else message
            if retry_policy.is_injected_fault(failure):
                account.injected_fault_retries += 1
            elif account.first_retried_code == grpc.StatusCode.OK:
                account.first_retried_code = DATA_LOSS if corrupt else code
                account.first_retried_message = failure
            time.sleep(decision.delay)
            account.backoff_time += decision.delay
        account.retries = policy.total()
        account.finished_at = time.monotonic()
        return account
