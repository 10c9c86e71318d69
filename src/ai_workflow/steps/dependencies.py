"""Step 8: Dependency Validation: manifests, lockfiles, pins and the imports of Python code.

Never uses the network. Checks:
- manifests parse: pyproject.toml, requirements*.txt/.in, setup.cfg, setup.py (literal
  `install_requires` only), package.json, go.mod, Cargo.toml (`deps/invalid-manifest`, error;
  an unparsable requirement is `deps/invalid-requirement`, error);
- a lockfile exists and lists what the manifest declares (`deps/missing-lockfile`,
  `deps/lockfile-out-of-date`, warnings): package-lock.json, yarn.lock, pnpm-lock.yaml for
  package.json; poetry.lock, uv.lock, pdm.lock for pyproject.toml; go.sum (of what a go.mod
  `replace` fetches instead; none for a local directory, never fetched); Cargo.lock. A nested
  manifest is held to an ancestor's lockfile only as a member of that workspace (see
  `ai_workflow.deps.workspaces`); otherwise it is a project of its own. A missing lockfile is
  info when the project keeps none on purpose (`package-lock=false`, a gitignored lockfile) or
  the manifest is an example, docs or test project, and is not reported for a workspace member;
- requirements without any version constraint (`deps/unpinned`: warning for runtime and
  optional requirements in requirements files and package.json; info for development, docs
  and test requirements and in pyproject/setup.cfg, where ranges are the norm) and the same
  requirement declared twice (`deps/duplicate`, warning);
- Python imports (by `ast`) that no declared distribution provides (`deps/undeclared-import`:
  warning for runtime code, info for tests and tooling, root scripts the manifest does not ship
  included: `ai_workflow.deps.shipped`; info for an optional integration a library that
  requires nothing imports only inside functions, for PyInstaller in its hook files and for
  docutils and Sphinx in a Sphinx extension, a module defining `setup(app)`, and for the
  program a plugin's entry point registers it with, in the module the entry point names
  (mccabe's `flake8.extension`, a `pytest11` plugin), and for the `except ImportError`
  fallback of a module a required dependency vendors (`requests.packages.urllib3`, then
  `urllib3`); a data module, a
  sample file the tests hand to the code as input, is not scanned:
  `ai_workflow.testsource.data_modules`, nor is a Python file the package ships as data and
  reads as text: `ai_workflow.deps.package_data`), and
  runtime distributions never
  imported (`deps/unused-dependency`: warning, info when the target's environment shows the
  distribution installs commands or plugins; `deps/test-only-dependency`, info, when only tests
  import it). `dependencies.ignore_missing` / `ignore_unused` in the configuration silence them.

The facts come from `ai_workflow.deps` (manifests, lockfiles, imports and the distributions
that provide them); this module turns them into findings.
"""

from __future__ import annotations

import ast
import json
import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from ai_workflow.changes.filecache import FileResults, code_id, read_run_store, write_run_store
from ai_workflow.config import DependenciesConfig
from ai_workflow.deps import imports as import_facts
from ai_workflow.deps import ondemand
from ai_workflow.deps.distributions import (
    PythonEnvironment,
    namespace_providers,
    provided_modules,
    providers,
    target_environment,
)
from ai_workflow.deps.imports import (
    DEV_DIRS,
    PY2_STDLIB_MODULES,
    ImportScan,
    ImportUse,
    invoke_task_packages,
    python_scripts,
    scan_imports,
)
from ai_workflow.deps.lockfiles import (
    ALL_LOCKFILES,
    ANY_SPEC,
    NPM_LOCKFILES,
    PYTHON_LOCKFILES,
    lock_package_names,
    nearest_lockfile,
    npm_locked,
    pnpm_locked,
    remembered_toml,
    yarn_locked,
)
from ai_workflow.deps.manifests import is_requirements_dir, python_floor, read_manifest
from ai_workflow.deps.model import Dependency, Manifest, Report, canonical
from ai_workflow.deps.package_data import package_data_modules
from ai_workflow.deps.workspaces import lockfile_declined, serving_lockfile, workspace_root
from ai_workflow.engine.step import StepContext, StepOutcome, StepSpec
from ai_workflow.findings import Severity
from ai_workflow.lint.ruff_generator import generator_of
from ai_workflow.project_files import project_files
from ai_workflow.pysource import PySyntaxError, parse_python
from ai_workflow.techstack import detect_stack
from ai_workflow.testsource.data_modules import run_data_modules
from ai_workflow.textfiles import read_head, read_utf8, why_unreadable

SPEC = StepSpec(
    id="dependencies",
    number=8,
    name="Dependency Validation",
    description="Manifests parse, lockfiles agree, requirements pinned, imports declared.",
    depends_on=("pre_analysis",),
    categories=("deps",),
    inputs=("*.py", "*.pyi"),  # the imports of every Python file (tests, noxfile.py...)
    estimate_s=60.0,
    persona="DevOps and package management specialist",
)

# Modules that only the program loading a file provides: PyInstaller imports a package's hook
# files (`hook-<module>.py`, registered by its `pyinstaller40` entry point, and the runtime
# hooks `pyi_rth_*.py`) while it freezes an application, so `from PyInstaller.utils.hooks
# import ...` there needs no dependency (lark 1.1.9's `lark/__pyinstaller/hook-lark.py`).
HOSTED_IMPORTS = {"PyInstaller": ("hook-*.py", "pyi_rth_*.py")}
# Modules Sphinx provides to the extensions it loads: a module whose top level defines
# `setup(app)` (Sphinx's extension entry point, named in a docs/conf.py's `extensions`) runs only
# inside Sphinx, which requires docutils (humanfriendly 10.0's humanfriendly/sphinx.py:
# `import docutils.nodes`, "if Sphinx is installed docutils will be installed").
SPHINX_HOSTED = frozenset({"sphinx", "docutils"})
# mypy itself to its plugins: a module whose top level defines `plugin(version)` (mypy's plugin
# entry point, named by a user's `plugins = ...` setting) is imported only by mypy (tinydb 4.9.0's
# tinydb/mypy_plugin.py: `from mypy.plugin import Plugin`, `def plugin(_version: str)`).
MYPY_HOSTED = frozenset({"mypy"})
# Pylint and the astroid it requires to its plugins: a module whose top level defines
# `register(linter)` (the function Pylint calls when `--load-plugins` or a `load-plugins =`
# setting names the module) is imported only by Pylint (verboselogs 1.7's verboselogs/pylint.py:
# `from astroid import MANAGER, scoped_nodes, nodes`, `def register(linter)`).
PYLINT_HOSTED = frozenset({"pylint", "astroid"})
NPM_UNPINNED = frozenset({"", "*", "latest", "x", "next"})
# The oldest Python any pip since 10.0 (2018: "Dropped support for Python 2.6") installs on:
# a project that declares no `requires-python` still never has its dependencies installed on
# Python 2.6 or older, so an import only those run (`else: from ordereddict import
# OrderedDict` under a 2.7 test) needs no declared dependency.
OLDEST_PIP_PYTHON = (2, 7)
NPM_EXPECTED_LOCKFILES = ("package-lock.json", "yarn.lock", "pnpm-lock.yaml")
ILLUSTRATIVE_DIRS = frozenset(
    {"examples", "example", "samples", "sample", "demo", "demos", "docs", "doc"}
    | {"test", "tests", "testing", "fixtures", "fixture", "testdata", "__fixtures__"}
)
"""Directories whose nested projects illustrate or test the main one (not shipped with it)."""


