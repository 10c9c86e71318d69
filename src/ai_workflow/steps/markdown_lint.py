"""Step 12: Markdown Linting. A Markdown linter over the project's Markdown files, honouring the
project's configuration.

The linter is rumdl (Rust, from PyPI; markdownlint's rule ids and configuration files): 200-700x
faster than the PyMarkdown it replaced, with the same findings for the rules that run by
default (`bench/bench_markdown_lint.py` measures both). It runs with an explicit configuration,
never the user's own or rumdl's per-directory discovery, and never writes a cache.
Configuration honoured, merged in this order (a later one wins):

- a markdownlint configuration at the project root (`.markdownlint.jsonc|json|yaml|yml`,
  `.markdownlintrc`, `.markdownlint-cli2.jsonc|yaml|yml` under `config:`), with `extends`
  resolved; rule ids, aliases, `default: false`, `true/false` per rule and rule options go to
  rumdl as they are; tags are not translated (the report says so);
- PyMarkdown's configuration (`.pymarkdown`, `.pymarkdown.json|yaml|yml`, `[tool.pymarkdown]` in
  pyproject.toml): `plugins.<rule>.enabled` and the rule's options;
- a native rumdl configuration (`.rumdl.toml`, `rumdl.toml`, `.config/rumdl.toml`,
  `[tool.rumdl]`) is passed to rumdl as it is, and then wins over the others.

markdownlint's inline comments (`<!-- markdownlint-disable MD013 -->`, `-enable`,
`-disable-line`, `-disable-next-line`, `-disable-file`) filter the findings.

Which rules run: in a project that configures a Markdown linter, the markdownlint rules it
configures (rumdl's own extra rules only through a native rumdl configuration). Without a
configuration, only `DEFAULT_RULES`, each of which finds Markdown that renders broken; style rules
(line length, heading style, ...) run only when `rules.select` names them (`md/MD013`, or `md/`
for all). Link fragments (MD051) are never checked here: step 2 owns them, with the shared anchor
rules of `ai_workflow.anchors`, so a broken anchor is reported once. Every finding is a warning:
lint findings are never errors.

A Markdown file the project's tests or benchmarks read as input (`markdown_docs.document_inputs`:
a test's fixture, the expected output of a converter) is no document and is not linted: its
form is what the program reads or writes.

Results are kept per file (`ai_workflow.changes.filecache`): a run lints only the files whose
content, the configuration or rumdl's version changed; every rule that runs looks at one file.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ai_workflow.anchors import myst_target
from ai_workflow.changes.filecache import FileResults
from ai_workflow.engine.artifacts import write_json_atomic
from ai_workflow.engine.step import StepContext, StepOutcome, StepSpec
from ai_workflow.findings import Finding, Severity
from ai_workflow.markdown_docs import document_inputs, is_markdown_path
from ai_workflow.project_files import project_files
from ai_workflow.quoting import relative_to_target
from ai_workflow.textfiles import read_text, read_toml, read_utf8, readable_file, why_unreadable
from ai_workflow.tools import Tool, resolve_tool

SPEC = StepSpec(
    id="markdown_lint",
    number=12,
    name="Markdown Linting",
    description=(
        "A Markdown linter over the tracked Markdown files, honouring the project's configuration."
    ),
    depends_on=("pre_analysis",),
    # tests and code: a test or benchmark that reads a Markdown file makes it program input
    categories=("docs", "config", "tests", "code"),
    # every Markdown file, also those in test or config directories
    inputs=("*.md", "*.markdown", "*.mdown", "*.mkd", "*.mkdn"),
    estimate_s=5.0,
    persona="technical documentation specialist",
)

BATCH = 1000  # files per rumdl command (it lints them in parallel itself)
TIMEOUT_S = 600.0
FILTERS_VERSION = 3  # bump when the findings filters below change (per-file results key)
MARKDOWNLINT_FILES = (
    ".markdownlint.jsonc",
    ".markdownlint.json",
    ".markdownlint.yaml",
    ".markdownlint.yml",
    ".markdownlintrc",
)
MARKDOWNLINT_CLI2_FILES = (
    ".markdownlint-cli2.jsonc",
    ".markdownlint-cli2.yaml",
    ".markdownlint-cli2.yml",
)
PYMARKDOWN_FILES = (".pymarkdown", ".pymarkdown.json", ".pymarkdown.yaml", ".pymarkdown.yml")
RUMDL_FILES = (".rumdl.toml", "rumdl.toml", ".config/rumdl.toml")
MAX_EXTENDS = 5
DEFAULT_RULES: dict[str, str] = {
    "MD011": "reversed link syntax `(text)[url]` renders as text, not as a link",
    "MD018": "`#Heading` without a space is a paragraph: no heading, no anchor to link to",
    "MD020": "`#Heading#` without spaces is a paragraph: no heading, no anchor to link to",
    "MD042": "an empty link (`[text]()`, `[text](#)`) goes nowhere",
    "MD056": (
        "a table row with too many cells loses them on rendering (too few: shifted data; not a "
        "`| label |` row of one cell, a group label over the rows under it)"
    ),
}
"""The rules that run without a project configuration: each finds something that renders
broken. Style rules (line length, heading style, blank lines, ...) run only when the project's
configuration or `rules.select` asks for them."""
DEFERRED_RULES: dict[str, str] = {
    "MD051": "link fragments are checked by step 2 (consistency) as links/broken-anchor",
}
"""Rules another step owns: never run here, so one broken thing is reported once."""
RUMDL_ONLY_RULES = ("MD057", *(f"MD{n:03d}" for n in range(61, 86)))
"""rumdl's rules beyond markdownlint's (MD057 checks relative links: step 2's job). Off unless a
native rumdl configuration asks for them."""
MARKDOWNLINT_ALIASES: dict[str, tuple[str, ...]] = {
    "MD001": ("heading-increment", "header-increment"),
    "MD003": ("heading-style", "header-style"),
    "MD004": ("ul-style",),
    "MD005": ("list-indent",),
    "MD007": ("ul-indent",),
    "MD009": ("no-trailing-spaces",),
    "MD010": ("no-hard-tabs",),
    "MD011": ("no-reversed-links",),
    "MD012": ("no-multiple-blanks",),
    "MD013": ("line-length",),
    "MD014": ("commands-show-output",),
    "MD018": ("no-missing-space-atx",),
    "MD019": ("no-multiple-space-atx",),
    "MD020": ("no-missing-space-closed-atx",),
    "MD021": ("no-multiple-space-closed-atx",),
    "MD022": ("blanks-around-headings", "blanks-around-headers"),
    "MD023": ("heading-start-left", "header-start-left"),
    "MD024": ("no-duplicate-heading", "no-duplicate-header"),
    "MD025": ("single-title", "single-h1"),
    "MD026": ("no-trailing-punctuation",),
    "MD027": ("no-multiple-space-blockquote",),
    "MD028": ("no-blanks-blockquote",),
    "MD029": ("ol-prefix",),
    "MD030": ("list-marker-space",),
    "MD031": ("blanks-around-fences",),
    "MD032": ("blanks-around-lists",),
    "MD033": ("no-inline-html",),
    "MD034": ("no-bare-urls",),
    "MD035": ("hr-style",),
    "MD036": ("no-emphasis-as-heading", "no-emphasis-as-header"),
    "MD037": ("no-space-in-emphasis",),
    "MD038": ("no-space-in-code",),
    "MD039": ("no-space-in-links",),
    "MD040": ("fenced-code-language",),
    "MD041": ("first-line-heading", "first-line-h1"),
    "MD042": ("no-empty-links",),
    "MD043": ("required-headings", "required-headers"),
    "MD044": ("proper-names",),
    "MD045": ("no-alt-text",),
    "MD046": ("code-block-style",),
    "MD047": ("single-trailing-newline",),
    "MD048": ("code-fence-style",),
    "MD049": ("emphasis-style",),
    "MD050": ("strong-style",),
    "MD051": ("link-fragments",),
    "MD052": ("reference-links-images",),
    "MD053": ("link-image-reference-definitions",),
    "MD054": ("link-image-style",),
    "MD055": ("table-pipe-style",),
    "MD056": ("table-column-count",),
    "MD058": ("blanks-around-tables",),
    "MD059": ("descriptive-link-text",),
    "MD060": ("table-column-style",),
}
RULE_IDS = {alias: rule for rule, names in MARKDOWNLINT_ALIASES.items() for alias in names}
RULE_IDS.update({rule.lower(): rule for rule in MARKDOWNLINT_ALIASES})
_DIRECTIVE_RE = re.compile(
    r"<!--\s*markdownlint-(disable|enable|disable-line|disable-next-line|disable-file|"
    r"enable-file)((?:\s+[\w-]+)*)\s*-->"
)


def rule_id(name: str) -> str | None:
    """`MD013`, `md013` or `line-length` -> `MD013`; None for tags and unknown names."""
    return RULE_IDS.get(name.strip().lower())


# --------------------------------------------------------------------------- configuration


@dataclass
class LintConfig:
    """The project's Markdown lint configuration, as one markdownlint configuration for rumdl
    (or rumdl's own configuration file)."""

    sources: list[str] = field(default_factory=list)  # files it came from
    rules: dict[str, Any] = field(default_factory=dict)  # markdownlint form: MD013 -> options
    native: Path | None = None  # a rumdl configuration file, passed as it is
    not_translated: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    selected: frozenset[str] = frozenset()  # rules `rules.select` turns on (MD013, ...)

    @property
    def configured(self) -> bool:
        return bool(self.sources)

    def runs(self, rule: str) -> bool:
        """Whether findings of `rule` are reported (a configured project's own rules; without
        a configuration, only the default set and the selected rules)."""
        if rule in DEFERRED_RULES:
            return False
        if rule not in MARKDOWNLINT_ALIASES:
            return self.native is not None  # rumdl's own rules: only where rumdl is configured
        return self.configured or rule in DEFAULT_RULES or rule in self.selected

    def rule_switches(self, config_file: Path | None) -> list[str]:
        """rumdl arguments choosing the configuration and the rules."""
        selected = sorted(r for r in self.selected if r not in DEFERRED_RULES)
        if not self.configured:
            enabled = sorted({*selected, *DEFAULT_RULES})
            return ["--no-config", "--enable", ",".join(enabled)]
        args = ["--config", str(self.native or config_file)]
        if selected:
            args += ["--extend-enable", ",".join(selected)]
        off = [*DEFERRED_RULES, *([] if self.native else RUMDL_ONLY_RULES)]
        return [*args, "--extend-disable", ",".join(off)]

    def markdownlint_json(self) -> dict[str, Any]:
        return dict(self.rules)

    def key_values(self) -> dict[str, Any]:
        """What the findings depend on besides each file (the per-file results key)."""
        native = None
        if self.native is not None:  # chosen by `load_lint_config`: inside the target
            native = read_text(self.native) or "unreadable"
        return {
            "rules": self.rules,
            "native": native,
            "selected": sorted(self.selected),
            "configured": self.configured,
        }


def load_lint_config(target: Path, files: Iterable[str]) -> LintConfig:
    """Find and merge the project's markdownlint, PyMarkdown and rumdl configuration."""
    present = set(files)
    config = LintConfig()
    for name in (*MARKDOWNLINT_FILES, *MARKDOWNLINT_CLI2_FILES):
        if name in present or (target / name).exists() or os.path.islink(target / name):
            raw = _read_config(target / name, config, target)
            if name in MARKDOWNLINT_CLI2_FILES and isinstance(raw, dict):
                raw = raw.get("config")
            if isinstance(raw, dict):
                config.sources.append(name)
                extended = _resolve_extends(target / name, raw, config, target)
                translate_markdownlint(extended, config)
            break
    for name in PYMARKDOWN_FILES:
        if (target / name).exists() or os.path.islink(target / name):
            raw = _read_config(target / name, config, target)
            if isinstance(raw, dict):
                config.sources.append(name)
                translate_pymarkdown(raw, config)
    pyproject = _pyproject_tools(target / "pyproject.toml")
    if isinstance(pyproject.get("pymarkdown"), dict):
        config.sources.append("pyproject.toml [tool.pymarkdown]")
        translate_pymarkdown(pyproject["pymarkdown"], config)
    native = next((target / n for n in RUMDL_FILES if readable_file(target / n, target)), None)
    if native is None and isinstance(pyproject.get("rumdl"), dict):
        native = target / "pyproject.toml"
    if native is not None:
        config.native = native
        label = native.relative_to(target).as_posix()
        config.sources.append(label + (" [tool.rumdl]" if native.name == "pyproject.toml" else ""))
    return config


def _read_config(path: Path, config: LintConfig, target: Path) -> Any:
    text = read_utf8(path, root=target)  # never a FIFO, never a link out of the target
    if text is None:
        problem = why_unreadable(path, target) or "unreadable or not UTF-8"
        config.errors.append(f"{path.name}: unreadable ({problem})")
        return None
    try:
        return json.loads(_strip_json_comments(text))
    except json.JSONDecodeError:
        pass
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        config.errors.append(f"{path.name}: neither JSON nor YAML ({str(exc).splitlines()[0]})")
        return None


def _resolve_extends(
    path: Path, raw: dict[str, Any], config: LintConfig, target: Path
) -> dict[str, Any]:
    """markdownlint's `extends`: the named file (relative to this one) under this one."""
    merged = dict(raw)
    seen = {path.resolve()}
    while isinstance(merged.get("extends"), str) and len(seen) <= MAX_EXTENDS:
        base_path = (path.parent / merged.pop("extends")).resolve()
        if base_path in seen or not base_path.is_file():
            config.errors.append(f"{path.name}: extends {base_path.name}: not found or a cycle")
            break
        seen.add(base_path)
        base = _read_config(base_path, config, target)
        if not isinstance(base, dict):
            break
        merged = {**base, **merged}
        path = base_path
    merged.pop("extends", None)
    return merged


def _strip_json_comments(text: str) -> str:
    """JSONC -> JSON: drop // and /* */ comments (outside strings) and trailing commas."""
    out: list[str] = []
    index, in_string = 0, False
    while index < len(text):
        char = text[index]
        if in_string:
            out.append(char)
            if char == "\\" and index + 1 < len(text):
                out.append(text[index + 1])
                index += 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
            out.append(char)
        elif text.startswith("//", index):
            index = text.find("\n", index)
            index = len(text) if index < 0 else index
            continue
        elif text.startswith("/*", index):
            end = text.find("*/", index + 2)
            index = len(text) if end < 0 else end + 2
            continue
        else:
            out.append(char)
        index += 1
    return re.sub(r",(\s*[}\]])", r"\1", "".join(out))


def _pyproject_tools(path: Path) -> dict[str, Any]:
    tool = read_toml(path).get("tool")  # {} for a FIFO, a link out of the target, bad TOML
    return tool if isinstance(tool, dict) else {}


def translate_markdownlint(raw: dict[str, Any], config: LintConfig) -> None:
    """markdownlint rules and aliases -> rule ids, values as they are (rumdl reads them)."""
    for key, value in raw.items():
        if key == "$schema":
            continue
        if key == "default":
            config.rules["default"] = value
            continue
        rule = rule_id(key)
        if rule is None:
            config.not_translated.append(key)
        elif isinstance(value, str) and value in ("error", "warning"):
            config.rules[rule] = True
        else:
            config.rules[rule] = value


def translate_pymarkdown(raw: dict[str, Any], config: LintConfig) -> None:
    """PyMarkdown's `plugins.<rule>` (`enabled` and options) -> markdownlint rule settings."""
    plugins = raw.get("plugins")
    for name, settings in plugins.items() if isinstance(plugins, dict) else []:
        rule = rule_id(str(name))
        if rule is None or not isinstance(settings, dict):
            config.not_translated.append(f"plugins.{name}")
            continue
        options = {k: v for k, v in settings.items() if k != "enabled"}
        if settings.get("enabled", True) is False:
            config.rules[rule] = False
        else:
            config.rules[rule] = options or True


# --------------------------------------------------------------------------- inline directives


@dataclass(frozen=True)
class _State:
    all_off: bool = False
    off: frozenset[str] = frozenset()  # rules off while the rest is on
    back_on: frozenset[str] = frozenset()  # rules on again while the rest is off

    def apply(self, kind: str, rules: frozenset[str]) -> _State:
        if kind == "disable":
            if not rules:
                return _State(all_off=True)
            return _State(self.all_off, self.off | rules, self.back_on - rules)
        if not rules:
            return _State()
        return _State(self.all_off, self.off - rules, self.back_on | rules)

    def disables(self, rule: str) -> bool:
        return rule not in self.back_on if self.all_off else rule in self.off


class Suppressions:
    """markdownlint-disable/enable comments of one file: which rule is off on which line."""

    def __init__(self, text: str) -> None:
        self.file_all = False
        self.file_rules: set[str] = set()
        self.states: list[_State] = []  # index = line - 1
        self.line_rules: dict[int, set[str]] = {}  # disable-line / disable-next-line ("*" = all)
        state = _State()
        for number, line in enumerate(text.splitlines(), start=1):
            for match in _DIRECTIVE_RE.finditer(line):
                kind, rules = match.group(1), frozenset(_rules(match.group(2)))
                if kind in ("disable", "enable"):
                    state = state.apply(kind, rules)
                elif kind in ("disable-line", "disable-next-line"):
                    where = number + (kind == "disable-next-line")
                    self.line_rules.setdefault(where, set()).update(rules or {"*"})
                elif kind == "disable-file":
                    self.file_all = self.file_all or not rules
                    self.file_rules |= rules
            self.states.append(state)

    def suppressed(self, rule: str, line: int) -> bool:
        if self.file_all or rule in self.file_rules:
            return True
        on_line = self.line_rules.get(line, set())
        if "*" in on_line or rule in on_line:
            return True
        return 0 < line <= len(self.states) and self.states[line - 1].disables(rule)


def _rules(text: str) -> set[str]:
    return {rid for name in text.split() if (rid := rule_id(name))}


# --------------------------------------------------------------------------- running


@dataclass(frozen=True)
class LintFinding:
    path: str
    line: int
    column: int
    rule: str
    message: str


def parse_output(stdout: str, target: Path) -> list[LintFinding]:
    """rumdl's `--output-format json` list -> findings (paths relative to the target)."""
    items = json.loads(stdout or "[]")
    if not isinstance(items, list):
        raise ValueError("rumdl's JSON output is not a list")
    root = str(target.resolve()).rstrip("/") + "/"
    found = []
    for item in items:
        path = str(item["file"])
        for prefix in (root, str(target).rstrip("/") + "/", "./"):
            path = path.removeprefix(prefix)
        found.append(
            LintFinding(
                path=path,
                line=int(item.get("line") or 1),
                column=int(item.get("column") or 1),
                rule=str(item["rule"]).upper(),
                message=str(item.get("message", "")).strip(),
            )
        )
    return found


def run(ctx: StepContext) -> StepOutcome:
    outcome = StepOutcome()
    inputs = document_inputs(ctx)
    files = [f for f in project_files(ctx) if is_markdown_path(f) and f not in inputs]
    if not files:
        outcome.checked.append("no Markdown files in the project")
        outcome.summary = "no Markdown files"
        return outcome
    tool = resolve_tool(ctx, "rumdl", project=False)
    if tool is None:
        outcome.skipped_checks.append(
            "markdown lint: rumdl is not installed (reinstall ai-workflow, which depends on it)"
        )
        outcome.summary = "skipped: rumdl missing"
        return outcome
    config = load_lint_config(ctx.target, project_files(ctx))
    config.selected = selected_rules(ctx.config.rules.select)
    readable = _readable(ctx.target, files, outcome)
    context = {"tool": tool.version, "config": config.key_values(), "filters": FILTERS_VERSION}
    cache = FileResults(ctx, "rumdl", context)
    results, todo = cache.split(readable, FileResult.decode)
    linted = _lint(ctx, tool, todo, config, outcome)
    for path, items in linted.items():
        results[path] = judge_file(ctx.target, path, items, config)
        cache.store(path, results[path].encode())
    cache.save()
    for path in readable:
        if path in results:
            outcome.findings.extend(results[path].findings)
    suppressed = sum(r.suppressed for r in results.values())
    _describe(outcome, tool, readable, config, suppressed)
    outcome.checked.append(cache.describe())
    outcome.checked += cache.warnings
    return outcome


def selected_rules(select: Iterable[str]) -> frozenset[str]:
    """The markdownlint rules `rules.select` names, by id (`md/MD013`) or prefix (`md/`, `md`).

    A small local matcher: the engine's shared select/ignore matching replaces it."""
    chosen = set()
    for entry in (e.strip().lower().rstrip("/") for e in select):
        for rule in MARKDOWNLINT_ALIASES:
            finding_id = f"md/{rule.lower()}"
            if entry and (finding_id == entry or finding_id.startswith(entry + "/")):
                chosen.add(rule)
    return frozenset(chosen)


def _readable(target: Path, files: list[str], outcome: StepOutcome) -> list[str]:
    """Files that are UTF-8 text (the others are reported, not linted)."""
    readable = []
    for path in files:
        if read_utf8(target / path, root=target) is None:
            problem = why_unreadable(target / path, target) or "unreadable or not UTF-8"
            outcome.skipped_checks.append(f"markdown lint: {path} is not readable ({problem})")
            continue
        readable.append(path)
    return readable


def _command(ctx: StepContext, tool: Tool, config: LintConfig) -> list[str]:
    config_file = None
    if config.configured and config.native is None:
        config_file = ctx.workspace.logs_dir / f"{ctx.spec.file_stem}.markdownlint.json"
        write_json_atomic(config_file, config.markdownlint_json())
    args = [str(tool.path), "check", "--no-cache", "--color", "never", "--output-format", "json"]
    return [*args, *config.rule_switches(config_file), "--"]


def _lint(
    ctx: StepContext, tool: Tool, files: list[str], config: LintConfig, outcome: StepOutcome
) -> dict[str, list[LintFinding]]:
    """Lint `files`; every file that was linted gets an entry (an empty list when clean)."""
    if not files:
        return {}
    base = _command(ctx, tool, config)
    linted: dict[str, list[LintFinding]] = {}
    failed: list[str] = []
    for start in range(0, len(files), BATCH):
        batch = files[start : start + BATCH]
        found = _run_batch(ctx, base, batch, outcome)
        if found is None and outcome.tool_error:
            return linted
        if found is None:  # find the file rumdl chokes on
            for path in batch:
                single = _run_batch(ctx, base, [path], outcome)
                if single is None:
                    failed.append(path)
                else:
                    _collect(linted, [path], single)
            continue
        _collect(linted, batch, found)
    if failed and len(failed) == len(files):
        outcome.tool_error = "rumdl could not lint any file: " + outcome.skipped_checks[-1]
    return linted


def _run_batch(
    ctx: StepContext, base: list[str], batch: list[str], outcome: StepOutcome
) -> list[LintFinding] | None:
    result = ctx.run_command([*base, *batch], timeout=TIMEOUT_S)
    if result.timed_out:
        outcome.tool_error = f"rumdl timed out after {TIMEOUT_S:.0f}s"
        return None
    if result.returncode in (0, 1):
        try:
            return parse_output(result.stdout, ctx.target)
        except (ValueError, TypeError, KeyError) as exc:
            outcome.tool_error = f"rumdl: unreadable JSON output ({exc})"
            return None
    reason = _reason(relative_to_target(result.stderr, ctx.target))
    if "config" in reason.lower():
        outcome.tool_error = f"rumdl rejected the configuration: {reason}"
    elif len(batch) == 1:
        outcome.skipped_checks.append(f"markdown lint: {batch[0]}: {reason}")
    return None


def _collect(
    linted: dict[str, list[LintFinding]], batch: list[str], found: list[LintFinding]
) -> None:
    for path in batch:
        linted.setdefault(path, [])
    for item in found:
        linted.setdefault(item.path, []).append(item)


def _reason(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower()]
    return (errors or lines or ["rumdl failed"])[-1][:200]


@dataclass
class FileResult:
    """What one file gave: its findings, and how many inline directives suppressed."""

    findings: list[Finding]
    suppressed: int = 0

    def encode(self) -> dict[str, Any]:
        return {"findings": [f.to_dict() for f in self.findings], "suppressed": self.suppressed}

    @classmethod
    def decode(cls, value: Any) -> FileResult:
        findings = [Finding.from_dict(item) for item in value["findings"]]
        return cls(findings, int(value["suppressed"]))


def judge_file(
    target: Path, path: str, items: Sequence[LintFinding], config: LintConfig
) -> FileResult:
    """One file's linter findings -> the findings reported (rules that run, inline directives,
    false alarms left out), ordered by line."""
    if not items:
        return FileResult([])
    text = read_text(target / path, root=target)
    suppressions = Suppressions(text)
    closed = {i.line for i in items if i.rule == "MD020"}
    result = FileResult([])
    for item in sorted(items, key=lambda i: (i.line, i.column, i.rule, i.message)):
        if suppressions.suppressed(item.rule, item.line):
            result.suppressed += 1
            continue
        if not config.runs(item.rule) or _false_alarm(item, text, config, closed):
            continue
        aliases = MARKDOWNLINT_ALIASES.get(item.rule, ())
        message = item.message + (f" ({aliases[0]})" if aliases else "")
        result.findings.append(
            Finding(f"md/{item.rule}", Severity.WARNING, message, path, item.line,
                    extra={"column": item.column})
        )  # fmt: skip
    return result


_LIKELY_HEADING_RE = re.compile(r"^ {0,3}(?:#{2,6}[^\W\d_]|#[^\W\d_a-z])")
# rumdl's MD056 message: "Table row has 1 cells, but expected 6"
_CELL_COUNT_RE = re.compile(r"has (\d+) cells?, but expected (\d+)")
# a row written as one cell between pipes: `| **Group** |` (no other unescaped pipe)
_ONE_CELL_ROW_RE = re.compile(r"^ {0,3}\|(?:[^|\\]|\\.)*[^|\s\\](?:[^|\\]|\\.)*\|\s*$")
# rumdl's MD042 message on a link whose whole text is one image with a source: a badge,
# `Empty link found: [![](https://img.shields.io/badge/OS-macOS-blue.svg)]()`
_EMPTY_BADGE_LINK_RE = re.compile(
    r"^Empty link found: \[\s*!\[[^\]]*\]\(\s*[^)\s]+[^)]*\)\s*\]\(\s*#?\s*\)"
)


def _false_alarm(item: LintFinding, text: str, config: LintConfig, closed: set[int]) -> bool:
    """Findings that are not what the rule means to catch:

    - MD018 on a line MD020 reports (`#Heading#`): one broken heading, reported once, as MD020.
    - MD018 run by default (not asked for): a line like `#123 fixed`, `#hashtag` or `#!/bin/sh`
      is not a heading without its space; kept only for `##word` or `#Word` starting a block.
    - MD041 on a file whose first line is a MyST `(label)=` target: the label belongs to the
      heading under it, which is the document's first line as Sphinx reads it.
    - MD056 run by default (not asked for) on a row written as one cell between pipes
      (`| [Lists](#lists) |` over the list rows of gods' overview table): a group label; GFM pads
      a short row with empty cells, so nothing is shifted nor lost. A row of two or more cells
      short of the header (a middle cell forgotten shifts the rest) keeps it.
    - MD056 run by default on a row whose cells beyond the header's count are all empty (a
      stray pipe: powerlevel9k 0.6.7's README row ending `...powerlevel9k`.||`): GFM ignores
      the excess cells, and empty ones lose nothing. A row whose excess cells hold text keeps
      it (the text is dropped on rendering).
    - MD042 run by default on a link whose whole text is one image with a source (a static
      badge, `[![](https://img.shields.io/badge/OS-macOS-blue.svg)]()` in mac-appify's README):
      the image renders and the empty target only keeps the reader on the page. A text link
      with no target (`[mkdocs]()`) or an image with no source keeps it.
    """
    lines = text.splitlines()
    if item.rule == "MD018" and item.line in closed:
        return True
    if item.rule == "MD018" and not config.configured and "MD018" not in config.selected:
        line = lines[item.line - 1] if 0 < item.line <= len(lines) else ""
        above = lines[item.line - 2] if item.line >= 2 else ""
        return not (_LIKELY_HEADING_RE.match(line) and not above.strip())
    if item.rule == "MD042" and not config.configured and "MD042" not in config.selected:
        return _EMPTY_BADGE_LINK_RE.match(item.message) is not None
    if item.rule == "MD041":
        first = next((line for line in lines if line.strip()), "")
        return myst_target(first) is not None
    if item.rule == "MD056" and not config.configured and "MD056" not in config.selected:
        line = lines[item.line - 1] if 0 < item.line <= len(lines) else ""
        counts = _CELL_COUNT_RE.search(item.message)
        if counts is None:
            return False
        have, expected = int(counts.group(1)), int(counts.group(2))
        if have == 1 < expected:
            return _ONE_CELL_ROW_RE.match(line) is not None
        cells = _row_cells(line)
        return have > expected and len(cells) == have and not any(cells[expected:])
    return False


_CELL_SPLIT_RE = re.compile(r"(?<!\\)\|")


def _row_cells(line: str) -> list[str]:
    """A table row's cells, stripped, split at unescaped pipes (GFM splits inside code spans
    too); the row's leading and trailing pipe open and close it."""
    row = line.strip()
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") and not row.endswith("\\|") else row
    return [cell.strip() for cell in _CELL_SPLIT_RE.split(row)]


def _rules_description(config: LintConfig) -> str:
    if config.configured:
        rules = "the project's configuration"
    else:
        rules = "rules that find broken rendering: " + ", ".join(sorted(DEFAULT_RULES))
    extra = config.selected - DEFAULT_RULES.keys() - DEFERRED_RULES.keys()
    if extra:
        rules += "; selected in rules.select: " + ", ".join(sorted(extra))
    deferred = "; ".join(f"{rule}: {why}" for rule, why in DEFERRED_RULES.items())
    return f"rules: {rules} (not here: {deferred})"


def _describe(
    outcome: StepOutcome, tool: Tool, files: list[str], config: LintConfig, suppressed: int
) -> None:
    outcome.checked.append(f"{tool.describe()} over {len(files)} Markdown files")
    outcome.checked.append(
        "configuration: " + (", ".join(config.sources) if config.sources else "none in the project")
    )
    outcome.checked.append(_rules_description(config))
    if config.not_translated:
        outcome.checked.append(
            "markdownlint keys not translated: " + ", ".join(sorted(config.not_translated))
        )
    outcome.skipped_checks += [f"markdown lint config: {e}" for e in config.errors]
    by_rule: dict[str, int] = {}
    for finding in outcome.findings:
        by_rule[finding.rule] = by_rule.get(finding.rule, 0) + 1
    outcome.data.update(
        {
            "tool": "rumdl",
            "version": tool.version,
            "files": len(files),
            "configured": config.configured,
            "selected": sorted(config.selected),
            "config_sources": config.sources,
            "by_rule": dict(sorted(by_rule.items())),
            "suppressed": suppressed,
        }
    )
    outcome.summary = f"{len(outcome.findings)} Markdown issue(s) in {len(files)} files"
