"""A step whose checks could not all run on this machine is incomplete: a warning, never a pass,
however quiet its findings (`StepOutcome.incomplete`), and it stays so when its result is
stored and read back (checkpoint, step cache) or reused."""

from __future__ import annotations

from ai_workflow.engine.records import StepResultRecord
from ai_workflow.engine.runner import _deterministic_outcome
from ai_workflow.engine.step import StepOutcome, StepResult, StepStatus


def test_an_incomplete_step_with_only_info_findings_is_a_warning() -> None:
    outcome = StepOutcome()
    outcome.add("tests/environment-incomplete", "info", "the tests could not run here")
    assert outcome.status() == StepStatus.PASSED
    outcome.incomplete = True
    assert outcome.status() == StepStatus.WARNING
    outcome.add("tests/failed", "error", "a real failure")
    assert outcome.status() == StepStatus.FAILED  # an error still fails it


def test_incomplete_survives_the_stored_result_and_its_reuse() -> None:
    result = StepResult("test_execution", 7, "Test Execution", StepStatus.WARNING, incomplete=True)
    stored = result.to_dict(with_raw=True)
    assert stored["incomplete"] is True
    assert StepResultRecord.model_validate(stored).incomplete  # the checkpoint's schema has it
    back = StepResult.from_dict(stored)
    assert back.incomplete
    assert _deterministic_outcome(back).status() == StepStatus.WARNING
    assert _deterministic_outcome(back, keep_ai=True).incomplete


def test_a_complete_result_says_nothing_of_it() -> None:
    """Results written before the flag existed read back as complete, and a complete one does
    not write it (the stored form is unchanged for every other step)."""
    result = StepResult("docs", 2, "Documentation", StepStatus.PASSED)
    assert "incomplete" not in result.to_dict()
    assert not StepResult.from_dict(result.to_dict()).incomplete
