"""Replay a real project's history and measure what smart execution skips, and that it is safe.

`../shared/data/itsdangerous-history.jsonl` (relative to the repository root) lists the 369
first-parent commits of pallets/itsdangerous with the paths each changed. They are replayed into
a generated repository (placeholder content, the same paths and change kinds), and for every
commit `ai-workflow run --smart-execution --dry-run --json` decides which steps to skip (through
`build_skip_policy` when the CLI does not report decisions). Reported per change type: the share
of step executions and of step time skipped. Verified for every commit: the detected change set
is the commit's real change list, and no step is skipped that an independent oracle, written
here from first principles and sharing nothing with ai-workflow's classifier, says must run
(zero false skips):
- every change: pre_analysis, directory_structure, context_analysis and git_finalization must
  run (they report on the whole tree);
- a path outside the documentation (docs directories, root-level README/CHANGES/LICENSE...
  files, root-level *.md/*.rst/*.txt, the docs build's own configuration) may be read by the
  tests: test_execution must run;
- a file test review opens (a source file, a file in a test directory or named like a test,
  a coverage report): test_review and test_generation (which ranks what test review found)
  must run. Stricter, "anything outside the documentation", it would also flag CI, packaging
  and editor files, which test review never opens;
- a manifest or lockfile (pyproject.toml, setup.py, requirements*.txt, package.json, go.mod,
  Cargo.toml, any *.lock...) wherever it is, or any Python file (its imports): dependencies
  must run;
- a source file (.py, .js, .ts, .go, .rs, .sh, .rb, .java) wherever it is: code_quality must run;
- any Markdown file, a Markdown linter's configuration or pyproject.toml: markdown_lint must run;
- documentation text (the documentation above, or any .md/.rst/.txt file) or a source file
  that is not a test:
  documentation, consistency and script_references must run (docstrings, `__version__`,
  modules that commands and entry points name); a manifest: consistency and
  script_references; package.json: documentation; an automation file (Makefile, tox.ini,
  noxfile.py, CI workflows, pre-commit, a shell script): script_references;
- a file added or deleted (either side of a rename), whatever it is: documentation,
  consistency and script_references must run (a link, a command or a path in the docs may name
  it).

Step time is weighted by the median durations of a metrics history (`--durations TARGET`, e.g.
a project the full workflow ran on) or else by the registry's estimates.

    python bench/bench_replay.py [--via cli|api] [--durations TARGET] [--json]

`--real` replays the real history of real projects instead (flask and cobra from
`../shared/data/repos/`): for each of N consecutive first-parent commits, an incremental run
(`--smart-execution`, the step cache, test selection when the CLI offers `--all-tests`; the work
directory carried from commit to commit, after a seed run at the commit before the first, not
counted, that runs every step with `--smart-execution --no-skip` and so records the first test
map) and
a full run at the same commit in a second clone (`--no-step-cache`, no smart execution,
`--all-tests` when offered, a fresh work directory). Every step result of the incremental run
is compared with the full run's: the outcome (ok, failed, skipped) and the findings (rule,
severity, path, line, message without paths, run ids, times and addresses). A step smart
execution skipped stands for the result it last had in the incremental chain. A difference in
a reused or skipped step is a wrong result; one in a step that ran is listed apart. Reported
per change type (the tool's own classification): incremental step time / full step time
(wall time: the issue's figure). Beside it, CPU time, which the machine's load moves less:
the steps' (`cpu_s` in the run summary: the run's process and the commands it waited for,
during each step; absent from an ai-workflow that does not report it) and the whole runs'
(start-up, planning and reports too: this process's waited-for children around each run),
per change type, per step and in total, with the load averages at the end.
Findings about the last commit's change (code changed without docs, test candidates ranked by
it) are not carried by a skip. Each clone gets the project's own environment (flask: the
virtual environment of its label file, prepared as precision.py does; cobra: its Go modules
from Debian's golang-*-dev packages through a go.work beside the clone, as no Go module proxy
is reachable here) and, unless `--as-found`, the deselection of the tests that fail only on
this machine (flask: one, through PYTEST_ADDOPTS; cobra: two, through a `go test -exec`
wrapper in GOFLAGS).

    python bench/bench_replay.py --real [--projects flask,cobra] [--commits 20] [--as-found]
        [--end REF] [--work DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _common import (
    DEFAULT_REPOS,
    GIT,
    REPO_ROOT,
    WORKFLOW,
    clone_bundle,
    machine,
    normalise,
    prepare_project,
    run_summary,
    workflow_json,
)
from precision import LABELS_DIR, read_labels

from ai_workflow.changes import build_skip_policy
from ai_workflow.config import Config
from ai_workflow.engine.metrics import median_durations, read_history
from ai_workflow.engine.registry import build_registry
from ai_workflow.engine.step import StepSpec
from ai_workflow.steps import builtin_steps

DATA = REPO_ROOT.parent / "shared" / "data" / "itsdangerous-history.jsonl"

# The oracle: deliberately its own small rules, not ai-workflow's classifier or step inputs.
DOC_DIRS = ("docs/", "doc/", "documentation/")
ROOT_DOC_STEMS = (
    "readme", "changes", "changelog", "history", "news", "license", "licence", "copying",
    "authors", "contributing", "code_of_conduct", "security",
)  # fmt: skip
ROOT_DOC_SUFFIXES = (".md", ".rst", ".txt")
DOCS_BUILD_CONFIG = (".readthedocs.yaml", ".readthedocs.yml", "mkdocs.yml", "mkdocs.yaml")
MANIFESTS = (
    "pyproject.toml", "setup.py", "setup.cfg", "Pipfile", "MANIFEST.in", "package.json",
    "go.mod", "go.sum", "Cargo.toml", "Gemfile", "pom.xml", "build.gradle", "composer.json",
)  # fmt: skip
LOCKFILE_SUFFIXES = (".lock", "-lock.json", "-lock.yaml", ".lockb")
SOURCE_SUFFIXES = (".py", ".js", ".ts", ".go", ".rs", ".sh", ".rb", ".java")
TEST_DIRS = frozenset({"tests", "test", "testing", "spec", "__tests__"})
TEST_NAMES = frozenset({"tests.py", "test.py", "conftest.py"})
TEST_NAME_MARKERS = ("_test.", ".test.", ".spec.", "_spec.")
COVERAGE_REPORTS = frozenset(
    {".coverage", "coverage.xml", "cobertura.xml", "lcov.info", "coverage-summary.json"}
)


def test_review_opens(path: str) -> bool:
    """Sources, tests and coverage reports: what a review of the test suite reads."""
    *dirs, name = path.split("/")
    return (
        path.endswith(SOURCE_SUFFIXES)
        or bool(TEST_DIRS.intersection(dirs))
        or name in TEST_NAMES
        or (name.startswith("test_") and name.endswith(SOURCE_SUFFIXES))
        or any(marker in name for marker in TEST_NAME_MARKERS)
        or name in COVERAGE_REPORTS
    )


def is_manifest(path: str) -> bool:
    """Dependency manifests and lockfiles, wherever they are."""
    name = path.rsplit("/", 1)[-1]
    if name in MANIFESTS or name.endswith(LOCKFILE_SUFFIXES):
        return True
    requirements = name.startswith("requirements") or name.endswith("-requirements.txt")
    return (requirements or path.startswith("requirements/")) and name.endswith((".txt", ".in"))


def is_documentation(path: str) -> bool:
    """Files only people (and the docs build) read: no test of the project reads them."""
    if path.startswith(DOC_DIRS):
        return True
    if "/" in path or is_manifest(path) or path.endswith(SOURCE_SUFFIXES):
        return False
    lower = path.lower()
    return (
        lower.startswith(ROOT_DOC_STEMS)
        or lower.endswith(ROOT_DOC_SUFFIXES)
        or lower in DOCS_BUILD_CONFIG
    )


ALWAYS_RUN = frozenset(
    {"pre_analysis", "directory_structure", "context_analysis", "git_finalization"}
)
DOC_TEXT_SUFFIXES = (".md", ".markdown", ".rst", ".txt")
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".mkdn")
MARKDOWN_LINT_CONFIG = (".markdownlint", ".pymarkdown", ".mdlrc")
AUTOMATION_NAMES = frozenset(
    {"Makefile", "makefile", "GNUmakefile", "justfile", "tox.ini", "noxfile.py", "Taskfile.yml",
     ".pre-commit-config.yaml", ".gitlab-ci.yml", ".travis.yml", "appveyor.yml"}
)  # fmt: skip
AUTOMATION_DIRS = (".github/", ".circleci/", "scripts/", "script/", "bin/")
LISTING_STATUSES = frozenset({"A", "D"})


def is_test(path: str) -> bool:
    """A test file: in a test directory, or named like a test."""
    *dirs, name = path.split("/")
    return (
        bool(TEST_DIRS.intersection(dirs))
        or name in TEST_NAMES
        or name.startswith("test_")
        or any(marker in name for marker in TEST_NAME_MARKERS)
    )


def must_run(path: str, status: str = "M") -> set[str]:
    """The steps a change to `path` (git status letter `status`) must not skip."""
    name = path.rsplit("/", 1)[-1]
    steps = set(ALWAYS_RUN)
    source = path.endswith(SOURCE_SUFFIXES)
    text = path.lower().endswith(DOC_TEXT_SUFFIXES) and not is_manifest(path)
    doc_text = is_documentation(path) or text
    if not is_documentation(path):
        steps.add("test_execution")
    if test_review_opens(path) and not path.startswith(DOC_DIRS):
        steps |= {"test_review", "test_generation"}
    if is_manifest(path) or path.endswith((".py", ".pyi")):
        steps.add("dependencies")
    if source:
        steps.add("code_quality")
    if path.lower().endswith(MARKDOWN_SUFFIXES) or name.startswith(MARKDOWN_LINT_CONFIG):
        steps.add("markdown_lint")
    if name == "pyproject.toml":
        steps.add("markdown_lint")  # [tool.pymarkdown]
    if doc_text or (source and not is_test(path)) or status in LISTING_STATUSES:
        steps |= {"documentation", "consistency", "script_references"}
    if is_manifest(path):
        steps |= {"consistency", "script_references"}
    if name == "package.json":
        steps.add("documentation")
    if name in AUTOMATION_NAMES or path.startswith(AUTOMATION_DIRS) or name.endswith(".sh"):
        steps.add("script_references")
    return steps


def load_history(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def touched(commit: dict[str, Any]) -> dict[str, str]:
    """Every path the commit changed, with its status: a rename deletes the old side and adds
    the new one, a copy adds the new side."""
    paths: dict[str, str] = {}
    for change in commit["files"]:
        status = change["status"][:1]
        paths[change["path"]] = "A" if status in ("R", "C") else status
        if status == "R" and change.get("old"):
            paths[change["old"]] = "D"
    return paths


def _content(path: str, commit: str) -> bytes:
    if path.endswith(".toml"):  # keep manifests parseable, as in the real project
        return f'# {commit}\n[project]\nname = "replay"\n'.encode()
    return f"# {path} at {commit}\n".encode()


def fast_import_stream(history: list[dict[str, Any]]) -> Iterator[bytes]:
    for number, commit in enumerate(history, start=1):
        message = commit["subject"].encode()
        yield f"commit refs/heads/main\nmark :{number}\n".encode()
        yield f"committer replay <replay@example.invalid> {1_300_000_000 + number} +0000\n".encode()
        yield f"data {len(message)}\n".encode() + message + b"\n"
        for change in commit["files"]:
            status, path = change["status"], change["path"]
            if status == "D":
                yield f"D {path}\n".encode()
                continue
            if status == "R" and change.get("old"):
                yield f"D {change['old']}\n".encode()
            body = _content(path, commit["commit"])
            yield f"M 100644 inline {path}\ndata {len(body)}\n".encode() + body + b"\n"


def build_repo(root: Path, history: list[dict[str, Any]]) -> list[str]:
    """The replayed repository; returns the commit id of every history entry, in order."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    marks = root / ".git" / "replay-marks"
    subprocess.run(
        [*GIT, "-C", str(root), "fast-import", "--quiet", f"--export-marks={marks}"],
        input=b"".join(fast_import_stream(history)),
        check=True,
    )
    by_mark = dict(line.split() for line in marks.read_text().splitlines())
    (root / ".git" / "info" / "exclude").write_text(".ai_workflow/\n")
    return [by_mark[f":{n}"] for n in range(1, len(history) + 1)]


