"""The SDKs' retries, written to the log of the step whose request is retried.

The `openai` and `anthropic` SDKs retry inside one call and say so on their loggers
("Retrying request ... in 0.4 seconds"). A handler on those loggers hands each such line to the
step log of the thread that made the call (set with `step_log_scope`), and counts it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

SDK_LOGGERS = ("openai._base_client", "anthropic._base_client")

_current = threading.local()
_lock = threading.Lock()
_installed = False
retries_seen = [0]  # retries logged by this process (for the run's `ai` block)


class _StepHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        log: Callable[[str], None] | None = getattr(_current, "log", None)
        message = record.getMessage()
        if log is None or not message.startswith("Retrying request"):
            return
        with _lock:
            retries_seen[0] += 1
        log(f"AI: {message}")


def _install() -> None:
    global _installed
    with _lock:
        if _installed:
            return
        handler = _StepHandler(logging.INFO)
        for name in SDK_LOGGERS:
            logger = logging.getLogger(name)
            logger.addHandler(handler)
            if logger.getEffectiveLevel() > logging.INFO:
                logger.setLevel(logging.INFO)
        _installed = True


@contextmanager
def step_log_scope(log: Callable[[str], None]) -> Iterator[None]:
    """Within this block, SDK retry lines of this thread go to `log`."""
    _install()
    previous = getattr(_current, "log", None)
    _current.log = log
    try:
        yield
    finally:
        _current.log = previous
