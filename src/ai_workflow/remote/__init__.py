"""The shared team cache: step results and AI answers in Redis, signed, for every runner.

`build_remote` gives the run's `RemoteCache` (or None); the step cache
(`changes.cache.FingerprintCache`) and the AI response cache (`ai.cache.ResponseCache`) look
locally first, then remotely, and write a remote hit locally; what they store goes to both.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from pathlib import Path

from ai_workflow.config import Config
from ai_workflow.remote.cache import RemoteCache
from ai_workflow.remote.settings import RemoteSettings, resolve_settings

__all__ = ["RemoteCache", "RemoteSettings", "build_remote"]


def build_remote(
    target: Path, config: Config, environ: Mapping[str, str] | None = None
) -> RemoteCache | None:
    """The run's remote cache; None when none is configured, or (with one warning) when one
    is configured but cannot be used."""
    settings = resolve_settings(target, config, os.environ if environ is None else environ)
    if isinstance(settings, str):
        warnings.warn(settings, stacklevel=2)
        return None
    return RemoteCache(settings) if settings is not None else None
