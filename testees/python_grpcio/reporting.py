"""The pipe protocol of protos/forkcheck/worker.proto, from Python.

Frames are a 4-byte little-endian length and a serialized WorkerMessage
(format_version 1, at most 1 MiB). FORKCHECK_REPORT_FDS lists the report
pipes: the parent's first, then one per worker; FORKCHECK_WORKER_STDERR_FDS
one standard-error pipe per worker, which a worker process makes its fd 2
(diagnostics.adopt_stderr; the parent's fd 2 is its own already). Phases
carry the sender's pid. As the C++ reporters do,
writes that fail (EPIPE once the supervisor has given up: Python ignores
SIGPIPE) are remembered and otherwise ignored: nobody is left to tell.
"""

import os
import resource
import struct
import time
from typing import List, Optional

from forkcheck import worker_pb2

FORMAT_VERSION = 1
MAX_FRAME_BYTES = 1 << 20
REPORT_FDS_ENV = "FORKCHECK_REPORT_FDS"
WORKER_STDERR_FDS_ENV = "FORKCHECK_WORKER_STDERR_FDS"


class ReportFdsError(ValueError):
    pass


def _fds_in(variable: str, text: str) -> List[int]:
    try:
        fds = [int(part) for part in text.split(",")]
    except ValueError:
        raise ReportFdsError(f"{variable}={text!r}: expected comma-separated fd numbers") from None
    if any(fd < 0 for fd in fds):
        raise ReportFdsError(f"{variable}={text!r}: negative fd")
    return fds


def report_fds_from_environment(environ=os.environ) -> List[int]:
    text = environ.get(REPORT_FDS_ENV)
    if not text:
        raise ReportFdsError(f"{REPORT_FDS_ENV} is not set")
    return _fds_in(REPORT_FDS_ENV, text)


def worker_stderr_fds_from_environment(environ=os.environ) -> List[int]:
    """One fd per worker; empty if unset (a trial run by hand: every process
    keeps the parent's stderr)."""
    text = environ.get(WORKER_STDERR_FDS_ENV)
    if not text:
        return []
    return _fds_in(WORKER_STDERR_FDS_ENV, text)


def encode_frame(message) -> bytes:
    payload = message.SerializeToString()
    if len(payload) > MAX_FRAME_BYTES:
        raise ValueError(f"message of {len(payload)} bytes exceeds the {MAX_FRAME_BYTES}-byte frame limit")
    return struct.pack("<I", len(payload)) + payload


def write_frame(fd: int, message) -> bool:
    """Writes one whole frame; False if the write failed."""
    try:
        data = memoryview(encode_frame(message))
        while data:
            written = os.write(fd, data)
            data = data[written:]
        return True
    except (OSError, ValueError):
        return False


def usage(who: int, into) -> None:
    """Fills a ResourceUsage from getrusage(who)."""
    try:
        r = resource.getrusage(who)
    except (OSError, ValueError):
        return
    into.user_micros = int(r.ru_utime * 1e6)
    into.system_micros = int(r.ru_stime * 1e6)
    into.max_rss_kib = r.ru_maxrss
    into.voluntary_switches = r.ru_nvcsw
    into.involuntary_switches = r.ru_nivcsw


def monotonic_micros() -> int:
    """CLOCK_MONOTONIC in microseconds, as the C++ workers stamp it."""
    return time.monotonic_ns() // 1000


class _Writer:
    def __init__(self, fd: int):
        self.fd = fd
        self.write_failed = False

    def send(self, **body) -> None:
        message = worker_pb2.WorkerMessage(format_version=FORMAT_VERSION, **body)
        if not write_frame(self.fd, message):
            self.write_failed = True


class WorkerReporter(_Writer):
    """A worker's reporter on its own pipe; times count from its creation."""

    def __init__(self, fd: int):
        super().__init__(fd)
        self._start_ns = time.monotonic_ns()

    def elapsed_micros(self) -> int:
        return (time.monotonic_ns() - self._start_ns) // 1000

    def start_monotonic_micros(self) -> int:
        return self._start_ns // 1000

    def phase(self, phase: int) -> None:
        self.send(phase=worker_pb2.PhaseReached(phase=phase, micros=self.elapsed_micros(), pid=os.getpid()))

    def result(self, result) -> None:
        self.send(result=result)


class ParentReporter(_Writer):
    def __init__(self, fd: int, worker_fds: List[int], worker_stderr_fds: List[int] = ()):
        super().__init__(fd)
        self.worker_fds = list(worker_fds)
        self.worker_stderr_fds = list(worker_stderr_fds)  # [] or one per worker
        self._workers_started: Optional[int] = None

    @property
    def workers(self) -> int:
        return len(self.worker_fds)

    def mark_workers_starting(self) -> None:
        self._workers_started = monotonic_micros()

    def close_worker_fds(self) -> None:
        """The parent's copies of the workers' report and stderr pipes."""
        for fd in self.worker_fds + self.worker_stderr_fds:
            try:
                os.close(fd)
            except OSError:
                pass
        self.worker_fds = []
        self.worker_stderr_fds = []

    def worker_exit(self, worker: int, wait_status: int) -> None:
        self.send(worker_exit=worker_pb2.WorkerExit(worker=worker, wait_status=wait_status))

    def parent_check(self, status_code: int, status_message: str) -> None:
        self.send(parent_check=worker_pb2.ParentCheck(status_code=status_code, status_message=status_message))

    def parent_facts(self, tcp_connections: int = -1) -> None:
        facts = worker_pb2.ParentFacts(
            tcp_connections=tcp_connections, workers_started_monotonic_micros=self._workers_started or 0
        )
        usage(resource.RUSAGE_SELF, facts.usage)
        self.send(parent_facts=facts)


def wait_status_from_exitcode(exitcode: Optional[int]) -> int:
    """multiprocessing.Process.exitcode as a waitpid() status: -N (killed by
    signal N) -> N, exit code c -> c << 8."""
    if exitcode is None:
        return 0
    if exitcode < 0:
        return -exitcode & 0x7F
    return (exitcode & 0xFF) << 8
