"""Property: for random change sets, no step whose declared inputs intersect them is skipped."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ai_workflow.changes import Classifier, build_skip_policy
from ai_workflow.changes.inputs import StepInputs
from ai_workflow.engine.step import StepSpec
from tests.changes.util import BY_NUMBER, NO_ENV, PROJECT, SPECS, config
from tests.helpers import commit_all, git, make_repo, write_files

DIRS = ["", "src/demo/", "tests/", "docs/", "scripts/", ".github/workflows/", "web/", "data/"]
EXTS = [
    ".py", ".ts", ".go", ".rs", ".sh", ".md", ".rst", ".txt", ".toml", ".json", ".lock", ".png", "",
]  # fmt: skip
NAMES = st.text(alphabet=st.sampled_from("abcxyz_-0 üé\n"), min_size=1, max_size=8).filter(
    lambda n: n.strip() == n and not n.startswith("-")
)
WELL_KNOWN = ["pyproject.toml", "package.json", "uv.lock", "Makefile", "README.md", "tox.ini"]
PATHS = st.one_of(
    st.sampled_from(WELL_KNOWN + sorted(PROJECT)),
    st.builds(lambda d, n, e: f"{d}{n}{e}", st.sampled_from(DIRS), NAMES, st.sampled_from(EXTS)),
)
CUSTOM_SPECS = st.builds(
    lambda cats, globs: StepSpec(
        "custom", 20, "Custom", categories=tuple(cats), inputs=tuple(globs), builtin=False
    ),
    st.lists(st.sampled_from(["docs", "code", "tests", "deps", "config", "assets", "other"])),
    st.lists(st.sampled_from(["*.lock", "docs/", "web/**/*.ts", "data/*", "src/**"])),
)
counter = itertools.count()


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = make_repo(tmp_path_factory.mktemp("prop") / "p", PROJECT)
    return root, git(root, "rev-parse", "HEAD").strip()


def _apply(root: Path, committed: list[str], uncommitted: list[str], deleted: list[str]) -> None:
    for paths in (committed, uncommitted):
        write_files(root, {p: f"content {next(counter)}\n" for p in paths})
        if paths is committed:
            for path in deleted:
                (root / path).unlink()
            commit_all(root, "random change")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@example(  # package data with a docs extension (once filed as docs only)
    committed=["src/demo/data.txt"], uncommitted=[], deleted=[], custom=SPECS[0]
)
@given(
    committed=st.lists(PATHS, max_size=6, unique=True),
    uncommitted=st.lists(PATHS, max_size=4, unique=True),
    deleted=st.lists(st.sampled_from(sorted(PROJECT)), max_size=2, unique=True),
    custom=CUSTOM_SPECS,
)
def test_no_step_reading_a_changed_path_is_skipped(
    repo: tuple[Path, str],
    committed: list[str],
    uncommitted: list[str],
    deleted: list[str],
    custom: StepSpec,
) -> None:
    root, base = repo
    git(root, "reset", "-q", "--hard", base)
    git(root, "clean", "-q", "-f", "-d")
    deleted = [p for p in deleted if p not in committed and p not in uncommitted]
    _apply(root, committed, uncommitted, deleted)
    changed = set(committed) | set(uncommitted) | set(deleted)
    cfg = config(smart_execution={"base": base})
    plan = build_skip_policy(root, cfg, [*SPECS, custom], [], environ=NO_ENV)
    assert plan.changes.known
    assert changed <= set(plan.changes.files)
    classifier = Classifier(cfg, root)
    if any(p.startswith("src/") for p in changed):  # whatever it is, the package may read it
        assert plan.skip_reason(BY_NUMBER[7]) is None
    for spec in [*SPECS, custom]:
        if plan.skip_reason(spec) is None:
            continue
        inputs = StepInputs(spec)
        assert not any(inputs.reads(p, classifier.categories_of(p)) for p in changed), spec.id
