"""Configuration: defaults < project file < environment < command line, validated by one schema.

The project file is `.workflow-config.yaml` in the target, or `[tool.ai-workflow]` in its
`pyproject.toml`. Environment variables are `AI_WORKFLOW_<SECTION>_<KEY>` (for example
`AI_WORKFLOW_AI_MODEL`) or `AI_WORKFLOW_<KEY>` for run options (`AI_WORKFLOW_JOBS`).

Values are strictly typed (`jobs: true` is no number), finite and bounded; a file that cannot be
parsed at all (bad syntax, a duplicate YAML key, a 5,000-digit number, 5,000 levels of nesting)
is a `ConfigError` naming the file and line, like any invalid value.
"""

from __future__ import annotations

import difflib
import os
import re
import string
import tomllib
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)
from pydantic_core import PydanticCustomError

from ai_workflow import textfiles
from ai_workflow.errors import ConfigError

CONFIG_FILE_NAMES = (".workflow-config.yaml", ".workflow-config.yml")
ENV_PREFIX = "AI_WORKFLOW_"
STEP_ID_PATTERN = r"^[a-z][a-z0-9_]*$"
WEEK_S = 7 * 24 * 3600.0
CHANGE_CATEGORIES = ("docs", "code", "tests", "deps", "config", "scripts", "assets", "other")
"""The built-in change categories (`changes.classify.CATEGORIES`; a test keeps them equal)."""
STEP_PSEUDO_CATEGORIES = ("*", "paths")
"""What a custom step may read besides categories: everything, or which files exist."""

Seconds = Annotated[float, Field(gt=0, le=WEEK_S)]
"""A duration in seconds: positive, at most a week."""
Tokens = Annotated[int, Field(ge=256, le=10_000_000)]


