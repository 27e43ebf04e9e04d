"""What one Python trial costs, phase by phase, as the supervisor runs it
(issue 12): the testee started in a process group of its own with report
and stderr pipes, one request on standard input, every frame read back.

  trial_cost --reps=15 [--testee=NAME=PATH ...] [--workers=4] [--workload=read]

Each repetition runs every model (threads; multiprocessing under fork,
forkserver and spawn, workers with their own client, the parent's client
after the pool: the matrix's python_safe_models and
python_fresh_interpreter_safe_models) on every testee given,
interleaved, so that testees compared in one sitting share the machine's
load. Per testee and model it prints medians (and the 10th to 90th
percentile) of, in milliseconds:

  total    from just before the testee is started to its exit with every
           report pipe at EOF (what a trial holds a lane for, without the
           harness's own work)
  ready    start to ParentFacts.workers_started_monotonic_micros: the
           interpreter(s), imports and the parent's set-up before its
           first worker starts (threads: its client and the session too)
  up       ready to the last worker's start (WorkerResult.
           monotonic_start_micros): starting workers (spawn: a new
           interpreter and its imports each; forkserver: the server too)
  work     the last worker's start to the last worker's done_micros
           (client, connection, the read or the write)
  teardown the last worker done to the trial's end (the parent's check,
           reaping, interpreter exit)

Every trial must be ok (exit 0, every worker ok, the parent's check ok);
one that is not is reported and left out. The clock is CLOCK_MONOTONIC in
every process, so the stamps compare.
"""

import argparse
import os
import select
import statistics
import sys
import tempfile
import time

from forkcheck import testee_pb2

from testees.python_grpcio.testing import runfiles
from testees.python_grpcio.testing.fake_server import FakeServer
from testees.python_grpcio.testing.testee_runner import TESTEE, end_trial, frame, frames_of, start_trial

SMALL = "projects/forkcheck/datasets/synthetic/tables/small"
SMALL_ROWS = 1000
MODELS = {
    "threads": ("threads", ()),
    "fork": ("multiprocessing", (("start_method", "fork"), ("parent_client", "after_pool"))),
    "forkserver": ("multiprocessing", (("start_method", "forkserver"), ("parent_client", "after_pool"))),
    "spawn": ("multiprocessing", (("start_method", "spawn"), ("parent_client", "after_pool"))),
}
PHASES = ("total", "ready", "up", "work", "teardown")
# The environment this program runs in that a trial of the harness's has
# not: the stub's import path and runfiles, gRPC's fork knobs (the
# matrix's axes; the defaults here), and an import profile.
_NOT_PASSED_ON = ("PYTHONPATH", "RUNFILES_DIR", "RUNFILES_MANIFEST_FILE", "GRPC_ENABLE_FORK_SUPPORT",
                  "GRPC_POLL_STRATEGY", "PYTHONPROFILEIMPORTTIME")


def request(target: str, model: str, variant, workers: int, workload: str, trial: int) -> bytes:
    """The request the matrix makes for such a cell (matrix/trial_spec.cc)."""
    r = testee_pb2.TesteeRequest(format_version=1)
    t = r.trial
    t.model, t.target, t.table, t.workers = model, target, SMALL, workers
    for name, value in variant:
        t.variant.add(name=name, value=value)
    t.max_streams = 2 * workers
    t.stream_assignment = testee_pb2.STREAM_ASSIGNMENT_ROUND_ROBIN
    t.connect_timeout_ms = t.create_session_timeout_ms = 5000
    t.parent_check_timeout_ms = 2000
    t.worker_patience_ms = 1000
    t.watchdog_ms = 30000
    if workload == "write":
        project = f"trial-cost-{os.getpid()}-{trial}"
        t.workload = "write"
        t.table = f"projects/{project}/datasets/writable/tables/small"
        t.parent_write_table = f"projects/{project}-parent/datasets/writable/tables/small"
        t.write_rows = SMALL_ROWS
    return frame(r)