# --------------------------------------------------------------------------- step


TOML_SCHEMA = "ai-workflow/toml-documents@1"


def run(ctx: StepContext) -> StepOutcome:
    """The step; the TOML lockfiles it parses (`lockfiles.parse_toml`: a large uv.lock takes
    longer than the rest of the step) are kept in the step cache by the SHA-256 of their text,
    so an unchanged lockfile is read back instead of parsed."""
    known = _known_toml(ctx)
    with remembered_toml(known) as used:
        outcome = _run(ctx)
    _keep_toml(ctx, used)
    if ctx.config.run.step_cache and used:
        new = sum(1 for key in used if key not in known)
        outcome.checked.append(f"TOML lockfiles: {new} of {len(used)} parsed, the others reused")
    return outcome


def _toml_header() -> dict[str, Any]:
    return {"schema": TOML_SCHEMA, "parser": code_id(tomllib)}


def _known_toml(ctx: StepContext) -> dict[str, Any]:
    """The TOML documents parsed in the last run, by digest; {} when there are none (or
    `run.step_cache` is off, or the store is damaged: every lockfile is then parsed)."""
    documents = read_run_store(ctx, "toml", _toml_header(), "documents")
    if not isinstance(documents, dict):
        return {}
    return {k: v for k, v in documents.items() if isinstance(v, dict)}


def _keep_toml(ctx: StepContext, used: dict[str, Any]) -> None:
    write_run_store(ctx, "toml", _toml_header(), "documents", used)


def _run(ctx: StepContext) -> StepOutcome:
    report = Report()
    files = project_files(ctx)
    manifests = [m for m in (read_manifest(ctx.target, f, report) for f in files) if m]
    if not manifests:
        report.skipped(
            "dependencies: no manifest found (pyproject.toml, requirements*.txt, setup.cfg, "
            "setup.py, package.json, go.mod, Cargo.toml)"
        )
    for manifest in manifests:
        _check_duplicates(manifest, report)
        _check_unpinned(manifest, report)
        _check_lockfiles(ctx, manifest, set(files), report)
    python = analyse_python_imports(ctx, files, manifests, report)
    report.outcome.data = {
        "manifests": [
            {"path": m.path, "kind": m.kind, "valid": m.valid, "dependencies": len(m.dependencies)}
            for m in manifests
        ],
        "lockfiles": [f for f in files if PurePosixPath(f).name in ALL_LOCKFILES],
        "python": python,
    }
    counts = f"{len(manifests)} manifest(s), {len(report.outcome.findings)} finding(s)"
    report.outcome.summary = counts
    return report.outcome


# --------------------------------------------------------------------------- duplicates, pins


def _check_duplicates(manifest: Manifest, report: Report) -> None:
    seen: dict[tuple[str, str, str], list[Dependency]] = {}
    npm_groups: dict[str, Dependency] = {}
    for dep in manifest.dependencies:
        key = (dep.key, dep.section, dep.markers)
        same = [first for first in seen.get(key, []) if not _other_extras(first, dep)]
        if same:
            first = same[0]
            spec = f": {first.spec!r}" if first.spec.strip() else ", without a version"
            message = f"{dep.name} is declared twice (also line {first.line}{spec})"
            report.add("deps/duplicate", Severity.WARNING, message, dep.path, dep.line)
        seen.setdefault(key, []).append(dep)
        if manifest.kind == "package.json" and dep.group in ("runtime", "dev"):
            other = npm_groups.get(dep.key)
            if other is not None and other.group != dep.group:
                message = f"{dep.name} is in both {other.group} and {dep.group} dependencies"
                report.add("deps/duplicate", Severity.WARNING, message, dep.path, dep.line)
            npm_groups.setdefault(dep.key, dep)


def _other_extras(first: Dependency, again: Dependency) -> bool:
    """Whether two requirements of one package each bring an extra the other does not: the
    `dev` extra of docstring_parser 0.18.0 is `docstring_parser[test]` and
    `docstring_parser[docs]`, the project's own extras gathered into one, nothing declared
    twice. The same extras again, or a bare line beside `name[extra]`, stays a duplicate."""
    return bool(first.extras - again.extras) and bool(again.extras - first.extras)


def _check_unpinned(manifest: Manifest, report: Report) -> None:
    """Requirements without a constraint: information (a policy choice, not breakage; on the
    labelled projects 0 of 3 such findings were real: `bench/rule_precision.py`)."""
    if manifest.kind in ("go.mod",):
        return
    for dep in manifest.dependencies:
        if dep.group == "peer":
            continue  # a peer range of "*" is the norm
        spec = dep.spec.strip()
        unpinned = spec in NPM_UNPINNED if dep.ecosystem != "python" else spec in ("", "*")
        if unpinned:
            kind = "" if dep.group in ("runtime", "optional") else f" ({dep.group} dependency)"
            message = f"{dep.name} has no version constraint{kind}"
            report.add("deps/unpinned", Severity.INFO, message, dep.path, dep.line)


# --------------------------------------------------------------------------- lockfiles


def _check_lockfiles(ctx: StepContext, manifest: Manifest, files: set[str], report: Report) -> None:
    if not manifest.valid:
        return
    target, path = ctx.target, manifest.path
    where = PurePosixPath(path).parent
    if manifest.kind in ("package.json", "pyproject.toml"):
        names = NPM_LOCKFILES if manifest.kind == "package.json" else PYTHON_LOCKFILES
        lock = serving_lockfile(target, path, names, files, manifest.project_name)
        other = nearest_lockfile(where, names, files) if lock is None else None
        if other is not None:
            report.checked(
                f"{path}: a project of its own, not a workspace member locked by {other}"
            )
        check = _check_npm_lock if manifest.kind == "package.json" else _check_python_lock
        check(ctx, manifest, lock, report)
    elif manifest.kind == "go.mod":  # every Go module has its own go.sum
        own = (where / "go.sum").as_posix().removeprefix("./")
        _check_go_sum(target, manifest, own if own in files else None, report)
    elif manifest.kind == "Cargo.toml":  # a Cargo workspace shares the root Cargo.lock
        _check_cargo_lock(target, manifest, nearest_lockfile(where, ("Cargo.lock",), files), report)


