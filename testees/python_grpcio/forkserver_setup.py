"""Imported by multiprocessing's fork server when it starts (the
forkserver start method's preload, set by multiprocessing_model): the fork
server answers the stack dump signal, dumps on a fatal signal and dies with
the trial's parent, like every other process of the testee; its workers
inherit the dumps. (Python 3.11's fork server does not import the parent's
__main__, its default preload, so testee_main's own setup does not run
there.) If the parent died before this, the fork server's "alive" pipe is
already at EOF and it exits at its first look.

Its workers die with it from the instant it forks them: a worker forked
just as the server died would otherwise live on until its worker_main
checks, after it has unpickled its arguments (importing grpc: about a
second under load, measured with an interrupted benchmark)."""

import os

from testees.python_grpcio import diagnostics

diagnostics.install_stack_dumps()
diagnostics.die_with_parent()

_SERVER_PID = os.getpid()
os.register_at_fork(after_in_child=lambda: diagnostics.die_with_parent(_SERVER_PID))
