"""Step 12: Markdown Linting. A Markdown linter over the tracked Markdown files, honouring the
project's configuration.

The linter is PyMarkdown (`pymarkdownlnt`, from PyPI), run as `python -m pymarkdown` with
ai-workflow's own interpreter. Configuration honoured:

- PyMarkdown's own files (`.pymarkdown`, `.pymarkdown.yaml|yml`, `[tool.pymarkdown]` in
  pyproject.toml) are read by PyMarkdown itself (it runs in the project directory);
  `.pymarkdown.json` is passed to it.
- A markdownlint configuration (`.markdownlint.jsonc|json|yaml|yml`, `.markdownlintrc`,
  `.markdownlint-cli2.jsonc|yaml|yml` under `config:`) is translated: rule ids and aliases,
  `default: false`, `true/false` per rule and rule options (lists become comma-separated).
  Tags and `extends` are not translated (the report says so).
- markdownlint's inline comments (`<!-- markdownlint-disable MD013 -->`, `-enable`,
  `-disable-line`, `-disable-next-line`, `-disable-file`) filter the findings.

Which rules run: in a project that configures a Markdown linter, the rules it configures (the
project asked for them). Without a configuration, only `DEFAULT_RULES`, each of which finds
Markdown that renders broken; style rules (line length, heading style, ...) run only when
`rules.select` names them (`md/MD013`, or `md/` for all). Link fragments (MD051) are never
checked here: step 2 owns them, with the shared anchor rules of `ai_workflow.anchors`, so a
broken anchor is reported once. GitHub tables are parsed (`markdown-tables`) as GitHub renders
them. Every finding is a warning: lint findings are never errors.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ai_workflow.anchors import myst_target
from ai_workflow.engine.artifacts import write_json_atomic
from ai_workflow.engine.step import StepContext, StepOutcome, StepSpec
from ai_workflow.markdown_docs import MARKDOWN_SUFFIXES, is_markdown_path
from ai_workflow.project_files import project_files

SPEC = StepSpec(
    id="markdown_lint",
    number=12,
    name="Markdown Linting",
    description=(
        "A Markdown linter over the tracked Markdown files, honouring the project's configuration."
    ),
    depends_on=("pre_analysis",),
    categories=("docs", "config"),
    # every Markdown file, also those in test or config directories
    inputs=("*.md", "*.markdown", "*.mdown", "*.mkd", "*.mkdn"),
    estimate_s=45.0,
    persona="technical documentation specialist",
)

BATCH = 100
TIMEOUT_S = 600.0
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
PYMARKDOWN_AUTO_FILES = (".pymarkdown", ".pymarkdown.yaml", ".pymarkdown.yml")
DEFAULT_RULES: dict[str, str] = {
    "MD011": "reversed link syntax `(text)[url]` renders as text, not as a link",
    "MD018": "`#Heading` without a space is a paragraph: no heading, no anchor to link to",
    "MD020": "`#Heading#` without spaces is a paragraph: no heading, no anchor to link to",
    "MD042": "an empty link (`[text]()`, `[text](#)`) goes nowhere",
    "MD056": "a table row with too many cells loses them on rendering (too few: shifted data)",
}
"""The rules that run without a project configuration: each finds something that renders
broken. Style rules (line length, heading style, blank lines, ...) run only when the project's
configuration or `rules.select` asks for them."""
DEFERRED_RULES: dict[str, str] = {
    "MD051": "link fragments are checked by step 2 (consistency) as links/broken-anchor",
}
"""Rules another step owns: never run here, so one broken thing is reported once."""
OTHER_PYMARKDOWN_RULES = ("md002", "md006", "pml100", "pml101", "pml102")
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
_OUTPUT_RE = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<rule>[A-Za-z]+\d+): (?P<message>.*?)"
    r"(?: \((?P<aliases>[\w,\s-]+)\))?$"
)
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
    """The project's Markdown lint configuration, translated for PyMarkdown."""

    sources: list[str] = field(default_factory=list)  # files it came from
    plugins: dict[str, dict[str, Any]] = field(default_factory=dict)  # pymarkdown plugins
    extra: dict[str, Any] = field(default_factory=dict)  # other pymarkdown settings
    not_translated: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    selected: frozenset[str] = frozenset()  # rules `rules.select` turns on (MD013, ...)

    @property
    def configured(self) -> bool:
        return bool(self.sources)

    def runs(self, rule: str) -> bool:
        """Whether findings of `rule` are reported (the project's own configuration decides
        which of its rules PyMarkdown runs; without one, only the default set and selected)."""
        if rule in DEFERRED_RULES:
            return False
        return self.configured or rule in DEFAULT_RULES or rule in self.selected

    def rule_switches(self) -> list[str]:
        """PyMarkdown `-e`/`-d` arguments: deferred rules off; without a configuration every
        rule outside the default set and the selection off."""
        enabled = sorted(r.lower() for r in self.selected if r not in DEFERRED_RULES)
        disabled = [r.lower() for r in DEFERRED_RULES]
        if not self.configured:
            enabled = sorted({*enabled, *(r.lower() for r in DEFAULT_RULES)})
            disabled += [r.lower() for r in MARKDOWNLINT_ALIASES if r.lower() not in enabled]
            disabled += OTHER_PYMARKDOWN_RULES
        switches = ["-d", ",".join(sorted(set(disabled)))]
        return switches + (["-e", ",".join(enabled)] if enabled else [])

    def pymarkdown_json(self) -> dict[str, Any]:
        data = dict(self.extra)
        if self.plugins:
            plugins = dict(data.get("plugins") or {})
            for key, value in self.plugins.items():
                plugins[key] = {**value, **(plugins.get(key) or {})}
            data["plugins"] = plugins
        return data


