"""Per-file results: reuse, the reasons for a re-check, damaged stores, and (property) that an
incremental run always equals a full run over random edit sequences on a generated project."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ai_workflow.changes.filecache import (
    FileResults,
    decode_findings,
    encode_findings,
    explain_stores,
    store_path,
)
from ai_workflow.changes.fingerprint import file_ids
from ai_workflow.config import Config
from ai_workflow.engine.step import RunMemo, StepContext
from ai_workflow.findings import Finding, Severity
from ai_workflow.steps import code_quality, markdown_lint
from tests.file_edits import edit_file
from tests.helpers import commit_all, make_repo, step_context

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is required")

OFF = Config.model_validate({"run": {"step_cache": False}})


def _ctx(root: Path, config: Config | None = None) -> StepContext:
    return step_context(root, markdown_lint.SPEC, config=config, memo=RunMemo())


def _finding(path: str) -> Finding:
    return Finding("md/MD018", Severity.WARNING, "no space", path, 1)


def test_unchanged_files_are_reused_and_each_recheck_has_its_reason(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", {"a.md": "a\n", "b.md": "b\n", "c.md": "c\n"})
    cache = FileResults(_ctx(root), "check", {"tool": "1.0"})
    for path in ("a.md", "b.md", "c.md"):
        assert cache.lookup(path, decode_findings) is None
        cache.store(path, encode_findings([_finding(path)]), cache.ids_of(["c.md"]))
    cache.save()
    assert cache.stats()["reasons"] == {"no stored results": 3}

    (root / "a.md").write_text("changed\n")
    (root / "c.md").write_text("changed too\n")  # b.md and c.md depend on c.md
    (root / "d.md").write_text("new\n")
    again = FileResults(_ctx(root), "check", {"tool": "1.0"})
    found = {p: again.lookup(f"{p}.md", decode_findings, again.ids_of(["c.md"])) for p in "abcd"}
    assert found == {"a": None, "b": None, "c": None, "d": None}
    assert again.stats()["reasons"] == {
        "content changed": 2,
        "a file it depends on changed": 1,
        "new file": 1,
    }

    same = FileResults(_ctx(root), "check", {"tool": "1.0"})
    (root / "c.md").write_text("c\n")  # back as stored: b.md's key matches again
    assert same.lookup("b.md", decode_findings, same.ids_of(["c.md"])) is None  # ids memoised
    fresh = FileResults(_ctx(root), "check", {"tool": "1.0"})
    assert fresh.lookup("b.md", decode_findings, fresh.ids_of(["c.md"])) == [_finding("b.md")]

    upgraded = FileResults(_ctx(root), "check", {"tool": "2.0"})
    assert upgraded.lookup("b.md", decode_findings, upgraded.ids_of(["c.md"])) is None
    assert upgraded.stats()["reasons"] == {"tool, configuration or ai-workflow changed": 1}


def test_a_change_of_ai_workflows_own_code_rechecks_every_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo(tmp_path / "p", {"a.md": "a\n"})
    cache = FileResults(_ctx(root), "check", {"tool": "1.0"})
    cache.store("a.md", encode_findings([_finding("a.md")]), {})
    cache.save()
    same = FileResults(_ctx(root), "check", {"tool": "1.0"})
    assert same.lookup("a.md", decode_findings) == [_finding("a.md")]
    # another build of ai-workflow (a development checkout edited, or another release)
    monkeypatch.setattr("ai_workflow.changes.filecache.code_digest", lambda: "another")
    changed = FileResults(_ctx(root), "check", {"tool": "1.0"})
    assert changed.lookup("a.md", decode_findings) is None
    assert changed.stats()["reasons"] == {"tool, configuration or ai-workflow changed": 1}


def test_a_symlink_is_always_rechecked_and_a_regular_file_reused(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", {"a.md": "a\n"})
    os.symlink("a.md", root / "link.md")
    commit_all(root, "link")
    first = FileResults(_ctx(root), "check", {"tool": "1.0"})
    for path in ("a.md", "link.md"):
        assert first.lookup(path, decode_findings) is None
        first.store(path, encode_findings([]))
    first.save()
    (root / "a.md").write_text("# what the link shows changed\n")
    commit_all(root, "edit")  # the link's own id (its target's name) is unchanged
    again = FileResults(_ctx(root), "check", {"tool": "1.0"})
    assert again.lookup("link.md", decode_findings) is None
    assert again.stats()["reasons"] == {"a symbolic link (what it points at may have changed)": 1}
    (root / "b.md").write_text("b\n")
    same = FileResults(_ctx(root), "check", {"tool": "1.0"})
    same.store("b.md", encode_findings([]))
    same.save()
    assert FileResults(_ctx(root), "check", {"tool": "1.0"}).lookup("b.md", decode_findings) == []


def test_reuse_computes_once_and_keeps_a_result_that_is_nothing_but_not_a_missing_one(
    tmp_path: Path,
) -> None:
    """`reuse`: a result is computed once per content; a result that is "nothing" (a 1-tuple
    holding None: a file that does not parse) is reused like any other, while None from
    `compute` (the file could not be read) is not stored, so the next run computes again."""
    root = make_repo(tmp_path / "p", {"a.md": "a\n", "b.md": "b\n", "c.md": "c\n"})
    calls: list[str] = []

    def run() -> dict[str, Any]:
        cache = FileResults(_ctx(root), "check", {"tool": "1.0"})
        results = {
            "a.md": cache.reuse("a.md", lambda: calls.append("a") or ["A"], list, list),
            "b.md": cache.reuse("b.md", lambda: calls.append("b") or (None,), list, tuple),
            "c.md": cache.reuse("c.md", lambda: calls.append("c"), list, list),
        }
        cache.save()
        return results

    assert run() == run() == {"a.md": ["A"], "b.md": (None,), "c.md": None}
    assert calls == ["a", "b", "c", "c"]


def test_split_gives_the_stored_results_in_order_and_the_files_to_check(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", {"a.md": "a\n", "b.md": "b\n", "c.md": "c\n"})
    first = FileResults(_ctx(root), "check", {"tool": "1.0"})
    assert first.split(["c.md", "a.md"], decode_findings) == ({}, ["c.md", "a.md"])
    for path in ("c.md", "a.md"):
        first.store(path, encode_findings([] if path == "a.md" else [_finding(path)]))
    first.save()
    again = FileResults(_ctx(root), "check", {"tool": "1.0"})
    found, todo = again.split(["a.md", "b.md", "c.md"], decode_findings)
    assert list(found.items()) == [("a.md", []), ("c.md", [_finding("c.md")])]  # a clean file too
    assert todo == ["b.md"]


@pytest.mark.parametrize(
    "damage",
    [b"{not json", b"[]", b'{"entries": 3}', b"\xff\xfe", b'{"schema": "ai-workflow/file-results@1", '
     b'"context": "x", "entries": {"a.md": {"key": 1, "value": 2}}}'],
)  # fmt: skip
def test_a_damaged_store_is_ignored_with_a_warning(tmp_path: Path, damage: bytes) -> None:
    root = make_repo(tmp_path / "p", {"a.md": "#Broken\n"})
    ctx = _ctx(root)
    path = store_path(ctx.workspace.step_cache_dir, "markdown_lint", "rumdl")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(damage)
    outcome = markdown_lint.run(ctx)
    assert [(f.rule, f.path) for f in outcome.findings] == [("md/MD018", "a.md")]
    assert any("1 of 1 file(s) checked" in line for line in outcome.checked)
    json.loads(path.read_text())  # rewritten whole


@pytest.mark.parametrize("kind", ["fifo", "directory", "symlink"])
def test_a_store_that_is_no_file_is_moved_aside_never_opened(tmp_path: Path, kind: str) -> None:
    root = make_repo(tmp_path / "p", {"a.md": "#Broken\n"})
    ctx = _ctx(root)
    path = store_path(ctx.workspace.step_cache_dir, "markdown_lint", "rumdl")
    path.parent.mkdir(parents=True, exist_ok=True)
    outside = tmp_path / "outside.json"
    outside.write_text("{}")
    if kind == "fifo":
        os.mkfifo(path)  # opening it for reading would wait forever
    elif kind == "directory":
        path.mkdir()
    else:
        path.symlink_to(outside)
    with pytest.warns(UserWarning, match="moved aside"):
        outcome = markdown_lint.run(ctx)
    assert [(f.rule, f.path) for f in outcome.findings] == [("md/MD018", "a.md")]
    assert path.is_file() and not path.is_symlink() and outside.read_text() == "{}"


def test_a_damaged_entry_value_is_checked_again(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", {"a.md": "#Broken\n"})
    markdown_lint.run(_ctx(root))
    path = store_path(_ctx(root).workspace.step_cache_dir, "markdown_lint", "rumdl")
    data = json.loads(path.read_text())
    data["entries"]["a.md"]["value"] = {"findings": [{"rule": "x"}]}  # no severity
    path.write_text(json.dumps(data))
    outcome = markdown_lint.run(_ctx(root))
    assert [(f.rule, f.path) for f in outcome.findings] == [("md/MD018", "a.md")]
    assert any("1 stored entry unreadable" in line for line in outcome.checked)


def test_step_cache_off_reads_and_writes_nothing(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", {"a.md": "#Broken\n"})
    outcome = markdown_lint.run(_ctx(root, OFF))
    assert len(outcome.findings) == 1
    assert not list((root / ".ai_workflow" / "step_cache").glob("*.files.json"))
    assert any("off (run.step_cache)" in line for line in outcome.checked)


def test_explain_lists_what_the_next_run_rechecks(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", {"a.md": "# A\n", "b.md": "# B\n"})
    markdown_lint.run(_ctx(root))
    (root / "a.md").write_text("# A changed\n")
    (root / "b.md").unlink()
    ctx = _ctx(root)
    lines = explain_stores(ctx.workspace.step_cache_dir, "markdown_lint", file_ids(ctx))
    text = "\n".join(lines)
    assert "2 of 2 file(s) checked (2 no stored results), 0 reused" in text
    assert "re-checks 1 (content changed): a.md" in text
    assert "re-checks 1 (gone): b.md" in text


# --------------------------------------------------------------------------- property


HEADINGS = ["# Title", "#Broken heading", "## Part", "#Closed#", "(rev)[https://x.org]"]
LINKS = ["[ok](b.md)", "[empty]()", "| a | b |\n|---|---|\n| 1 | 2 | 3 |", "plain text"]
DEEP = (
    "def deep(a):\n"
    + "".join("    " * (i + 1) + f"if a > {i}:\n" for i in range(6))
    + "    " * 7
    + "return a\n"
)
PYTHON = [
    "import os\n", "x = 1\n", "def f(:\n", "print(undefined)\n", "import sys\nsys.exit()\n", DEEP
]  # fmt: skip
SHELL = ["#!/bin/sh\necho $1\n", '#!/bin/bash\nset -eu\necho "$x"\n', "#!/bin/sh\ncd dir\n"]

FILES = {
    "README.md": "# Project\n\nSee [docs](docs/guide.md).\n",
    "docs/guide.md": "# Guide\n\n#Broken heading\n",
    "pkg/mod.py": "import os\n",
    "pkg/util.py": "x = 1\n",
    "run.sh": "#!/bin/sh\necho $1\n",
}

edits = st.one_of(
    st.tuples(
        st.just("markdown"),
        st.sampled_from(["README.md", "docs/guide.md", "docs/new.md"]),
        st.lists(st.sampled_from(HEADINGS + LINKS), min_size=1, max_size=4),
    ),
    st.tuples(
        st.just("python"),
        st.sampled_from(["pkg/mod.py", "pkg/util.py", "pkg/new.py"]),
        st.lists(st.sampled_from(PYTHON), min_size=1, max_size=3),
    ),
    st.tuples(
        st.just("shell"),
        st.sampled_from(["run.sh", "tools/new.sh"]),
        st.lists(st.sampled_from(SHELL), min_size=1, max_size=1),
    ),
    st.tuples(st.just("rename"), st.sampled_from(sorted(FILES)), st.just([])),
    st.tuples(st.just("delete"), st.sampled_from(sorted(FILES)), st.just([])),
    st.tuples(st.just("commit"), st.just(""), st.just([])),
    st.tuples(st.just("config"), st.just(".markdownlint.json"), st.just([])),
)


def _apply(root: Path, edit: tuple[str, str, list[str]]) -> None:
    kind, path, parts = edit
    target = root / path
    if kind in ("markdown", "python", "shell"):
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    elif kind in ("rename", "delete", "commit"):
        edit_file(root, kind, path)
    elif kind == "config":
        config = root / ".markdownlint.json"
        if config.exists():
            config.unlink()
        else:
            config.write_text('{"default": false, "MD018": true, "MD013": {"line_length": 20}}')


def _findings(outcome: Any) -> list[dict[str, Any]]:
    return [f.to_dict() for f in outcome.findings]


def _both(root: Path, module: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    incremental = module.run(step_context(root, module.SPEC, memo=RunMemo()))
    full = module.run(step_context(root, module.SPEC, config=OFF, memo=RunMemo()))
    assert incremental.tool_error is None and full.tool_error is None
    return _findings(incremental), _findings(full)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(edits, min_size=1, max_size=5))
def test_incremental_results_equal_a_full_run(
    tmp_path_factory: pytest.TempPathFactory, sequence: list[tuple[str, str, list[str]]]
) -> None:
    root = make_repo(tmp_path_factory.mktemp("prop") / "p", FILES)
    for module in (markdown_lint, code_quality):
        module.run(step_context(root, module.SPEC, memo=RunMemo()))  # the cold run fills it
    for edit in sequence:
        _apply(root, edit)
        for module in (markdown_lint, code_quality):
            incremental, full = _both(root, module)
            assert incremental == full, (module.__name__, edit)
