"""Reviewer behaviour: provider choice, budgets, validation, proposals, commit messages."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from ai_workflow.ai import AIReviewer, build_reviewer
from ai_workflow.ai.proposals import apply_refusal
from ai_workflow.engine.artifacts import Workspace
from ai_workflow.engine.step import StepOutcome
from ai_workflow.steps import BUILTIN_MODULES, code_quality, git_finalization, test_generation
from tests.ai.fakes import FakeLLMServer, findings_answer
from tests.ai.support import (
    RUN_ID,
    ai_config,
    ai_findings,
    make_project,
    review,
    reviewer_for,
)
from tests.helpers import git, step_context


def test_provider_none_saves_the_prompt_and_says_how_to_configure(tmp_path: Path) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    config = ai_config(provider="none")
    reviewer = build_reviewer(config, Workspace(target, RUN_ID), use_cache=True)
    outcome = review(reviewer, target, config, changed=changed)
    assert ai_findings(outcome) == []
    [note] = [s for s in outcome.skipped_checks if s.startswith("AI review skipped")]
    assert "no provider configured" in note and "ai.provider" in note
    prompt = target / ".ai_workflow" / "prompts" / RUN_ID / "step09_code_quality.md"
    assert outcome.data["ai"]["prompt_file"] == prompt.relative_to(target).as_posix()
    assert "ruff/F401" in prompt.read_text()
    stats = reviewer.stats()
    assert stats["calls"] == stats["cache_hits"] == stats["cache_misses"] == 0
    assert stats["provider"] == "none"
    assert not (target / ".ai_workflow" / "ai_cache").exists()  # nothing opened for nothing


def test_auto_picks_the_provider_from_the_key(tmp_path: Path) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    with FakeLLMServer(answer=findings_answer()) as server:
        config = ai_config(provider="auto", base_url=server.base_url)
        with_key = reviewer_for(target, config, environ={"OPENAI_API_KEY": "k"})
        review(with_key, target, config, changed=changed)
        assert len(server.requests) == 1
        # OPENAI_API_KEY goes to OpenAI's API only, never to another host
        assert server.requests[0].headers["authorization"] == "Bearer unused"
    assert with_key.stats()["provider"] == "openai"
    without = reviewer_for(target, config, environ={})
    outcome = review(without, target, config, changed=changed)
    assert any("auto but no API key" in s for s in outcome.skipped_checks)


def test_budget_omissions_are_listed_never_silent(tmp_path: Path) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    outcome = StepOutcome()
    for n in range(300):
        outcome.add("ruff/E501", "warning", f"line too long ({100 + n} > 100)", "src/x.py", n + 1)
    config = ai_config(provider="none", step_budgets={"code_quality": 1500})
    review(reviewer_for(target, config), target, config, changed=changed, outcome=outcome)
    info = outcome.data["ai"]
    assert info["budget"] == 1500 and info["prompt_tokens"] <= 1500
    [line] = [s for s in outcome.skipped_checks if "findings omitted: budget" in s]
    omitted = int(line.split()[1])
    assert 0 < omitted < 300
    prompt = (target / info["prompt_file"]).read_text()
    assert f"{omitted} findings omitted: budget" in prompt
    assert prompt.count("ruff/E501") == 300 - omitted
    assert prompt.index("# Role") < prompt.index("## Deterministic findings")  # static first


def test_invalid_items_are_dropped_and_counted(tmp_path: Path) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    answer = findings_answer(
        {
            "rule": "ok-rule",
            "severity": "info",
            "path": "src/demo/core.py",
            "line": 2,
            "message": "fine",
        },
        {"rule": "bad", "severity": "critical", "message": "unknown severity"},
        {"rule": "escape", "severity": "warning", "path": "../etc/passwd", "message": "x"},
        {"rule": "!!!", "severity": "warning", "message": "no usable rule id"},
    )
    with FakeLLMServer(answer=answer) as server:
        config = ai_config(provider="openai", base_url=server.base_url)
        outcome = review(reviewer_for(target, config), target, config, changed=changed)
    assert [f.rule for f in ai_findings(outcome)] == ["ai/review"]  # outside the closed set
    assert len(outcome.data["ai"]["rejected"]) == 3  # bad severity, path outside, no path
    assert outcome.data["ai"]["findings_dropped"] == 3
    assert any("3 findings dropped" in s for s in outcome.skipped_checks)


def _proposal_answer() -> str:
    test = "from demo.core import sub\n\n\ndef test_sub():\n    assert sub(3, 1) == 2\n"
    return findings_answer(
        proposals=[
            {"path": "tests/test_sub_ai.py", "content": test},
            {"path": "../outside.py", "content": "x = 1\n"},
            {"path": "README.md", "content": "overwrite\n"},
            {"path": ".git/hooks/pre-commit", "content": "rm -rf /\n"},
        ]
    )


def test_step6_proposals_stay_in_the_workspace(tmp_path: Path) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    status_before = git(target, "status", "--porcelain")
    with FakeLLMServer(answer=_proposal_answer()) as server:
        config = ai_config(provider="openai", base_url=server.base_url)
        outcome = review(
            reviewer_for(target, config), target, config, spec=test_generation.SPEC, changed=changed
        )
    proposals = target / ".ai_workflow" / "proposals" / RUN_ID
    assert (proposals / "tests" / "test_sub_ai.py").read_text().startswith("from demo.core")
    assert "new file mode" in (proposals / "proposals.patch").read_text()
    assert not (target / "tests" / "test_sub_ai.py").exists()
    assert not (tmp_path / "outside.py").exists()
    assert (target / "README.md").read_text() == "# Demo\n\nA demo project.\n"
    status_after = git(target, "status", "--porcelain").replace("?? .ai_workflow/\n", "")
    assert status_after == status_before
    info = outcome.data["ai"]
    assert info["proposals"] == ["tests/test_sub_ai.py"]
    assert any("not applied: use --apply-proposals" in s for s in outcome.checked)
    dropped = " ".join(info["rejected"] + info["proposals_rejected"])
    assert "../outside.py" in dropped and ".git/hooks" in dropped and "README.md" in dropped


def test_step6_applies_proposals_only_when_asked(tmp_path: Path) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    with FakeLLMServer(answer=_proposal_answer()) as server:
        config = ai_config(
            provider="openai", base_url=server.base_url, run={"apply_proposals": True}
        )
        outcome = review(
            reviewer_for(target, config), target, config, spec=test_generation.SPEC, changed=changed
        )
    created = target / "tests" / "test_sub_ai.py"
    assert created.read_text() == (
        "from demo.core import sub\n\n\ndef test_sub():\n    assert sub(3, 1) == 2\n"
    )
    assert outcome.data["ai"]["proposals_applied"] is True
    assert not any(f.rule == "ai/proposal-not-applied" for f in outcome.findings)


def test_applied_proposals_are_only_test_files_in_test_directories(tmp_path: Path) -> None:
    """A model may not smuggle code the tools run by themselves into the project: conftest.py
    (pytest loads it), CI workflows, package files. They stay in the workspace, with why."""
    target, changed = make_project(tmp_path / "p", secrets=False)
    planted = "open('PWNED', 'w').write('x')\n"
    answer = findings_answer(
        proposals=[
            {"path": "tests/test_sub_ai.py", "content": "def test_sub():\n    assert True\n"},
            {"path": "conftest.py", "content": planted},
            {"path": "tests/conftest.py", "content": planted},
            {"path": "tests/__init__.py", "content": planted},
            {"path": ".github/workflows/x.yml", "content": "on: push\n"},
        ]
    )
    with FakeLLMServer(answer=answer) as server:
        config = ai_config(
            provider="openai", base_url=server.base_url, run={"apply_proposals": True}
        )
        outcome = review(
            reviewer_for(target, config), target, config, spec=test_generation.SPEC, changed=changed
        )
    info = outcome.data["ai"]
    assert info["proposals_applied"] is True and info["proposals"] == ["tests/test_sub_ai.py"]
    assert (target / "tests" / "test_sub_ai.py").is_file()
    held = ["conftest.py", "tests/conftest.py", "tests/__init__.py", ".github/workflows/x.yml"]
    assert info["proposals_held"] == held
    for path in held:
        assert not (target / path).exists(), path
    proposals = target / ".ai_workflow" / "proposals" / RUN_ID
    rejected = (proposals / "REJECTED.md").read_text()
    for path in held:
        assert (proposals / path).read_text()  # kept to read
        assert f"- {path}: never applied: " in rejected
    assert "conftest.py is code the test runner loads by itself" in rejected
    assert "tests/conftest.py" not in (proposals / "proposals.patch").read_text()


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("tests/test_a.py", None),
        ("tests/unit/a_test.py", None),
        ("web/__tests__/a.test.ts", None),
        ("test/a.spec.js", None),
        ("src/demo/test_a.py", "not inside one of the project's test directories"),
        ("tests/helpers.py", "not named like a test file"),
        ("tests/conftest.py", "conftest.py is code"),
        ("tests/.hidden/test_a.py", "hidden files"),
        ("setup.py", "setup.py is code"),
        ("tests/pytest.ini", "not named like a test file"),
    ],
)
def test_apply_refusal(path: str, reason: str | None) -> None:
    refusal = apply_refusal(path, ["tests"])
    assert (refusal is None) if reason is None else (refusal or "").startswith(reason), refusal


def test_step11_commit_message_is_validated(tmp_path: Path) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    good = findings_answer(commit_message="feat(core): add sub()\n\nSubtraction helper.")
    bad = findings_answer(commit_message="[2026-01-01 10:00:00] [INFO] " + "x" * 80)
    for answer, expected in ((good, "feat(core): add sub()\n\nSubtraction helper."), (bad, None)):
        with FakeLLMServer(answer=answer) as server:
            config = ai_config(provider="openai", base_url=server.base_url)
            outcome = review(
                reviewer_for(target, config, use_cache=False),
                target,
                config,
                spec=git_finalization.SPEC,
                changed=changed,
            )
        assert outcome.data.get("ai_commit_message") == expected
    assert any("commit message rejected" in s for s in outcome.skipped_checks)


def test_parallel_reviews_share_one_reviewer_safely(tmp_path: Path) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    specs = [m.SPEC for m in BUILTIN_MODULES if m.SPEC.persona]
    answer = findings_answer(
        {"rule": "r", "severity": "info", "path": "README.md", "line": 1, "message": "m"}
    )
    with FakeLLMServer(answer=answer, script=[]) as server:
        server.delay_s = 0.2
        config = ai_config(provider="openai", base_url=server.base_url)
        reviewer = reviewer_for(target, config)
        outcomes: list[StepOutcome] = []

        def one(spec: object) -> None:
            outcomes.append(review(reviewer, target, config, spec=spec, changed=changed))  # type: ignore[arg-type]

        threads = [threading.Thread(target=one, args=(spec,)) for spec in specs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    stats = reviewer.stats()
    assert stats["calls"] == len(specs) == len(server.requests) == 12
    assert stats["cache_misses"] == 12 and stats["cache_entries"] == 12
    assert all(len(ai_findings(o)) == 1 for o in outcomes)
    prompts = sorted(p.name for p in (target / ".ai_workflow" / "prompts" / RUN_ID).glob("*.md"))
    assert len(prompts) == 12


def test_an_unexpected_failure_is_a_warning_not_a_crash(tmp_path: Path) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    (target / ".ai_workflow").mkdir()
    (target / ".ai_workflow" / "prompts").write_text("a file where a directory should be")
    config = ai_config(provider="none")
    outcome = review(reviewer_for(target, config), target, config, changed=changed)
    [finding] = ai_findings(outcome)
    assert finding.rule == "ai/internal-error" and finding.severity.value == "warning"
    assert any(f.rule == "ruff/F401" for f in outcome.findings)


def test_stats_block_is_json_serialisable(tmp_path: Path) -> None:
    target, _ = make_project(tmp_path / "p", secrets=False)
    reviewer = reviewer_for(target, ai_config(provider="none"))
    stats = json.loads(json.dumps(reviewer.stats()))
    for key in ("calls", "cache_hits", "cache_misses", "tokens_in", "tokens_out", "tokens_saved"):
        assert stats[key] == 0
    assert stats["cache_entries"] == 0 and stats["redactions"] == 0
    assert code_quality.SPEC.persona is not None


def test_prompts_are_stable_across_runs_so_the_cache_hits(tmp_path: Path) -> None:
    """Timings and run ids in step data must not change the request (or every run misses)."""
    target, _ = make_project(tmp_path / "p", secrets=False)
    prompts = []
    for run_id, duration in (("workflow_20260101_000000", 1.5), ("workflow_20260102_120000", 2.5)):
        outcome = StepOutcome(
            data={
                "duration_s": duration,
                "report": f".ai_workflow/logs/{run_id}/junit.xml",
                "tests": [{"name": "t", "duration_s": duration, "ok": True}],
            }
        )
        config = ai_config(provider="none")
        reviewer = AIReviewer(config, Workspace(target, run_id), use_cache=False)
        ctx = step_context(target, code_quality.SPEC, config=config, run_id=run_id)
        reviewer.review(ctx, outcome)
        prompts.append((target / outcome.data["ai"]["prompt_file"]).read_text())
    assert prompts[0].split("\n", 1)[1] == prompts[1].split("\n", 1)[1]
    assert ".ai_workflow/logs/<run>/junit.xml" in prompts[0]
    assert '"ok": true' in prompts[0] and "duration_s" not in prompts[0]


def test_run_ids_with_a_same_second_suffix_are_masked_whole() -> None:
    from ai_workflow.ai.context import RUN_ID_PATTERN

    text = "backlog/workflow_20261124_075913_2/WORKFLOW_SUMMARY.md and workflow_20261124_075913/x"
    assert RUN_ID_PATTERN.sub("<run>", text) == "backlog/<run>/WORKFLOW_SUMMARY.md and <run>/x"