def load_lint_config(target: Path, files: Iterable[str]) -> LintConfig:
    """Find and translate the project's markdownlint / PyMarkdown configuration."""
    present = set(files)
    config = LintConfig()
    for name in (*MARKDOWNLINT_FILES, *MARKDOWNLINT_CLI2_FILES):
        if name in present or (target / name).is_file():
            raw = _read_config(target / name, config)
            if name in MARKDOWNLINT_CLI2_FILES and isinstance(raw, dict):
                raw = raw.get("config")
            if isinstance(raw, dict):
                config.sources.append(name)
                translate_markdownlint(raw, config)
            break
    for name in PYMARKDOWN_AUTO_FILES:
        if (target / name).is_file():
            config.sources.append(f"{name} (read by PyMarkdown)")
    if _has_pyproject_section(target / "pyproject.toml"):
        config.sources.append("pyproject.toml [tool.pymarkdown] (read by PyMarkdown)")
    if (target / ".pymarkdown.json").is_file():
        raw = _read_config(target / ".pymarkdown.json", config)
        if isinstance(raw, dict):
            config.sources.append(".pymarkdown.json")
            config.extra = raw
    return config


def _read_config(path: Path, config: LintConfig) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        config.errors.append(f"{path.name}: unreadable ({exc})")
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


def _has_pyproject_section(path: Path) -> bool:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    tool = data.get("tool")
    return isinstance(tool, dict) and "pymarkdown" in tool


def translate_markdownlint(raw: dict[str, Any], config: LintConfig) -> None:
    """markdownlint rules, aliases and options -> PyMarkdown `plugins.<id>` settings."""
    explicit: set[str] = set()
    for key, value in raw.items():
        if key in ("default", "$schema"):
            continue
        rule = rule_id(key)
        if rule is None:
            config.not_translated.append(key)
            continue
        explicit.add(rule)
        if isinstance(value, bool):
            config.plugins[rule.lower()] = {"enabled": value}
        elif isinstance(value, dict):
            options = {k: _option(v) for k, v in value.items() if k != "enabled"}
            config.plugins[rule.lower()] = {"enabled": value.get("enabled", True), **options}
        elif isinstance(value, str) and value in ("error", "warning"):
            config.plugins[rule.lower()] = {"enabled": True}
    if raw.get("default") is False:
        for rule in MARKDOWNLINT_ALIASES:
            if rule not in explicit:
                config.plugins[rule.lower()] = {"enabled": False}


