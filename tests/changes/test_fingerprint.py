"""Fingerprint components on real repositories and directories, one step context at a time."""

from __future__ import annotations

import ast
import dataclasses
import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ai_workflow.changes.fingerprint import (
    DEPENDENCY_READS,
    NEVER_CACHED,
    blob_id,
    cacheable,
    code_digest,
    compute_fingerprint,
    dependencies_read,
    digest,
    file_ids,
    result_values,
    step_files,
)
from ai_workflow.changes.toolprobe import STEP_TOOLS, tool_versions
from ai_workflow.config import Config
from ai_workflow.engine.step import RunMemo, StepResult, StepSpec, StepStatus
from ai_workflow.findings import Finding, Severity
from ai_workflow.steps import BUILTIN_MODULES
from tests.changes.util import BY_NUMBER, PROJECT, config
from tests.helpers import git, make_repo, step_context, write_files

DOCS_STEP = StepSpec("docs_check", 20, "Docs", categories=("docs",), builtin=False)
CODE_STEP = StepSpec("code_check", 21, "Code", categories=("code",), builtin=False)
GLOB_STEP = StepSpec("manifest", 22, "Manifest", inputs=("pyproject.toml",), builtin=False)
ALL_STEP = StepSpec("all", 23, "All", categories=("*",), builtin=False)


def no_tools(ctx: object) -> dict[str, str]:
    return {}


def key(repo: Path, spec: StepSpec, cfg: Config | None = None) -> str:
    return compute_fingerprint(step_context(repo, spec, config=cfg), no_tools).key


def test_tracked_ids_are_git_blob_ids_and_modified_files_hash_the_same_way(
    tmp_path: Path,
) -> None:
    repo = make_repo(tmp_path / "p", PROJECT)
    ids = file_ids(step_context(repo, DOCS_STEP))
    head_blob = git(repo, "rev-parse", "HEAD:README.md").strip()
    assert ids["README.md"] == f"{head_blob}:-:t"
    write_files(repo, {"README.md": "changed\n", "new file.md": "n\n"})
    os.chmod(repo / "scripts/release.sh", 0o755)
    ids = file_ids(step_context(repo, DOCS_STEP))
    assert ids["README.md"] == git(repo, "hash-object", "README.md").strip() + ":-:t"
    assert ids["new file.md"].endswith(":-:u")
    assert ids["scripts/release.sh"].split(":")[1] == "x"
    assert blob_id(repo / "new file.md") == git(repo, "hash-object", "new file.md").strip()


def test_step_reads_its_categories_globs_or_everything(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "p", PROJECT)
    assert set(step_files(step_context(repo, DOCS_STEP))) == {"README.md", "docs/guide.md"}
    assert set(step_files(step_context(repo, CODE_STEP))) == {
        "src/demo/__init__.py",
        "src/demo/core.py",
    }
    assert set(step_files(step_context(repo, GLOB_STEP))) == {"pyproject.toml"}
    assert set(step_files(step_context(repo, ALL_STEP))) == set(PROJECT)


def test_package_data_with_a_docs_extension_is_part_of_the_tests_key(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "p", {**PROJECT, "src/demo/data.txt": "ok\n"})
    tests = BY_NUMBER[7]
    assert "src/demo/data.txt" in step_files(step_context(repo, tests))
    assert "src/demo/data.txt" in step_files(step_context(repo, DOCS_STEP))
    assert "README.md" not in step_files(step_context(repo, tests))
    before = key(repo, tests)
    write_files(repo, {"src/demo/data.txt": "bad\n"})
    assert key(repo, tests) != before
    after = key(repo, tests)
    write_files(repo, {"README.md": "# reworded\n", "docs/guide.md": "new\n"})
    assert key(repo, tests) == after


def test_code_quality_key_covers_the_test_files_it_lints(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "p", PROJECT)
    quality = BY_NUMBER[9]
    assert "tests/test_core.py" in step_files(step_context(repo, quality))
    before = key(repo, quality)
    write_files(repo, {"tests/test_core.py": "import os\n"})
    assert key(repo, quality) != before


