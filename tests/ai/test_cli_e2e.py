"""End to end through `ai_workflow.cli.main`: a run with a local fake provider, the cache, and
the `cache` command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ai_workflow.ai.redact import redact
from ai_workflow.cli import main
from tests.ai.fakes import Action, FakeLLMServer, findings_answer
from tests.ai.support import SECRETS, make_project
from tests.helpers import commit_all

STEPS = "pre_analysis,documentation,code_quality"
ANSWER = findings_answer(
    {
        "rule": "ai/docs-mismatch",
        "severity": "warning",
        "path": "README.md",
        "line": 1,
        "message": "Document sub().",
    }
)


def _run(capsys: pytest.CaptureFixture[str], target: Path, *extra: str) -> dict[str, Any]:
    code = main(["run", "--target", str(target), "--auto", "--steps", STEPS, "--json", *extra])
    out = capsys.readouterr().out
    assert code in (0, 1), out
    summary: dict[str, Any] = json.loads(out)
    return summary


def _cache_cmd(capsys: pytest.CaptureFixture[str], target: Path, action: str) -> dict[str, Any]:
    assert main(["cache", action, "--target", str(target), "--json"]) == 0
    result: dict[str, Any] = json.loads(capsys.readouterr().out)
    return result


def _use_server(monkeypatch: pytest.MonkeyPatch, base_url: str, *, retries: bool = True) -> None:
    """Point the AI layer at a local OpenAI-compatible server through AI_WORKFLOW_* variables."""
    monkeypatch.setenv("AI_WORKFLOW_AI_PROVIDER", "openai")
    monkeypatch.setenv("AI_WORKFLOW_AI_BASE_URL", base_url)
    monkeypatch.setenv("AI_WORKFLOW_AI_MODEL", "local-model")
    if not retries:
        monkeypatch.setenv("AI_WORKFLOW_AI_MAX_RETRIES", "0")


def test_run_cache_and_cache_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    target, _ = make_project(tmp_path / "p")
    with FakeLLMServer(answer=ANSWER) as server:
        _use_server(monkeypatch, server.base_url, retries=False)
        first = _run(capsys, target)
        assert len(server.requests) == 2  # documentation and code_quality have personas
        second = _run(capsys, target, "--no-step-cache")
        assert len(server.requests) == 2  # all from the AI cache
        third = _run(capsys, target, "--no-ai-cache", "--no-step-cache")
        assert len(server.requests) == 4
    ai1, ai2, ai3 = first["ai"], second["ai"], third["ai"]
    assert ai1["calls"] == 2 and ai1["cache_misses"] == 2 and ai1["cache_hits"] == 0
    assert ai2["calls"] == 0 and ai2["cache_hits"] == ai1["cache_misses"]
    assert ai2["tokens_saved"] == ai1["tokens_in"] + ai1["tokens_out"] > 0
    assert ai3["calls"] == 2 and ai3["cache_hits"] == ai3["cache_misses"] == 0
    history = (target / ".ai_workflow" / "metrics" / "history.jsonl").read_text().splitlines()
    assert [json.loads(line)["ai"]["cache_hits"] for line in history] == [0, 2, 0]
    findings = json.loads(
        next((target / ".ai_workflow").rglob("findings.json")).read_text(encoding="utf-8")
    )
    items = findings if isinstance(findings, list) else findings.get("findings", [])
    assert any(f["rule"] == "ai/docs-mismatch" and f["source"] == "ai" for f in items)
    for secret in SECRETS.values():
        assert all(secret not in body for body in server.bodies())

    stats = _cache_cmd(capsys, target, "stats")
    assert stats["entries"] == 2 and stats["size_bytes"] > 0
    assert stats["by_model"] == {"local-model": 2}
    assert stats["tokens_stored"] == ai1["tokens_in"] + ai1["tokens_out"]
    assert _cache_cmd(capsys, target, "prune")["removed"] == 0
    cleared = _cache_cmd(capsys, target, "clear")
    assert cleared["removed"] == 2 and cleared["entries"] == 0


def test_cache_command_human_output_and_bad_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "empty"
    target.mkdir()
    assert main(["cache", "stats", "--target", str(target)]) == 0
    out = capsys.readouterr().out
    assert "entries        0" in out and "least-recently-used" in out
    assert not (target / ".ai_workflow").exists()  # looking creates nothing
    assert main(["cache", "prune", "--target", str(target)]) == 0
    assert "0 entries removed" in capsys.readouterr().out
    assert main(["cache", "stats", "--target", str(tmp_path / "missing")]) == 2
    assert "target does not exist" in capsys.readouterr().err
    assert main(["cache", "explode", "--target", str(target)]) == 2


def test_step_cache_never_freezes_ai_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reused steps get a fresh AI review: a provider error is retried, --no-ai-cache asks again."""
    target, _ = make_project(tmp_path / "p")
    failing = [Action(status=500), Action(status=500)]  # the first run's two reviews fail
    with FakeLLMServer(answer=ANSWER, script=failing) as server:
        _use_server(monkeypatch, server.base_url, retries=False)
        first = _run(capsys, target)
        assert len(server.requests) == 2
        second = _run(capsys, target)
        assert len(server.requests) == 4  # the reviews are retried although the steps are reused
        third = _run(capsys, target, "--no-ai-cache")
        assert len(server.requests) == 6  # --no-ai-cache really asks again
    first_rules = {f["rule"] for s in first["steps"] for f in s["findings"]}
    assert not {r for r in first_rules if r.startswith("ai/")}  # provider errors: no findings
    problems = first["ai"]["problems"]  # ...but the run's ai block
    assert len(problems) == 2 and all("HTTP 500" in p["error"] for p in problems)
    reused = {s["id"] for s in second["steps"] if s["status"] == "reused"}
    assert {"documentation", "code_quality"} <= reused
    rules = {f["rule"] for s in second["steps"] for f in s["findings"]}
    assert "ai/provider-error" not in rules and "ai/docs-mismatch" in rules
    assert third["ai"]["calls"] == 2