def _option(value: Any) -> Any:
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return value


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
    aliases: str


def parse_output(stdout: str, target: Path) -> list[LintFinding]:
    """PyMarkdown's `path:line:col: MDxxx: message (aliases)` lines -> findings."""
    found = []
    root = str(target.resolve()).rstrip("/") + "/"
    for line in stdout.splitlines():
        match = _OUTPUT_RE.match(line.strip())
        if not match:
            continue
        path = match.group("path")
        for prefix in (root, str(target).rstrip("/") + "/", "./"):
            path = path.removeprefix(prefix)
        found.append(
            LintFinding(
                path=path,
                line=int(match.group("line")),
                column=int(match.group("col")),
                rule=match.group("rule").upper(),
                message=match.group("message").strip(),
                aliases=(match.group("aliases") or "").strip(),
            )
        )
    return found


def run(ctx: StepContext) -> StepOutcome:
    outcome = StepOutcome()
    files = [f for f in project_files(ctx) if is_markdown_path(f)]
    if not files:
        outcome.checked.append("no Markdown files in the project")
        outcome.summary = "no Markdown files"
        return outcome
    version = _linter_version(ctx)
    if version is None:
        outcome.skipped_checks.append(
            f"markdown lint: pymarkdownlnt is not installed for {sys.executable} "
            "(reinstall ai-workflow, which depends on it)"
        )
        outcome.summary = "skipped: pymarkdownlnt missing"
        return outcome
    config = load_lint_config(ctx.target, project_files(ctx))
    config.selected = selected_rules(ctx.config.rules.select)
    readable = _readable(ctx.target, files, outcome)
    findings = _lint(ctx, readable, config, outcome)
    _report(ctx.target, findings, config, outcome)
    _describe(outcome, version, readable, config, findings)
    return outcome


def selected_rules(select: Iterable[str]) -> frozenset[str]:
    """The PyMarkdown rules `rules.select` names, by id (`md/MD013`) or prefix (`md/`, `md`).

    A small local matcher: the engine's shared select/ignore matching replaces it."""
    chosen = set()
    for entry in (e.strip().lower().rstrip("/") for e in select):
        for rule in MARKDOWNLINT_ALIASES:
            finding_id = f"md/{rule.lower()}"
            if entry and (finding_id == entry or finding_id.startswith(entry + "/")):
                chosen.add(rule)
    return frozenset(chosen)


def _linter_version(ctx: StepContext) -> str | None:
    result = ctx.run_command([sys.executable, "-m", "pymarkdown", "version"], timeout=60)
    if not result.ok:
        return None
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "unknown"


def _readable(target: Path, files: list[str], outcome: StepOutcome) -> list[str]:
    """Files PyMarkdown can read (it stops on invalid UTF-8) and whose findings can be read
    back (no line break in the name); the others are reported."""
    readable = []
    for path in files:
        if "\n" in path or "\r" in path:  # its findings could not be told apart line by line
            outcome.skipped_checks.append(f"markdown lint: {path!r} has a line break in its name")
            continue
        try:
            (target / path).read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            outcome.skipped_checks.append(f"markdown lint: {path} is not readable UTF-8 ({exc})")
            continue
        readable.append(path)
    return readable


def _command(ctx: StepContext, config: LintConfig) -> list[str]:
    args = [sys.executable, "-m", "pymarkdown"]
    settings = config.pymarkdown_json()
    if settings:
        path = ctx.workspace.logs_dir / f"{ctx.spec.file_stem}.pymarkdown.json"
        write_json_atomic(path, settings, durable=False)
        args += ["--config", str(path)]
    args += config.rule_switches()
    args += ["--enable-extensions", "front-matter,markdown-tables"]
    args += ["--return-code-scheme", "explicit"]
    args += ["--continue-on-error", "scan", "-ae", ",".join(sorted(MARKDOWN_SUFFIXES))]
    return args