def _installable(manifest: Manifest) -> list[Dependency]:
    return [d for d in manifest.dependencies if d.group != "peer"]


def _missing_lock(manifest: Manifest, expected: str, severity: Severity, report: Report) -> None:
    message = f"no lockfile ({expected}) for {len(manifest.dependencies)} declared dependencies"
    report.add("deps/missing-lockfile", severity, message, manifest.path, None)


def _report_missing_lock(
    ctx: StepContext, manifest: Manifest, lockfiles: tuple[str, ...], report: Report
) -> None:
    """No lockfile serves the manifest. Not reported for a workspace member (its workspace
    root's manifest is); information when the project keeps none on purpose or the manifest
    is an example, docs or test project nested in the repository; else a warning."""
    if workspace_root(ctx.target, manifest.path) is not None:
        return
    expected = " or ".join(
        [", ".join(lockfiles[:-1]), lockfiles[-1]] if lockfiles[1:] else lockfiles
    )
    message = f"no lockfile ({expected}) for {len(manifest.dependencies)} declared dependencies"
    declined = lockfile_declined(ctx, manifest.path, lockfiles)
    nested = _illustrative(manifest.path)
    published = manifest.kind == "package.json" and _published_npm_package(ctx.target, manifest)
    if declined:
        message += f": the project keeps none on purpose ({declined})"
    elif nested:
        message += " (an example, docs or test project nested in the repository)"
    elif published:
        message += (
            f" (a published package, {published}: npm never publishes its lockfile and its users"
            " resolve the declared ranges; a library's lockfile pins only its own CI)"
        )
    severity = Severity.INFO if declined or nested or published else Severity.WARNING
    report.add("deps/missing-lockfile", severity, message, manifest.path, None)


def _published_npm_package(target: Path, manifest: Manifest) -> str | None:
    """`name@version` of a package.json that npm can publish (a name, a version, not
    `"private": true`), or None: an application's missing lockfile stays a warning."""
    try:
        data = json.loads(read_utf8(target / manifest.path) or "")
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("private") is True:
        return None
    name, version = data.get("name"), data.get("version")
    if isinstance(name, str) and name and isinstance(version, str) and version:
        return f"{name}@{version}"
    return None


def _illustrative(path: str) -> bool:
    """True for a manifest below an examples, docs, test or fixtures directory."""
    return any(part.lower() in ILLUSTRATIVE_DIRS for part in PurePosixPath(path).parts[:-1])


def _out_of_date(dep: Dependency, lock: str, detail: str, report: Report) -> None:
    requirement = " ".join(part for part in (dep.name, dep.spec.strip(), detail) if part)
    message = f"{requirement} in {lock}: the lockfile is out of date"
    report.add("deps/lockfile-out-of-date", Severity.WARNING, message, dep.path, dep.line)


def _read_lock(target: Path, lock: str, report: Report) -> str | None:
    text = read_utf8(target / lock, root=target)
    if text is None:
        problem = why_unreadable(target / lock, target) or "unreadable or not UTF-8"
        report.add("deps/invalid-lockfile", Severity.ERROR, f"cannot read: {problem}", lock, None)
    return text


def _check_npm_lock(ctx: StepContext, manifest: Manifest, lock: str | None, report: Report) -> None:
    deps = _installable(manifest)
    if not deps:
        return
    if lock is None:
        return _report_missing_lock(ctx, manifest, NPM_EXPECTED_LOCKFILES, report)
    target = ctx.target
    name = PurePosixPath(lock).name
    if name in ("bun.lockb", "bun.lock"):
        report.checked(f"{lock}: present (bun lockfiles are not compared)")
        return None
    text = _read_lock(target, lock, report)
    if text is None:
        return None
    importer = PurePosixPath(manifest.path).parent.relative_to(PurePosixPath(lock).parent)
    reader = {"yarn.lock": yarn_locked, "pnpm-lock.yaml": pnpm_locked}.get(name, npm_locked)
    locked = reader(text, importer.as_posix())
    if locked is None:
        report.add("deps/invalid-lockfile", Severity.ERROR, f"{name} cannot be parsed", lock, None)
        return None
    stale = 0
    for dep in deps:
        specs = locked.get(dep.name)
        if specs is None:
            _out_of_date(dep, lock, "is missing", report)
            stale += 1
        elif ANY_SPEC not in specs and dep.spec not in specs:
            _out_of_date(dep, lock, f"is locked as {' or '.join(sorted(specs))}", report)
            stale += 1
    if not stale:
        report.checked(f"{lock} agrees with {manifest.path} ({len(deps)} dependencies)")
    return None


def _check_python_lock(
    ctx: StepContext, manifest: Manifest, lock: str | None, report: Report
) -> None:
    if lock is None:
        if manifest.expected_lock and manifest.dependencies:
            _report_missing_lock(ctx, manifest, (manifest.expected_lock,), report)
        return
    text = _read_lock(ctx.target, lock, report)
    if text is None:
        return
    names = lock_package_names(text)
    if names is None:
        report.add("deps/invalid-lockfile", Severity.ERROR, "invalid TOML", lock, None)
        return
    own = canonical(manifest.project_name or "")
    stale = [d for d in manifest.dependencies if d.key not in names and d.key != own]
    for dep in stale:
        _out_of_date(dep, lock, "is missing", report)
    if not stale:
        report.checked(f"{lock} lists every dependency of {manifest.path}")


def _check_go_sum(target: Path, manifest: Manifest, lock: str | None, report: Report) -> None:
    if not manifest.dependencies:
        return
    if lock is None:
        return _missing_lock(manifest, "go.sum", Severity.WARNING, report)
    text = _read_lock(target, lock, report)
    if text is None:
        return None
    recorded = {tuple(line.split()[:2]) for line in text.splitlines() if line.strip()}
    recorded |= {(m, v.removesuffix("/go.mod")) for m, v in list(recorded)}
    stale = []
    for dep in manifest.dependencies:
        fetched = _go_fetched(manifest, dep)
        if fetched is not None and fetched not in recorded:
            stale.append(dep)
            instead = (
                "" if fetched == (dep.name, dep.spec) else f" (replaced by {' '.join(fetched)})"
            )
            _out_of_date(dep, lock, f"has no checksum{instead}", report)
    if not stale:
        report.checked(f"{lock} has checksums for every requirement of {manifest.path}")
    return None


def _go_fetched(manifest: Manifest, dep: Dependency) -> tuple[str, str] | None:
    """The module and version go.sum must have a sum of: the requirement, or what a `replace`
    puts in its place; None when a local directory replaces it (nothing is fetched)."""
    for key in ((dep.name, dep.spec), (dep.name, "")):
        if key in manifest.replacements:
            return manifest.replacements[key]
    return (dep.name, dep.spec)


