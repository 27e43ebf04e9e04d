"""`multiprocessing`: W worker processes (multiprocessing.Process, one per
worker, from the chosen start method's context), each reading streams i,
i + W, ... of the session the parent created, or (the write workload)
writing its share of the rows; then the parent checks its own client. See
README.md for what each variant means in application terms, and
multiprocessing_description.py for the settings. Imported only for a trial
of this model (models.implementation).
"""

import contextlib
import multiprocessing
import multiprocessing.connection
import multiprocessing.util
import os
import shutil
import sys
import time

import grpc

from testees.python_grpcio import diagnostics
from testees.python_grpcio import multiprocessing_worker as worker
from testees.python_grpcio import share_reader
from testees.python_grpcio.reporting import ParentReporter, wait_status_from_exitcode

# parent_channel=idle: the parent's channel closes its connection after this
# long without calls (gRPC's minimum), and the parent waits for that (about
# 1 to 1.4 s), at most half the trial's watchdog: 5 s at the default 10 s,
# longer where --watchdog_scale gives a slow machine more time.
_IDLE_TIMEOUT_MS = 1000
_IDLE_WAIT_SHARE = 0.5


def _stop_forkserver() -> None:
    """Stops and reaps the fork server, so that its workers' CPU (it reaped
    them) reaches this process's children's usage and so the supervisor's
    wait4 of the trial, as the C++ forkserver model's zygote's does.
    multiprocessing has no public way: its own tests use this one."""
    from multiprocessing import forkserver

    stop = getattr(getattr(forkserver, "_forkserver", None), "_stop", None)
    if stop is not None:
        try:
            stop()
        except OSError as e:
            print(f"python_grpcio_testee: stopping the fork server: {e!r}", file=sys.stderr)


def _forkserver_pid():
    """The fork server's pid (its workers' parent), starting it if need be;
    None if multiprocessing does not say (then its workers cannot check that
    their parent is still there, only die with it)."""
    from multiprocessing import forkserver

    forkserver.ensure_running()
    return getattr(getattr(forkserver, "_forkserver", None), "_forkserver_pid", None)


def _session_in_helper(settings, close_fds):
    """The session, created by a short-lived forked helper with its own
    channel, before this process has any channel (parent_channel=pristine)."""
    receive, send = multiprocessing.get_context("fork").Pipe(duplex=False)
    helper = multiprocessing.get_context("fork").Process(
        target=_helper_main, args=(send, settings, close_fds, os.getpid()), name="forkcheck-session-helper"
    )
    helper.start()
    send.close()
    try:
        wait = settings.create_session_timeout + 1
        if not receive.poll(wait):
            raise share_reader.SessionError(
                grpc.StatusCode.DEADLINE_EXCEEDED, f"the session helper sent nothing within {wait:g}s"
            )
        return worker.decode_session_reply(receive.recv_bytes())
    except EOFError:
        raise share_reader.SessionError(
            grpc.StatusCode.INTERNAL, f"the session helper exited without a reply (exit code {helper.exitcode})"
        ) from None
    finally:
        receive.close()
        helper.join(1)
        if helper.exitcode is None:
            helper.kill()
            helper.join(1)


def _helper_main(send, settings, close_fds, parent_pid):
    diagnostics.die_with_parent(parent_pid)
    for fd in close_fds:  # the trial's pipes: not the helper's to hold
        try:
            os.close(fd)
        except OSError:
            pass
    client = share_reader.Client(settings.target)
    try:
        session = share_reader.create_session(
            client.stub, settings.table, settings.max_streams, settings.create_session_timeout
        )
        send.send_bytes(worker.encode_session_reply(session))
    except share_reader.SessionError as e:
        send.send_bytes(worker.encode_session_reply(error=e))
    finally:
        client.close()


def _wait_for_idle(channel, timeout):
    """True once the channel reports IDLE (it dropped its connection)."""
    states = []
    channel.subscribe(states.append, try_to_connect=False)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if states and states[-1] == grpc.ChannelConnectivity.IDLE:
                return True
            time.sleep(0.02)
        return False
    finally:
        channel.unsubscribe(states.append)


def _parent_client_before_pool(settings, parent_channel, report_fds):
    """The parent's client, the session (reads) and the parent's open
    AppendRows call (writes, parent_channel=used), per parent_channel: where
    a read trial's parent creates the session, a write trial's appends to
    parent_write_table; a pristine channel is never called either way."""
    write = settings.workload == "write"
    if parent_channel == "pristine":
        session = None if write else _session_in_helper(settings, report_fds)
        return share_reader.Client(settings.target), session, None
    options = [("grpc.client_idle_timeout_ms", _IDLE_TIMEOUT_MS)] if parent_channel == "idle" else []
    client = share_reader.Client(settings.target, options)
    try:
        session = open_append = None
        if write:  # the parent's own writes; a read trial needs no writer
            from testees.python_grpcio import parent_writes
        if not write:
            session = share_reader.create_session(
                client.stub, settings.table, settings.max_streams, settings.create_session_timeout
            )
        elif parent_channel == "used":
            open_append = parent_writes.OpenAppend(client, settings)
        else:  # idle: an open call would keep the connection
            parent_writes.write_and_finish(client, settings)
        idle_wait = _IDLE_WAIT_SHARE * settings.watchdog
        if parent_channel == "idle" and not _wait_for_idle(client.channel, idle_wait):
            raise share_reader.SessionError(
                grpc.StatusCode.INTERNAL, f"the parent's channel did not go idle within {idle_wait:g}s"
            )
        return client, session, open_append
    except share_reader.SessionError:
        client.close()
        raise


