"""Linters the project did not ask for report only breakage.

A maintainer acts on a linter's style and "likely bug" findings when they chose that linter: they
run it in CI or a hook and keep its configuration. A project that never runs it has scripts
written to other habits, and its warnings there are mostly true but not acted on (on the
labelled projects, most shellcheck warnings of projects that do not run it were noise). What
breaks is another matter: a script that does not parse, or a Bash feature in a `#!/bin/sh`
script that dash (Debian's `/bin/sh`) rejects, breaks whoever runs it.

The same principle holds for every linter we run:

- markdownlint (`ai_workflow.steps.markdown_lint`): without a project configuration only the
  rules that find broken rendering run;
- ruff (`ai_workflow.lint.ruff_scope`): without a configuration that chooses rules, only the classic
  default set (E4, E7, E9, F: syntax, undefined names, unused imports and variables), its
  style rules at info where the project runs no ruff nor flake8 (`ai_workflow.lint.ruff_style`);
- ESLint: only with the project's own configuration;
- shellcheck (`ShellcheckScope` here): a project asks for it with a `.shellcheckrc`, by naming
  shellcheck in a file that runs its tooling (`ai_workflow.automation.is_automation_file`: CI
  configurations, `.pre-commit-config.yaml`, Makefile, justfile, Taskfile, tox, nox,
  package.json, pyproject.toml; not in a comment, nor as a Makefile target or prerequisite),
  or with a `# shellcheck disable=...` (or `source=`, `shell=`)
  directive in one of its own scripts (not a vendored copy): nobody writes one without running
  shellcheck on the script. Then its own levels apply, in the files its own runs check when every
  run names them (`ai_workflow.lint.shellcheck_runs`: liquidprompt's `shellcheck.sh` checks
  `liquidprompt tools/*` and what they source, not its tests nor `contrib/`), and when every
  run sets a `--severity` (cloud-utils' tox.ini: `shellcheck --severity=error ...`), what is
  below the lowest of them is info: its maintainers chose not to look at it (but for a variable
  read that nothing assigns, SC2154, a defect at any level). Otherwise (and
  outside those files) only what breaks stays shown: its error level (parse errors included),
  the warnings that are a bug whatever the project's habits (`BREAKS_ANYWAY`, measured in the
  table below), the findings a post-processor shows as breakage by what their line does
  (`findings.shown_as_breakage`: the word being completed left unquoted,
  `ai_workflow.lint.shellcheck_completion_word`; a statement that runs a command's error
  messages, `ai_workflow.lint.shellcheck_executed_errors`), the parser's other messages in a script
  that does not parse (SC1010 says why; a script whose failed parse its own shell reads
  without error, `ai_workflow.lint.shell_parse`, counts as parsed: dvd-slideshow's dvd-menu,
  whose `select[$i]=...` stops shellcheck's parser),
  and the portability codes (SC3xxx) that it reports in a script for a POSIX shell (`#!/bin/sh`,
  `#!/bin/dash`), except those for what dash implements all the same (`DASH_IMPLEMENTS`:
  `local`, which bash as sh and busybox ash have too, so git-ftp's `#!/bin/sh` tests run on
  Debian and macOS alike; the string comparisons `[ "$a" \\< "$b" ]` and `\\>` (SC3012),
  which the test builtins of dash, bash and busybox ash all have, so pm-utils' sata_alpm hook
  runs wherever its `#!/bin/sh` does, while `==` in `[ ]` (SC3014) stops dash with `unexpected
  operator`; `echo -n`, though not `echo -e`, which dash prints; and a Bash
  variable (SC3028: `HOSTNAME`, `RANDOM`, `UID`), which dash leaves unset, read where the
  script falls back when it is empty: `${HOSTNAME:-$(uname -n)}`, or `h="${HOSTNAME}"`
  with `[ -z "$h" ] && h=$(uname -n)` on the next lines, as keychain does, or read after a
  line that sets it where the shell did not: `if [ -z "$RANDOM" ]; then RANDOM=$(...)`, as
  aptitude-robot's random-delay does), but for those in
  a script without the executable bit that a script of the project runs with `bash FILE` (by
  name, or through the variable of a `for` loop over a pattern that matches it, as
  backup-manager's t/run-tests.sh runs `for file in t[0-9][0-9]*.sh` with `bash $file`) and
  none runs with `sh` or `dash`: its `#!` line is never read (`bash_runner`); its
  warnings, the parser's warnings in a script that parsed (SC1078, SC1007) included, become
  info (still in the findings files), and `rules.select`
  naming a code (or `shellcheck/`) or `rules.severity` raises them again.

Which warnings are a bug whatever the habits (`BREAKS_ANYWAY`) was measured, not guessed: every
warning-level occurrence of the codes below that the runs of 66 labelled shell projects at main
`6f86b68` lowered to info (38 of them do not ask for shellcheck; bash-completion, which asks, was
not run), each cited line read and labelled; a code is shown when at least 90% of its
occurrences are real over at least 3 projects and none is wrong. Like the rest of breakage it is
shown outside an asking project's own runs too, and stays info below its own `--severity`.
Shellcheck's error-level codes of that kind (SC2066, SC2070, SC2078, SC2157, SC2242) were shown
already; SC2114, SC2193, SC2195, SC2217 and SC2063 did not occur.

    code    found  real/noise/wrong  real in (projects)                         decision
    SC2060     17  17 / 0 / 0        adr-tools, laptop-mode-tools, dvd-slide-   shown
                                     show**, funcoeszz*, live-boot*
    SC2069     10   5 / 5 / 0        abcde, dphys-swapfile, recap               info (50%)
    SC2221/2    6   2 / 4 / 0        abcde                                      info (33%)
    SC2115     11   0 / 11 / 0       -                                          info
    SC2043     11   0 / 11 / 0       -                                          info
    SC2198      4   0 / 3 / 1        -                                          info
    SC2194      4   0 / 4 / 0        - (liquidprompt's tests, outside its runs) info
    SC2125      3   1 / 1 / 1        laptop-mode-tools                          info
    SC2050      1   1 / 0 / 0        libbash                                    info (1 project)
    SC2216      1   0 / 0 / 1        - (cloud-utils, below its --severity)      info
    SC2065 2, SC2093 6, SC2121 85, SC2163 7, SC2229 1: all wrong                info

(* funcoeszz and live-boot ask for shellcheck: their 10 SC2060, shown already, were labelled real
before. ** dvd-slideshow, labelled on main after that run, at `4d645fa`: 5, one of them a mistyped
`tr -d :[blank]:`.) The real and the not: an unquoted `tr [:upper:] [:lower:]`, `tr -d [0-9]` or
`tr -d ['(',')']` is a glob that a one-letter file in the current directory replaces (reproduced
for adr-tools and laptop-mode-tools); `cmd 2>&1 > /dev/null` meant to silence `grep` or `swapon`
leaves their errors on the terminal, but recap's four `echo ... 2>&1 >> LOG` change nothing (echo
writes no stderr) and guilt's test runner leaves only stray stderr on the terminal (the commands it
checks merge their own); abcde's ID3 genre table has "fusion" twice (84 is Fast Fusion), while `_*
| *_ | _` and `-* | --*` only repeat a case; `rm -rf $PWD/var` and a test's own root never expand
to `/`; one-item `for` lists, functions given one `"$@"`, `${@: -1}`, and autoconf's `test -x /
>/dev/null`, re-exec, `set dummy`, `export $ac_envvar` and pm-utils' indirect `read "$p"` are
meant.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ai_workflow.automation import MAKEFILE_NAMES, is_automation_file
from ai_workflow.findings import Finding, Severity, explained_as_info, not_configured_as_info
from ai_workflow.lint.shellcheck_runs import (
    DIRECTIVE,
    LEVELS,
    NAMES_SHELLCHECK,
    Scope,
    shellcheck_floor,
    shellcheck_scope,
)
from ai_workflow.rules.policy import rule_matches
from ai_workflow.textfiles import read_text, shebang_program
from ai_workflow.vendored import VendoredFiles

SHELLCHECK_RC_NAMES = frozenset({".shellcheckrc", "shellcheckrc"})
# a rule's first line, up to its recipe after `;`: `all: shellcheck`, `.PHONY: lint shellcheck`
MAKE_RULE_HEAD = re.compile(r"^(?!\t)[^=#;]*?:(?![=:])[^=;]*(?:;|$)")
POSIX_SHELLS = frozenset({"sh", "dash"})
# SC3xxx codes for features POSIX leaves undefined but dash implements: no breakage there.
DASH_IMPLEMENTS = frozenset({3043, 3012})  # `local`, `[ a \\< b ]`/`[ a \\> b ]`
# Warning-level codes whose findings are a bug whatever the project's habits (measured: the table
# in the module docstring), shown where the project does not ask for shellcheck too.
BREAKS_ANYWAY = frozenset({2060})
"""A warning-level shellcheck code that is breakage in any project: SC2060, an unquoted bracket
argument of `tr` (`tr [:upper:] [:lower:]`, `tr -d [0-9]`), is a glob that a one-letter file in
the current directory replaces (adr-tools' `adr new` with a file `u` in the cwd makes a wrong
slug). On the labelled projects 17 of 17 were real, in 5 projects (adr-tools,
laptop-mode-tools and dvd-slideshow, which do not ask for shellcheck; funcoeszz and live-boot,
which do). The
other candidates measured stay at info: see the module docstring's table."""
# SC3037 (echo flags): dash's echo implements `-n` only; `echo -e`/`-en` prints the flag.
SHELLCHECK_ECHO_FLAGS = 3037
# Never below the project's own --severity: a variable read that nothing assigns is a defect
# whatever level the maintainers look at (cloud-utils' `fail "... ${new_img}"`, no new_img).
ABOVE_ANY_FLOOR = frozenset({2154})
ECHO_FLAGS = re.compile(r"\becho\s+(-[A-Za-z]+)")
# `[ "`echo -e ...`" = "..." ]` / `[ "$(echo -n ...)" != ... ]`: the output of an echo with flags
# compared in a test, a probe of what this shell's echo does
ECHO_PROBE = re.compile(r"(?:\[|\btest)\s+\"(?:`|\$\()\s*echo\s+-[A-Za-z]+.*?(?:`|\))\"\s*!?=\s")
# SC3028 (a Bash variable, unset in POSIX sh): the script breaks only if it needs the value.
SHELLCHECK_BASH_VARIABLE = 3028
BASH_VARIABLE_NAME = re.compile(r"In POSIX sh, (\w+) is undefined")
ASSIGNED_TO = re.compile(r"(?:^|[\s;&|(])(\w+)=\S")
FALLBACK_LINES = 3  # how far after the assignment an empty-value fallback may come
SHELL_BRANCH_LINES = 60  # how far above a line its enclosing `if` is looked for
# `"${MYSHELL}" = "ksh"`, `$shell == bash`, `-n "$BASH_VERSION"`: a branch for one shell
SHELL_GUARD = re.compile(
    r"\$\{?\w+\}?\"?\s*==?\s*[\"']?(?:ksh|mksh|bash|zsh)[\"']?(?:\s|\]|$)"
    r"|-n\s+\"?\$\{?(?:BASH|KSH|ZSH)_VERSION\b"
)
SHELL_DIRECTIVE = re.compile(r"^\s*#\s*shellcheck\s+shell=(\w+)", re.M)
# `bash FILE` / `sh FILE` (options before the file allowed), the file word captured
RUN_WITH = (
    r"(?:^|[\s;&|!(`])(?:\S*/)?(?:{shells})\s+(?:-\w+\s+)*"
    r"(\"[^\"\n]*\"|'[^'\n]*'|[^\s;&|)`]+)"
)
BASH_RUN = re.compile(RUN_WITH.format(shells="bash"), re.M)
SH_RUN = re.compile(RUN_WITH.format(shells="sh|dash"), re.M)
FOR_LOOP = re.compile(r"^\s*for\s+(\w+)\s+in\s+([^;\n]+?)\s*(?:;\s*do\b.*)?$", re.M)
LOOP_VARIABLE = re.compile(r"^\$\{?(\w+)\}?$")
NOT_ASKED = "shellcheck is not configured by this project: only breakage shown"
OUTSIDE = "outside the files the project's own shellcheck runs check"


