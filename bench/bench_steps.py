"""The built-in steps on real projects: total time, time per step, and the overhead of steps 7
(test_execution) and 9 (code_quality) against running pytest and ruff directly.

    python bench/bench_steps.py [--modules N] [--repeats N (5)] [--no-self]

1. Generates a Python project of N modules (default 220) with one test file per module in a
   temporary git repository, runs `ai-workflow run --auto --json --no-step-cache` on it
   `--repeats` times, and times `python -m pytest` and `ruff check` run directly there,
   alternating with the workflow.
   Overhead ratio = (test_execution + code_quality step durations) / (pytest + ruff wall times),
   with pytest run directly with the same flags the step gives it (`--junitxml`, so the same
   work is done on both sides; the goal, <= 1.10, is judged on this one) and, for reference,
   bare `pytest`. Best of the repeats (a shared 2-core machine adds noise to single runs) and
   medians.
2. Runs the workflow once on this repository (its test_execution runs this repo's whole suite;
   `--no-self` skips this part).

Every subprocess uses this interpreter and the ruff ai-workflow ships with, so both sides run
the same tools. Prints a table per project and ONE summary line at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
RUFF = str(Path(sys.executable).parent / "ruff")
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
GOAL = 1.10
COMPARED = ("test_execution", "code_quality")


# --------------------------------------------------------------------------- the project


def module_source(index: int) -> str:
    """A plausible module: constants, a dataclass, a few branching functions, docstrings."""
    return textwrap.dedent(
        f'''\
        """Module {index}: arithmetic helpers used by the generated benchmark project."""

        from __future__ import annotations

        from dataclasses import dataclass

        SCALE_{index} = {index % 7 + 1}


        @dataclass
        class Counter{index}:
            """Counts values above a threshold."""

            threshold: int = {index % 5}
            seen: int = 0

            def add(self, value: int) -> bool:
                """Count `value` if it is above the threshold."""
                if value > self.threshold:
                    self.seen += 1
                    return True
                return False


        def scale(value: int) -> int:
            """Multiply by this module's scale."""
            return value * SCALE_{index}


        def classify(value: int) -> str:
            """Name the sign and parity of `value`."""
            if value == 0:
                return "zero"
            sign = "positive" if value > 0 else "negative"
            parity = "even" if value % 2 == 0 else "odd"
            return f"{{sign}}-{{parity}}"


        def total(values: list[int]) -> int:
            """Sum of the scaled values that are even."""
            return sum(scale(v) for v in values if v % 2 == 0)
        '''
    )


def test_source(package: str, module: str, index: int) -> str:
    return textwrap.dedent(
        f'''\
        """Tests for {package}.{module}."""

        from __future__ import annotations

        import pytest

        from {package}.{module} import Counter{index}, classify, scale, total


        def test_scale() -> None:
            assert scale(2) == 2 * {index % 7 + 1}


        @pytest.mark.parametrize(
            ("value", "name"), [(0, "zero"), (3, "positive-odd"), (-4, "negative-even")]
        )
        def test_classify(value: int, name: str) -> None:
            assert classify(value) == name


        def test_total_and_counter() -> None:
            assert total([1, 2, 3, 4]) == scale(6)
            counter = Counter{index}()
            assert counter.add(100) and counter.seen == 1
        '''
    )


def generate_project(root: Path, modules: int) -> Path:
    """A git repository with `modules` modules in sub-packages and one test file for each."""
    package = "benchpkg"
    files: dict[str, str] = {
        "README.md": "# benchpkg\n\nGenerated for `bench/bench_steps.py`.\n\n"
        "## Install\n\n`pip install -e .`\n\n## Usage\n\n`python -m pytest`\n",
        "pyproject.toml": textwrap.dedent(
            f"""\
            [project]
            name = "{package}"
            version = "0.1.0"
            requires-python = ">=3.11"
            dependencies = []

            [project.optional-dependencies]
            dev = ["pytest>=8"]

            [tool.pytest.ini_options]
            testpaths = ["tests"]
            pythonpath = ["src"]
            """
        ),
        ".gitignore": ".ai_workflow/\n__pycache__/\n",
        ".workflow-config.yaml": f"tech_stack:\n  python: {PYTHON}\n",
        f"src/{package}/__init__.py": '"""Generated benchmark package."""\n',
        "tests/__init__.py": "",
    }
    per_package = 20
    for index in range(modules):
        sub, module = f"part{index // per_package:02d}", f"mod{index:03d}"
        files[f"src/{package}/{sub}/__init__.py"] = f'"""Sub-package {sub}."""\n'
        files[f"src/{package}/{sub}/{module}.py"] = module_source(index)
        files[f"tests/test_{module}.py"] = test_source(f"{package}.{sub}", module, index)
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    subprocess.run([*GIT, "-C", str(root), "add", "-A"], check=True)
    subprocess.run([*GIT, "-C", str(root), "commit", "-q", "-m", "generated"], check=True)
    return root


# --------------------------------------------------------------------------- measuring


def timed(
    args: list[str], cwd: Path, env: dict[str, str] | None = None
) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    proc = subprocess.run(
        args,
        cwd=cwd,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
        env={**os.environ, **env} if env else None,
    )
    return time.perf_counter() - start, proc


def workflow_run(
    target: Path, *extra: str, env: dict[str, str] | None = None
) -> tuple[float, dict[str, Any]]:
    """`ai-workflow run --auto --json` as a user runs it, with every step doing its work (no
    results reused from the step cache); (wall seconds, JSON summary)."""
    args = [PYTHON, "-m", "ai_workflow", "run", "--target", str(target), "--auto", "--json"]
    wall, proc = timed([*args, "--no-resume", "--no-step-cache", *extra], REPO_ROOT, env)
    try:
        return wall, json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise SystemExit(f"run failed (exit {proc.returncode}):\n{proc.stderr[-2000:]}") from None


def direct_pytest(target: Path, *extra: str) -> float:
    wall, proc = timed([PYTHON, "-m", "pytest", "-p", "no:cacheprovider", *extra], target)
    if proc.returncode != 0:
        raise SystemExit(f"pytest failed directly:\n{proc.stdout[-2000:]}")
    return wall


def direct_ruff(target: Path) -> float:
    wall, proc = timed([RUFF, "check", "--output-format", "json", "--no-cache", "."], target)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"ruff failed directly:\n{proc.stderr[-2000:]}")
    return wall


def step_durations(summary: dict[str, Any]) -> dict[str, tuple[str, float | None]]:
    return {s["id"]: (s["status"], s.get("duration_s")) for s in summary["steps"]}


def median_steps(summaries: list[dict[str, Any]]) -> dict[str, tuple[str, float | None]]:
    out: dict[str, tuple[str, float | None]] = {}
    for step_id, (status, _) in step_durations(summaries[-1]).items():
        values = [step_durations(s)[step_id][1] for s in summaries]
        numbers = [v for v in values if v is not None]
        out[step_id] = (status, statistics.median(numbers) if numbers else None)
    return out


def print_table(title: str, total: float, steps: dict[str, tuple[str, float | None]]) -> None:
    print(f"\n{title}: total {total:.2f} s")
    print(f"  {'step':<22} {'status':<12} {'seconds':>8}")
    for step_id, (status, seconds) in steps.items():
        shown = f"{seconds:8.2f}" if seconds is not None else "       -"
        print(f"  {step_id:<22} {status:<12} {shown}")


# --------------------------------------------------------------------------- main


def bench_generated(modules: int, repeats: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="bench-steps-") as tmp:
        target = generate_project(Path(tmp) / "benchpkg", modules)
        direct_pytest(target)  # warm-up: bytecode and the OS file cache for both sides
        walls, summaries, pytest_s, ruff_s, junit_s = [], [], [], [], []
        junit = ["-o", "junit_family=xunit1", f"--junitxml={Path(tmp) / 'junit.xml'}"]
        for _ in range(repeats):
            pytest_s.append(direct_pytest(target))
            ruff_s.append(direct_ruff(target))
            junit_s.append(direct_pytest(target, *junit))  # what the step asks pytest to do
            wall, summary = workflow_run(target)
            walls.append(wall)
            summaries.append(summary)
        steps = median_steps(summaries)
    total = statistics.median(walls)
    print_table(f"generated project, {modules} modules + {modules} test files", total, steps)
    compared = [sum(step_durations(s)[i][1] or 0.0 for i in COMPARED) for s in summaries]
    direct = [p + r for p, r in zip(junit_s, ruff_s, strict=True)]
    bare = [p + r for p, r in zip(pytest_s, ruff_s, strict=True)]
    pytest_m, ruff_m = statistics.median(pytest_s), statistics.median(ruff_s)
    print(
        f"  direct: pytest {pytest_m:.2f} s (best {min(pytest_s):.2f}), ruff {ruff_m:.3f} s; "
        f"pytest with the step's --junitxml {statistics.median(junit_s):.2f} s; workflow "
        f"{' + '.join(COMPARED)} {statistics.median(compared):.2f} s (best {min(compared):.2f})"
        f"; medians of {repeats}"
    )
    return {
        "total": total,
        "ratio_median": statistics.median(compared) / statistics.median(direct),
        "ratio_best": min(compared) / min(direct),
        "bare_best": min(compared) / min(bare),
        "bare_median": statistics.median(compared) / statistics.median(bare),
        "tests_ratio": (steps["test_execution"][1] or 0.0) / statistics.median(junit_s),
        "quality_ratio": (steps["code_quality"][1] or 0.0) / ruff_m,
    }


def bench_self() -> float:
    """This repository's own workflow; its tests need the dev extras, which this interpreter
    has (a user sets `tech_stack.python` the same way)."""
    wall, summary = workflow_run(REPO_ROOT, env={"AI_WORKFLOW_TECH_STACK_PYTHON": PYTHON})
    print_table(f"this repository ({REPO_ROOT.name})", wall, step_durations(summary))
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=220)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-self", action="store_true", help="skip the run on this repository")
    args = parser.parse_args()
    if args.modules < 1 or args.repeats < 1:
        parser.error("--modules and --repeats must be at least 1")
    cpus = len(os.sched_getaffinity(0))
    generated = bench_generated(args.modules, args.repeats)
    own = None if args.no_self else bench_self()
    own_text = f"; this repository {own:.1f} s" if own is not None else ""
    best, median = generated["ratio_best"], generated["ratio_median"]
    verdict = "meets" if best <= GOAL else "misses"
    print(
        f"\nbench_steps: {args.modules} modules run {generated['total']:.1f} s; overhead "
        f"test_execution+code_quality vs the same pytest+ruff commands = {best:.3f} best of "
        f"{args.repeats}, {median:.3f} median ({verdict} goal <= {GOAL}; vs bare pytest "
        f"{generated['bare_best']:.3f} best, {generated['bare_median']:.3f} median; median "
        f"tests {generated['tests_ratio']:.3f}, quality {generated['quality_ratio']:.2f})"
        f"{own_text} [{cpus} cores, Python {sys.version.split()[0]}]"
    )


if __name__ == "__main__":
    main()