def test_ai_reviewed_step_reads_every_file(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "p", PROJECT)
    spec = dataclasses.replace(DOCS_STEP, persona="writer")
    assert set(step_files(step_context(repo, spec))) == {"README.md", "docs/guide.md"}
    with_ai = config(ai={"provider": "openai"})
    assert set(step_files(step_context(repo, spec, config=with_ai))) == set(PROJECT)


def test_key_changes_only_with_a_read_file(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "p", PROJECT)
    docs, code = key(repo, DOCS_STEP), key(repo, CODE_STEP)
    assert key(repo, DOCS_STEP) == docs  # stable across runs (fresh memo each time)
    write_files(repo, {"src/demo/core.py": "def add(a, b):\n    return b + a\n"})
    assert key(repo, DOCS_STEP) == docs
    assert key(repo, CODE_STEP) != code
    write_files(repo, {"src/demo/core.py": PROJECT["src/demo/core.py"]})
    assert key(repo, CODE_STEP) == code  # back to the stored content: same key


def test_our_own_code_is_part_of_the_key(tmp_path: Path) -> None:
    """An editable install keeps its version while its code changes: the key follows the code."""
    package = tmp_path / "ai_workflow"
    write_files(package, {"__init__.py": "__version__ = '0.1.0'\n", "steps/a.py": "X = 1\n"})
    before = code_digest(package)
    write_files(package, {"__pycache__/a.cpython-311.pyc": "compiled"})
    assert code_digest.__wrapped__(package) == before  # compiled files are not the code
    write_files(package, {"steps/a.py": "X = 2\n"})
    assert code_digest.__wrapped__(package) != before
    repo = make_repo(tmp_path / "p", PROJECT)
    fingerprint = compute_fingerprint(step_context(repo, DOCS_STEP), no_tools)
    assert code_digest() in fingerprint.details["ai_workflow"]


def test_key_without_git(tmp_path: Path) -> None:
    write_files(tmp_path, PROJECT)
    docs = key(tmp_path, DOCS_STEP)
    write_files(tmp_path, {"tests/test_core.py": "changed\n"})
    assert key(tmp_path, DOCS_STEP) == docs
    write_files(tmp_path, {"docs/guide.md": "changed\n"})
    assert key(tmp_path, DOCS_STEP) != docs


def test_run_options_without_effect_do_not_change_the_key(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "p", PROJECT)
    base = key(repo, DOCS_STEP)
    quiet = config(
        run={"jobs": 2, "parallel": True, "verbose": True, "force_steps": ["x"]},
        smart_execution={"base": "HEAD~3"},
    )
    assert key(repo, DOCS_STEP, quiet) == base
    assert key(repo, DOCS_STEP, config(tech_stack={"test_command": "make test"})) != base
    assert key(repo, DOCS_STEP, config(run={"commit": True})) != base


def test_dependency_results_without_timing_reason_or_status_word(tmp_path: Path) -> None:
    finding = Finding("docs/x", Severity.WARNING, "m", "a.md", 1)
    first = StepResult("pre", 0, "Pre", StepStatus.WARNING, "t1", "t2", 1.0, None, [finding])
    first.data = {"files": ("a", "b")}
    again = dataclasses.replace(
        first, status=StepStatus.REUSED, duration_s=9.0, reason="inputs unchanged", summary="x"
    )
    again.data = {"files": ["a", "b"]}  # after a JSON round trip
    assert result_values(first) != result_values(None)
    assert digest(result_values(first)) == digest(result_values(again))
    failed = dataclasses.replace(first, status=StepStatus.FAILED)
    assert digest(result_values(failed)) != digest(result_values(first))


