"""What every worker does once it has a channel (runtime/share_reader.cc in
Python): reads its round-robin share of the session's streams, reports its
phases as it goes, and reports a WorkerResult at the end. Also the client
calls the models share: channels, CreateReadSession and the parent's check.
"""

import dataclasses
import resource
import threading
import time
from typing import List

import grpc
from forkcheck import worker_pb2
from google.cloud.bigquery.storage.v1 import storage_pb2, storage_pb2_grpc, stream_pb2

from testees.python_grpcio import catalogue as cat
from testees.python_grpcio.reporting import FORMAT_VERSION, WorkerReporter, usage, write_frame
from testees.python_grpcio.row_ledger import RowLedger
from testees.python_grpcio.stream_reader import StreamReader, library_error


@dataclasses.dataclass(frozen=True)
class TrialSettings:
    """A TrialRequest's settings, in seconds; picklable for spawned workers."""

    target: str
    table: str
    workers: int
    max_streams: int
    connect_timeout: float = 5.0
    create_session_timeout: float = 5.0
    parent_check_timeout: float = 2.0
    worker_patience: float = 1.0
    watchdog: float = 60.0
    session_calls: int = 0
    # The write workload (TrialRequest.workload "write"): `table` is then the
    # trial's writable table, and the parent writes to parent_write_table.
    workload: str = "read"
    write_rows: int = 0
    parent_write_table: str = ""


# How long Client.close waits for gRPC's threads to end.
CLOSE_WAIT_SECONDS = 0.5


class Client:
    """A channel and its BigQueryRead and BigQueryWrite stubs: what a Python
    application holds (a stub makes no call until used)."""

    def __init__(self, target: str, options=()):
        # gRPC starts its own threads (a channel's spin thread) after this.
        self._threads_before = set(threading.enumerate())
        self.channel = grpc.insecure_channel(target, options=list(options))
        self.stub = storage_pb2_grpc.BigQueryReadStub(self.channel)
        self.write_stub = storage_pb2_grpc.BigQueryWriteStub(self.channel)

    def close(self, wait: float = CLOSE_WAIT_SECONDS) -> None:
        """Closes the channel, then waits at most `wait` seconds for the
        daemon threads started since the client was made (gRPC's) to end.
        A spin thread that raised as the channel closed printed its traceback
        while the interpreter finalised, and CPython aborted the process
        ("Fatal Python error: _enter_buffered_busy"): a trial whose every
        row was read counted as a crash (threads, 2 of 71 trials in the
        conformance test beside a build, 2026-12-08)."""
        self.channel.close()
        deadline = time.monotonic() + wait
        for thread in threading.enumerate():
            if (
                thread in self._threads_before
                or not thread.daemon
                or thread is threading.current_thread()
                # A C thread that ran Python: join() asserts on it.
                or isinstance(thread, threading._DummyThread)
            ):
                continue
            thread.join(max(0.0, deadline - time.monotonic()))


def status_code_number(code: grpc.StatusCode) -> int:
    return code.value[0]


def _parent_of(table: str) -> str:
    if not table.startswith("projects/"):
        return ""
    slash = table.find("/", len("projects/"))
    return table[:slash] if slash > len("projects/") else ""