def shellcheck_asked_by(
    target: Path, files: Iterable[str], scripts: Sequence[str] = ()
) -> str | None:
    """The file by which the project asks for shellcheck (None: it does not): an rc file, a
    tooling file naming it, or one of `scripts` (its shell scripts) with a directive."""
    candidates = []
    for rel in files:
        if rel.rsplit("/", 1)[-1] in SHELLCHECK_RC_NAMES:
            return rel
        if is_automation_file(rel):
            candidates.append(rel)
    for rel in sorted(candidates):
        if _names_shellcheck(read_text(target / rel, root=target), rel):
            return rel
    vendored = VendoredFiles(target)
    for rel in scripts:
        if DIRECTIVE.search(read_text(target / rel, root=target)) and not vendored.reason(rel):
            return f"{rel}: a shellcheck directive"
    return None


def _names_shellcheck(text: str, rel: str) -> bool:
    """Whether a tooling file names shellcheck where it can run it: not in a comment, nor, in
    a Makefile, as the name of a target or a prerequisite (FAI 6.0.3's `shellcheck:` target
    runs `bash -n` on every script, and no shellcheck)."""
    makefile = rel in MAKEFILE_NAMES  # the Makefiles `is_automation_file` reads
    for line in text.splitlines():
        if not NAMES_SHELLCHECK.search(line) or line.lstrip().startswith("#"):
            continue
        if makefile and (head := MAKE_RULE_HEAD.match(line)) is not None:
            if NAMES_SHELLCHECK.search(line[head.end() :]):  # `lint: ; shellcheck x.sh`
                return True
            continue
        return True
    return False


