"""How a step's context is packed: findings once, priority order, within the budget; checked
on the prompts a local OpenAI-compatible server receives through the official SDK."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ai_workflow.ai.context import OMISSION_RESERVE, PromptBuilder, without_findings
from ai_workflow.ai.templates import load_template
from ai_workflow.ai.tokens import ESTIMATE, TokenCounter, estimate_tokens, openai_counter
from ai_workflow.cli import main
from ai_workflow.engine.step import RunMemo, StepOutcome
from ai_workflow.steps import code_quality, documentation
from tests.ai.fakes import FakeLLMServer, findings_answer
from tests.ai.support import ai_config, make_project, pre_result, review, reviewer_for
from tests.helpers import commit_all, step_context, write_files

LONG = "def long_one(x):\n" + "".join(f"    x = x + {n}\n" for n in range(70)) + "    return x\n"


def _user(body: dict[str, Any]) -> str:
    return str(body["messages"][-1]["content"])


def test_a_finding_appears_once_in_the_prompt_sent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """code_quality keeps its hotspots in its data too: the prompt lists each finding once."""
    target, _ = make_project(tmp_path / "p", secrets=False)
    write_files(target, {"src/demo/long.py": LONG})
    commit_all(target, "long function")
    write_files(target, {"src/demo/long.py": LONG.replace("return x", "return x * 2")})
    monkeypatch.setenv("AI_WORKFLOW_AI_PROVIDER", "openai")
    monkeypatch.setenv("AI_WORKFLOW_AI_MAX_RETRIES", "0")
    monkeypatch.setenv("AI_WORKFLOW_AI_MODEL", "local-model")
    with FakeLLMServer(answer=findings_answer()) as server:
        monkeypatch.setenv("AI_WORKFLOW_AI_BASE_URL", server.base_url)
        steps = "pre_analysis,code_quality"
        code = main(["run", "--target", str(target), "--auto", "--json", "--steps", steps])
        summary = json.loads(capsys.readouterr().out)
        assert code in (0, 1), summary
        [body] = server.bodies()
    step = next(s for s in summary["steps"] if s["id"] == "code_quality")
    assert any(f["rule"] == "quality/long-function" for f in step["findings"])
    user = _user(json.loads(body))
    assert user.count("quality/long-function") == 1, user
    assert "- [info] quality/long-function src/demo/long.py:1: long_one" in user
    assert "entries that repeat a finding listed above are left out" in user
    assert '"counts"' in user  # the rest of the data is still there


def test_whole_findings_in_step_data_become_one_line() -> None:
    data = {
        "top_issues": [
            {"rule": "tests/failed", "severity": "error", "message": "boom", "path": "t.py",
             "line": 3, "step": "test_execution", "extra": {"details": "a long traceback"}},
        ],
        "hotspots": [{"rule": "quality/long-file", "path": "a.py", "line": 1, "lines": 900}],
        "score": 54,
    }  # fmt: skip
    view, removed = without_findings(data, {("quality/long-file", "a.py", 1)})
    assert removed == 1
    assert view == {
        "top_issues": ["[error] tests/failed t.py:3: boom (step test_execution)"],
        "hotspots": [],
        "score": 54,
    }


def _outcome() -> StepOutcome:
    outcome = StepOutcome(data={"files_checked": 3, "tool": "ruff"})
    outcome.add("ruff/F401", "warning", "`os` imported but unused", "src/demo/core.py", 1)
    return outcome


def _project(tmp_path: Path) -> tuple[Path, list[str]]:
    target, changed = make_project(tmp_path / "p", secrets=False)
    body = "".join(f"value_{n} = {n}  # a line of the module for the excerpt\n" for n in range(60))
    write_files(target, {"src/demo/core.py": "import os\n" + body})  # changed, with a diff
    return target, changed


def test_over_budget_the_lowest_priority_part_is_dropped(tmp_path: Path) -> None:
    target, changed = _project(tmp_path)
    counters = {c.name: c for c in (ESTIMATE, openai_counter("model-a"))}
    with FakeLLMServer(answer=findings_answer()) as server:

        def sent(budget: int) -> tuple[str, dict[str, Any]]:
            config = ai_config(provider="openai", base_url=server.base_url,
                               prompt_token_budget=budget)  # fmt: skip
            reviewer = reviewer_for(target, config, use_cache=False)
            outcome = review(reviewer, target, config, changed=changed, outcome=_outcome())
            info = outcome.data["ai"]
            assert info["prompt_tokens"] <= budget
            return _user(server.requests[-1].body), info

        whole, info = sent(100_000)
        counter = counters[info["tokenizer"]]  # what the reviewer counted with
        excerpts = counter.count(whole[whole.index("\n## File excerpts") :])
        cut, _ = sent(info["prompt_tokens"] + OMISSION_RESERVE - excerpts // 2)
        tighter, _ = sent(info["prompt_tokens"] + OMISSION_RESERVE - excerpts - 20)
    for part in ("## Deterministic findings", "## Step data", "## Diff of changed files"):
        assert part in whole and part in cut
    assert "## File excerpts" in whole and "Left out" not in whole
    assert "## File excerpts" not in cut  # the excerpt is the lowest priority
    assert "- 1 files omitted: budget" in cut and "diffs omitted" not in cut
    assert cut.count("ruff/F401") == 1
    assert "## Diff of changed files" not in tighter  # next: the diff
    assert "## Deterministic findings (1)\n- [warning] ruff/F401" in tighter
    assert "- 1 file diffs omitted: budget" in tighter


@settings(max_examples=40, deadline=None)
@given(
    findings=st.integers(min_value=0, max_value=60),
    data_keys=st.integers(min_value=0, max_value=8),
    budget=st.integers(min_value=800, max_value=4000),
)
def test_a_built_prompt_stays_within_its_budget(
    tmp_path_factory: pytest.TempPathFactory, findings: int, data_keys: int, budget: int
) -> None:
    target = _shared_project(tmp_path_factory)
    outcome = StepOutcome(data={f"key_{k}": ["item " * 20] * k for k in range(data_keys)})
    for n in range(findings):
        outcome.add("ruff/E501", "warning", f"line too long ({n})", "src/demo/core.py", n + 1)
    config = ai_config(provider="none")
    ctx = step_context(target, code_quality.SPEC, config=config,
                       results={"pre_analysis": pre_result(["src/demo/core.py"])},
                       memo=RunMemo())  # fmt: skip
    builder = PromptBuilder(ctx, load_template("code_quality"), ESTIMATE, budget)
    prompt = builder.build(outcome)
    bare = PromptBuilder(ctx, load_template("code_quality"), ESTIMATE, 0).build(outcome)
    if bare.tokens + OMISSION_RESERVE <= budget:  # the instructions fit: so does the rest
        assert prompt.tokens <= budget
    else:  # the reviewer sends nothing then (the model's window is too small)
        assert "## File excerpts" not in prompt.user
    assert prompt.user.count("ruff/E501") + _omitted(prompt.omitted) == findings


def _omitted(lines: list[str]) -> int:
    return sum(int(ln.split()[0]) for ln in lines if "findings omitted" in ln)


_PROJECT: dict[str, Path] = {}


def _shared_project(factory: pytest.TempPathFactory) -> Path:
    if "p" not in _PROJECT:
        _PROJECT["p"], _ = _project(factory.mktemp("packing"))
    return _PROJECT["p"]


def _counting(name: str, seen: list[str]) -> TokenCounter:
    def count(text: str) -> int:
        seen.append(text)
        return estimate_tokens(text)

    return TokenCounter(name, count, exact=False)


def _prompts(target: Path, memos: list[RunMemo], counter: TokenCounter) -> list[str]:
    """code_quality's then documentation's prompt, on the same change, each with its memo."""
    built = []
    for spec, memo in zip((code_quality.SPEC, documentation.SPEC), memos, strict=True):
        ctx = step_context(target, spec, config=ai_config(provider="none"),
                           results={"pre_analysis": pre_result(["src/demo/core.py"])},
                           memo=memo)  # fmt: skip
        prompt = PromptBuilder(ctx, load_template(spec.id), counter, 100_000).build(_outcome())
        built.append(prompt.system + prompt.user + repr(prompt.tokens))
    return built


def test_steps_of_a_run_redact_and_count_the_shared_diff_once(tmp_path: Path) -> None:
    """Every persona prompt of a run holds the same diff: one run memo keeps it redacted and
    counted for the next step, and the prompts are the ones built without sharing."""
    target, _ = _project(tmp_path)
    shared_seen: list[str] = []
    run = RunMemo()
    shared = _prompts(target, [run, run], _counting("counting", shared_seen))
    alone_seen: list[str] = []
    alone = _prompts(target, [RunMemo(), RunMemo()], _counting("counting", alone_seen))
    assert shared == alone
    diff = next(t for t in alone_seen if t.startswith("diff --git"))
    assert alone_seen.count(diff) == 2  # each step counted it
    assert shared_seen.count(diff) == 1
    other_seen: list[str] = []  # another counter in the same run counts for itself
    _prompts(target, [run, run], _counting("other", other_seen))
    assert other_seen.count(diff) == 1