def decide_cli(root: Path) -> dict[str, Any]:
    summary = run_summary(root, "--smart-execution", "--dry-run")
    changes = summary.get("changes") or {}
    decisions = {
        s["id"]: s.get("reason") if s["status"] == "skipped" else None for s in summary["steps"]
    }
    return {"changes": changes, "skips": decisions}


def decide_api(root: Path, specs: list[StepSpec]) -> dict[str, Any]:
    plan = build_skip_policy(root, Config(), specs, [], environ={})
    return {
        "changes": plan.to_dict(limit=None),
        "skips": {s.id: plan.skip_reason(s) for s in specs},
    }


def cli_reports_decisions(root: Path) -> bool:
    changes = decide_cli(root)["changes"]
    return bool(changes.get("decisions"))


class Tally:
    def __init__(self, weights: dict[str, float]) -> None:
        self.weights = weights
        self.commits: dict[str, int] = defaultdict(int)
        self.steps: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # skipped, total
        self.time: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        self.false_skips: list[str] = []
        self.detection_errors: list[str] = []

    def add(self, change_type: str, skips: dict[str, str | None]) -> None:
        self.commits[change_type] += 1
        for key in (change_type, "all"):
            for step, reason in skips.items():
                self.steps[key][1] += 1
                self.time[key][1] += self.weights.get(step, 0.0)
                if reason:
                    self.steps[key][0] += 1
                    self.time[key][0] += self.weights.get(step, 0.0)

    def rows(self) -> list[dict[str, Any]]:
        order = sorted(self.commits, key=lambda t: -self.commits[t])
        return [
            {
                "change_type": key,
                "commits": self.commits[key] if key != "all" else sum(self.commits.values()),
                "steps_skipped": round(self.steps[key][0] / max(1, self.steps[key][1]), 4),
                "time_skipped": round(self.time[key][0] / max(1e-9, self.time[key][1]), 4),
            }
            for key in [*order, "all"]
        ]


