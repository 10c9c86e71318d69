"""SC2262 (an alias defined and used in one parsing unit) when every such use is inside a
command substitution, which bash reads when it runs (ai_workflow.lint.shellcheck_alias_units),
through step 9 on fixture projects with the real shellcheck; beside it, a plain use keeps the
warning."""

from __future__ import annotations

import subprocess
from pathlib import Path

from ai_workflow.steps import code_quality
from tests.helpers import make_repo, step_context

RUNS_SHELLCHECK = {".shellcheckrc": "# the project runs shellcheck: its own levels apply\n"}

SUBSTITUTED = """\
#!/usr/bin/env bash
shopt -s expand_aliases
alias stamp="date"
if ! date --version >/dev/null 2>&1; then
  if hash gdate 2>/dev/null; then
    alias stamp="gdate"
  else
    log() {
      local t="$(stamp +%T)"
      echo "[$t] $*"
    }
  fi
fi
log() { echo "[$(stamp +%s)] $*"; }
log hello
"""

PLAIN = SUBSTITUTED.replace('local t="$(stamp +%T)"', "stamp +%T")


def _levels(root: Path) -> dict[int | None, str]:
    outcome = code_quality.run(step_context(root, code_quality.SPEC))
    return {f.line: f.severity.value for f in outcome.findings if f.rule == "shellcheck/SC2262"}


def test_an_alias_used_only_in_command_substitutions_is_info(tmp_path: Path) -> None:
    """bash-task-runner's fallback `alias runner_date="gdate"`: its one same-unit use is in
    `$(...)`, read when it runs, so the alias reaches it (bash prints the new alias's output)."""
    root = make_repo(tmp_path / "p", {"log.sh": SUBSTITUTED, **RUNS_SHELLCHECK})
    assert _levels(root) == {6: "info"}
    probe = (
        'shopt -s expand_aliases\nif true; then alias a="echo late"; f() { echo "$(a)"; }; fi\nf\n'
    )
    ran = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, check=False)
    assert ran.stdout == "late\n"


def test_an_alias_used_as_a_plain_command_in_its_unit_stays_a_warning(tmp_path: Path) -> None:
    """The same alias called as a command in the unit (`stamp +%T`) is read with the unit,
    before the alias exists: SC2262 stays a warning."""
    root = make_repo(tmp_path / "p", {"log.sh": PLAIN, **RUNS_SHELLCHECK})
    assert _levels(root) == {6: "warning"}
