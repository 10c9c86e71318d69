"""shellcheck warnings on a shell idiom that means what it says (ai_workflow.lint.shellcheck_idioms),
through step 9 on fixture projects with the real shellcheck; beside each idiom, the same code on
a line that is no idiom keeps its warning."""

from __future__ import annotations

from pathlib import Path

from ai_workflow.steps import code_quality
from tests.helpers import make_repo, step_context

RUNS_SHELLCHECK = {".shellcheckrc": "# the project runs shellcheck: its own levels apply\n"}


def _levels(root: Path, code: str) -> dict[int | None, str]:
    outcome = code_quality.run(step_context(root, code_quality.SPEC))
    return {f.line: f.severity.value for f in outcome.findings if f.rule == f"shellcheck/{code}"}


TRUNCATIONS = """\
#!/bin/bash
out=/tmp/help.txt
> "$out"
>| $out.on
>> "$out"
2> "$out"
> /dev/null
echo done >> "$out"
"""


def test_a_line_that_only_truncates_a_file_is_info(tmp_path: Path) -> None:
    """funcoeszz's `> "$ZZAJUDA"` empties the help file: SC2188 at info. A bare `>>` (appends
    nothing), `2>` or `> /dev/null` does nothing: a command lost, the warning stays."""
    root = make_repo(tmp_path / "p", {"help.sh": TRUNCATIONS, **RUNS_SHELLCHECK})
    assert _levels(root, "SC2188") == {
        3: "info",
        4: "info",
        5: "warning",
        6: "warning",
        7: "warning",
    }


TESTED_TRUNCATIONS = """\
#!/bin/bash
dir=/tmp/out
if test -d "$dir" ; then
    > "${dir}/.lockfile" || echo "could not create ${dir}/.lockfile" >&2
fi
>> "${dir}/log" || echo "cannot append" >&2
< "${dir}/in" && echo read
"""


def test_a_truncation_whose_status_is_tested_is_info(tmp_path: Path) -> None:
    """rear's `> "${opath}/.lockfile" || Error ...`: the file is created and the line tests
    that it was, SC2188 at info. `>> file || ...` and `< file && ...` do nothing whatever
    follows them: the warning stays."""
    root = make_repo(tmp_path / "p", {"lock.sh": TESTED_TRUNCATIONS, **RUNS_SHELLCHECK})
    assert _levels(root, "SC2188") == {4: "info", 6: "warning", 7: "warning"}


DELIMITED_WORDS = """\
#!/bin/bash
source=$1
target=$2
sed -i s#"meta-data=${source}\\(\\s\\)"#"meta-data=${target}\\1"# "$3"
echo "<a href="#">link</a>"
echo "name="foo" done"
"""


def test_a_delimiter_repeated_between_quoted_parts_is_info(tmp_path: Path) -> None:
    """rear's `sed -i s#"meta-data=${source}\\(\\s\\)"#"meta-data=${target}\\1"#`: the `#` are
    sed's delimiters, the word is the script meant (SC2140, info). One `#` between two quoted
    parts (`echo "<a href="#">"`, quotes meant in the HTML) and a word (`"name="foo" done"`)
    keep the warning."""
    root = make_repo(tmp_path / "p", {"xfs.sh": DELIMITED_WORDS, **RUNS_SHELLCHECK})
    assert _levels(root, "SC2140") == {4: "info", 5: "warning", 6: "warning"}


STAR_PATTERNS = """\
#!/bin/bash
while read KEY VALUE ; do
    echo "$KEY" | grep -q '*' && continue
    echo "$KEY" | grep -q \\* && continue
    ls | grep '*.txt'
done < /etc/dsm.sys
"""