def verify(sha: str, truth: dict[str, str], decision: dict[str, Any], tally: Tally) -> None:
    changes = decision["changes"]
    if changes.get("known"):
        listed = {p for paths in changes.get("files", {}).values() for p in paths}
        if changes.get("file_count") != len(truth) or not listed <= set(truth):
            tally.detection_errors.append(sha)
    for step, reason in decision["skips"].items():
        if not reason:
            continue
        culprit = next((p for p in sorted(truth) if step in must_run(p, truth[p])), None)
        if culprit is not None:
            tally.false_skips.append(f"{sha[:7]} skipped {step} though {culprit} changed")


def weights_for(args: argparse.Namespace, specs: list[StepSpec]) -> tuple[dict[str, float], str]:
    if args.durations:
        target = Path(args.durations)
        medians = median_durations(read_history(target), 10)
        if medians:
            return medians, f"median step durations measured on {target}"
    return {s.id: s.estimate_s for s in specs}, "registry estimates"


def replay(args: argparse.Namespace) -> dict[str, Any]:
    history = load_history(DATA)
    specs = build_registry(builtin_steps(), Config().workflow).specs  # as the CLI declares them
    weights, weight_source = weights_for(args, specs)
    tally = Tally(weights)
    with tempfile.TemporaryDirectory(prefix="bench-replay-") as tmp:
        root = Path(tmp) / "itsdangerous"
        commits = build_repo(root, history)
        via = args.via
        start = time.perf_counter()
        for number, (entry, sha) in enumerate(zip(history, commits, strict=True)):
            subprocess.run(
                ["git", "-C", str(root), "checkout", "-q", "-f", "-B", "replay", sha], check=True
            )
            if via == "auto":
                via = "cli" if cli_reports_decisions(root) else "api"
            decision = decide_cli(root) if via == "cli" else decide_api(root, specs)
            tally.add(decision["changes"].get("change_type", "unknown"), decision["skips"])
            if number > 0:
                verify(sha, touched(entry), decision, tally)
        elapsed = time.perf_counter() - start
    return {
        "commits": len(history),
        "via": via,
        "weights": weight_source,
        "seconds": round(elapsed, 1),
        "rows": tally.rows(),
        "false_skips": tally.false_skips,
        "detection_errors": tally.detection_errors,
    }


