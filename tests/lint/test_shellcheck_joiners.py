"""SC2145 at a call of a function another file of the project defines, which joins its
arguments (ai_workflow.lint.shellcheck_joiners), through step 9 on fixture projects with the
real shellcheck; beside each, a call the join does not cover keeps its warning."""

from __future__ import annotations

from pathlib import Path

from ai_workflow.lint.shellcheck_joiners import project_joiners
from ai_workflow.steps import code_quality
from tests.helpers import make_repo, step_context

RUNS_SHELLCHECK = {".shellcheckrc": "# the project runs shellcheck: its own levels apply\n"}

LIBRARY = """\
# sourced by bin/tool: the logging functions every stage script calls
function Log () {
    test $# -gt 0 && message="$*" || message="$( cat )"
    echo "$message" >&2
}
function Print () {
    { test "$VERBOSE" && echo "${MESSAGE_PREFIX}$*" 1>&7 || true ; } 2>/dev/null
}
function LogPrint () {
    Log "$@"
    Print "$@"
}
function Show () {
    echo "$1"
}
function Pass () {
    Show "$@"
}
"""

STAGE = """\
#!/bin/bash
items=(a b c)
Log "Running '${items[@]}'"
LogPrint "Copying ${items[@]}"
Show "first of ${items[@]}"
Pass "first of ${items[@]}"
grep "x ${items[@]}" /dev/null
"""


def _levels(root: Path) -> dict[int | None, str]:
    outcome = code_quality.run(step_context(root, code_quality.SPEC))
    return {
        f.line: f.severity.value
        for f in outcome.findings
        if f.rule == "shellcheck/SC2145" and f.path == "stage/run.sh"
    }


def test_a_mixed_array_given_to_a_library_function_that_joins_is_info(tmp_path: Path) -> None:
    """rear's stage scripts call `Log "Running '${PRE_BACKUP_SCRIPT[@]}'"`, and Log, defined in
    lib/_input-output-functions.sh, joins its arguments (`message="$*"`); LogPrint passes them
    on to Log and Print, which joins them too (`"${MESSAGE_PREFIX}$*"`). A function that
    prints `$1` alone (the first word only), one that passes `"$@"` to it, and a command the
    project does not define keep the warning."""
    root = make_repo(
        tmp_path / "p", {"lib/io-functions.sh": LIBRARY, "stage/run.sh": STAGE, **RUNS_SHELLCHECK}
    )
    assert _levels(root) == {3: "info", 4: "info", 5: "warning", 6: "warning", 7: "warning"}


def test_a_name_defined_two_ways_in_the_project_is_no_joiner(tmp_path: Path) -> None:
    """Two files define Log, one joining and one printing `$1`: which one a script runs with is
    not known here, so the warning stays."""
    other = 'function Log () {\n    echo "$1" >&2\n}\n'
    root = make_repo(
        tmp_path / "p",
        {
            "lib/io-functions.sh": LIBRARY,
            "lib/other-functions.sh": other,
            "stage/run.sh": STAGE,
            **RUNS_SHELLCHECK,
        },
    )
    assert _levels(root)[3] == "warning"
    assert _levels(root)[4] == "warning"  # LogPrint passes its arguments on to a Log of those


def test_project_joiners_follow_functions_that_pass_their_arguments_on() -> None:
    lines = LIBRARY.splitlines()
    joiners = project_joiners(
        {
            "lib/io.sh": lines,
            "tests/run.sh": ["LogPrint () {", '    echo "LogPrint: $*" | tee -a log', "}"],
        }
    )
    assert {name: first for name, (first, _) in joiners.items()} == {
        "Log": 1,
        "Print": 1,
        "LogPrint": 1,
    }
    # a join that closes one string and opens another is no join: `"$a" $* "$b"`
    split = ["Say () {", '    echo "$a" $* "$b"', "}"]
    assert "Say" not in project_joiners({"x.sh": split})


MESSAGES = """\
#!/bin/bash
source lib/io-functions.sh
path=/srv
info_message="No 'btrfs subvolume create' for '$path' here"
LogPrint $info_message
echo "# $info_message"
useragent='-u "Mozilla/5.0"'
echo $useragent
curl $useragent http://localhost/
"""