def test_a_lone_star_as_grep_pattern_is_info(tmp_path: Path) -> None:
    """rear's `grep -q '*'` looks for a literal asterisk (a leading `*` matches itself): SC2063
    at info, so for `\\*`. `grep '*.txt'`, a file glob given to grep, keeps the warning."""
    root = make_repo(tmp_path / "p", {"tsm.sh": STAR_PATTERNS, **RUNS_SHELLCHECK})
    assert _levels(root, "SC2063") == {3: "info", 4: "info", 5: "warning"}


READ_TARGETS = """\
#!/bin/bash
read_options="-r -t 5"
array_name=$1
var=$2
read $read_options reply
read -a "$array_name" <<<"a b"
read "$var"
read -r $var
echo "$reply"
"""


def test_read_given_its_options_or_a_name_to_read_into_is_info(tmp_path: Path) -> None:
    """rear's UserInput: `read $read_options_and_arguments input_string` (the options, then
    the variable) and `read -a "$input_words_array_name"` (the caller's array, by name): SC2229
    at info. `read "$var"` and `read -r $var` keep the warning."""
    root = make_repo(tmp_path / "p", {"input.sh": READ_TARGETS, **RUNS_SHELLCHECK})
    assert _levels(root, "SC2229") == {5: "info", 6: "info", 7: "warning", 8: "warning"}


FORMAT_BRACES = """\
#!/bin/bash
url=$(curl -s -o /dev/null -w %{url_effective} "$1")
echo "$url"
cp src/{a,b "$1"
"""


def test_the_braces_of_a_format_directive_are_info(tmp_path: Path) -> None:
    """funcoeszz's `curl -w %{url_effective}`: the braces are curl's format, SC1083 at info; a
    brace that opens no `%{name}` (`src/{a,b`, a brace list never closed) keeps the warning."""
    root = make_repo(tmp_path / "p", {"get.sh": FORMAT_BRACES, **RUNS_SHELLCHECK})
    outcome = code_quality.run(step_context(root, code_quality.SPEC))
    levels = sorted(
        (f.line, f.message[:6], f.severity.value)
        for f in outcome.findings
        if f.rule == "shellcheck/SC1083"
    )
    assert levels == [(2, "This {", "info"), (2, "This }", "info"), (4, "This {", "warning")]


EMPTY_ASSIGNMENTS = """\
#!/bin/bash
ZZOFF= ZZDIR=../zz ./build --all
typeset used= perc=
echo "$used$perc"
VAR= value
"""


def test_an_empty_assignment_before_another_assignment_is_info(tmp_path: Path) -> None:
    """funcoeszz's `ZZOFF= ZZDIR=../zz ../funcoeszz` sets ZZOFF empty for the command: SC1007
    at info (so liquidprompt's `typeset a= b=`); `VAR= value`, where a value follows, keeps it."""
    root = make_repo(tmp_path / "p", {"gen.sh": EMPTY_ASSIGNMENTS, **RUNS_SHELLCHECK})
    assert _levels(root, "SC1007") == {2: "info", 3: "info", 5: "warning"}


EMPTY_RUNS = """\
#!/bin/bash
LC_ALL= LANG= ip -o link show lo
LANG=C MODE= value
"""


def test_the_second_of_two_empty_assignments_is_info(tmp_path: Path) -> None:
    """rear's `LC_ALL= LANG= ip -o link show`: both empty for the command, the second too
    (SC1007, info). `LANG=C MODE= value`, an empty assignment after a set one, keeps it."""
    root = make_repo(tmp_path / "p", {"net.sh": EMPTY_RUNS, **RUNS_SHELLCHECK})
    assert _levels(root, "SC1007") == {2: "info", 3: "warning"}


OWN_DIRECTORY = """\
#!/bin/bash
cd $(dirname "$0")/.. || exit 1
. $(dirname "${BASH_SOURCE[0]}")/lib.sh
cd $(dirname "$1") || exit 1
rm -rf $(dirname $0)/build
"""


