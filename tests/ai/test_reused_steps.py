"""With provider `none`, a step reused from the step cache or on resume says the AI review was
skipped and where the prompt of its result is saved (by the run it came from), without building
the prompt again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from ai_workflow.cli import main
from ai_workflow.steps import BUILTIN_MODULES
from tests.helpers import make_repo, write_files

SKIPPED = "AI review skipped: no provider configured"


def _run(capsys: pytest.CaptureFixture[str], target: Path, *extra: str) -> dict[str, Any]:
    code = main(["run", "--target", str(target), "--auto", "--json", *extra])
    out = capsys.readouterr().out
    assert code in (0, 1), out
    summary: dict[str, Any] = json.loads(out)
    return summary


def _project(root: Path, extra: dict[str, str] | None = None) -> Path:
    files = {
        "README.md": "# Demo\n\nA demo project.\n",
        ".gitignore": ".ai_workflow/\n",
        "src/demo/__init__.py": "",
        "src/demo/core.py": "def add(a, b):\n    return a + b\n",
        **(extra or {}),
    }
    target = make_repo(root, files)
    write_files(target, {"src/demo/core.py": "def add(a, b):\n    return a + b + 0\n"})
    return target


def _persona_stems() -> dict[str, str]:
    return {m.SPEC.id: m.SPEC.file_stem for m in BUILTIN_MODULES if m.SPEC.persona}


def _assert_prompt_and_note(
    target: Path, summary: dict[str, Any], reused: set[str], source: str | None = None
) -> None:
    """Every AI-assisted step has one note; a step that ran saved its prompt in this run, a
    reused one points at the prompt the run it came from (`source`) saved."""
    run_id = summary["run_id"]
    steps = {s["id"]: s for s in summary["steps"]}
    stems = _persona_stems()
    assert {s["number"] for s in steps.values() if s["id"] in stems} >= set(range(1, 12))
    for sid, stem in stems.items():
        saved_by = source if sid in reused else run_id
        prompt = f"prompts/{saved_by}/{stem}.md"
        assert (target / ".ai_workflow" / prompt).is_file(), sid
        notes = [c for c in steps[sid]["skipped_checks"] if c.startswith(SKIPPED)]
        assert len(notes) == 1, (sid, steps[sid]["skipped_checks"])
        assert prompt in notes[0], notes[0]
    if reused:
        assert not (
            target / ".ai_workflow" / "prompts" / run_id / "step01_documentation.md"
        ).exists()
    assert reused <= {sid for sid, s in steps.items() if s["status"] == "reused"}


def test_steps_reused_from_the_step_cache_point_at_their_prompts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = _project(tmp_path / "p")
    first = _run(capsys, target)
    second = _run(capsys, target)
    reused = {s["id"] for s in second["steps"] if s["status"] == "reused"}
    assert {"documentation", "code_quality", "dependencies"} <= reused
    _assert_prompt_and_note(target, first, set())
    _assert_prompt_and_note(target, second, reused, first["run_id"])


def test_steps_reused_on_resume_point_at_their_prompts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = {"id": "gate", "run": 'test -n "$AIW_TEST_GATE_OPEN"'}
    config = yaml.safe_dump({"workflow": {"steps": [gate]}})
    target = _project(tmp_path / "p", {".workflow-config.yaml": config})
    monkeypatch.delenv("AIW_TEST_GATE_OPEN", raising=False)
    first = _run(capsys, target, "--no-step-cache")
    assert first["status"] == "failed"
    monkeypatch.setenv("AIW_TEST_GATE_OPEN", "1")
    second = _run(capsys, target, "--no-step-cache")
    assert second["options"]["resumed_from"] == first["run_id"]
    steps = {s["id"]: s for s in second["steps"]}
    assert steps["gate"]["status"] == "passed"
    reused = {sid for sid, s in steps.items() if s["status"] == "reused"}
    assert {"documentation", "code_quality", "dependencies"} <= reused
    _assert_prompt_and_note(target, second, reused, first["run_id"])
    report = target / ".ai_workflow" / "backlog" / second["run_id"] / "step01_documentation.md"
    text = report.read_text(encoding="utf-8")
    assert f"Reused the result of run `{first['run_id']}`" in text
    assert text.count("AI review skipped") == 1
