"""When a failed ReadRows call may be resumed, and after how long: a port of
client/retry_policy.{h,cc} (same causes, bounds and backoff, same messages).

Resumable: UNAVAILABLE; INTERNAL whose message mentions RST_STREAM;
RESOURCE_EXHAUSTED (after the server's RetryInfo delay if it sent one);
DEADLINE_EXCEEDED; a corrupt response the reader discarded; any other error
once the call delivered rows. A writer's AppendRows call (on_append_failed)
also resumes after ABORTED, which the Write API answers in-band for an
append it could not take then.
"""

import dataclasses
from typing import Dict, Optional

import grpc

UNAVAILABLE = "unavailable"
RST_STREAM = "rst_stream"
RESOURCE_EXHAUSTED = "resource_exhausted"
DEADLINE_EXCEEDED = "deadline_exceeded"
ERROR_AFTER_PROGRESS = "error_after_progress"
CORRUPT_RESPONSE = "corrupt_response"
ABORTED = "aborted"

_STATUS_DETAILS_KEY = "grpc-status-details-bin"

# In the message of every failure the fake server injected on purpose (its
# fault scripts), as dataset/injected_fault.h writes it: resuming those is the
# reader working as designed, not a retry the worker needed.
INJECTED_FAULT_MARKER = "forkcheck fake: injected"


def is_injected_fault(message: str) -> bool:
    return INJECTED_FAULT_MARKER in (message or "")


@dataclasses.dataclass
class RetryOptions:
    initial_backoff: float = 0.1  # seconds
    backoff_multiplier: float = 2.0
    max_backoff: float = 10.0
    max_server_delay: float = 60.0
    max_retries: int = 100
    max_retries_without_progress: int = 8


@dataclasses.dataclass
class RetryDecision:
    retry: bool = False
    cause: str = UNAVAILABLE
    delay: float = 0.0  # seconds
    reason: str = ""


def classify_failure(code: grpc.StatusCode, message: str, made_progress: bool) -> Optional[str]:
    if code == grpc.StatusCode.OK:
        return None
    if code == grpc.StatusCode.UNAVAILABLE:
        return UNAVAILABLE
    if code == grpc.StatusCode.INTERNAL and "RST_STREAM" in message:
        return RST_STREAM
    if code == grpc.StatusCode.RESOURCE_EXHAUSTED:
        return RESOURCE_EXHAUSTED
    if code == grpc.StatusCode.DEADLINE_EXCEEDED:
        return DEADLINE_EXCEEDED
    return ERROR_AFTER_PROGRESS if made_progress else None


def server_retry_delay(trailing_metadata) -> Optional[float]:
    """The google.rpc.RetryInfo delay in the status details, in seconds."""
    from google.rpc import error_details_pb2, status_pb2

    for key, value in trailing_metadata or ():
        if key != _STATUS_DETAILS_KEY:
            continue
        try:
            details = status_pb2.Status.FromString(value)
        except Exception:  # not a google.rpc.Status: no delay
            return None
        for any_ in details.details:
            info = error_details_pb2.RetryInfo()
            if any_.Is(info.DESCRIPTOR) and any_.Unpack(info):
                delay = info.retry_delay
                if delay.seconds < 0 or delay.nanos < 0:
                    return 0.0
                return delay.seconds + delay.nanos / 1e9
    return None


class RetryPolicy:
    """Retry bookkeeping of ONE stream."""

    def __init__(self, options: RetryOptions = None):
        self.options = options or RetryOptions()
        self.retries: Dict[str, int] = {}
        self._consecutive_without_progress = 0

    def total(self) -> int:
        return sum(self.retries.values())

    def backoff(self, k: int) -> float:
        delay = self.options.initial_backoff
        i = 1
        while i < k and delay < self.options.max_backoff:
            delay *= self.options.backoff_multiplier
            i += 1
        return max(0.0, min(delay, self.options.max_backoff))

    def on_call_failed(self, code: grpc.StatusCode, message: str, trailing_metadata, made_progress: bool):
        server_delay = None
        if code == grpc.StatusCode.RESOURCE_EXHAUSTED:
            server_delay = server_retry_delay(trailing_metadata)
        what = f'status {code.value[0]} "{message}"'
        return self._decide(classify_failure(code, message, made_progress), made_progress, server_delay, what)

    def on_append_failed(self, code: grpc.StatusCode, message: str, trailing_metadata, made_progress: bool):
        """As on_call_failed, for an AppendRows call: ABORTED is resumable too."""
        if code != grpc.StatusCode.ABORTED:
            return self.on_call_failed(code, message, trailing_metadata, made_progress)
        return self._decide(ABORTED, made_progress, None, f'status {code.value[0]} "{message}"')

    def on_corrupt_response(self, made_progress: bool):
        return self._decide(CORRUPT_RESPONSE, made_progress, None, "a corrupt response")

    def _decide(self, cause, made_progress, server_delay, what) -> RetryDecision:
        decision = RetryDecision()
        if made_progress:
            self._consecutive_without_progress = 0
        if cause is None:
            decision.reason = f"{what} is not retryable and the call delivered no rows"
            return decision
        decision.cause = cause
        if self.total() >= self.options.max_retries:
            decision.reason = (
                f"gave up after {what}: {self.total()} retries of this stream already "
                f"(max_retries={self.options.max_retries})"
            )
            return decision
        if not made_progress:
            if self._consecutive_without_progress >= self.options.max_retries_without_progress:
                decision.reason = (
                    f"gave up after {what}: {self._consecutive_without_progress + 1} consecutive failed calls "
                    f"delivered no rows (max_retries_without_progress={self.options.max_retries_without_progress})"
                )
                return decision
            self._consecutive_without_progress += 1
        decision.retry = True
        self.retries[cause] = self.retries.get(cause, 0) + 1
        if server_delay is not None:
            decision.delay = min(server_delay, self.options.max_server_delay)
        else:
            decision.delay = self.backoff(max(1, self._consecutive_without_progress))
        return decision
