"""Runs the testee as the supervisor does (testee.proto): report pipes it
creates itself in FORKCHECK_REPORT_FDS, one request on standard input, and
every frame read back, each wait bounded."""

import dataclasses
import os
import select
import signal
import struct
import shutil
import subprocess
import tempfile
import time
from typing import List

from forkcheck import worker_pb2

from testees.python_grpcio.testing import runfiles

TESTEE = "testees/python_grpcio/python_grpcio_testee"
WATCH_INTERVAL = 0.2  # seconds
TAIL_CHARS = 2000  # of each stream, in a timeout's message


@dataclasses.dataclass
class TesteeRun:
    exit_code: int  # None: the pipes stayed open past the timeout (allow_timeout)
    parent: List[worker_pb2.WorkerMessage]  # frames on the parent's pipe
    workers: List[List[worker_pb2.WorkerMessage]]
    stderr: str  # the parent's (every process's without worker_stderr)
    worker_stderr: List[str] = dataclasses.field(default_factory=list)  # worker i's (worker_stderr=True)


def frames_of(data: bytes, complete_only=False) -> List[worker_pb2.WorkerMessage]:
    """The frames in `data`; complete_only: stop at a frame still arriving."""
    messages = []
    while data:
        if complete_only and (len(data) < 4 or len(data) < 4 + struct.unpack("<I", data[:4])[0]):
            break
        if len(data) < 4:
            raise AssertionError(f"{len(data)} bytes after the last frame")
        (size,) = struct.unpack("<I", data[:4])
        if len(data) < 4 + size:
            raise AssertionError(f"a frame of {size} bytes ends after {len(data) - 4}")
        message = worker_pb2.WorkerMessage.FromString(data[4 : 4 + size])
        if message.format_version != 1:
            raise AssertionError(f"format_version {message.format_version}")
        messages.append(message)
        data = data[4 + size :]
    return messages


def call_reporting(function):
    """function(fd) with fd the write end of a pipe, as a worker's report
    pipe: (what it returned, the frames it wrote). Reads only once it
    returned, so for a few frames (what a pipe buffers)."""
    read, write = os.pipe()
    try:
        returned = function(write)
        os.close(write)
        write = None
        data = b""
        while chunk := os.read(read, 1 << 16):
            data += chunk
    finally:
        os.close(read)
        if write is not None:
            os.close(write)
    return returned, frames_of(data)


def frame(request) -> bytes:
    payload = request.SerializeToString()
    return struct.pack("<I", len(payload)) + payload


def run_testee(
    stdin_bytes: bytes,
    workers: int,
    timeout: float = 60.0,
    env=None,
    allow_timeout=False,
    signal_after=None,
    worker_stderr=False,
    watch=None,
    preexec_fn=None,
) -> TesteeRun:
    """signal_after=(seconds, signum): sends the testee process that signal
    once, that long after it started (exit_code is then -signum if it died
    of it, as subprocess reports it). worker_stderr: a stderr pipe per
    worker in FORKCHECK_WORKER_STDERR_FDS, as the supervisor gives. watch:
    called with the testee's pid and a TesteeRun of what arrived so far
    (complete frames; exit_code None) after every read and at least every
    WATCH_INTERVAL seconds, e.g. to signal a process once it reached a
    phase, or again until it answered; it returns True to stop watching."""
    pipes = [os.pipe() for _ in range(workers + 1)]
    stderr_pipes = [os.pipe() for _ in range(workers)] if worker_stderr else []
    write_ends = [w for _, w in pipes]
    environment = dict(os.environ if env is None else env)
    if env is None:
        # gRPC's fork knobs are the matrix's axes; tests run with the defaults.
        for knob in ("GRPC_ENABLE_FORK_SUPPORT", "GRPC_POLL_STRATEGY"):
            environment.pop(knob, None)
    environment["FORKCHECK_REPORT_FDS"] = ",".join(str(w) for w in write_ends)
    # As the supervisor gives every trial a TMPDIR of its own and removes it:
    # a testee killed here cannot remove its multiprocessing directory.
    # A caller that sets TMPDIR in `env` keeps it (and its cleanup).
    scratch = None
    if env is None or "TMPDIR" not in env:
        scratch = tempfile.mkdtemp(prefix="testee-runner-")
        environment["TMPDIR"] = scratch
    if worker_stderr:
        environment["FORKCHECK_WORKER_STDERR_FDS"] = ",".join(str(w) for _, w in stderr_pipes)
    process = start_trial(runfiles.path(TESTEE), stdin_bytes, environment, pipes + stderr_pipes, scratch, preexec_fn)
    received = {r: b"" for r, _ in pipes + stderr_pipes}
    open_fds = set(received)
    deadline = time.monotonic() + timeout
    signal_at = None if signal_after is None else time.monotonic() + signal_after[0]
    stderr_fd = process.stderr.fileno()
    open_fds.add(stderr_fd)
    received[stderr_fd] = b""
    try:
        while open_fds:
            left = deadline - time.monotonic()
            if left <= 0:
                if allow_timeout:
                    break
                raise AssertionError(
                    f"pipes {sorted(open_fds)} still open after {timeout}s; "
                    + _tails(_so_far(received, pipes, stderr_pipes, stderr_fd))
                )
            if signal_at is not None:
                if time.monotonic() >= signal_at:
                    process.send_signal(signal_after[1])
                    signal_at = None
                else:
                    left = min(left, signal_at - time.monotonic())
            if watch is not None:
                left = min(left, WATCH_INTERVAL)
            ready, _, _ = select.select(list(open_fds), [], [], max(left, 0))
            for fd in ready:
                chunk = os.read(fd, 65536)
                if chunk:
                    received[fd] += chunk
                else:
                    open_fds.discard(fd)
            if watch is not None and watch(process.pid, _so_far(received, pipes, stderr_pipes, stderr_fd)):
                watch = None
        if open_fds:
            exit_code = None
        else:
            try:
                exit_code = process.wait(timeout=max(deadline - time.monotonic(), 1))
            except subprocess.TimeoutExpired:
                raise AssertionError(
                    f"the testee closed its pipes but did not exit within {timeout}s; "
                    + _tails(_so_far(received, pipes, stderr_pipes, stderr_fd))
                ) from None
            _wait_for_group_gone(process.pid, deadline, _so_far(received, pipes, stderr_pipes, stderr_fd))
    finally:
        end_trial(process, [r for r, _ in pipes + stderr_pipes], scratch)
    messages = [frames_of(received[r]) for r, _ in pipes]
    return TesteeRun(
        exit_code,
        messages[0],
        messages[1:],
        received[stderr_fd].decode(errors="replace"),
        [received[r].decode(errors="replace") for r, _ in stderr_pipes],
    )


