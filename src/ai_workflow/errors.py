"""Exceptions that map to exit codes. A UsageError is the user's to fix: exit 2, no traceback."""

from __future__ import annotations


class UsageError(Exception):
    """Bad input (flag, config, target): reported in one clear message, exit code 2."""


class ConfigError(UsageError):
    """An invalid configuration; the message names the file, line and key where known."""


class StepCancelled(Exception):
    """Raised inside a step when the run is interrupted or the step timed out."""
