"""Hot spots (`quality/*`, information): long code files, and long, complex or deeply nested
Python functions.

A code file over `rules.thresholds.file_lines` lines, a function over `function_lines` lines,
of cyclomatic complexity over `complexity` or with blocks nested deeper than `nesting`
(defaults 500, 60, 10, 4). Size and complexity are a matter of taste and context; they point at
where to look, never at something broken. A file's hot spots are kept per file while its
content, the limits and this module's code are unchanged (`find_hotspots`' `stored`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ai_workflow.changes.filecache import FileResults, decode_findings, encode_findings
from ai_workflow.config import ThresholdsConfig
from ai_workflow.findings import Finding, Severity
from ai_workflow.lint.eslint import JS_SUFFIXES
from ai_workflow.lint.ruff import PYTHON_SUFFIXES
from ai_workflow.lint.shellcheck import SHELL_SUFFIXES
from ai_workflow.pysource import PySyntaxError, parse_python
from ai_workflow.textfiles import read_bytes

CODE_SUFFIXES = (
    PYTHON_SUFFIXES
    + SHELL_SUFFIXES
    + JS_SUFFIXES
    + (".go", ".rs", ".java", ".kt", ".rb", ".php", ".c", ".h", ".cc", ".cpp", ".hpp", ".cs")
)


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