def test_unchanged_rerun_with_reused_steps_sends_no_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reused steps read the same to every reviewer (context analysis included): all hits."""
    target, _ = make_project(tmp_path / "p")
    with FakeLLMServer(answer=ANSWER) as server:
        _use_server(monkeypatch, server.base_url)
        first = _run(capsys, target)
        sent = len(server.requests)
        second = _run(capsys, target)
        assert len(server.requests) == sent
    assert any(s["status"] == "reused" for s in second["steps"])
    assert second["ai"]["calls"] == 0
    assert second["ai"]["cache_hits"] == first["ai"]["cache_misses"] > 0


def test_latin1_text_in_a_changed_file_keeps_every_review_working(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A committed Latin-1 notes.txt (git gives its bytes as surrogate escapes) used to fail
    saving the prompt of every step: `ai/internal-error` on all of them."""
    target, _ = make_project(tmp_path / "p", secrets=False)
    commit_all(target, "sub")
    (target / "notes.txt").write_bytes(
        "caf\xe9 cr\xe8me, na\xefve r\xe9sum\xe9\n".encode("latin-1")
    )
    commit_all(target, "notes in Latin-1")
    (target / "notes.txt").write_bytes("d\xe9j\xe0 vu\n".encode("latin-1"))  # and a diff
    with FakeLLMServer(answer=ANSWER) as server:
        _use_server(monkeypatch, server.base_url, retries=False)
        summary = _run(capsys, target, "--no-step-cache")
        bodies = server.bodies()
    assert len(bodies) == 2
    findings = json.loads(next((target / ".ai_workflow").rglob("findings.json")).read_text())
    items = findings if isinstance(findings, list) else findings.get("findings", [])
    assert not [f for f in items if f["rule"] == "ai/internal-error"], items
    assert any(f["rule"] == "ai/docs-mismatch" for f in items)
    prompts = sorted((target / ".ai_workflow").rglob("prompts/**/step*_*.md"))
    assert len(prompts) == 2, prompts
    for prompt in prompts:
        text = prompt.read_bytes().decode("utf-8")  # valid UTF-8
        assert "notes.txt" in text and "\ufffd" in text
    assert summary["ai"]["calls"] == 2


def test_unusable_answer_is_shown_in_the_step_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An answer that is not the JSON object asked for is a provider problem (the run's `ai`
    block), no finding, pointing at the step report, which shows it redacted, in a fence no
    backtick run inside can close, capped."""
    target, _ = make_project(tmp_path / "p", secrets=False)
    head = (
        'Sure! Here is my review:\n```json\n{"summary": oops}\n```\n'
        f"token {SECRETS['github']} and a run of ```` backticks\n"
    )
    filler = "".join(f"line {n:04d} of a rambling answer\n" for n in range(250))
    answer = head + filler + "THE END OF THE ANSWER\n"
    with FakeLLMServer(answer=answer) as server:
        _use_server(monkeypatch, server.base_url, retries=False)
        code = main(
            [
                "run",
                "--target",
                str(target),
                "--auto",
                "--json",
                "--steps",
                "pre_analysis,code_quality",
            ]
        )
        out = capsys.readouterr().out
        assert code in (0, 1), out
        summary = json.loads(out)
    step = next(s for s in summary["steps"] if s["id"] == "code_quality")
    assert not [f for f in step["findings"] if f["rule"].startswith("ai/")]  # not the project's
    [problem] = summary["ai"]["problems"]
    assert problem["kind"] == "ai/invalid-response" and problem["step"] == "code_quality"
    assert 'under "Raw AI answer" in the step report step09_code_quality.md' in problem["error"]
    assert summary["ai"]["unusable"] == 1
    run_dir = target / ".ai_workflow"
    report = (run_dir / "backlog" / summary["run_id"] / "step09_code_quality.md").read_text()
    assert "## Raw AI answer" in report
    assert "AI answer unusable (ai/invalid-response)" in report.split("## Skipped checks", 1)[1]
    section = report.split("## Raw AI answer", 1)[1]
    assert "`````text\nSure! Here is my review:\n```json\n" in section  # 5 backticks > 4
    assert "token [REDACTED:" in section and SECRETS["github"] not in report
    assert "line 0000 of a rambling answer" in section
    assert "THE END OF THE ANSWER" not in section  # capped at 4,000 characters
    response_file = f".ai_workflow/prompts/{summary['run_id']}/step09_code_quality.response.txt"
    redacted_length = len(redact(answer).text)
    assert f"… ({redacted_length - 4000} more characters in `{response_file}`)" in section
    assert "THE END OF THE ANSWER" in (target / response_file).read_text()
