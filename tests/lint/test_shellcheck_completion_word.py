"""SC2086 on the word being completed is shown, the rest of SC2086 stays shellcheck's info
(`ai_workflow.lint.shellcheck_completion_word`), on projects that do not ask for shellcheck."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ai_workflow.findings import Severity
from ai_workflow.lint.shellcheck_completion_word import completion_word_names
from ai_workflow.steps import code_quality
from tests.helpers import make_repo, step_context

# urfave/cli 2.3.0's autocomplete/bash_autocomplete, as shipped
URFAVE = """\
#! /bin/bash

: ${PROG:=$(basename ${BASH_SOURCE})}

_cli_bash_autocomplete() {
  if [[ "${COMP_WORDS[0]}" != "source" ]]; then
    local cur opts base
    COMPREPLY=()
    cur="${COMP_WORDS[COMP_CWORD]}"
    if [[ "$cur" == "-"* ]]; then
      opts=$( ${COMP_WORDS[@]:0:$COMP_CWORD} ${cur} --generate-bash-completion )
    else
      opts=$( ${COMP_WORDS[@]:0:$COMP_CWORD} --generate-bash-completion )
    fi
    COMPREPLY=( $(compgen -W "${opts}" -- ${cur}) )
    return 0
  fi
}

complete -o bashdefault -o default -o nospace -F _cli_bash_autocomplete $PROG
unset PROG
"""


def _sc2086(tmp_path: Path, files: dict[str, str]) -> dict[tuple[str, int | None], Severity]:
    target = make_repo(tmp_path / "proj", files)  # no .shellcheckrc, CI nor directive
    outcome = code_quality.run(step_context(target, code_quality.SPEC))
    return {
        (f.path or "", f.line): f.severity
        for f in outcome.findings
        if f.rule == "shellcheck/SC2086"
    }


def test_the_word_being_completed_unquoted_is_shown(tmp_path: Path) -> None:
    """urfave/cli's `${cur}` in its completion function's commands is shown (a warning, in a
    project that does not ask for shellcheck); `$PROG` and `${BASH_SOURCE}`, the program's own
    name and path, stay info, and so does `$cur` in a file that fills no COMPREPLY."""
    files = {
        "autocomplete/bash_autocomplete": URFAVE,
        "tools/show.sh": "#!/bin/bash\ncur=$1\nls $cur\n",
    }
    found = _sc2086(tmp_path, files)
    path = "autocomplete/bash_autocomplete"
    assert found[(path, 11)] is Severity.WARNING
    assert found[(path, 15)] is Severity.WARNING
    assert found[(path, 3)] is Severity.INFO
    assert found[(path, 20)] is Severity.INFO
    assert found[("tools/show.sh", 3)] is Severity.INFO


def test_other_words_of_a_completion_file_stay_information(tmp_path: Path) -> None:
    """In a completion file using bash-completion's `_init_completion`, an unquoted `$cur` is
    shown; `$prev` (the previous, finished word) and an options variable split on purpose keep
    shellcheck's info."""
    script = (
        "_tool() {\n"
        "  local cur prev words cword\n"
        "  _init_completion || return\n"
        "  local opts='--help --version'\n"
        "  [ -n $prev ] && COMPREPLY=()\n"
        '  COMPREPLY=( $(compgen -W "$opts" -- $cur) )\n'
        "  echo $opts >/dev/null\n"
        "}\n"
        "complete -F _tool tool\n"
    )
    found = _sc2086(tmp_path, {"completions/tool.bash": script})
    assert found[("completions/tool.bash", 6)] is Severity.WARNING
    assert found[("completions/tool.bash", 5)] is Severity.INFO
    assert found[("completions/tool.bash", 7)] is Severity.INFO


def test_an_unquoted_completion_word_globs_in_bash(tmp_path: Path) -> None:
    """The bug shown: with a file `--hx` in the current directory, the typed `--h?` reaches the
    command as `--hx` unquoted, as itself quoted; a typed `my\\ file` is two words unquoted."""
    (tmp_path / "--hx").touch()
    script = (
        'cur="--h?"; set -- $cur; echo "u:$1"; set -- "$cur"; echo "q:$1"\n'
        'cur="my\\ file"; set -- $cur; echo "n:$#"\n'
    )
    out = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[:3] == ["u:--hx", "q:--h?", "n:2"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ('COMPREPLY=()\ncur="${COMP_WORDS[COMP_CWORD]}"\n', {"cur"}),
        ("COMPREPLY+=(x)\nlocal word=${COMP_WORDS[$COMP_CWORD]}\n", {"word"}),
        ("_get_comp_words_by_ref -n : cur prev\nCOMPREPLY=()\n", {"cur"}),
        ('_comp_initialize -- "$@" || return\nCOMPREPLY=()\n', {"cur"}),
        ('cur="${COMP_WORDS[COMP_CWORD]}"\n', set()),  # fills no COMPREPLY
        ('COMPREPLY=()\nprev="${COMP_WORDS[COMP_CWORD-1]}"\n', set()),
        ('COMPREPLY=()\ncur="${COMP_WORDS[COMP_CWORD]}x"\n', set()),
    ],
)
def test_completion_word_names(text: str, names: set[str]) -> None:
    assert completion_word_names(text) == names


def test_the_command_name_stays_information(tmp_path: Path) -> None:
    """`$COMP_WORDS` (its first element, the command's name) is not the word being completed:
    it keeps shellcheck's info beside a shown `$cur`."""
    script = (
        "_tool() {\n"
        '  local cur="${COMP_WORDS[COMP_CWORD]}"\n'
        '  COMPREPLY=( $(compgen -W "$(tool --list)" -- $cur) )\n'
        "  echo $COMP_WORDS >/dev/null\n"
        "  echo ${COMP_WORDS} >/dev/null\n"
        "}\n"
        "complete -F _tool tool\n"
    )
    found = _sc2086(tmp_path, {"completions/tool.bash": script})
    assert found[("completions/tool.bash", 3)] is Severity.WARNING
    assert found[("completions/tool.bash", 4)] is Severity.INFO
    assert found[("completions/tool.bash", 5)] is Severity.INFO