# --------------------------------------------------------------------------- real history

OUTCOME = {"passed": "ok", "warning": "ok", "reused": "ok", "interrupted": "failed"}
"""A reused result is one that passed (with or without warnings): compared as "ok"."""
ABOUT_THE_RUN = frozenset({"context/steps-not-run"})
"""Findings that describe the run (which steps it skipped), not the project: not compared."""
ABOUT_THE_LAST_COMMIT = frozenset(
    {"docs/code-changed-without-docs", "docs/review-doc",  # what the last commit changed
     "tests/untested-function", "tests/untested-class"}  # ranked by what it changed
)  # fmt: skip
"""Findings about the last commit's change (step 0's changed files): a skipped step stands for
its last result without them (the change they were about is no longer the last one); they are
compared where the step ran or was reused (the step cache keys on the changed files)."""

GO_SOURCES = Path("/usr/share/gocode/src")  # Debian's golang-*-dev packages
GO_DEBIAN_PACKAGES = (
    "golang-go golang-github-spf13-pflag-dev golang-github-cpuguy83-go-md2man-v2-dev "
    "golang-github-russross-blackfriday-v2-dev golang-github-inconshreveable-mousetrap-dev "
    "golang-gopkg-yaml.v3-dev"
)
GO_MODULES = {  # module cobra requires -> (Debian source directory, module path it declares)
    "github.com/spf13/pflag": "github.com/spf13/pflag",
    "github.com/cpuguy83/go-md2man/v2": "github.com/cpuguy83/go-md2man/v2",
    "github.com/russross/blackfriday/v2": "github.com/russross/blackfriday/v2",
    "github.com/inconshreveable/mousetrap": "github.com/inconshreveable/mousetrap",
    "gopkg.in/yaml.v3": "gopkg.in/yaml.v3",
    "go.yaml.in/yaml/v3": "gopkg.in/yaml.v3",  # the same code under its new module path
}


@dataclass(frozen=True)
class RealProject:
    name: str
    bundle: str
    branch: str
    prepare: str | None = None  # shell command run in each clone (its own environment)
    go: bool = False  # Go modules from Debian's packages, through a go.work outside the clone
    machine_fixes: tuple[tuple[str, str], ...] = ()  # environment for tests this machine fails


FLASK_MACHINE_FIXES = (
    # Fails with the Werkzeug installed here at every commit before 7ef2946 (which removed it):
    # the run fails, and smart execution rightly re-runs the suite after every failure.
    ("PYTEST_ADDOPTS", "--deselect tests/test_reqctx.py::test_bad_environ_raises_bad_request"),
)


def real_projects() -> dict[str, RealProject]:
    flask = read_labels(LABELS_DIR / "flask.tsv").header  # prepared as precision.py does
    return {
        "flask": RealProject(
            "flask",
            flask["bundle"],
            flask["branch"],
            flask.get("prepare"),
            False,
            FLASK_MACHINE_FIXES,
        ),
        "cobra": RealProject("cobra", "cobra.bundle", "main", go=True),
    }


def go_modules(work: Path) -> Path | None:
    """Cobra's dependencies from Debian's packages (no Go module proxy here), each as a
    module directory, or None when the packages are absent. pflag 1.0.6 gets the
    `ParseErrorsAllowlist` name that pflag 1.0.8 gave `ParseErrorsWhitelist`."""
    mods = work / "go-modules"
    if mods.is_dir():
        return mods
    if not all((GO_SOURCES / source).is_dir() for source in GO_MODULES.values()):
        return None
    for module, source in GO_MODULES.items():
        dest = mods / module
        shutil.copytree(GO_SOURCES / source, dest)
        for test in dest.glob("*_test.go"):
            test.unlink()
        declared = dest / "go.mod"
        if not declared.is_file() or f"module {module}\n" not in declared.read_text():
            declared.write_text(f"module {module}\n\ngo 1.16\n")  # the path cobra requires
    pflag = mods / "github.com/spf13/pflag"
    flag = pflag / "flag.go"
    text = flag.read_text().replace(
        "\tParseErrorsWhitelist ParseErrorsWhitelist\n",
        "\tParseErrorsWhitelist ParseErrorsWhitelist\n"
        "\tParseErrorsAllowlist ParseErrorsAllowlist\n",
    )
    flag.write_text(
        text.replace(
            "case f.ParseErrorsWhitelist.UnknownFlags:",
            "case f.ParseErrorsWhitelist.UnknownFlags || f.ParseErrorsAllowlist.UnknownFlags:",
        )
    )
    (pflag / "allowlist.go").write_text(
        "package pflag\n\ntype ParseErrorsAllowlist = ParseErrorsWhitelist\n"
    )
    return mods


GO_MACHINE_FAILURES = ("TestGenManSeeAlso", "TestFailGenFishCompletionFile")
"""Cobra's tests that fail only on this machine: Debian's go-md2man 2.0.2 renders the SEE ALSO
section differently, and a file the test makes unwritable is writable to root."""