class _Reaper:
    """Reports each worker's WorkerExit as it exits, with bounded waits."""

    def __init__(self, processes, parent: ParentReporter):
        self._left = {p.sentinel: (i, p) for i, p in enumerate(processes) if p is not None}
        self._parent = parent

    def reap_until(self, deadline: float) -> bool:
        """Reaps until every worker exited (True) or `deadline` passed."""
        while self._left:
            timeout = deadline - time.monotonic()
            if timeout <= 0:
                return False
            for sentinel in multiprocessing.connection.wait(list(self._left), timeout):
                index, process = self._left.pop(sentinel)
                process.join()
                self._parent.worker_exit(index, wait_status_from_exitcode(process.exitcode))
        return True


def run(settings: share_reader.TrialSettings, variant: dict, parent: ParentReporter) -> int:
    context = multiprocessing.get_context(variant["start_method"])
    if variant["start_method"] == "forkserver":
        context.set_forkserver_preload(["__main__", "testees.python_grpcio.forkserver_setup"])
    before_pool = variant["parent_client"] == "before_pool"
    write = settings.workload == "write"
    if write:  # the parent's own writes; a read trial needs no writer
        from testees.python_grpcio import parent_writes
    client = None
    session_bytes = None
    open_append = None  # the parent's AppendRows call (write), finished after the workers
    if before_pool:
        try:
            client, session, open_append = _parent_client_before_pool(
                settings, variant["parent_channel"], [parent.fd] + parent.worker_fds + parent.worker_stderr_fds
            )
        except share_reader.SessionError as e:
            return share_reader.report_setup_failure(parent.worker_fds, e.code, e.message)
        session_bytes = session.SerializeToString() if session is not None else None
        if variant["worker_client"] == "inherited":
            worker.inherited_client = client

    # Connections pickle as passed fds for spawn and forkserver, so each
    # worker gets its own report and stderr pipes whatever its fd numbers.
    reports = [multiprocessing.connection.Connection(fd, readable=False) for fd in parent.worker_fds]
    stderrs = [multiprocessing.connection.Connection(fd, readable=False) for fd in parent.worker_stderr_fds]
    # Writers need no session: only after_pool readers wait for one.
    session_pipes = [context.Pipe(duplex=False) for _ in reports] if not before_pool and not write else []
    fork = variant["start_method"] == "fork"
    processes = []
    parent.mark_workers_starting()
    exec_children = contextlib.nullcontext() if fork else diagnostics.exec_children_defer_stack_dumps()
    with exec_children:
        # The workers' parent, which each checks is still there once it will die with it.
        workers_parent = _forkserver_pid() if variant["start_method"] == "forkserver" else os.getpid()
        for i, report in enumerate(reports):
            # A forked child inherits every pipe of the trial: it closes all but its own.
            close_fds = []
            if fork:
                close_fds = [parent.fd] + [c.fileno() for j, c in enumerate(reports) if j != i]
                close_fds += [c.fileno() for j, c in enumerate(stderrs) if j != i]
                for j, (receive, send) in enumerate(session_pipes):
                    close_fds += [send.fileno()] + ([receive.fileno()] if j != i else [])
            process = context.Process(
                target=worker.worker_main,
                args=(i, report, stderrs[i] if stderrs else None, session_bytes,
                      session_pipes[i][0] if session_pipes else None, settings, variant["worker_client"], close_fds,
                      workers_parent),
                name=f"forkcheck-worker-{i}",
            )
            try:
                process.start()
            except Exception as e:  # e.g. fork failed: the worker reports nothing
                print(f"python_grpcio_testee: starting worker {i}: {e!r}", file=sys.stderr)
                process = None
            processes.append(process)
    # The parent keeps no worker's pipe open: each reaches EOF when its worker exits.
    for connection in reports + stderrs:
        connection.close()
    parent.worker_fds = []
    parent.worker_stderr_fds = []
    for receive, _ in session_pipes:
        receive.close()

    exit_code = 0
    if not before_pool and write:
        client = share_reader.Client(settings.target)
        try:
            open_append = parent_writes.OpenAppend(client, settings)
        except share_reader.SessionError as e:  # the workers need nothing from it; the check tells
            print(f"python_grpcio_testee: the parent's writes: {e.message}", file=sys.stderr)
    elif not before_pool:
        client = share_reader.Client(settings.target)
        try:
            session = share_reader.create_session(
                client.stub, settings.table, settings.max_streams, settings.create_session_timeout
            )
            reply = worker.encode_session_reply(session)
        except share_reader.SessionError as e:
            reply = worker.encode_session_reply(error=e)
            exit_code = 1
        for _, send in session_pipes:
            try:
                send.send_bytes(reply)
            except OSError:
                pass  # that worker is gone; its exit tells
            send.close()

    reaper = _Reaper(processes, parent)
    start = time.monotonic()
    reaper.reap_until(start + settings.worker_patience)
    if write:
        if open_append is not None:
            open_append.finish()
        code, message = parent_writes.parent_check(client, settings)
    else:
        code, message = share_reader.parent_check(client, settings)
    parent.parent_check(code, message)
    all_reaped = reaper.reap_until(start + settings.watchdog)
    if all_reaped and variant["start_method"] == "forkserver":
        _stop_forkserver()
    parent.parent_facts(-1)
    client.close()
    if not all_reaped:
        print("python_grpcio_testee: workers still running at the watchdog; leaving them", file=sys.stderr)
        sys.stderr.flush()
        if variant["start_method"] == "forkserver":
            # The fork server's socket directory (pymp-*, under TMPDIR):
            # os._exit skips multiprocessing's cleanup of it.
            shutil.rmtree(multiprocessing.util.get_temp_dir(), ignore_errors=True)
        os._exit(exit_code)  # multiprocessing would join them at exit
    return exit_code
