"""Exceptions that map to exit codes. A UsageError is the user's to fix: exit 2, no traceback."""

from __future__ import annotations


class UsageError(Exception):
    """Bad input (flag, config, target): reported in one clear message, exit code 2."""


class ConfigError(UsageError):
    """An invalid configuration; the message names the file, line and key where known.

    `loc` is the configuration key it is about (`("workflow", "steps", 1)`), for an error
    raised after loading, so the caller can name the file and line.
    """

    def __init__(self, message: str, loc: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.loc = loc


class StepCancelled(Exception):
    """Raised inside a step when the run is interrupted or the step timed out."""