def run_as_the_supervisor(program: str, stdin: bytes, workers: int, timeout: float = 60.0):
    """(start, wall in seconds, exit code, frames per report pipe, stderr
    per process: the parent's, then each worker's), run
    as supervisor/trial_runner.cc runs a trial: its own process group and
    TMPDIR, report and stderr pipes, and the trial over once its process
    exited and every report pipe is at EOF (the harness then kills the group
    and, as subreaper, reaps what is left at once; a process left behind,
    e.g. multiprocessing's resource tracker, costs it nothing)."""
    reports = [os.pipe() for _ in range(workers + 1)]
    stderrs = [os.pipe() for _ in range(workers)]
    env = {k: v for k, v in os.environ.items() if k not in _NOT_PASSED_ON}
    env["FORKCHECK_REPORT_FDS"] = ",".join(str(w) for _, w in reports)
    env["FORKCHECK_WORKER_STDERR_FDS"] = ",".join(str(w) for _, w in stderrs)
    scratch = tempfile.mkdtemp(prefix="trial-cost-")
    env["TMPDIR"] = scratch
    start = time.monotonic()
    process = start_trial(program, stdin, env, reports + stderrs, scratch)
    received = {r: b"" for r, _ in reports + stderrs}
    parent_stderr = process.stderr.fileno()
    received[parent_stderr] = b""
    open_reports = {r for r, _ in reports}
    open_fds = set(received)
    exited = False
    try:
        while True:
            exited = exited or process.poll() is not None
            if exited and not open_reports:
                break
            left = start + timeout - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"the trial ran past {timeout}s")
            # Exit has no fd to poll: look every few milliseconds, as RunTrial.
            ready, _, _ = select.select(list(open_fds), [], [], left if exited else min(left, 0.005))
            for fd in ready:
                chunk = os.read(fd, 65536)
                received[fd] += chunk
                if not chunk:
                    open_fds.discard(fd)
                    open_reports.discard(fd)
        wall = time.monotonic() - start
    finally:
        end_trial(process, [r for r, _ in reports + stderrs], scratch)
    frames = [frames_of(received[r]) for r, _ in reports]
    stderr = [received[fd].decode(errors="replace") for fd in [parent_stderr] + [r for r, _ in stderrs]]
    return start, wall, process.returncode, frames, stderr


def one_trial(program: str, stdin: bytes, workers: int):
    """The trial's phases in milliseconds, or the reason it was not ok."""
    start, wall, exit_code, frames, stderr = run_as_the_supervisor(program, stdin, workers)
    parent, worker_frames = frames[0], frames[1:]
    if exit_code != 0:
        return f"exit {exit_code}: {stderr[0][-300:]}"
    facts = [m.parent_facts for m in parent if m.HasField("parent_facts")]
    checks = [m.parent_check for m in parent if m.HasField("parent_check")]
    if len(facts) != 1 or any(c.status_code for c in checks):
        return f"parent: {[m.WhichOneof('body') for m in parent]} {checks}"
    starts, dones = [], []
    for i, messages in enumerate(worker_frames):
        results = [m.result for m in messages if m.HasField("result")]
        if len(results) != 1 or results[0].status_code != 0:
            return f"worker {i}: {results} {stderr[1 + i][-300:]}"
        starts.append(results[0].monotonic_start_micros / 1e6)
        dones.append(starts[-1] + results[0].done_micros / 1e6)
    ready = facts[0].workers_started_monotonic_micros / 1e6
    end = start + wall
    return {
        "total": wall * 1000,
        "ready": (ready - start) * 1000,
        "up": (max(starts) - ready) * 1000,
        "work": (max(dones) - max(starts)) * 1000,
        "teardown": (end - max(dones)) * 1000,
    }


def percentile(values, q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=15)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--workload", choices=("read", "write"), default="read")
    parser.add_argument("--models", default=",".join(MODELS), help="of " + ", ".join(MODELS))
    parser.add_argument("--testee", action="append", default=[],
                        help="NAME=PATH of a testee program (repeatable); default: this build's")
    args = parser.parse_args()
    testees = [tuple(t.split("=", 1)) for t in args.testee] or [("this_build", runfiles.path(TESTEE))]
    models = args.models.split(",")
    samples = {(t, m): [] for t, _ in testees for m in models}
    failures = []
    trial = 0
    load_at_start = os.getloadavg()[0]
    with FakeServer() as server:
        for rep in range(args.reps):
            # Alternate the testees' order, so that neither always runs first.
            order = testees if rep % 2 == 0 else testees[::-1]
            for name in models:
                model, variant = MODELS[name]
                for testee, program in order:
                    trial += 1
                    stdin = request(server.address, model, variant, args.workers, args.workload, trial)
                    phases = one_trial(program, stdin, args.workers)
                    if isinstance(phases, str):
                        failures.append(f"{testee} {name} rep {rep}: {phases}")
                    else:
                        samples[(testee, name)].append(phases)
            print(f"repetition {rep + 1} of {args.reps} done", file=sys.stderr)
    print(f"# {args.reps} repetitions, {args.workers} workers, workload {args.workload}, table small; "
          f"ms, median [10th-90th percentile]; load average {load_at_start:.1f} at the start, "
          f"{os.getloadavg()[0]:.1f} at the end")
    print("testee\tmodel\tn\t" + "\t".join(PHASES))
    for (testee, name), runs in samples.items():
        cells = []
        for phase in PHASES:
            values = [r[phase] for r in runs]
            cells.append(f"{statistics.median(values):.0f} [{percentile(values, 0.1):.0f}-"
                         f"{percentile(values, 0.9):.0f}]" if values else "-")
        print(f"{testee}\t{name}\t{len(runs)}\t" + "\t".join(cells))
    for failure in failures:
        print("not ok: " + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
