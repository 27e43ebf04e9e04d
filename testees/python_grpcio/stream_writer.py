"""Writes rows of a catalogue table through ONE COMMITTED write stream: the
COMMITTED path of client/reference_writer.cc in Python.

CreateWriteStream(COMMITTED), then one bidi AppendRows call: every append
carries its offset (row begin + k at offset k) and at most 500 rows, up to
WINDOW appends in flight before the first answer is awaited. A call that
fails, or an in-band UNAVAILABLE, ABORTED or RESOURCE_EXHAUSTED answer, ends
the call; if retry_policy allows, a new call resends everything from the
last acknowledged offset, and ALREADY_EXISTS answering a resent append is
its acknowledgement (applied before, its answer lost). Every wait is bounded
by the call's deadline.
"""

import collections
import dataclasses
import queue
import threading
import time
from typing import Callable, List, Optional

import grpc
from google.cloud.bigquery.storage.v1 import storage_pb2, stream_pb2

from testees.python_grpcio import catalogue as cat
from testees.python_grpcio import retry_policy
from testees.python_grpcio.proto_rows import ProtoRowEncoder
from testees.python_grpcio.row_generator import RowGenerator
from testees.python_grpcio.stream_reader import library_error

ROWS_PER_APPEND = 500  # the contract's bound
WINDOW = 4  # appends in flight, as the C++ writer's max_in_flight

# In-band answers that end the call as a failure the retry policy judges; the
# appends behind the refused one would only be refused as out of range.
_TRANSIENT = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.ABORTED, grpc.StatusCode.RESOURCE_EXHAUSTED)
_CODES = {c.value[0]: c for c in grpc.StatusCode}
_STATUS_DETAILS_KEY = "grpc-status-details-bin"


def status_code(number: int) -> grpc.StatusCode:
    return _CODES.get(number, grpc.StatusCode.UNKNOWN)


@dataclasses.dataclass
class WriterOptions:
    create_stream_timeout: float = 5.0  # seconds, CreateWriteStream
    call_timeout: float = 60.0  # seconds, each AppendRows call
    rows_per_append: int = ROWS_PER_APPEND
    window: int = WINDOW
    retry: retry_policy.RetryOptions = dataclasses.field(default_factory=retry_policy.RetryOptions)


@dataclasses.dataclass
class WriteAccount:
    table: str
    stream: str = ""
    rows_requested: int = 0
    rows_acknowledged: int = 0
    bytes: int = 0  # serialized rows acknowledged
    appends: int = 0  # requests sent, resends included
    # Per append answered with success, in answer order: from before its
    # send to its answer read (the wait behind earlier appends included).
    append_latency_ns: List[int] = dataclasses.field(default_factory=list)
    calls: int = 0
    already_existed: int = 0  # resends answered ALREADY_EXISTS
    retries: int = 0
    injected_fault_retries: int = 0  # of `retries`: after a fault the fake injected
    first_retried_code: grpc.StatusCode = grpc.StatusCode.OK  # injected ones apart
    first_retried_message: str = ""
    status_code: grpc.StatusCode = grpc.StatusCode.OK  # the first error no retry recovered from
    status_message: str = ""

    def ok(self) -> bool:
        return self.status_code == grpc.StatusCode.OK


class AppendCall:
    """One AppendRows call whose requests are sent as they are given: its
    request iterator takes them from a queue (grpcio consumes it on a thread
    of its own), so the call stays open, idle, between appends."""

    def __init__(self, stub, timeout: float):
        self._requests = queue.SimpleQueue()
        # ValueError if the channel cannot start calls (closed at a fork).
        self._call = stub.AppendRows(self._request_iterator(), timeout=timeout)

    def _request_iterator(self):
        while True:
            request = self._requests.get()
            if request is None:
                return  # half-close
            yield request

    def send(self, request) -> None:
        self._requests.put(request)

    def next_answer(self):
        """The next answer, or None once the call ended without one; a
        failed call raises grpc.RpcError. Bounded by the call's deadline."""
        return next(self._call, None)

    def finish(self, timeout: float = None):
        """Half-closes and reads what is left until the server ends the call:
        (code, message) of its status. `timeout`: the call is cancelled if
        it has not ended within that many seconds (CANCELLED)."""
        self._requests.put(None)
        timer = None
        if timeout is not None:
            timer = threading.Timer(timeout, self._call.cancel)
            timer.daemon = True
            timer.start()
        try:
            for _ in self._call:
                pass
            return grpc.StatusCode.OK, ""
        except grpc.RpcError as e:
            return e.code(), e.details() or ""
        finally:
            if timer is not None:
                timer.cancel()

    def cancel(self) -> None:
        self._requests.put(None)  # releases the consuming thread
        self._call.cancel()


