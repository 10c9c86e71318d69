"""Running `ai-workflow run --steps test_execution --smart-execution` on a Go module and reading
the `go test` command it ran: shared by the Go selection tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ai_workflow.cli import main


def run(repo: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, Any]:
    code = main(
        [
            *("run", "--target", str(repo), "--steps", "test_execution", "--smart-execution"),
            *("--auto", "--json", *extra),
        ]
    )
    summary: dict[str, Any] = json.loads(capsys.readouterr().out)
    assert code in (0, 1)
    return summary


def command_run(summary: dict[str, Any]) -> list[str]:
    ran = [c for c in summary["steps"][0]["checked"] if c.startswith("ran `go test")]
    return ran[0].split("`")[1].split()


def packages_run(summary: dict[str, Any]) -> set[str]:
    command = command_run(summary)
    values = {i + 1 for i, word in enumerate(command) if word == "-run"}
    return {w for i, w in enumerate(command[2:], 2) if not w.startswith("-") and i not in values}


def selected_tests(summary: dict[str, Any]) -> set[str] | None:
    """The top-level tests the command's `-run` names (None: no `-run`, or the command's own)."""
    command = command_run(summary)
    if command.count("-run") != 1:
        return None
    pattern = command[command.index("-run") + 1].strip("'")
    if not (pattern.startswith("^(") and pattern.endswith(")$")):
        return None
    return set(pattern[2:-2].split("|"))


def edit(repo: Path, path: str, old: str, new: str) -> None:
    file = repo / path
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new), encoding="utf-8")
