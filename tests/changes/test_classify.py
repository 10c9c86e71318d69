"""Classification of changed paths into categories, change type and impact."""

from __future__ import annotations

from pathlib import Path

import pytest

from ai_workflow.changes.classify import CATEGORIES, Classifier
from ai_workflow.changes.impact import change_type, impact
from ai_workflow.config import ImpactThresholds
from tests.changes.util import config

EXPECTED = {
    # code in every supported language
    "src/demo/core.py": "code",
    "pkg/app.ts": "code",
    "web/App.tsx": "code",
    "cmd/main.go": "code",
    "src/lib.rs": "code",
    "src/Main.java": "code",
    "lib/thing.rb": "code",
    "src/x.cpp": "code",
    "itsdangerous.py": "code",
    "docs/conf.py": "code",  # Python is code wherever it lives (ruff lints it)
    "src/demo/py.typed": "code",  # package data in a source directory
    "src/demo/templates/page.html": "code",
    "src/demo/data.txt": "code",  # package data the code may read, not documentation
    "src/demo/README.md": "code",
    "lib/words.rst": "code",
    # tests, never code
    "tests/test_core.py": "tests",
    "tests/conftest.py": "tests",
    "tests/fixtures/data.json": "tests",
    "test_thing.py": "tests",
    "tests.py": "tests",
    "pkg/handler_test.go": "tests",
    "web/button.test.ts": "tests",
    "web/__tests__/x.js": "tests",
    "src/test/java/FooTest.java": "tests",
    "src/FooTest.java": "tests",
    "spec/model_spec.rb": "tests",
    "t/check.bats": "tests",
    # deps: manifests and lockfiles, wherever they are
    "pyproject.toml": "deps",
    "setup.py": "deps",
    "requirements.txt": "deps",
    "requirements/dev.in": "deps",
    "docs/requirements.txt": "deps",
    "test-requirements.txt": "deps",
    "package.json": "deps",
    "package-lock.json": "deps",
    "yarn.lock": "deps",
    "uv.lock": "deps",
    "poetry.lock": "deps",
    "go.mod": "deps",
    "go.sum": "deps",
    "Cargo.toml": "deps",
    "Cargo.lock": "deps",
    "Gemfile.lock": "deps",
    "MANIFEST.in": "deps",
    # config: tools and CI
    ".github/workflows/tests.yaml": "config",
    ".github/ISSUE_TEMPLATE/bug.md": "config",
    ".pre-commit-config.yaml": "config",
    "tox.ini": "config",
    ".flake8": "config",
    "ruff.toml": "config",
    ".eslintrc.js": "config",
    "jest.config.ts": "config",
    "tsconfig.build.json": "config",
    "Dockerfile": "config",
    ".gitignore": "config",
    ".workflow-config.yaml": "config",
    ".azure-pipelines.yaml": "config",
    "CMakeLists.txt": "config",
    "settings.yaml": "config",
    # scripts
    "scripts/release.sh": "scripts",
    "install.sh": "scripts",
    "Makefile": "scripts",
    "bin/tool": "scripts",
    "build.ps1": "scripts",
    # docs
    "README.md": "docs",
    "README": "docs",
    "CHANGES.rst": "docs",
    "LICENSE": "docs",
    "docs/index.rst": "docs",
    "docs/Makefile": "docs",
    "docs/make.bat": "docs",
    "docs/_static/logo.png": "docs",
    "docs/_themes/flask/layout.html": "docs",
    "notes/design.txt": "docs",
    "src/demo/docs/usage.md": "docs",  # a docs directory stays docs, even in a package
    ".readthedocs.yaml": "docs",
    # assets and other
    "static/logo.png": "assets",
    "public/favicon.ico": "assets",
    "data/blob.bin": "other",
    "weird": "other",
}


@pytest.mark.parametrize(("path", "category"), sorted(EXPECTED.items()))
def test_default_categories(path: str, category: str) -> None:
    assert Classifier().classify(path) == category


def test_every_default_category_is_reachable() -> None:
    assert set(EXPECTED.values()) == set(CATEGORIES)


def test_names_with_spaces_newlines_and_unicode() -> None:
    classifier = Classifier()
    assert classifier.classify("docs/my notes.md") == "docs"
    assert classifier.classify("src/naïve\nname.py") == "code"
    assert classifier.classify("tests/test_ünïcode.py") == "tests"
    assert classifier.classify("src/bad\udcffbyte.py") == "code"