class AppendBuilder:
    """The requests appending rows [begin, end) of a table, from any offset
    (`offsets`: each carries it; not on `_default`, which takes none)."""

    def __init__(self, spec: cat.TableSpec, begin: int, end: int, rows_per_append: int = ROWS_PER_APPEND,
                 offsets: bool = True):
        self._generator = RowGenerator(spec)
        self._encoder = ProtoRowEncoder(spec)
        self._columns = range(len(spec.columns))
        self._begin = begin
        self.total = end - begin
        self._rows_per_append = rows_per_append
        self._offsets = offsets

    def build(self, offset: int, first_of_call: bool, stream: str):
        """(request, rows, bytes) of the append at `offset`."""
        request = storage_pb2.AppendRowsRequest()
        if self._offsets:
            request.offset.value = offset
        if first_of_call:
            request.write_stream = stream
            request.proto_rows.writer_schema.proto_descriptor.CopyFrom(self._encoder.descriptor)
        end = min(self.total, offset + self._rows_per_append)
        rows = [self._encoder.encode(self._generator.row(self._begin + k, self._columns)) for k in range(offset, end)]
        request.proto_rows.rows.serialized_rows.extend(rows)
        return request, len(rows), sum(len(r) for r in rows)


class _CallEnded(Exception):
    """This call cannot go on: `fatal` ends the write, else a retry may."""

    def __init__(self, code, message, trailers=None, fatal=False):
        super().__init__(message)
        self.code, self.message, self.trailers, self.fatal = code, message, trailers, fatal


def create_committed_stream(stub, table: str, timeout: float) -> str:
    """The name of a new COMMITTED stream of `table`; failures raise _CallEnded."""
    request = storage_pb2.CreateWriteStreamRequest(
        parent=table, write_stream=stream_pb2.WriteStream(type=stream_pb2.WriteStream.COMMITTED)
    )
    try:
        return stub.CreateWriteStream(request, timeout=timeout).name
    except grpc.RpcError as e:
        raise _CallEnded(e.code(), f"CreateWriteStream on {table}: {e.details() or ''}", fatal=True) from None
    except ValueError as e:  # e.g. "Channel closed due to fork"
        raise _CallEnded(grpc.StatusCode.UNKNOWN, f"CreateWriteStream on {table}: {library_error(e)}",
                         fatal=True) from None


def check_committed_stream(stub, table: str, timeout: float):
    """(code number, message) of creating a COMMITTED stream of `table`: the
    parent's check of its client in a write trial."""
    try:
        create_committed_stream(stub, table, timeout)
        return 0, ""
    except _CallEnded as e:
        return e.code.value[0], e.message


