"""SC2294 at `eval "${NAME[@]}"` on a variable the project gives shell code
(ai_workflow.lint.shellcheck_eval_strings), through step 9 on fixture projects with the real
shellcheck; beside it, a variable holding arguments with a blank keeps its warning."""

from __future__ import annotations

from pathlib import Path

from ai_workflow.steps import code_quality
from tests.helpers import make_repo, step_context

RUNS_SHELLCHECK = {".shellcheckrc": "# the project runs shellcheck: its own levels apply\n"}

DEFAULTS = """\
# The EXTERNAL_* commands will be run inside eval like this:
# eval "${EXTERNAL_BACKUP[@]}"
EXTERNAL_BACKUP="tar -c -z / | ssh vms 'cat >backup.tar.gz'"
PRE_BACKUP_SCRIPT=
GREP_COMMAND=
"""

EXAMPLE = """\
PRE_BACKUP_SCRIPT=( 'systemctl stop db ; sync' )
GREP_COMMAND=( grep -r -e "two words" /etc )
"""

STAGE = """\
#!/bin/bash
eval "${EXTERNAL_BACKUP[@]}"
eval "${PRE_BACKUP_SCRIPT[@]}"
eval "${GREP_COMMAND[@]}"
eval "${UNKNOWN_HOOK[@]}"
"""


def _levels(root: Path) -> dict[int | None, str]:
    outcome = code_quality.run(step_context(root, code_quality.SPEC))
    return {
        f.line: f.severity.value
        for f in outcome.findings
        if f.rule == "shellcheck/SC2294" and f.path == "stages/backup.sh"
    }


def test_eval_of_a_variable_assigned_only_code_is_info(tmp_path: Path) -> None:
    """EXTERNAL_BACKUP is a command line in the defaults, PRE_BACKUP_SCRIPT empty there and a
    code fragment in an example config: eval of their elements is the interface (info).
    GREP_COMMAND holds an argument with a blank that eval splits, and UNKNOWN_HOOK is assigned
    nowhere: both keep the warning."""
    root = make_repo(
        tmp_path / "p",
        {
            "conf/default.conf": DEFAULTS,
            "conf/examples/db.conf": EXAMPLE,
            "stages/backup.sh": STAGE,
            **RUNS_SHELLCHECK,
        },
    )
    assert _levels(root) == {2: "info", 3: "info", 4: "warning", 5: "warning"}
