"""Step 8 keeps the TOML lockfiles it parses (`lockfiles.parse_toml`) for the next run, by the
SHA-256 of their text: an unchanged lockfile is read back instead of parsed, a changed one is
parsed, a document JSON cannot hold (a date) is parsed every time, a damaged store is ignored,
and over random edit sequences the findings equal a full run's."""

from __future__ import annotations

import datetime
import json
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ai_workflow.config import Config
from ai_workflow.deps import lockfiles
from ai_workflow.engine.step import RunMemo, StepOutcome
from ai_workflow.steps import dependencies
from tests.file_edits import FULL, REUSE_PROPERTY, assert_reuse_equals_full, edit_file
from tests.helpers import make_repo, step_context

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is required")

PYPROJECT = '[project]\nname = "demo"\ndependencies = ["requests>=2", "rich>=13"]\n'
LOCK = (
    'version = 1\n[[package]]\nname = "demo"\nversion = "0.1"\n'
    '[[package]]\nname = "requests"\nversion = "2.31.0"\n'
    '[[package]]\nname = "rich"\nversion = "13.0"\n'
)
FILES = {"pyproject.toml": PYPROJECT, "uv.lock": LOCK, "src/demo/__init__.py": ""}
STORE = Path(".ai_workflow/step_cache/dependencies.toml.json")


def _run(root: Path, config: Config | None = None) -> StepOutcome:
    ctx = step_context(root, dependencies.SPEC, config=config, memo=RunMemo())
    return dependencies.run(ctx)


def _findings(outcome: StepOutcome) -> list[dict[str, Any]]:
    return sorted(
        (f.to_dict() for f in outcome.findings),
        key=lambda f: (f["rule"], f["path"] or "", f["line"] or 0, f["message"]),
    )


def _line(outcome: StepOutcome) -> str:
    return next(c for c in outcome.checked if c.startswith("TOML lockfiles:"))


def test_a_remembered_document_is_the_parse() -> None:
    with lockfiles.remembered_toml({}) as used:
        first = lockfiles.parse_toml(LOCK)
    assert first == tomllib.loads(LOCK)
    [key] = used
    assert used[key] == first
    planted = {"package": [{"name": "planted"}]}
    with lockfiles.remembered_toml({key: planted}) as again:
        assert lockfiles.parse_toml(LOCK) == planted  # read back, not parsed
    assert again == {key: planted}
    assert lockfiles.parse_toml(LOCK) == first  # outside a block: parsed (cache cleared)
    dated = 'when = 2024-01-01\n[[package]]\nname = "a"\n'
    with lockfiles.remembered_toml({}) as kept:
        assert lockfiles.parse_toml(dated)["when"] == datetime.date(2024, 1, 1)
    assert kept == {}  # JSON would read the date back as a string: not kept
    assert not lockfiles.is_plain_json({"x": float("nan")})
    assert lockfiles.is_plain_json({"x": [1, 2.5, True, "s", {"y": []}]})


def test_an_unchanged_lockfile_is_not_parsed_again_and_an_edit_is_seen(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", FILES)
    first = _run(root)
    assert _line(first).startswith("TOML lockfiles: 1 of 1 parsed")
    again = _run(root)
    assert _line(again).startswith("TOML lockfiles: 0 of 1 parsed")
    assert _findings(again) == _findings(first)
    assert not any(f.rule == "deps/lockfile-out-of-date" for f in again.findings)

    # true positive: rich dropped from the lockfile is out of date, not the stored lock reused
    (root / "uv.lock").write_text(LOCK.rsplit("[[package]]", 1)[0])
    edited = _run(root)
    assert _line(edited).startswith("TOML lockfiles: 1 of 1 parsed")
    assert any(
        f.rule == "deps/lockfile-out-of-date" and "rich" in f.message for f in edited.findings
    )
    assert _findings(edited) == _findings(_run(root, FULL))
    assert not any(c.startswith("TOML lockfiles:") for c in _run(root, FULL).checked)


@pytest.mark.parametrize(
    "damage",
    [
        "{not json",
        '{"schema": "ai-workflow/toml-documents@1", "parser": "other", "documents": {}}',
        "[]",
    ],
)
def test_a_damaged_or_foreign_store_is_not_used(tmp_path: Path, damage: str) -> None:
    root = make_repo(tmp_path / "p", FILES)
    first = _run(root)
    (root / STORE).write_text(damage)
    again = _run(root)
    assert _line(again).startswith("TOML lockfiles: 1 of 1 parsed")
    assert _findings(again) == _findings(first)
    assert json.loads((root / STORE).read_text())["documents"]  # written again


# --------------------------------------------------------------------------- property

LOCK_PARTS = [
    "version = 1",
    '[[package]]\nname = "demo"\nversion = "0.1"',
    '[[package]]\nname = "requests"\nversion = "2.31.0"',
    '[[package]]\nname = "rich"\nversion = "13.0"',
    '[[package]]\nname = "rich"\nversion = "13.0"\nwhen = 2024-01-01',
    "[[package]\nbroken",
]
MANIFEST_PARTS = [
    '[project]\nname = "demo"\ndependencies = ["requests>=2", "rich>=13"]',
    '[project]\nname = "demo"\ndependencies = ["requests>=2"]',
]

edits = st.one_of(
    st.tuples(
        st.just("write"),
        st.just("uv.lock"),
        st.lists(st.sampled_from(LOCK_PARTS), min_size=1, max_size=4),
    ),
    st.tuples(st.just("write"), st.just("pyproject.toml"), st.sampled_from(MANIFEST_PARTS)),
    st.tuples(st.just("delete"), st.just("uv.lock"), st.just("")),
    st.tuples(st.just("commit"), st.just(""), st.just("")),
)


def _apply(root: Path, edit: tuple[str, str, Any]) -> None:
    kind, path, parts = edit
    text = "\n\n".join(parts) if isinstance(parts, list) else parts
    edit_file(root, kind, path, text + "\n")


@REUSE_PROPERTY
@given(st.lists(edits, min_size=1, max_size=5))
def test_incremental_findings_equal_a_full_run(
    tmp_path_factory: pytest.TempPathFactory, sequence: list[tuple[str, str, Any]]
) -> None:
    root = make_repo(tmp_path_factory.mktemp("lock") / "p", FILES)
    assert_reuse_equals_full(root, sequence, _apply, _run, _findings)