@dataclass(frozen=True)
class ShellcheckScope:
    """Which shellcheck findings stay shown in one project (see the module docstring)."""

    target: Path
    asked_by: str | None
    selected: tuple[str, ...] = ()
    runs: Scope | None = None  # the files its own runs check, when they name them
    floor: tuple[str, str] | None = None  # the lowest level its own runs report, and where

    runners: tuple[str, ...] = ()  # the scripts and tooling files that may run the scripts
    bash_run: dict[str, str | None] = field(default_factory=dict, compare=False)

    @classmethod
    def of(
        cls, target: Path, files: Iterable[str], scripts: Sequence[str], selected: Sequence[str]
    ) -> ShellcheckScope:
        files = list(files)
        asked_by = shellcheck_asked_by(target, files, scripts)
        runs = shellcheck_scope(target, files, scripts) if asked_by is not None else None
        floor = shellcheck_floor(target, files, scripts) if asked_by is not None else None
        runners = (*scripts, *(f for f in files if is_automation_file(f)))
        return cls(target, asked_by, tuple(selected), runs, floor, runners)

    def grade(self, findings: Sequence[Finding]) -> tuple[list[Finding], int]:
        """The findings with what the project did not ask for at info, and how many were
        lowered."""
        if self.floor is not None:
            findings = [self._below_floor(f) for f in findings]
        if self.asked_by is not None and self.runs is None:
            return list(findings), 0
        graded, lowered = [], 0
        posix: dict[str, bool] = {}
        unparsed = {f.path for f in findings if _parse_error(f)}
        for finding in findings:
            if (
                self._breakage(finding, posix)
                or finding.severity is Severity.INFO
                or (finding.path in unparsed and (_code(finding.rule) or 2000) < 2000)
            ):
                graded.append(finding)
                continue
            if self.runs is not None and finding.path in self.runs.paths:
                graded.append(finding)
                continue
            lowered += 1
            why = NOT_ASKED if self.runs is None else f"{OUTSIDE} ({self.runs.where})"
            runner = self.bash_run.get(finding.path or "")
            if runner and 3000 <= (_code(finding.rule) or 0) < 4000:
                why = (
                    f"{runner} runs {finding.path} with bash and it has no executable bit: its "
                    "#! line is never read, so no POSIX shell meets this"
                )
            graded.append(not_configured_as_info(finding, why))
        return graded, lowered

    def describe(self, lowered: int) -> str:
        if self.asked_by is not None and self.runs is not None:
            return (
                f"shellcheck is configured by this project ({self.asked_by}): its own levels in "
                f"the {len(self.runs.paths)} files its runs check ({self.runs.where}), only "
                f"breakage elsewhere ({lowered} more at info)"
            )
        if self.asked_by is not None:
            return f"shellcheck is configured by this project ({self.asked_by}): its own levels"
        return f"{NOT_ASKED} ({lowered} more at info)"

    def _below_floor(self, finding: Finding) -> Finding:
        """Info for a finding under the lowest level the project's own runs report (its
        `--severity`), unless `rules.select` names it; a parse error is never below."""
        level = finding.extra.get("level")
        if (
            self.floor is None
            or finding.severity is Severity.INFO
            or level not in LEVELS
            or LEVELS.index(str(level)) >= LEVELS.index(self.floor[0])
            or rule_matches(finding.rule, self.selected)
            or _code(finding.rule) in ABOVE_ANY_FLOOR
        ):
            return finding
        why = f"below the project's own shellcheck --severity={self.floor[0]} ({self.floor[1]})"
        return not_configured_as_info(finding, why)

    def _breakage(self, finding: Finding, posix: dict[str, bool]) -> bool:
        code = _code(finding.rule)
        if code is None or rule_matches(finding.rule, self.selected):
            return True  # not a shellcheck code (tool-failed), or the user asked for it
        if finding.extra.get("level") == "error":
            return True  # a parse error (SC1xxx at error level) or a likely bug
        if code in BREAKS_ANYWAY or finding.extra.get("breaks"):
            return True  # a near-certain bug whatever the project's habits (`shown_as_breakage`)
        if 3000 <= code < 4000 and code not in DASH_IMPLEMENTS and finding.path:
            if code == SHELLCHECK_ECHO_FLAGS and _echo_n_only(self.target / finding.path, finding):
                return False
            if code == SHELLCHECK_BASH_VARIABLE and _falls_back(
                self.target / finding.path, finding
            ):
                return False
            if _in_shell_branch(self.target / finding.path, finding):
                return False
            if finding.path not in posix:
                posix[finding.path] = posix_script(self.target / finding.path, self.target)
                if posix[finding.path]:
                    runner = bash_runner(self.target, finding.path, self.runners)
                    self.bash_run[finding.path] = runner
                    posix[finding.path] = runner is None
            return posix[finding.path]
        return False