def _quote_levels(root: Path) -> dict[tuple[str, int | None], str]:
    outcome = code_quality.run(step_context(root, code_quality.SPEC))
    return {
        (f.rule.rsplit("/", 1)[1], f.line): f.severity.value
        for f in outcome.findings
        if f.rule in ("shellcheck/SC2089", "shellcheck/SC2090")
    }


def test_quotes_of_a_message_a_joiner_shows_are_info(tmp_path: Path) -> None:
    """rear's `info_message="No 'btrfs subvolume create' for '$subvolume_path' ..."`, read as
    `LogPrint $info_message` (LogPrint joins its words again) and `echo "# $info_message"`: the
    quotes are text to show. zzfeed's `useragent='-u "Mozilla/5.0"'`, also given unquoted to a
    command that is no joiner, sends the quotes: both warnings stay."""
    root = make_repo(
        tmp_path / "p", {"lib/io-functions.sh": LIBRARY, "run.sh": MESSAGES, **RUNS_SHELLCHECK}
    )
    assert _quote_levels(root) == {
        ("SC2089", 4): "info",
        ("SC2090", 5): "info",
        ("SC2089", 7): "warning",
        ("SC2090", 8): "warning",
        ("SC2090", 9): "warning",
    }


ERRORS = """\
# sourced by bin/tool
function Error () {
    PrintError "ERROR: $*"
    Log "ERROR: $*"
    ( while caller $((c++)) ; do : ; done | awk ' { l[NR]=$3":"$1" "$2 }
                   END { for (i=NR; i>0;) print l[i--] }
                 ' ) 1>&2
    kill -USR1 $MASTER_PID
}
function Warn () {
    echo "WARNING: $*" >&2
    shift
    Log "$*"
}
function Note () {
    Log "NOTE: $*"
    echo "$1" >&2
}
function PrintError () {
    echo "$*" >&2
}
function Log () {
    echo "$*" >>/tmp/log
}
"""

ERROR_CALLS = """\
#!/bin/bash
missing=(a b c)
Error "Cannot find required programs: ${missing[@]}"
Warn "Cannot find ${missing[@]}"
Note "Cannot find ${missing[@]}"
"""


def test_a_function_that_joins_its_arguments_again_and_again_is_a_joiner(
    tmp_path: Path,
) -> None:
    """rear's Error joins its arguments in three places (`PrintError "ERROR: $*"`, `Log "ERROR:
    $*"`, `LogToSyslog "ERROR: $*"`) and reads `$1` only as awk's field inside single quotes:
    the split array makes the same text (SC2145, info). A function that joins, shifts and joins
    again from another argument, and one that reads `$1` after its join, keep the warning."""
    root = make_repo(
        tmp_path / "p",
        {"lib/io-functions.sh": ERRORS, "stage/run.sh": ERROR_CALLS, **RUNS_SHELLCHECK},
    )
    assert _levels(root) == {3: "info", 4: "warning", 5: "warning"}


UNQUOTED_INSIDE = """\
#!/bin/bash
for file in /var/log/app/*.log ; do
    LogPrint "Archiving "$( basename "$file" )" to the restored system as:"
    cp "$file" "/mnt/"$( basename "$file" )".old"
done
"""


def test_an_unquoted_part_of_a_joined_argument_is_info(tmp_path: Path) -> None:
    """rear's `LogPrint "Archiving "$( basename "$file" )" to ..."`: LogPrint joins its
    arguments again, so the words the unquoted part splits into make the same message (SC2027,
    info). The same word given to cp (a path split in two) keeps the warning."""
    root = make_repo(
        tmp_path / "p",
        {"lib/io-functions.sh": LIBRARY, "stage/run.sh": UNQUOTED_INSIDE, **RUNS_SHELLCHECK},
    )
    outcome = code_quality.run(step_context(root, code_quality.SPEC))
    levels = {
        f.line: f.severity.value
        for f in outcome.findings
        if f.rule == "shellcheck/SC2027" and f.path == "stage/run.sh"
    }
    assert levels == {3: "info", 4: "warning"}
