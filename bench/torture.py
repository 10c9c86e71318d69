"""Torture test: randomized damage and hostile input for a bounded time; one summary line.

Trials, drawn at random (seeded) until `--seconds` are used up:

- kill9: a run whose custom steps leave process groups running (background children, a
  `setsid` escapee), sequential or parallel, killed with SIGKILL at a random moment; then the
  next run. Orphans: processes of the killed run still alive 5 s later.
- corrupt: a state file of a target that has run (history, live run, checkpoint, lock, pid,
  step-cache entries, tool versions, the AI cache and its directories) damaged one way
  (truncated, garbage, empty, a directory, a FIFO, a symlink out of the target, wrongly typed
  or non-finite JSON); then `run`, `metrics`, `cache stats`, `cache prune`, `cache clear`.
- config: a malformed configuration from a generator (random keys of the schema with hostile
  values, huge numbers, deep nesting, duplicate keys, bad syntax, TOML for `--config` and
  pyproject.toml); then `run --dry-run` and `cache stats`: exit 0 or 2, nothing else.
- secrets: random secrets of every form redaction knows planted in a changed file (so in the
  diff), a failing test's output, secret files (.env, .netrc) and a symlink out of the target;
  a full run against a local fake provider that records every request. Leaks: a planted
  value found in a request, or in any file under .ai_workflow/ but logs/ (raw tool output).

A trial holds when it gave no traceback, no orphan and no leak. Prints one line:
`torture: N trials (...) in S s: held H, tracebacks T, orphans O, leaks L (seed, machine, date)`.

Usage: .venv-test/bin/python bench/torture.py [--seconds 180] [--seed 1] [--verbose]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import os
import random
import shutil
import signal
import string
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from ai_workflow.ai.cache import ResponseCache, cache_key  # noqa: E402
from ai_workflow.ai.providers.base import ChatRequest, ChatResponse  # noqa: E402
from ai_workflow.cli import main  # noqa: E402
from ai_workflow.config import SECTIONS  # noqa: E402
from ai_workflow.steps import BUILTIN_MODULES  # noqa: E402
from bench._common import git_project, machine  # noqa: E402
from tests.ai.fakes import FakeLLMServer, findings_answer  # noqa: E402

TRACEBACK = "Traceback (most recent call last)"
BUILTINS = [m.SPEC.id for m in BUILTIN_MODULES]


@dataclass
class Outcome:
    kind: str
    tracebacks: int = 0
    orphans: int = 0
    leaks: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def held(self) -> bool:
        return not (self.tracebacks or self.orphans or self.leaks)


# --------------------------------------------------------------------------- helpers


def cli(target: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    """The real command line in a subprocess: (exit code, stderr)."""
    proc = subprocess.run(
        [sys.executable, "-m", "ai_workflow", *args, "--target", str(target)],
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    return proc.returncode, proc.stderr


def in_process(*args: str) -> tuple[int | None, str]:
    """`main(args)` in this process: (exit code or None when it raised, stderr)."""
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        try:
            return main(list(args)), err.getvalue()
        except BaseException as exc:  # what a user would see as a traceback
            return None, f"{err.getvalue()}\n{TRACEBACK}\n{type(exc).__name__}: {exc}"


def custom_config(steps: list[dict[str, Any]], keep: tuple[str, ...] = ()) -> str:
    disable = [s for s in BUILTINS if s not in keep]
    return yaml.safe_dump({"workflow": {"disable": disable, "steps": steps}}, sort_keys=False)


def marked(marker: str) -> list[int]:
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/cmdline", "rb") as handle:
                    if marker.encode() in handle.read():
                        found.append(int(name))
            except OSError:
                continue
    return found


def kill_marked(marker: str) -> None:
    for pid in marked(marker):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def count(outcome: Outcome, code: int | None, err: str, allowed: tuple[int, ...]) -> None:
    if code is None or TRACEBACK in err:
        outcome.tracebacks += 1
        outcome.notes.append(err.strip().splitlines()[-1] if err.strip() else "traceback")
    elif code not in allowed:
        outcome.notes.append(f"exit {code}: {err.strip()[-200:]}")


# --------------------------------------------------------------------------- kill -9


def trial_kill9(rng: random.Random, work: Path) -> Outcome:
    outcome = Outcome("kill9")
    marker = str(rng.randrange(10**8, 10**9))
    hold = f"1000.{marker}"
    steps = [
        {"id": "quick", "run": "true"},
        {"id": "group", "run": f"sleep {hold} & sleep {hold} & wait", "depends_on": ["quick"]},
        {"id": "escape", "run": f"setsid sleep {hold} & sleep {hold}"},
        {"id": "chain", "run": f"sh -c 'sleep {hold}' ; true", "depends_on": ["group"]},
        {"id": "files", "run": "echo data", "inputs": ["README.md"]},
    ]
    repo = git_project(
        work / "kill9", {"README.md": "# k\n", ".workflow-config.yaml": custom_config(steps)}
    )
    parallel = rng.random() < 0.5
    args = ["--parallel", "--jobs", str(rng.randint(2, 4))] if parallel else []
    run = subprocess.Popen(
        [sys.executable, "-m", "ai_workflow", "run", "--target", str(repo), "--auto", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(rng.uniform(0.05, 2.5))
    run.kill()
    run.wait()
    deadline = time.monotonic() + 5
    while marked(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = marked(marker)
    outcome.orphans += len(left)
    if left:
        outcome.notes.append(f"{len(left)} processes left ({'parallel' if parallel else 'seq'})")
    kill_marked(marker)
    (repo / ".workflow-config.yaml").write_text(custom_config(steps[:1]))
    count(outcome, *cli(repo, "run", "--auto"), allowed=(0,))
    return outcome


# --------------------------------------------------------------------------- corrupt state


def _ran_project(work: Path) -> Path:
    """A target after a failed run (a checkpoint left), an AI cache with entries and a step
    cache (custom and built-in steps)."""
    steps = [
        {"id": "a", "run": "echo a", "inputs": ["README.md"]},
        {"id": "bad", "run": "exit 3"},
    ]
    repo = git_project(
        work / "corrupt",
        {
            "README.md": "# c\n\nSee [docs](docs/x.md).\n",
            "docs/x.md": "# x\n",
            "src/c.py": "import os\n",
            ".workflow-config.yaml": custom_config(
                steps, keep=("pre_analysis", "consistency", "code_quality")
            ),
        },
    )
    cli(repo, "run", "--auto")
    cache = ResponseCache(repo / ".ai_workflow" / "ai_cache", ttl_s=3600, max_bytes=10**8)
    for n in range(30):
        request = ChatRequest("openai", None, "m", "s", f"u{n}" * 200, 0.0, 100, "t@1")
        cache.put(cache_key(request), request, ChatResponse(findings_answer(), "m", 5, 5))
    cache.close()
    return repo


STATE_FILES = [
    "metrics/history.jsonl",
    "metrics/current_run.json",
    "checkpoints/*.json",
    "run.lock",
    "run.pid",
    ".gitignore",
    "step_cache/a.json",
    "step_cache/a.files.json",
    "step_cache/consistency.json",
    "step_cache/tool_versions.json",
    "ai_cache/cache.db",
    "ai_cache",
    "metrics",
    "checkpoints",
    "step_cache",
    "logs",
    "backlog",
]


def _mutate_json(rng: random.Random, data: Any) -> Any:
    """`data` with one value somewhere replaced by a wrongly typed or non-finite one."""
    hostile = [None, "abc", 1, -1, 1.5, math.inf, math.nan, [1, "a"], {"x": {}}, True, 10**30]
    if isinstance(data, dict) and data:
        key = rng.choice(list(data))
        if rng.random() < 0.5:
            return {**data, key: _mutate_json(rng, data[key])}
        return {**data, key: rng.choice(hostile)}
    if isinstance(data, list) and data:
        index = rng.randrange(len(data))
        return [*data[:index], _mutate_json(rng, data[index]), *data[index + 1 :]]
    return rng.choice(hostile)


def _damage(rng: random.Random, path: Path, outside: Path) -> str:
    mode = rng.choice(
        ["truncate", "garbage", "empty", "directory", "fifo", "symlink", "json", "json", "json"]
    )
    if not path.parent.is_dir() or path.parent.is_symlink():
        return "skipped (an earlier damage replaced its directory)"
    is_file = path.is_file()
    if mode == "json" and is_file:
        text = path.read_text(errors="replace")
        lines = text.splitlines() or ["{}"]
        index = rng.randrange(len(lines))
        try:
            data = json.loads(lines[index])
        except ValueError:
            data = {}
        lines[index] = json.dumps(_mutate_json(rng, data))  # NaN/Infinity tokens included
        path.write_text("\n".join(lines) + "\n")
        return mode
    if mode in ("truncate", "json") and is_file:
        data = path.read_bytes()
        path.write_bytes(data[: rng.randrange(len(data) + 1)])
        return "truncate"
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
    if mode == "garbage":
        path.write_bytes(bytes(rng.randrange(256) for _ in range(rng.randint(1, 5000))))
    elif mode == "empty":
        path.write_bytes(b"")
    elif mode == "directory":
        (path / "x.json").mkdir(parents=True)
    elif mode == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to(outside)
    return mode


def trial_corrupt(rng: random.Random, work: Path) -> Outcome:
    outcome = Outcome("corrupt")
    repo = _ran_project(work)
    outside = work / "outside.txt"
    outside.write_text("not the tool's\n")
    root = repo / ".ai_workflow"
    for _ in range(rng.randint(1, 3)):
        pattern = rng.choice(STATE_FILES)
        paths = sorted(root.glob(pattern)) or [root / pattern.replace("*", "x")]
        mode = _damage(rng, paths[0], outside)
        outcome.notes.append(f"{pattern}: {mode}")
    for args, allowed in (
        (["run", "--auto"], (0, 1)),
        (["run", "--auto", "--resume"], (0, 1)),
        (["metrics"], (0,)),
        (["cache", "stats"], (0,)),
        (["cache", "prune"], (0,)),
        (["cache", "clear"], (0,)),
    ):
        code, err = cli(repo, *args)
        count(outcome, code, err, allowed)
    if outside.read_text() != "not the tool's\n":
        outcome.tracebacks += 1
        outcome.notes.append("a file outside the target was written through a link")
    return outcome


# --------------------------------------------------------------------------- configurations

HOSTILE_VALUES: list[Any] = [
    True, False, None, 0, -1, 1, 3, 10**30, 1e308, -1e308, math.inf, -math.inf, math.nan,
    "", "x", "3", "1e3", "\x00", "é" * 50, [], [1], ["a"], [["a"]], {}, {"x": 1}, {"a": ["b"]},
    "../../etc", "code", "dcos", "*", 0.5, 2.5,
]  # fmt: skip


def _random_value(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    if depth < 3 and roll < 0.1:
        return [_random_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    if depth < 3 and roll < 0.2:
        return {rng.choice(["id", "run", "x", "code"]): _random_value(rng, depth + 1)}
    return rng.choice(HOSTILE_VALUES)


def _random_config(rng: random.Random) -> dict[str, Any]:
    config: dict[str, Any] = {}
    for _ in range(rng.randint(1, 4)):
        section = rng.choice([*SECTIONS, "nonsense"])
        model = SECTIONS.get(section)
        keys = list(model.model_fields) if model else ["x"]
        key = rng.choice([*keys, "typo_key"])
        value = _random_value(rng)
        if section == "workflow" and key == "steps" and rng.random() < 0.7:
            value = [{"id": "s1", "run": "true", rng.choice(
                ["estimate_s", "timeout_s", "categories", "depends_on", "inputs"]
            ): _random_value(rng)}]  # fmt: skip
        config.setdefault(section, {})[key] = value
    return config


def _config_text(rng: random.Random) -> tuple[str, str]:
    """(file name, text) of a malformed configuration."""
    roll = rng.random()
    data = _random_config(rng)
    if roll < 0.45:
        return ".workflow-config.yaml", yaml.safe_dump(data, allow_unicode=True)
    if roll < 0.55:
        text = yaml.safe_dump(data)
        return ".workflow-config.yaml", text + text.splitlines()[0] + "\n"  # a duplicate key
    if roll < 0.65:
        special = rng.choice(
            [
                "run:\n  jobs: " + "9" * rng.randint(300, 6000) + "\n",
                "project:\n  name: " + "[" * rng.randint(100, 6000) + "\n",
                "ai: {cache_max_mb: .inf}\n",
                "run: [unclosed\n",
                "\ufeffrun:\n\tjobs: 2\n",
                "a: &a [*a]\n",
                "x: !!python/object:os.system echo\n",
                "".join(rng.choice(string.printable) for _ in range(200)),
            ]
        )
        return ".workflow-config.yaml", special
    toml = "".join(
        f"[tool.ai-workflow.{section}]\n"
        + "".join(f"{k} = {json.dumps(v) if isinstance(v, str | bool) else v!r}\n"
                  for k, v in values.items() if not isinstance(v, dict | list | type(None)))
        for section, values in data.items()
    )  # fmt: skip
    extras = [
        "tool = 5\n",
        "[tool]\nai-workflow = 5\n",
        "x = " + "[" * 3000 + "]" * 3000 + "\n",
        "x = " + "7" * 5001 + "\n",
        toml.replace("inf", "inf").replace("nan", "nan"),
    ]
    name = rng.choice(["pyproject.toml", "ci.toml"])
    return name, rng.choice(extras)


def trial_config(rng: random.Random, work: Path, repo: Path) -> Outcome:
    outcome = Outcome("config")
    for stale in (".workflow-config.yaml", "pyproject.toml", "ci.toml"):
        (repo / stale).unlink(missing_ok=True)
    name, text = _config_text(rng)
    (repo / name).write_text(text, encoding="utf-8", errors="surrogateescape")
    extra = ["--config", str(repo / name)] if name == "ci.toml" else []
    for args in (["run", "--dry-run", "--auto"], ["cache", "stats"], ["graph"]):
        code, err = in_process(*args, "--target", str(repo), *extra)
        count(outcome, code, err, allowed=(0, 2))
        if code == 2 and "ai-workflow: error:" not in err:
            outcome.notes.append("exit 2 without a message")
    return outcome


# --------------------------------------------------------------------------- secrets


def _token(rng: random.Random, n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    while True:
        value = "".join(rng.choice(alphabet) for _ in range(n))
        if any(c.isdigit() for c in value) and any(c.isalpha() for c in value):
            return value


def _planted(rng: random.Random) -> dict[str, str]:
    """Lines holding a secret, by form, and the secret value in each."""
    upper = string.ascii_uppercase + string.digits
    pw = _token(rng, 18)
    forms = {
        f'AWS_KEY = "AKIA{_token(rng, 16, upper)}"': None,
        f'GH = "ghp_{_token(rng, 36)}"': None,
        f'OPENAI = "sk-proj-{_token(rng, 32)}"': None,
        f'CLAUDE = "sk-ant-api03-{_token(rng, 32)}"': None,
        f'SLACK = "xoxb-{rng.randrange(10**9, 10**10)}-{_token(rng, 14)}"': None,
        f'GOOGLE = "AIza{_token(rng, 35)}"': None,
        f'STRIPE = "sk_live_{_token(rng, 24)}"': None,
        f'GITLAB = "glpat-{_token(rng, 20)}"': None,
        f'DB = "postgres://admin:{_token(rng, 14)}@db.local:5432/app"': None,
        f'CACHE = "redis://:{_token(rng, 14)}@cache:6379/0"': None,
        f"# machine api.example.com login bot password {_token(rng, 14)}": None,
        f'DB_PASSWORD = "{_token(rng, 16)}"': None,
        f"# mysql --user root --password {_token(rng, 16)} app": None,
        f"# <token>{_token(rng, 20)}</token>": None,
        f'HEADERS = {{"Authorization": "Bearer {_token(rng, 28)}"}}': None,
        f'api_key = "{pw}"': None,
    }
    secrets = {}
    for line in forms:
        value = max(
            (part for part in line.replace('"', " ").replace("@", " ").replace(":", " ")
             .replace("<", " ").replace(">", " ").split()
             if any(c.isdigit() for c in part) and len(part) >= 12),
            key=len,
        )  # fmt: skip
        secrets[line] = value.split("-")[-1] if value.startswith("xoxb-") else value
    return secrets


def trial_secrets(rng: random.Random, work: Path) -> Outcome:
    outcome = Outcome("secrets")
    planted = _planted(rng)
    lines = list(planted)
    rng.shuffle(lines)
    in_diff, in_tests = lines[: len(lines) // 2], lines[len(lines) // 2 :]
    repo = git_project(
        work / "secrets",
        {
            "README.md": "# s\n\n## Install\n\npip install .\n\n## Usage\n\nRun it.\n",
            "pyproject.toml": '[project]\nname = "s"\nversion = "0.1.0"\n',
            "src/s/__init__.py": "",
            "src/s/settings.py": "DEBUG = False\n",
            "tests/test_s.py": "def test_ok():\n    assert True\n",
            ".workflow-config.yaml": yaml.safe_dump(
                {"tech_stack": {"python": sys.executable, "test_timeout_s": 120}}
            ),
        },
    )
    (repo / "src/s/settings.py").write_text("DEBUG = False\n" + "\n".join(in_diff) + "\n")
    quoted = "\n".join(f"    print({json.dumps(line)})" for line in in_tests)
    (repo / "tests/test_leak.py").write_text(
        f"def test_leaks():\n{quoted}\n    assert False, {json.dumps(' '.join(in_tests))}\n"
    )
    (repo / ".env").write_text("\n".join(lines) + "\n")
    (repo / ".netrc").write_text(lines[0] + "\n")
    outside = work / "private-notes.md"
    outside.write_text("\n".join(lines) + "\n")
    (repo / "notes.md").symlink_to(outside)
    (repo / "cfg.txt").symlink_to(".env")
    with FakeLLMServer(answer=findings_answer()) as server:
        env = {
            "AI_WORKFLOW_AI_PROVIDER": "openai",
            "AI_WORKFLOW_AI_BASE_URL": server.base_url,
            "AI_WORKFLOW_AI_MAX_RETRIES": "0",
        }
        count(outcome, *cli(repo, "run", "--auto", env=env), allowed=(0, 1))
        bodies = "\n".join(server.bodies())
    if not server.requests:
        outcome.notes.append("no request was sent")
    artifacts = b"\n".join(
        path.read_bytes()
        for path in sorted((repo / ".ai_workflow").rglob("*"))
        if path.is_file() and "logs" not in path.relative_to(repo / ".ai_workflow").parts[:1]
    )
    for line, secret in planted.items():
        if secret in bodies or secret.encode() in artifacts:
            outcome.leaks += 1
            outcome.notes.append(f"leaked: {line[:40]}")
    return outcome


# --------------------------------------------------------------------------- driver

KINDS = ("kill9", "corrupt", "config", "config", "secrets")


def torture(seconds: float, seed: int, verbose: bool) -> list[Outcome]:
    rng = random.Random(seed)
    outcomes: list[Outcome] = []
    deadline = time.monotonic() + seconds
    with tempfile.TemporaryDirectory(prefix="ai-workflow-torture-") as tmp:
        config_repo = git_project(Path(tmp) / "config-target", {"README.md": "# c\n"})
        n = 0
        while time.monotonic() < deadline:
            n += 1
            kind = KINDS[(n - 1) % len(KINDS)] if n <= len(KINDS) else rng.choice(KINDS)
            work = Path(tmp) / f"t{n}"
            work.mkdir()
            trials: dict[str, Callable[[Path], Outcome]] = {
                "kill9": lambda w: trial_kill9(rng, w),
                "corrupt": lambda w: trial_corrupt(rng, w),
                "config": lambda w: trial_config(rng, w, config_repo),
                "secrets": lambda w: trial_secrets(rng, w),
            }
            outcome = trials[kind](work)
            outcomes.append(outcome)
            if verbose or not outcome.held:
                state = "held" if outcome.held else "FAILED"
                print(f"  trial {n} {kind}: {state} {'; '.join(outcome.notes)[:300]}",
                      file=sys.stderr)  # fmt: skip
            shutil.rmtree(work, ignore_errors=True)
    return outcomes


def main_() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    if not os.path.isdir("/proc"):
        raise SystemExit("torture.py needs Linux (/proc) to find orphan processes")
    start = time.monotonic()
    outcomes = torture(args.seconds, args.seed, args.verbose)
    kinds = Counter(o.kind for o in outcomes)
    print(
        f"torture: {len(outcomes)} trials ({', '.join(f'{k} {kinds[k]}' for k in sorted(kinds))})"
        f" in {time.monotonic() - start:.0f} s: held {sum(o.held for o in outcomes)}, "
        f"tracebacks {sum(o.tracebacks for o in outcomes)}, "
        f"orphans {sum(o.orphans for o in outcomes)}, leaks {sum(o.leaks for o in outcomes)} "
        f"(seed {args.seed}, {machine()}, {date.today().isoformat()})"
    )
    return 0 if all(o.held for o in outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(main_())