def _check_cargo_lock(target: Path, manifest: Manifest, lock: str | None, report: Report) -> None:
    if not manifest.dependencies:
        return
    if lock is None:
        _missing_lock(manifest, "Cargo.lock", Severity.INFO, report)
        return
    text = _read_lock(target, lock, report)
    names = lock_package_names(text) if text is not None else None
    if names is None:
        return
    stale = [d for d in manifest.dependencies if canonical(d.name) not in names]
    for dep in stale:
        _out_of_date(dep, lock, "is missing", report)
    if not stale:
        report.checked(f"{lock} lists every dependency of {manifest.path}")


# --------------------------------------------------------------------------- python imports


def _nested_project_dirs(manifests: list[Manifest]) -> list[str]:
    return [
        PurePosixPath(m.path).parent.as_posix()
        for m in manifests
        if m.kind in ("pyproject.toml", "setup.py", "setup.cfg") and "/" in m.path
    ]


def _root_python_manifests(
    manifests: list[Manifest], tooling: frozenset[str] = frozenset()
) -> list[Manifest]:
    """Python manifests of the project at the root (requirements in the root or in a top-level
    requirements directory: `requirements/`, `py.requirements/`), and the requirements files of
    its development directories (`docs/`) and of its invoke build script's `tasks/` package
    (`tooling`: parse_type's tasks/py.requirements.txt declares invoke and what its tasks use)."""
    out = []
    for m in manifests:
        if m.kind == "package.json" or m.kind in ("go.mod", "Cargo.toml"):
            continue
        parent = PurePosixPath(m.path).parent.as_posix()
        top_dir = "/" not in parent and is_requirements_dir(parent)
        in_root = parent == "." or (m.kind == "requirements" and top_dir)
        dev_requirements = m.kind == "requirements" and (parent in DEV_DIRS or parent in tooling)
        if in_root or dev_requirements:
            out.append(m)
    return out


def analyse_python_imports(
    ctx: StepContext, files: list[str], manifests: list[Manifest], report: Report
) -> dict[str, Any]:
    """Undeclared imports and unused declared distributions of the root Python project."""
    nested = _nested_project_dirs(manifests)
    data = run_data_modules(ctx)
    code = [f for f in files if f.endswith(".py")] + python_scripts(ctx.target, files)
    py_files = [f for f in code if not any(f.startswith(d + "/") for d in nested) and f not in data]
    if data:
        report.outcome.checked.append(
            f"python imports: {len(data)} data module(s) the tests hand to the code as input "
            "left out (never imported nor run: ai_workflow.testsource.data_modules)"
        )
    shipped_data = package_data_modules(ctx.target, files)
    if shipped_data:
        py_files = [f for f in py_files if f not in shipped_data]
        report.outcome.checked.append(
            f"python imports: {len(shipped_data)} Python file(s) the package ships as data "
            "(setuptools package-data, in no subpackage, imported by nothing) left out: its "
            "code reads them as text (ai_workflow.deps.package_data)"
        )
    if not py_files:
        report.skipped("python imports: no Python files")
        return {}
    roots = _root_python_manifests(manifests, invoke_task_packages(ctx.target, py_files))
    declared = [d for m in roots for d in m.dependencies]
    own = {canonical(m.project_name) for m in roots if m.project_name}
    stored = FileResults(ctx, "imports", {"extractor": code_id(import_facts)})
    stems = FileResults(ctx, "on-demand", {"extractor": code_id(ondemand)})
    reader = _stored_imports(stored)
    is_test = detect_stack(ctx).is_test
    scan = scan_imports(ctx.target, py_files, is_test, own, reader, _stored_stems(stems))
    floor = python_floor(roots) or OLDEST_PIP_PYTHON
    scan = _without_unsupported_branches(scan, floor)
    for done in (stored, stems):
        done.save()
        report.outcome.checked += [done.describe(), *done.warnings]
    if not scan.runtime_files:
        report.skipped("unused dependencies: no runtime Python code (only tests and tooling)")
    scripts = frozenset() if declared else _standalone_scripts(ctx.target, py_files)
    facts = _ImportFacts(
        scan,
        declared,
        own,
        ctx.config.dependencies,
        scripts=scripts,
        target=ctx.target,
        unread=tuple(u for m in roots for u in m.unread),
        unnamed=_unnamed_requirements(ctx.target, files, roots),
        py_files=tuple(py_files),
        shipped=frozenset(f for f in py_files if not is_test(f)),
    )
    # The target's interpreter can only resolve more: ask it only when something is unresolved.
    if _import_findings(facts, Report()) != ([], []):
        facts = replace(facts, env=target_environment(ctx))
    missing, unused = _import_findings(facts, report)
    env = facts.env
    source = (
        f"the target's interpreter {env.interpreter}, the alias table"
        if env.interpreter
        else "the alias table"
    )
    report.checked(
        f"python imports: {len(py_files)} files against {len(declared)} declared requirements "
        f"(import names from {source} and distribution names)"
    )
    return {
        "declared": sorted({d.key for d in declared}),
        "imported": sorted({u.module for u in scan.runtime + scan.dev}),
        "missing": missing,
        "unused": unused,
        "interpreter": env.interpreter,
    }


def _without_unsupported_branches(scan: ImportScan, floor: tuple[int, ...]) -> ImportScan:
    """The scan with the imports that run only on Pythons older than the oldest one the
    project supports (`if sys.version_info < (3, 8):` under `requires-python = ">=3.8"`)
    made optional: no supported Python ever runs them, so they need no dependency."""

    def supported(uses: list[ImportUse]) -> list[ImportUse]:
        return [
            replace(u, optional=True) if u.below is not None and floor >= u.below else u
            for u in uses
        ]

    return replace(scan, runtime=supported(scan.runtime), dev=supported(scan.dev))


def _stored_imports(stored: FileResults) -> import_facts.FileImports:
    """`file_imports` that reuses a file's imports while its content is unchanged (they
    depend on nothing else: the extractor's own code is in the store's context)."""

    def imports(target: Path, rel: str) -> list[ImportUse] | None:
        [uses] = stored.reuse(
            rel,
            lambda: (import_facts.file_imports(target, rel),),
            _encode_imports,
            lambda value: _decode_imports(rel, value),
        )
        return uses

    return imports


def _stored_stems(stored: FileResults) -> ondemand.ImportStems:
    """`import_stems` that reuses a file's import stems while its content is unchanged (they
    depend on its path and text alone; the project files they name are looked up per run)."""

    seen: dict[str, list[ondemand.ImportStem] | None] = {}  # a file is asked for twice a run

    def stems(rel: str, text: str) -> list[ondemand.ImportStem] | None:
        if rel not in seen:
            [seen[rel]] = stored.reuse(
                rel, lambda: (ondemand.import_stems(rel, text),), _encode_stems, _decode_stems
            )
        return seen[rel]

    return stems


