"""The parent's own writes in a write trial: what the parent does with its
client where a read trial's parent creates the session, and its check of the
client afterwards (testee.proto, TrialRequest.parent_write_table).

They go to parent_write_table's `_default` stream, never to the trial's
table, so the table read back holds only the workers' rows. The call is
left open after its append is answered (idle at a fork, as a long-lived
writer's connection is) until the parent finishes it after the workers.
"""

import sys

import grpc

from testees.python_grpcio import share_reader
from testees.python_grpcio.share_writer import writable_table_spec
from testees.python_grpcio.stream_reader import library_error
from testees.python_grpcio.stream_writer import AppendBuilder, AppendCall, check_committed_stream, status_code

# Rows [0, PARENT_ROWS) of parent_write_table's catalogue table: one append.
PARENT_ROWS = 10


class OpenAppend:
    """An AppendRows call on parent_write_table's `_default` stream whose one
    append was acknowledged, left open until finish()."""

    def __init__(self, client: share_reader.Client, settings: share_reader.TrialSettings):
        """Raises share_reader.SessionError (a setup failure, as a failed
        CreateReadSession of a read trial) if the append is not acknowledged."""
        table = settings.parent_write_table
        request, _, _ = AppendBuilder(writable_table_spec(table), 0, PARENT_ROWS, offsets=False).build(
            0, True, table + "/streams/_default"
        )
        # finish() has the parent's check's deadline, as the C++ parent's
        # (a stalled call is then the check's error, not a trial hang).
        self._finish_timeout = settings.parent_check_timeout
        try:
            # Open until the parent finishes it after the workers; the
            # watchdog bounds the trial, so it bounds the call too.
            self._call = AppendCall(client.write_stub, settings.watchdog)
        except ValueError as e:
            raise share_reader.SessionError(grpc.StatusCode.UNKNOWN, library_error(e)) from None
        self._call.send(request)
        try:
            answer = self._call.next_answer()
        except grpc.RpcError as e:
            raise share_reader.SessionError(e.code(), f"the parent's AppendRows on {table}: {e.details()}") from None
        problem = None
        if answer is None:
            problem = grpc.StatusCode.UNKNOWN, "the call ended without an answer"
        elif answer.HasField("error"):
            problem = status_code(answer.error.code), answer.error.message
        elif answer.row_errors:
            first = answer.row_errors[0]
            problem = grpc.StatusCode.INVALID_ARGUMENT, f"row {first.index}: {first.message}"
        if problem is not None:
            self._call.cancel()
            raise share_reader.SessionError(problem[0], f"the parent's append to {table}: {problem[1]}")

    def finish(self) -> None:
        """Half-closes the call and waits for its end, at most the parent's
        check's deadline (then cancels it)."""
        code, message = self._call.finish(self._finish_timeout)
        if code != grpc.StatusCode.OK:
            print(f"python_grpcio_testee: finishing the parent's AppendRows call: {code} {message}", file=sys.stderr)


def write_and_finish(client: share_reader.Client, settings: share_reader.TrialSettings) -> None:
    """The parent's append through a call it finishes at once (so that its
    channel may go idle)."""
    OpenAppend(client, settings).finish()


def parent_check(client: share_reader.Client, settings: share_reader.TrialSettings):
    """(code, message) of CreateWriteStream(COMMITTED) of parent_write_table
    on the parent's own client, within parent_check_timeout."""
    return check_committed_stream(client.write_stub, settings.parent_write_table, settings.parent_check_timeout)
