"""Shared bits for the smart-execution tests: the built-in registry and repository builders."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import ai_workflow.steps
from ai_workflow.config import Config
from ai_workflow.engine.step import StepSpec
from tests.helpers import commit_all, make_repo, write_files

NO_ENV: dict[str, str] = {}

PROJECT = {
    "README.md": "# demo\n",
    "docs/guide.md": "guide\n",
    "src/demo/__init__.py": "VALUE = 1\n",
    "src/demo/core.py": "def add(a, b):\n    return a + b\n",
    "tests/test_core.py": "def test_add():\n    assert 1 + 1 == 2\n",
    "pyproject.toml": '[project]\nname = "demo"\nversion = "0.1.0"\n',
    "scripts/release.sh": "#!/bin/sh\necho release\n",
    ".github/workflows/ci.yml": "on: push\n",
}


def builtin_specs() -> list[StepSpec]:
    """Every built-in step's registry entry, in step-number order."""
    specs = [
        importlib.import_module(f"ai_workflow.steps.{info.name}").SPEC
        for info in pkgutil.iter_modules(ai_workflow.steps.__path__)
    ]
    return sorted(specs, key=lambda spec: spec.number)


SPECS = builtin_specs()
BY_NUMBER = {spec.number: spec for spec in SPECS}


def project_repo(root: Path, extra: dict[str, str] | None = None) -> Path:
    """A small Python project with two commits (so HEAD~1 exists)."""
    make_repo(root, {**PROJECT, **(extra or {})})
    write_files(root, {"docs/guide.md": "guide, second edition\n"})
    commit_all(root, "second")
    return root


def config(**sections: object) -> Config:
    return Config.model_validate(sections)
