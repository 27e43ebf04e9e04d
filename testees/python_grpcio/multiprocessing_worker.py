"""The body of a `multiprocessing` worker process (a module of its own so
that spawn and forkserver children import it by name)."""

import os

import grpc
from forkcheck import worker_pb2
from google.cloud.bigquery.storage.v1 import stream_pb2

from testees.python_grpcio import diagnostics, share_reader
from testees.python_grpcio.reporting import WorkerReporter

# The parent's client, for worker_client=inherited (start_method=fork only):
# set in the parent before it forks, so every child finds it here.
inherited_client = None


def decode_session_reply(payload: bytes):
    """A session the parent sent (after_pool): a status-code byte, then the
    serialized ReadSession (code 0) or the error message."""
    if not payload:
        raise share_reader.SessionError(grpc.StatusCode.INTERNAL, "empty session reply from the parent")
    code = payload[0]
    if code != 0:
        codes = {c.value[0]: c for c in grpc.StatusCode}
        raise share_reader.SessionError(
            codes.get(code, grpc.StatusCode.UNKNOWN), payload[1:].decode("utf-8", errors="replace")
        )
    return stream_pb2.ReadSession.FromString(payload[1:])


def encode_session_reply(session=None, error: share_reader.SessionError = None) -> bytes:
    if error is not None:
        return bytes([share_reader.status_code_number(error.code)]) + error.message.encode("utf-8")
    return b"\x00" + session.SerializeToString()


def worker_main(index, report_conn, stderr_conn, session_bytes, session_conn, settings, worker_client, close_fds,
                parent_pid):
    """Worker `index`: dies with `parent_pid` (the trial's parent, or the
    fork server), reports on report_conn's fd and makes stderr_conn's fd (if
    any: FORKCHECK_WORKER_STDERR_FDS) its fd 2. `close_fds` (fork only): the
    other processes' pipes it inherited, closed first so that the supervisor
    sees each pipe's EOF when its owner exits."""
    diagnostics.die_with_parent(parent_pid)
    for fd in close_fds:
        try:
            os.close(fd)
        except OSError:
            pass
    if stderr_conn is not None:
        diagnostics.adopt_stderr(stderr_conn.fileno())
        stderr_conn.close()
        # The listed numbers are the parent's: nothing in this process may take them.
        os.environ.pop("FORKCHECK_WORKER_STDERR_FDS", None)
    # Already on for fork and forkserver children (inherited) and spawn ones
    # (testee_main on import); again, so that no start method depends on that.
    diagnostics.install_stack_dumps()
    reporter = WorkerReporter(report_conn.fileno())
    reporter.phase(worker_pb2.PHASE_STARTED)
    if settings.workload == "write":  # no session: the worker writes its share
        # Only writers import the writer: a spawn or forkserver worker
        # imports all it needs after it starts, each on its own.
        from testees.python_grpcio import share_writer

        _with_client(settings, worker_client, lambda client: share_writer.write_share(
            client, index, settings, reporter))
        return
    try:
        if session_bytes is not None:
            session = stream_pb2.ReadSession.FromString(session_bytes)
        else:
            wait = settings.create_session_timeout + settings.connect_timeout + 5
            if not session_conn.poll(wait):
                raise share_reader.SessionError(
                    grpc.StatusCode.DEADLINE_EXCEEDED, f"the parent sent no session within {wait:g}s"
                )
            session = decode_session_reply(session_conn.recv_bytes())
            session_conn.close()
    except (share_reader.SessionError, EOFError, OSError) as e:
        result = worker_pb2.WorkerResult()
        if isinstance(e, share_reader.SessionError):
            result.status_code, result.status_message = share_reader.status_code_number(e.code), e.message
        else:
            result.status_code = share_reader.status_code_number(grpc.StatusCode.INTERNAL)
            result.status_message = f"receiving the session from the parent: {e!r}"
        reporter.result(result)
        return
    _with_client(settings, worker_client, lambda client: share_reader.read_share(
        client, session, index, settings, reporter))


def _with_client(settings, worker_client, work):
    """work(client) with the inherited client or one of the worker's own."""
    if worker_client == "inherited":
        work(inherited_client)
        return
    client = share_reader.Client(settings.target)
    try:
        work(client)
    finally:
        client.close()