def test_the_scripts_own_directory_unquoted_for_cd_is_info(tmp_path: Path) -> None:
    """funcoeszz's and liquidprompt's maintainer helpers `cd $(dirname "$0")`: SC2046 at info;
    the directory of a path the script was given, and `rm -rf $(dirname $0)/build`, keep it."""
    root = make_repo(tmp_path / "p", {"tool.sh": OWN_DIRECTORY, **RUNS_SHELLCHECK})
    assert _levels(root, "SC2046") == {2: "info", 3: "info", 4: "warning", 5: "warning"}


ECHOED = """\
#!/bin/bash
pattern=$(echo $* | sed 's/ /+/g')
second=$(echo $@ | cut -d' ' -f2)
echo "$pattern $second"
echo2() { echo $@ >&2; }
echo2 "  - indented"
mkdir -p $*
"""


def test_arguments_echoed_into_a_pipe_are_info(tmp_path: Path) -> None:
    """funcoeszz's `$(echo $* | sed ...)` and abcde's `$(echo $@ | cut -d' ' -f2)` join the
    arguments into one line to filter: SC2048/SC2068 at info. `echo $@ >&2` shown to a person
    (creack/pty's echo2, called with leading blanks) and `mkdir -p $*` keep the warning."""
    root = make_repo(tmp_path / "p", {"args.sh": ECHOED, **RUNS_SHELLCHECK})
    outcome = code_quality.run(step_context(root, code_quality.SPEC))
    levels = {
        (f.rule.removeprefix("shellcheck/"), f.line): f.severity.value
        for f in outcome.findings
        if f.rule in ("shellcheck/SC2048", "shellcheck/SC2068")
    }
    assert levels == {
        ("SC2048", 2): "info",
        ("SC2068", 3): "info",
        ("SC2068", 5): "warning",
        ("SC2048", 7): "warning",
    }
    # unquoted, an argument with `*` also globs: the note says so, not "only blanks"
    note = next(f.message for f in outcome.findings if f.rule == "shellcheck/SC2048")
    assert "globs" in note and "only" not in note


SHELL_TESTS = """\
#!/bin/bash
test "$(echo foo >/dev/null)" = "" || exit 1
test "$({ echo foo; } >/dev/null)" = "" || exit 1
test "$(printf '%s' 'a b' >/dev/null 2>&1)" = "" || exit 1
test "$(mycmd foo >/dev/null)" = "" || exit 1
"""


def test_a_literal_echo_sent_away_in_a_substitution_is_info(tmp_path: Path) -> None:
    """liquidprompt's tests/test_shell.sh checks that `$(echo foo >/dev/null)` is empty: only an
    echo of literal text runs, SC2327/SC2328 at info; `$(mycmd foo >/dev/null)` runs a program
    whose output is lost (a check that checks nothing): the warnings stay."""
    root = make_repo(tmp_path / "p", {"test_shell.sh": SHELL_TESTS, **RUNS_SHELLCHECK})
    outcome = code_quality.run(step_context(root, code_quality.SPEC))
    levels = {
        (f.rule.removeprefix("shellcheck/"), f.line): f.severity.value
        for f in outcome.findings
        if f.rule in ("shellcheck/SC2327", "shellcheck/SC2328")
    }
    assert levels == {
        **{(code, line): "info" for code in ("SC2327", "SC2328") for line in (2, 3, 4)},
        ("SC2327", 5): "warning",
        ("SC2328", 5): "warning",
    }


STATUS_PROBES = """\
#!/bin/sh
for tool in glibtoolize libtoolize15 ; do
    _probe="`$tool --version > /dev/null 2>&1`"
    if [ $? = 0 ] ; then
        echo "found $tool"
    fi
    _used="`$tool --version > /dev/null 2>&1`"
    if [ $? = 0 ] ; then
        echo "found $_used"
    fi
    _other="`$tool --version > /dev/null 2>&1`"
    echo "next"
done
"""