DEBIAN_POLICY_SH = (
    "a Debian packaging script: Debian Policy 10.4 requires every /bin/sh to implement {what}, "
    "and it runs only on Debian (dpkg, autopkgtest)"
)


def debian_sh_as_info(
    findings: Sequence[Finding], target: Path, selected: Sequence[str] = ()
) -> list[Finding]:
    """SC3043 (`local`) and an `echo -n` SC3037 in a `#!/bin/sh` script under `debian/` of a
    Debian source package (`debian/control`) at info, whether or not the project asks for
    shellcheck: its maintainer scripts (postinst, postrm...), autopkgtests and helpers run only
    where Debian Policy 10.4 governs `/bin/sh`, which must implement both (di-netboot-assistant's
    debian/postrm declares `local s metadatabasename ...`, in sync with its Bash script). The same
    lines in a script outside `debian/`, or in a `debian/` of no Debian package, keep their level:
    such a script may meet a /bin/sh that lacks them. `rules.select` naming the code keeps it."""
    graded = []
    debian = (target / "debian" / "control").is_file()
    for finding in findings:
        code = _code(finding.rule)
        what = {3043: "`local`", SHELLCHECK_ECHO_FLAGS: "`echo -n`"}.get(code or 0)
        path = finding.path or ""
        if (
            not debian
            or what is None
            or finding.severity is Severity.INFO
            or not path.startswith("debian/")
            or rule_matches(finding.rule, selected)
            or (code == SHELLCHECK_ECHO_FLAGS and not _echo_n_only(target / path, finding))
        ):
            graded.append(finding)
            continue
        graded.append(explained_as_info(finding, DEBIAN_POLICY_SH.format(what=what)))
    return graded


