"""Shared bits for the smart-execution tests: the built-in registry and repository builders."""

from __future__ import annotations

from pathlib import Path

from ai_workflow.changes import build_skip_policy, build_step_cache
from ai_workflow.config import Config, load_config
from ai_workflow.engine.registry import build_registry
from ai_workflow.engine.runner import RunReport, RunRequest, run_workflow
from ai_workflow.engine.step import StepSpec
from ai_workflow.report.console import RunConsole
from ai_workflow.steps import builtin_steps
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


SPECS: list[StepSpec] = build_registry(builtin_steps(), Config().workflow).specs
"""The built-in specs as the registry declares them."""
BY_NUMBER = {spec.number: spec for spec in SPECS}


def project_repo(root: Path, extra: dict[str, str] | None = None) -> Path:
    """A small Python project with two commits (so HEAD~1 exists)."""
    make_repo(root, {**PROJECT, **(extra or {})})
    write_files(root, {"docs/guide.md": "guide, second edition\n"})
    commit_all(root, "second")
    return root


def config(**sections: object) -> Config:
    return Config.model_validate(sections)


def run_engine(
    repo: Path, *, smart: bool = False, step_cache: bool = True, **run_options: object
) -> RunReport:
    """One real workflow run (engine, registry from the project's config) with our hooks."""
    cfg = load_config(repo)
    updates = {"resume": False, "smart_execution": smart, "step_cache": step_cache, **run_options}
    cfg = cfg.model_copy(update={"run": cfg.run.model_copy(update=updates)})
    registry = build_registry(builtin_steps(), cfg.workflow)
    request = RunRequest(
        target=repo,
        config=cfg,
        registry=registry,
        selected=list(registry.steps),
        observer=RunConsole(stderr=True),
        make_step_cache=lambda ws: build_step_cache(repo, cfg, ws),
        make_skip_policy=lambda history, specs: build_skip_policy(repo, cfg, specs, history),
    )
    return run_workflow(request)


def statuses(report: RunReport) -> dict[str, str]:
    return {result.id: result.status.value for result in report.results}
