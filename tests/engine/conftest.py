from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from ai_workflow.steps import BUILTIN_MODULES
from tests.helpers import make_repo

ALL_BUILTINS = [m.SPEC.id for m in BUILTIN_MODULES]


def custom_only_config(steps: list[dict[str, Any]], **sections: Any) -> str:
    """A config that disables the built-in steps and defines `steps` as custom command steps."""
    data: dict[str, Any] = {"workflow": {"disable": ALL_BUILTINS, "steps": steps}}
    data.update(sections)
    return yaml.safe_dump(data, sort_keys=False)


@pytest.fixture
def custom_repo(tmp_path: Path) -> Callable[..., Path]:
    """A real git repo whose workflow is the given custom command steps."""

    def make(steps: list[dict[str, Any]], **sections: Any) -> Path:
        repo = tmp_path / "project"
        make_repo(
            repo,
            {
                "README.md": "# project\n",
                ".gitignore": ".ai_workflow/\n",
                ".workflow-config.yaml": custom_only_config(steps, **sections),
            },
        )
        return repo

    return make
