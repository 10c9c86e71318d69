from __future__ import annotations

import pytest

from ai_workflow.changes.detect import CI_BASE_VARIABLES


@pytest.fixture(autouse=True)
def _no_ci_base(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests that go through the CLI read os.environ: a CI's pull-request base must not leak."""
    for variable in CI_BASE_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
