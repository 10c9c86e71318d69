from __future__ import annotations

import os

import pytest
from hypothesis import settings

from ai_workflow.changes.ci_base import CI_BASE_VARIABLES
from tests.helpers import GIT_ENV

# No per-example deadline: this machine is shared, and a deadline is a timing assertion (a pure
# function's example once took over hypothesis' 200 ms default under load 20).
settings.register_profile("shared-machine", deadline=None)
settings.load_profile("shared-machine")


@pytest.fixture(autouse=True)
def _isolated_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """No test sees the developer's git identity, config or AI_WORKFLOW_* variables."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    for key in list(os.environ):
        if key.startswith("AI_WORKFLOW_") or key in {
            "OPENAI_API_KEY",
            "ANTHROPIC_API_KEY",
            *CI_BASE_VARIABLES,  # a CI's change base (pull request, push) must not leak in
            "NO_COLOR",
        }:
            monkeypatch.delenv(key, raising=False)
