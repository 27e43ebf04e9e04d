"""The `multiprocessing` model as the testee describes it
(multiprocessing_model.py runs it): its variant settings and the
combinations it refuses, standard library only, so that a trial of another
model does not import multiprocessing or this model's implementation."""

NAME = "multiprocessing"
VARIANT = (
    ("start_method", ("fork", "forkserver", "spawn")),
    ("parent_client", ("before_pool", "after_pool")),
    ("parent_channel", ("used", "idle", "pristine")),
    ("worker_client", ("own", "inherited")),
)
HAS_PARENT_CHECK = True
WORKLOADS = ("read", "write")
SUMMARY = (
    "multiprocessing.Process workers (fork, forkserver or spawn) that read or write with their own or "
    "the inherited grpc channel; the parent keeps its own channel and checks it after the workers"
)
IMPLEMENTATION = "testees.python_grpcio.multiprocessing_model"


def refusal(variant: dict):
    """Why these variant values cannot run together, or None."""
    if variant["parent_client"] == "after_pool" and variant["parent_channel"] != "used":
        return (
            "parent_channel is only meaningful for parent_client=before_pool (after_pool: the parent has "
            "no channel when the workers start); use parent_channel=used"
        )
    if variant["worker_client"] == "inherited":
        if variant["start_method"] != "fork":
            return (
                f"worker_client=inherited needs start_method=fork: a {variant['start_method']} worker "
                "inherits no Python objects from the parent"
            )
        if variant["parent_client"] != "before_pool":
            return "worker_client=inherited needs parent_client=before_pool: the parent has no client to inherit"
    return None
