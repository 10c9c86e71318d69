"""Where a project pins ruff: each place, in order, and only exact releases."""

from __future__ import annotations

from pathlib import Path

import pytest

from ai_workflow.lint.ruff_pin import RuffPin, ruff_pin

PRE_COMMIT = (
    "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n"
    "    rev: v0.4.10\n    hooks:\n      - id: ruff\n"
)
UV_LOCK = (
    'version = 1\n\n[[package]]\nname = "rich"\nversion = "13.7.1"\n\n'
    '[[package]]\nname = "ruff"\nversion = "0.5.7"\nsource = { registry = "https://pypi.org/simple" }\n'
)


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({".pre-commit-config.yaml": PRE_COMMIT}, RuffPin("0.4.10", ".pre-commit-config.yaml")),
        (
            {".pre-commit-config.yaml": PRE_COMMIT.replace("v0.4.10", "abc123 # frozen: v0.4.9")},
            RuffPin("0.4.9", ".pre-commit-config.yaml"),
        ),
        ({"uv.lock": UV_LOCK}, RuffPin("0.5.7", "uv.lock")),
        ({"poetry.lock": UV_LOCK}, RuffPin("0.5.7", "poetry.lock")),
        ({"pdm.lock": UV_LOCK}, RuffPin("0.5.7", "pdm.lock")),
        (
            {"requirements-dev.txt": "pytest==8.0\nruff==0.3.2  # lint\n"},
            RuffPin("0.3.2", "requirements-dev.txt"),
        ),
        (
            {"requirements/lint.txt": "ruff==0.3.3 \\\n    --hash=sha256:abc\n"},
            RuffPin("0.3.3", "requirements/lint.txt"),
        ),
        ({"constraints.txt": "Ruff===0.3.4\n"}, RuffPin("0.3.4", "constraints.txt")),
        (
            {"pyproject.toml": '[tool.ruff]\nrequired-version = "==0.6.1"\n'},
            RuffPin("0.6.1", "pyproject.toml required-version"),
        ),
        (
            {"ruff.toml": 'required-version = "0.6.2"\n'},
            RuffPin("0.6.2", "ruff.toml required-version"),
        ),
        (
            {"pyproject.toml": '[dependency-groups]\nlint = ["ruff==0.6.3"]\n'},
            RuffPin("0.6.3", "pyproject.toml"),
        ),
        # required-version is what ruff itself enforces: it wins over the other places
        (
            {"ruff.toml": 'required-version = "==0.6.2"\n', "uv.lock": UV_LOCK},
            RuffPin("0.6.2", "ruff.toml required-version"),
        ),
        # no exact release: nothing to run
        ({"requirements.txt": "ruff>=0.3\n"}, None),
        ({"ruff.toml": 'required-version = ">=0.6"\n'}, None),
        ({"requirements.txt": "ruff-lsp==0.0.50\nruff==0.3.*\n"}, None),
        ({"pyproject.toml": "[tool.ruff\n", "uv.lock": "not toml ["}, None),
        ({}, None),
    ],
)
def test_ruff_pin_sources(tmp_path: Path, files: dict[str, str], expected: RuffPin | None) -> None:
    assert ruff_pin(write(tmp_path, files)) == expected