def go_machine_fixes(work: Path) -> tuple[tuple[str, str], ...]:
    """`go test -exec` through a wrapper that runs each test binary without the tests in
    GO_MACHINE_FAILURES (go 1.19 has no -skip): it lists the binary's tests (those the run's own
    `-run` pattern matches, when test selection gives one) and runs the rest."""
    wrapper = work / "go-test-without-machine-failures.sh"
    drop = " ".join(f"-e {name}" for name in GO_MACHINE_FAILURES)
    wrapper.write_text(
        "#!/bin/sh\n"
        'bin="$1"; shift\n'
        "run='.*'\n"
        'for a in "$@"; do shift; case "$a" in -test.run=*) run="${a#-test.run=}";; '
        '*) set -- "$@" "$a";; esac; done\n'
        f'keep=$("$bin" -test.list "$run" | grep -v -x {drop} | paste -sd\'|\' -)\n'
        '[ -n "$keep" ] || exec "$bin" -test.run \'^$\' "$@"\n'
        'exec "$bin" -test.run "^($keep)\\$" "$@"\n'
    )
    wrapper.chmod(0o755)
    return (("GOFLAGS", f"-exec={wrapper}"),)


def go_workspace(clone: Path, mods: Path) -> dict[str, str]:
    """The environment that builds `clone` with the local modules: a go.work beside it."""
    work = clone.parent / f"{clone.name}.go.work"
    lines = ["go 1.19", "", f"use {clone}", ""]
    lines += [f"replace {module} => {mods / module}" for module in GO_MODULES]
    work.write_text("\n".join(lines) + "\n")
    return {"GOWORK": str(work), "GOPROXY": "off", "GOFLAGS": ""}


def git_out(clone: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(clone), *args], capture_output=True, text=True)
    return done.stdout.strip()


def switch(clone: Path, sha: str) -> None:
    """Check out `sha` on a branch (a detached HEAD has no base for smart execution)."""
    subprocess.run(
        ["git", "-C", str(clone), "checkout", "-q", "-f", "-B", "replay", sha], check=True
    )


def supports_all_tests() -> bool:
    """Whether this ai-workflow selects tests (it then offers `--all-tests` to run them all)."""
    done = subprocess.run([*WORKFLOW, "run", "--help"], capture_output=True, text=True)
    return "--all-tests" in done.stdout


@dataclass(frozen=True)
class StepOutcome:
    outcome: str
    findings: tuple[tuple[Any, ...], ...]


def step_outcomes(summary: dict[str, Any]) -> dict[str, StepOutcome]:
    """Each step's outcome and findings, without what differs between checkouts and runs."""
    target = summary["target"]
    outcomes = {}
    for step in summary["steps"]:
        findings = sorted(
            (
                f["rule"],
                f["severity"],
                f.get("path") or "",
                f.get("line") or 0,
                normalise(f["message"], target),
            )
            for f in step["findings"]
            if f["rule"] not in ABOUT_THE_RUN
        )
        status = step["status"]
        outcomes[step["id"]] = StepOutcome(OUTCOME.get(status, status), tuple(findings))
    return outcomes


def smart_skips(summary: dict[str, Any]) -> set[str]:
    """The steps this run's smart execution skipped."""
    decisions = (summary.get("changes") or {}).get("decisions") or {}
    return {
        s["id"]
        for s in summary["steps"]
        if s["status"] == "skipped" and (decisions.get(s["id"]) or {}).get("decision") == "skip"
    }


def step_time(summary: dict[str, Any], key: str = "duration_s") -> float:
    return sum(s.get(key) or 0.0 for s in summary["steps"])


def step_cpu(summary: dict[str, Any]) -> float | None:
    """The steps' CPU time (`cpu_s`: the run's process and the commands it waited for, during
    each step), or None when this ai-workflow does not report it."""
    if not any("cpu_s" in s for s in summary["steps"]):
        return None
    return step_time(summary, "cpu_s")


def children_cpu() -> float:
    """CPU seconds (user + system) of this process's waited-for children so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_json(target: Path, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """`workflow_json`, with the CPU time of the whole run (its process and every command it
    waited for) as `_process_cpu_s`."""
    before = children_cpu()
    summary = workflow_json(target, *args, env=env)
    summary["_process_cpu_s"] = round(children_cpu() - before, 3)
    return summary


def per_step_time(
    incremental: dict[str, Any], full: dict[str, Any], key: str = "duration_s"
) -> dict[str, list[float]]:
    """Each step's time (`key`) in the incremental run and in the full run, in seconds."""
    out: dict[str, list[float]] = {}
    for index, summary in enumerate((incremental, full)):
        for step in summary["steps"]:
            times = out.setdefault(step["id"], [0.0, 0.0])
            times[index] = round(step.get(key) or 0.0, 3)
    return out


def test_selection_of(summary: dict[str, Any]) -> dict[str, Any] | None:
    """What the incremental run's test step selected (mode, reason, tests), if it ran."""
    if not summary.get("selection") and not summary.get("tests"):
        return None
    return {"selection": summary.get("selection"), "tests": summary.get("tests")}


def difference(mine: StepOutcome | None, full: StepOutcome | None) -> str | None:
    """What differs between a result and the full run's, or None."""
    if mine is None or full is None:
        return None if mine == full else "absent in one run"
    parts = []
    if mine.outcome != full.outcome:
        parts.append(f"outcome {mine.outcome} vs full {full.outcome}")
    extra = sorted(set(mine.findings) - set(full.findings))
    missing = sorted(set(full.findings) - set(mine.findings))
    if extra:
        parts.append(f"{len(extra)} finding(s) not in the full run, e.g. {_show(extra[0])}")
    if missing:
        parts.append(f"{len(missing)} finding(s) of the full run missing, e.g. {_show(missing[0])}")
    if not parts and mine.findings != full.findings:
        parts.append("the same findings a different number of times")
    return "; ".join(parts) or None


def _show(finding: tuple[Any, ...]) -> str:
    rule, severity, path, line, message = finding
    return f"{severity} {rule} {path}:{line} {message[:120]!r}"


