"""ruff: its run over the project's Python files, and the severity of its findings.

ruff honours the project's own configuration (it runs with the target as working directory)
and the project's own installation comes first (`ai_workflow.tools`). A project that configures
flake8 and not ruff has its flake8 options translated into ruff's
(`ai_workflow.lint.flake8_config`). ruff lists the files itself (`--show-files .`); a file
that appeared after the run listed the project (what the project's test suite wrote into the
tree during step 7, `project_files.created_since_listing`) is not linted: it is the run's
output, not the project.

Severity mapping: syntax errors (`invalid-syntax`, `E999`; one per file, the first; a warning
when the code parses but not on the oldest Python the project targets), `E902` (unreadable
file), undefined names (`F821`-`F823`) and statements outside their block (`F7xx`) are errors
(an undefined name inside a string, a type expression's forward reference that nothing evaluates
when the module runs, is a warning: `ai_workflow.lint.ruff_forward_refs`);
`RUF100`/`RUF101` (noqa comments that the running ruff version finds unused or redirected:
about the linter, not the code) are info, and so is `F401` on a package's `__init__.py`
re-exporting its own modules (`from .x import y`: its public API) or names the project uses
through the package, and on a module that warns of its own deprecation on import
(`ai_workflow.lint.ruff_reexports`), a package's submodule its `__init__.py` imported (`F821`:
the import binds it, `ai_workflow.lint.ruff_imports`), a Python 2 builtin where only Python 2
runs (`F821` under a version test, in a module imported only under `if PY2:`, or in the
`except ImportError:` of a Python 3-only import, `ai_workflow.lint.ruff_py2`), an undefined name
in a function of a vendored copy that no file of the project names (`F821`,
`ai_workflow.lint.ruff_vendored`), a name that an
earlier `exec(open("pkg/_version.py").read())` defines (`F821`, `ai_workflow.lint.ruff_exec`), a
name read only in code that never runs (`F821` under `if False:`) or an IPython builtin read where
only IPython runs (`get_ipython` under `if IS_IPYTHON:`) or read after an `exec` of built code
into the module's namespace, or after the module writes computed names into its own
namespace (`setattr(sys.modules[__name__], name, ...)`, `ai_workflow.lint.ruff_runtime`), a name
a test expects to be undefined (`assertRaises(NameError, lambda: name)`) or that a
`patch(..., create=True)` of builtins or of the module creates around the read (`F821`,
`ai_workflow.lint.ruff_expected`), a name on a line whose comment silences the type checker's
own undefined-name error (`# type: ignore[name-defined]`, `F821`,
`ai_workflow.lint.ruff_type_ignore`), a name a loop binds later in its body, read under a guard
that is false on the loop's first pass (`if previous:` with `previous = None` before the loop,
`F821`, `ai_workflow.lint.ruff_loop_carried`),
a bare `except:` whose handler always raises, or re-raises unless an exit callback handed the
exception suppresses it, or that is in a `__del__`, or that falls back on another type of an
argument (`E722`, `ai_workflow.lint.ruff_except`), or
that
runs only to build or document the project (setup.py, a Sphinx conf.py, a root module
setup.py imports that nothing installs nor tests: `ai_workflow.lint.ruff_build_time`), F841 on
a name its function declares `global` (`ai_workflow.lint.ruff_global`), F402 on a loop
variable its function reads only inside the loop (`ai_workflow.lint.ruff_loop_shadow`), RUF023
(unsorted `__slots__`) in a package that reads slots by position (`ai_workflow.lint.ruff_slots`),
F841 on an `except ... as e` name the handler reads before any unconditional rebinding, F401 on an
import probed in `try/except ImportError`, used by a `# type:` comment, imported under
`if TYPE_CHECKING:` for a string type expression, or a TestCase class a module running
`unittest.main()` imports for its loader, F401 and F811 on an import in the body of a test
named for importing (`test_import_moves`: importing is what it tests) or made of imports
only, or alone in a block
expecting a warning (`with self.assertWarns(DeprecationWarning):`), and F841 on
attributes probed in `try/except AttributeError` (`ai_workflow.lint.ruff_bindings`), F401 on
`import helper` of a sibling script module whose top level changes `sys.path`, `sys.modules`
or `os.environ` (imported for that effect), or `import a.b` whose scope then uses
`sys.modules['a.b']` (imported to load it) or that follows `importlib.invalidate_caches()`
(loading a module just written, `ai_workflow.lint.ruff_effects`), F401 in Sphinx's
conf.py on an import only a commented-out setting uses (sphinx-quickstart's `import sys, os`
for `#sys.path.insert(...)`) and E501 on such a setting (`ai_workflow.lint.ruff_sphinx_conf`),
F401 on an import whose comment keeps it for backward compatibility (`# backwards compat`) or
in a module whose docstring tells readers to `from <it> import *` (`ai_workflow.lint.ruff_compat`),
and so are the
classic set's style rules (F541, E401, E7xx comparisons...), and in test files a redefinition,
a bare `except` and an unused call result (F811, E722, F841), in a project that configures and
runs no ruff nor flake8 (`ai_workflow.lint.ruff_style`); every other rule is a warning (ruff
has no severities of its own). Where the project's configuration chooses no rules, only the
classic default set and its `extend-select` are reported, whatever ruff's version enables by
default (`ai_workflow.lint.ruff_scope`), unless the project's own ruff or the version it pins
ran (`ai_workflow.lint.pinned_tools`). Where neither ran, a warning of a rule newer than the
ruff the project lints with (the release it pins, or one before the removal of a rule its
configuration still names) is info (`ai_workflow.lint.ruff_newer`). A project that declares its
oldest Python only where ruff does not read it (Poetry's `python`, `python_requires`) is
linted for that Python (`--target-version`, `ai_workflow.lint.ruff_target`), not ruff's newer
default. Every finding
on a data module (a sample file the tests hand to the code as input, that no module imports:
`ai_workflow.testsource.data_modules`) is info, and so is a syntax error in a module of the tests
that the project's pytest `addopts` leaves out (`--ignore=tests/badsyntax.py`: a module that
fails to parse on purpose, `ai_workflow.lint.ruff_ignored`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ai_workflow.changes.filecache import FileResults
from ai_workflow.engine.process import CommandResult
from ai_workflow.engine.step import StepContext
from ai_workflow.findings import Finding, Severity
from ai_workflow.lint.flake8_config import RuffTranslation, flake8_translation, rejected_selector
from ai_workflow.lint.pinned_tools import pinned_tool
from ai_workflow.lint.report import (
    NOT_OURS,
    LintReport,
    config_ids,
    failure_detail,
    finding_order,
    first_syntax_errors,
    json_findings,
    relpath,
    reused_findings,
    special_configs,
    store_per_file,
    tool_failure,
    tool_timeout,
)
from ai_workflow.lint.ruff_bindings import contradicted_as_info
from ai_workflow.lint.ruff_build_time import build_time_excepts_as_info
from ai_workflow.lint.ruff_compat import kept_imports_as_info
from ai_workflow.lint.ruff_effects import (
    effect_imports_as_info,
    fresh_modules_as_info,
    loaded_modules_as_info,
)
from ai_workflow.lint.ruff_except import raising_bare_excepts_as_info
from ai_workflow.lint.ruff_exec import exec_definitions_as_info
from ai_workflow.lint.ruff_expected import expected_names_as_info
from ai_workflow.lint.ruff_forward_refs import string_references_as_warnings
from ai_workflow.lint.ruff_generator import generator_inputs_as_info
from ai_workflow.lint.ruff_global import declared_global_as_info
from ai_workflow.lint.ruff_ignored import run_ignored_modules_as_info
from ai_workflow.lint.ruff_imports import import_bindings_as_info
from ai_workflow.lint.ruff_loop_carried import loop_carried_names_as_info
from ai_workflow.lint.ruff_loop_shadow import loop_only_shadowing_as_info
from ai_workflow.lint.ruff_newer import newer_rules_as_info, rule_stages
from ai_workflow.lint.ruff_pin import RuffPin, ruff_pin
from ai_workflow.lint.ruff_py2 import py2_builtins_as_info
from ai_workflow.lint.ruff_reexports import reexports_as_info
from ai_workflow.lint.ruff_runtime import (
    exec_namespace_as_info,
    ipython_builtins_as_info,
    namespace_writes_as_info,
    never_run_as_info,
)
from ai_workflow.lint.ruff_scope import (
    CLASSIC_DEFAULT_RULES,
    RuffScopes,
    RuleScope,
    configures_ruff,
)
from ai_workflow.lint.ruff_sections import section_imports_as_info
from ai_workflow.lint.ruff_slots import positional_slots_as_info
from ai_workflow.lint.ruff_sphinx_conf import commented_settings_as_info
from ai_workflow.lint.ruff_style import StyleScope, read_tooling
from ai_workflow.lint.ruff_target import ruff_target_version
from ai_workflow.lint.ruff_type_ignore import silenced_undefined_as_info
from ai_workflow.lint.ruff_vendored import uncalled_vendored_as_info
from ai_workflow.parsed_files import ParsedFiles
from ai_workflow.project_files import created_since_listing
from ai_workflow.testsource.data_modules import data_modules_as_info, run_data_modules
from ai_workflow.textfiles import read_head, readable_file
from ai_workflow.tools import Tool, ToolOrigin, resolve_tool
from ai_workflow.workdir import excluded_workdirs

RUFF_BATCH = 1000
MAX_FLAKE8_RETRIES = 10  # codes of a flake8 configuration this ruff may reject, one by one
RUFF_CONFIG_FILES = ("pyproject.toml", "ruff.toml", ".ruff.toml")
PYTHON_SUFFIXES = (".py", ".pyi")
RUFF_ERROR_CODES = frozenset({"E902", "E999", "F821", "F822", "F823", "invalid-syntax"})
VERSION_SYNTAX = re.compile(r"on Python \d+\.\d+ \(syntax was (?:added|removed) in Python")
RUFF_INFO_CODES = frozenset({"RUF100", "RUF101"})  # unused or redirected suppressions


def run_ruff(ctx: StepContext, files: list[str]) -> LintReport:
    python_files = [f for f in files if f.endswith((*PYTHON_SUFFIXES, ".ipynb"))]
    if not python_files:
        return LintReport("ruff", skipped="ruff: no Python files")
    tool = resolve_tool(ctx, "ruff")
    if tool is None:
        return LintReport("ruff", skipped="ruff: not installed (project, ai-workflow or PATH)")
    blocked = special_configs(ctx.target, python_files, RUFF_CONFIG_FILES)
    if blocked:
        return LintReport("ruff", skipped=f"ruff: {blocked} is {NOT_OURS} (ruff would open it)")
    pin = ruff_pin(ctx.target)  # read once: a lockfile may be large
    tool, pin_note = _pinned_ruff(ctx, tool, pin)
    # --no-fix: a project's `fix = true` must not make a check rewrite its files.
    args = [str(tool.path), "check", "--no-fix", "--output-format", "json", "--no-cache"]
    args.append("--exit-zero")
    target_version = ruff_target_version(ctx.target)
    if target_version:
        args += ["--target-version", target_version]
    for excluded in [*excluded_workdirs(ctx.target), *ctx.config.structure.exclude_dirs]:
        args += ["--extend-exclude", excluded]
    flake8, flake8_notes = _flake8_rules(ctx, files)
    listed, args, flake8 = _list_files(ctx, args, flake8, flake8_notes)
    if listed.timed_out or listed.returncode != 0:
        return tool_failure(ctx.target, "ruff", tool, failure_detail(listed, ctx))
    # Only regular files inside the target (ruff would wait forever on a FIFO named x.py), and
    # only Python (a `.py` file whose shebang or mode line names another language is not).
    # Nor what appeared after the run listed the project (a test suite's output in the tree).
    shown = {relpath(ctx.target, line) for line in listed.stdout.splitlines() if line}
    shown -= created_since_listing(ctx.target, files, sorted(shown))
    linted = sorted(
        rel
        for rel in shown
        if readable_file(ctx.target / rel, ctx.target) and not _other_language(ctx.target / rel)
    )
    context = {
        "tool": tool.to_dict(),
        "args": args,
        "configs": config_ids(ctx, files, RUFF_CONFIG_FILES),
        "layout": linted,
    }
    cache = FileResults(ctx, "ruff", context)
    findings, todo = reused_findings(cache, linted)
    for start in range(0, len(todo), RUFF_BATCH):
        batch = todo[start : start + RUFF_BATCH]
        command = [*args, "--force-exclude", "--", *batch]
        result = ctx.run_command(command, timeout=tool_timeout(ctx))
        found = json_findings(
            ctx,
            ("ruff", tool),
            result,
            lambda data: first_syntax_errors(ruff_findings(data, ctx.target)),
            ok=(0,),
        )
        if isinstance(found, LintReport):
            return found
        findings += store_per_file(cache, batch, found)
    cache.save()
    findings.sort(key=finding_order)
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
    kept = data_modules_as_info(kept, run_data_modules(ctx))
    kept = run_ignored_modules_as_info(ctx, kept)
    newer = 0
    if not own:
        kept, newer = _newer_rules(ctx, tool, kept, scopes, pin)
    checked = f"{tool.describe()}: {len(python_files)} Python files; rules: {scopes.describe()}"
    if newer:
        checked += (
            f"; {newer} warning(s) of rules newer than the ruff the project lints with "
            "(its pin, or a removed rule its configuration names) at info"
        )
    if lowered:
        checked += f"; {style.describe(lowered)}"
    if left_out:
        checked += (
            f"; {left_out} finding(s) of rules this ruff enables by default beyond "
            f"{', '.join(CLASSIC_DEFAULT_RULES)} left out where the configuration chooses no rules"
        )
    if target_version:
        checked += (
            f"; linted for {target_version}, the oldest Python the project declares "
            "where ruff does not read it (Poetry's python, python_requires)"
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
    kept = py2_builtins_as_info(kept, files, python_files)
    kept = uncalled_vendored_as_info(kept, files, python_files)
    kept = exec_definitions_as_info(kept, files)
    kept = never_run_as_info(kept, files)
    kept = loop_carried_names_as_info(kept, files)
    kept = ipython_builtins_as_info(kept, files)
    kept = exec_namespace_as_info(kept, files)
    kept = generator_inputs_as_info(kept, files)
    kept = namespace_writes_as_info(kept, files)
    kept = expected_names_as_info(kept, files)
    kept = silenced_undefined_as_info(kept, files)
    kept = raising_bare_excepts_as_info(kept, files)
    kept = build_time_excepts_as_info(kept, files, python_files)
    kept = declared_global_as_info(kept, files)
    kept = loop_only_shadowing_as_info(kept, files)
    kept = positional_slots_as_info(kept, files, python_files)
    kept = contradicted_as_info(kept, files)
    kept = effect_imports_as_info(kept, files)
    kept = loaded_modules_as_info(kept, files)
    kept = fresh_modules_as_info(kept, files)
    kept = section_imports_as_info(kept, files, python_files)
    kept = commented_settings_as_info(kept, files)
    kept = kept_imports_as_info(kept, files)
    kept = string_references_as_warnings(kept, files)
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


def _pinned_ruff(ctx: StepContext, found: Tool, pin: RuffPin | None) -> tuple[Tool, str | None]:
    """The ruff the project pins (`ai_workflow.lint.ruff_pin`: its required-version, pre-commit
    hook, lockfile or requirements) in place of a different bundled or PATH one (see
    `ai_workflow.lint.pinned_tools`); a project's own installation stays."""
    if found.origin is ToolOrigin.PROJECT or pin is None or pin.version == found.version:
        return found, None
    where = f"the project pins ruff {pin.version} ({pin.source})"
    if not ctx.config.tech_stack.pinned_tools:
        return found, f"{where}; tech_stack.pinned_tools is off"
    tool, problem = pinned_tool(ctx, "ruff", pin.version)
    if tool is None:
        return found, f"{where}: {problem}; ran {found.name} {found.version} instead"
    return tool, None


def _newer_rules(
    ctx: StepContext,
    tool: Tool,
    findings: list[Finding],
    scopes: RuffScopes,
    pin: RuffPin | None,
) -> tuple[list[Finding], int]:
    """The findings with warnings of rules newer than the project's ruff at info
    (`ai_workflow.lint.ruff_newer`); ruff's rule list is asked only when a configuration that
    selects its rules has warnings."""
    if not any(
        f.severity is Severity.WARNING and f.path and scopes.for_file(f.path).chooses_rules
        for f in findings
    ):
        return findings, 0
    listed = ctx.run_command(
        [str(tool.path), "rule", "--all", "--output-format", "json"], timeout=tool_timeout(ctx)
    )
    if listed.timed_out or listed.returncode != 0:
        return findings, 0
    return newer_rules_as_info(findings, scopes, rule_stages(listed.stdout), pin)


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
                relpath(target, str(item["filename"])),
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