def _echo_n_only(path: Path, finding: Finding) -> bool:
    """Whether every `echo` flag on the finding's line is `-n`, which dash implements too
    (checkinstall's `echo -n 'Checking...'`), or whose `echo` is a probe of the shell: its
    output compared in a test (rkhunter's `if [ "`echo -e "a\tb"`" = "a<TAB>b" ]; then
    ECHOOPT="-e"`), where what dash prints is the answer sought; a plain `echo -en` line prints
    "-en" under dash."""
    if not isinstance(finding.line, int) or finding.line < 1:
        return False
    lines = read_text(path).splitlines()
    if finding.line > len(lines):
        return False
    line = lines[finding.line - 1]
    if ECHO_PROBE.search(line):
        return True
    flags = ECHO_FLAGS.findall(line)
    return bool(flags) and all(flag == "-n" for flag in flags)


def _falls_back(path: Path, finding: Finding) -> bool:
    """Whether the script gives the Bash variable of an SC3028 finding a fallback for when it is
    empty, as it is in dash: a default in the expansion (`${HOSTNAME:-$(uname -n)}`,
    `${OSTYPE-unknown}`), or an assignment of it (`h="${HOSTNAME}"`) whose variable one of the
    next lines tests for emptiness (`[ -z "$h" ] && h=$(uname -n)`, `${h:-...}`). A plain use
    (`n=$RANDOM` taken as a number) needs the value: still breakage."""
    name = BASH_VARIABLE_NAME.search(finding.message)
    if name is None or not isinstance(finding.line, int) or finding.line < 1:
        return False
    lines = read_text(path).splitlines()
    if finding.line > len(lines):
        return False
    line = lines[finding.line - 1]
    if re.search(r"\$\{" + name.group(1) + r":?[-=]", line):
        return True
    if _probed(lines, finding.line, name.group(1)):
        return True
    if _assigned_before(lines, finding.line, name.group(1)):
        return True
    if _last_resort(lines, finding.line, line):
        return True
    for assigned in ASSIGNED_TO.findall(line):
        empty = re.compile(r"-z\s+\"?\$\{?" + assigned + r"\b(?!\[)|\$\{" + assigned + r":?[-=]")
        later = lines[finding.line : finding.line + FALLBACK_LINES]
        if any(empty.search(text) for text in later):
            return True
    return False