def _encode_stems(found: tuple[list[ondemand.ImportStem] | None]) -> dict[str, Any]:
    """A file's import stems as stored: `{"stems": null}` for a file that does not parse."""
    [stems] = found
    return {"stems": None if stems is None else [[m, inside] for m, inside in stems]}


def _decode_stems(value: Any) -> tuple[list[ondemand.ImportStem] | None]:
    raw = value["stems"]
    if raw is None:
        return (None,)
    stems = [(m, inside) for m, inside in raw]
    if not all(isinstance(m, str) and type(inside) is bool for m, inside in stems):
        raise TypeError("stored import stems are not (stem, inside a function)")
    return (stems,)


def _encode_imports(found: tuple[list[ImportUse] | None]) -> dict[str, Any]:
    """A file's imports as stored: `{"imports": null}` for a file that does not parse."""
    [uses] = found
    if uses is None:
        return {"imports": None}
    return {
        "imports": [
            [
                u.module,
                u.line,
                u.optional,
                u.guarded,
                None if u.below is None else list(u.below),
                u.source_checkout,
                u.vendored_by,
            ]
            for u in uses
        ]
    }


def _decode_imports(rel: str, value: Any) -> tuple[list[ImportUse] | None]:
    """A stored entry: the file's imports (module, line, optional, guarded, version bound,
    source checkout, vendored by), None when it does not parse."""
    raw = value["imports"]
    if raw is None:
        return (None,)
    uses = []
    for module, line, optional, guarded, below, checkout, vendored in raw:
        bound = None if below is None else tuple(below)
        if not (
            isinstance(module, str)
            and type(line) is int
            and type(optional) is bool
            and type(guarded) is bool
            and type(checkout) is bool
            and isinstance(vendored, str)
            and (bound is None or all(type(n) is int for n in bound))
        ):
            raise TypeError(
                "stored imports are not (module, line, optional, guarded, bound, checkout, "
                "vendored by)"
            )
        uses.append(ImportUse(module, rel, line, optional, guarded, bound, checkout, vendored))
    return (uses,)


@dataclass(frozen=True)
class _ImportFacts:
    """What the import checks compare: the root project's imports and declarations."""

    scan: ImportScan
    declared: list[Dependency]
    own: set[str]  # the project's own distribution names
    config: DependenciesConfig
    env: PythonEnvironment = field(default_factory=PythonEnvironment)
    # Files run as programs (a `#!` line), in a project that declares no Python dependency
    scripts: frozenset[str] = frozenset()
    target: Path | None = None  # where to read the files that import an undeclared module
    # runtime requirements a root manifest computes and the check could not read
    # (orderedmultidict's `install_requires=required` was one before such lists were read)
    unread: tuple[str, ...] = ()
    # qualified requirements files (`requirements-screenshots.txt`) no other file names
    unnamed: frozenset[str] = frozenset()
    # the Python files read, and those of them that ship (no test): who imports an integration
    py_files: tuple[str, ...] = ()
    shipped: frozenset[str] = frozenset()


def _only_in_functions(target: Path | None, uses: list[ImportUse]) -> bool:
    """Every one of `uses` is inside a function body (an import run on demand, when that
    function is called: toml's `import numpy` in TomlNumpyEncoder.__init__), never at a
    module's or a class's top level, where importing the module would fail."""
    if target is None:
        return False
    spans: dict[str, list[tuple[int, int]]] = {}
    for path in {u.path for u in uses}:
        text = read_utf8(target / path, root=target)
        try:
            tree = parse_python(text, path) if text is not None else None
        except PySyntaxError:
            tree = None
        if tree is None:
            return False
        spans[path] = [
            (node.body[0].lineno, node.end_lineno or node.lineno)
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        ]
    return all(any(a <= u.line <= b for a, b in spans[u.path]) for u in uses)


def _standalone_scripts(target: Path, py_files: list[str]) -> frozenset[str]:
    """The Python files that are programs of their own (they start with `#!`)."""
    return frozenset(f for f in py_files if (read_head(target / f, 2, target) or b"") == b"#!")


def _import_findings(facts: _ImportFacts, report: Report) -> tuple[list[str], list[str]]:
    """(undeclared modules, unused distributions), reported into `report`."""
    missing = _report_missing(facts, report)
    unused = _report_unused(facts, report) if facts.scan.runtime_files else []
    return missing, unused


def _ignored(names: Iterable[str], ignore: Iterable[str]) -> bool:
    keys = {canonical(n) for n in ignore}
    return any(canonical(n) in keys for n in names)


def _by_module(uses: Iterable[ImportUse]) -> dict[str, list[ImportUse]]:
    grouped: dict[str, list[ImportUse]] = defaultdict(list)
    for use in uses:
        if not use.optional:
            grouped[use.module].append(use)
    return grouped


def _report_missing(facts: _ImportFacts, report: Report) -> list[str]:
    scan, declared = facts.scan, facts.declared
    runtime_keys = {d.key for d in declared if d.group in ("runtime", "optional")}
    required_keys = {d.key for d in declared if d.group == "runtime"}
    all_keys = {d.key for d in declared}
    runtime, dev = _by_module(scan.runtime), _by_module(scan.dev)
    missing = []
    for module in sorted(set(runtime) | set(dev)):
        dists = providers(module, facts.env) | namespace_providers(module, all_keys)
        if _ignored([module, *dists], facts.config.ignore_missing):
            continue
        if module in runtime and not dists & runtime_keys:
            dev_only = bool(dists & all_keys)
            # A project that declares no Python dependency at all is no Python package: what a
            # helper script of its own (a program, `#!`) imports is that script's business.
            helper = not declared and all(u.path in facts.scripts for u in runtime[module])
            # A library that requires no runtime dependency (none, or only extras: lark 1.1.9's
            # `dependencies = []` beside its optional regex/js2py) and imports the module only
            # inside functions offers an optional integration for callers who have it (an
            # import at a module's top level, which every user runs, stays a warning).
            on_demand = not required_keys and _only_in_functions(facts.target, runtime[module])
            hosted = _hosted(module, runtime[module], facts.target)
            # Only in the fallback for a source checkout that was never built (its generated
            # version module missing: makefun's `except ImportError:` asks setuptools_scm for
            # the version from git): an installed package never runs it.
            checkout = all(u.source_checkout for u in runtime[module])
            unvendored = _unvendored_copy(runtime[module], required_keys, facts.env)
            plugin = _plugin_host(module, runtime[module], facts.target)
            generator = _generator_input(module, runtime[module], facts.target)
            # the same dependency-free library's module named after the framework it serves
            # (shortuuid's django_fields.py), which none of its modules imports up front
            named = not required_keys and _named_integration(module, runtime[module], facts)
            info = helper or on_demand or hosted or checkout or unvendored or plugin or generator
            info = info or named
            # Runtime requirements the check could not read may name it: no verdict (info,
            # saying which); an import only declared as a dev dependency stays a warning.
            unread = "" if dev_only else " and ".join(facts.unread)
            severity = Severity.INFO if info or unread else Severity.WARNING
            _missing(module, runtime[module], severity, dev_only, bool(declared), report, unread)
            missing.append(module)
        elif module not in runtime and not dists & all_keys:
            _missing(module, dev[module], Severity.INFO, False, bool(declared), report)
            missing.append(module)
    return missing


