"""The body of a `multiprocessing` worker process (a module of its own so
that spawn and forkserver children import it by name)."""

import os

import grpc
from forkcheck import worker_pb2
from google.cloud.bigquery.storage.v1 import stream_pb2

from testees.python_grpcio import share_reader
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


def worker_main(index, report_conn, session_bytes, session_conn, settings, worker_client, close_fds):
    """Worker `index`: reports on report_conn's fd. `close_fds` (fork only):
    the other processes' pipes it inherited, closed first so that the
    supervisor sees each pipe's EOF when its owner exits."""
    for fd in close_fds:
        try:
            os.close(fd)
        except OSError:
            pass
    reporter = WorkerReporter(report_conn.fileno())
    reporter.phase(worker_pb2.PHASE_STARTED)
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
    if worker_client == "inherited":
        share_reader.read_share(inherited_client, session, index, settings, reporter)
        return
    client = share_reader.Client(settings.target)
    try:
        share_reader.read_share(client, session, index, settings, reporter)
    finally:
        client.close()