def _in_shell_branch(path: Path, finding: Finding) -> bool:
    """Whether the finding's line is in the `then` branch of an `if`/`elif` that runs only
    under a shell having the feature: a test of a variable against the name `ksh`, `bash`,
    `zsh` or `mksh` (rkhunter: `if [ "${MYSHELL}" = "ksh" ]; then set -o globstar`), or of
    `$BASH_VERSION`/`$KSH_VERSION`/`$ZSH_VERSION` being set. Its `else` branch, a condition
    joined with `-o`/`||`, and a line outside any such `if` stay breakage."""
    if not isinstance(finding.line, int) or finding.line < 1:
        return False
    lines = read_text(path).splitlines()
    if finding.line > len(lines):
        return False
    indent = _indent(lines[finding.line - 1])
    start = max(0, finding.line - 1 - SHELL_BRANCH_LINES)
    for before in reversed(lines[start : finding.line - 1]):
        text = before.strip()
        if not text or text.startswith("#") or _indent(before) >= indent:
            continue
        indent = _indent(before)
        if re.match(r"else\b", text):
            return False
        if re.match(r"(?:el)?if\b", text):
            condition = text.split("; then", 1)[0]
            return SHELL_GUARD.search(condition) is not None and not re.search(
                r"\s-o\s|\|\|", condition
            )
    return False


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _last_resort(lines: Sequence[str], number: int, line: str) -> bool:
    """Whether the line assigns the Bash variable only when its target is still empty
    (`test -z "${h}" && h="${HOSTNAME}"`) after one of the lines just above assigned that target
    another way (rkhunter: `h=`hostname``, then `uname -n`, then `${HOSTNAME}`): the last step of
    a chain, which dash skips with the value already found. The same guarded assignment with no
    earlier one is the default itself: still breakage."""
    guarded = re.match(r"\s*(?:test\s+|\[\s+)-z\s+\"?\$\{?(\w+)\}?\"?\s*\]?\s*&&\s*(\w+)=", line)
    if guarded is None or guarded.group(1) != guarded.group(2):
        return False
    target = guarded.group(1)
    earlier = lines[max(0, number - 1 - FALLBACK_LINES) : number - 1]
    return any(re.match(r"\s*" + target + r"=\S", text) for text in earlier)


def _assigned_before(lines: Sequence[str], number: int, name: str) -> bool:
    """Whether a line before line `number` assigns the Bash variable itself, so that under dash
    it is the script's own variable by then (aptitude-robot's random-delay: `if [ -z "$RANDOM" ]
    ; then RANDOM=$(dd if=/dev/urandom count=1 | cksum | cut -c"1-5")`, a fix for shells
    without it, before `DELAY=$(($RANDOM % $MAX_DELAY))`). An assignment after the use, or
    none, leaves the use empty under dash: still breakage."""
    return any(
        name in ASSIGNED_TO.findall(before)
        for before in lines[: number - 1]
        if not before.lstrip().startswith("#")
    )


