"""The `threads` model as the testee describes it (thread_model.py runs it):
what describe and the checks of a request need, standard library only, so
that a trial of another model does not import this one's implementation."""

NAME = "threads"
VARIANT = ()  # no variant settings
HAS_PARENT_CHECK = False
WORKLOADS = ("read", "write")
SUMMARY = (
    "one grpc channel and stub, created by the parent (which creates the session on it), "
    "shared by the threads of a concurrent.futures.ThreadPoolExecutor"
)
IMPLEMENTATION = "testees.python_grpcio.thread_model"