def _unvendored_copy(uses: list[ImportUse], required: set[str], env: PythonEnvironment) -> bool:
    """Whether every import of the module is the `except ImportError` fallback of the same
    module from the vendored copy that a required dependency ships (requests-toolbelt 1.0.0:
    `from requests.packages.urllib3 import fields`, then `from urllib3 import fields`, for
    the redistributions of requests that unvendor urllib3): the fallback finds that
    dependency's own unvendored copy, which installing it brings. A fallback whose package is
    not a required dependency, or a plain import of the module, stays reported."""
    return all(bool(u.vendored_by and providers(u.vendored_by, env) & required) for u in uses)


def _named_integration(module: str, uses: list[ImportUse], facts: _ImportFacts) -> bool:
    """Whether every import of `module` is in an adapter named after it (`django_fields.py`,
    `ipython.py`, `flask/__init__.py` for `django`, `IPython`, `flask`) that imports the
    project's own code and that no shipped module of the project imports at its top level:
    shortuuid 1.0.13's django_fields.py (`from django.db import models`, `from . import
    ShortUUID`), the ShortUUIDField its README shows with `from shortuuid.django_fields import
    ShortUUIDField`, is an opt-in integration that only a user of the framework imports, who
    has it. A module so named that the package imports up front (every user runs that
    import), one that uses nothing of the project (vulture's `numpy_whitelist.py`: no adapter),
    or a module named otherwise, stays reported."""
    if facts.target is None:
        return False
    root = canonical(module.split(".")[0])
    paths = {u.path for u in uses}
    if not paths or not all(root in _name_parts(path) for path in paths):
        return False
    files = set(facts.py_files)
    if not all(ondemand.imports_project_code(facts.target, path, files) for path in paths):
        return False
    eager = ondemand.imported_at_top_level(facts.target, facts.py_files, paths, facts.shipped)
    return not eager


def _name_parts(path: str) -> set[str]:
    """The words of a module's name (`django_fields.py`: django, fields; a package's
    `__init__.py` by its folder), PEP 503 normalised."""
    pure = PurePosixPath(path)
    name = pure.parent.name if pure.stem == "__init__" else pure.stem
    return {canonical(part) for part in re.split(r"[-_.]", name) if part}


def _plugin_host(module: str, uses: list[ImportUse], target: Path | None) -> bool:
    """Whether every import of `module` is in a module the project registers as a plugin of
    that program: an entry point in a group of the program's (mccabe 0.7.0's
    `"flake8.extension": ["C90 = mccabe:McCabeChecker"]`, a pytest plugin's `pytest11`). The
    program loads the plugin, so it is there whenever the plugin's code runs, and the plugin
    need not require it (mccabe's only import of flake8 is an `except ImportError:  # Python
    2.5` fallback). Another module of the project that imports the program stays reported."""
    wanted = canonical(module)
    loaded: set[str] = set()
    for group, modules in _declared_entry_points(target).items():
        head = group.split(".", 1)[0]  # the program: `flake8.extension`, `pytest11`
        if group not in ("console_scripts", "gui_scripts") and wanted in {
            canonical(head),
            canonical(head.rstrip("0123456789")),
        }:
            loaded.update(modules)
    return bool(loaded) and all(_module_of(u.path) in loaded for u in uses)


def _generator_input(module: str, uses: list[ImportUse], target: Path | None) -> bool:
    """Whether every import of `module` is in the Python input of a code generator of that
    name, as the header of a file generated from it beside it says (`// Generated by PeachPy
    0.2.0 from metro.py`, dgryski/go-metro's metro_amd64.s, over metro.py's `import
    peachpy.x86_64`): the generator runs that file to write a file the project commits, so it
    is a tool of whoever regenerates it, not a dependency of the project's code. Another
    module that imports it, or an input whose header names another tool, stays reported."""
    if target is None or not uses:
        return False
    for use in uses:
        generated = generator_of(target, use.path)
        if generated is None or canonical(generated[0]) != canonical(module.split(".")[0]):
            return False
    return True


def _module_of(path: str) -> str:
    """The dotted module a Python file is (`pkg/__init__.py`: `pkg`; `src/` layouts keep
    their last parts only when matched by suffix, so both forms are given)."""
    parts = list(PurePosixPath(path).with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    if parts and parts[0] == "src":
        parts.pop(0)
    return ".".join(parts)


def _declared_entry_points(target: Path | None) -> dict[str, set[str]]:
    """The modules the project's entry points name, by group: pyproject.toml's
    `[project.entry-points.<group>]`, setup.cfg's `[options.entry_points]`, setup.py's literal
    `setup(entry_points={...})`."""
    found: dict[str, set[str]] = defaultdict(set)
    if target is None:
        return found

    def add(group: str, value: object) -> None:
        if isinstance(value, str) and value.strip():
            spec = value.split("=", 1)[-1].split(":", 1)[0].split("[", 1)[0].strip()
            if spec:
                found[group].add(spec)

    text = read_utf8(target / "pyproject.toml", root=target)
    if text:
        try:
            project = tomllib.loads(text).get("project", {})
        except tomllib.TOMLDecodeError:
            project = {}
        table = project.get("entry-points") if isinstance(project, dict) else None
        for group, entries in (table or {}).items() if isinstance(table, dict) else ():
            for value in entries.values() if isinstance(entries, dict) else ():
                add(str(group), value)
    text = read_utf8(target / "setup.cfg", root=target) or ""
    section = re.search(r"^\[options\.entry_points\][ \t]*$(.*?)(?=^\[|\Z)", text, re.M | re.S)
    group = ""
    for line in section.group(1).splitlines() if section else ():
        if line.strip() and not line[0].isspace() and "=" in line:
            group, rest = (part.strip() for part in line.split("=", 1))
            add(group, rest)
        elif group and "=" in line:
            add(group, line)
    tree = _parsed(target, "setup.py")
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.keyword) and node.arg == "entry_points":
            try:
                given = ast.literal_eval(node.value)
            except (ValueError, SyntaxError, TypeError):
                continue
            for name, entries in given.items() if isinstance(given, dict) else ():
                for value in [entries] if isinstance(entries, str) else entries:
                    add(str(name), value)
    return found


