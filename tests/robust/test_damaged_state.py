"""Damaged state under `.ai_workflow/`: every run and every `cache` command goes on, with one
warning naming the file, and a damaged record is never trusted nor copied."""

from __future__ import annotations

import json
import math
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ai_workflow.ai.cache import (
    ResponseCache,
    cache_key,
    header_problem,
    settled_header_problem,
)
from ai_workflow.cli import main
from ai_workflow.engine import records
from ai_workflow.engine.metrics import append_history, read_history, write_current
from ai_workflow.engine.step import StepStatus
from tests.ai.fakes import FakeLLMServer, findings_answer
from tests.ai.test_cache import REQUEST, RESPONSE
from tests.helpers import make_repo

Repo = Callable[..., Path]
WORK = ".ai_workflow"


def _run(repo: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["run", "--target", str(repo), "--auto", "--json", *args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    if code in (0, 1):
        json.loads(captured.out)  # the summary was printed
    return code, captured.err


def _cache(repo: Path, action: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["cache", action, "--target", str(repo), "--json"]) == 0
    captured = capsys.readouterr()
    result: dict[str, Any] = json.loads(captured.out)
    result["stderr"] = captured.err
    return result


# ------------------------------------------------------------------ the AI cache


def _filled_cache(repo: Path) -> Path:
    cache = ResponseCache(repo / WORK / "ai_cache", ttl_s=3600, max_bytes=50 * 1024 * 1024)
    for n in range(200):
        request = REQUEST.__class__(**{**REQUEST.__dict__, "user": f"u{n}" * 50})
        assert cache.put(cache_key(request), request, RESPONSE)
    cache.close()
    return repo / WORK / "ai_cache" / "cache.db"


def _truncate(db: Path) -> None:
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2 + 17])


DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncated": _truncate,
    "garbage": lambda db: db.write_bytes(b"\x00garbage" * 999),
    "not a database": lambda db: db.write_text("SQLite? no, a shopping list\n" * 10),
    "a directory": lambda db: (db.unlink(), db.mkdir()),  # type: ignore[func-returns-value]
    "no directory": lambda db: (
        shutil.rmtree(db.parent),  # type: ignore[func-returns-value]
        db.parent.write_text("x"),
    ),
}


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_a_damaged_ai_cache_is_moved_aside_and_replaced(
    kind: str,
    custom_repo: Repo,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    repo = custom_repo([], workflow={"disable": []})
    DAMAGE[kind](_filled_cache(repo))
    with FakeLLMServer(answer=findings_answer()) as server:
        monkeypatch.setenv("AI_WORKFLOW_AI_PROVIDER", "openai")
        monkeypatch.setenv("AI_WORKFLOW_AI_BASE_URL", server.base_url)
        monkeypatch.setenv("AI_WORKFLOW_AI_MAX_RETRIES", "0")
        code, err = _run(repo, capsys, "--steps", "pre_analysis,documentation")
        assert err.count("moved aside to ai_cache.corrupt-") == 1, err
        assert code in (0, 1)
        assert len(read_history(repo)) == 1 and not list((repo / WORK / "checkpoints").glob("*"))
        _run(repo, capsys, "--steps", "pre_analysis,documentation")
    assert len(server.requests) == 1  # the fresh cache answered the second run
    stats = _cache(repo, "stats", capsys)
    assert stats["entries"] == 1 and len(stats["damaged_copies"]) == 1
    cleared = _cache(repo, "clear", capsys)
    assert (cleared["removed"], cleared["damaged_copies_removed"]) == (1, 1)


@pytest.mark.parametrize("kind", sorted(DAMAGE))
@pytest.mark.parametrize("action", ["stats", "prune", "clear"])
def test_cache_commands_work_on_a_damaged_cache(
    kind: str, action: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    DAMAGE[kind](_filled_cache(tmp_path))
    result = _cache(tmp_path, action, capsys)
    assert result["entries"] == 0
    assert "moved aside to ai_cache.corrupt-" in result["stderr"]


def test_the_header_check_passes_a_live_database_and_catches_truncation(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path / "c", ttl_s=3600, max_bytes=50 * 1024 * 1024)
    cache.put(cache_key(REQUEST), REQUEST, RESPONSE)  # open, not closed: WAL not checkpointed
    assert header_problem(tmp_path / "c" / "cache.db") is None
    cache.close()
    db = _filled_cache(tmp_path)
    assert header_problem(db) is None
    _truncate(db)
    assert header_problem(db) == "truncated"


@pytest.mark.parametrize(
    ("field", "value"),
    [("created", "yesterday"), ("usage", None), ("response", {"text": 5}), ("created", -1)],
)
def test_a_cache_entry_of_the_wrong_shape_is_skipped_with_a_warning(
    field: str, value: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = ResponseCache(tmp_path / WORK / "ai_cache", ttl_s=3600, max_bytes=10**8)
    key = cache_key(REQUEST)
    cache.put(key, REQUEST, RESPONSE)
    store = cache._open()
    store.set(key, json.dumps({**json.loads(store.get(key)), field: value}))
    with pytest.warns(UserWarning, match=rf"cache.db, entry {key[:16]}: skipped a damaged"):
        assert cache.get(key) is None
    cache.close()
    assert _cache(tmp_path, "stats", capsys)["entries"] == 0  # dropped, not served


# ------------------------------------------------------------------ history and live run

BAD_STEPS = ['"abc"', "null", '[1, "a"]', '[{"id": "a", "status": "passed", "duration_s": "1"}]']


@pytest.mark.parametrize("steps", BAD_STEPS)
def test_a_wrongly_typed_history_line_is_skipped_with_its_line(
    steps: str, custom_repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = custom_repo([{"id": "a", "run": "true"}])
    _run(repo, capsys)
    history = repo / WORK / "metrics" / "history.jsonl"
    with history.open("a") as handle:
        handle.write('{"run_id": "workflow_20260101_000000", "status": "passed", ')
        handle.write(f'"steps": {steps}}}\n')
    code, err = _run(repo, capsys)
    assert code == 0
    assert f"{history}:2: skipped a history line that is no valid run record" in err
    assert main(["metrics", "--target", str(repo), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["runs"] == 2
    assert main(["graph", "--target", str(repo)]) == 0


def test_a_garbled_live_run_is_never_copied_into_the_history(
    custom_repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = custom_repo([{"id": "a", "run": "true"}])
    metrics = repo / WORK / "metrics"
    metrics.mkdir(parents=True)
    garbled = {"run_id": "workflow_20260101_000000", "status": "running", "steps": "abc"}
    (metrics / "current_run.json").write_text(json.dumps(garbled))
    code, err = _run(repo, capsys)
    assert code == 0
    assert "current_run.json: the live record of run 'workflow_20260101_000000'" in err
    assert [r["run_id"] for r in read_history(repo)] != ["workflow_20260101_000000"]
    assert all(r["run_id"] != "workflow_20260101_000000" for r in read_history(repo))


def test_json_we_write_is_strict(tmp_path: Path) -> None:
    summary = {"run_id": "workflow_20260101_000000", "status": "running", "duration_s": math.inf}
    summary["estimates"] = {"a": math.nan}  # type: ignore[assignment]
    append_history(tmp_path, summary)
    write_current(tmp_path, {**summary, "status": "passed"})
    metrics = tmp_path / WORK / "metrics"
    for path in (metrics / "history.jsonl", metrics / "current_run.json"):
        text = path.read_text()
        assert "Infinity" not in text and "NaN" not in text
        assert records.loads(text.splitlines()[0])["duration_s"] is None
    with pytest.raises(ValueError):
        records.loads('{"a": NaN}')


# ------------------------------------------------------------------ files replaced


STATE = {
    "history.jsonl": "metrics/history.jsonl",
    "current_run.json": "metrics/current_run.json",
    "a checkpoint": "checkpoints/workflow_20260101_000000.json",
    "run.lock": "run.lock",
    "run.pid": "run.pid",
    "the metrics directory": "metrics",
    "the checkpoints directory": "checkpoints",
    "a step-cache entry": "step_cache/a.json",
    "the logs directory": "logs",
}


@pytest.mark.parametrize("name", sorted(STATE))
@pytest.mark.parametrize("replacement", ["directory", "file", "symlink"])
def test_a_state_entry_of_the_wrong_kind_is_moved_aside(
    name: str,
    replacement: str,
    custom_repo: Repo,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    repo = custom_repo([{"id": "a", "run": "true", "inputs": ["README.md"]}])
    _run(repo, capsys)
    path = repo / WORK / STATE[name]
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    outside = tmp_path / "outside.txt"
    outside.write_text("not ours\n")
    if replacement == "directory":
        (path / "x").mkdir(parents=True)
    elif replacement == "file":
        path.write_text("{")
    else:
        path.symlink_to(outside)
    code, err = _run(repo, capsys)
    assert code == 0, err
    assert outside.read_text() == "not ours\n"  # nothing was written through the link
    assert len(read_history(repo)) >= 1
    code, _ = _run(repo, capsys)  # and the run after it is clean
    assert code == 0


def test_a_wrongly_typed_checkpoint_is_skipped(
    custom_repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = custom_repo([{"id": "a", "run": "true"}])
    folder = repo / WORK / "checkpoints"
    folder.mkdir(parents=True)
    result = {"id": "a", "number": "13", "name": "a", "status": "passed"}
    checkpoint = {
        "schema": "ai-workflow/checkpoint@1",
        "run_id": "workflow_20260101_000000",
        "status": "failed",
        "results": [result],
    }
    (folder / "workflow_20260101_000000.json").write_text(json.dumps(checkpoint))
    code, err = _run(repo, capsys)
    assert code == 0
    assert "skipped unreadable checkpoint workflow_20260101_000000.json: results.0.number" in err


def test_the_record_statuses_are_the_engines() -> None:
    assert set(records.Status.__args__) == {s.value for s in StepStatus}  # type: ignore[attr-defined]


def test_a_damaged_step_cache_entry_is_a_miss(
    custom_repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = custom_repo([{"id": "a", "run": "echo ran-a", "inputs": ["README.md"]}])
    _run(repo, capsys)
    entry = repo / WORK / "step_cache" / "a.json"
    data = json.loads(entry.read_text())
    data["result"]["findings"] = [{"rule": 5}]
    entry.write_text(json.dumps(data))
    _, err = _run(repo, capsys)
    assert "a.json: skipped a damaged step-cache entry (result.findings.0.rule" in err
    status = {s["id"]: s["status"] for s in read_history(repo)[-1]["steps"]}
    assert status == {"a": "passed"}  # it ran again instead of reusing a damaged result


def test_a_bare_target_still_works(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "p", {"README.md": "# p\n"})
    (repo / WORK).mkdir()
    (repo / WORK / "ai_cache").write_text("not a directory")
    assert main(["cache", "stats", "--target", str(repo)]) == 0
    assert "moved aside" in capsys.readouterr().err


def test_a_database_another_process_is_still_writing_is_no_damage(tmp_path: Path) -> None:
    """A checkpoint writes the page count into the header before the pages: a process that
    opens the cache at that moment sees a short file. The header is asked again after short
    waits, so only a problem that stays moves the cache aside (eight parallel writers once lost
    the entries of four to such a passing state)."""
    db = _filled_cache(tmp_path)
    whole = db.read_bytes()
    db.write_bytes(whole[: len(whole) // 2 + 17])
    assert settled_header_problem(db) == "truncated"  # a state that stays is damage
    finish = threading.Timer(0.15, lambda: db.write_bytes(whole))
    finish.start()
    try:
        assert settled_header_problem(db) is None
    finally:
        finish.join()
    cache = ResponseCache(db.parent, ttl_s=3600, max_bytes=50 * 1024 * 1024)
    assert cache.stats()["entries"] == 200
    cache.close()