class _Section(BaseModel):
    """Strict types (no `true` for a number, no "3" for an integer), finite numbers."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class ProjectConfig(_Section):
    name: str | None = None
    kind: str | None = None


class TechStackConfig(_Section):
    """Overrides for what tech-stack detection finds; None means "detect it"."""

    primary_language: str | None = None
    languages: list[str] | None = None
    build_system: str | None = None
    package_manager: str | None = None
    test_framework: str | None = None
    test_command: str | None = None
    lint_command: str | None = None
    python: str | None = None  # interpreter that runs the target's tests
    pinned_tools: bool = True  # run the linter version the project pins (installed on first use)
    test_timeout_s: Seconds = 900.0
    # seconds the tests that ended on a timeout of their own may take, together, when run
    # again alone to tell a loaded machine from a hang (test_execution); 0: never run again
    timeout_rerun_s: Annotated[float, Field(ge=0, le=WEEK_S)] = 180.0
    # seconds the failed tests may take, together, when run again alone, each in a process of
    # its own, to tell a failure from one that comes only beside the other tests (a suite
    # meant to run with `pytest --boxed`; test_execution); 0: never run again
    failed_rerun_s: Annotated[float, Field(ge=0, le=WEEK_S)] = 300.0


class StructureConfig(_Section):
    source_dirs: list[str] | None = None
    test_dirs: list[str] | None = None
    docs_dirs: list[str] | None = None
    exclude_dirs: list[str] = Field(default_factory=list)


class DependenciesConfig(_Section):
    ignore_unused: list[str] = Field(default_factory=list)
    ignore_missing: list[str] = Field(default_factory=list)


class CustomStepConfig(_Section):
    id: str = Field(pattern=STEP_ID_PATTERN)
    name: str | None = None
    run: str = Field(min_length=1)
    depends_on: list[str] = Field(default_factory=list)
    inputs: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    estimate_s: Seconds = 30.0
    timeout_s: Seconds | None = None
    mutates: bool = False
    after_failures: bool = False  # run even when a dependency failed (e.g. a report step)


class WorkflowConfig(_Section):
    steps: list[CustomStepConfig] = Field(default_factory=list)
    disable: list[str] = Field(default_factory=list)
    extra_dependencies: dict[str, list[str]] = Field(default_factory=dict)
    # step id -> seconds (finite, at most a week; the registry names one that is not positive)
    timeouts: dict[str, Annotated[float, Field(le=WEEK_S)]] = Field(default_factory=dict)


MAX_DEFAULT_JOBS = 4


def usable_cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def default_jobs() -> int:
    """`run.jobs` when not set: one step per usable CPU, at most 4."""
    return min(MAX_DEFAULT_JOBS, usable_cpus())


class RunConfig(_Section):
    """Run options; each is also a command-line flag."""

    parallel: bool = False
    jobs: int = Field(
        default_factory=default_jobs,
        ge=1,
        le=64,
        description="Steps at once with parallel (default: the usable CPUs, at most 4).",
    )
    smart_execution: bool = False
    test_selection: Literal["auto", "all"] = Field(
        default="auto",
        description="With smart execution, test_execution runs only the tests the changes "
        "can affect (auto) or every test (all; also --all-tests).",
    )
    ai_cache: bool = True
    step_cache: bool = True
    fail_fast: bool = False
    auto: bool = False
    verbose: bool = False
    resume: bool | None = None  # None: ask on a TTY, resume with --auto
    force_steps: list[str] = Field(default_factory=list)  # run even if smart execution skips
    no_skip: bool = False  # smart execution decides nothing: every selected step runs
    commit: bool = False  # step 11 commits what the user staged
    push: bool = False  # step 11 pushes after committing
    apply_proposals: bool = False  # step 6 applies AI-proposed tests to the project
    history_window: int = Field(default=10, ge=1, le=10_000)
    fail_on: Literal["error", "warning", "never"] = "error"  # what makes the exit status 1
    new_only: bool = False  # report only findings on lines changed since the base
    workdir: str | None = Field(  # see ai_workflow.workdir
        default=None,
        description="Where ai-workflow keeps its files, relative to the target (default: "
        ".ai_workflow, or .ai-workflow when git tracks .ai_workflow).",
    )
    keep_runs: int = Field(
        default=20,
        ge=0,
        le=100_000,
        description="Runs whose folders (backlog, summaries, logs, prompts, proposals) are "
        "kept; 0 keeps every run.",
    )


class AIConfig(_Section):
    # ollama, llamacpp, lmstudio, vllm: presets of the OpenAI-compatible provider (local servers)
    provider: Literal[
        "none", "auto", "openai", "anthropic", "copilot", "ollama", "llamacpp", "lmstudio", "vllm"
    ] = "none"
    model: str | None = None
    base_url: str | None = None
    context_window: int | None = Field(
        default=None,
        ge=512,
        le=100_000_000,
        description="The model's context window in tokens (prompt + answer). None: asked from "
        "the server where it tells (llama.cpp /props, vLLM /v1/models, Ollama /api/show), else "
        "a table of known hosted models, else 8192.",
    )
    stream: bool | None = Field(
        default=None,
        description="Stream answers (live token count; a timeout closes the stream so the "
        "server stops generating). None: on for the local-server presets, off otherwise.",
    )
    api_key_env: str | None = None
    temperature: float = Field(default=0.0, ge=0, le=2)
    max_output_tokens: int = Field(default=2048, ge=1, le=1_000_000)
    timeout_s: float = Field(default=120.0, gt=0, le=24 * 3600)
    max_retries: int = Field(default=3, ge=0, le=10)
    step_models: dict[str, str] = Field(default_factory=dict)
    prompt_token_budget: Tokens = 12000
    step_budgets: dict[str, Tokens] = Field(default_factory=dict)
    exclude: list[str] = Field(default_factory=list)
    cache_ttl_hours: float = Field(default=24.0, gt=0, le=10 * 365 * 24)
    cache_max_mb: float = Field(default=100.0, gt=0, le=1024 * 1024)
    max_answer_kb: int = Field(default=256, ge=1, le=64 * 1024)  # longer answers are cut
    cache_nondeterministic: bool = False
    copilot_command: str = "copilot"
    triage: bool = False  # after the steps: the model labels each shown finding actionable/noise


class ImpactThresholds(_Section):
    high_code_files: int = Field(default=5, ge=0, le=10_000_000)


class SmartExecutionConfig(_Section):
    base: str | None = None
    categories: dict[str, list[str]] = Field(default_factory=dict)
    impact: ImpactThresholds = Field(default_factory=ImpactThresholds)


class ThresholdsConfig(_Section):
    """Limits of the code-quality hot spots (code_quality's quality/* rules)."""

    complexity: int = Field(default=10, ge=1, le=1000)  # cyclomatic complexity of a function
    nesting: int = Field(default=4, ge=1, le=100)  # depth of nested blocks in a function
    function_lines: int = Field(default=60, ge=1, le=100_000)
    file_lines: int = Field(default=500, ge=1, le=10_000_000)


UNKNOWN_RULE = "unknown_rule"
"""The pydantic error type of a rule id or prefix the catalog does not know."""


def _known_rule_pattern(pattern: str) -> str:
    """A rule id or prefix of the catalog (`ai_workflow.rules`), else an error with the
    closest known one."""
    from ai_workflow.rules.catalog import load_catalog  # lazy: only configs with rules pay

    problem = load_catalog().check_pattern(pattern)
    if problem is not None:
        raise PydanticCustomError(UNKNOWN_RULE, problem)
    return pattern


RulePattern = Annotated[str, AfterValidator(_known_rule_pattern)]
"""A rule id (`md/MD013`) or prefix (`quality/`, `ruff/E5`): see `ai_workflow.rules.policy`."""


class RulesConfig(_Section):
    """Which findings are reported and how severe they are (rule ids or prefixes like `md/`)."""

    select: list[RulePattern] = Field(default_factory=list)  # turn on rules off by default
    ignore: list[RulePattern] = Field(default_factory=list)
    severity: dict[RulePattern, Literal["error", "warning", "info"]] = Field(default_factory=dict)
    per_path_ignores: dict[str, list[RulePattern]] = Field(default_factory=dict)  # glob -> ids
    thresholds: ThresholdsConfig = Field(default_factory=ThresholdsConfig)


class RegressionConfig(_Section):
    """Performance regression detection: a duration above median + k x MAD of its recent
    successful runs, by at least `min_increase_s` and `min_increase_ratio`, is reported."""

    enabled: bool = True
    mad_k: float = Field(default=3.0, gt=0, le=100)  # k, in units of the scaled MAD (~sigma)
    min_runs: int = Field(default=5, ge=2, le=1000)  # earlier runs needed before judging
    min_increase_s: float = Field(default=1.0, ge=0, le=7 * 24 * 3600)  # a step: below, noise
    min_increase_ratio: float = Field(default=0.2, ge=0, le=1000)  # ... and 20% above median
    test_min_increase_s: float = Field(default=0.5, ge=0, le=7 * 24 * 3600)  # one test (JUnit)
    slowest_tests: int = Field(default=20, ge=0, le=10_000)  # how many tests are compared
    max_load_per_cpu: float = Field(default=2.0, gt=0, le=1000)  # busier: durations not judged


SOURCE_URL_FIELDS = ("path", "line", "commit", "branch")
"""The placeholders of `report.source_url`."""


class ReportConfig(_Section):
    """The run's HTML report (`backlog/<run>/report.html`)."""

    # Link of a finding's file and line, e.g. "https://github.com/o/r/blob/{commit}/{path}#L{line}";
    # None: derived from the git remote (GitHub, GitLab, Bitbucket), else a relative file link.
    source_url: str | None = None
    trend_runs: int = Field(default=30, ge=1, le=10_000)  # runs shown in the trends section
    regression: RegressionConfig = Field(default_factory=RegressionConfig)

    @field_validator("source_url")
    @classmethod
    def _known_placeholders(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        except ValueError as exc:
            raise ValueError(f"not a valid template: {exc}") from None
        unknown = sorted(names - set(SOURCE_URL_FIELDS))
        if unknown:
            allowed = ", ".join("{" + f + "}" for f in SOURCE_URL_FIELDS)
            raise ValueError(f"unknown placeholder {{{unknown[0]}}} (use {allowed})")
        return value


REMOTE_SCHEMES = ("redis", "rediss", "unix")
REMOTE_EXAMPLES = "redis://host:6379/0, rediss://host:6380/0 or unix:///run/redis/redis.sock"


def _remote_url(value: str | None) -> str | None:
    """A Redis URL redis-py can connect to (also Valkey's and a cluster node's), or None/""."""
    if not value:
        return None
    problem = remote_url_problem(value)
    if problem is not None:
        raise ValueError(f"{problem} (use {REMOTE_EXAMPLES})")
    return value


def remote_url_problem(url: str) -> str | None:
    """What is wrong with a remote cache URL, or None."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return f"not a valid URL: {exc}"
    if parts.scheme not in REMOTE_SCHEMES:
        return f"unsupported scheme {parts.scheme + ':' if parts.scheme else '(none)'}"
    if parts.scheme == "unix":
        return None if parts.path.startswith("/") else "a unix:// URL needs an absolute socket path"
    if not parts.hostname:
        return "no host"
    if port == 0:
        return "port 0"
    db = parts.path.strip("/")
    if db and not (db.isdigit() and int(db) < 1_000_000):
        return f"the database must be a number, not {db[:40]!r}"
    return None


ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"
"""An environment variable's name (for settings that name one)."""


def safe_url(url: str) -> str:
    """The URL without its password, for messages and reports."""
    return re.sub(r"(://[^/@:]*:)[^/]*@", r"\1***@", url)


RemoteUrl = Annotated[str | None, AfterValidator(_remote_url)]


class CacheConfig(_Section):
    """The shared team cache (`ai_workflow.remote`): step results and AI answers in Redis."""

    remote: RemoteUrl = None  # also AI_WORKFLOW_REMOTE_CACHE; None/"": no remote cache
    remote_mode: Literal["auto", "read-write", "read-only", "off"] = "auto"  # auto: PR CI reads
    remote_cluster: bool = False  # the URL is a node of a Redis Cluster
    remote_namespace: str | None = Field(default=None, min_length=1, max_length=200)
    remote_prefix: str = Field(default="ai-workflow", min_length=1, max_length=100)
    remote_ttl_hours: float = Field(default=168.0, gt=0, le=10 * 365 * 24)
    remote_max_entry_kb: int = Field(default=1024, ge=1, le=512 * 1024)
    remote_timeout_s: float = Field(default=2.0, gt=0, le=60)
    remote_key_env: str = Field(default="AI_WORKFLOW_CACHE_KEY", pattern=ENV_NAME)  # HMAC key
    remote_password_env: str | None = Field(default=None, pattern=ENV_NAME)  # Redis password
    remote_ca_file: str | None = None  # CA certificates for rediss:// (a private CA)


class Config(_Section):
    project: ProjectConfig = Field(default_factory=ProjectConfig)
    tech_stack: TechStackConfig = Field(default_factory=TechStackConfig)
    structure: StructureConfig = Field(default_factory=StructureConfig)
    dependencies: DependenciesConfig = Field(default_factory=DependenciesConfig)
    workflow: WorkflowConfig = Field(default_factory=WorkflowConfig)
    run: RunConfig = Field(default_factory=RunConfig)
    ai: AIConfig = Field(default_factory=AIConfig)
    smart_execution: SmartExecutionConfig = Field(default_factory=SmartExecutionConfig)
    rules: RulesConfig = Field(default_factory=RulesConfig)
    report: ReportConfig = Field(default_factory=ReportConfig)
    cache: CacheConfig = Field(default_factory=CacheConfig)


SECTIONS: dict[str, type[BaseModel]] = {
    name: field.annotation  # type: ignore[misc]
    for name, field in Config.model_fields.items()
}


# --------------------------------------------------------------------------- loading


class _Source:
    """One configuration layer: its data plus how to name a key's origin in messages."""

    def __init__(
        self,
        label: str,
        data: dict[str, Any],
        yaml_text: str | None = None,
        toml_text: str | None = None,
    ) -> None:
        self.label = label
        self.data = data
        self.yaml_text = yaml_text
        self.toml_text = toml_text

    def where(self, loc: tuple[str | int, ...], value: object = None) -> str:
        """The label, with the line of `loc` in YAML, or of the string `value` in TOML (where
        the parser keeps no positions: its first quoted occurrence, for a rule id)."""
        line = None
        if self.yaml_text is not None:
            line = _yaml_line(self.yaml_text, loc)
        elif self.toml_text is not None and isinstance(value, str) and value:
            line = _toml_string_line(self.toml_text, value)
        return f"{self.label}, line {line}" if line else self.label


class _StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader, but a key given twice in one mapping is an error naming both lines
    (PyYAML keeps the last silently). Keys merged in with `<<` may still be overridden."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[str, yaml.Node] = {}
        for key_node, _ in node.value:
            if (
                not isinstance(key_node, yaml.ScalarNode)
                or key_node.tag == "tag:yaml.org,2002:merge"
            ):
                continue
            first = seen.setdefault(key_node.value, key_node)
            if first is not key_node:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key '{key_node.value}' (first on line "
                    f"{first.start_mark.line + 1}, again on line {key_node.start_mark.line + 1})",
                    key_node.start_mark,
                )
        return super().construct_mapping(node, deep=deep)


PARSE_FAILURES = (ValueError, RecursionError, MemoryError)
"""Besides the parsers' own errors: a number too long to convert (Python refuses integers over
4,300 digits), nesting too deep for the parser's recursion."""


def _parse_problem(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    if isinstance(exc, MemoryError):
        return "too large"
    return str(exc) or type(exc).__name__


def load_yaml(text: str) -> Any:
    """`text` parsed with `_StrictLoader`; raises yaml.YAMLError or one of PARSE_FAILURES."""
    return yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass: safe


def _toml_string_line(text: str, value: str) -> int | None:
    """1-based line of the first `"value"` or `'value'` after the [tool.ai-workflow] header
    (the whole file when there is none)."""
    header = TOOL_TABLE_HEADER.search(text)
    start = header.start() if header else 0
    quoted = re.compile(rf"""(["']){re.escape(value)}\1""")
    match = quoted.search(text, start)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _yaml_line(text: str, loc: tuple[str | int, ...]) -> int | None:
    """1-based line of the deepest node of `loc` that exists in the YAML document."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, *PARSE_FAILURES):
        return None
    line = None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((k for k, _ in node.value if k.value == part), None)
            if match is None:
                break
            line = match.start_mark.line + 1
            node = next(v for k, v in node.value if k is match)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


TOOL_TABLE_HEADER = re.compile(r"^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*[\"']?ai-workflow\b", re.M)
"""A `[tool.ai-workflow]` (or `[tool.ai-workflow.<section>]`) header line in a pyproject.toml."""


def _not_a_file(path: Path) -> str:
    kind = "a directory" if path.is_dir() else "not a regular file"
    return f"config file {path} is {kind}"


def _read_project_file(target: Path, explicit: Path | None) -> _Source | None:
    if explicit is not None:
        if not explicit.exists():
            raise ConfigError(f"config file not found: {explicit}")
        if not explicit.is_file():
            raise ConfigError(_not_a_file(explicit))
        return _read_file(explicit, Path("/"))  # named by the user: it may lead anywhere
    for name in CONFIG_FILE_NAMES:
        path = target / name
        if path.is_file() and textfiles.inside(path, target):
            return _read_file(path, target)
        if path.exists() or path.is_symlink():
            if path.is_file():
                raise ConfigError(
                    f"config file {path} is a link to a file outside the project; "
                    "name that file with --config to use it"
                )
            raise ConfigError(_not_a_file(path))
    pyproject = target / "pyproject.toml"
    raw = textfiles.read_bytes(pyproject, root=target)  # none: absent, or not the project's
    if raw is not None:
        try:
            text = raw.decode("utf-8")
            data = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, *PARSE_FAILURES) as exc:
            return _broken_pyproject(pyproject, exc)
        section = _tool_table(data)
        if section is not None:
            if not isinstance(section, dict):
                raise ConfigError(f"{pyproject}: [tool.ai-workflow] must be a table")
            return _Source(f"{pyproject} [tool.ai-workflow]", section, toml_text=text)
    return None


def _broken_pyproject(pyproject: Path, exc: Exception) -> _Source | None:
    """A pyproject.toml that is not valid TOML. With a [tool.ai-workflow] table in it, the
    configuration it holds cannot be ignored: exit 2. Otherwise it is a finding for the steps,
    not a reason to stop the run, but a mention of tool.ai-workflow still gets a warning."""
    text = textfiles.read_text(pyproject)
    problem = _parse_problem(exc)
    if TOOL_TABLE_HEADER.search(text):
        raise ConfigError(
            f"{pyproject}: invalid TOML, so its [tool.ai-workflow] configuration cannot be "
            f"read: {problem}"
        )
    if "tool.ai-workflow" in text:
        warnings.warn(
            f"{pyproject}: invalid TOML ({problem}); any tool.ai-workflow configuration in it "
            "is ignored",
            stacklevel=3,
        )
    return None


def _tool_table(data: dict[str, Any]) -> Any:
    """`[tool.ai-workflow]` of a parsed pyproject.toml, None without one (also when `tool`
    is no table at all, as in `tool = 5`)."""
    tool = data.get("tool")
    return tool.get("ai-workflow") if isinstance(tool, dict) else None


def _read_file(path: Path, root: Path) -> _Source:
    """A configuration file (a regular file, its real path inside `root`), parsed."""
    raw = textfiles.read_bytes(path, root=root)
    if raw is None:
        problem = textfiles.why_unreadable(path, root) or "unreadable"
        raise ConfigError(f"cannot read config file {path}: {problem}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from None
    if path.suffix == ".toml":
        try:
            data: Any = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, *PARSE_FAILURES) as exc:
            raise ConfigError(f"{path}: invalid TOML: {_parse_problem(exc)}") from None
        section = _tool_table(data)
        if section is not None and not isinstance(section, dict):
            raise ConfigError(f"{path}: [tool.ai-workflow] must be a table")
        return _Source(str(path), data if section is None else section, toml_text=text)
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{path}{where}: invalid YAML: {problem}") from None
    except PARSE_FAILURES as exc:
        raise ConfigError(f"{path}: invalid YAML: {_parse_problem(exc)}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of sections")
    return _Source(str(path), data, yaml_text=text)


ENV_ALIASES = {"remote_cache": ("cache", "remote")}
"""Variables named otherwise than `AI_WORKFLOW_<SECTION>_<KEY>`: AI_WORKFLOW_REMOTE_CACHE."""


def _env_layer(environ: Mapping[str, str]) -> _Source:
    data: dict[str, Any] = {}
    for var, raw in sorted(environ.items()):
        if not var.startswith(ENV_PREFIX):
            continue
        rest = var[len(ENV_PREFIX) :].lower()
        section, key = ENV_ALIASES.get(rest) or _env_key(rest)
        if section is None or key is None:
            continue  # e.g. AI_WORKFLOW_BASE is read by smart execution itself
        value = _parse_env_value(var, raw)
        data.setdefault(section, {})[key] = value
    return _Source("environment", data)


def _env_key(rest: str) -> tuple[str | None, str | None]:
    for section, model in SECTIONS.items():
        prefix = section + "_"
        if rest.startswith(prefix) and rest[len(prefix) :] in model.model_fields:
            return section, rest[len(prefix) :]
    if rest in RunConfig.model_fields:
        return "run", rest
    return None, None


def _parse_env_value(var: str, raw: str) -> Any:
    try:
        return load_yaml(raw) if raw.strip() else None
    except (yaml.YAMLError, *PARSE_FAILURES):
        return raw  # validation then says what type was expected


def _deep_merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _deep_merge(dict(out[key]), value)
        else:
            out[key] = value
    return out


def _validate(source: _Source) -> None:
    try:
        Config.model_validate(source.data)
    except ValidationError as exc:
        raise ConfigError(_describe_errors(exc, source)) from None


def _describe_errors(exc: ValidationError, source: _Source) -> str:
    lines = []
    for err in exc.errors()[:5]:
        loc = tuple(err["loc"])
        key = ".".join(str(p) for p in loc)
        if err["type"] == "extra_forbidden":
            msg = f"unknown key '{key}'"
            hint = _suggest(loc)
            if hint:
                msg += f" (did you mean '{hint}'?)"
        elif err["type"] == UNKNOWN_RULE:
            loc = tuple(p for p in loc if p != "[key]")  # a dict key: its own line
            msg = f"{'.'.join(str(p) for p in loc[:2])}: {err['msg']}"
        else:
            msg = f"{key}: {err['msg']}"
            if "input" in err and not isinstance(err["input"], dict | list):
                got = err["input"]
                if loc == ("cache", "remote") and isinstance(got, str):
                    got = safe_url(got)  # never print a password
                msg += f" (got {shown(got)})"
        value = err.get("input") if err["type"] == UNKNOWN_RULE else None
        lines.append(f"{source.where(loc, value)}: {msg}")
    more = len(exc.errors()) - 5
    if more > 0:
        lines.append(f"... and {more} more problem(s)")
    return "invalid configuration:\n  " + "\n  ".join(lines)


def shown(value: Any, limit: int = 80) -> str:
    """A short repr for messages: a 5,000-digit integer cannot even be printed by Python."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        return f"an integer of about {int(value.bit_length() * 0.30103) + 1} digits"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _suggest(loc: tuple[str | int, ...]) -> str | None:
    model: type[BaseModel] | None = Config
    for part in loc[:-1]:
        if model is None or isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        annotation = field.annotation if field else None
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
        else:
            args = getattr(annotation, "__args__", ())
            model = next(
                (a for a in args if isinstance(a, type) and issubclass(a, BaseModel)), None
            )
    if model is None:
        return None
    matches = difflib.get_close_matches(str(loc[-1]), list(model.model_fields), n=1, cutoff=0.6)
    if not matches:
        return None
    return ".".join([*(str(p) for p in loc[:-1]), matches[0]])


def load_config(
    target: Path,
    *,
    config_file: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    project_file: bool = True,
) -> Config:
    """Merge and validate every layer; raise ConfigError naming the bad file, line and key.
    `project_file=False` leaves the target's own file out (`--config FILE` is still read)."""
    layers = []
    project = _read_project_file(target, config_file) if project_file or config_file else None
    if project is not None:
        layers.append(_from_original_format(project))
    layers.append(_env_layer(os.environ if environ is None else environ))
    if overrides:
        layers.append(_Source("command line", dict(overrides)))
    merged: dict[str, Any] = {}
    for layer in layers:
        _validate(layer)
        merged = _deep_merge(merged, layer.data)
    try:
        config = Config.model_validate(merged)
    except ValidationError as exc:
        raise ConfigError(_describe_errors(exc, _Source("merged configuration", merged))) from None
    _check_categories(config, layers)
    return config


def _check_categories(config: Config, layers: list[_Source]) -> None:
    """Every change category named is one files can fall into and a step reads: a misspelt
    name would silently match nothing (a step never re-run) or be read by nothing."""
    defined = config.smart_execution.categories
    read = {c for step in config.workflow.steps for c in step.categories}
    readable = (*CHANGE_CATEGORIES, *STEP_PSEUDO_CATEGORIES, *defined)
    problems: list[tuple[tuple[str | int, ...], str]] = [
        (
            ("smart_execution", "categories", name),
            f"unknown change category '{name}'{_hint(name)}: no step reads it "
            "(use 'other' for files no step should react to)",
        )
        for name in defined
        if name not in CHANGE_CATEGORIES and name not in read
    ]
    problems += [
        (
            ("workflow", "steps", index, "categories"),
            f"step '{step.id}' reads the unknown change category '{name}'{_hint(name)}; "
            "define it in smart_execution.categories",
        )
        for index, step in enumerate(config.workflow.steps)
        for name in step.categories
        if name not in readable
    ]
    if problems:
        lines = [f"{_where(layers, loc)}: {message}" for loc, message in problems[:5]]
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(lines))


def _hint(name: str) -> str:
    close = difflib.get_close_matches(name, CHANGE_CATEGORIES, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _where(layers: list[_Source], loc: tuple[str | int, ...]) -> str:
    """The last layer that sets the section `loc` is in, with the line where known."""
    for layer in reversed(layers):
        section = layer.data.get(str(loc[0]))
        if isinstance(section, dict) and loc[1] in section:
            return layer.where(loc)
    return "configuration"


def _from_original_format(source: _Source) -> _Source:
    """A YAML file written for the original Bash tool as the configuration of ours it amounts
    to (`ai_workflow.original_config`), with one warning naming what is used and ignored."""
    if source.yaml_text is None:
        return source
    from ai_workflow import original_config  # lazy: it needs this module's Config

    if not original_config.is_original_format(source.data, Config):
        return source
    translation = original_config.translate(source.data)
    warnings.warn(original_config.describe(source.label, translation), stacklevel=3)
    return _Source(f"{source.label} (original format)", translation.data)


def read_project_file(
    target: Path, config_file: Path | None = None
) -> tuple[str, dict[str, Any], bool] | None:
    """The project configuration file as it is: its label, its data and whether it is YAML."""
    source = _read_project_file(target, config_file)
    return (source.label, source.data, source.yaml_text is not None) if source else None


def config_source(target: Path, config_file: Path | None = None) -> str | None:
    """A label for the project configuration file in use, for reports."""
    source = _read_project_file(target, config_file)
    return source.label if source else None


def section_source(
    target: Path, loc: tuple[str | int, ...], config_file: Path | None = None
) -> str | None:
    """Where the key at `loc` (e.g. ("workflow", "steps", 1)) was configured, for messages about
    a section as a whole: the project file, with the line of the deepest part of `loc` found,
    or None when the project file does not set `loc[0]`."""
    source = _read_project_file(target, config_file)
    if source is None or loc[0] not in source.data:
        return None
    return source.where(loc)