def _probed(lines: Sequence[str], number: int, name: str) -> bool:
    """Whether line `number` tests the Bash variable `name` for emptiness (`[ -z "$RANDOM" ]`,
    `[ -n "$SECONDS" ]`: a probe of the shell, false or true under dash as the script expects),
    or is the first line of a branch that runs only when it is set (the nearest line before it
    that is not blank or a comment is `if`/`elif` testing `-n "$RANDOM"`): rkhunter's chain
    `elif [ -n "$RANDOM" ]; then TEMPFILE="${BASE}.$RANDOM"` then `date`, then `$$`."""
    tested = r"\btest\s+|\[\[?\s+"
    empty = r"(?:" + tested + r")-[nz]\s+\"?\$\{?" + name + r"\b(?![\[:#%/])"
    if re.search(empty, lines[number - 1]):
        return True
    for before in reversed(lines[max(0, number - 1 - FALLBACK_LINES) : number - 1]):
        text = before.strip()
        if not text or text.startswith("#"):
            continue
        guard = r"^(?:if|elif)\s+(?:" + tested + r")-n\s+\"?\$\{?" + name + r"\b(?![\[:#%/])"
        return re.search(guard, text) is not None
    return False


def _parse_error(finding: Finding) -> bool:
    """An SC1xxx at shellcheck's error level that still stands: a failed parse the script's own
    shell reads without error (made info by `shell_parse`: dvd-menu's `select[$i]=...`, an
    array named select) is shellcheck's, and the script counts as parsed."""
    code = _code(finding.rule)
    return (
        code is not None
        and code < 2000
        and finding.extra.get("level") == "error"
        and finding.severity is not Severity.INFO
    )


def _code(rule: str) -> int | None:
    digits = rule.removeprefix("shellcheck/SC")
    return int(digits) if digits != rule and digits.isdigit() else None


def posix_script(path: Path, root: Path) -> bool:
    """Whether the script runs under a POSIX shell: its `#!` names sh or dash, or a
    `# shellcheck shell=sh` directive says so."""
    text = read_text(path, root=root)
    directive = SHELL_DIRECTIVE.search(text)
    if directive is not None:
        return directive.group(1) in POSIX_SHELLS
    return shebang_program(text.split("\n", 1)[0]) in POSIX_SHELLS


def bash_runner(target: Path, rel: str, runners: Sequence[str]) -> str | None:
    """The script (or tooling file) of the project that runs `rel` with `bash FILE`, when `rel`
    has no executable bit, so that its `#!` line is never read: by its path, or through the
    variable of a `for` loop over a pattern that matches it (backup-manager's t/run-tests.sh:
    `for file in t[0-9][0-9]*.sh` ... `bash $file`, after `cd` to its own directory). None when
    it is executable (anyone may run it as `./x.sh`), when nothing runs it with bash, or when
    some file also runs it with `sh` or `dash`."""
    try:
        if os.stat(target / rel).st_mode & (stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH):
            return None
    except OSError:
        return None
    found = None
    for runner in runners:
        if runner == rel:
            continue
        text = read_text(target / runner, root=target)
        if _runs(SH_RUN, text, runner, rel):
            return None
        if found is None and _runs(BASH_RUN, text, runner, rel):
            found = runner
    return found


def _runs(command: re.Pattern[str], text: str, runner: str, rel: str) -> bool:
    """Whether a `command` run in `text` (the file `runner`) names `rel`: a path from the
    repository root or from the runner's directory, or a loop variable over such patterns."""
    loops: dict[str, list[str]] = {}
    for loop in FOR_LOOP.finditer(text):
        loops.setdefault(loop.group(1), []).extend(loop.group(2).split())
    here = posixpath.dirname(runner)
    for match in command.finditer(text):
        word = match.group(1).strip("\"'")
        variable = LOOP_VARIABLE.match(word)
        patterns = loops.get(variable.group(1), []) if variable else [word]
        for pattern in patterns:
            pattern = pattern.strip("\"'")
            if "$" in pattern or "`" in pattern:
                continue
            for base in ("", here):
                joined = posixpath.normpath(posixpath.join(base, pattern))
                if fnmatch.fnmatchcase(rel, joined):
                    return True
    return False