@dataclass
class Category:
    commits: int = 0
    incremental_s: float = 0.0
    full_s: float = 0.0
    steps: int = 0
    skipped: int = 0
    reused: int = 0
    incremental_cpu_s: float = 0.0
    full_cpu_s: float = 0.0
    incremental_process_cpu_s: float = 0.0
    full_process_cpu_s: float = 0.0
    cpu_known: bool = True


@dataclass
class RealTally:
    """Step time per change type, and every incremental result that differs from the full one."""

    carried: dict[str, StepOutcome] = field(default_factory=dict)
    categories: dict[str, Category] = field(default_factory=lambda: defaultdict(Category))
    compared: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    wrong: list[str] = field(default_factory=list)  # a reused or skipped step
    ran_differences: list[str] = field(default_factory=list)
    commits: list[dict[str, Any]] = field(default_factory=list)

    def seed(self, summary: dict[str, Any]) -> None:
        self.carried = step_outcomes(summary)

    def add(self, sha: str, incremental: dict[str, Any], full: dict[str, Any]) -> dict[str, Any]:
        change_type = (incremental.get("changes") or {}).get("change_type") or "unknown"
        mine, theirs, skipped = (
            step_outcomes(incremental),
            step_outcomes(full),
            smart_skips(incremental),
        )
        row: dict[str, Any] = {"commit": sha, "change_type": change_type}
        row.update(ran=0, reused=0, skipped=0)
        problems: list[str] = []
        row["problems"] = problems
        for step_id in theirs.keys() | mine.keys():
            full_result = theirs.get(step_id)
            if step_id in skipped:
                how, result = "skipped", _tree_only(self.carried.get(step_id))
                full_result = _tree_only(full_result)
            else:
                how = (
                    "reused"
                    if mine[step_id].outcome == "ok" and _reused(incremental, step_id)
                    else "ran"
                )
                result = self.carried[step_id] = mine[step_id]
            row[how] += 1
            self.compared[how] += 1
            problem = difference(result, full_result)
            if problem:
                text = f"{sha[:7]} {change_type} {step_id} ({how}): {problem}"
                (self.ran_differences if how == "ran" else self.wrong).append(text)
                problems.append(text)
        row["incremental_s"], row["full_s"] = step_time(incremental), step_time(full)
        row["steps_s"] = per_step_time(incremental, full)
        row["incremental_cpu_s"], row["full_cpu_s"] = step_cpu(incremental), step_cpu(full)
        row["steps_cpu_s"] = per_step_time(incremental, full, "cpu_s")
        row["incremental_process_cpu_s"] = incremental.get("_process_cpu_s")
        row["full_process_cpu_s"] = full.get("_process_cpu_s")
        row["selection"] = test_selection_of(incremental)
        for key in (change_type, "all"):
            cat = self.categories[key]
            cat.commits += 1
            cat.incremental_s += row["incremental_s"]
            cat.full_s += row["full_s"]
            if row["incremental_cpu_s"] is None or row["full_cpu_s"] is None:
                cat.cpu_known = False
            else:
                cat.incremental_cpu_s += row["incremental_cpu_s"]
                cat.full_cpu_s += row["full_cpu_s"]
            cat.incremental_process_cpu_s += row["incremental_process_cpu_s"] or 0.0
            cat.full_process_cpu_s += row["full_process_cpu_s"] or 0.0
            cat.steps += len(mine)
            cat.skipped += row["skipped"]
            cat.reused += row["reused"]
        self.commits.append(row)
        return row

    def rows(self) -> list[dict[str, Any]]:
        order = sorted(
            (k for k in self.categories if k != "all"), key=lambda k: -self.categories[k].commits
        )
        return [
            {
                "change_type": key,
                "commits": cat.commits,
                "incremental_s": round(cat.incremental_s, 2),
                "full_s": round(cat.full_s, 2),
                "ratio": round(cat.incremental_s / cat.full_s, 4) if cat.full_s else None,
                # CPU time: the steps' (`cpu_s`, None when this ai-workflow does not report it)
                # and the whole run's process with its commands (start-up and reports too)
                "incremental_cpu_s": round(cat.incremental_cpu_s, 2) if cat.cpu_known else None,
                "full_cpu_s": round(cat.full_cpu_s, 2) if cat.cpu_known else None,
                "cpu_ratio": (
                    round(cat.incremental_cpu_s / cat.full_cpu_s, 4)
                    if cat.cpu_known and cat.full_cpu_s
                    else None
                ),
                "incremental_process_cpu_s": round(cat.incremental_process_cpu_s, 2),
                "full_process_cpu_s": round(cat.full_process_cpu_s, 2),
                "process_cpu_ratio": (
                    round(cat.incremental_process_cpu_s / cat.full_process_cpu_s, 4)
                    if cat.full_process_cpu_s
                    else None
                ),
                "steps_skipped": cat.skipped,
                "steps_reused": cat.reused,
                "steps": cat.steps,
            }
            for key in [*order, "all"]
            if (cat := self.categories[key]).commits
        ]


def _tree_only(result: StepOutcome | None) -> StepOutcome | None:
    if result is None:
        return None
    kept = tuple(f for f in result.findings if f[0] not in ABOUT_THE_LAST_COMMIT)
    return StepOutcome(result.outcome, kept)


def _reused(summary: dict[str, Any], step_id: str) -> bool:
    return any(s["id"] == step_id and s["status"] == "reused" for s in summary["steps"])


