"""Step 3 keeps the shell lines it split (`shell_commands.split_line`) for the next run: a
line split before is answered from the store (a split is a function of the line alone), a new
line is split, a damaged store is ignored, and over random edit sequences the findings equal
a full run's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ai_workflow.config import Config
from ai_workflow.engine.step import RunMemo, StepOutcome
from ai_workflow.shell_commands import SimpleCommand, remembered_splits, split_line
from ai_workflow.steps import script_references
from tests.file_edits import FULL, REUSE_PROPERTY, apply_edit, assert_reuse_equals_full, file_edits
from tests.helpers import make_repo, step_context

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is required")

LINES = [
    "make test && ./scripts/run.sh > out.log",
    "echo $(git rev-parse HEAD) | tee x; cd docs",
    "python -c 'f(a)' 2>&1",
    "unterminated 'quote",
    "",
]
FILES = {
    "README.md": "# Demo\n\n```bash\n./scripts/run.sh\nmake test\n```\n",
    "Makefile": "test:\n\t./scripts/run.sh --fast\n",
    "scripts/run.sh": "#!/bin/sh\necho run\n",
}


def _run(root: Path, config: Config | None = None) -> StepOutcome:
    ctx = step_context(root, script_references.SPEC, config=config, memo=RunMemo())
    return script_references.run(ctx)


def _findings(outcome: StepOutcome) -> list[dict[str, Any]]:
    return sorted(
        (f.to_dict() for f in outcome.findings),
        key=lambda f: (f["rule"], f["path"] or "", f["line"] or 0, f["message"]),
    )


def _line(outcome: StepOutcome) -> str:
    return next(c for c in outcome.checked if c.startswith("shell lines:"))


def test_a_remembered_split_is_the_split() -> None:
    with remembered_splits({}) as used:
        first = [split_line(text) for text in LINES]
    assert first == [split_line(text) for text in LINES]  # outside the block: split again
    stored = json.loads(json.dumps(used))
    with remembered_splits(stored) as again:
        assert [split_line(text) for text in LINES] == first
    assert again == used
    # the answer comes from the store (a stored split that is not the line's own shows it),
    # and is a fresh copy each time
    with remembered_splits({"a b": [[["x"], ["o"]]]}):
        answer = split_line("a b")
        assert answer == [SimpleCommand(["x"], ["o"])]
        answer[0].argv.append("changed")
        assert split_line("a b") == [SimpleCommand(["x"], ["o"])]


def test_unchanged_lines_are_not_split_again_and_a_new_one_is(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", FILES)
    first = _run(root)
    assert _line(first).startswith("shell lines: 3 of 3 split")
    again = _run(root)
    assert _line(again).startswith("shell lines: 0 of 3 split")
    assert _findings(again) == _findings(first)

    # true positive: a new line naming a missing script is split and reported
    (root / "README.md").write_text("# Demo\n\n```bash\n./scripts/gone.sh\nmake test\n```\n")
    edited = _run(root)
    assert _line(edited).startswith("shell lines: 1 of 3 split")
    assert any("scripts/gone.sh" in f.message for f in edited.findings)
    assert _findings(edited) == _findings(_run(root, FULL))
    assert not any(c.startswith("shell lines:") for c in _run(root, FULL).checked)


@pytest.mark.parametrize(
    "damage",
    [
        b"{not json",
        b'{"schema": "ai-workflow/shell-splits@1", "splitter": "x", "lines": {}}',
        b'{"schema": "ai-workflow/shell-splits@1", "lines": {"make test": [[["rm"]]]}}',
    ],
)
def test_a_damaged_or_foreign_store_is_not_used(tmp_path: Path, damage: bytes) -> None:
    root = make_repo(tmp_path / "p", FILES)
    first = _run(root)
    store = root / ".ai_workflow" / "step_cache" / "script_references.splits.json"
    raw = json.loads(store.read_text())
    if b'"lines": {"make test"' in damage:  # the right splitter, a malformed split
        raw["lines"]["make test"] = [[["rm"]]]
        store.write_text(json.dumps(raw))
    else:
        store.write_bytes(damage)
    again = _run(root)
    assert _line(again).startswith("shell lines: 3 of 3 split")
    assert _findings(again) == _findings(first)


# --------------------------------------------------------------------------- property

PARTS = [
    "# Title",
    "```bash\n./scripts/run.sh\n```",
    "```bash\n./scripts/missing.sh && make test\n```",
    "```console\n$ make lint\n$ cd scripts && ./run.sh\n```",
    "Run `./scripts/other.sh` or `make docs`.",
    "```bash\ncurl -o tool.sh https://x.org/t.sh && ./tool.sh\n```",
]
PATHS = ["README.md", "docs/guide.md", "CONTRIBUTING.md"]

edits = file_edits(PATHS, PARTS, 4)


@REUSE_PROPERTY
@given(st.lists(edits, min_size=1, max_size=5))
def test_incremental_findings_equal_a_full_run(
    tmp_path_factory: pytest.TempPathFactory, sequence: list[tuple[str, str, list[str]]]
) -> None:
    root = make_repo(tmp_path_factory.mktemp("splits") / "p", FILES)
    assert_reuse_equals_full(
        root, sequence, lambda r, e: apply_edit(r, e, link_to="README.md"), _run, _findings
    )