def test_python_package_data_outside_src(tmp_path: Path) -> None:
    (tmp_path / "mypkg").mkdir()
    (tmp_path / "mypkg" / "__init__.py").write_text("")
    classifier = Classifier(target=tmp_path)
    assert classifier.classify("mypkg/schema.dat") == "code"
    assert classifier.classify("other/schema.dat") == "other"
    assert classifier.categories_of("mypkg/data.txt") == ("code", "docs")
    assert classifier.categories_of("mypkg/schema.json") == ("code",)
    assert classifier.categories_of("other/data.txt") == ("docs",)


def test_user_categories_override_and_extend() -> None:
    cfg = config(
        smart_execution={
            "categories": {"docs": ["src/demo/generated/**"], "proto": ["*.proto"]},
        },
        structure={"test_dirs": ["qa"], "docs_dirs": ["handbook"], "source_dirs": ["engine"]},
    )
    classifier = Classifier(cfg)
    assert classifier.classify("src/demo/generated/api.py") == "docs"
    assert classifier.classify("api/v1/service.proto") == "proto"
    assert classifier.classify("qa/check_login.py") == "tests"
    assert classifier.classify("handbook/intro.html") == "docs"
    assert classifier.classify("engine/table.dat") == "code"
    assert "proto" in classifier.categories


def test_classify_all_groups_and_sorts() -> None:
    grouped = Classifier().classify_all(["src/b.py", "README.md", "src/a.py"])
    assert grouped == {"docs": ["README.md"], "code": ["src/a.py", "src/b.py"]}


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({}, "none"),
        ({"docs": ["a.md"]}, "docs-only"),
        ({"tests": ["t.py"]}, "tests-only"),
        ({"config": ["tox.ini"]}, "config-only"),
        ({"deps": ["uv.lock"]}, "deps-only"),
        ({"scripts": ["x.sh"]}, "scripts-only"),
        ({"code": ["a.py"]}, "code-only"),
        ({"code": ["a.py"], "docs": ["a.md"]}, "mixed"),
        ({"code": ["a.py"], "tests": ["t.py"], "docs": ["a.md"]}, "full-stack"),
        (None, "unknown"),
    ],
)
def test_change_type(files: dict[str, list[str]] | None, expected: str) -> None:
    assert change_type(files) == expected


@pytest.mark.parametrize(
    ("files", "level"),
    [
        ({"docs": ["a.md"], "config": ["tox.ini"]}, "low"),
        ({"deps": ["uv.lock"]}, "low"),
        ({"tests": ["t.py"]}, "medium"),
        ({"scripts": ["x.sh"]}, "medium"),
        ({"code": [f"{i}.py" for i in range(5)]}, "medium"),
        ({"code": [f"{i}.py" for i in range(6)]}, "high"),
        ({"code": ["a.py"], "deps": ["uv.lock"]}, "high"),
        (None, "unknown"),
    ],
)
def test_impact_levels(files: dict[str, list[str]] | None, level: str) -> None:
    assert impact(files, ImpactThresholds())[0] == level


def test_impact_threshold_is_configurable() -> None:
    files = {"code": ["a.py", "b.py"]}
    assert impact(files, ImpactThresholds(high_code_files=1)) == (
        "high",
        "2 code files changed (more than 1)",
    )


@pytest.mark.parametrize(
    ("path", "roles"),
    [
        ("pyproject.toml", ("deps", "config")),  # [tool.ruff], [tool.pytest] ...
        ("package.json", ("deps", "config")),
        ("setup.cfg", ("deps", "config")),
        ("setup.py", ("deps", "code")),  # ruff lints it
        ("noxfile.py", ("config", "code")),
        ("jest.config.ts", ("config", "code")),
        ("uv.lock", ("deps",)),
        ("tox.ini", ("config",)),
        ("src/demo/core.py", ("code",)),
        ("tests/test_core.py", ("tests",)),
        # doc-like files inside a source directory: package data (code) and still docs
        ("src/demo/data.txt", ("code", "docs")),
        ("src/demo/README.md", ("code", "docs")),
        ("src/demo/LICENSE", ("code", "docs")),
        ("src/demo/docs/usage.md", ("docs",)),
        ("src/demo/changes.py", ("code",)),  # a module named like a doc file is code only
        ("README.md", ("docs",)),
        ("docs/guide.md", ("docs",)),
        ("CHANGES.rst", ("docs",)),
        ("notes/design.txt", ("docs",)),
    ],
)
def test_files_with_several_roles(path: str, roles: tuple[str, ...]) -> None:
    assert Classifier().categories_of(path) == roles


def test_user_globs_decide_roles_alone() -> None:
    classifier = Classifier(config(smart_execution={"categories": {"deps": ["setup.py"]}}))
    assert classifier.categories_of("setup.py") == ("deps",)
    assert classifier.roles_all(["setup.py", "a.py"]) == {"code": ["a.py"], "deps": ["setup.py"]}
