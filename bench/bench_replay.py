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
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from _common import GIT, REPO_ROOT, machine, run_summary

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--via", choices=("auto", "cli", "api"), default="auto")
    parser.add_argument("--durations", metavar="TARGET", help="weight steps by this history")
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    args = parser.parse_args()
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
