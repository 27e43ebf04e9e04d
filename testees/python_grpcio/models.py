"""The models this testee runs: their descriptions and the checks of a
TrialRequest's model and variant, and each model's implementation, which
only a trial of that model imports (a `threads` trial does not pay for
multiprocessing's imports, nor a multiprocessing one for the thread pool)."""

import importlib
from typing import Dict

from forkcheck import testee_pb2

from testees.python_grpcio import multiprocessing_description, thread_description

MODELS = {m.NAME: m for m in (thread_description, multiprocessing_description)}


class Refused(ValueError):
    """The request cannot be carried out; the message is the TrialRefused reason."""


def describe_models(description: testee_pb2.TesteeDescription) -> None:
    for model in MODELS.values():
        entry = description.models.add(model=model.NAME, has_parent_check=model.HAS_PARENT_CHECK, summary=model.SUMMARY)
        for name, values in model.VARIANT:
            entry.variant.add(name=name, values=list(values))
        entry.workloads.extend(_workloads(model))


def _workloads(model):
    return getattr(model, "WORKLOADS", ("read",))


def check_workload(model_name: str, workload: str) -> None:
    """Refuses a workload the model (already resolved) does not run; the
    empty workload is "read"."""
    workloads = _workloads(MODELS[model_name])
    if (workload or "read") not in workloads:
        raise Refused(f'workload "{workload}": model {model_name} runs {", ".join(workloads)}')


def resolve_variant(model_name: str, given) -> Dict[str, str]:
    """The variant of `model_name` from the request's NamedValues: every
    setting of the model, a setting left out taking its default (the first
    value). Unknown models, settings and values, repeated settings and
    combinations the model cannot run are refused."""
    model = MODELS.get(model_name)
    if model is None:
        raise Refused(f'unknown model "{model_name}"; this testee runs {", ".join(sorted(MODELS))}')
    allowed = dict(model.VARIANT)
    variant = {}
    for pair in given:
        if pair.name not in allowed:
            raise Refused(f'model {model_name} has no variant setting "{pair.name}"')
        if pair.name in variant:
            raise Refused(f'variant setting "{pair.name}" given twice')
        if pair.value not in allowed[pair.name]:
            raise Refused(
                f'variant {pair.name}="{pair.value}" of model {model_name}: expected one of '
                f'{", ".join(allowed[pair.name])}'
            )
        variant[pair.name] = pair.value
    for name, values in model.VARIANT:
        variant.setdefault(name, values[0])
    reason = getattr(model, "refusal", lambda _: None)(variant)
    if reason:
        raise Refused(reason)
    return variant


def implementation(model_name: str):
    """The module that runs trials of `model_name` (a known model), imported
    now: its run(settings, variant, parent) returns the exit status. An
    ImportError names a library the model needs that is missing."""
    return importlib.import_module(MODELS[model_name].IMPLEMENTATION)