def _lint(
    ctx: StepContext, files: list[str], config: LintConfig, outcome: StepOutcome
) -> list[LintFinding]:
    base = _command(ctx, config)
    found: list[LintFinding] = []
    failed: list[str] = []
    for start in range(0, len(files), BATCH):
        batch = files[start : start + BATCH]
        result = ctx.run_command([*base, *batch], timeout=TIMEOUT_S)
        if result.timed_out:
            outcome.tool_error = f"pymarkdown timed out after {TIMEOUT_S:.0f}s"
            return found
        if result.returncode in (0, 4):
            found += parse_output(result.stdout, ctx.target)
            continue
        for path in batch if len(batch) > 1 else []:  # find the file the linter chokes on
            single = ctx.run_command([*base, path], timeout=TIMEOUT_S)
            if single.returncode in (0, 4):
                found += parse_output(single.stdout, ctx.target)
            else:
                failed.append(path)
                outcome.skipped_checks.append(f"markdown lint: {path}: {_reason(single.stderr)}")
        if len(batch) == 1:
            failed.append(batch[0])
            outcome.skipped_checks.append(f"markdown lint: {batch[0]}: {_reason(result.stderr)}")
    if files and len(failed) == len(files):
        outcome.tool_error = "pymarkdown could not lint any file: " + outcome.skipped_checks[-1]
    return found


def _reason(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return lines[-1][:200] if lines else "pymarkdown failed"


def _report(
    target: Path, findings: list[LintFinding], config: LintConfig, outcome: StepOutcome
) -> None:
    texts: dict[str, str] = {}
    suppressions: dict[str, Suppressions] = {}
    for item in findings:
        if item.path not in texts:
            try:
                texts[item.path] = (target / item.path).read_text(
                    encoding="utf-8", errors="replace"
                )
            except OSError:
                texts[item.path] = ""
            suppressions[item.path] = Suppressions(texts[item.path])
        if suppressions[item.path].suppressed(item.rule, item.line):
            continue
        if not config.runs(item.rule) or _false_alarm(item, texts[item.path], config):
            continue
        outcome.add(
            f"md/{item.rule}",
            "warning",
            item.message + (f" ({item.aliases})" if item.aliases else ""),
            item.path,
            item.line,
            column=item.column,
        )


_LIKELY_HEADING_RE = re.compile(r"^ {0,3}(?:#{2,6}[^\W\d_]|#[^\W\d_a-z])")


def _false_alarm(item: LintFinding, text: str, config: LintConfig) -> bool:
    """Findings that are not what the rule means to catch:

    - MD018 run by default (not asked for): a line like `#123 fixed`, `#hashtag` or `#!/bin/sh`
      is not a heading without its space; kept only for `##word` or `#Word` starting a block.
    - MD041 on a file whose first line is a MyST `(label)=` target: the label belongs to the
      heading under it, which is the document's first line as Sphinx reads it.
    """
    lines = text.splitlines()
    if item.rule == "MD018" and not config.configured and "MD018" not in config.selected:
        line = lines[item.line - 1] if 0 < item.line <= len(lines) else ""
        above = lines[item.line - 2] if item.line >= 2 else ""
        return not (_LIKELY_HEADING_RE.match(line) and not above.strip())
    if item.rule == "MD041":
        first = next((line for line in lines if line.strip()), "")
        return myst_target(first) is not None
    return False


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
    outcome: StepOutcome,
    version: str,
    files: list[str],
    config: LintConfig,
    findings: list[LintFinding],
) -> None:
    outcome.checked.append(
        f"pymarkdownlnt {version} ({sys.executable} -m pymarkdown) over {len(files)} Markdown files"
    )
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
            "tool": "pymarkdownlnt",
            "version": version,
            "files": len(files),
            "configured": config.configured,
            "selected": sorted(config.selected),
            "config_sources": config.sources,
            "by_rule": dict(sorted(by_rule.items())),
            "suppressed": len(findings) - len(outcome.findings),
        }
    )
    outcome.summary = f"{len(outcome.findings)} Markdown issue(s) in {len(files)} files"