def test_dependency_component_follows_what_the_step_reads(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "p", PROJECT)
    pre = StepResult("pre_analysis", 0, "Pre", StepStatus.PASSED, data={"changed_files": ["a"]})
    other = dataclasses.replace(pre, data={"changed_files": ["b"]})
    documentation, code_quality = BY_NUMBER[1], BY_NUMBER[9]
    memo = RunMemo()

    def fp(spec: StepSpec, result: StepResult, cfg: Config | None = None) -> str:
        ctx = step_context(repo, spec, config=cfg, results={"pre_analysis": result}, memo=memo)
        return compute_fingerprint(ctx, no_tools).key

    assert fp(documentation, pre) != fp(documentation, other)
    assert fp(code_quality, pre) == fp(code_quality, other)  # orders after step 0 only
    with_ai = config(ai={"provider": "openai"})
    assert fp(code_quality, pre, with_ai) != fp(code_quality, other, with_ai)
    custom = StepSpec("c", 30, "C", depends_on=("pre_analysis",), inputs=("*.md",), builtin=False)
    assert dependencies_read(step_context(repo, custom)) == ["pre_analysis"]


def test_what_is_never_cached() -> None:
    assert not cacheable(BY_NUMBER[11]) and not cacheable(BY_NUMBER[10])
    assert {"git_finalization", "context_analysis"} == NEVER_CACHED
    assert not cacheable(StepSpec("w", 30, "W", inputs=("*",), mutates=True, builtin=False))
    assert not cacheable(StepSpec("silent", 31, "Silent", builtin=False))
    assert cacheable(DOCS_STEP) and cacheable(BY_NUMBER[7])


def test_tool_probes_report_real_versions(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "p", PROJECT)
    cfg = config(tech_stack={"python": sys.executable})
    memo = RunMemo()
    quality = tool_versions(step_context(repo, BY_NUMBER[9], config=cfg, memo=memo))
    assert set(quality) == {"ruff", "shellcheck", "eslint"}
    assert quality["ruff"].split()[0][0].isdigit()  # "0.x.y /path/to/ruff"
    assert quality["eslint"] == "absent"
    tests = tool_versions(step_context(repo, BY_NUMBER[7], config=cfg, memo=memo))
    assert tests["python"].startswith(sys.executable)
    assert f"{sys.version_info.major}.{sys.version_info.minor}" in tests["python"]
    assert tests["node"] == "not used" and tests["go"] == "not used"
    assert tool_versions(step_context(repo, BY_NUMBER[2], memo=memo)) == {}
    lint = tool_versions(step_context(repo, BY_NUMBER[12], memo=memo))
    assert lint == {"rumdl": importlib.metadata.version("rumdl")}
    assert set(STEP_TOOLS) <= {m.SPEC.id for m in BUILTIN_MODULES}


def test_a_shim_is_fingerprinted_by_the_interpreter_it_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyenv/asdf: the same shim runs another interpreter when PYENV_VERSION (or the target's
    .python-version) changes, so the tests' fingerprint must follow the real one."""
    repo = make_repo(tmp_path / "p", PROJECT)
    shim = tmp_path / "shims" / "python3"
    shim.parent.mkdir()
    shim.write_text('#!/bin/sh\nexec "$SHIM_TARGET" "$@"\n')
    shim.chmod(0o755)
    venv = tmp_path / "other-env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    seen = []
    for real in (sys.executable, str(venv / "bin" / "python")):
        monkeypatch.setenv("SHIM_TARGET", real)
        ctx = step_context(repo, BY_NUMBER[7], config=config(tech_stack={"python": str(shim)}))
        seen.append(tool_versions(ctx)["python"])
    assert seen[0] != seen[1]
    assert str(venv) in seen[1]  # its own site-packages and pyvenv.cfg are in the key


def _reads_in(tree: ast.AST) -> tuple[set[str], bool]:
    """`result_of("x")` literals, and whether `.results` is used directly."""
    reads: set[str] = set()
    direct = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "result_of":
            arg = node.args[0] if node.args else None
            reads.add(arg.value if isinstance(arg, ast.Constant) else "<dynamic>")
        if isinstance(node, ast.Attribute) and node.attr == "results":
            direct = True
    return reads, direct


