"""Validation of the model's answer, commit messages, safe paths, and the persona templates."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ai_workflow.ai.context import PromptBuilder
from ai_workflow.ai.schema import (
    ResponseError,
    extract_json,
    parse_response,
    response_schema,
    safe_relative_path,
    validate_commit_message,
)
from ai_workflow.ai.templates import available_templates, load_template
from ai_workflow.steps import BUILTIN_MODULES

FINDING = {"rule": "r", "severity": "warning", "path": "a.py", "line": 3, "message": "m"}


def test_extract_json_accepts_bare_fenced_and_wrapped_answers() -> None:
    body = {"summary": "s", "findings": []}
    text = json.dumps(body)
    assert extract_json(text) == body
    assert extract_json(f"```json\n{text}\n```") == body
    assert extract_json(f"Here you go:\n{text}\nHope this helps.") == body
    with pytest.raises(ResponseError, match="not valid JSON"):
        extract_json("no json here")


def test_parse_rejects_non_objects_and_missing_findings() -> None:
    with pytest.raises(ResponseError, match="expected a JSON object"):
        parse_response("[1, 2]", "code_quality")
    with pytest.raises(ResponseError, match="no 'findings'"):
        parse_response('{"summary": "x"}', "code_quality")


def test_only_the_steps_that_need_them_get_proposals_and_commit_messages() -> None:
    answer = json.dumps(
        {
            "summary": "s",
            "findings": [FINDING],
            "proposals": [{"path": "tests/test_a.py", "content": "x"}],
            "commit_message": "fix: a thing",
        }
    )
    plain = parse_response(answer, "code_quality")
    assert plain.proposals == [] and plain.commit_message is None
    assert parse_response(answer, "test_generation").proposals[0].path == "tests/test_a.py"
    assert parse_response(answer, "git_finalization").commit_message == "fix: a thing"
    assert "proposals" in response_schema("test_generation")["properties"]
    assert "commit_message" in response_schema("git_finalization")["properties"]


@pytest.mark.parametrize(
    ("message", "ok"),
    [
        ("feat: add x", True),
        ("fix(core)!: handle empty input", True),
        ("docs(readme): explain setup\n\nLonger body here.", True),
        ("feat: " + "x" * 66, True),
        ("feat: " + "x" * 67, False),  # 73 characters
        ("added stuff", False),
        ("feature: add x", False),
        ("feat: add x\nno blank line", False),
        ("[2026-01-01 10:00:00] [INFO] feat: x", False),
        ("feat: add x\n\n[WARNING] step 3 failed", False),
        ("", False),
    ],
)
def test_commit_messages(message: str, ok: bool) -> None:
    valid, reason = validate_commit_message(message)
    assert (valid is not None) is ok, reason
    if not ok:
        assert reason


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("src/a.py", "src/a.py"),
        ("./src//a.py", "src/a.py"),
        ("../a.py", None),
        ("src/../../a.py", None),
        ("/etc/passwd", None),
        ("C:/x.py", None),
        ("src\\a.py", None),
        (".git/config", None),
        ("x/.ai_workflow/y", None),
        ("", None),
    ],
)
def test_safe_relative_paths(path: str, expected: str | None) -> None:
    assert safe_relative_path(path) == expected


def _json_values() -> st.SearchStrategy[Any]:
    scalars = st.none() | st.booleans() | st.integers(-3, 5) | st.text(max_size=6)
    return st.recursive(scalars, lambda c: st.lists(c, max_size=3), max_leaves=4)


findings_st = st.fixed_dictionaries(
    {
        "rule": st.text(min_size=0, max_size=5) | st.sampled_from(["ai/bug", "ruff/syntax-error"]),
        "severity": st.sampled_from(["error", "warning", "info", "fatal"]),
        "message": st.text(max_size=5),
    },
    optional={
        "path": st.none() | st.sampled_from(["a.py", "src/b.py"]),
        "line": st.none() | st.integers(-1, 5),
        "extra": _json_values(),
    },
)


@settings(max_examples=200, deadline=None)
@given(finding=findings_st | _json_values())
def test_validator_agrees_with_the_schema_shown_to_the_model(finding: Any) -> None:
    """A finding is kept exactly when it satisfies the JSON Schema given in the prompt, but for
    the rule's closed set: a rule outside it is mapped to `ai/review` later, not dropped."""
    answer = {"summary": "s", "findings": [finding]}
    schema = response_schema("code_quality")
    item = schema["properties"]["findings"]["items"]
    assert "ai/bug" in item["properties"]["rule"]["enum"]
    item["properties"]["rule"] = {"type": "string", "minLength": 1, "maxLength": 80}
    schema_ok = jsonschema.Draft202012Validator(schema).is_valid(answer)
    parsed = parse_response(json.dumps(answer), "code_quality")
    assert (len(parsed.findings) == 1) is schema_ok
    assert (len(parsed.rejected) == 1) is (not schema_ok)


def test_every_persona_step_has_a_loadable_versioned_template() -> None:
    persona_steps = {m.SPEC.id for m in BUILTIN_MODULES if m.SPEC.persona}
    assert persona_steps <= set(available_templates())
    for step_id in persona_steps:
        template = load_template(step_id)
        assert template.version.count(".") == 1 and template.version != "0.0"
        system = template.system_text("persona")
        for part in ("# Role", "# Task", "# Approach", "# Output format", '"findings"'):
            assert part in system
        assert "{schema}" not in system
        jsonschema.Draft202012Validator.check_schema(response_schema(step_id))


def test_system_prompt_is_static_across_runs(tmp_path: Any) -> None:
    """Variable context only goes into the user message (provider prompt caching)."""
    from ai_workflow.ai.tokens import ESTIMATE
    from ai_workflow.engine.step import StepOutcome
    from ai_workflow.steps import documentation
    from tests.ai.support import ai_config
    from tests.helpers import make_repo, step_context

    target = make_repo(tmp_path / "p", {"a.py": "x = 1\n"})
    ctx = step_context(target, documentation.SPEC, config=ai_config())
    template = load_template("documentation")
    first = PromptBuilder(ctx, template, ESTIMATE).build(StepOutcome())
    busy = StepOutcome(data={"k": [1, 2, 3]})
    busy.add("docs/missing-docstring", "warning", "no docstring", "a.py", 1)
    second = PromptBuilder(ctx, template, ESTIMATE).build(busy)
    assert first.system == second.system
    assert "docs/missing-docstring" in second.user and "docs/missing-docstring" not in first.user
