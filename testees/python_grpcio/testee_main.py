"""The Python grpcio testee: runs one request of the testee protocol
(protos/forkcheck/testee.proto) with Debian's python3-grpcio.

Reads exactly one length-prefixed TesteeRequest from standard input and
answers on the report pipes of FORKCHECK_REPORT_FDS. Exit status: 0 the
request was carried out, 1 the model could not set up (each worker got the
error as its result), 2 the request could not be read or was refused (with a
TrialRefused on the parent's pipe when the pipes could be found).

Stack dumps (diagnostics.py) are installed on import, before anything else:
the trial's parent runs this file as __main__, and multiprocessing's spawn
workers import it as __mp_main__ before they unpickle anything (or import
grpc), so they answer STACK_DUMP_SIGNAL from their start; they also die with
their parent. (The fork server has forkserver_setup.py for that.)
"""

import os
import platform
import select
import struct
import sys
import time

from testees.python_grpcio import diagnostics

diagnostics.install_stack_dumps()
if __name__ == "__mp_main__":
    # A spawn worker, which checks its parent again in worker_main.
    diagnostics.die_with_parent()

MAX_REQUEST_BYTES = 64 << 10
# Standard input is written by the supervisor right after it starts us; a
# request that has not arrived by then never will.
STDIN_TIMEOUT = 30.0


class RequestError(ValueError):
    pass


def _read_exactly(fd: int, size: int, deadline: float, what: str) -> bytes:
    data = b""
    while len(data) < size:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise RequestError(f"standard input: no {what} within {STDIN_TIMEOUT:g}s")
        chunk = os.read(fd, size - len(data))
        if not chunk:
            raise RequestError(f"standard input ended after {len(data)} of the {size} bytes of the {what}")
        data += chunk
    return data


def read_request(fd: int):
    from forkcheck import testee_pb2
    from google.protobuf.message import DecodeError

    deadline = time.monotonic() + STDIN_TIMEOUT
    (size,) = struct.unpack("<I", _read_exactly(fd, 4, deadline, "request length"))
    if size > MAX_REQUEST_BYTES:
        raise RequestError(f"request of {size} bytes exceeds the {MAX_REQUEST_BYTES}-byte limit")
    payload = _read_exactly(fd, size, deadline, "request")
    try:
        request = testee_pb2.TesteeRequest.FromString(payload)
    except DecodeError as e:
        raise RequestError(f"the {size} request bytes are not a TesteeRequest: {e}") from None
    if request.format_version != 1:
        raise RequestError(f"format_version {request.format_version}; this testee speaks 1")
    if request.WhichOneof("kind") is None:
        raise RequestError("the request is neither describe nor trial")
    return request


def describe():
    import avro
    import google.protobuf
    import grpc
    from forkcheck import testee_pb2
    from google.protobuf.internal import api_implementation

    from testees.python_grpcio import models

    # Every model's implementation, as a trial of it would: a testee that
    # could not run one says so now, when the main job can still skip it
    # with the reason (describing is once a run; trials import only their
    # own).
    for name in models.MODELS:
        models.implementation(name)
    description = testee_pb2.TesteeDescription(
        client="python-grpcio",
        language="Python " + platform.python_version(),
        library="grpcio",
        library_version=grpc.__version__,
        # grpcio compiles its gRPC core into grpc._cython.cygrpc from the same
        # source release (Debian's too: it does not use libgrpc.so).
        grpc_core_version=grpc.__version__,
        stack_dump_signal=int(diagnostics.STACK_DUMP_SIGNAL),
    )
    for name, value in (
        ("protobuf", f"{google.protobuf.__version__} ({api_implementation.Type()})"),
        ("avro", getattr(avro, "__version__", "unknown")),
        ("python", platform.python_version()),
        ("python_implementation", platform.python_implementation()),
    ):
        description.versions.add(name=name, value=value)
    models.describe_models(description)
    return description


def _seconds(millis: int, default: float) -> float:
    return millis / 1000.0 if millis > 0 else default


def trial_settings(trial, worker_pipes: int, worker_stderr_pipes: int = 0):
    from forkcheck import testee_pb2

    from testees.python_grpcio.models import Refused
    from testees.python_grpcio.share_reader import TrialSettings

    if trial.workers < 1:
        raise Refused(f"workers: {trial.workers} must be >= 1")
    if trial.workers != worker_pipes:
        raise Refused(f"workers: {trial.workers}, but FORKCHECK_REPORT_FDS lists {worker_pipes} worker pipes")
    if worker_stderr_pipes not in (0, trial.workers):
        raise Refused(f"workers: {trial.workers}, but FORKCHECK_WORKER_STDERR_FDS lists {worker_stderr_pipes} fds")
    if not trial.target or not trial.table:
        raise Refused("target and table must be given")
    if trial.max_streams < 0 or trial.session_calls < 0:
        raise Refused("max_streams and session_calls must be >= 0")
    if trial.workload == "write":
        _check_write_request(trial)
    if trial.stream_assignment not in (
        testee_pb2.STREAM_ASSIGNMENT_UNSPECIFIED,
        testee_pb2.STREAM_ASSIGNMENT_ROUND_ROBIN,
    ):
        raise Refused(f"stream_assignment {trial.stream_assignment}: only ROUND_ROBIN is supported")
    return TrialSettings(
        target=trial.target,
        table=trial.table,
        workers=trial.workers,
        max_streams=trial.max_streams,
        connect_timeout=_seconds(trial.connect_timeout_ms, 5.0),
        create_session_timeout=_seconds(trial.create_session_timeout_ms, 5.0),
        parent_check_timeout=_seconds(trial.parent_check_timeout_ms, 2.0),
        worker_patience=_seconds(trial.worker_patience_ms, 1.0),
        watchdog=_seconds(trial.watchdog_ms, 60.0),
        session_calls=trial.session_calls,
        workload=trial.workload or "read",
        write_rows=trial.write_rows,
        parent_write_table=trial.parent_write_table,
    )


