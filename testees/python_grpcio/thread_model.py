"""`threads`: one client (channel + stub) made by the parent, which also
creates the session on it, shared by W threads of a ThreadPoolExecutor;
thread i reads streams i, i + W, ... (as C++ thread_shared does), or (the
write workload, no session) writes its share of the rows. Described in
thread_description.py; imported only for a trial of this model
(models.implementation)."""

import concurrent.futures
import resource
import sys

from forkcheck import worker_pb2

from testees.python_grpcio import share_reader
from testees.python_grpcio.connection_count import count_tcp_connections_to
from testees.python_grpcio.reporting import ParentReporter, WorkerReporter


def _worker(client, session, index, settings, fd):
    reporter = WorkerReporter(fd)
    reporter.phase(worker_pb2.PHASE_STARTED)
    if session is None:
        from testees.python_grpcio import share_writer  # loaded by run()

        share_writer.write_share(client, index, settings, reporter, rusage_who=resource.RUSAGE_THREAD)
    else:
        share_reader.read_share(client, session, index, settings, reporter, rusage_who=resource.RUSAGE_THREAD)


def run(settings: share_reader.TrialSettings, variant: dict, parent: ParentReporter) -> int:
    if settings.workload == "write":  # a read trial needs no writer
        # Imported here, not first by the pool's threads.
        from testees.python_grpcio import share_writer  # noqa: F401
    client = share_reader.Client(settings.target)
    try:
        session = None  # writers need none
        try:
            if settings.workload != "write":
                session = share_reader.create_session(
                    client.stub, settings.table, settings.max_streams, settings.create_session_timeout
                )
        except share_reader.SessionError as e:
            return share_reader.report_setup_failure(parent.worker_fds, e.code, e.message)
        parent.mark_workers_starting()
        with concurrent.futures.ThreadPoolExecutor(max_workers=settings.workers) as pool:
            futures = [
                pool.submit(_worker, client, session, i, settings, fd) for i, fd in enumerate(parent.worker_fds)
            ]
            # Threads cannot be killed: past the watchdog the supervisor kills us.
            concurrent.futures.wait(futures, timeout=settings.watchdog)
            for i, future in enumerate(futures):
                if future.done() and future.exception() is not None:
                    print(f"python_grpcio_testee: worker thread {i}: {future.exception()!r}", file=sys.stderr)
            # While the shared channel is still open, as C++ thread_shared.
            connections = count_tcp_connections_to(settings.target)
        parent.parent_facts(-1 if connections is None else connections)
        return 0
    finally:
        parent.close_worker_fds()
        client.close()
