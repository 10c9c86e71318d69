"""SC2086 on a field read from a file the script was given is shown; the rest of SC2086 stays
shellcheck's info (`ai_workflow.lint.shellcheck_read_fields`), on projects that do not ask for
shellcheck."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ai_workflow.findings import Severity
from ai_workflow.lint.shellcheck_read_fields import read_field_names
from ai_workflow.steps import code_quality
from tests.helpers import make_repo, step_context

# password-store 1.7.4's contrib/importers/pwsafe2pass.sh, as shipped
PWSAFE2PASS = """\
#!/usr/bin/env bash
# Copyright (C) 2013 Tom Hendrikx <tom@whyscream.net>. All Rights Reserved.
# This file is licensed under the GPLv2+. Please see COPYING for more information.

export=$1

IFS="\t" # tab character
cat "$export" | while read uuid group name login passwd notes; do
     test "$uuid" = "# passwordsafe version 2.0 database" && continue
     test "$uuid" = "uuid" && continue
     test "$name" = '""' && continue;

     group="$(echo $group | cut -d'"' -f2)"
     login="$(echo $login | cut -d'"' -f2)"
     passwd="$(echo $passwd | cut -d'"' -f2)"
     name="$(echo $name | cut -d'"' -f2)"

     # cleanup
     test "${name:0:4}" = "http" && name="$(echo $name | cut -d'/' -f3)"
     test "${name:0:4}" = "www." && name="$(echo $name | cut -c 5-)"

     entry=""
     test -n "$login" && entry="${entry}login: $login\\n"
     test -n "$passwd" && entry="${entry}pass: $passwd\\n"
     test -n "$group" && entry="${entry}group: $group\\n"

     echo Adding entry for $name:
     echo -e $entry | pass insert --multiline --force "$name"
     test $? && echo "Added!"
done
"""


def _sc2086(tmp_path: Path, files: dict[str, str]) -> dict[tuple[str, int | None], Severity]:
    target = make_repo(tmp_path / "proj", files)  # no .shellcheckrc, CI nor directive
    outcome = code_quality.run(step_context(target, code_quality.SPEC))
    return {
        (f.path or "", f.line): f.severity
        for f in outcome.findings
        if f.rule == "shellcheck/SC2086"
    }


def test_imported_fields_passed_on_unquoted_are_shown(tmp_path: Path) -> None:
    """pwsafe2pass's unquoted fields of the export it is given (`$group`... piped to `cut`, the
    entry built from them piped to `pass insert`) are shown; the same `$name` in the message it
    prints to the terminal stays info."""
    path = "contrib/importers/pwsafe2pass.sh"
    found = _sc2086(tmp_path, {path: PWSAFE2PASS})
    for line in (13, 14, 15, 16, 19, 20, 28):
        assert found[(path, line)] is Severity.WARNING, line
    assert found[(path, 27)] is Severity.INFO


def test_fields_of_other_inputs_stay_information(tmp_path: Path) -> None:
    """A loop over a command's output (`ps`), over the project's own data file or over standard
    input, `set -- $line` (splitting on purpose), an answer read at a prompt, and a loop over a
    file a function is given by the project's caller (kworkflow's `parse_configuration`, live-boot's
    persistence lists: `local config=$1`, `done < $config`) keep shellcheck's info; the same
    loop over the script's own argument (`list=$1`) is shown."""
    script = (
        "#!/bin/bash\n"
        "ps -e -o pid= | while read pid; do\n"
        "  kill $pid\n"
        "done\n"
        "while read day name; do\n"
        "  echo $day | cut -d: -f1\n"
        'done < "$(dirname "$0")/holidays.txt"\n'
        "while read line; do\n"
        "  set -- $line\n"
        "  echo $line | tr a-z A-Z\n"
        "done\n"
        "read -p 'name? ' answer\n"
        "echo $answer | tr a-z A-Z\n"
        "load() {\n"
        "  local config=$1\n"
        "  while read line\n"
        "  do\n"
        "    key=$(echo $line | cut -d= -f1)\n"
        "  done < $config\n"
        "}\n"
        "list=$1\n"
        "while read line; do\n"
        "  key=$(echo $line | cut -d= -f1)\n"
        "done < $list\n"
    )
    found = _sc2086(tmp_path, {"tools/run.sh": script})
    for line in (3, 6, 9, 10, 13, 18):
        assert found[("tools/run.sh", line)] is Severity.INFO, line
    assert found[("tools/run.sh", 23)] is Severity.WARNING


def test_an_unquoted_field_globs_and_splits_in_bash(tmp_path: Path) -> None:
    """The bug shown: a field `a*` read from a file, unquoted, becomes the names of the files of
    the current directory, and two blanks in `x  y` become one."""
    (tmp_path / "abc").touch()
    (tmp_path / "export.txt").write_text("a*\tx  y\n")
    script = (
        'while IFS="\t" read pw name; do echo $pw; echo "$pw"; echo $(echo $name); done < "$1"\n'
    )
    out = subprocess.run(
        ["bash", "-c", script, "bash", "export.txt"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    assert out[:3] == ["abc", "a*", "x y"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ('f=$1\ncat "$f" | while read a b; do :; done\n', {"a", "b"}),
        ('while IFS=: read -r -d "" x; do :; done < "$1"\n', {"x"}),
        ("while read; do :; done < ${2}\n", {"REPLY"}),
        ("while read -a parts; do :; done < $1\n", {"parts"}),
        ('while read a; do\n  b="x$a"\ndone < "$@"\nc=$b\n', {"a", "b", "c"}),
        ('b="x$a"\nwhile read a; do :; done < "$1"\n', {"a"}),  # assigned before the loop
        # a command's output (a sub-field, a number) does not hold the field's text
        (
            'while read a; do\n  b=$(echo $a | cut -d: -f2)\n  c=`f $a`; d=$(($a+1))\ndone < "$1"\n',
            {"a"},
        ),
        ("while read a; do :; done < list.txt\n", set()),
        ("ls | while read a; do :; done\n", set()),
        ('grep -v "^#" "$1" | while read a; do :; done\n', {"a"}),
        ("get_names $1 $2 | while read a; do :; done\n", set()),  # the function's output
        ('grep -o . <<< "$1" | while read a; do :; done\n', set()),  # a string, not a file
        ("while read a; do :; done\n", set()),
        ("read a < $1\n", set()),  # no loop: one answer
        ('f() {\n  while read a; do :; done < "$1"\n}\n', set()),  # the caller's file
        ('f=$1\ng() {\n  while read a; do :; done < "$f"\n}\n', {"a"}),
    ],
)
def test_read_field_names(text: str, names: set[str]) -> None:
    assert read_field_names(text) == names