def replay_real(
    project: RealProject,
    commits: int,
    work: Path,
    repos: Path,
    end: str | None = None,
    machine_fixes: bool = True,
) -> dict[str, Any]:
    """Replay `commits` consecutive first-parent commits of `project` ending at `end`."""
    incremental, full = work / f"{project.name}-incremental", work / f"{project.name}-full"
    env: dict[Path, dict[str, str]] = {}
    mods = go_modules(work) if project.go else None
    if project.go and mods is None:  # every `go list` would fail and no test would run
        print(
            f"bench_replay: {project.name}'s Go modules are missing ({GO_SOURCES} has not all "
            f"of {', '.join(sorted(set(GO_MODULES.values())))}): apt-get install "
            f"{GO_DEBIAN_PACKAGES}",
            file=sys.stderr,
        )
        raise SystemExit(2)
    for clone in (incremental, full):
        if clone.exists():
            shutil.rmtree(clone)
        clone_bundle(repos / project.bundle, project.branch, clone)
        with (clone / ".git" / "info" / "exclude").open("a") as exclude:
            exclude.write(".venv/\n")
        if project.prepare:
            prepare_project(clone, project.prepare)
        env[clone] = go_workspace(clone, mods) if mods else {}
        if machine_fixes:
            env[clone].update(project.machine_fixes)
            if project.go:
                env[clone].update(go_machine_fixes(work))
    tip = end or project.branch
    shas = git_out(incremental, "rev-list", "--first-parent", f"-n{commits + 1}", tip).split()
    shas.reverse()
    all_tests = ("--all-tests",) if supports_all_tests() else ()
    tally = RealTally()
    for clone in (incremental, full):
        switch(clone, shas[0])
    # the seed run (not counted) runs every step, as smart runs: with test selection it records
    # the first test map, as the run before any smart run of a chain would
    seed_flags = ("--smart-execution", "--no-skip") if all_tests else ()
    tally.seed(run_json(incremental, *seed_flags, env=env[incremental]))
    for sha in shas[1:]:
        for clone in (incremental, full):
            switch(clone, sha)
        inc = run_json(incremental, "--smart-execution", env=env[incremental])
        shutil.rmtree(full / ".ai_workflow", ignore_errors=True)
        whole = run_json(full, "--no-step-cache", *all_tests, env=env[full])
        row = tally.add(sha, inc, whole)
        print(
            f"  [{project.name}] {sha[:7]} {row['change_type']:<12} incremental "
            f"{row['incremental_s']:6.2f}s full {row['full_s']:6.2f}s  ran {row['ran']:>2} "
            f"reused {row['reused']:>2} skipped {row['skipped']:>2}  "
            f"differences {len(row['problems'])}  process CPU "
            f"{row['incremental_process_cpu_s']:.1f}s / {row['full_process_cpu_s']:.1f}s",
            file=sys.stderr,
        )
        print(f"      {_slowest(row)}", file=sys.stderr)
        for problem in row["problems"]:
            print(f"      {problem}", file=sys.stderr)
    return {
        "project": project.name,
        "commits": len(shas) - 1,
        "first": shas[1] if len(shas) > 1 else None,
        "last": shas[-1],
        "test_selection": bool(all_tests),
        "go_modules": "debian" if mods else ("absent" if project.go else None),
        "machine_fixes": dict(project.machine_fixes) if machine_fixes else {},
        "rows": tally.rows(),
        "compared": dict(tally.compared),
        "wrong": tally.wrong,
        "ran_differences": tally.ran_differences,
        "per_commit": tally.commits,
        "per_step": per_step_totals(tally.commits),
    }


def per_step_totals(rows: list[dict[str, Any]]) -> dict[str, dict[str, float | None]]:
    """Each step's wall and CPU time summed over the replay, incremental and full, and the
    ratios (CPU: None when this ai-workflow does not report it)."""
    out: dict[str, dict[str, float | None]] = {}
    for step_id in sorted({k for row in rows for k in row["steps_s"]}):
        wall = [sum(row["steps_s"].get(step_id, [0.0, 0.0])[i] for row in rows) for i in (0, 1)]
        cpu_known = all(row["incremental_cpu_s"] is not None for row in rows)
        cpu = [sum(row["steps_cpu_s"].get(step_id, [0.0, 0.0])[i] for row in rows) for i in (0, 1)]
        out[step_id] = {
            "incremental_s": round(wall[0], 3),
            "full_s": round(wall[1], 3),
            "ratio": round(wall[0] / wall[1], 4) if wall[1] else None,
            "incremental_cpu_s": round(cpu[0], 3) if cpu_known else None,
            "full_cpu_s": round(cpu[1], 3) if cpu_known else None,
            "cpu_ratio": round(cpu[0] / cpu[1], 4) if cpu_known and cpu[1] else None,
        }
    return out


def _slowest(row: dict[str, Any]) -> str:
    """The steps that took longest in the incremental run, and what the tests selected."""
    steps = sorted(row["steps_s"].items(), key=lambda kv: -kv[1][0])[:4]
    shown = ", ".join(f"{k} {inc:.2f}/{full:.2f}s" for k, (inc, full) in steps)
    chosen = (row.get("selection") or {}).get("selection") or {}
    tests = (row.get("selection") or {}).get("tests") or {}
    if chosen:
        shown += (
            f"; tests {chosen.get('mode')} {tests.get('selected')}/{tests.get('total')}: "
            f"{str(chosen.get('reason'))[:90]}"
        )
    return shown


