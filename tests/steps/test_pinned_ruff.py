"""The ruff version a project pins is installed into the work directory and run, from a real
local package index (a wheel built here; no network), with the bundled ruff as the fallback;
syntax errors: one per file, and a warning for syntax newer than the target Python."""

from __future__ import annotations

import base64
import hashlib
import zipfile
from pathlib import Path

import pytest

from ai_workflow.config import Config
from ai_workflow.engine.step import StepOutcome
from ai_workflow.steps import code_quality
from tests.helpers import make_repo, step_context

PIN = "0.0.99"
FAKE_RUFF = """#!/bin/sh
# A stand-in ruff release: one finding of its own rule for every file it is given.
case " $* " in
  *" --version "*) echo "ruff 0.0.99"; exit 0 ;;
  *" --show-files "*) echo "$PWD/mod.py"; exit 0 ;;
esac
while [ "$1" != "--" ]; do shift; done; shift
sep=""; printf '['
for f in "$@"; do
  printf '%s{"code":"PIN001","message":"pinned rule","filename":"%s","location":{"row":1,"column":1}}' "$sep" "$PWD/$f"
  sep=","
done
printf ']'
"""
PROJECT = {
    "mod.py": "import os\n",  # F401 for the bundled ruff
    ".pre-commit-config.yaml": (
        "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n"
        f"    rev: v{PIN}\n    hooks:\n      - id: ruff\n"
    ),
}


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def build_wheel(directory: Path) -> Path:
    """A minimal, valid wheel of `ruff==PIN` whose script is FAKE_RUFF."""
    dist = f"ruff-{PIN}"
    files = {
        f"{dist}.data/scripts/ruff": FAKE_RUFF.encode(),
        f"{dist}.dist-info/METADATA": f"Metadata-Version: 2.1\nName: ruff\nVersion: {PIN}\n".encode(),
        f"{dist}.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = [_record_line(n, d) for n, d in files.items()] + [f"{dist}.dist-info/RECORD,,"]
    files[f"{dist}.dist-info/RECORD"] = ("\n".join(record) + "\n").encode()
    directory.mkdir(parents=True, exist_ok=True)
    wheel = directory / f"{dist}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o100755 << 16  # a regular, executable file
            archive.writestr(info, data)
    return wheel


def _run(target: Path, **tech_stack: object) -> StepOutcome:
    config = Config.model_validate({"tech_stack": tech_stack})
    return code_quality.run(step_context(target, code_quality.SPEC, config=config))


def _rules(outcome: StepOutcome) -> set[str]:
    return {f.rule for f in outcome.findings if f.path == "mod.py"}


@pytest.fixture
def local_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """pip sees only a directory of wheels: nothing leaves the machine."""
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(wheels))
    return wheels


def test_the_pinned_version_is_installed_once_and_run(tmp_path: Path, local_index: Path) -> None:
    build_wheel(local_index)
    root = make_repo(tmp_path / "proj", PROJECT)
    outcome = _run(root)
    assert _rules(outcome) == {"ruff/PIN001"}  # the pinned release's findings, not ours
    installed = root / ".ai_workflow" / "tools" / f"ruff-{PIN}" / "bin" / "ruff"
    assert installed.is_file()
    assert any(f"ruff {PIN} (the version the project pins" in line for line in outcome.checked)
    for wheel in local_index.iterdir():
        wheel.unlink()  # a second run needs no index: the installed copy is reused
    assert _rules(_run(root)) == {"ruff/PIN001"}


def test_an_unavailable_pin_falls_back_to_the_bundled_ruff_and_says_so(
    tmp_path: Path, local_index: Path
) -> None:
    root = make_repo(tmp_path / "proj", PROJECT)
    outcome = _run(root)
    assert _rules(outcome) == {"ruff/F401"}
    note = next(line for line in outcome.checked if line.startswith("ruff "))
    assert f"the project pins ruff {PIN}" in note and "failed" in note and "instead" in note
    build_wheel(local_index)  # now available, but a failure is not retried within a day
    assert "failed earlier" in next(c for c in _run(root).checked if c.startswith("ruff "))
    assert not (root / ".ai_workflow" / "tools" / f"ruff-{PIN}").exists()


def test_pinned_tools_off_runs_the_bundled_ruff(tmp_path: Path, local_index: Path) -> None:
    build_wheel(local_index)
    root = make_repo(tmp_path / "proj", PROJECT)
    outcome = _run(root, pinned_tools=False)
    assert _rules(outcome) == {"ruff/F401"}
    assert any("tech_stack.pinned_tools is off" in line for line in outcome.checked)
    assert not (root / ".ai_workflow" / "tools").exists()


def test_a_python2_file_gets_one_syntax_error(tmp_path: Path) -> None:
    source = '#!/usr/bin/env python\nprint "a"\nprint "b"\nprint "c"\nx = 1\n'
    root = make_repo(tmp_path / "proj", {"old.py": source, "ok.py": "import os\n"})
    outcome = _run(root)
    syntax = [f for f in outcome.findings if f.rule == "ruff/syntax-error"]
    assert [(f.path, f.line) for f in syntax] == [("old.py", 2)]
    assert "more syntax error(s) after it" in syntax[0].message
    assert "ruff/F401" in {f.rule for f in outcome.findings if f.path == "ok.py"}


def test_syntax_newer_than_the_target_python_is_a_warning(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": '[project]\nname = "p"\nrequires-python = ">=3.8"\n',
        "new.py": "def f(x):\n    match x:\n        case 1:\n            return 1\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    (syntax,) = [f for f in outcome.findings if f.rule == "ruff/syntax-error"]
    assert syntax.severity.value == "warning" and "Python 3.8" in syntax.message


def test_a_py_file_in_another_language_is_not_linted_as_python(tmp_path: Path) -> None:
    """bash-completion ships `completions/btdownloadheadless.py`: the Bash completion of a command
    of that name (an Emacs mode line says so); a shebang for another interpreter says it too."""
    files = {
        "completions/tool.py": "# tool.py completion    -*- shell-script -*-\n_t() { :; }\n",
        "bin/run.py": '#!/bin/sh\nexec python3 -m tool "$@"\n',
        "real.py": "#!/usr/bin/env python3\nprint 'py2'\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    assert {f.path for f in outcome.findings if f.rule == "ruff/syntax-error"} == {"real.py"}


def test_a_pin_in_a_lockfile_runs_that_release_a_range_runs_the_bundled_ruff(
    tmp_path: Path, local_index: Path
) -> None:
    build_wheel(local_index)
    locked = {
        "mod.py": "import os\n",
        "uv.lock": f'version = 1\n\n[[package]]\nname = "ruff"\nversion = "{PIN}"\n',
    }
    outcome = _run(make_repo(tmp_path / "locked", locked))
    assert _rules(outcome) == {"ruff/PIN001"}  # only what the pinned release reports
    # a range pins no release: the bundled ruff runs and its findings stay
    ranged = {"mod.py": "import os\n", "requirements-dev.txt": f"ruff>={PIN}\n"}
    assert _rules(_run(make_repo(tmp_path / "ranged", ranged))) == {"ruff/F401"}
