"""SC2091 on a statement that runs its command's error messages is shown, other SC2091 keep
their level (`ai_workflow.lint.shellcheck_executed_errors`), in a project that does not ask for
shellcheck."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ai_workflow.findings import Severity
from ai_workflow.lint.shellcheck_executed_errors import runs_its_errors
from ai_workflow.steps import code_quality
from tests.helpers import make_repo, step_context

# aws-code-deploy 1.0.11's bin/aws-code-deploy.sh, around its line 205, and beside it the
# substitutions whose output goes nowhere or that only give a status
DEPLOY = """\
#!/bin/bash
if [ -z "$KEY" ]; then
  echo "no key"
else
  $(aws configure set aws_access_key_id $KEY 2>&1)
  echo "Successfully configured AWS Access Key ID."
fi
$(aws configure set region x >/dev/null 2>&1)
$(aws configure list)
if $(grep -q key conf 2>&1); then echo found; fi
"""


def test_a_statement_running_its_errors_is_shown(tmp_path: Path) -> None:
    """Line 5 (`$(... 2>&1)` alone) is a shown warning; line 9, whose command keeps its stderr
    on the terminal, and line 10, a condition, stay info (only breakage is shown here), and line
    8, whose output goes to /dev/null, is the status idiom, info."""
    target = make_repo(tmp_path / "proj", {"bin/deploy.sh": DEPLOY})
    outcome = code_quality.run(step_context(target, code_quality.SPEC))
    found = {f.line: f for f in outcome.findings if f.rule == "shellcheck/SC2091"}
    assert found[5].severity is Severity.WARNING
    assert "2>&1" in found[5].extra["breaks"]
    assert {line: found[line].severity for line in (8, 9, 10)} == dict.fromkeys(
        (8, 9, 10), Severity.INFO
    )


def test_the_error_message_is_run_as_a_command(tmp_path: Path) -> None:
    """The bug shown in bash: the failing command's message is not printed, its first word is
    run, and the script goes on."""
    script = "$(sh -c 'echo An error occurred >&2; exit 1' 2>&1)\necho went on\n"
    run = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True)
    assert "An: command not found" in run.stderr
    assert "error occurred" not in run.stderr.replace("An: command not found", "")
    assert run.stdout == "went on\n"


@pytest.mark.parametrize(
    ("line", "runs"),
    [
        ("  $(aws configure set aws_access_key_id $KEY 2>&1)", True),
        ("$(cmd 2>&1 >/dev/null)", True),  # stderr to the output, then stdout away
        ("`cmd 2>&1`", True),
        ("$(a | b 2>&1)  # configure", True),
        ("$(cmd >/dev/null 2>&1)", False),
        ("$(cmd 2>/dev/null)", False),
        ("$(cmd &>/dev/null)", False),
        ("$(cmd)", False),
        ("$(a 2>&1 | grep x)", False),  # a's messages go to grep, not to the shell
        ('$(echo "2>&1")', False),
        ("x=$(cmd 2>&1)", False),
        ("if $(grep -q x f 2>&1); then", False),
        ("$(cmd 2>&1); $(other)", False),
    ],
)
def test_runs_its_errors(line: str, runs: bool) -> None:
    assert runs_its_errors(line) is runs
