"""The severity of shellcheck's findings, from what the script's own text says (`ScriptTraits`).

shellcheck's `-f json1` report becomes findings (`shellcheck_findings`); severity mapping:
its levels, with `error` kept for what does not parse (SC1xxx): its other
"errors" are likely bugs, not certain ones (SC2068, SC2145) -> warning; `warning` -> warning;
`info` and `style` (suggestions, as `shellcheck -S warning` leaves them out) -> info. Info
whatever their level, where the file alone cannot show the problem: SC1090/SC1091 (a sourced
file shellcheck was not given), SC2317/SC2329 (code it believes unreachable or never called:
it cannot see functions called indirectly), SC2148 (no shebang: a library for `source`; so
SC1008/SC1113 on a first line `# /usr/lib/x/lib.sh` without `!` naming no shell shellcheck
knows, a comment it takes for a shebang, while `# /bin/bash` keeps SC1113's error),
SC2168 (`local` outside a function) in a file without a `#!` line: a fragment for `source`,
and bash makes `local` variables in a file sourced inside a function (rear's 837 stage scripts
under usr/share/rear/, each run by `source "$source_file"` inside its `Source` function); an
executable script with a `#!` line runs at the top level, where `local` fails, and keeps it;
SC2034 (a variable "unused": a sourcing script, indirect expansion or a child process may
read it; a misspelt name is still reported where it is read, SC2154); SC2207 on
`COMPREPLY=($(compgen ...))`, the completion idiom; SC2145 on an `echo "... $@"` line (alone,
as a case branch's one command or behind redirections: `error) >&2 echo "[ERROR] $@" ;;`, or
alone in a subshell: `( >&2 echo -e "  ${@}" )`), or an
echo ending an `&&`/`||` list whose condition has no `@` (`[ -z $LOG ] || echo "... $@"`; echo
joins its arguments with one space: the text "$*" would give); SC2068 on an `eval $@` line
(eval joins its arguments with one space and parses the result again: quoting changes nothing);
SC2284 on an `echo === banner ===` line (echo prints the `==` word, no comparison was meant);
SC2154 (referenced but not
assigned) in a
script that runs with `set -u`, where an unset variable stops the script; SC2155 (`local
x=$(cmd)` masks cmd's status) in a script without `set -e`, where no status stops it; SC2128
on `$BASH_SOURCE` (its first element, the current file, is what the idiom means); SC2164
(`cd` without `|| exit`: none of 13 labelled findings on real projects was a real problem);
SC2206/SC2207 where the line says it splits on purpose (`IFS=: dirs=($PATH)`, Bash
completion's `COMPREPLY=($(compgen ...))`) or follows an assignment of IFS of its own, in
the same function body and not undone since (`IFS=$'\n'`, then `ids=($(list_ids))`: one element
a line), or lies between `set -f` and the `set +f` that undoes it (globbing off: the split is
what is meant); SC2088 on a quoted `~` that is only shown to a
person (an `echo`/`printf` line, or a variable only such lines use); SC2154 on what bats
sets (`$status`, `$output`, `$lines`, `$BATS_*`) in a helper beside `.bats` files; SC2154 on
a completion variable (`$cur`, `$prev`, `$words`, `$cword`, `$comp_args`) in a completion file
that fills COMPREPLY and registers no completion of its own (no `complete` command): its
functions are called by another program's completion function, whose locals they see through
Bash's dynamic scope (pass's `_pass` declares `local cur` and calls an extension's
`__password_store_extension_complete_<cmd>`); a file that registers `complete -F f` is called
by Bash itself, so there an unassigned `$cur` stays a warning; SC1101
on a line ending in a word's escaped space (`cut -d\\ `) before a `fi`/`done`/`esac` line,
which no continuation can precede: a literal space argument, the script parses as meant.
SC1102 (`$((` read as a command substitution) on `$(($a $op $b))`, a parameter between
two operands: arithmetic whose operator the parameter holds, which the shell computes; and on
`$((summary[assertions.pass]++))` where the file declares `summary` associative (`declare
-Ag summary`): bash reads the subscript of an associative array as a string, dots and all (an
indexed array's `$((a[x.y]))` fails when it runs, and keeps the error).
SC1087 (`$name[` without braces) where the script never uses `name` as an array (no
`name=(...)`, `name[i]=`, `${name[...]}`, `declare -a`, `read -a`, `mapfile`): a plain
string followed by a literal `[` (`$esc[31m` in a sed script), as the shell expands it; and
a `$name[` in text written for `eval` (inside an escaped `\\${...}`, or on a line that
assigns the string a later `eval "$var"` runs: strike's `eval nv="\\${$json_data[$key]}"`),
where `name` holds the name of an array and the `[` is part of the command eval reads.
SC1083 ("this { is literal") on the brace of a `\\${...}` whose dollar is escaped (makeself's
test/variabletest passes `\\${${1}}` so that the archive's own script expands `${ARCHIVE_DIR}`):
the brace is literal as meant; a brace after no escaped dollar (`src/{a,b`) keeps the warning.
SC2254 (an unquoted expansion in a case pattern globs) on a variable named for a glob
(`$pattern`, `${patterns[$i]}`, `$file_glob`): the match against a pattern is meant (the stub
helper of rbenv and ruby-build); another name (`$name`, `$RET_OK`) keeps the warning.
SC2053 (an unquoted right-hand side of `==`/`!=` in `[[ ]]` globs) where that side is the very
variable whose transformed expansion is the left-hand side (`[[ ${Dev/mapper//} != $Dev ]]`,
`[[ ${value%\\%} == ${value} ]]`: rear asks whether a substitution changed the value): a value
matched against itself as a pattern matches unless its own glob characters stand for the text
the expansion took away, and the device names and numbers such tests look at hold none; the
question is the one meant. Another variable on the right (`[[ $a == $b ]]`) keeps it.
SC2053 on a variable named for a glob is info too, as SC2254 is (rear's `[[ "$partition_label"
== $write_protected_pattern ]]` over WRITE_PROTECTED_FS_LABEL_PATTERNS, documented as shell
glob patterns): the match against a pattern is meant; `[[ "$label" == $wanted ]]` keeps it.
SC2209 (`name=word` where `word` is a command: its output meant?) when the script compares
the variable with that word, as a pattern of a `case` on it or in a `[ "$name" = word ]` test
(makeself's `COMPRESS=compress`, one of the names `case $COMPRESS in` matches): the name is
the value. So when the script assigns the variable another literal value elsewhere (FAI's
`order=cd`, `-O` giving `order=dc`; `zip=cat` beside `zip="xz -8"`): a choice among values.
A variable never compared with the word nor given another literal (`now=date`, then
`echo "$now"`) keeps it.
SC2213 (getopts lists a flag its `case` does not handle) in a script that saves its whole
argument list before the loop and expands the copy after it (FAI's fai-setup: `options=$@ #
all options are also passed to fai-make-nfsroot`): the other flags are the other command's.
A getopts whose arguments are not passed on keeps the warning.
SC2220 (a getopts `case` with no `*)` for invalid flags) when getopts runs in its default mode
(no leading `:` in the option string): getopts itself prints "illegal option" for an unknown
flag; in silent mode (`getopts ":ab" opt`) nothing would, and the warning stays.
SC2064 (a double-quoted trap expands its variables when it is set) when no variable it
expands is assigned again after the trap line (`trap "rm -f $stamp" EXIT` once the stamp is
named): set-time and run-time expansion agree. A variable assigned later (`trap "rm -f $tmp"
EXIT` before `tmp=$(mktemp)`) keeps the warning.
SC2046 (an unquoted `$(...)`) that is an operand of an integer comparison (`test $(wc -l <
f) -gt 0`) or of `expr` arithmetic (`expr $(ls -la f | awk '{print $5}') / 1024 + 5000`,
live-boot's toram size): an integer has nothing to split, and other output fails quoted or not.
SC2046 on the arguments of `set --`/`set -` (`set - $(date -u "+%Y %m %d")`): the POSIX
way to split output into positional parameters on purpose.
SC1111 (a Unicode quote inside a double-quoted string) in a file where shellcheck suspects
no string of being unclosed (SC1078/SC1079) and parsed it all: the curly quote is text.
SC2319 ("this $? refers to a condition, not a command") on a plain assignment of `$?`
(`VCS_WC_MODIFIED="${?}"`) right after a line that is one test command and nothing else
(`test -z "$(git status --porcelain)"`, `[ -d "$dir" ]`): the condition's status is the value
wanted and is already kept in a variable, which is what the warning asks. So is
`[ -n "$x" ] && return $?` (or `exit`) with a test that does not read `$?`: it returns 0, the
status of the test that let it run. `$?` read after an `if [ ... ]` or inside the test of a
command's status (`[ $? -ne 0 ] && exit $?`) keeps it.
SC2256 (`$"name"`, a translated string whose text is a variable's name: a swapped `"$name"`?)
in a script that sets TEXTDOMAIN: bash looks its `$"..."` strings up in that gettext domain,
so the script translates them on purpose (txt2regex's `$"color"` column label, whose msgid its
po/ catalogue holds) and the word is a message, not a misplaced expansion. In a script that
sets no TEXTDOMAIN nothing is translated and `$"name"` keeps the warning.
SC2091, SC2092, SC2327 and SC2328 on a `$(...)` or backtick substitution that is a whole command
in command position (after `!`, `if`, `&&`, `;`...) and sends its output to /dev/null, or runs
only a `grep -q` that prints nothing (rear's `if $(grep -q ^s$nr: /etc/inittab)`; funcoeszz's
`! $(zztool dump f | grep "^ *$n " >/dev/null)`, abcde's `if $(cd-discid $CDROM > /dev/null 2>&1)`):
it expands to nothing, so nothing is executed and the command's status is the substitution's,
a roundabout `grep -q`; or to a file (dvd-slideshow's jigl2slideshow runs
`` `grep -i .jpg f | sed -e ... >> $output_dir/picture_list.txt` `` between `echo ... >>` lines
to the same list): the file gets the output as meant and the empty expansion runs nothing.
A substitution whose output is used (`x=$(cmd >/dev/null)`, `"$(echo foo >/dev/null)"`,
`a=( $(cmd >/dev/null) )`, `test ! $(cmd >/dev/null)`), one whose output is not sent away
(`$(find_cmd) args`, a list `$(echo rm; cmd >/dev/null)`, stderr kept by
`$(cmd 2>&1 >/dev/null)`), and another substitution on the same line keep them.
SC2166 (`[ p -a q ]`, `[ p -o q ]`: "not well defined") on a line whose operands are quoted
expansions, literal words, or an unquoted expansion compared as an integer (`$i -lt 60`), with
no `!` and no parentheses: the test builtins of bash, dash and busybox ash all evaluate such a
test as written (all 44 SC2166 findings labelled in cloud-utils and funcoeszz were noise);
the precedence of `!` and `( )` next to `-a`/`-o` is where they differ, so `[ !
-f "$a" -o -d "$b" ]` keeps the warning, and so does an unquoted string operand (`[ $a = x -o
... ]`, which an empty or spaced value breaks). An unquoted path of plain expansions and literal
text with a `/` (rear's `[ -r /proc/mdstat -a -r $TARGET_FS_ROOT/etc/mdadm/mdadm.conf ]`) is
never empty, so it is an operand as a literal word is (a blank in the value is SC2086's matter).
SC2124 ("assigning an array to a string") on `name=${@}` (or `$@`, `"$@"`) whose every read in
the file is unquoted (`targets=${@}`, then `chown -h ${owner} ${targets}`: live-boot's
chown_ref): the arguments are joined into one string and split into words again where it is
read, on purpose, what an unquoted `$*` gives; that splitting is shellcheck's SC2086, an info.
So for an array's elements (`name="${arr[@]}"`, or inside a longer string: `cmd="echo Y | $cmd
${devices[@]}"`) read that way or as part of a longer quoted text with a blank of its own
(rear's `recover_date="${NSR_ENDTIME[@]}"`, then `recover_args="-t ${recover_date}"` and a
message `"... set to ${recover_date} ."`): the text "${arr[*]}" gives, as meant.
A read that is a double-quoted word of its own (`cp "$files" /dst`: one word made of all the
arguments where several were meant) keeps it.
SC2316 ("this applies local to the variable named readonly") on a declaration that names a
variable called like a declaration keyword (`local fspath module offset readonly`) where the
file assigns that variable (`readonly=${5}`, then `[ -n "${readonly}" ]`: live-boot's
setup_loop): a local variable of that name is what the line means, and the shells make one.
`local readonly x` in a file that never assigns `readonly=` (a `local -r x` meant) keeps it.
SC2199 ("arrays implicitly concatenate in [[ ]]") where the joined string is the check meant:
a one-operand test of the array (`[[ ! ${todo[@]} ]]`, `[[ -n "$@" ]]`: empty or not). Any
comparison keeps the warning, even with one plain word (`[[ "$@" != "-a" ]]` is true for
`prog -v -a`, the bug SC2199 is for), and so does a pattern (`[[ $@ == *x* ]]`).
SC2068 (an unquoted `${name[@]}`) on a name only ever assigned a string (`local -a
items=${reports[@]}`: one string, whose unquoted expansion splits a word list on purpose, as
`$items` would, shellcheck's SC2086, an info) or on an array every assignment of which fills
it by unquoted word splitting (`items=( $(cmd) )`, `dirs=( ${list//,/ } )`) or with literal
words that hold no blank nor glob character (`packages=("bash" "make")`): its elements hold
nothing to split, and what a glob could match was matched when it was filled, so quoting
changes nothing; so does a slice of such an array (npm-start 1.4.2's `local pids=($(subprocs $$))`
then `kill ${pids[@]:1}`: some of those elements). An array
that receives a quoted expansion anywhere (`dirs+=( "$BASEDIR" )`) keeps it: a path with a space.
So does an unquoted `$@` in a function of a script (it has a `#!` line, so no other file calls
its functions) every call of which passes only literal words without blank, glob, quote or
expansion (creack/pty's test_crosscompile.sh: `cross() { ...; for arch in $@; do` called as
`cross linux amd64 386 arm`): its arguments hold nothing to split. The same for an unquoted
`$*` (SC2048; makeself's test/extracttest: `setupTests() { ...; $SUT $* archive ...` called
as `setupTests` and `setupTests --gzip`), which then gives the words `"$@"` would. A call
with a quoted or expanded argument (`echo2 "  - $os/$arch"`, whose `echo $@` loses the
leading blanks) keeps it.
A fill-in template (a file named `*template*`, `*skeleton*`, `*.tmpl`, `*.tpl`, or kept under
`doc/`/`docs/`) whose code holds an angle-bracket placeholder (`print_<plugin_name>() {`) and that
shellcheck cannot parse (SC1xxx): every finding of it is info, the placeholder is what stops the
parse (recap's doc/plugin_template, which its README offers to copy); a template without a
placeholder, or a script with one under another name, keeps its parse error.
SC2145 (`"text ${a[@]}"`, string and array mixed) in a call of a function of the same file that
joins its arguments from that one on (`log() { local level=$1; shift; local entry="$*"; ...}`,
called as `log INFO "found: ${a[@]}"`; or one whose only read of its arguments is such an echo
of `"...$@..."`, openvpn-systemd-resolved's `_fail() { ...; ( >&2 echo -e "  ${@}" ) }`, also
called across backslash-continued lines; or behind `else`, as the bats helpers' `flunk`, which
prints its arguments with `else echo "$@"` and reads only their count `$#` besides):
the split words are joined again with one space, the
text "$*" would give. So in a call of a function that reads none of its arguments (cdist's
example wrappers switch their `log` off as `log() { #echo "$@" | logger ...; : }`): the split
changes nothing. A function that reads `$2` alone keeps it (it would print the first word).

SC2066 (`for x in "$list"`: the quotes make one word, the loop runs once) when the loop body
reads the variable only as an unquoted argument of commands other than a test or an `echo`/
`printf` (remaster-iso's `for mount_point in "${_MOUNTLIST}"; do umount -l $mount_point; rmdir
$mount_point; done`, backup-manager's `mkdir -p $dir`): the body splits the one value into
the same words again, so every command gets every item in the loop's order; true that the loop
is pointless, but nothing is left undone. A read in double quotes (`rm -rf "$dir"`: one
argument made of all the names), in a test (`[ -d $dir ]`: too many arguments), in a message,
as the operand of a command that takes one (`cd $dir`, `. $file`), or an assignment of the
variable in the body keeps the warning.

SC2045 (`for f in $(ls ...)`: a name with a blank splits) when ls lists a literal pattern (no
expansion, no quote: `$(ls ./psu-*.squashfs)`) of names the same script makes itself, from
values that are one word by their command (`shellcheck_words.one_word_command`) or literal
blank-free words: remaster-iso's editor writes `mksquashfs ... psu-${_DATE}.squashfs` with
`_DATE=$(date +%Y%m%d-%H%M%S)`, then stacks `$(ls ./psu-*.squashfs)`; no listed name holds a
blank, the loop splits nothing. A pattern the script never names (`$(ls *.mp3)`, a user's
files), a name made from another value (`read name`, `$1`), or a listed directory held in a
variable (`$(ls "$BASEDIR"/*.log)`, a configured path with a blank) keeps the warning.

SC2238 (a redirection to a command's name: `cmd > grep`, a pipe meant?) when the script names
that word as an operand of another command (`shellcheck_redirects`): cdist's
`__unpack/test/make-test-files.sh` writes `echo test.gz > test`, then `gzip test`: `test` is the
data file the script makes, not the command. A word never used as an operand (`ls > sort`,
`sort` only ever a command) keeps the warning.

What the script's own shell and the project's choice of linters change comes after, in
`ai_workflow.lint.shellcheck`.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ai_workflow.findings import Finding, Severity
from ai_workflow.lint.report import relpath
from ai_workflow.lint.shellcheck_alias_units import ALIAS_SAME_UNIT, alias_read_at_run_time
from ai_workflow.lint.shellcheck_redirects import redirects_to_own_file
from ai_workflow.lint.shellcheck_words import one_word_command
from ai_workflow.textfiles import read_text

SHELLCHECK_INFO_CODES = frozenset(
    {
        1090,  # can't follow a non-constant source
        1091,  # not following a sourced file that was not given as input
        2034,  # "appears unused": sourcing scripts, indirect expansion and child processes read
        # variables shellcheck cannot see (0 of 29 labelled findings real); a misspelt name is
        # still found where it is read (SC2154, referenced but not assigned)
        2148,  # no shebang or shell directive: a library for `source`, its shell is the caller's
        2164,  # `cd` without `|| exit`: 0 of 13 labelled findings real (script's own dir, pushd)
        2317,  # command appears unreachable (a function invoked indirectly)
        2329,  # function never invoked (it may be invoked indirectly)
    }
)


SHELLCHECK_UNASSIGNED = 2154  # referenced but not assigned: harmless under `set -u`
SHELLCHECK_SPLIT_ARRAY = 2207  # `arr=($(cmd))`: for COMPREPLY the completion idiom
COMPREPLY = re.compile(r"\bCOMPREPLY\+?=\(")
SHELLCHECK_MASKED_STATUS = 2155  # `local x=$(cmd)`: the status matters only under `set -e`
NOUNSET = re.compile(
    r"^\s*set\s+(?:-[a-zA-Z]*u[a-zA-Z]*\b|.*-o\s+nounset\b)|^#!.*\s-[a-zA-Z]*u[a-zA-Z]*\b", re.M
)


ERREXIT = re.compile(
    r"^\s*set\s+(?:-[a-zA-Z]*e[a-zA-Z]*\b|.*-o\s+errexit\b)|^#!.*\s-[a-zA-Z]*e[a-zA-Z]*\b", re.M
)


SOURCES = re.compile(r"^\s*(?:source|\.)\s+\S", re.M)
SHELLCHECK_ARRAY_FIRST = 2128  # `$BASH_SOURCE`: meaning its first element is the idiom
BATS_VARIABLES = frozenset({"status", "output", "lines", "stderr", "stderr_lines"})  # `run` sets
# the locals a completion function declares (bash-completion's `_init_completion` and
# `_comp_initialize` fill them) and the helpers it calls read through Bash's dynamic scope
COMPLETION_VARIABLES = frozenset({"cur", "prev", "words", "cword", "comp_args"})
# a `complete` command: the file registers a completion function, which Bash calls directly
REGISTERS_COMPLETION = re.compile(r"(?:^|[;&|({]|\b(?:then|do|else))\s*complete\s+-", re.M)
SHELLCHECK_ARRAY_SPLIT = frozenset({2206, 2207})  # `a=($x)`, `a=($(cmd))`: split into words
SHELLCHECK_QUOTED_TILDE = 2088  # `"~/x"`: tilde does not expand in quotes
SHELLCHECK_MIXED_ARRAY = 2145  # `"text $@"`: the text joins the first argument only
# `echo "... $@ ..."` alone on its line: echo joins its arguments with one space, as "$*" would
ECHO_LINE = re.compile(r"^\s*(?:builtin\s+)?echo\b(?!.*(?:;|&&|\|\|))")
# an echo ending an `&&`/`||` list (`[ -z $LOG ] || echo "called with $@" > $LOG`) whose
# condition has no `@` (so shellcheck's SC2145 can only be the echo's) and no `=`
ECHO_TAIL = re.compile(r"^[^@=#]*(?:&&|\|\|)\s*(?:builtin\s+)?echo\b(?!.*(?:;|&&|\|\|))")
# an echo that is a case branch's one command, or behind leading redirections (abcde's
# `error)   >&2 echo "[ERROR] abcde: $@" >&2 ;;`): no other command on the line
ECHO_BRANCH = re.compile(
    r"^\s*(?:\(?[^()\s;|&]+(?:\s*\|\s*[^()\s;|&]+)*\)\s*)?"
    r"(?:\d*(?:>>?|<)&?[^\s;|&<>]+\s*)*"
    r"(?:builtin\s+)?echo\b(?![^;]*(?:&&|\|\|))[^;]*(?:;;\s*(?:#.*)?)?$"
)
# an echo alone in a subshell, behind leading redirections (openvpn-systemd-resolved's
# `( >&2 echo -e "  ${RED}${FAIL} ${@}${RESET}" )`): no other command in the group
# `then`/`else`/`do` in front of an echo that is the rest of the line: the echo command alone
KEYWORD_ECHO = re.compile(r"^\s*(?:then|else|do)\s+(?=(?:builtin\s+)?echo\b)")
ECHO_SUBSHELL = re.compile(
    r"^\s*\(\s*(?:\d*(?:>>?|<)&?[^\s;|&<>()]+\s*)*(?:builtin\s+)?echo\b[^;&|()]*\)\s*$"
)
# a function definition: `name() {`, `function name {`, `function name() {`
FUNCTION_HEADER = re.compile(r"^(\s*)(?:function\s+)?([A-Za-z_][\w:.-]*)\s*(?:\(\s*\))?\s*\{\s*$")
# what joins the arguments into one word: `"$*"`, `"${*}"` (also inside a string whose other
# expansions are named variables, `"${PREFIX}$*"`), or `$@` / `${@:n}` assigned
_NAMED_OR_TEXT = r"(?:[^\"\n$\\]|\$\{?[A-Za-z_]\w*\}?)*"
JOIN = re.compile(
    rf"\"{_NAMED_OR_TEXT}\$(?:\*|\{{\*\}}){_NAMED_OR_TEXT}\""
    r"|[A-Za-z_]\w*=\"?\$(?:@|\{@\}|\{@:(\d+)\})\"?(?:\s|;|$)"
)
POSITIONAL = re.compile(r"\$(?:(\d)|\{(\d+)\}|([@*])|\{([@*])[^}]*\})")
SHIFT = re.compile(r"(?:^|[;&|({]|\b(?:then|do|else))\s*shift(?:\s+(\d+))?\s*(?:;|&&|\|\||$)")
# the start of a simple command: the line's start, or after `then`/`do`/`else`, `&&`, `||`, `;`
COMMAND_START = r"(?:^\s*|(?:\bthen|\bdo|\belse|&&|\|\||;)\s+)"
# a file meant to be copied and filled in, not run: by its name, or kept with the documentation
TEMPLATE_NAME = re.compile(r"template|skeleton|\.tmpl$|\.tpl$", re.I)
DOCUMENTATION_DIRS = frozenset({"doc", "docs", "documentation"})
# `<plugin_name>` in code: a placeholder the copy replaces (not `<<`, `<(`, `<&`, `< file`)
PLACEHOLDER = re.compile(r"(?<!<)<[A-Za-z_][\w-]*>")
SHELLCHECK_LITERAL_EQUALS = 2284  # `x == y` as a command: a comparison without `[ ]`?
SHELLCHECK_UNQUOTED_ARRAY = 2068  # `cmd $@`: each argument is split and globbed again
SHELLCHECK_UNQUOTED_STAR = 2048  # `cmd $*`: the same splitting ("$@" keeps the arguments)
# `eval $@` alone on its line: eval joins its arguments with one space and parses the result
# again, so quoting them changes nothing (kworkflow's cmd_manager ends in `eval $@`)
EVAL_LINE = re.compile(r"^\s*(?:builtin\s+)?eval\s(?!.*(?:;|&&|\|\|))")
# the expansion SC2068 covers: `${name[@]}` / `${name[*]}`, or a slice of its elements
# (`${name[@]:1}`, `${name[@]: -2:1}`; not `${name[@]:-default}`, `:+`, `:=`, `:?`: other text)
ARRAY_EXPANSION = re.compile(r"^\$\{([A-Za-z_]\w*)\[[@*]\](?::(?![-+=?])[^{}]*)?\}$")
# what reads a function's arguments without naming one: their count, `shift`, `getopts`, and a
# `for name` loop without `in` (over "$@")
IMPLICIT_ARGUMENTS = re.compile(r"\$#|\$\{#\}|\bshift\b|\bgetopts\b|\bfor\s+\w+\s*(?:;|$|\bdo\b)")
POSITIONAL_ALL = re.compile(r"^\$(?:[@*]|\{[@*]\})$")  # an unquoted `$@` (SC2068), `$*` (SC2048)
PLAIN_WORDS = re.compile(r"^[\w.,:+=/%@-]*(?:\s+[\w.,:+=/%@-]+)*$")  # no quote, glob or `$`
# an assignment of a whole array: `name=(`, `name+=(`, after `local -a`/`declare`... or none,
# and after other names the same `local` declares (`local host hosts=(`)
ARRAY_ASSIGNMENT = re.compile(
    r"(?:^|[;&|({]|\b(?:then|do|else))\s*"
    r"(?:(?:local|declare|typeset|readonly|export)(?:\s+-\w+)*(?:\s+[A-Za-z_]\w*)*\s+)?"
    r"([A-Za-z_]\w*)\+?=\(",
    re.M,
)
# a string assigned to a name: `name=x`, `local -a name=${list[@]}` (not `name=(`)
SCALAR_ASSIGNMENT = re.compile(
    r"(?:^|[;&|({]|\b(?:then|do|else))\s*"
    r"(?:(?:local|declare|typeset|readonly|export)(?:\s+-\w+)*\s+)?([A-Za-z_]\w*)\+?=(?!\()",
    re.M,
)
# any other way to set an element or the whole array: `name[i]=`, `read -a name`, `mapfile name`
ELEMENT_ASSIGNMENT = re.compile(r"\b([A-Za-z_]\w*)\[[^\]]*\]\+?=")
# what follows `name[i]=`: one expansion of a variable, quoted or not (`"${uri}"`, `$uri`)
ELEMENT_VALUE = re.compile(r'"?\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))"?(?=$|[\s;&|)])', re.M)
# `for name in words; do` (or `do` on the next line); `for name; do` (the arguments) has no words
FOR_LOOP = re.compile(r"\bfor\s+([A-Za-z_]\w*)(?:\s+in\b([^;\n]*)(?=;|\n|$))?", re.M)
READ_INTO = re.compile(
    r"\b(?:read\b[^;|&\n]*?\s-\w*a\w*|mapfile|readarray)(?:\s+-\w+)*\s+([A-Za-z_]\w*)"
)
# `${list//,/ }`: a list whose separators become blanks, split on purpose
SPLIT_SUBSTITUTION = re.compile(r"\$\{[A-Za-z_]\w*//?[^}]*/ \}")
LITERAL_WORD = re.compile(r"""^(?:"[\w.+@%:/=,-]+"|'[\w.+@%:/=,-]+'|[\w.+@%:/=,-]+)$""")
SHELLCHECK_SPACE_AFTER_BACKSLASH = 1101  # `\ ` at the end of a line: a broken continuation?
SHELLCHECK_AMBIGUOUS_ARITHMETIC = 1102  # `$((`: arithmetic or a command substitution?
SHELLCHECK_UNQUOTED_SUBSTITUTION = 2046  # `cmd $(x)`: the output is split into words
SHELLCHECK_AND_OR_TEST = 2166  # `[ p -a q ]`: -a/-o inside one test
INTEGER_OPERATORS = frozenset({"-eq", "-ne", "-lt", "-le", "-gt", "-ge"})
GROUPING_TOKENS = frozenset({"!", "(", ")", "\\(", "\\)", '"("', '")"', "'('", "')'"})
SHELLCHECK_ARRAY_TO_STRING = 2124  # `x=$@`: the arguments joined into one string
JOINED_ARGUMENTS = re.compile(
    r'^\s*(?:local\s+)?(?P<name>[A-Za-z_]\w*)=(?:"\$\{?@\}?"|\$\{?@\}?)\s*(?:[;#]|$)'
)
# `name="... ${array[@]} ..."` (or `$@`): a string assigned the joined elements, alone or
# inside a longer double-quoted value
JOINED_ARRAY = re.compile(
    r'^\s*(?:local\s+)?(?P<name>[A-Za-z_]\w*)=(?:"[^"]*\$\{[A-Za-z_]\w*\[@\]\}[^"]*"'
    r"|\$\{[A-Za-z_]\w*\[@\]\})\s*(?:[;#]|$)"
)
SHELLCHECK_KEYWORD_NAME = 2316  # `local x readonly`: a keyword read as a variable's name
DECLARATION_KEYWORDS = ("readonly", "export", "local", "declare", "typeset")
DECLARATION = re.compile(r"^\s*(?:local|declare|typeset|export|readonly)\s+(?P<names>[^#;&|]*)")
SHELLCHECK_CONDITION_STATUS = 2319  # `$?` of a `[ ]`/`test`, not of the command before it
SHELLCHECK_QUOTED_LOOP_LIST = 2066  # `for x in "$list"`: one word, the loop runs once
QUOTED_LIST_LOOP = re.compile(r'^\s*for\s+([A-Za-z_]\w*)\s+in\s+"[^"`\\@]*\$[^"`\\@]*"\s*(?:;|$)')
LOOP_OPENS = re.compile(r"(?:^|[;&|]|\s)do(?=\s|;|$)")
LOOP_CLOSES = re.compile(r"(?:^|[;&|]|\s)done(?=\s|;|$|\))")
COMMAND_SEPARATOR = re.compile(r"(?:;|&&|\|\||\||\bthen\b|\bdo\b|\belse\b)\s*")
COMPOUND_KEYWORDS = frozenset({"if", "elif", "while", "until", "!", "{", "("})
# commands that take one operand where the loop meant one item: a test, a message, a declaration,
# a directory to enter or a file to source (`cd a b` fails; `rm a b` does what two calls would)
SPLIT_HOSTILE_COMMANDS = frozenset(
    {"[", "[[", "test", "echo", "printf", "case", "local", "export", "readonly", "declare"}
    | {"cd", "pushd", "source", ".", "basename", "return", "exit", "read"}
)
SHELLCHECK_LS_LOOP = 2045  # `for f in $(ls x*)`: a listed name with a blank splits
LS_LITERAL = re.compile(  # `$(ls -t ./x-*.gz)`: options, then words with no expansion nor quote
    r"(?:\$\(|`)\s*ls((?:\s+-[A-Za-z1]+)*"
    r"(?:\s+[^\s$`\"'\\();|&<>-][^\s$`\"'\\();|&<>]*)+)\s*(?:\)|`)"
)
NAME_WITH_EXPANSION = re.compile(r"(?:[\w.@%+,:/-]|\$\{?[A-Za-z_]\w*\}?)+")
EXPANSION = re.compile(r"\$\{?([A-Za-z_]\w*)\}?")
SHELLCHECK_TRANSLATED_NAME = 2256  # `$"name"`: a translated string that is a variable's name
# the script chooses the gettext domain of its `$"..."` strings: it translates them on purpose
TEXTDOMAIN = re.compile(
    r"^\s*(?:(?:export|readonly|declare(?:\s+-\w+)*|typeset(?:\s+-\w+)*)\s+)?TEXTDOMAIN=", re.M
)
STANDALONE_TEST = re.compile(r"^\s*(?:!\s+)?(?:test\s|\[\[?\s)(?!.*(?:&&|\|\||;|\\$))")
# `[ -n "$x" ] && return $?`: a test that does not read `$?` itself, then return/exit with its
# status, which is 0 whenever the `&&` lets the return run
RETURN_AFTER_TEST = re.compile(
    r"^\s*(?:test\s|\[\[?\s)(?P<test>[^;&|]*?)\s*&&\s*(?:return|exit)\s+"
    r"(\"?)\$(?:\?|\{\?\})\2\s*(?:;\s*)?(?:#.*)?$"
)
STATUS_ASSIGNMENT = re.compile(
    r"^\s*(?:(?:local|readonly|export|declare(?:\s+-\w+)*)\s+)?[A-Za-z_]\w*="
    r"(\"?)\$(?:\?|\{\?\})\1\s*(?:#.*)?$"
)
# `$(cmd)` or `` `cmd` `` as a command (SC2091, SC2092), empty because cmd's output is
# redirected (SC2327, SC2328)
SHELLCHECK_EMPTY_SUBSTITUTION = frozenset({2091, 2092, 2327, 2328})
# a `$(...)` in command position (at the start of a command: after `;`, `&&`, `{`, `(`, then
# `if`, `!`, `then`... themselves in command position) that is the whole command and sends its
# standard output to /dev/null or to a file: it expands to nothing, so only its status (and
# what it wrote) is used. The `(` of an
# array (`a=( $(...) )`) or of `$(`, `((`, `<(` starts no command; a keyword or `!` that is an
# argument (`test ! $(...)`, `echo do $(...)`) is no command position.
COMMAND_POSITION = r"(?:^|[;&|{]|(?<![=$(<>])\()\s*(?:(?:if|while|until|then|do|else|elif|!)\s+)*"
# where the last command's standard output goes: /dev/null or a file, written or appended to
OUTPUT_AWAY = (
    r"(?:&>>?|(?<![\d&>])1?>>?)\s*(?:/dev/null|\"[^\"`]*\"|'[^'`]*'|[^\s;&|()<>`'\"]+)"
    r"(?:\s+2>&1)?\s*"
)
COMMAND_END = r"\s*(?=$|[;&|)]|\bthen\b|#)"
STATUS_SUBSTITUTION = re.compile(
    COMMAND_POSITION
    + r"(?P<sub>\$\((?P<body>(?:[^()]|\([^()]*\))*?)"
    + OUTPUT_AWAY
    + r"\))"
    + COMMAND_END
)
# a `$(grep -q ...)` in command position: grep -q prints nothing (rear's run-serial:
# `if $(grep -q ^s$nr: /etc/inittab) ; then`)
QUIET_STATUS_SUBSTITUTION = re.compile(
    COMMAND_POSITION
    + r"(?P<sub>\$\((?P<body>\s*grep(?:\s+-[A-Za-z]*q[A-Za-z]*|\s+--(?:quiet|silent))\b"
    + r"[^()|;&<>`]*)\))"
    + COMMAND_END
)
# the same in backticks: dvd-slideshow's `` `grep -i .jpg f | sed -e ... >> $dir/list.txt` ``
BACKTICK_STATUS_SUBSTITUTION = re.compile(
    COMMAND_POSITION + r"(?P<sub>`(?P<body>[^`]*?)" + OUTPUT_AWAY + r"`)" + COMMAND_END
)
STREAM_TO_OUTPUT = re.compile(r"\d*>&\s*1\b")  # `2>&1`: stderr goes where stdout goes
SHELLCHECK_JOINED_ARRAY = 2199  # `[[ $@ ... ]]`: the array is joined into one string
# `local` outside a function: in a file without `#!` (sourced), valid where a function sources it
SHELLCHECK_LOCAL_OUTSIDE_FUNCTION = 2168
# `"$@"`, `$@`, `"${name[@]}"`, `${name[@]}`: what SC2199 says is joined inside `[[ ]]`
ARRAY_WORD = r'(?:"\$(?:@|\{@\}|\{[A-Za-z_]\w*\[@\]\})"|\$(?:@|\{@\}|\{[A-Za-z_]\w*\[@\]\}))'
# one word with no space, no glob and no expansion: `-a`, `"-a"`, `'none'`
PLAIN_WORD = r"""(?:'[^'\s*?\[]*'|"[^"\s$`\\*?\[]*"|[^\s$`'"\\*?\[\]()<>|&;]+)"""
DOUBLE_BRACKETS = re.compile(r"\[\[\s(.*?)\s\]\]")
JOINED_AS_MEANT = re.compile(rf"\s*(?:!\s+)?(?:-[nz]\s+)?{ARRAY_WORD}\s*")
SHELLCHECK_QUOTED_CURLY_QUOTE = 1111  # `"… “x” …"`: a Unicode quote inside a string
SHELLCHECK_UNCLOSED_STRING = (1072, 1073, 1078, 1079)  # a string that may not close as meant
INTEGER_OPERATOR_AFTER = re.compile(r"\s+-(?:eq|ne|lt|le|gt|ge)\s")  # `$(x) -gt 0`
INTEGER_OPERATOR_BEFORE = re.compile(r"\s-(?:eq|ne|lt|le|gt|ge)\s+$")  # `0 -lt $(x)`
EXPR_OPERATOR = r"(?:[-+/%]|\\\*)"  # expr's arithmetic operators (`*` escaped from the shell)
EXPR_OPERAND_AFTER = re.compile(rf"\s+{EXPR_OPERATOR}\s")  # `expr $(x) / 2`
EXPR_BEFORE = re.compile(rf"\bexpr\s+(?:\S+\s+{EXPR_OPERATOR}\s+)*$")  # `expr `, `expr 2 + `
EXPR_AFTER_OPERATOR = re.compile(rf"\bexpr\s+\S+(?:\s+\S+)*?\s+{EXPR_OPERATOR}\s+$")
# `set -- $(x)` / `set - $(x)` at the start of a command: split into $1, $2... on purpose
SET_POSITIONAL_BEFORE = re.compile(r"(?:^|[;&|({]|\b(?:then|do|else))\s*set\s+--?\s+$")
# a keyword (`fi`, `done`, `then`...) that a declaration builtin receives as a name, after plain
# words only (`local valor ang teta fi oper`, `declare -r done=1`): a word, not a missing `;`
DECLARATION_BEFORE = re.compile(
    r"(?:^|[;&|({]|\b(?:then|do|else))\s*(?:local|declare|typeset|readonly|export)"
    r"(?:\s+[^\s;&|<>()`'\"$\\]+)*\s+$"
)
NAME_AFTER = re.compile(r"[A-Za-z_]\w*(?:\+?=|\s|;|$)")  # `fi`, `fi=1`, `done;`
# a keyword that a plain command receives as an argument (`echo done`, `btrfs fi show`), on a
# line that opens no compound command before it: after plain words only, from the line's start
COMMAND_BEFORE = re.compile(r"^\s*(?P<command>[A-Za-z_][\w.+-]*)(?:\s+[^\s;&|<>()`'\"$\\]+)*\s+$")
OPENS_COMPOUND = re.compile(
    r"(?<![\w-])(?:if|then|else|elif|do|for|while|until|case|select)(?![\w-])"
)
KEYWORD_THEN_WORD = re.compile(r"[A-Za-z_]\w*\s+[^\s;&|<>()#`]")  # `fi show`: not a closing `fi`
MESSAGE_COMMANDS = frozenset({"echo", "printf"})
SHELLCHECK_UNBRACED_ARRAY = 1087  # `$name[i]`: braces needed to index an array
SHELLCHECK_LITERAL_BRACE = 1083  # "This { is literal": a missing `;` or a brace to quote?
SHELLCHECK_COMMAND_NAME_VALUE = 2209  # `var=cmd`: the command's output meant (`$(cmd)`)?
SHELLCHECK_UNHANDLED_OPTION = 2213  # getopts lists `-x` but its `case` has no `x)`
SHELLCHECK_TRAP_EXPANDS_NOW = 2064  # `trap "rm $f" EXIT`: $f expands when the trap is set
TRAP_DOUBLE_QUOTED = re.compile(r'\btrap\s+"((?:[^"\\]|\\.)*)"')
EXPANDED_NAME = re.compile(r"\$\{?([A-Za-z_]\w*)")
TRAP_ARITHMETIC = re.compile(r"\$\(\((.*?)\)\)")  # `$(( ... ))` in a trap body, lazily
SHELLCHECK_INVALID_OPTION_UNHANDLED = 2220  # a getopts `case` without `*)` or `\?)`
# `getopts "ab:" opt`, `getopts ab opt`: the option string (a leading `:` is silent mode)
GETOPTS_OPTSTRING = re.compile(r"""\bgetopts\s+(?:"([^"]*)"|'([^']*)'|([^\s;"'$]+))""")
# `options=$@`, `args="$*"`, `argv=("$@")`: all the arguments saved whole
ARGUMENTS_SAVED = re.compile(
    r"""(?:^|[\s;&|({])(?:(?:local|export|declare|readonly)\s+)?(?P<name>[A-Za-z_]\w*)="""
    r"""\(?("?)\$(?:[@*]|\{[@*]\})\2\)?(?=\s|;|#|$)"""
)
SHELLCHECK_COMMAND_REDIRECT = 2238  # `cmd > grep`: a redirection to a command's name
SHELLCHECK_CASE_GLOB = 2254  # `case $x in $p)`: an unquoted expansion in a case pattern globs
SHELLCHECK_UNQUOTED_RHS = 2053  # `[[ $a == $b ]]`: the right-hand side is a glob
# the right-hand side alone, one variable: `$Dev`, `${value}`
RHS_VARIABLE = re.compile(r"^\$\{?(?P<name>[A-Za-z_]\w*)\}?$")
# a variable named for what it holds, a glob: `$pattern`, `${patterns[$i]}`, `$name_glob`
GLOB_NAMED = re.compile(
    r"^\$\{?(?:\w+_)?(?:pattern|pat|glob|wildcard)s?(?:_\w+)?(?:\[[^\]]*\])?\}?$", re.I
)
SHELLCHECK_UNRECOGNIZED_SHEBANG = "shellcheck/SC1008"  # the shebang names no shell it knows
SHELLCHECK_HASH_SHEBANG = "shellcheck/SC1113"  # `# /bin/sh` on line 1: a `#!` without its `!`?
ASSIGNED_WORD = re.compile(r"([A-Za-z_]\w*)=([\w.+-]+)(?=\s|;|$)")
# `eval "$setter"`, `eval $cmd`, `eval "${code}"`: the variable whose text is run
EVALUATED_VARIABLE = re.compile(r"\beval\s+\"?\$\{?([A-Za-z_]\w*)\}?\"?\s*(?:;|$)")
SUBSCRIPT_ASSIGNED_TEXT = re.compile(r"[^\]\s]*\]\+?=")  # the rest of `$name[key]=`
EVAL_COMMAND = re.compile(r"^\s*(?:builtin\s+)?eval\s")  # a line that is an `eval` command
# `setter="...`, `local setter="...`: a string assigned to a name
STRING_ASSIGNMENT = re.compile(
    r"^\s*(?:(?:local|declare|typeset)(?:\s+-\w+)*\s+)?([A-Za-z_]\w*)=\""
)
UNBRACED_INDEX = re.compile(r"(?<!\\)\$([A-Za-z_]\w*)\[")  # `$esc[31m`, `$arr[1]`
ARRAY_NAMES = (
    re.compile(r"\b([A-Za-z_]\w*)\+?=\("),  # `a=(x y)`, `a+=(z)`
    re.compile(r"\b([A-Za-z_]\w*)\[[^\]]*\]\+?="),  # `a[1]=x`
    re.compile(r"\$\{[#!]?([A-Za-z_]\w*)\["),  # `${a[@]}`, `${#a[@]}`: used as one
    re.compile(r"\bread\b[^;|&]*?\s-\w*a\w*\s+([A-Za-z_]\w*)"),  # `read -ra a`
)


# a line that declares arrays (`declare -a`, `local -A`) or fills one (`mapfile`): every name on it
ARRAY_DECLARATION = re.compile(
    r"\b(?:(?:declare|typeset|local|readonly|export)\s+(?:-\w+\s+)*-\w*[aA]|mapfile|readarray)\b"
)


SHELL_ARRAYS = frozenset(
    {"BASH_REMATCH", "BASH_SOURCE", "BASH_ARGV", "BASH_ARGC", "BASH_LINENO", "BASH_VERSINFO",
     "FUNCNAME", "PIPESTATUS", "GROUPS", "DIRSTACK", "COMP_WORDS", "COMPREPLY"}
)  # fmt: skip


ARITHMETIC = re.compile(r"\$\(\(([^()]*)\)\)")  # `$(( ... ))` holding no parenthesis
PARAMETER_WORD = re.compile(r"^\$(?:\w+|\{\w+\})$")  # `$op`, `${op}`
# `name[a.b]` in arithmetic: a subscript that is a dotted word, which only a string key can be
DOTTED_SUBSCRIPT = re.compile(r"(?<![\w$])([A-Za-z_]\w*)\[[A-Za-z_]\w*(?:\.\w+)+\]")
# `declare -A m`, `local -gA m`, `typeset -Ag a b`: the names a script declares associative
ASSOCIATIVE_DECLARATION = re.compile(
    r"(?:^|[\s;&|({])(?:local|declare|typeset)((?:\s+-\w+)+)((?:\s+[A-Za-z_]\w*(?:=\S*)?)+)",
    re.M,
)
OPERAND_WORD = re.compile(r"^(?:\$(?:\w+|\{\w+\})|\w+)$")  # a number, a name, `$x`
ESCAPED_SPACE_END = re.compile(r"\S\\ $")  # `-d\ `: one escaped space that ends a word
# what starts a line that cannot be the continuation of the command above it
CLOSES_COMMAND = re.compile(r"^\s*(?:fi|done|esac|then|else|elif|do|\}|;;)(?:\s|;|$)")
# `IFS=$'\n'`, `local IFS=,`, `unset IFS` as a statement of its own (not `IFS=, read ...`, which
# sets it for one command): from there on, a split is the one the script chose
IFS_STATEMENT = re.compile(
    r"""^\s*(?:(?:local|declare|typeset|export)\s+)?(?:IFS=(?:\$?'[^']*'|"[^"]*"|[^\s'";]*)"""
    r"""|unset\s+IFS)\s*(?:;|#|$)"""
)
# `IFS=$old`, `IFS="$OLDIFS"`, or the default again (`IFS=$' \t\n'`, any order): undone
RESTORED_IFS = re.compile(
    r"""\bIFS=(?:["']?\$(?!')|\$'(?=[^']*\\t)(?=[^']*\\n)[ \\tn]*'(?:\s|;|$))"""
)
FUNCTION_START = re.compile(r"^\s*(?:function\s+[\w:.-]+|[\w:.-]+\s*\(\s*\))")
# `IFS=: dirs=($PATH)` (the split says on what it splits) and `COMPREPLY=($(compgen ...))`
# (Bash completion's own idiom: compgen prints one candidate a line)
DELIBERATE_SPLIT = re.compile(
    r"""^\s*(?:IFS=(?:\$?'[^']*'|"[^"]*"|[^\s'"]+)\s+\w+\+?=\(|COMPREPLY\+?=\(\s*\$\(\s*compgen\b)"""
)


DISPLAY_LINE = re.compile(r"^\s*(?:echo|printf)\b")  # text shown to a person, not a path used
TILDE_ASSIGNMENT = re.compile(
    r"""^\s*(?:(?:local|export|declare|readonly|typeset)\s+(?:-\w+\s+)*)?(\w+)=["']~"""
)


SHELLCHECK_SEVERITY = {
    "error": Severity.WARNING,  # SC1xxx (parse errors) stay errors: see shellcheck_findings
    "warning": Severity.WARNING,
    "info": Severity.INFO,
    "style": Severity.INFO,
}


def shellcheck_findings(report: dict[str, Any], target: Path) -> list[Finding]:
    """shellcheck's `-f json1` report as findings (`shellcheck/SC2086`)."""
    findings = []
    scripts: dict[str, ScriptTraits] = {}
    for item in report.get("comments", []):
        path = relpath(target, str(item["file"]))
        code = int(item["code"])
        if path not in scripts:
            scripts[path] = ScriptTraits.of(target / path)
        severity = _shellcheck_severity(
            code, str(item.get("level")), scripts[path], item.get("line")
        )
        if code == SHELLCHECK_UNASSIGNED and (
            _set_by_bats(str(item.get("message", "")), target / path)
            or _set_by_completion_caller(str(item.get("message", "")), scripts[path])
        ):
            severity = Severity.INFO
        if code == SHELLCHECK_MIXED_ARRAY and _joined_by_callee(scripts[path], item):
            severity = Severity.INFO
        if code in (SHELLCHECK_UNQUOTED_ARRAY, SHELLCHECK_UNQUOTED_STAR) and _splits_nothing(
            scripts[path], item
        ):
            severity = Severity.INFO
        if code == SHELLCHECK_LITERAL_BRACE and _escaped_expansion_brace(scripts[path], item):
            severity = Severity.INFO
        if code == SHELLCHECK_TRAP_EXPANDS_NOW and _trap_values_fixed(scripts[path], item):
            severity = Severity.INFO
        if code == ALIAS_SAME_UNIT and alias_read_at_run_time(
            report.get("comments", []), item, read_text(target / path)
        ):
            severity = Severity.INFO  # `shellcheck_alias_units`
        if code == SHELLCHECK_INVALID_OPTION_UNHANDLED and _getopts_reports_itself(
            scripts[path], item
        ):
            severity = Severity.INFO
        if code == SHELLCHECK_UNHANDLED_OPTION and _options_passed_on(scripts[path], item):
            severity = Severity.INFO
        if code == SHELLCHECK_COMMAND_NAME_VALUE and (
            _compared_as_word(scripts[path], item) or _given_other_literals(scripts[path], item)
        ):
            severity = Severity.INFO
        if code == SHELLCHECK_UNQUOTED_SUBSTITUTION and (
            _cannot_split(scripts[path], item) or _splits_on_purpose(scripts[path], item)
        ):
            severity = Severity.INFO
        if code in SHELLCHECK_EMPTY_SUBSTITUTION and _status_substitution(scripts[path], item):
            severity = Severity.INFO
        if code == SHELLCHECK_LS_LOOP and _lists_own_names(scripts[path], item):
            severity = Severity.INFO
        if code == SHELLCHECK_CASE_GLOB and _named_a_glob(scripts[path], item):
            severity = Severity.INFO
        if code == SHELLCHECK_UNQUOTED_RHS and (
            _compared_with_itself(scripts[path], item) or _named_a_glob(scripts[path], item)
        ):
            severity = Severity.INFO
        if code == SHELLCHECK_COMMAND_REDIRECT and redirects_to_own_file(scripts[path].lines, item):
            severity = Severity.INFO
        findings.append(
            Finding(
                f"shellcheck/SC{item['code']}",
                severity,
                str(item.get("message", "")),
                path,
                item.get("line"),
                extra={
                    "column": item.get("column"),
                    "level": item.get("level"),
                    "tool": "shellcheck",
                    "url": f"https://www.shellcheck.net/wiki/SC{item['code']}",
                },
            )
        )
    findings = _path_comments_as_info(findings, scripts)
    return _templates_as_info(_quoted_curly_quotes_as_info(findings), target)


def _path_comments_as_info(
    findings: list[Finding], scripts: dict[str, ScriptTraits]
) -> list[Finding]:
    """SC1008 and SC1113 on line 1 of a file without `#!` are info when shellcheck calls the
    shell that line names unrecognized (SC1008): the line is a comment naming a path (bilibop's
    sourced libraries begin `# /usr/lib/bilibop/common.sh`), which shellcheck's SC1113 takes for
    a shebang missing its `!`; the file has no shebang, as a library for `source` needs none
    (SC2148, info). A line naming a shell shellcheck knows (`# /bin/bash`: SC1113 alone) is a
    shebang missing its `!`, and keeps the error."""
    comments = {
        f.path
        for f in findings
        if f.rule == SHELLCHECK_UNRECOGNIZED_SHEBANG
        and f.line == 1
        and f.path is not None
        and not scripts[f.path].shebang
    }
    return [
        replace(f, severity=Severity.INFO)
        if f.path in comments
        and f.line == 1
        and f.rule in (SHELLCHECK_UNRECOGNIZED_SHEBANG, SHELLCHECK_HASH_SHEBANG)
        else f
        for f in findings
    ]


def _templates_as_info(findings: list[Finding], target: Path) -> list[Finding]:
    """Every finding of a fill-in template that shellcheck cannot parse is info (see the
    module docstring): the angle-bracket placeholder the copy replaces is what stops it."""
    unparsed = {
        f.path
        for f in findings
        if f.severity is Severity.ERROR and f.path is not None and _is_template(f.path)
    }
    templates = {path for path in unparsed if _has_placeholder(target / path)}
    return [replace(f, severity=Severity.INFO) if f.path in templates else f for f in findings]


def _is_template(path: str) -> bool:
    """Whether the path names a file to copy and fill in: `*template*`, `*skeleton*`, `.tmpl`,
    `.tpl`, or a file kept under a documentation directory (`doc/`, `docs/`)."""
    parts = Path(path).parts
    return TEMPLATE_NAME.search(parts[-1]) is not None or any(
        part.lower() in DOCUMENTATION_DIRS for part in parts[:-1]
    )


def _has_placeholder(script: Path) -> bool:
    """Whether a line of code (not a comment) holds a `<name>` placeholder."""
    return any(
        PLACEHOLDER.search(line)
        for line in read_text(script).splitlines()
        if not line.lstrip().startswith("#")
    )


def _quoted_curly_quotes_as_info(findings: list[Finding]) -> list[Finding]:
    """SC1111 (a Unicode quote inside a double-quoted string: a mistyped closing quote?) is
    info in a file where shellcheck suspects no string of being unclosed (SC1078, SC1079) and
    parsed everything (no SC1072/SC1073): every string closes where its ASCII quote is, so the
    curly quote is text (funcoeszz's sed scripts that convert `“` to `"`, a message quoting a
    word). A mistyped closing quote leaves the string open to the next `"`, which shellcheck
    reports as those codes; the SC1111 beside them stays a warning."""
    unsure = {
        f.path
        for f in findings
        if f.rule in (f"shellcheck/SC{code}" for code in SHELLCHECK_UNCLOSED_STRING)
    }
    return [
        replace(f, severity=Severity.INFO)
        if f.rule == f"shellcheck/SC{SHELLCHECK_QUOTED_CURLY_QUOTE}"
        and f.path not in unsure
        and f.severity is Severity.WARNING
        else f
        for f in findings
    ]


def keyword_declared(line: str, column: int) -> bool:
    """Whether the word at `column` (1-based, a tab counting one, as shellcheck's json1 gives
    it) of `line` is a name a declaration builtin receives (`local valor ang teta fi oper`,
    `readonly done=1`): shellcheck's parser takes the word for the keyword `fi` and asks for a
    `;` before it (SC1010), while the shell recognises keywords only where a command starts.
    Whether the shell reads the script is asked separately (`shell_parse`)."""
    if column < 1 or column > len(line):
        return False
    return (
        DECLARATION_BEFORE.search(line[: column - 1]) is not None
        and NAME_AFTER.match(line, column - 1) is not None
    )


def keyword_argument(line: str, column: int) -> bool:
    """Whether the keyword at `column` (1-based, a tab counting one) of `line` is an argument of
    a plain command on a line that opens no compound command: followed by another word
    (`btrfs fi show`: a closing `fi` takes no word after it), or the last word of an `echo` or
    `printf` (`echo done`, a progress message). shellcheck asks for a `;` before it (SC1010);
    `if true; then echo hi fi` opens the `if` on the same line, so a `;` may be missing there.
    Whether the shell reads the script is asked separately (`shell_parse`)."""
    if column < 1 or column > len(line):
        return False
    before = COMMAND_BEFORE.match(line[: column - 1])
    if before is None or OPENS_COMPOUND.search(line[: column - 1]) is not None:
        return False
    if KEYWORD_THEN_WORD.match(line, column - 1) is not None:
        return True
    return (
        before.group("command") in MESSAGE_COMMANDS
        and re.fullmatch(r"[A-Za-z_]\w*\s*", line[column - 1 :]) is not None
    )


def _place(script: ScriptTraits, item: dict[str, Any]) -> tuple[str, int] | None:
    """The text of a finding's line and its column (a tab counting one); None when the finding
    names no line of the script."""
    line, column = item.get("line"), item.get("column")
    if not isinstance(line, int) or not isinstance(column, int):
        return None
    if not 0 < line <= len(script.lines):
        return None
    return script.lines[line - 1], column


def _assigned_word(script: ScriptTraits, item: dict[str, Any]) -> tuple[str, str] | None:
    """The name and the word of the `name=word` assignment a finding (SC2209) points at."""
    place = _place(script, item)
    if place is None:
        return None
    text, column = place
    assigned = ASSIGNED_WORD.match(text, max(column - 1, 0))
    return None if assigned is None else (assigned.group(1), assigned.group(2))


def _substitution_context(script: ScriptTraits, item: dict[str, Any]) -> tuple[str, str] | None:
    """The text of a finding's line before and after the columns shellcheck gives (a tab
    counting one); None when the finding names no place in the script's text."""
    line, column, end = item.get("line"), item.get("column"), item.get("endColumn")
    if not isinstance(line, int) or not isinstance(column, int) or not isinstance(end, int):
        return None
    if not 0 < line <= len(script.lines):
        return None
    text = script.lines[line - 1]
    return text[: column - 1], text[end - 1 :]


def _named_a_glob(script: ScriptTraits, item: dict[str, Any]) -> bool:
    """Whether the unquoted expansion of a case pattern (SC2254), or the unquoted right-hand side
    of a `[[ a == b ]]` (SC2053), is a variable named for a glob
    (`GLOB_NAMED`: `$pattern`, `${patterns[$i]}`, `$file_glob`): the script matches against a
    pattern on purpose (ruby-build's and rbenv's test/stubs/stub: `case "$argument" in
    $pattern ) ;;`, the plan's patterns, where `*` matches any argument). Another name (`$name`,
    `$RET_OK`) keeps the warning: a value the reader may take for a literal."""
    line, column, end = item.get("line"), item.get("column"), item.get("endColumn")
    if not isinstance(line, int) or not isinstance(column, int) or not isinstance(end, int):
        return False
    if not 0 < line <= len(script.lines):
        return False
    return GLOB_NAMED.match(script.lines[line - 1][column - 1 : end - 1].strip()) is not None


def _compared_with_itself(script: ScriptTraits, item: dict[str, Any]) -> bool:
    """Whether the unquoted right-hand side of an SC2053 comparison is the variable whose
    transformed expansion (`${name/...}`, `${name%...}`, `${name#...}`, ...) is the left-hand
    side of the same `[[ ]]` test: the test asks whether the transformation changed it."""
    around = _substitution_context(script, item)
    if around is None:
        return False
    before, _ = around
    line, column, end = item["line"], item["column"], item["endColumn"]
    rhs = RHS_VARIABLE.match(script.lines[line - 1][column - 1 : end - 1].strip())
    if rhs is None:
        return False
    name = re.escape(rhs.group("name"))
    lhs = re.compile(rf'\[\[\s*"?\$\{{{name}(?:[/%#^,]|:[-=?+]?)[^}}]*\}}"?\s*(?:==?|!=)\s*$')
    return lhs.search(before) is not None


def _lists_own_names(script: ScriptTraits, item: dict[str, Any]) -> bool:
    """Whether the `ls` an SC2045 finding's line loops over lists only literal patterns, each
    of whose names the script makes itself from one-word values (`_made_of_one_word_values`)."""
    place = _place(script, item)
    listing = None if place is None else LS_LITERAL.search(place[0])
    if listing is None:
        return False
    patterns = [word for word in listing.group(1).split() if not word.startswith("-")]
    others = [line for number, line in enumerate(script.lines, 1) if number != item["line"]]
    return bool(patterns) and all(_made_of_one_word_values(p, others) for p in patterns)


def _made_of_one_word_values(pattern: str, lines: list[str]) -> bool:
    """Whether `lines` name a file matching `pattern`'s last component with a variable part
    (`psu-${_DATE}.squashfs` for `./psu-*.squashfs`), every such name's variables being
    assigned only one-word values (`_one_word_variable`)."""
    leaf = pattern.rsplit("/", 1)[-1]
    if not leaf.strip("*?"):
        return False
    names = [
        match.group(0)
        for line in lines
        if not line.lstrip().startswith("#")
        for match in NAME_WITH_EXPANSION.finditer(line)
        if "$" in match.group(0)
        and fnmatch.fnmatchcase(EXPANSION.sub("x", match.group(0).rsplit("/", 1)[-1]), leaf)
    ]
    text = "\n".join(lines)
    return bool(names) and all(
        _one_word_variable(name, text) for made in names for name in EXPANSION.findall(made)
    )


def _one_word_variable(name: str, text: str) -> bool:
    """Whether the script assigns `name` at least once and only a blank-free literal or the
    output of a command that prints one word (`date +%Y%m%d`), and never reads it in."""
    if re.search(rf"\b(?:read|for)\b[^;|&\n]*\s{name}\b", text):
        return False
    values = re.findall(rf"(?<![\w$]){name}=(\$\([^()]*\)|`[^`]*`|\S*)", text)
    return bool(values) and all(
        LITERAL_WORD.match(value) is not None
        or (value[:2] == "$(" and one_word_command(value[2:-1], {}) is not None)
        or (value[:1] == "`" and one_word_command(value[1:-1], {}) is not None)
        for value in values
    )


def _joined_by_callee(script: ScriptTraits, item: dict[str, Any]) -> bool:
    """Whether a string mixed with an array (SC2145) is an argument of a call of a function of
    the same file that joins its arguments from that one on (`ScriptTraits.joiners`)."""
    place = _place(script, item)
    if place is None:
        return False
    text, column = continued_call(script.lines, item["line"], *place)
    for name, joined_from in script.joiners:
        index = argument_index(text, name, column)
        if index is not None and index >= joined_from:
            return True
    return False


def _splits_nothing(script: ScriptTraits, item: dict[str, Any]) -> bool:
    """Whether an unquoted `${name[@]}` (SC2068; `${name[*]}`, SC2048) expands an array filled
    only by word splitting or with literal words (`ScriptTraits.resplit_arrays`), or an unquoted
    `$@` (`$*`) the arguments of a function every call of which passes plain words
    (`ScriptTraits.literal_arguments`): quoting it changes nothing."""
    line, column, end = item.get("line"), item.get("column"), item.get("endColumn")
    if not isinstance(line, int) or not isinstance(column, int) or not isinstance(end, int):
        return False
    if not 0 < line <= len(script.lines):
        return False
    covered = script.lines[line - 1][column - 1 : end - 1]
    if POSITIONAL_ALL.match(covered):
        return line in script.literal_arguments
    expansion = ARRAY_EXPANSION.match(covered)
    if expansion is None:
        return False
    name = expansion.group(1)
    return name in script.resplit_arrays or any(
        first <= line <= last and local == name
        for first, last, local in script.local_resplit_arrays
    )


def _escaped_expansion_brace(script: ScriptTraits, item: dict[str, Any]) -> bool:
    r"""Whether the literal `{` or `}` of SC1083 (at the column shellcheck gives, a tab counting
    one) belongs to a `\${...}` whose dollar is escaped: the `{` right after `\$`, or the `}`
    that closes one (nested `${...}` counted). Escaping the dollar passes the text `${name}` on
    for another shell to expand (makeself's test/variabletest builds the archive's startup
    command `echo \"${ARCHIVE_DIR}\"` as `echo \\\"\${${1}}\\\"`): the brace is literal as
    meant. A brace after no escaped dollar (`{echo hi; }`, `HEAD@{1}`) keeps the warning."""
    place = _place(script, item)
    if place is None:
        return False
    text, column = place
    index = column - 1
    if not 0 <= index < len(text) or text[index] not in "{}":
        return False
    if text[index] == "{":
        return index > 0 and text[index - 1] == "$" and _escaped(text, index - 1)
    opened = next(
        (n for n in range(index - 2, -1, -1) if text[n : n + 2] == "${" and _escaped(text, n)),
        None,
    )
    if opened is None:
        return False
    depth = 0
    for position in range(opened + 1, index + 1):
        if text[position] == "{" and text[position - 1] == "$":
            depth += 1
        elif text[position] == "}":
            depth -= 1
            if depth == 0:
                return position == index
    return False


def _compared_as_word(script: ScriptTraits, item: dict[str, Any]) -> bool:
    """Whether the `name=word` of SC2209 (a command's name assigned, `$(word)` meant?) gives a
    value the script compares as a word: a pattern of a `case` on that variable (makeself's
    `COMPRESS=compress`, one of the compressor names `case $COMPRESS in` matches to pick the
    command line, `compress)` among them) or the other side of a `[ "$name" = word ]` test.
    Then the name is the value, a choice among words; `now=date` that is only printed keeps
    the warning."""
    assigned = _assigned_word(script, item)
    if assigned is None:
        return False
    name, word = (re.escape(part) for part in assigned)
    expansion = rf"""["']?\$\{{?{name}\}}?["']?"""
    compared = re.compile(
        rf"{expansion}\s*(?:==?|!=)\s*[\"']?{word}[\"']?(?![\w.+-])"
        rf"|(?<![\w.+-])[\"']?{word}[\"']?\s*(?:==?|!=)\s*{expansion}"
    )
    if any(compared.search(text) for text in script.lines):
        return True
    case = re.compile(rf"^(\s*)case\s+{expansion}\s+in\b")
    pattern = re.compile(rf"^\s*\(?\s*(?:[^()\s]+\s*\|\s*)*{word}\s*(?:\|\s*[^()\s]+\s*)*\)")
    for number, text in enumerate(script.lines):
        opened = case.match(text)
        if opened is None:
            continue
        end = re.compile(rf"^{re.escape(opened.group(1))}esac\b")
        for body in script.lines[number + 1 :]:
            if end.match(body):
                break
            if pattern.match(body):
                return True
    return False


def _trap_values_fixed(script: ScriptTraits, item: dict[str, Any]) -> bool:
    """Whether every variable a double-quoted trap (SC2064) expands is not assigned again on
    any later line of the script (FAI's `trap "rm -f $stamp" INT QUIT EXIT` after the stamp is
    made, `trap "cp -vp x.log $AUTOPKGTEST_ARTIFACTS" EXIT`): expanding when the trap is set
    gives what expanding when it runs would; a comment line is no assignment (rear's `#   #
    MESSAGE_PREFIX="message prefix "`, an example in a comment after its trap). `trap "rm -f
    $tmp" EXIT` before `tmp=$(mktemp)` removes the old value: the warning stays."""
    line = item.get("line")
    if not isinstance(line, int) or not 0 < line <= len(script.lines):
        return False
    trap = TRAP_DOUBLE_QUOTED.search(script.lines[line - 1])
    if trap is None:
        return False
    body = trap.group(1)
    names = set(EXPANDED_NAME.findall(body))
    for arithmetic in TRAP_ARITHMETIC.findall(body):
        names.update(re.findall(r"[A-Za-z_]\w*", arithmetic))
    if not names:
        return False
    for name in names:
        assigned = re.compile(
            rf"(?:^|[\s;&|({{])(?:(?:local|export|declare|readonly|typeset)\s+(?:-\w+\s+)*)?"
            rf"{re.escape(name)}(?:\[[^\]]*\])?\+?="
            rf"|\b(?:read|mapfile|readarray)\b[^;|&]*\s{re.escape(name)}\b"
            rf"|\bfor\s+{re.escape(name)}\b"
        )
        later_code = (text for text in script.lines[line:] if not text.lstrip().startswith("#"))
        if any(assigned.search(later) for later in later_code):
            return False
    return True


def _getopts_reports_itself(script: ScriptTraits, item: dict[str, Any]) -> bool:
    """Whether the getopts whose `case` SC2220 cites (on the `case` line or up to three lines
    below the `getopts`) runs in its default mode, an option string without a leading `:`:
    getopts then prints "illegal option" for an unknown flag itself and sets the variable to
    `?`, which the `case` ignores (FAI's `while getopts "hvsfd" opt`). In silent mode
    (`getopts ":ab" opt`) nothing reports the flag unless the `case` does: the warning stays."""
    line = item.get("line")
    if not isinstance(line, int) or not 0 < line <= len(script.lines):
        return False
    for text in reversed(script.lines[max(line - 4, 0) : line]):
        found = GETOPTS_OPTSTRING.search(text)
        if found is not None:
            optstring = next(part for part in found.groups() if part is not None)
            return not optstring.startswith(":")
    return False


def _options_passed_on(script: ScriptTraits, item: dict[str, Any]) -> bool:
    """Whether the script saves its whole argument list before the getopts loop SC2213 cites
    and expands the saved copy after it (FAI's fai-setup: `options=$@ # all options are also
    passed to fai-make-nfsroot`, then `fai-make-nfsroot $options`): the flags its own `case`
    leaves out are the other command's, accepted to be passed on. A getopts with no saved
    copy passed on keeps the warning."""
    line = item.get("line")
    if not isinstance(line, int) or not 0 < line <= len(script.lines):
        return False
    for saved in script.lines[: line - 1]:
        for found in ARGUMENTS_SAVED.finditer(saved):
            name = re.escape(found.group("name"))
            used = re.compile(rf"\$(?:{name}(?!\w)|\{{{name}(?:\[[@*]\])?\}})")
            if any(used.search(later) for later in script.lines[line:]):
                return True
    return False


def _given_other_literals(script: ScriptTraits, item: dict[str, Any]) -> bool:
    """Whether the variable of SC2209's `name=word` is assigned another literal value elsewhere
    in the script (FAI's `order=cd`, with `O) order=dc ;;` under getopts; `zip=cat`, with
    `zip="zstd -9"` and `zip="xz -8"` for other options): a choice among literal values, so the
    command's name is the value, not its output. `now=date` assigned nothing else keeps the
    warning, as does one whose other value is a command's output (`now=$(date)`)."""
    assigned = _assigned_word(script, item)
    if assigned is None:
        return False
    name, word = assigned
    other = re.compile(
        rf"(?:^|[\s;&|({{])(?:(?:local|export|readonly|declare)\s+)?{re.escape(name)}="
        r"""(?P<value>"[^"$`\\]*"|'[^']*'|[^\s;&|<>()`$'"\\]+)(?=\s|;|\)|$)"""
    )
    for number, line in enumerate(script.lines, start=1):
        if number == item.get("line"):
            continue
        for found in other.finditer(line):
            if found.group("value").strip("'\"") != word:
                return True
    return False


def _escaped(text: str, index: int) -> bool:
    r"""Whether the character at `index` follows an odd number of backslashes (`\$`, not
    `\\$`, whose backslash is itself escaped)."""
    count = 0
    while index - count > 0 and text[index - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def _splits_on_purpose(script: ScriptTraits, item: dict[str, Any]) -> bool:
    """Whether an unquoted `$(...)` (SC2046) is the argument list of `set --`/`set -`
    (`set - $(date -u "+%Y %m %d")`, then `$1 $2 $3`): the POSIX way to split output into
    positional parameters, as `IFS=: dirs=($PATH)` is for an array (SC2206/SC2207)."""
    context = _substitution_context(script, item)
    return context is not None and SET_POSITIONAL_BEFORE.search(context[0]) is not None


def _cannot_split(script: ScriptTraits, item: dict[str, Any]) -> bool:
    """Whether an unquoted `$(...)` (SC2046, at the columns shellcheck gives, a tab counting
    one) is an operand of an integer comparison (`test $(wc -l < f) -gt 0`, `[ 125 -gt
    $(tput cols) ]`): an integer holds nothing to split, and output that is not one integer
    fails the comparison quoted or not. A string comparison (`test $(cat f) = x`) is no such
    operand: several words there break `test`, quoted they compare."""
    context = _substitution_context(script, item)
    if context is None:
        return False
    before, after = context
    return (
        INTEGER_OPERATOR_AFTER.match(after) is not None
        or INTEGER_OPERATOR_BEFORE.search(before) is not None
        or (EXPR_BEFORE.search(before) is not None and EXPR_OPERAND_AFTER.match(after) is not None)
        or EXPR_AFTER_OPERATOR.search(before) is not None
    )


def _status_substitutions(lines: list[str]) -> frozenset[tuple[int, int, int]]:
    """Where the script runs a `$(...)` or backtick substitution for its status (and what it
    writes) alone (`STATUS_SUBSTITUTION`, `BACKTICK_STATUS_SUBSTITUTION`): each one's line and
    the columns (1-based, a tab counting one) from its `$` or opening backtick to its end."""
    return frozenset(
        (n, match.start("sub") + 1, match.end("sub"))
        for n, line in enumerate(lines, 1)
        for pattern in (
            STATUS_SUBSTITUTION,
            BACKTICK_STATUS_SUBSTITUTION,
            QUIET_STATUS_SUBSTITUTION,
        )
        for match in pattern.finditer(line)
        if _only_its_status(match.group("body"))
    )


def _only_its_status(body: str) -> bool:
    """Whether a `$(...)` body, up to its final `>/dev/null` (or `> file`), leaves the
    substitution empty: one pipeline, not a list whose earlier commands keep their output
    (`$(echo rm; grep x f >/dev/null)` runs `rm`), and no other stream of its last command sent
    to the kept output (`$(cmd 2>&1 >/dev/null)` keeps, and runs, cmd's stderr)."""
    depth, quote, last, index = 0, "", 0, 0
    while index < len(body):
        char = body[index]
        if quote:
            if char == quote:
                quote = ""
            elif char == "\\" and quote == '"':
                index += 1
        elif char == "\\":
            index += 1
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0 and char in ";\n":
            return False
        elif depth == 0 and char == "&":
            # `&&` or `&` end a command; `>&`, `<&`, `&>` and `|&` are redirections
            before, after = body[index - 1 : index], body[index + 1 : index + 2]
            if before not in (">", "<", "|") and after != ">":
                return False
        elif depth == 0 and char == "|":
            if body[index + 1 : index + 2] == "|":
                return False
            last = index + 1
        index += 1
    return STREAM_TO_OUTPUT.search(body[last:]) is None


def _status_substitution(script: ScriptTraits, item: dict[str, Any]) -> bool:
    """Whether SC2091, SC2092, SC2327 or SC2328 (at the column shellcheck gives: the `$(` or its
    redirection) falls in a `$(...)` the script runs for its status alone; another substitution
    on the same line (`if $(grep x f >/dev/null); then $(cat f); fi`) keeps its warning."""
    place = _place(script, item)
    if place is None:
        return False
    line, column = item["line"], place[1]
    return any(
        n == line and first <= column <= last for n, first, last in script.status_substitutions
    )


def _set_by_bats(message: str, script: Path) -> bool:
    """`$status`, `$output`, `${lines[@]}`, `$BATS_*` in a helper beside `.bats` files (which
    `load` it): bats' `run` and bats itself set them, the helper alone cannot show it."""
    name = message.split(" ", 1)[0]
    if name not in BATS_VARIABLES and not name.startswith("BATS_"):
        return False
    try:
        return script.suffix == ".bats" or any(script.parent.glob("*.bats"))
    except OSError:
        return False


def _set_by_completion_caller(message: str, script: ScriptTraits) -> bool:
    """`$cur`, `$prev`, `$words`, `$cword` or `$comp_args` read in a completion file (it fills
    COMPREPLY) that registers no completion itself (no `complete -...` command): a plugin's
    completion, whose functions the host program's completion function calls after declaring
    those locals (pass's `_pass` has `local cur=...` and calls
    `__password_store_extension_complete_<cmd>`), so Bash's dynamic scope assigns them. Where
    the file registers `complete -F f`, Bash calls `f` with no such caller: `$cur` unassigned
    there is empty, a bug. Any other name stays reported (a misspelt `$curr`)."""
    name = message.split(" ", 1)[0]
    return (
        name in COMPLETION_VARIABLES
        and bool(script.completion_replies)
        and not script.registers_completion
    )


@dataclass(frozen=True)
class ScriptTraits:
    """What a shell script's own text says about how it runs (see the module docstring)."""

    shebang: bool
    sources: bool  # runs `source`/`.` on another file
    nounset: bool
    errexit: bool
    translates: bool = False  # sets TEXTDOMAIN: its `$"..."` strings are looked up (SC2256)
    first_of_bash_source: frozenset[int] = frozenset()  # lines that expand `$BASH_SOURCE`
    completion_replies: frozenset[int] = frozenset()  # lines that assign COMPREPLY=(...)
    deliberate_split: frozenset[int] = frozenset()  # lines that split on purpose (SC2206/7)
    displayed_tilde: frozenset[int] = frozenset()  # a quoted `~` only ever shown (SC2088)
    escaped_spaces: frozenset[int] = frozenset()  # a literal `\ ` ends the line (SC1101)
    echo_lines: frozenset[int] = frozenset()  # one `echo` command (SC2145: same text as "$*")
    eval_lines: frozenset[int] = frozenset()  # one `eval` command (SC2068: joined, then parsed)
    operator_parameters: frozenset[int] = frozenset()  # `$(($a $op $b))` (SC1102)
    scalar_brackets: frozenset[int] = frozenset()  # `$esc[31m` on no array (SC1087)
    condition_status: frozenset[int] = frozenset()  # `x=$?` right after a test (SC2319)
    keyword_variables: frozenset[int] = frozenset()  # `local readonly`, assigned (SC2316)
    resplit_strings: frozenset[int] = frozenset()  # `x=$@`, `$x` only read unquoted (SC2124)
    plain_and_or: frozenset[int] = frozenset()  # `[ "$a" = x -o -n "$b" ]` (SC2166)
    resplit_arrays: frozenset[str] = frozenset()  # filled by splitting or literal words (SC2068)
    joiners: tuple[tuple[str, int], ...] = ()  # functions joining their arguments from the n-th
    registers_completion: bool = False  # a `complete -...` command: Bash calls its function
    joined_as_meant: frozenset[int] = frozenset()  # `[[ ! ${a[@]} ]]`, `[[ -n "$@" ]]`
    literal_arguments: frozenset[int] = frozenset()  # bodies of functions called with plain words
    lines: tuple[str, ...] = ()  # the text, for what a finding's columns cover
    # (line, first column, last column) of each `! $(grep x f >/dev/null)` (SC2091), 1-based
    status_substitutions: frozenset[tuple[int, int, int]] = frozenset()
    resplit_loops: frozenset[int] = frozenset()  # `for x in "$l"`, `$x` split again (SC2066)
    associative_arithmetic: frozenset[int] = frozenset()  # `$((m[a.b]++))`, m `-A` (SC1102)
    # (first, last body line, name): a function's local array filled as `resplit_arrays` (SC2068)
    local_resplit_arrays: frozenset[tuple[int, int, str]] = frozenset()

    @classmethod
    def of(cls, script: Path) -> ScriptTraits:
        text = read_text(script)  # a regular file only: never blocks on a FIFO
        lines = text.splitlines()
        return cls(
            text.startswith("#!"),
            SOURCES.search(text) is not None,
            NOUNSET.search(text) is not None,
            ERREXIT.search(text) is not None,
            TEXTDOMAIN.search(text) is not None,
            frozenset(n for n, line in enumerate(lines, 1) if "BASH_SOURCE" in line),
            frozenset(n for n, line in enumerate(lines, 1) if COMPREPLY.search(line)),
            frozenset(n for n, line in enumerate(lines, 1) if DELIBERATE_SPLIT.match(line))
            | _after_own_ifs(lines)
            | _under_noglob(lines),
            _displayed_tilde(lines),
            _escaped_spaces(lines),
            frozenset(
                n
                for n, line in enumerate(lines, 1)
                if ECHO_LINE.match(line)
                or ECHO_TAIL.match(line)
                or ECHO_BRANCH.match(line)
                or ECHO_SUBSHELL.match(line)
            ),
            frozenset(n for n, line in enumerate(lines, 1) if EVAL_LINE.match(line)),
            frozenset(n for n, line in enumerate(lines, 1) if _operator_from_parameter(line)),
            _scalar_brackets(lines),
            _condition_status(lines),
            _keyword_variables(text, lines),
            _resplit_strings(lines),
            frozenset(n for n, line in enumerate(lines, 1) if _plain_and_or(line)),
            _resplit_arrays(text),
            _joining_functions(lines),
            REGISTERS_COMPLETION.search(text) is not None,
            frozenset(n for n, line in enumerate(lines, 1) if _joined_as_meant(line)),
            _literal_argument_bodies(lines) if text.startswith("#!") else frozenset(),
            tuple(lines),
            _status_substitutions(lines),
            _resplit_loops(lines),
            _associative_arithmetic(text, lines),
            _local_resplit_arrays(text, lines),
        )


def function_bodies(lines: list[str]) -> list[tuple[str, int, int]]:
    """The functions of the file as (name, first body line, last body line), 1-based; a body
    ends at the first `}` line indented as its definition (a function without one is left out)."""
    found = []
    for number, line in enumerate(lines):
        start = FUNCTION_HEADER.match(line)
        if start is None:
            continue
        indent, name = start.groups()
        closing = re.compile(rf"^{re.escape(indent)}\}}\s*(?:;|#.*)?$")
        end = next((n for n in range(number + 1, len(lines)) if closing.match(lines[n])), None)
        if end is not None:
            found.append((name, number + 2, end))
    return found


def _literal_argument_bodies(lines: list[str]) -> frozenset[int]:
    """The body lines of the functions every call of which in the file passes only plain words
    (`cross linux amd64 386`): no blank inside a word, no glob, quote or expansion, and the
    name mentioned nowhere else. A function never called in the file, called with anything
    else, or named elsewhere (`$(f "$x")`, `a && f $y`, `trap f 0`) is left out."""
    bodies = function_bodies(lines)
    found: set[int] = set()
    for name, first, last in bodies:
        call = re.compile(rf"^\s*{re.escape(name)}(?:\s+(?P<args>.*?))?\s*$")
        calls = [
            match.group("args") or ""
            for number, line in enumerate(lines, 1)
            if not first - 1 <= number <= last and (match := call.match(line))
        ]
        # every mention of the name is one of those calls (none inside `$(...)`, after `&&`)
        mentions = sum(
            len(re.findall(rf"(?<![\w.:-]){re.escape(name)}(?![\w.:-])", line))
            for number, line in enumerate(lines, 1)
            if number != first - 1
        )
        if calls and mentions == len(calls) and all(PLAIN_WORDS.match(a) for a in calls):
            found.update(range(first, last + 1))
    return frozenset(found)


def _joining_functions(lines: list[str]) -> tuple[tuple[str, int], ...]:
    """The functions of the file that join their arguments from the n-th on into one string
    (recap's `log() { local msg_type=$1; shift; local log_entry="$*"; ...}`: n is 2), as
    (name, n). The body must read the arguments before the join only as `$1`...`$k` that
    `shift`s drop before it, and join them, once or the same way again (rear's Error: `PrintError
    "ERROR: $*"`, `Log "ERROR: $*"`, `LogToSyslog "ERROR: $*"`): `"$*"`, `"${*}"` or
    `$@`/`${@:i}` assigned to a variable; any other read of the arguments (`$2`, `"$@"`, after
    the join too; not a `$1` inside single quotes, awk's field) and the function is left out.
    The body ends at the first `}` line indented as its definition."""
    found = []
    for name, first, last in function_bodies(lines):
        first_joined = arguments_joined_from(lines[first - 1 : last])
        if first_joined is not None:
            found.append((name, first_joined))
    return tuple(found)


def arguments_joined_from(body: list[str]) -> int | None:
    """The first argument the body joins (see `_joining_functions`), None when it reads its
    arguments in any other way."""
    shifted = 0
    pending: list[int] = []  # `$n` read before the join, each to be shifted away
    joined_from = None
    for raw in body:
        line = raw.split(" #", 1)[0] if not raw.lstrip().startswith("#") else ""
        join = _join_span(line)
        line_shift = sum(int(shift.group(1) or 1) for shift in SHIFT.finditer(line))
        # the same join again (rear's Error: `PrintError "ERROR: $*"`, then `Log "ERROR: $*"`)
        again = (
            join is not None
            and joined_from is not None
            and shifted + line_shift + join[2] == joined_from
        )
        for read in POSITIONAL.finditer(line):
            digit = read.group(1) or read.group(2)
            if digit is not None and int(digit) == 0:
                continue  # `$0`: the script's name
            if _in_single_quotes(line, read.start()):
                continue  # `awk '{ print $1 }'`: a field of awk's, no argument
            inside_join = join is not None and join[0] <= read.start() < join[1]
            if inside_join and (joined_from is None or again):
                continue
            if digit is None or joined_from is not None:
                return None  # `"$@"` passed on, or an argument read after the join
            pending.append(shifted + int(digit))
        shifted += line_shift
        if join is not None:
            if joined_from is not None and not again:
                return None
            joined_from = shifted + join[2]
    if joined_from is None and not pending and not shifted and _ignores_arguments(body):
        return 1  # reads none of its arguments: how the caller splits them changes nothing
    if joined_from is None or any(n >= joined_from for n in pending):
        return None
    return joined_from


def _in_single_quotes(line: str, position: int) -> bool:
    """Whether `position` of the line lies inside single quotes opened on the line (quotes
    inside double quotes and escaped ones not counted)."""
    single = double = escaped = False
    for char in line[:position]:
        if escaped:
            escaped = False
        elif char == "\\" and not single:
            escaped = True
        elif char == "'" and not double:
            single = not single
        elif char == '"' and not single:
            double = not double
    return single


def _ignores_arguments(body: list[str]) -> bool:
    """Whether a function body reads none of its arguments: no `$1`, `$@`, `$*`, count `$#`,
    `shift`, `getopts` or `for name` without `in` (which loops over them) outside comments
    (a debugging `log() { #echo "$@" | logger; :; }` switched off)."""
    for raw in body:
        line = raw.split(" #", 1)[0] if not raw.lstrip().startswith("#") else ""
        reads = [r for r in POSITIONAL.finditer(line) if (r.group(1) or r.group(2)) != "0"]
        if reads or IMPLICIT_ARGUMENTS.search(line):
            return False
    return True


def _join_span(line: str) -> tuple[int, int, int] | None:
    """Where `line` joins the arguments (start, end) and from which one: a `JOIN`, or an echo
    command alone on the line (`ECHO_LINE`, `ECHO_BRANCH`, `ECHO_SUBSHELL`; after `then`, `else`
    or `do`: rbenv's and ruby-build's `flunk() { { if [ "$#" -eq 0 ]; then cat -` then
    `else echo "$@"`; a count `$#` reads no argument) whose only reads
    of the arguments are `$@`/`${@}` inside double quotes (`( >&2 echo -e "  ${@}" )`): echo
    joins its arguments with one space, the text "$*" would give. None when it joins none."""
    join = next(
        (
            found
            for found in JOIN.finditer(line)
            if not found.group(0).startswith('"') or line.count('"', 0, found.start()) % 2 == 0
        ),
        None,
    )  # a quoted join starts at an opening quote, not at the one that closes a string
    if join is not None:
        return join.start(), join.end(), int(join.group(1) or 1)
    command = KEYWORD_ECHO.sub("", line, count=1)  # `else echo "$@"`: the echo command
    if not (ECHO_LINE.match(command) or ECHO_BRANCH.match(command) or ECHO_SUBSHELL.match(command)):
        return None
    reads = list(POSITIONAL.finditer(line))
    if reads and all(
        read.group(0) in ("$@", "${@}") and line.count('"', 0, read.start()) % 2 == 1
        for read in reads
    ):
        return 0, len(line), 1
    return None


def continued_call(lines: tuple[str, ...], line: int, text: str, column: int) -> tuple[str, int]:
    """`text` (line `line`, 1-based) with the lines before it that continue into it (each
    ending in a backslash) put in front, and `column` moved by as much: the whole command a
    word on a continuation line belongs to (`_fail "not given:" \\` then `"got: '${@}'"`)."""
    start = line - 1
    while start > 0 and lines[start - 1].endswith("\\"):
        start -= 1
    prefix = "".join(lines[n][:-1] for n in range(start, line - 1))
    return prefix + text, column + len(prefix)


def argument_index(line: str, name: str, column: int) -> int | None:
    """The position (1 for the first argument) of the word at `column` (1-based) in a simple
    command of `line` that calls `name`; None when the column is not in an argument of a call
    of `name` (a pipe, `;` or redirection between them, or another command)."""
    call = re.search(COMMAND_START + re.escape(name) + r"\s", line)
    if call is None or call.end() > column:
        return None
    index, quote, in_word = 0, "", False
    for position in range(call.end() - 1, column - 1):
        char = line[position]
        if quote:
            if char == quote and line[position - 1] != "\\":
                quote = ""
            continue
        if char in "\"'":
            quote = char
        elif char in ";|&<>" or (char == "#" and not in_word):
            return None
        if char.isspace():
            in_word = False
        elif not in_word:
            in_word = True
            index += 1
    return index if index > 0 else None


def _resplit_arrays(text: str) -> frozenset[str]:
    """Arrays whose every assignment is `name=( ... )` (or `+=`) of unquoted word splitting
    of a command's output or of a list whose separators become blanks (`$(cmd)`,
    `${list//,/ }`; not `$file`, one value split by mistake where it is assigned) or of literal
    words with no blank nor glob character
    (recap's `items=( $( get_report_names_of_run ) )`, `packages=("bash" "make")`): an unquoted
    `${name[@]}` splits nothing more and globs nothing new, quoted or not. Splitting results
    count only where the file never sets IFS (with `IFS=$'\\n'` an element may hold a blank).
    An element assigned the variable of a `for` loop whose word list is unquoted (dehydrated's
    `for uri in ${order_authorizations}; do authorizations[${idx}]="${uri}"`) holds one word
    that splitting made, so it counts too (`_in_split_loop`).
    Any other assignment (a quoted expansion, another `name[i]=`, `read -a`, `mapfile`, a plain
    `name=$x`) leaves the name out."""
    splits = re.search(r"\bIFS=", text) is None
    kept: set[str] = set()
    dropped: set[str] = set()
    for match in ARRAY_ASSIGNMENT.finditer(text):
        name = match.group(1)
        if _elements_cannot_split(text, match.end(), splits):
            kept.add(name)
        else:
            dropped.add(name)
    lines = text.split("\n")
    own_ifs = _after_own_ifs(lines)
    for match in ELEMENT_ASSIGNMENT.finditer(text):
        value = ELEMENT_VALUE.match(text, match.end())
        number = text.count("\n", 0, match.start()) + 1
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        variable = (value.group(1) or value.group(2)) if value is not None else None
        if variable is not None and _in_split_loop(lines, own_ifs, number, column, variable):
            kept.add(match.group(1))
        else:
            dropped.add(match.group(1))
    dropped.update(READ_INTO.findall(text))
    for name in kept:
        if re.search(rf"(?<![\w$]){name}\+?=(?!\()", text):
            dropped.add(name)  # a string in it too: see `_scalar_arrays`
    return frozenset(kept - dropped) | _scalar_arrays(text, kept | dropped)


def _local_resplit_arrays(text: str, lines: list[str]) -> frozenset[tuple[int, int, str]]:
    """The arrays a function declares its own (`local methods=( $(method.list) )`) and fills
    as `_resplit_arrays` counts, read in that function's body alone, as (first body line, last
    body line, name): another function's `local methods=$(declare -F)` is another variable
    (strike's method.sh, semver.sh's `local keys=( package version semver )` beside another
    function's `local keys=( ${!semver[@]} )`). Any assignment of the name outside a function
    that declares it local (a callee filling its caller's array, `suites+=( "$1" )`) leaves the
    name out, and so does a file that sets IFS."""
    if re.search(r"\bIFS=", text):
        return frozenset()
    bodies = [
        (first, last, "\n".join(lines[first - 1 : last]))
        for _, first, last in function_bodies(lines)
    ]
    declared = re.compile(r"\b(?:local|declare|typeset)\b(?!\s+-\w*g)")
    owned: dict[int, set[str]] = {
        first: {
            match.group(1)
            for match in ARRAY_ASSIGNMENT.finditer(body)
            if declared.search(match.group(0))
        }
        for first, _, body in bodies
    }
    local_statement = re.compile(
        r"\b(?:local|declare|typeset)\b(?!\s+-\w*g)(?:\s+-\w+)*((?:\s+[A-Za-z_]\w*(?:=\S*)?)+)"
    )
    locals_of: dict[int, set[str]] = {
        first: owned[first]
        | {
            name
            for names in local_statement.findall(body)
            for name in re.findall(r"(?:^|\s)([A-Za-z_]\w*)", names)
        }
        for first, _, body in bodies
    }
    found: set[tuple[int, int, str]] = set()
    for first, last, body in bodies:
        for name in owned[first] & _resplit_arrays(body):
            assigned = re.compile(
                rf"(?<![\w$]){name}(?:\[[^\]]*\])?\+?=|\b(?:read|mapfile|readarray)\b[^;|&\n]*\s{name}\b"
            )
            elsewhere = (
                n
                for n, text in enumerate(lines, 1)
                if assigned.search(text)
                and not any(f <= n <= end and name in locals_of[f] for f, end, _ in bodies)
            )
            if next(elsewhere, None) is None:
                found.add((first, last, name))
    return frozenset(found)


def _in_split_loop(
    lines: list[str], own_ifs: frozenset[int], number: int, column: int, variable: str
) -> bool:
    """Whether line `number` (1-based; the text before `column` on it counts too) is in the body
    of a `for variable in WORDS` loop whose words are unquoted (`${list}`, `$(cmd)`, plain
    words; no quote nor backslash outside a `$(...)`) and that splits on the default IFS (not
    after an IFS statement of the script's own, `own_ifs`: dehydrated sets `IFS=$'\n'`
    around its domains.txt loop and restores it; its `for uri in ${order_authorizations}`
    splits on blanks), with no other assignment of the variable in between: its value there is
    one field of splitting on blanks, with no blank in it. The loop is the nearest line before,
    less indented than everything since, that opens one (or a `for ...; do` earlier on the
    same line, or the line before a `do` of its own); a loop over `"$@"` or a quoted list,
    `for name; do`, or a `name=`/`read name` between leaves it out."""
    assigned = re.compile(
        rf"(?<![\w$]){variable}\+?=|\bread\b[^;|&\n]*\s{variable}\b|\bprintf\s+-v\s*{variable}\b"
    )
    head = lines[number - 1][: column - 1]
    candidates = [(number, head)]
    indent = len(head) - len(head.lstrip())
    for previous in range(number - 1, 0, -1):
        text = lines[previous - 1]
        stripped = text.lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        opened = candidates[-1][1].strip() == "do"  # `for ...` then `do` on a line of its own
        if len(text) - len(stripped) < indent or (opened and len(text) - len(stripped) == indent):
            indent = len(text) - len(stripped)
            candidates.append((previous, text))
            if FUNCTION_START.match(text) or indent == 0:
                break
        elif assigned.search(text):
            return False
    for line, text in candidates:
        loops = list(FOR_LOOP.finditer(text))
        if not loops:
            if assigned.search(text):
                return False
            continue
        loop = loops[-1]
        if loop.group(1) != variable:
            continue
        words = loop.group(2)
        return words is not None and line not in own_ifs and _unquoted_words(words)
    return False


def _unquoted_words(words: str) -> bool:
    """Whether a `for` loop's word list is unquoted throughout: no quote nor backslash outside
    a `$(...)` or backquotes (whose output is split all the same), and `${...}` holding none;
    nor a glob character there (`for f in *.txt`, `$dir/*`): pathname expansion comes after
    splitting, so an element may hold a blank (`my notes.txt`) and `${files[@]}` unquoted
    splits it."""
    index = 0
    while index < len(words):
        char = words[index]
        if words.startswith("$(", index) or words.startswith("${", index):
            end = _closing(words, index + 1)
            if end is None:
                return False
            if words[index + 1] == "{" and re.search(r"[\"'\\]", words[index : end + 1]):
                return False
            index = end + 1
            continue
        if char == "`":
            end = words.find("`", index + 1)
            if end < 0:
                return False
            index = end + 1
            continue
        if char in "\"'\\*?[":
            return False  # a glob too: a file name it expands to is one word, blanks and all
        index += 1
    return True


def _scalar_arrays(text: str, arrays: set[str]) -> frozenset[str]:
    """Names that are only ever assigned a string (`local -a items=${reports[@]}` in recap's
    recaplog: the names joined into items[0]), never a list (`name=( ... )`, in `arrays`),
    an element or `read -a`: `${items[@]}` holds that one string, and its unquoted expansion
    splits the word list on purpose, what shellcheck calls SC2086 (info) for `$items`."""
    found = set()
    for match in SCALAR_ASSIGNMENT.finditer(text):
        found.add(match.group(1))
    others = arrays | set(ELEMENT_ASSIGNMENT.findall(text)) | set(READ_INTO.findall(text))
    return frozenset(found - others)


def _elements_cannot_split(text: str, start: int, splits: bool) -> bool:
    """Whether the elements of the array assignment whose `(` ends at `start` are each an
    unquoted `$(cmd)` or `${list//,/ }` (when `splits`: its words are what splitting made) or a
    literal word
    with no blank nor glob character; False for anything else, or text that does not close."""
    index = start
    while index < len(text):
        char = text[index]
        if char in " \t\n" or text.startswith("\\\n", index):
            index += 2 if char == "\\" else 1
            continue
        if char == ")":
            return True
        if text.startswith("$(", index) or text.startswith("${", index):
            end = _closing(text, index + 1)
            if not splits or end is None:
                return False
            if text[index + 1] == "{" and not SPLIT_SUBSTITUTION.match(text, index, end + 1):
                return False  # `( ${file} )`: one value, a path, split by mistake
            index = end + 1
            continue
        word = re.match(r"""(?:"[^"]*"|'[^']*'|[^\s()"'])+""", text[index:])
        if word is None:
            return False
        value = word.group(0)
        if not LITERAL_WORD.match(value):
            return False  # `( $file )` too: one value split by mistake
        index += len(value)
    return False


def _closing(text: str, start: int) -> int | None:
    """The index of the bracket that closes the one at `start` (`(` or `{`), skipping quoted
    text; None when it does not close."""
    pairs = {"(": ")", "{": "}"}
    stack = [pairs[text[start]]]
    index = start + 1
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "'":
            end = text.find("'", index + 1)
            if end < 0:
                return None
            index = end + 1
            continue
        if char in pairs:
            stack.append(pairs[char])
        elif char == stack[-1]:
            stack.pop()
            if not stack:
                return index
        index += 1
    return None


def _displayed_tilde(lines: list[str]) -> frozenset[int]:
    """Lines whose quoted `~` is text for a person: an `echo`/`printf` line, or the value of a
    variable that every other line uses only in an `echo`/`printf` ("add this to ~/.bashrc")."""
    found = set()
    for number, line in enumerate(lines, 1):
        if "~" not in line:
            continue
        if DISPLAY_LINE.match(line):
            found.add(number)
            continue
        assigned = TILDE_ASSIGNMENT.match(line)
        if assigned is None:
            continue
        use = re.compile(rf"\$\{{?{assigned.group(1)}\b")
        uses = [other for n, other in enumerate(lines, 1) if n != number and use.search(other)]
        if uses and all(DISPLAY_LINE.match(other) for other in uses):
            found.add(number)
    return frozenset(found)


def _after_own_ifs(lines: list[str]) -> frozenset[int]:
    """Lines that split words with an IFS the script set itself: from a statement that
        assigns IFS (docker-clean's setGlobal: `IFS=$'\n'`, then `CONTAINERS_TO_DELETE=($(...))`,
        one element a line) to the next such statement (`IFS="$old"`, `unset IFS` and the default
    `IFS=$' \t\n'` undo it), or
        to the end of the function body it is in (a `}` or a function header less indented than
        it). `IFS=, read -r a b` sets IFS for
        that one command and starts nothing."""
    found: set[int] = set()
    depth: int | None = None  # the indentation of the IFS statement in effect
    for number, line in enumerate(lines, 1):
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        closes = stripped.startswith("}") or FUNCTION_START.match(line) is not None
        if depth is not None and stripped and indent < depth and closes:
            depth = None
        if IFS_STATEMENT.match(line) or (
            ";" in line and IFS_STATEMENT.match(line.split(";", 1)[0] + ";")
        ):
            restores = stripped.startswith("unset") or RESTORED_IFS.search(line) is not None
            depth = None if restores else indent
            if depth is not None and ";" in line:
                found.add(number)  # `IFS=$'\n'; ids=($(list))`
            continue
        if depth is not None:
            found.add(number)
    return frozenset(found)


NOGLOB_ON = re.compile(r"^\s*set\s+(?:-[a-zA-Z]*f[a-zA-Z]*|-o\s+noglob)\s*(?:;|#|$)")
NOGLOB_OFF = re.compile(r"^\s*set\s+(?:\+[a-zA-Z]*f[a-zA-Z]*|\+o\s+noglob)\s*(?:;|#|$)")


def _under_noglob(lines: list[str]) -> frozenset[int]:
    """Lines between a `set -f` (`set -o noglob`) statement and the `set +f` that undoes it:
    the script turned globbing off around them, so an unquoted `arr=($x)` there splits words on
    purpose, the one thing left for it to do (ruby-build's test/stubs/stub: `set -f;
    patterns=($patterns); set +f` under "Naively split patterns by whitespace"). A `set -f`
    never undone marks nothing: a script that turns globbing off for good says nothing of
    one line."""
    found: set[int] = set()
    opened: int | None = None
    for number, line in enumerate(lines, 1):
        if NOGLOB_ON.match(line):
            opened = number
        elif NOGLOB_OFF.match(line) and opened is not None:
            found.update(range(opened + 1, number))
            opened = None
    return frozenset(found)


def _escaped_spaces(lines: list[str]) -> frozenset[int]:
    """Lines ending in one escaped space glued to a word (`cut -d\\ `) before a line that
    closes a construct (`fi`, `done`...): a literal space argument, not a line continuation
    with stray blanks, since a continuation cannot be followed by `fi`."""
    found = set()
    for number, line in enumerate(lines[:-1], 1):
        if ESCAPED_SPACE_END.search(line) and CLOSES_COMMAND.match(lines[number]):
            found.add(number)
    return frozenset(found)


def _scalar_brackets(lines: list[str]) -> frozenset[int]:
    """Lines where every `$name[` names a variable the script never uses as an array
    (funcoeszz's `sed "s/^-.*/$esc[31;1m&$esc[m/"`, `grep "[^.]*$arch[^.]*.rpm$"`): bash
    expands the plain string and the `[` is text, as meant (SC1087 says "or ${var}[ to quiet").
    A name assigned or declared as an array anywhere in the file, or a shell array
    (`BASH_REMATCH`...), keeps the finding: there `$a[1]` is the first element and "[1]"."""
    arrays = set(SHELL_ARRAYS)
    for line in lines:
        if ARRAY_DECLARATION.search(line):
            arrays.update(re.findall(r"[A-Za-z_]\w*", line))
        for pattern in ARRAY_NAMES:
            arrays.update(pattern.findall(line))
    found = set()
    evaluated = {
        name for line in lines for name in EVALUATED_VARIABLE.findall(line)
    }  # `eval "$setter"`
    for number, line in enumerate(lines, 1):
        names = UNBRACED_INDEX.findall(line)
        if names and (not arrays.intersection(names) or _eval_text(line, evaluated)):
            found.add(number)
    return frozenset(found)


def _eval_text(line: str, evaluated: set[str]) -> bool:
    r"""Whether every `$name[` of `line` writes text for `eval` to read, `name` holding the
    name of an array: inside `\${...}`, a dollar escaped so that the text `${<array>[<key>]}`
    is built (strike's `eval nv="\${$json_data[$key]}"`), or an element assignment
    `$name[key]=` on an `eval` command (strike's `eval "_$k[\"$ak\"]=\"$nv\""`) or on a
    line that assigns the string a later `eval "$var"` runs (`local
    setter="$arrayname[\"$__key__\"]=..."; eval "$setter"`). A `$name[1]` that eval only
    passes on (`eval echo $arr[1]`: the first element and the text "[1]"), and any `$name[`
    elsewhere, keep the finding."""
    assigned = STRING_ASSIGNMENT.match(line)
    for_eval = EVAL_COMMAND.match(line) is not None or (
        assigned is not None and assigned.group(1) in evaluated
    )
    for match in UNBRACED_INDEX.finditer(line):
        if line[max(match.start() - 3, 0) : match.start()] == "\\${":
            continue
        if for_eval and SUBSCRIPT_ASSIGNED_TEXT.match(line, match.end()):
            continue
        return False
    return True


def _plain_and_or(line: str) -> bool:
    """Whether a line with `-a`/`-o` between test operands holds no `!` or parenthesis and no
    unquoted expansion but an integer comparison's operand (see the module docstring)."""
    tests = [t for t in _test_operands(line) if {"-a", "-o"} & set(t.split())]
    return bool(tests) and all(_plain_operands(t.split()) for t in tests)


def _test_operands(line: str) -> list[str]:
    """The text inside each `[ ... ]` of the line; a test continued from or onto another line
    (`[ "$a" = x -o \\`) gives the part of the line it covers."""
    closed = re.findall(r"(?:^|\s)\[\s(.*?)\s\](?=\s|;|$)", line)
    if closed:
        return closed
    opened = re.search(r"(?:^|\s)\[\s(.*)$", line)
    if opened:
        return [opened.group(1)]
    shut = re.match(r"^(.*?)\s\](?=\s|;|$)", line)
    return [shut.group(1)] if shut else [line]


def _plain_operands(words: list[str]) -> bool:
    for index, word in enumerate(words):
        if word in GROUPING_TOKENS or (word.startswith(("!", "\\(")) and word != "!="):
            return False
        if "$" in word and not word.startswith('"') and not _path_with_expansion(word):
            around = {words[index - 1] if index else "", *words[index + 1 : index + 2]}
            if not around & INTEGER_OPERATORS:
                return False
    return True


SIMPLE_EXPANSION = re.compile(r"\$(?:\{[A-Za-z_]\w*\}|[A-Za-z_]\w*)")


def _path_with_expansion(word: str) -> bool:
    """Whether an unquoted word is a path built from plain `$name`s and literal text with a
    `/` (`$TARGET_FS_ROOT/etc/mdadm/mdadm.conf`): never empty, so it never leaves the test
    one operand short; no glob, quote or other expansion in it."""
    rest = SIMPLE_EXPANSION.sub("", word)
    return "/" in rest and not re.search(r"[$`'\"*?\[\]\\(){}]", rest)


def _resplit_strings(lines: list[str]) -> frozenset[int]:
    """The lines `name=${@}` (or `$@`, `"$@"`, `"${array[@]}"`, or such an expansion inside a
    longer double-quoted value) whose name the file reads, and only outside double quotes (an
    even number of unescaped `"` before each read on its line; comment lines left out) or as
    part of a longer double-quoted text with a blank of its own (`_in_spaced_text`)."""
    found = set()
    for number, line in enumerate(lines, 1):
        joined = JOINED_ARGUMENTS.match(line) or JOINED_ARRAY.match(line)
        if joined is None:
            continue
        read = re.compile(rf"\$\{{?{re.escape(joined.group('name'))}(?![\w\[])")
        quoted = []
        for other_number, other in enumerate(lines, 1):
            if other_number == number or other.lstrip().startswith("#"):
                continue
            for match in read.finditer(other):
                before = re.sub(r"\\.", "", other[: match.start()])
                inside = before.count('"') % 2 == 1
                quoted.append(
                    "'" in before.replace('"', "")
                    or (inside and not _in_spaced_text(other, match.start(), match.end()))
                )
        if quoted and not any(quoted):
            found.add(number)
    return frozenset(found)


def _in_spaced_text(line: str, start: int, end: int) -> bool:
    """Whether the expansion at `start:end`, inside double quotes, is part of a longer quoted
    string with a blank of its own (`"-t ${date}"`, `"set to ${date} ."`): text, a message or
    a command line built, not one word that stands for the elements (`"$files"`)."""
    opening = line.rfind('"', 0, start)
    closing = line.find('"', end)
    if opening < 0 or closing < 0:
        return False
    return " " in line[opening + 1 : start] + line[end:closing]


def _resplit_loops(lines: list[str]) -> frozenset[int]:
    """The lines `for name in "...$x..."` (one double-quoted word) whose loop body reads `name`,
    and only as an unquoted argument of a command that takes each word as one item (not a
    test, a message nor a declaration), and never assigns it: the body splits the value
    again, as the loop meant to."""
    found = set()
    for number, line in enumerate(lines, 1):
        loop = QUOTED_LIST_LOOP.match(line)
        if loop is None:
            continue
        body = _loop_body(lines, number)
        if body and _only_split_reads(body, loop.group(1)):
            found.add(number)
    return frozenset(found)


def _loop_body(lines: list[str], start: int) -> list[str]:
    """The lines of the `for` loop that opens on line `start` (1-based), from its `do` to the
    `done` that closes it (nested loops counted; comment lines left out); empty when it does
    not close."""
    depth = 0
    body: list[str] = []
    for line in lines[start - 1 :]:
        code = line.split(" #", 1)[0]
        if code.lstrip().startswith("#"):
            continue
        opens = len(LOOP_OPENS.findall(code))
        depth += opens - len(LOOP_CLOSES.findall(code))
        if body or opens:
            body.append(code)
        if body and depth <= 0:
            return body
    return []


def _only_split_reads(body: list[str], name: str) -> bool:
    """Whether every read of `name` in `body` is a whole unquoted argument (`cmd $name`,
    `cmd ${name}`) of a command not in SPLIT_HOSTILE_COMMANDS, with at least one read and no
    assignment of the name."""
    read = re.compile(rf"\$(?:{name}|\{{{name}\}})(?![\w\[])")
    assigned = re.compile(rf"(?<![\w$]){name}\+?=|\bread\b[^;|&]*\s{name}\b")
    reads = 0
    for line in body:
        if assigned.search(line):
            return False
        for match in read.finditer(line):
            reads += 1
            if not _split_argument(line, match.start(), match.end()):
                return False
    return reads > 0


def _split_argument(line: str, start: int, end: int) -> bool:
    """Whether `line[start:end]` is a whole word outside quotes, an argument of a command whose
    name is not in SPLIT_HOSTILE_COMMANDS."""
    before = re.sub(r"\\.", "", line[:start])
    if before.count('"') % 2 or before.count("'") % 2:
        return False
    if start and not line[start - 1].isspace():
        return False
    if end < len(line) and not re.match(r"[\s;&|)]", line[end]):
        return False
    command = COMMAND_SEPARATOR.split(before)[-1].split()
    while command and command[0] in COMPOUND_KEYWORDS:
        command = command[1:]
    return bool(command) and command[0] not in SPLIT_HOSTILE_COMMANDS


def _keyword_variables(text: str, lines: list[str]) -> frozenset[int]:
    """The declaration lines (`local ... readonly`) that name a variable called like a
    declaration keyword which the file assigns (`readonly=${5}`)."""
    assigned = [
        word
        for word in DECLARATION_KEYWORDS
        if re.search(rf"(?:^|[\s;&|(]){word}=", text, re.M) is not None
    ]
    if not assigned:
        return frozenset()
    found = set()
    for number, line in enumerate(lines, 1):
        declaration = DECLARATION.match(line)
        if declaration is None:
            continue
        names = declaration.group("names").split()
        if any(word in names for word in assigned):
            found.add(number)
    return frozenset(found)


def _condition_status(lines: list[str]) -> frozenset[int]:
    """Lines that only assign `$?` (`rc=$?`, `local x="${?}"`) right after a line that is one
    test command (`test -z "$(git status --porcelain)"`, `[ -d "$d" ]`; no `&&`, `||`, `;`
    or continuation): the script keeps the condition's status on purpose (autorevision's
    clean-working-copy flag), as SC2319 itself advises. So do lines that return or exit with
    the status of a test they pass (`[ -n "$thin" ] && return $?`, dracut's
    start-thinpool-monitor.sh): the `&&` runs it only when the test succeeded, so it returns
    0, as meant; a test that reads `$?` itself (`[ $? -ne 0 ] && exit $?`, which exits 0
    instead of the failed command's status) keeps the warning."""
    found = set()
    previous = ""
    for number, line in enumerate(lines, 1):
        if STATUS_ASSIGNMENT.match(line) and STANDALONE_TEST.match(previous):
            found.add(number)
        returned = RETURN_AFTER_TEST.match(line)
        if returned and not re.search(r"\$(?:\?|\{\?\})", returned.group("test")):
            found.add(number)
        if line.strip() and not line.lstrip().startswith("#"):
            previous = line
    return frozenset(found)


def _joined_as_meant(line: str) -> bool:
    """Whether every `[[ ]]` of the line that joins an array (`$@`, `${name[@]}`) asks only
    whether the joined string is empty (`[[ ! ${todo[@]} ]]`, docker-clean's "nothing to
    delete"), which it answers exactly (SC2199). A comparison keeps the warning, even with one
    plain word: `[[ "$@" == "--help" ]]` is false for `prog -v --help`, the bug SC2199 is for."""
    tests = [m.group(1) for m in DOUBLE_BRACKETS.finditer(line)]
    joined = [t for t in tests if re.search(ARRAY_WORD, t)]
    return bool(joined) and all(JOINED_AS_MEANT.fullmatch(t) for t in joined)


def _operator_from_parameter(line: str) -> bool:
    """Whether the line computes `$(( ... ))` with its operator in a parameter (funcoeszz's
    `$(($i $operacao $passo))`, `$(($hh * 60 $op $mm))`): a parameter between two operands,
    where only an operator can go. The shell expands the parameters, then computes; shellcheck's
    parser cannot read an operator it does not see and takes `$((` for a command substitution
    of a subshell (SC1102, an error). `$((cmd) | x)` has no such pair and keeps it."""
    for match in ARITHMETIC.finditer(line):
        words = match.group(1).split()
        for before, word, after in zip(words, words[1:], words[2:], strict=False):
            if (
                PARAMETER_WORD.match(word)
                and OPERAND_WORD.match(before)
                and OPERAND_WORD.match(after)
            ):
                return True
    return False


def _associative_arithmetic(text: str, lines: list[str]) -> frozenset[int]:
    """The lines computing `$(( ... ))` on an element of an associative array the file
    declares (`declare -Ag summary`) whose key is a dotted word (strike's `: $((summary[
    assertions.pass]++))`): bash reads an associative array's subscript as a string, so the
    line runs, while shellcheck's arithmetic parser stops at the dot and takes `$((` for a
    command substitution (SC1102). An indexed array's subscript is arithmetic (`$((a[x.y]))`
    fails when it runs): kept."""
    associative: set[str] = set()
    for flags, declared in ASSOCIATIVE_DECLARATION.findall(text):
        if "A" in flags:
            associative.update(re.findall(r"(?:^|\s)([A-Za-z_]\w*)", declared))
    if not associative:
        return frozenset()
    return frozenset(
        number
        for number, line in enumerate(lines, 1)
        for match in ARITHMETIC.finditer(line)
        if any(name in associative for name in DOTTED_SUBSCRIPT.findall(match.group(1)))
    )


def _shellcheck_severity(code: int, level: str, script: ScriptTraits, line: Any) -> Severity:
    if code == SHELLCHECK_SPACE_AFTER_BACKSLASH and line in script.escaped_spaces:
        return Severity.INFO  # the script parses as meant: `\ ` is an argument
    if code == SHELLCHECK_UNBRACED_ARRAY and line in script.scalar_brackets:
        return Severity.INFO  # a plain string followed by a literal `[`: expands as meant
    if code == SHELLCHECK_AMBIGUOUS_ARITHMETIC and line in script.operator_parameters:
        return Severity.INFO  # arithmetic whose operator a parameter holds: the shell computes it
    if code == SHELLCHECK_AMBIGUOUS_ARITHMETIC and line in script.associative_arithmetic:
        return Severity.INFO  # a dotted string key of an associative array: bash reads it
    if level == "error" and code < 2000:
        return Severity.ERROR  # SC1xxx: the script does not parse
    if (
        code in SHELLCHECK_INFO_CODES
        or (code == SHELLCHECK_UNASSIGNED and script.nounset)
        or (code == SHELLCHECK_SPLIT_ARRAY and line in script.completion_replies)
        or (code == SHELLCHECK_MASKED_STATUS and not script.errexit)
        or (code == SHELLCHECK_ARRAY_FIRST and line in script.first_of_bash_source)
        or (code in SHELLCHECK_ARRAY_SPLIT and line in script.deliberate_split)
        or (code == SHELLCHECK_QUOTED_TILDE and line in script.displayed_tilde)
        or (code == SHELLCHECK_MIXED_ARRAY and line in script.echo_lines)
        or (code == SHELLCHECK_UNQUOTED_ARRAY and line in script.eval_lines)
        or (code == SHELLCHECK_LITERAL_EQUALS and line in script.echo_lines)
        or (code == SHELLCHECK_CONDITION_STATUS and line in script.condition_status)
        or (code == SHELLCHECK_KEYWORD_NAME and line in script.keyword_variables)
        or (code == SHELLCHECK_ARRAY_TO_STRING and line in script.resplit_strings)
        or (code == SHELLCHECK_QUOTED_LOOP_LIST and line in script.resplit_loops)
        or (code == SHELLCHECK_AND_OR_TEST and line in script.plain_and_or)
        or (code == SHELLCHECK_TRANSLATED_NAME and script.translates)
        or (code == SHELLCHECK_JOINED_ARRAY and line in script.joined_as_meant)
        or (code == SHELLCHECK_LOCAL_OUTSIDE_FUNCTION and not script.shebang)
    ):
        return Severity.INFO
    return SHELLCHECK_SEVERITY.get(level, Severity.WARNING)