def start_trial(program, stdin_bytes, env, pipes, scratch, preexec_fn=None) -> subprocess.Popen:
    """Starts `program` as the supervisor starts a trial: a process group
    of its own, the write ends of `pipes` ((read, write) pairs: report and
    stderr pipes) passed to it and closed here, `stdin_bytes` on its
    standard input, then closed (a testee that died before reading it says
    why in its exit status and stderr). If that fails, the pipes and
    `scratch` (None: not ours) are undone and the error raised; after it,
    end_trial ends the trial."""
    try:
        process = subprocess.Popen(
            [program],
            stdin=subprocess.PIPE,
            stderr=subprocess.PIPE,
            pass_fds=[w for _, w in pipes],
            env=env,
            start_new_session=True,
            preexec_fn=preexec_fn,
        )
    except BaseException:
        # Nothing started: only the pipes and the scratch directory to undo.
        for r, w in pipes:
            os.close(r)
            os.close(w)
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
        raise
    for _, w in pipes:
        os.close(w)
    try:
        process.stdin.write(stdin_bytes)
        process.stdin.close()
    except BrokenPipeError:
        pass
    except BaseException:
        end_trial(process, [r for r, _ in pipes], scratch)
        raise
    return process


def end_trial(process, read_fds, scratch) -> None:
    """As the supervisor ends a trial: whatever is left of the testee's
    process group goes (workers may outlive a testee that gave up on them),
    is reaped, and its pipes and TMPDIR (None: not ours) with it."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()
    for r in read_fds:
        os.close(r)
    process.stderr.close()
    if scratch is not None:
        shutil.rmtree(scratch, ignore_errors=True)


def _so_far(received, pipes, stderr_pipes, stderr_fd) -> TesteeRun:
    messages = [frames_of(received[r], complete_only=True) for r, _ in pipes]
    return TesteeRun(
        None,
        messages[0],
        messages[1:],
        received[stderr_fd].decode(errors="replace"),
        [received[r].decode(errors="replace") for r, _ in stderr_pipes],
    )


def _tails(run: TesteeRun) -> str:
    """What a timed-out run had said, for its failure message: each
    worker's phases and the end of every stderr."""
    lines = [f"parent frames: {[m.WhichOneof('body') for m in run.parent]}"]
    for i, messages in enumerate(run.workers):
        lines.append(f"worker {i} phases: {[m.phase.phase for m in messages if m.HasField('phase')]}")
    for name, text in [("parent stderr", run.stderr)] + [
        (f"worker {i} stderr", text) for i, text in enumerate(run.worker_stderr)
    ]:
        lines.append(f"--- {name} (last {TAIL_CHARS} chars) ---\n{text[-TAIL_CHARS:]}")
    return "\n".join(lines)


def _wait_for_group_gone(group: int, deadline: float, run: TesteeRun) -> None:
    """Nothing of the testee may outlive it (e.g. a forkserver process);
    `run`: what it said, for the failure's message."""
    while True:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"processes of the testee's group {group} outlived it; " + _tails(run))
        time.sleep(0.02)