class SessionError(Exception):
    def __init__(self, code: grpc.StatusCode, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def create_session(stub, table: str, max_stream_count: int, timeout: float) -> stream_pb2.ReadSession:
    """An AVRO read session of `table` under parent projects/P, as the C++
    ReferenceReader::CreateSession asks for it; errors raise SessionError."""
    parent = _parent_of(table)
    if not parent:
        raise SessionError(
            grpc.StatusCode.INVALID_ARGUMENT,
            f'table "{table}": expected projects/{{project}}/datasets/{{dataset}}/tables/{{table}}',
        )
    request = storage_pb2.CreateReadSessionRequest(
        parent=parent, max_stream_count=max_stream_count, preferred_min_stream_count=0
    )
    request.read_session.table = table
    request.read_session.data_format = stream_pb2.DataFormat.AVRO
    try:
        return stub.CreateReadSession(request, timeout=timeout)
    except grpc.RpcError as e:
        raise SessionError(e.code(), e.details() or "") from None
    except ValueError as e:  # e.g. "Channel closed due to fork"
        raise SessionError(grpc.StatusCode.UNKNOWN, library_error(e)) from None


def parent_check(client: Client, settings: TrialSettings):
    """(code, message) of a one-stream session on the parent's own client."""
    try:
        create_session(client.stub, settings.table, 1, settings.parent_check_timeout)
        return 0, ""
    except SessionError as e:
        return status_code_number(e.code), e.message


def stream_share(session, index: int, workers: int) -> List[str]:
    if workers < 1:
        return []
    return [session.streams[i].name for i in range(index, len(session.streams), workers)]


def set_status(result, code: grpc.StatusCode, message: str) -> None:
    result.status_code = status_code_number(code)
    result.status_message = message


def send_result(result, reporter: WorkerReporter, rusage_who: int):
    usage(rusage_who, result.usage)
    reporter.result(result)
    return result


def mark_done(reporter: WorkerReporter, result) -> None:
    reporter.phase(worker_pb2.PHASE_DONE)
    result.done_micros = reporter.elapsed_micros()
    result.monotonic_start_micros = reporter.start_monotonic_micros()


def fail_share(result, reporter: WorkerReporter, rusage_who: int, code: grpc.StatusCode, message: str):
    """Ends a worker's share before its work: DONE, and the result with this status."""
    set_status(result, code, message)
    mark_done(reporter, result)
    return send_result(result, reporter, rusage_who)


def connect_share(client: Client, settings: TrialSettings, reporter: WorkerReporter, result, rusage_who: int) -> bool:
    """The steps every worker (reader or writer) takes once it has `client`:
    CLIENT_CREATED, then CONNECTED once the channel is READY. False when it
    did not connect: the result then went out with the reason."""
    reporter.phase(worker_pb2.PHASE_CLIENT_CREATED)
    result.client_created_micros = reporter.elapsed_micros()
    not_connected = wait_connected(client.channel, settings.connect_timeout)
    if not_connected is not None:
        fail_share(result, reporter, rusage_who, grpc.StatusCode.UNAVAILABLE, not_connected)
        return False
    reporter.phase(worker_pb2.PHASE_CONNECTED)
    result.connected_micros = reporter.elapsed_micros()
    return True


def _time_session_calls(client: Client, session, settings: TrialSettings, result) -> None:
    streams = max(1, len(session.streams))
    for i in range(settings.session_calls):
        start = time.monotonic_ns()
        try:
            create_session(client.stub, session.table, streams, settings.create_session_timeout)
        except SessionError as e:
            set_status(
                result,
                e.code,
                f"CreateReadSession call {i + 1} of {settings.session_calls} after the read: {e.message}",
            )
            return
        result.create_session_latency_ns.append(time.monotonic_ns() - start)


def wait_connected(channel, timeout: float):
    """None once the channel is READY, else why not."""
    future = grpc.channel_ready_future(channel)
    try:
        future.result(timeout=timeout)
        return None
    except grpc.FutureTimeoutError:
        future.cancel()
    reason = f"the channel did not connect within {timeout:g}s"
    # grpcio's connectivity thread dies silently (a traceback on stderr) on a
    # channel it closed at a fork; its own check says so.
    try:
        channel._channel.check_connectivity_state(False)
    except ValueError as e:
        reason += f" ({library_error(e)})"
    except Exception:  # a private API: nothing more to learn from it
        pass
    return reason


def read_share(client: Client, session, index: int, settings: TrialSettings, reporter: WorkerReporter,
               rusage_who: int = resource.RUSAGE_SELF):
    """In a worker that has sent PHASE_STARTED and now has `client`: sends
    CLIENT_CREATED, waits for the channel to connect (CONNECTED), reads its
    share stream by stream (FIRST_ROW after the first stream that returned
    rows; the result's first_row_micros is when that row arrived; a stream
    that fails ends the read), sends DONE, makes settings.session_calls timed
    CreateReadSession calls if the read succeeded, and sends the result."""
    result = worker_pb2.WorkerResult()
    if not connect_share(client, settings, reporter, result, rusage_who):
        return result

    table = cat.default_catalogue().find(session.table)
    if table is None:
        return fail_share(
            result, reporter, rusage_who, grpc.StatusCode.NOT_FOUND,
            f'session table "{session.table}" is not in the catalogue: its rows cannot be verified',
        )

    ledger = RowLedger(table.row_count)
    reader = StreamReader(client.stub, table, session.avro_schema.schema)
    for name in stream_share(session, index, settings.workers):
        read_started = reporter.elapsed_micros()
        started_at = time.monotonic()
        account = reader.read(name, ledger)
        result.corrupted_rows += account.corrupted_rows
        result.corrupt_responses += account.corrupt_responses
        result.bytes += account.bytes
        result.retries += account.retries
        result.injected_fault_retries += account.injected_fault_retries
        # Streams are read one after another: the first with one has the
        # worker's first.
        if result.first_retried_status_code == 0 and account.first_retried_code != grpc.StatusCode.OK:
            result.first_retried_status_code = status_code_number(account.first_retried_code)
            result.first_retried_status_message = account.first_retried_message
        result.streams.add(
            stream=account.stream,
            rows=account.rows,
            status_code=status_code_number(account.status_code),
            status_message=account.status_message,
            retries=account.retries,
            last_corruption=account.last_corruption,
        )
        if result.first_row_micros == 0 and account.rows > 0:
            reporter.phase(worker_pb2.PHASE_FIRST_ROW)
            # When the row arrived, not when its stream ended.
            result.first_row_micros = read_started + int((account.first_row_at - started_at) * 1e6)
        if not account.ok():
            set_status(result, account.status_code, account.status_message)
            break
    result.rows_received = ledger.recorded
    result.duplicate_rows = ledger.duplicates
    result.out_of_range_rows = ledger.out_of_range
    for begin, end in ledger.seen_ranges():
        result.seen.add(begin=begin, end=end)
    mark_done(reporter, result)
    if settings.session_calls > 0 and result.status_code == 0:
        _time_session_calls(client, session, settings, result)
    return send_result(result, reporter, rusage_who)


def report_setup_failure(worker_fds: List[int], code: grpc.StatusCode, message: str) -> int:
    """When the trial cannot start its workers: `message` as every worker's
    result, sent from the parent (which still holds their pipes). Returns the
    testee's exit code for this case, 1."""
    result = worker_pb2.WorkerResult()
    set_status(result, code, message)
    message_ = worker_pb2.WorkerMessage(format_version=FORMAT_VERSION, result=result)
    for fd in worker_fds:
        write_frame(fd, message_)
    return 1