IGNORED = ("ai_workflow.engine", "ai_workflow.changes", "ai_workflow.ai")  # AI: see AI_READS


def _reachable_reads(
    module: str, names: set[str], seen: set[tuple[str, str]]
) -> tuple[set[str], bool]:
    """What the functions `names` of `module`, and everything they call, read of results."""
    if module.startswith(IGNORED):
        return set(), False
    path = Path(__import__(module, fromlist=["_"]).__file__ or "")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {
        node.name: node
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    }
    imported: dict[str, tuple[str, str]] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ai_workflow."):
            for alias in node.names:
                imported[alias.asname or alias.name] = (node.module or "", alias.name)
        elif isinstance(node, ast.Import) and any(
            a.name.startswith("ai_workflow") for a in node.names
        ):
            return _reads_in(tree)  # module objects: scan it all
    reads: set[str] = set()
    direct = False
    todo = list(names)
    while todo:
        name = todo.pop()
        if (module, name) in seen:
            continue
        seen.add((module, name))
        if name in imported:
            source, original = imported[name]
            more, more_direct = _reachable_reads(source, {original}, seen)
            reads, direct = reads | more, direct or more_direct
            continue
        if name not in top:
            continue
        found, uses = _reads_in(top[name])
        reads, direct = reads | found, direct or uses
        todo += [n.id for n in ast.walk(top[name]) if isinstance(n, ast.Name)]
    return reads, direct


@pytest.mark.parametrize("module", BUILTIN_MODULES, ids=lambda m: m.SPEC.id)
def test_dependency_reads_table_matches_the_steps_source(module: object) -> None:
    spec = module.SPEC  # type: ignore[attr-defined]
    declared = DEPENDENCY_READS.get(spec.id)
    if declared is None:
        return  # not listed: the step's fingerprint covers all its dependencies
    reads, direct = _reachable_reads(module.__name__, {"run"}, set())  # type: ignore[attr-defined]
    assert not direct, f"{spec.id} uses ctx.results directly: remove it from DEPENDENCY_READS"
    assert reads <= declared, f"{spec.id} reads {reads - declared}: add to DEPENDENCY_READS"
    assert declared <= set(spec.depends_on)


def test_git_state_is_part_of_the_steps_that_read_it(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "p", PROJECT)
    pre, quality = BY_NUMBER[0], BY_NUMBER[9]

    def keys() -> tuple[str, str]:
        memo = RunMemo()
        return tuple(  # type: ignore[return-value]
            compute_fingerprint(step_context(repo, s, memo=memo), no_tools).key
            for s in (pre, quality)
        )

    first = keys()
    git(repo, "commit", "-q", "--allow-empty", "-m", "same files, new HEAD")
    second = keys()
    assert second[0] != first[0] and second[1] == first[1]
    git(repo, "checkout", "-q", "--detach")
    assert keys()[0] != second[0]
    git(repo, "checkout", "-q", "main")
    git(repo, "add", "--intent-to-add", "README.md")
    assert keys() == second
    write_files(repo, {"new.md": "x\n"})
    git(repo, "add", "new.md")  # staging changes the index: step 0 reports it
    staged = keys()
    assert staged[0] != second[0]


def test_installing_a_package_in_the_target_environment_changes_the_tests_key(
    tmp_path: Path,
) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    repo = make_repo(tmp_path / "p", PROJECT)
    cfg = config(tech_stack={"python": str(venv / "bin" / "python")})

    def probe() -> str:
        return tool_versions(step_context(repo, BY_NUMBER[7], config=cfg))["python"]

    before = probe()
    assert "pyvenv.cfg" not in before and "version" in before  # pyvenv.cfg's content
    site = next(venv.glob("lib/python3*/site-packages"))
    (site / "newpkg-1.0.dist-info").mkdir()
    assert probe() != before
