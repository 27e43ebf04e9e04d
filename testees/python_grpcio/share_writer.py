"""What a writing worker does once it has a channel (the write counterpart of
share_reader.read_share): writes its share of the trial's rows through a
COMMITTED stream of its own (stream_writer.py), reports its phases as a
reader does, and reports a WorkerResult at the end."""

import re
import resource
from typing import Optional, Tuple

import grpc
from forkcheck import worker_pb2

from testees.python_grpcio import catalogue as cat
from testees.python_grpcio import share_reader
from testees.python_grpcio.reporting import WorkerReporter
from testees.python_grpcio.stream_writer import StreamWriter, WriterOptions

# fakes/README.md, "Writable tables": {t} names a catalogue table.
_WRITABLE_TABLE = re.compile(r"projects/[^/]+/datasets/writable/tables/([^/]+)")


def writable_table_spec(name: str) -> Optional[cat.TableSpec]:
    """The catalogue table whose rows `name`
    (projects/{p}/datasets/writable/tables/{t}) takes, or None if `name` is
    not such a table."""
    match = _WRITABLE_TABLE.fullmatch(name)
    return cat.default_catalogue().resolve(match.group(1)) if match else None


def share_rows(index: int, workers: int, rows: int) -> Tuple[int, int]:
    """Worker `index`'s rows of `rows`: [i * N / W, (i + 1) * N / W)."""
    return index * rows // workers, (index + 1) * rows // workers


def writer_options(settings: share_reader.TrialSettings) -> WriterOptions:
    # CreateWriteStream is bounded as a reader's CreateReadSession; an
    # AppendRows call cannot outlive the trial.
    return WriterOptions(create_stream_timeout=settings.create_session_timeout, call_timeout=settings.watchdog)


def write_share(client: share_reader.Client, index: int, settings: share_reader.TrialSettings,
                reporter: WorkerReporter, rusage_who: int = resource.RUSAGE_SELF):
    """In a worker that has sent PHASE_STARTED and now has `client`: sends
    CLIENT_CREATED and CONNECTED (share_reader.connect_share), writes its
    share of settings.write_rows to settings.table (FIRST_ROW when its first
    append is acknowledged), sends DONE and the result."""
    result = worker_pb2.WorkerResult()
    if not share_reader.connect_share(client, settings, reporter, result, rusage_who):
        return result
    spec = writable_table_spec(settings.table)
    if spec is None:  # testee_main refuses such requests: a bug if seen
        return share_reader.fail_share(
            result, reporter, rusage_who, grpc.StatusCode.INVALID_ARGUMENT,
            f'table "{settings.table}" is not a writable table of a catalogue table',
        )

    def first_acknowledged():
        reporter.phase(worker_pb2.PHASE_FIRST_ROW)
        result.first_row_micros = reporter.elapsed_micros()

    begin, end = share_rows(index, settings.workers, settings.write_rows)
    account = StreamWriter(client.write_stub, writer_options(settings)).write(
        settings.table, spec, begin, end, first_acknowledged
    )
    result.rows_received = account.rows_acknowledged
    if account.rows_acknowledged > 0:
        # Acknowledged appends are a prefix of the share: offsets are in order.
        result.seen.add(begin=begin, end=begin + account.rows_acknowledged)
    result.bytes = account.bytes
    # For the write benchmarks (worker.proto): what the C++ writers report.
    result.appends = account.appends
    result.append_latency_ns.extend(account.append_latency_ns)
    result.retries = account.retries
    result.injected_fault_retries = account.injected_fault_retries
    if account.first_retried_code != grpc.StatusCode.OK:
        result.first_retried_status_code = share_reader.status_code_number(account.first_retried_code)
        result.first_retried_status_message = account.first_retried_message
    result.streams.add(
        stream=account.stream,
        rows=account.rows_acknowledged,
        status_code=share_reader.status_code_number(account.status_code),
        status_message=account.status_message,
        retries=account.retries,
    )
    if not account.ok():
        share_reader.set_status(result, account.status_code, account.status_message)
    share_reader.mark_done(reporter, result)
    return share_reader.send_result(result, reporter, rusage_who)