def test_a_substitution_run_for_its_exit_status_is_info(tmp_path: Path) -> None:
    """autogen.sh (copied by many autotools projects, sg3_utils' among them) probes a tool with
    `_x="`$tool --version > /dev/null 2>&1`"` and reads `$?` on the next line; `_x` is read
    nowhere: the command runs for its status, SC2328 is info. The same assignment whose variable
    is printed later, and one whose next command does not read `$?`, keep the warning."""
    root = make_repo(tmp_path / "p", {"autogen.sh": STATUS_PROBES, **RUNS_SHELLCHECK})
    outcome = code_quality.run(step_context(root, code_quality.SPEC))
    levels = {f.line: f.severity.value for f in outcome.findings if f.rule == "shellcheck/SC2328"}
    assert levels == {3: "info", 7: "warning", 11: "warning"}
    info = next(f for f in outcome.findings if f.rule == "shellcheck/SC2328" and f.line == 3)
    assert "`_probe` is read nowhere" in info.message


ONCE_LOOPS = """\
#!/bin/bash
for dummy in "once" ; do
    test -d /nonexistent || break
    echo found
done
for item in once ; do
    echo "$item"
    break
done
for dir in /etc ; do
    ls /etc
done
for pass in once ; do
    test -d /nonexistent || continue
    echo found
done
"""


def test_a_one_word_loop_left_with_break_is_info(tmp_path: Path) -> None:
    """rear's `for dummy in "once" ; do ... || break ... done`: a block meant to run once, left
    early with `break` (or `continue`, the same in one pass). A one-word loop whose body reads
    its variable, or that has no `break`, keeps the warning."""
    root = make_repo(tmp_path / "p", {"once.sh": ONCE_LOOPS, **RUNS_SHELLCHECK})
    assert _levels(root, "SC2043") == {2: "info", 6: "warning", 10: "warning", 13: "info"}


UNREAD_ECHOES = """\
#!/bin/sh
helptext () {
\tlocal tab=$(echo -en "\\t\\t")
\tcat <<END
usage: x
END
}
usage () {
\tlocal indent=$(echo -en "\\t")
\tprintf '%s%s\\n' "$indent" usage
}
helptext
usage
"""


def test_echo_flags_in_a_value_the_script_never_reads_are_info(tmp_path: Path) -> None:
    """fwanalog 0.6.9's `local tab=$(echo -en "\\t\\t")` in a `#!/bin/sh` script: dash's echo
    would print `-en` too, but `tab` is read nowhere, so SC3037 is info. The same echo whose
    variable the script prints (`$indent`) keeps the warning."""
    root = make_repo(tmp_path / "p", {"fw.sh": UNREAD_ECHOES, **RUNS_SHELLCHECK})
    outcome = code_quality.run(step_context(root, code_quality.SPEC))
    levels = {f.line: f.severity.value for f in outcome.findings if f.rule == "shellcheck/SC3037"}
    assert levels == {3: "info", 9: "warning"}
    info = next(f for f in outcome.findings if f.rule == "shellcheck/SC3037" and f.line == 3)
    assert "`tab`, which the file reads nowhere" in info.message


OVERRIDES = """\
#!/bin/bash
here=$(cd "$(dirname "$0")" && pwd)
helper "$here"
cd () {
    echo "no cd override wanted" >&2
}
helper () {
    echo "$1"
}
"""


def test_a_builtin_called_before_the_function_that_overrides_it_is_info(tmp_path: Path) -> None:
    """virtualenvwrapper's tests/test_cd.sh (held-out 111, wrong): `test_dir=$(cd $(dirname $0)
    && pwd)` at the top, then `cd () { fail ...; }` defined later to catch an override being
    used: the early call runs the builtin cd, as meant (SC2218 at info). `helper`, no builtin,
    called before its definition fails with command not found: the warning stays."""
    root = make_repo(tmp_path / "p", {"t.sh": OVERRIDES, **RUNS_SHELLCHECK})
    assert _levels(root, "SC2218") == {2: "info", 3: "warning"}