class StreamWriter:
    """One per thread; threads may share the stub."""

    def __init__(self, stub, options: WriterOptions = None):
        self._stub = stub
        self._options = options or WriterOptions()

    def write(self, table: str, spec: cat.TableSpec, begin: int, end: int,
              on_first_acknowledged: Optional[Callable[[], None]] = None) -> WriteAccount:
        """Rows [begin, end) of `spec` to `table` through a COMMITTED stream
        it creates. `on_first_acknowledged` is called once, when the first
        append is acknowledged."""
        account = WriteAccount(table=table, rows_requested=end - begin)
        try:
            account.stream = create_committed_stream(self._stub, table, self._options.create_stream_timeout)
        except _CallEnded as e:
            account.status_code, account.status_message = e.code, e.message
            return account
        builder = AppendBuilder(spec, begin, end, self._options.rows_per_append)
        policy = retry_policy.RetryPolicy(self._options.retry)
        sent_before_call = 0  # the highest offset end earlier calls sent
        notify = on_first_acknowledged
        while account.rows_acknowledged < builder.total:
            call_start = account.rows_acknowledged
            account.calls += 1
            next_offset = account.rows_acknowledged
            call = None
            try:
                try:
                    call = AppendCall(self._stub, self._options.call_timeout)
                except ValueError as e:
                    raise _CallEnded(grpc.StatusCode.UNKNOWN, library_error(e)) from None
                in_flight = collections.deque()
                first_of_call = True
                while account.rows_acknowledged < builder.total:
                    while len(in_flight) < self._options.window and next_offset < builder.total:
                        request, rows, size = builder.build(next_offset, first_of_call, account.stream)
                        first_of_call = False
                        sent_ns = time.monotonic_ns()
                        call.send(request)
                        account.appends += 1
                        in_flight.append((next_offset, rows, size, sent_ns))
                        next_offset += rows
                    answer = self._answer(call, in_flight.popleft(), sent_before_call, account)
                    if answer and notify is not None:
                        notify()
                        notify = None
            except _CallEnded as e:
                if call is not None:
                    call.cancel()
                if e.fatal:
                    account.status_code, account.status_message = e.code, e.message
                    break
                failure = e
            else:
                call.finish()  # every row acknowledged: how the call ends changes nothing
                break
            finally:
                sent_before_call = max(sent_before_call, next_offset)
            decision = policy.on_append_failed(
                failure.code, failure.message, failure.trailers, account.rows_acknowledged > call_start
            )
            if not decision.retry:
                account.status_code = failure.code
                account.status_message = (
                    f"AppendRows on {account.stream} at offset {account.rows_acknowledged}: {decision.reason}"
                )
                break
            if retry_policy.is_injected_fault(failure.message):
                account.injected_fault_retries += 1
            elif account.first_retried_code == grpc.StatusCode.OK:
                account.first_retried_code, account.first_retried_message = failure.code, failure.message
            time.sleep(decision.delay)
        account.retries = policy.total()
        return account

    @staticmethod
    def _answer(call: AppendCall, append, sent_before_call: int, account: WriteAccount) -> bool:
        """Reads the answer to `append` (offset, rows, bytes, when it was
        sent): True if it acknowledged the rows, else raises _CallEnded."""
        offset, rows, size, sent_ns = append
        try:
            response = call.next_answer()
        except grpc.RpcError as e:
            raise _CallEnded(e.code(), e.details() or "", e.trailing_metadata()) from None
        except ValueError as e:
            raise _CallEnded(grpc.StatusCode.UNKNOWN, library_error(e)) from None
        if response is None:
            raise _CallEnded(grpc.StatusCode.UNKNOWN, f"AppendRows ended with rows from offset {offset} unacknowledged")
        where = f"append at offset {offset}"
        if response.row_errors:
            first = response.row_errors[0]
            raise _CallEnded(
                grpc.StatusCode.INVALID_ARGUMENT,
                f"{where}: {len(response.row_errors)} row errors, the first row {first.index}: {first.message}",
                fatal=True,
            )
        if response.HasField("error"):
            code = status_code(response.error.code)
            if code == grpc.StatusCode.ALREADY_EXISTS and offset < sent_before_call:
                account.already_existed += 1
            elif code in _TRANSIENT:
                # The status as a call's trailers would carry it, for RetryInfo.
                trailers = ((_STATUS_DETAILS_KEY, response.error.SerializeToString()),)
                raise _CallEnded(code, f"{where}: {response.error.message}", trailers)
            else:
                raise _CallEnded(code, f"{where}: {response.error.message}", fatal=True)
        elif response.append_result.HasField("offset") and response.append_result.offset.value != offset:
            raise _CallEnded(
                grpc.StatusCode.INTERNAL,
                f"the server acknowledged offset {response.append_result.offset.value} for the {where}",
                fatal=True,
            )
        account.rows_acknowledged = offset + rows
        account.bytes += size
        account.append_latency_ns.append(time.monotonic_ns() - sent_ns)
        return True
