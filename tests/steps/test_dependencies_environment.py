"""Step 8 asks the target's interpreter which distributions provide which imports (0.2-2 s, every
installed distribution's metadata is read); the answer is kept in the step cache while the
installation is unchanged, and asked again as soon as a distribution is installed or removed."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from ai_workflow.config import Config
from ai_workflow.deps.distributions import PythonEnvironment, target_environment
from ai_workflow.engine.step import RunMemo
from ai_workflow.steps import dependencies
from tests.file_edits import FULL
from tests.helpers import make_repo, step_context


def _environment(root: Path, config: Config | None = None) -> PythonEnvironment:
    return target_environment(step_context(root, dependencies.SPEC, config=config, memo=RunMemo()))


def _project_with_venv(tmp_path: Path) -> tuple[Path, Path]:
    root = make_repo(tmp_path / "p", {"pyproject.toml": '[project]\nname = "demo"\n'})
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root / ".venv")], check=True)
    site = next((root / ".venv" / "lib").glob("python3*/site-packages"))
    return root, site


def _install(site: Path, dist: str, module: str) -> Path:
    info = site / f"{dist}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    (info / "top_level.txt").write_text(f"{module}\n")
    return info


def _plant(root: Path, module: str) -> None:
    """Edit the kept answer by hand: a run that shows `module` read the cache, not the venv."""
    cache = root / ".ai_workflow" / "step_cache" / "dependencies.environment.json"
    stored = json.loads(cache.read_text())
    stored["installed"]["answer"]["packages"][module] = ["planted"]
    cache.write_text(json.dumps(stored))


def test_the_answer_is_reused_until_a_distribution_is_installed_or_removed(tmp_path: Path) -> None:
    root, site = _project_with_venv(tmp_path)
    first = _environment(root)
    assert first.interpreter == str(root.absolute() / ".venv" / "bin" / "python")
    assert "fakemod" not in first.packages

    _plant(root, "from_the_cache")
    assert "from_the_cache" in _environment(root).packages  # unchanged venv: not asked again

    info = _install(site, "fakedist", "fakemod")
    installed = _environment(root)
    assert installed.packages.get("fakemod") == ["fakedist"]
    assert "from_the_cache" not in installed.packages

    _plant(root, "from_the_cache")
    shutil.rmtree(info)
    removed = _environment(root)
    assert "fakemod" not in removed.packages and "from_the_cache" not in removed.packages


def test_an_upgrade_in_place_is_seen(tmp_path: Path) -> None:
    """pip replaces a distribution's metadata directory: another inode and time, asked again."""
    root, site = _project_with_venv(tmp_path)
    info = _install(site, "fakedist", "fakemod")
    assert _environment(root).packages.get("fakemod") == ["fakedist"]
    shutil.rmtree(info)
    _install(site, "fakedist", "othermod")
    upgraded = _environment(root)
    assert upgraded.packages.get("othermod") == ["fakedist"] and "fakemod" not in upgraded.packages


def test_without_the_step_cache_the_interpreter_is_always_asked(tmp_path: Path) -> None:
    root, _ = _project_with_venv(tmp_path)
    _environment(root)
    _plant(root, "from_the_cache")
    assert "from_the_cache" not in _environment(root, FULL).packages


def test_a_damaged_cache_is_asked_again_and_rewritten(tmp_path: Path) -> None:
    root, site = _project_with_venv(tmp_path)
    cache = root / ".ai_workflow" / "step_cache" / "dependencies.environment.json"
    cache.parent.mkdir(parents=True)
    cache.write_text("{not json")
    _install(site, "fakedist", "fakemod")
    assert _environment(root).packages.get("fakemod") == ["fakedist"]
    assert json.loads(cache.read_text())["installed"]["answer"]["packages"]["fakemod"] == [
        "fakedist"
    ]