def _check_write_request(trial) -> None:
    from testees.python_grpcio.models import Refused
    from testees.python_grpcio.share_writer import writable_table_spec

    form = "projects/{project}/datasets/writable/tables/{catalogue table}"
    if writable_table_spec(trial.table) is None:
        raise Refused(f'workload write: table "{trial.table}" is not a writable table ({form})')
    if trial.write_rows < 0:
        raise Refused(f"workload write: write_rows {trial.write_rows} must be >= 0")
    if not trial.parent_write_table:
        raise Refused("workload write: no parent_write_table for the parent's own writes")
    if writable_table_spec(trial.parent_write_table) is None:
        raise Refused(
            f'workload write: parent_write_table "{trial.parent_write_table}" is not a writable table ({form})')
    if trial.parent_write_table == trial.table:
        raise Refused("workload write: parent_write_table must not be the trial's table, which holds only the "
                      "workers' rows")


def _varint(value: int) -> bytes:
    out = b""
    while True:
        byte, value = value & 0x7F, value >> 7
        out += bytes([byte | (0x80 if value else 0)])
        if not value:
            return out


def _refused_frame(reason: str) -> bytes:
    """WorkerMessage{format_version: 1, refused: {reason}} encoded by hand:
    the refusal must reach the supervisor even when python3-protobuf itself
    is what is missing."""
    text = reason.encode("utf-8")[:4000]
    refused = b"\x0a" + _varint(len(text)) + text  # TrialRefused.reason = 1
    message = b"\x08\x01" + b"\x42" + _varint(len(refused)) + refused  # fields 1 and 8
    return struct.pack("<I", len(message)) + message


def _refuse(parent_fd, reason: str) -> int:
    print(f"python_grpcio_testee: refused: {reason}", file=sys.stderr)
    if parent_fd is not None:
        try:
            os.write(parent_fd, _refused_frame(reason))
        except OSError:
            pass  # the supervisor is gone; nobody is left to tell
    return 2


def _missing_library(error: ImportError) -> str:
    if (error.name or "").split(".")[0] in ("testees", "forkcheck"):
        return f"the testee's own module is missing from its runfiles, a build error ({error})"
    package = {"grpc": "python3-grpcio", "google": "python3-protobuf", "avro": "python3-avro"}.get(
        (error.name or "").split(".")[0], "a Python package")
    return f"{package} is not installed for {sys.executable} ({error})"


def main() -> int:
    from testees.python_grpcio import reporting

    try:
        fds = reporting.report_fds_from_environment()
    except reporting.ReportFdsError as e:
        print(f"python_grpcio_testee: {e}", file=sys.stderr)
        fds = None
    parent_fd = fds[0] if fds else None
    try:
        request = read_request(sys.stdin.fileno())
    except RequestError as e:
        return _refuse(parent_fd, str(e))
    except ImportError as e:
        return _refuse(parent_fd, _missing_library(e))
    finally:
        # Nothing more comes on it; workers get /dev/null, not the pipe.
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, sys.stdin.fileno())
        os.close(devnull)
    if parent_fd is None:
        print("python_grpcio_testee: no report pipes to answer on", file=sys.stderr)
        return 2

    try:
        from testees.python_grpcio import models
    except ImportError as e:
        # The main job then skips this client and says why.
        return _refuse(parent_fd, _missing_library(e))

    if request.WhichOneof("kind") == "describe":
        try:
            description = describe()
        except ImportError as e:
            # The main job then skips this client and says why.
            return _refuse(parent_fd, _missing_library(e))
        reporting.ParentReporter(parent_fd, fds[1:]).send(testee=description)
        return 0
    trial = request.trial
    try:
        variant = models.resolve_variant(trial.model, trial.variant)
        models.check_workload(trial.model, trial.workload)
        try:
            stderr_fds = reporting.worker_stderr_fds_from_environment()
        except reporting.ReportFdsError as e:
            raise models.Refused(str(e)) from None
        settings = trial_settings(trial, len(fds) - 1, len(stderr_fds))
        # Only this model's implementation, and before the trial starts.
        model = models.implementation(trial.model)
    except models.Refused as e:
        return _refuse(parent_fd, str(e))
    except ImportError as e:
        return _refuse(parent_fd, _missing_library(e))
    parent = reporting.ParentReporter(parent_fd, fds[1:], stderr_fds)
    return model.run(settings, variant, parent)


if __name__ == "__main__":
    sys.exit(main())
