"""AI triage (`ai.triage: true`) end to end: `ai-workflow run` against a local OpenAI-compatible
server through the official SDK. The fake model labels every finding of one rule noise."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from ai_workflow.ai.triage import (
    LABELS_OVERHEAD,
    RADIUS,
    SYSTEM,
    TOKENS_PER_LABEL,
    parse_labels,
)
from ai_workflow.cli import main
from tests.ai.fakes import FakeLLMServer, findings_answer
from tests.ai.support import SECRETS, make_project

STEPS = "pre_analysis,documentation,code_quality"
NOISY_RULE = "ruff/F401"
CORE = "def add(a, b):\n    unused = 1\n    return a + b\n"  # ruff/F841: actionable
UTIL = "import sys\n"  # ruff/F401: the fake model calls it noise
TRIAGE_MARK = SYSTEM.splitlines()[2][:40]  # a line only the triage's instructions have


def is_triage(body: dict[str, Any]) -> bool:
    return TRIAGE_MARK in body["messages"][0]["content"]


def model(body: dict[str, Any]) -> str:
    """The review answers no finding; the triage says noise to every NOISY_RULE finding."""
    if not is_triage(body):
        return findings_answer(summary="Nothing to add.")
    user = body["messages"][-1]["content"]
    labels = []
    for number, block in re.findall(r"### Finding (\d+)\n(.*?)(?=\n### Finding |\Z)", user, re.S):
        noise = f"rule: {NOISY_RULE} " in block
        labels.append(
            {
                "id": int(number),
                "label": "noise" if noise else "actionable",
                "reason": "private helper" if noise else "worth fixing",
            }
        )
    return json.dumps({"labels": labels})


def _setup(monkeypatch: pytest.MonkeyPatch, base_url: str, tmp_path: Path) -> Path:
    target, _ = make_project(tmp_path / "p")
    (target / "src" / "demo" / "core.py").write_text(CORE)
    (target / "src" / "demo" / "util.py").write_text(UTIL)
    monkeypatch.setenv("AI_WORKFLOW_AI_PROVIDER", "openai")
    monkeypatch.setenv("AI_WORKFLOW_AI_BASE_URL", base_url)
    monkeypatch.setenv("AI_WORKFLOW_AI_MODEL", "local-model")
    monkeypatch.setenv("AI_WORKFLOW_AI_MAX_RETRIES", "0")
    monkeypatch.setenv("AI_WORKFLOW_AI_TRIAGE", "true")
    monkeypatch.setenv("COLUMNS", "200")
    return target


def _run(capsys: pytest.CaptureFixture[str], target: Path, *extra: str) -> tuple[str, str]:
    code = main(["run", "--target", str(target), "--auto", "--steps", STEPS, *extra])
    out, err = capsys.readouterr()
    assert code in (0, 1), out + err
    return out, err


def _backlog(target: Path) -> Path:
    [folder] = sorted((target / ".ai_workflow" / "backlog").iterdir())[-1:]
    return folder


def _findings(target: Path) -> list[dict[str, Any]]:
    document = json.loads((_backlog(target) / "findings.json").read_text())
    items: list[dict[str, Any]] = document["findings"]
    return items


def test_triage_hides_noise_from_the_console_and_keeps_it_labelled_in_the_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeLLMServer(answer=model) as server:
        target = _setup(monkeypatch, server.base_url, tmp_path)
        out, _ = _run(capsys, target)
        triage_bodies = [r.body for r in server.requests if is_triage(r.body)]
    assert len(triage_bodies) == 1  # one batch holds every shown finding of this project
    user = triage_bodies[0]["messages"][-1]["content"]
    asked = len(re.findall(r"^### Finding \d+$", user, re.M))
    # the output limit and the grammar are sized to the batch: a small model cannot ramble on
    assert triage_bodies[0]["max_tokens"] == LABELS_OVERHEAD + asked * TOKENS_PER_LABEL
    schema = triage_bodies[0]["response_format"]["json_schema"]["schema"]
    labels = schema["properties"]["labels"]
    assert labels["maxItems"] == labels["minItems"] == asked  # one label per finding
    assert labels["items"]["properties"]["id"] == {"enum": list(range(1, asked + 1))}
    assert "maxLength" not in json.dumps(schema)
    for secret in SECRETS.values():
        assert secret not in user  # redacted like every prompt
    assert str(target) not in user
    items = _findings(target)
    noisy = [f for f in items if f["rule"] == NOISY_RULE and f["severity"] != "info"]
    assert noisy, "util.py imports sys for nothing"
    assert all(f["triage"] == {"label": "noise", "reason": "private helper"} for f in noisy)
    labelled = [f for f in items if "triage" in f]
    assert {f["triage"]["label"] for f in labelled} == {"noise", "actionable"}
    assert all(f["severity"] in ("error", "warning") and f["source"] == "check" for f in labelled)
    # the console: no noise in the top findings, and a line saying how many were hidden
    top = out[out.index("Top findings") : out.index("Performance Metrics")]
    assert NOISY_RULE not in top
    assert f"{len(noisy)} finding(s) labelled noise by the AI triage not shown" in top
    assert any(f["rule"] in top for f in labelled if f["triage"]["label"] == "actionable")
    # the step summary leaves noise out; the step report shows the label
    summary_md = next((target / ".ai_workflow" / "summaries").rglob("*code_quality_summary.md"))
    text = summary_md.read_text()
    assert NOISY_RULE not in text and f"{len(noisy)} labelled noise by the AI triage" in text
    report_md = next(_backlog(target).glob("step*_code_quality.md")).read_text()
    assert "AI triage: noise (private helper)" in report_md
    sarif = json.loads((_backlog(target) / "findings.sarif").read_text())
    props = [r["properties"] for r in sarif["runs"][0]["results"] if r["ruleId"] == NOISY_RULE]
    assert any(p.get("triage", {}).get("label") == "noise" for p in props)
    html = (_backlog(target) / "report.html").read_text()
    assert "AI triage: noise (private helper)" in html
    summary = json.loads(
        (target / ".ai_workflow" / "metrics" / "history.jsonl").read_text().splitlines()[-1]
    )
    triage = summary["ai"]["triage"]
    assert triage["noise"] == len(noisy) and triage["requests"] == 1
    assert triage["triaged"] == len(labelled) and triage["skipped"] is None


def test_triage_answers_are_cached_per_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeLLMServer(answer=model) as server:
        target = _setup(monkeypatch, server.base_url, tmp_path)
        _run(capsys, target, "--no-step-cache")
        first = len(server.requests)
        first_labels = {
            (f["rule"], f["path"], f["line"]): f.get("triage") for f in _findings(target)
        }
        _run(capsys, target, "--no-step-cache")
        assert len(server.requests) == first  # second run: 0 requests, reviews and triage
        again = {(f["rule"], f["path"], f["line"]): f.get("triage") for f in _findings(target)}
        assert again == first_labels
        # one finding changes (its code): only it is asked again
        core = target / "src" / "demo" / "core.py"
        core.write_text("\n" + CORE)  # its finding moves a line down
        _run(capsys, target, "--no-step-cache")
        asked = [r.body for r in server.requests[first:] if is_triage(r.body)]
    assert len(asked) == 1
    user = asked[0]["messages"][-1]["content"]
    assert "core.py" in user and "util.py" not in user


def test_triage_with_the_provider_down_labels_nothing_and_says_so_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeLLMServer(answer=model) as server:
        down = server.base_url
    target = _setup(monkeypatch, down, tmp_path)  # nothing listens there any more
    out, err = _run(capsys, target)
    assert not [f for f in _findings(target) if "triage" in f]
    notes = [line for line in (out + err).splitlines() if "AI triage" in line]
    # stopped at its first request, or skipped when the reviews already found the server down
    assert len(notes) == 1 and re.search(r"AI triage (stopped|skipped)", notes[0]), notes
    history = (target / ".ai_workflow" / "metrics" / "history.jsonl").read_text().splitlines()
    triage = json.loads(history[-1])["ai"]["triage"]
    assert triage["triaged"] == 0 and triage["skipped"]


def test_triage_without_a_provider_is_skipped_with_one_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    target, _ = make_project(tmp_path / "p")
    (target / "src" / "demo" / "util.py").write_text(UTIL)
    monkeypatch.setenv("AI_WORKFLOW_AI_TRIAGE", "true")
    out, err = _run(capsys, target)
    notes = [line for line in (out + err).splitlines() if "AI triage" in line]
    assert len(notes) == 1 and "AI triage skipped" in notes[0], notes
    assert not [f for f in _findings(target) if "triage" in f]


def test_triage_blocks_show_the_code_around_the_line(tmp_path: Path) -> None:
    from ai_workflow.ai.triage import code_around

    (tmp_path / "a.py").write_text("".join(f"line{n}\n" for n in range(1, 21)))
    (tmp_path / ".env").write_text("TOKEN=x\n")
    shown = code_around(tmp_path, "a.py", 10, ())
    assert shown.splitlines()[0].strip().startswith(str(10 - RADIUS))
    assert len(shown.splitlines()) == 2 * RADIUS + 1 and ">   10 | line10" in shown
    assert code_around(tmp_path, "a.py", 99, ()) == ""
    assert code_around(tmp_path, ".env", 1, ()) == ""  # never read: secret deny-list
    assert code_around(tmp_path, "../a.py", 1, ()) == ""


def test_triage_answers_are_parsed_tolerantly() -> None:
    text = (
        '```json\n{"labels": [{"id": 1, "label": "noise", "reason": "r"}, '
        '{"id": 2, "label": "maybe", "reason": "r"}, {"id": 3}]}\n```'
    )
    labels = parse_labels(text)
    assert list(labels) == [1] and labels[1].label == "noise"


def test_batches_are_bounded_by_the_output_room(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With room for one label per answer (`ai.max_output_tokens` 80), one finding a request."""
    with FakeLLMServer(answer=model) as server:
        target = _setup(monkeypatch, server.base_url, tmp_path)
        monkeypatch.setenv("AI_WORKFLOW_AI_MAX_OUTPUT_TOKENS", "80")
        _run(capsys, target)
        asked = [r.body for r in server.requests if is_triage(r.body)]
    labelled = [f for f in _findings(target) if "triage" in f]
    assert len(labelled) >= 2 and len(asked) == len(labelled)
    assert all(b["messages"][-1]["content"].count("### Finding ") == 1 for b in asked)