def report_real(result: dict[str, Any]) -> None:
    for row in result["rows"]:
        ratio = "n/a" if row["ratio"] is None else f"{row['ratio']:6.1%}"
        print(
            f"  {result['project']:<6} {row['change_type']:<12} {row['commits']:>3} commits  "
            f"step time {row['incremental_s']:7.2f}s / {row['full_s']:7.2f}s = {ratio}  "
            f"skipped {row['steps_skipped']}, reused {row['steps_reused']} of {row['steps']} steps"
            f"  CPU: {_cpu(row)}",
            file=sys.stderr,
        )
    for step_id, times in result["per_step"].items():
        cpu = (
            ""
            if times["cpu_ratio"] is None
            else f"  CPU {times['incremental_cpu_s']:6.2f}s / {times['full_cpu_s']:6.2f}s"
            f" = {times['cpu_ratio']:6.1%}"
        )
        wall = "n/a" if times["ratio"] is None else f"{times['ratio']:6.1%}"
        print(
            f"  {result['project']:<6} {step_id:<20} wall {times['incremental_s']:6.2f}s / "
            f"{times['full_s']:6.2f}s = {wall}{cpu}",
            file=sys.stderr,
        )
    overall = (
        result["rows"][-1] if result["rows"] else {"incremental_s": 0, "full_s": 0, "ratio": None}
    )
    compared = result["compared"]
    ratio = "n/a" if overall["ratio"] is None else f"{overall['ratio']:.1%}"
    print(
        f"bench_replay[{result['project']}]: {result['commits']} commits "
        f"({result['first'][:7] if result['first'] else '-'}..{result['last'][:7]}): incremental "
        f"step time {overall['incremental_s']:.1f}s / full {overall['full_s']:.1f}s = {ratio} "
        f"(target <= 25%; wall time); CPU time (less moved by the machine's load): "
        f"{_cpu(overall)}; load {_load()}; wrong results {len(result['wrong'])} of "
        f"{compared.get('reused', 0)} reused + {compared.get('skipped', 0)} skipped step results "
        f"(target 0); differences in steps that ran {len(result['ran_differences'])} of "
        f"{compared.get('ran', 0)}; test selection "
        f"{'on' if result['test_selection'] else 'not offered by this ai-workflow'}"
        f"{''.join(f'; {k}={v}' for k, v in result['machine_fixes'].items())}"
        f" [{machine()}]"
    )


def _cpu(row: dict[str, Any]) -> str:
    """A row's CPU figures: the steps' CPU and the whole runs' (process and commands)."""
    steps = (
        "steps n/a"
        if row.get("cpu_ratio") is None
        else f"steps {row['incremental_cpu_s']:.1f}s / {row['full_cpu_s']:.1f}s = "
        f"{row['cpu_ratio']:.1%}"
    )
    runs = (
        "runs n/a"
        if not row.get("process_cpu_ratio")
        else f"runs {row['incremental_process_cpu_s']:.1f}s / {row['full_process_cpu_s']:.1f}s = "
        f"{row['process_cpu_ratio']:.1%}"
    )
    return f"{steps}, {runs}"


def _load() -> str:
    """The machine's load averages (1, 5, 15 min) when the replay ended."""
    try:
        return "/".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def main_real(args: argparse.Namespace) -> int:
    projects = real_projects()
    names = args.projects.split(",")
    unknown = [n for n in names if n not in projects]
    if unknown:
        print(
            f"bench_replay: unknown project(s) {', '.join(unknown)}; known: {', '.join(projects)}"
        )
        return 2
    if args.commits < 1:
        print("bench_replay: --commits must be at least 1")
        return 2
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-replay-real-"))
    work.mkdir(parents=True, exist_ok=True)
    results = []
    for name in names:
        fixes = not args.as_found
        result = replay_real(projects[name], args.commits, work, args.repos, args.end, fixes)
        report_real(result)
        results.append(result)
    if args.json:
        print(json.dumps(results, indent=2))
    return 1 if any(r["wrong"] for r in results) else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--via", choices=("auto", "cli", "api"), default="auto")
    parser.add_argument("--durations", metavar="TARGET", help="weight steps by this history")
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    real = parser.add_argument_group("real history (--real)")
    real.add_argument("--real", action="store_true", help="replay real projects' history")
    real.add_argument("--projects", default="flask,cobra", help="comma-separated (flask, cobra)")
    real.add_argument("--commits", type=int, default=20, help="consecutive commits per project")
    real.add_argument("--end", help="last commit to replay (default: the branch's tip)")
    real.add_argument("--repos", type=Path, default=DEFAULT_REPOS, help="where the bundles are")
    real.add_argument("--work", type=Path, help="keep the clones here (default: a temp dir)")
    real.add_argument(
        "--as-found", action="store_true", help="keep the tests that fail only on this machine"
    )
    args = parser.parse_args()
    if args.real:
        sys.exit(main_real(args))
    if not DATA.is_file():
        print(f"bench_replay: skipped, {DATA} is absent")
        return
    result = replay(args)
    for row in result["rows"]:
        print(
            f"  {row['change_type']:<14} {row['commits']:>4} commits  "
            f"steps skipped {row['steps_skipped']:6.1%}  "
            f"step time skipped {row['time_skipped']:6.1%}",
            file=sys.stderr,
        )
    for problem in result["false_skips"][:10] + result["detection_errors"][:10]:
        print(f"  PROBLEM {problem}", file=sys.stderr)
    if args.json:
        print(json.dumps(result, indent=2))
    overall = result["rows"][-1]
    print(
        f"bench_replay: {result['commits']} itsdangerous commits via {result['via']}: "
        f"{overall['time_skipped']:.1%} of step time skipped ({result['weights']}), "
        f"{overall['steps_skipped']:.1%} of step runs; false skips {len(result['false_skips'])}, "
        f"detection mismatches {len(result['detection_errors'])}; {result['seconds']}s "
        f"[{machine()}]"
    )
    if result["false_skips"] or result["detection_errors"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
