"""The 13 built-in steps. Each module defines `SPEC` (its registry entry) and `run(ctx)`."""

from __future__ import annotations

from types import ModuleType

from ai_workflow.engine.step import FunctionStep, Step
from ai_workflow.steps import (
    code_quality,
    consistency,
    context_analysis,
    dependencies,
    directory_structure,
    documentation,
    git_finalization,
    markdown_lint,
    pre_analysis,
    script_references,
    test_execution,
    test_generation,
    test_review,
)

BUILTIN_MODULES: tuple[ModuleType, ...] = (
    pre_analysis,
    documentation,
    consistency,
    script_references,
    directory_structure,
    test_review,
    test_generation,
    test_execution,
    dependencies,
    code_quality,
    context_analysis,
    git_finalization,
    markdown_lint,
)


def builtin_steps() -> list[Step]:
    return [FunctionStep(module.SPEC, module.run) for module in BUILTIN_MODULES]