def _hosted(module: str, uses: list[ImportUse], target: Path | None) -> bool:
    """Whether every import of `module` is in a file the program that provides it loads
    (`HOSTED_IMPORTS`: a PyInstaller hook file importing PyInstaller; `SPHINX_HOSTED`: a
    Sphinx extension importing docutils or Sphinx; `MYPY_HOSTED`: a mypy plugin importing
    mypy; `PYLINT_HOSTED`: a Pylint plugin importing Pylint or astroid)."""
    root = module.split(".")[0]
    if root in SPHINX_HOSTED and target is not None:
        return all(_sphinx_extension(target, path) for path in {u.path for u in uses})
    if root in MYPY_HOSTED and target is not None:
        return all(_mypy_plugin(target, path) for path in {u.path for u in uses})
    if root in PYLINT_HOSTED and target is not None:
        return all(_pylint_plugin(target, path) for path in {u.path for u in uses})
    names = HOSTED_IMPORTS.get(root, ())
    return bool(names) and all(
        any(PurePosixPath(u.path).match(name) for name in names) for u in uses
    )


def _sphinx_extension(target: Path, path: str) -> bool:
    """Whether the module at `path` is a Sphinx extension: its top level defines `setup(app)`,
    the function Sphinx calls with its application when it loads the extension."""
    return any(
        [a.arg for a in node.args.posonlyargs + node.args.args][:1] == ["app"]
        for node in _top_level_functions(target, path, "setup")
    )


def _mypy_plugin(target: Path, path: str) -> bool:
    """Whether the module at `path` is a mypy plugin: its top level defines `plugin(version)`,
    one positional parameter (whatever its name: tinydb's `_version`), the function mypy calls
    with its version to get the Plugin class when a configuration's `plugins` names the
    module, and it imports `mypy.plugin`, where that class's base `Plugin` lives. A module
    with some other `plugin(x)` that runs mypy (`from mypy import api`) is no plugin: its
    users need mypy installed."""
    return _imports_mypy_plugin(target, path) and any(
        len(node.args.posonlyargs + node.args.args) == 1
        and not node.args.kwonlyargs
        and node.args.vararg is None
        for node in _top_level_functions(target, path, "plugin")
    )


def _pylint_plugin(target: Path, path: str) -> bool:
    """Whether the module at `path` is a Pylint plugin: its top level defines `register(linter)`,
    one positional parameter, the function Pylint calls with its linter when it loads the
    plugin. The parameter is named for the linter (`linter`, `_linter`), or the module imports
    Pylint itself (`from pylint.checkers import BaseChecker`). A library's own `register(name)`
    beside a use of astroid (a code analyser of its own) is no plugin: its users need astroid."""
    for node in _top_level_functions(target, path, "register"):
        params = node.args.posonlyargs + node.args.args
        if len(params) != 1 or node.args.kwonlyargs or node.args.vararg is not None:
            continue
        if "linter" in params[0].arg.lower() or _imports_root(target, path, "pylint"):
            return True
    return False


def _imports_root(target: Path, path: str, root: str) -> bool:
    """Whether the module at `path` imports `root` or a submodule of it (absolute imports)."""
    tree = _parsed(target, path)
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == root for a in node.names):
            return True
        if (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and (node.module or "").split(".")[0] == root
        ):
            return True
    return False


def _imports_mypy_plugin(target: Path, path: str) -> bool:
    """Whether the module at `path` imports `mypy.plugin` (`from mypy.plugin import Plugin`,
    `import mypy.plugin`, `from mypy import plugin`)."""
    tree = _parsed(target, path)
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.Import) and any(
            a.name == "mypy.plugin" or a.name.startswith("mypy.plugin.") for a in node.names
        ):
            return True
        if isinstance(node, ast.ImportFrom) and node.level == 0:
            module = node.module or ""
            if module == "mypy.plugin" or module.startswith("mypy.plugin."):
                return True
            if module == "mypy" and any(a.name == "plugin" for a in node.names):
                return True
    return False


def _top_level_functions(target: Path, path: str, name: str) -> list[ast.FunctionDef]:
    """The functions called `name` that the top level of the module at `path` defines."""
    tree = _parsed(target, path)
    if tree is None:
        return []
    return [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name]


def _parsed(target: Path, path: str) -> ast.Module | None:
    """The module at `path`, parsed; None when it cannot be read or parsed."""
    text = read_utf8(target / path, root=target)
    try:
        return parse_python(text, path) if text is not None else None
    except PySyntaxError:
        return None


PYTHON_MARKER = re.compile(r"\bpython_(?:full_)?version\b")


def _for_some_pythons(markers: str) -> bool:
    """Whether a requirement's environment markers limit it to some Python versions
    (`typing ; python_version<"3.5"`): how a backport of a standard-library module is declared
    for the Pythons that lack the module. The same backport declared for every Python is no
    backport on the Pythons that ship the module: it shadows it there (`enum34` on Python 3.6+
    has no `IntFlag`, PyPI's `typing` breaks Python 3.7+), so it stays reported."""
    return PYTHON_MARKER.search(markers) is not None


def _missing(
    module: str,
    uses: list[ImportUse],
    severity: Severity,
    dev_only: bool,
    any_declared: bool,
    report: Report,
    unread: str = "",
) -> None:
    first = uses[0]
    if dev_only:
        why = "is declared only as a development dependency"
    elif unread:
        why = (
            f"is not provided by any dependency read here, but {unread} is computed, not a "
            "literal, and was not read: it may declare it"
        )
    elif any_declared:
        why = "is not provided by any declared dependency"
    else:
        why = "is imported but the project declares no dependencies"
    more = f" (and {len(uses) - 1} more import(s))" if len(uses) > 1 else ""
    message = f"import {module!r} {why}{more}"
    if module in PY2_STDLIB_MODULES:  # unguarded: a guarded one is a Python 2 branch
        message = (
            f"import {module!r} names a module of Python 2's standard library that Python 3 "
            f"renamed or removed: {first.path} fails to import on Python 3 (no dependency "
            f"provides it){more}"
        )
    report.add("deps/undeclared-import", severity, message, first.path, first.line)


