from __future__ import annotations

import pytest

from ai_workflow.changes.detect import CI_BASE_VARIABLES

GITHUB_FILES = ("GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT", "GITHUB_WORKSPACE", "GITHUB_ACTIONS")


@pytest.fixture(autouse=True)
def _no_ci_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests set the CI's variables themselves: none may leak in from a real CI job."""
    for variable in (*CI_BASE_VARIABLES, *GITHUB_FILES, "GITLAB_CI", "VIRTUAL_ENV"):
        monkeypatch.delenv(variable, raising=False)
