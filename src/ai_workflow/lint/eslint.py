"""eslint: its run where the project configures ESLint, and the severity of its findings.

Severity mapping: parse errors (fatal) -> error, rules configured as "error" -> warning,
"warn" -> info. ESLint itself crashing (exit 2: a configuration or internal error) is a warning
naming the ESLint and Node versions and quoting the error: its installation or the Node running
it failed here, not the code. One such crash has a cure that changes nothing of the project: an
older ESLint whose loader (v8-compile-cache) compiles a dependency's ES module as CommonJS,
because Node 20.19+/22.12+ resolve a package's `module-sync` export condition under `require`
(async-function's require.mjs, which today's get-intrinsic pulls into ESLint 7). ESLint is then
run again with `--no-experimental-require-module` in NODE_OPTIONS (Node's switch for that
behaviour), which resolves the package's CommonJS entry; only when that run fails too is the
crash reported.

eslint runs what the project's own lint scripts lint (`ai_workflow.lint.eslint_scripts`), or the
whole project. It walks the project itself: it gets an `--ignore-pattern` for the work directory
and for every entry that is no regular file of the project (`project_files.unsafe_entries`: a
FIFO named x.js would make it wait forever, a link out would have it read and quote a file from
elsewhere), and does not run when a configuration file it would open is such an entry.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

from ai_workflow.engine.process import CommandResult
from ai_workflow.engine.step import StepContext
from ai_workflow.findings import Finding, Severity
from ai_workflow.lint.crash import crash_line
from ai_workflow.lint.eslint_scripts import WHOLE_PROJECT, eslint_invocations
from ai_workflow.lint.report import (
    NOT_OURS,
    LintReport,
    json_findings,
    relpath,
    special_configs,
    tool_timeout,
)
from ai_workflow.project_files import unsafe_entries
from ai_workflow.quoting import relative_to_target
from ai_workflow.textfiles import read_json, readable_file
from ai_workflow.tools import Tool, resolve_tool
from ai_workflow.workdir import excluded_workdirs

JS_SUFFIXES = (".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts", ".vue", ".svelte")
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
    blocked = special_configs(
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
    env: dict[str, str] | None = None  # NODE_OPTIONS once a run needed require(esm) off
    for args in invocations:
        kept = safe_eslint_arguments(args, skipped)
        if kept is None:
            continue  # every file it names is one eslint must not open
        command = [str(tool.path), *kept, "--format", "json", *_unmatched_option(tool)]
        result = ctx.run_command(command, timeout=tool_timeout(ctx), env=env)
        if result.returncode == 127:
            return LintReport("eslint", skipped=f"eslint: cannot start ({result.stderr.strip()})")
        if env is None and _crashed(result) and esm_loaded_as_commonjs(result):
            retry_env = without_require_esm()
            retried = ctx.run_command(command, timeout=tool_timeout(ctx), env=retry_env)
            # an older Node that does not know the option refuses to start (exit 9)
            if retried.returncode in ESLINT_RAN and not retried.timed_out:
                env, result = retry_env, retried
        if _crashed(result):
            return _eslint_crash(ctx, tool, result)
        found = json_findings(
            ctx, ("eslint", tool), result, lambda data: eslint_findings(data, ctx.target)
        )
        if isinstance(found, LintReport):
            return found
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
    if env is not None:
        checked += f" (run with NODE_OPTIONS={env[NODE_OPTIONS]}: {REQUIRE_ESM_NOTE})"
    return LintReport("eslint", tool, list(findings.values()), checked=checked)


ESLINT_CRASH_EXIT = 2  # ESLint's exit status for a configuration or internal error
"""Exit 1 means lint findings; 2 means ESLint itself could not run."""
ESLINT_RAN = (0, 1)  # no lint error, lint errors
NODE_OPTIONS = "NODE_OPTIONS"
NO_REQUIRE_ESM = "--no-experimental-require-module"
REQUIRE_ESM_NOTE = (
    "this ESLint crashed loading a dependency's ES module as CommonJS under Node's require(esm)"
)
_ESM_AS_COMMONJS = re.compile(
    r"SyntaxError: Cannot use import statement outside a module"
    r"|SyntaxError: Unexpected token 'export'"
)
_NODE_MODULES_MJS = re.compile(r"node_modules/\S+\.mjs\b")


def _crashed(result: CommandResult) -> bool:
    return result.returncode == ESLINT_CRASH_EXIT and not result.timed_out


def esm_loaded_as_commonjs(result: CommandResult) -> bool:
    """Whether ESLint stopped on a dependency's ES module (`node_modules/.../x.mjs`) compiled as
    CommonJS: what an old ESLint's loader does with the `module-sync` entry Node's require(esm)
    resolves, a crash another Node setting avoids (not an error in the project's files)."""
    output = f"{result.stderr}\n{result.stdout}"
    return bool(_ESM_AS_COMMONJS.search(output) and _NODE_MODULES_MJS.search(output))


def without_require_esm() -> dict[str, str]:
    """The environment that turns Node's require(esm) off for ESLint's run (the user's own
    NODE_OPTIONS kept)."""
    current = os.environ.get(NODE_OPTIONS, "").strip()
    return {NODE_OPTIONS: f"{current} {NO_REQUIRE_ESM}".strip()}


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


UNUSED_DIRECTIVE = "Unused eslint-disable directive"
UNUSED_DIRECTIVE_RULE = "eslint/unused-disable-directive"


def eslint_findings(results: list[dict[str, Any]], target: Path) -> list[Finding]:
    """ESLint's `--format json` results as findings (`eslint/no-unused-vars`)."""
    findings = []
    for file_result in results:
        path = relpath(target, str(file_result["filePath"]))
        for message in file_result.get("messages", []):
            if str(message.get("message", "")).startswith(ESLINT_IGNORED_NOTE):
                continue  # a file the lint script names and we told it to leave alone
            text = str(message.get("message", ""))
            fatal = bool(message.get("fatal")) or message.get("ruleId") is None
            if fatal and not message.get("fatal") and text.startswith(UNUSED_DIRECTIVE):
                # `reportUnusedDisableDirectives`: a stale disable comment, reported without a
                # rule id at the level the configuration asks, not a parse failure
                rule = UNUSED_DIRECTIVE_RULE
                severity = Severity.WARNING if message.get("severity") == 2 else Severity.INFO
            elif fatal:
                rule, severity = "eslint/parse-error", Severity.ERROR
            else:
                rule = f"eslint/{message['ruleId']}"
                severity = Severity.WARNING if message.get("severity") == 2 else Severity.INFO
            findings.append(
                Finding(
                    rule,
                    severity,
                    text,
                    path,
                    message.get("line"),
                    extra={"column": message.get("column"), "tool": "eslint"},
                )
            )
    return findings