def _report_unused(facts: _ImportFacts, report: Report) -> list[str]:
    runtime_modules = {u.module.lower() for u in facts.scan.runtime}
    dev_modules = {u.module.lower() for u in facts.scan.dev}
    unused = []
    reported: set[str] = set()  # a requirement declared twice is reported once
    for dep in facts.declared:
        if dep.group != "runtime" or dep.transitive or dep.key in facts.own:
            continue
        if dep.key in reported:
            continue
        reported.add(dep.key)
        if _ignored([dep.name], facts.config.ignore_unused):
            continue
        # Distribution names ignore case, so the name-guessed module may differ from the
        # import only in case (`ipython` provides `IPython`), as `providers` already allows.
        modules = {m.lower() for m in provided_modules(dep.name, facts.env)}
        if modules & runtime_modules:
            continue
        if modules & facts.scan.runtime_stdlib and _for_some_pythons(dep.markers):
            continue  # a backport of a standard-library module the code imports (`typing`)
        reader = _data_reader(dep.key, runtime_modules | facts.scan.runtime_stdlib)
        if reader:
            message = (
                f"{dep.name} is declared but never imported: it is data that {reader}, which "
                "the code imports, reads without an import"
            )
            report.add("deps/unused-dependency", Severity.INFO, message, dep.path, dep.line)
            continue
        if modules & dev_modules:
            message = f"{dep.name} is a runtime dependency but only tests or tooling import it"
            report.add("deps/test-only-dependency", Severity.INFO, message, dep.path, dep.line)
            continue
        groups = facts.env.entry_points.get(dep.key, [])
        message = f"{dep.name} is declared but never imported{_installs(groups)}"
        severity = Severity.INFO if groups else Severity.WARNING
        if _named_after(dep):
            message += (
                f" ({dep.path} is named after it: the environment that installs {dep.name} "
                "to run it as a program)"
            )
            severity = Severity.INFO
        elif dep.path in facts.unnamed:
            message += (
                f" (no file of the project names {dep.path}: the environment of a task whose "
                "code this tree does not hold)"
            )
            severity = Severity.INFO
        report.add("deps/unused-dependency", severity, message, dep.path, dep.line)
        unused.append(dep.name)
    return unused


COMPUTED_REQUIREMENTS = re.compile(r"requirements[-_./]?[\w./-]*[{$*%]")
"""A requirements file's name made at run time (`-r requirements-{envname}.txt` in tox.ini,
`requirements/*.txt`, `"requirements-%s.txt" % task`): it may name any qualified file."""
NAMING_SIZE_LIMIT = 1_000_000


def _unnamed_requirements(target: Path, files: list[str], roots: list[Manifest]) -> frozenset[str]:
    """The root's qualified requirements files (`requirements-screenshots.txt`, not
    `requirements.txt`) that no other file of the project names (setup.py, tox.ini, a Makefile,
    CI or another requirements file (`-r`) would, to install them), in a project that declares
    its runtime in another root manifest (setup.py, pyproject.toml, requirements.txt).
    coloredlogs 15.0.1's sdist ships requirements-screenshots.txt for the maintainer's
    scripts/generate-screenshots.py, which it leaves out: what such a file lists serves code
    that is not here, so a name no file imports is no finding against this tree. A file listing
    files (MANIFEST.in, an egg-info's SOURCES.txt) names it to package it, not to install it."""
    qualified = {
        m.path
        for m in roots
        if m.kind == "requirements" and _requirements_stem(m.path) != "requirements"
    }
    # a manifest that declares a package or requirements (a pyproject.toml of tool settings
    # alone declares neither)
    main = [
        m
        for m in roots
        if m.path not in qualified and (m.project_name or m.dependencies or m.unread)
    ]
    if not qualified or not main:
        return frozenset()  # a qualified file is then how the project declares its runtime
    named: set[str] = set()
    for rel in files:
        path = PurePosixPath(rel)
        if _lists_files(path):
            continue
        full = target / rel
        if not full.is_file() or full.stat().st_size > NAMING_SIZE_LIMIT:
            continue
        text = read_utf8(full, root=target)
        if text is None:
            continue
        if COMPUTED_REQUIREMENTS.search(text):
            return frozenset()  # a name made at run time may be any of them
        named |= {q for q in qualified if q != rel and PurePosixPath(q).name in text}
    return frozenset(qualified - named)


def _requirements_stem(rel: str) -> str:
    """`requirements` for `requirements.txt` or `requirements.in`; the qualified name else."""
    path = PurePosixPath(rel)
    if _in_requirements_dir(path):
        return path.as_posix().rsplit(".", 1)[0]
    return path.name.rsplit(".", 1)[0].lower()


def _in_requirements_dir(path: PurePosixPath) -> bool:
    """Whether the file is in a directory of requirements files (`requirements/`, `reqs/`,
    `requirements.d/`, `py.requirements/`)."""
    parent = path.parent.name.lower()
    return parent == "reqs" or is_requirements_dir(parent)


def _lists_files(path: PurePosixPath) -> bool:
    """A file that lists the project's files to package them: MANIFEST.in, PKG-INFO, an
    egg-info's SOURCES.txt."""
    return path.name in ("MANIFEST.in", "PKG-INFO") or any(
        part.endswith(".egg-info") for part in path.parts[:-1]
    )


DATA_PACKAGES: dict[str, tuple[str, ...]] = {"tzdata": ("zoneinfo",)}
"""Distributions of data that a module loads by resource, never by import: `tzdata`, the
IANA time zone database that the standard library's `zoneinfo` reads through
importlib.resources where the system has none (Windows; the zoneinfo documentation's
"first-party tzdata package"), declared as `tzdata; platform_system == 'Windows'`."""


def _data_reader(key: str, imported: set[str]) -> str:
    """The imported module that reads the data distribution `key` ("" if none is)."""
    return next((m for m in DATA_PACKAGES.get(key, ()) if m in imported), "")


REQUIREMENTS_WORD = re.compile(r"^requirements?(?:[-_.]|$)", re.IGNORECASE)


def _named_after(dep: Dependency) -> bool:
    """Whether the requirements file that declares `dep` is named after it alone
    (`requirements/flake8.txt` listing flake8, `requirements-sphinx.txt` listing sphinx): a
    file kept to install one program the project runs, as intervaltree's CI job does (`pip
    install -r requirements/flake8.txt`, then `flake8 . --select=E9,F63,F7,F82`), not a list
    of what its code imports. A library declared in requirements.txt or pyproject.toml, or
    in a file named after something else, keeps its finding."""
    name = PurePosixPath(dep.path).name
    if not name.lower().endswith((".txt", ".in")):
        return False
    stem = REQUIREMENTS_WORD.sub("", name.rsplit(".", 1)[0])
    in_requirements = _in_requirements_dir(PurePosixPath(dep.path))
    in_requirements = in_requirements or stem != name.rsplit(".", 1)[0]
    return bool(stem) and in_requirements and canonical(stem) == dep.key


def _installs(groups: list[str]) -> str:
    """Why a never-imported distribution may still be used, from its entry-point groups."""
    commands = {"scripts", "console_scripts", "gui_scripts"}
    if commands & set(groups):
        return " (it installs commands: used as a tool?)"
    if groups:
        return f" (it registers plugins: {', '.join(groups)})"
    return ""
