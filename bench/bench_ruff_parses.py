"""How often ruff's post-processors parse the project's files, and how long they take: a base
revision (main) beside this checkout.

The code-quality step reads the code ruff's findings point at (`ruff_reexports`,
`ruff_imports`, `ruff_bindings`, `ruff_effects`, `ruff_style`). Each Python file of the
project (default: this checkout's `src/`) gets one unused import (F401, its first import) and,
where it has one, one unused local (F841, its first assignment in a function): every
post-processor looks at every file, as in a project with unused imports all over. Both trees
run the same findings in a child process each (`--worker`), where `ast.parse` is wrapped to
count calls (the wrapper exists in this bench only). Times are medians of the post-processing
alone (no ruff run), wall clock.

    python bench/bench_ruff_parses.py [--project DIR] [--base REV (main)] [--repeats N (5)]
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]


def synthetic_findings(project: Path) -> list[dict[str, Any]]:
    """One F401 (first import) and one F841 (first assignment in a function) per file."""
    found: list[dict[str, Any]] = []
    for path in sorted(project.rglob("*.py")):
        rel = path.relative_to(project).as_posix()
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, ValueError, OSError):
            continue
        nodes = list(ast.walk(tree))
        imported = next((n for n in nodes if isinstance(n, (ast.Import, ast.ImportFrom))), None)
        if imported is not None:
            name = imported.names[0].name
            if isinstance(imported, ast.ImportFrom) and imported.module:
                name = f"{imported.module}.{name}"
            message = f"`{name}` imported but unused"
            found.append(_finding("F401", message, rel, imported.lineno))
        local = next((a for n in nodes if _is_function(n) for a in _assignments(n)), None)
        if local is not None:
            message = f"Local variable `{local[1]}` is assigned to but never used"
            found.append(_finding("F841", message, rel, local[0]))
    return found


def _is_function(node: ast.AST) -> bool:
    return isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))


def _assignments(function: ast.AST) -> list[tuple[int, str]]:
    return [
        (node.lineno, node.targets[0].id)
        for node in ast.walk(function)
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
    ]


def _finding(code: str, message: str, rel: str, line: int) -> dict[str, Any]:
    return {"rule": f"ruff/{code}", "severity": "warning", "message": message, "path": rel,
            "line": line}  # fmt: skip


def worker(project: Path, findings_file: Path, repeats: int) -> dict[str, Any]:
    """In a child process whose PYTHONPATH is the tree to measure: parses and times."""
    from ai_workflow.findings import Finding
    from ai_workflow.lint.ruff_scope import RuffScopes
    from ai_workflow.lint.ruff_style import StyleScope
    from ai_workflow.steps import code_quality

    findings = [Finding.from_dict(f) for f in json.loads(findings_file.read_text())]
    files = sorted({f.path for f in findings if f.path} | _python_files(project))
    parses = [0]
    real_parse = ast.parse

    def counted(*args: Any, **kwargs: Any) -> Any:
        parses[0] += 1
        return real_parse(*args, **kwargs)

    ast.parse = counted  # type: ignore[assignment]
    times, counts, kept = [], [], []
    for _ in range(repeats):
        parses[0] = 0
        start = time.perf_counter()
        kept = _post_process(code_quality, findings, project, files, RuffScopes, StyleScope)
        times.append(time.perf_counter() - start)
        counts.append(parses[0])
    ast.parse = real_parse
    lowered = sum(1 for f in kept if f.severity.value == "info")
    graded = sorted(json.dumps(f.to_dict(), sort_keys=True) for f in kept)
    return {"parses": max(counts), "median_ms": statistics.median(times) * 1000,
            "info": lowered, "findings": graded}  # fmt: skip


def _post_process(
    cq: Any, findings: list[Any], project: Path, files: list[str], scopes: Any, style: Any
) -> list[Any]:
    grading = style(None)  # no linter asked for: test hygiene is judged too
    if hasattr(cq, "explained_ruff_findings"):  # this tree: one ParsedFiles for all
        return list(cq.explained_ruff_findings(findings, files, scopes(project), grading)[0])
    kept = cq.reexports_as_info(findings, project, files)  # the base: each parses its own
    kept = cq.import_bindings_as_info(kept, project)
    kept = cq.contradicted_as_info(kept, project)
    kept = cq.effect_imports_as_info(kept, project)
    return list(grading.grade(kept, scopes(project))[0])


def _python_files(project: Path) -> set[str]:
    return {p.relative_to(project).as_posix() for p in project.rglob("*.py")}


def _run_tree(src: Path, project: Path, findings: Path, repeats: int) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    command = [sys.executable, __file__, "--worker", "--project", str(project)]
    command += ["--findings", str(findings), "--repeats", str(repeats)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=REPO_ROOT / "src")
    parser.add_argument("--base", default="main")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--findings", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    project = args.project.resolve()
    if args.worker:
        print(json.dumps(worker(project, args.findings, args.repeats)))
        return 0
    if not project.is_dir() or args.repeats < 1:
        print(f"error: --project {project} is no directory or --repeats < 1", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-parses-") as tmp:
        base_src = Path(tmp) / "base"
        base_src.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "archive", args.base, "src"],
            capture_output=True,
            check=False,
        )
        if archive.returncode != 0:
            print(f"error: git archive {args.base}: {archive.stderr.decode()}", file=sys.stderr)
            return 2
        subprocess.run(["tar", "-x", "-C", str(base_src)], input=archive.stdout, check=True)
        findings = synthetic_findings(project)
        findings_file = Path(tmp) / "findings.json"
        findings_file.write_text(json.dumps(findings))
        before = _run_tree(base_src / "src", project, findings_file, args.repeats)
        after = _run_tree(REPO_ROOT / "src", project, findings_file, args.repeats)
    cpus = len(os.sched_getaffinity(0))
    print(
        f"ruff post-processors on {project} ({len(_python_files(project))} files, "
        f"{len(findings)} findings): {args.base} {before['parses']} ast.parse, median "
        f"{before['median_ms']:.0f} ms; this tree {after['parses']} ast.parse, median "
        f"{after['median_ms']:.0f} ms; {after['info']} made info, "
        f"{'the same' if before['findings'] == after['findings'] else 'DIFFERENT'} findings "
        f"({args.repeats} runs each; {platform.machine()} {cpus} cores, "
        f"Python {platform.python_version()})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
