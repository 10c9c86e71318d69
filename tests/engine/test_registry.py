from __future__ import annotations

from pathlib import Path

import pytest

from ai_workflow.config import CustomStepConfig, WorkflowConfig
from ai_workflow.engine.registry import build_registry
from ai_workflow.errors import ConfigError, UsageError
from ai_workflow.steps import builtin_steps


def registry(**workflow: object):  # type: ignore[no-untyped-def]
    return build_registry(builtin_steps(), WorkflowConfig.model_validate(workflow))


def test_thirteen_builtins_numbered_0_to_12() -> None:
    specs = registry().specs
    assert [s.number for s in specs] == list(range(13))
    assert [s.id for s in specs][:3] == ["pre_analysis", "documentation", "consistency"]


def test_resolve_by_number_id_or_name() -> None:
    reg = registry()
    assert reg.resolve("7") == "test_execution"
    assert reg.resolve("code_quality") == "code_quality"
    assert reg.resolve("Markdown Linting") == "markdown_lint"
    assert reg.resolve("script-references") == "script_references"


def test_unknown_step_lists_the_valid_ones() -> None:
    with pytest.raises(
        UsageError, match=r"unknown step 'tset_review'.*did you mean 'test_review'.*0 pre_analysis"
    ):
        registry().resolve("tset_review")


def test_custom_steps_extra_dependencies_disable_and_timeouts() -> None:
    reg = registry(
        steps=[CustomStepConfig(id="lint", run="make lint", depends_on=["pre_analysis"])],
        disable=["git_finalization"],
        extra_dependencies={"code_quality": ["lint"]},
        timeouts={"test_execution": 30},
    )
    assert "git_finalization" not in reg.steps
    assert reg.steps["lint"].spec.number == 13 and not reg.steps["lint"].spec.builtin
    assert "lint" in reg.steps["code_quality"].spec.depends_on
    assert reg.steps["test_execution"].spec.timeout_s == 30


@pytest.mark.parametrize(
    ("workflow", "message"),
    [
        ({"steps": [{"id": "a", "run": "x", "depends_on": ["nope"]}]}, "depends on unknown step"),
        ({"steps": [{"id": "test_review", "run": "x"}]}, "duplicate step id 'test_review'"),
        ({"steps": [{"id": "a", "run": "x"}, {"id": "a", "run": "y"}]}, "duplicate step id 'a'"),
        ({"disable": ["nope"]}, "workflow.disable: unknown step 'nope'"),
        ({"timeouts": {"test_execution": -1}}, "must be a positive number"),
        (
            {
                "steps": [
                    {"id": "a", "run": "x", "depends_on": ["b"]},
                    {"id": "b", "run": "y", "depends_on": ["a"]},
                ]
            },
            "dependency cycle",
        ),
    ],
)
def test_bad_workflow_configuration(workflow: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        registry(**workflow)


def test_builtin_steps_declare_what_their_modules_read() -> None:
    specs = {s.id: s for s in registry().specs}
    assert {"code", "paths"} <= set(specs["script_references"].categories)  # python -m, files
    assert "paths" in specs["consistency"].categories  # links to images and any file
    assert "paths" in specs["documentation"].categories
    assert "*.py" in specs["dependencies"].inputs  # imports of every Python file
    assert "*.md" in specs["markdown_lint"].inputs  # Markdown in tests/ or .github/ too
    assert "pre_analysis" in specs["test_generation"].depends_on  # ranks by changed files


def test_test_generation_mutates_only_when_it_applies_proposals() -> None:
    plain = {s.id: s for s in registry().specs}
    assert not plain["test_generation"].mutates
    applying = build_registry(builtin_steps(), WorkflowConfig(), apply_proposals=True)
    specs = {s.id: s for s in applying.specs}
    assert specs["test_generation"].mutates
    assert [s for s in specs.values() if s.mutates and s.id != "test_generation"] == [
        specs["git_finalization"]
    ]


def test_run_apply_proposals_makes_test_generation_mutating(tmp_path: Path) -> None:
    from ai_workflow.app import load_project
    from ai_workflow.cli import build_parser

    parser, _ = build_parser()
    args = parser.parse_args(["run", "--apply-proposals", "--target", str(tmp_path)])
    for overrides, mutates in ((None, False), ({"apply_proposals": args.apply_proposals}, True)):
        _, _, loaded = load_project(args, overrides)
        assert {s.id: s for s in loaded.specs}["test_generation"].mutates is mutates
