"""A release archive committed as is (a tracked PKG-INFO): a named file that does not exist may
be one the archive leaves out, so it is info with that said; everywhere else it stays an error,
and in the archive a broken anchor of a shipped document stays an error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ai_workflow.cli import main
from ai_workflow.release_archive import archive_explains, release_archive
from tests.helpers import git, make_repo

PKG_INFO = "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n"
FAST = (
    "workflow:\n  disable: [directory_structure, test_review, test_generation, test_execution, "
    "dependencies, context_analysis, git_finalization, markdown_lint, code_quality, "
    "documentation]\n"
)
FILES = {
    "README.md": (
        "# Demo\n\n## Usage\n\nSee [the example](examples/app.py) and "
        "[the install notes](README.md#installing).\n"
    ),
    "tox.ini": "[testenv:bench]\ncommands = python performance/benchmark.py\n",
    "demo/__init__.py": '"""Demo."""\n',
    ".workflow-config.yaml": FAST,
}


def _run(target: Path, capsys: pytest.CaptureFixture[str]) -> dict[tuple[str, str], dict[str, Any]]:
    main(["run", "--target", str(target), "--auto", "--json"])
    summary = json.loads(capsys.readouterr().out)
    return {
        (f["rule"], f["path"]): f
        for step in summary["steps"]
        for f in step["findings"]
        if f["rule"] in ("links/broken-link", "links/broken-anchor", "scripts/missing-script")
    }


def test_in_a_release_archive_a_missing_file_is_info_and_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_repo(tmp_path / "sdist", {**FILES, "PKG-INFO": PKG_INFO})
    found = _run(root, capsys)
    link = found[("links/broken-link", "README.md")]
    script = found[("scripts/missing-script", "tox.ini")]
    for finding in (link, script):
        assert finding["severity"] == "info"
        assert "release archive may leave the file out" in finding["message"]
        assert finding["extra"]["release_archive"].startswith("a source distribution")
    # a shipped document's missing anchor is broken in the archive as in the repository
    assert found[("links/broken-anchor", "README.md")]["severity"] == "error"


def test_in_a_repository_a_missing_file_stays_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    found = _run(make_repo(tmp_path / "repo", FILES), capsys)
    for key in (("links/broken-link", "README.md"), ("scripts/missing-script", "tox.ini")):
        assert found[key]["severity"] == "error"
        assert "release archive" not in found[key]["message"]


def test_rules_severity_raises_it_again_in_an_archive(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = FAST + "rules:\n  severity:\n    links/broken-link: error\n"
    files = {**FILES, "PKG-INFO": PKG_INFO, ".workflow-config.yaml": config}
    found = _run(make_repo(tmp_path / "sdist", files), capsys)
    assert found[("links/broken-link", "README.md")]["severity"] == "error"
    assert found[("scripts/missing-script", "tox.ini")]["severity"] == "info"


def test_the_marker_is_a_tracked_top_level_pkg_info_with_core_metadata(tmp_path: Path) -> None:
    sdist = make_repo(tmp_path / "sdist", {"PKG-INFO": PKG_INFO})
    assert release_archive(sdist) == "a source distribution committed as is (tracked PKG-INFO)"
    untracked = make_repo(tmp_path / "untracked", {"README.md": "# x\n"})
    (untracked / "PKG-INFO").write_text(PKG_INFO)  # a build left it there: not the archive
    assert release_archive(untracked) is None
    other = make_repo(tmp_path / "other", {"PKG-INFO": "notes about packaging\n"})
    assert release_archive(other) is None
    nested = make_repo(tmp_path / "nested", {"vendor/lib/PKG-INFO": PKG_INFO})
    assert release_archive(nested) is None
    git(sdist, "rm", "-q", "--cached", "PKG-INFO")
    assert release_archive(sdist) is None
    assert release_archive(tmp_path / "not-a-repo") is None


STRUCTURE_ONLY = (
    "workflow:\n  disable: [documentation, consistency, script_references, test_review, "
    "test_generation, test_execution, dependencies, context_analysis, git_finalization, "
    "markdown_lint, code_quality]\n"
)
ARTEFACTS = {
    "README.md": "# Demo\n",
    "demo/__init__.py": '"""Demo."""\n',
    "demo.egg-info/PKG-INFO": PKG_INFO,
    "demo.egg-info/SOURCES.txt": "demo/__init__.py\n",
    "demo/__pycache__/__init__.cpython-311.pyc": "bytecode",
    ".workflow-config.yaml": STRUCTURE_ONLY,
}


def _run_findings(target: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    """Every finding of a whole `ai-workflow run --json` over `target`."""
    main(["run", "--target", str(target), "--auto", "--json"])
    summary = json.loads(capsys.readouterr().out)
    return [f for step in summary["steps"] for f in step["findings"]]


def _artefacts(target: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, Any]]:
    found = _run_findings(target, capsys)
    return {f["path"]: f for f in found if f["rule"] == "structure/committed-artifact"}


def test_in_a_release_archive_the_egg_info_its_build_wrote_is_info(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fixture = {
        "tests/test_x.py": 'def test_x():\n    assert open("tests/files/.DS_Store").read()\n',
        "tests/files/.DS_Store": "Bud1",
    }
    found = _artefacts(
        make_repo(tmp_path / "sdist", {**ARTEFACTS, **fixture, "PKG-INFO": PKG_INFO}), capsys
    )
    # a fixture the tests name (binaryornot's tests/files/.DS_Store) is kept: no advice to
    # exclude it from the archive
    assert found["tests/files/.DS_Store"]["severity"] == "info"
    assert "the archive ships it" not in found["tests/files/.DS_Store"]["message"]
    egg = found["demo.egg-info"]
    assert egg["severity"] == "info"
    assert "setuptools writes the *.egg-info metadata" in egg["message"]
    # bytecode has no business in an archive either: still an error
    assert found["demo/__pycache__"]["severity"] == "error"
    assert "release_archive" not in found["demo/__pycache__"]["extra"]
    # ... and the archive's manifest shipped it: the fix is there, not in git alone
    assert "the archive ships it, so exclude it" in found["demo/__pycache__"]["message"]


def test_in_a_repository_a_committed_egg_info_stays_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    found = _artefacts(make_repo(tmp_path / "repo", ARTEFACTS), capsys)
    assert found["demo.egg-info"]["severity"] == "error"
    assert "setuptools" not in found["demo.egg-info"]["message"]
    assert found["demo/__pycache__"]["severity"] == "error"
    assert "the archive ships it" not in found["demo/__pycache__"]["message"]


NPM_PACKAGE = {
    "package.json": json.dumps(
        {"name": "nv", "version": "1.0.0", "main": "lib/nv.js", "files": ["bin/nv", "lib"]}
    ),
    "bin/nv": '#!/usr/bin/env node\nrequire("../lib/nv.js");\n',  # a JavaScript project
    "lib/nv.js": 'module.exports = function nv() {\n  return "nv";\n};\n',
    "README.md": "# nv\n\nSee [the guide](docs/guide.md).\n",
    "LICENSE": "MIT\n",
}


def _findings(target: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, Any]]:
    rules = ("links/broken-link", "structure/no-tests", "tests/no-tests")
    return {f["rule"]: f for f in _run_findings(target, capsys) if f["rule"] in rules}


def test_in_a_published_npm_package_a_missing_file_and_no_tests_are_info(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    found = _findings(make_repo(tmp_path / "nv", NPM_PACKAGE), capsys)
    for finding in found.values():
        assert finding["severity"] == "info"
    link = found["links/broken-link"]
    assert link["extra"]["release_archive"].startswith("the published npm package nv@1.0.0")
    assert "may leave the file out" in link["message"]
    no_tests = found["tests/no-tests"]
    assert no_tests["extra"]["release_archive"].startswith("the published npm package nv@1.0.0")
    assert "may leave the tests out" in no_tests["message"]


def test_in_the_npm_project_s_repository_they_stay_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {**NPM_PACKAGE, ".gitignore": "node_modules/\n"}
    found = _findings(make_repo(tmp_path / "nv", files), capsys)
    assert found["links/broken-link"]["severity"] == "error"
    assert found["tests/no-tests"]["severity"] == "warning"  # structure/no-tests is info always
    assert all("release_archive" not in f["extra"] for f in found.values())


def test_the_npm_sign_is_a_files_list_that_covers_every_tracked_file(tmp_path: Path) -> None:
    package = make_repo(tmp_path / "package", NPM_PACKAGE)
    assert release_archive(package) == (
        "the published npm package nv@1.0.0 committed as is (it tracks only what `files` ships)"
    )
    listed = json.dumps({"files": ["lib/*.js", "./bin/"]})  # a glob, a directory
    globbed = {**NPM_PACKAGE, "lib/a.js": "", "package.json": listed}
    assert release_archive(make_repo(tmp_path / "globbed", globbed)) is not None
    with_tests = make_repo(tmp_path / "repo", {**NPM_PACKAGE, "test/nv.bats": "@test x { :; }\n"})
    assert release_archive(with_tests) is None  # a file `files` does not ship: a repository
    no_list = {**NPM_PACKAGE, "package.json": json.dumps({"name": "nv", "version": "1.0.0"})}
    for never_packed in (".gitignore", ".npmignore", "package-lock.json"):
        repository = {**no_list, never_packed: "node_modules/\n"}  # what npm never packs
        assert release_archive(make_repo(tmp_path / never_packed, repository)) is None
    unnamed = {**no_list, "package.json": json.dumps({"private": True})}
    assert release_archive(make_repo(tmp_path / "unnamed", unnamed)) is None
    broken = {**NPM_PACKAGE, "package.json": "{not json"}
    assert release_archive(make_repo(tmp_path / "broken", broken)) is None


def test_a_package_without_files_is_packed_when_it_tracks_no_ignore_file_nor_lockfile(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """diff 9.0.0 (held-out 85) has no `files`: its .npmignore chose what the tarball holds
    (dist/, libcjs/, libesm/), and npm packs neither .npmignore, .gitignore nor
    package-lock.json. Its README's images/ and its test/ are in the repository only: info.
    The same tree with its `.gitignore` is the repository: still shown."""
    manifest = json.dumps({"name": "nv", "version": "1.0.0", "main": "lib/nv.js"})
    package = {**NPM_PACKAGE, "package.json": manifest}
    assert release_archive(make_repo(tmp_path / "pkg", package)) == (
        "the published npm package nv@1.0.0 committed as is (package.json lists no `files`, "
        "and it tracks none of .gitignore, .npmignore, package-lock.json, which npm never packs)"
    )
    found = _findings(make_repo(tmp_path / "nv", package), capsys)
    assert {rule: f["severity"] for rule, f in found.items()} == {
        "links/broken-link": "info",
        "structure/no-tests": "info",
        "tests/no-tests": "info",
    }
    repository = _findings(make_repo(tmp_path / "repo", {**package, ".gitignore": "x\n"}), capsys)
    assert repository["links/broken-link"]["severity"] == "error"
    assert repository["tests/no-tests"]["severity"] == "warning"


def _modes(target: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    found = _run_findings(target, capsys)
    return next(
        f for f in found if f["rule"] == "scripts/not-executable" and f["path"] == "README.md"
    )


MODES = {
    "README.md": "# Demo\n\nRun `./ci.sh` to test.\n",
    "ci.sh": "#!/bin/bash\nset -e\npytest\n",
    "demo/__init__.py": '"""Demo."""\n',
    ".workflow-config.yaml": FAST,
}


def test_in_a_release_archive_a_script_without_the_bit_is_info_in_a_repository_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """sniffio 1.3.1's sdist: `ci.sh` lost its bit on the machine that built the archive."""
    archived = _modes(make_repo(tmp_path / "sdist", {**MODES, "PKG-INFO": PKG_INFO}), capsys)
    assert archived["severity"] == "info"
    assert "keeps the file modes of the machine that built it" in archived["message"]
    assert _modes(make_repo(tmp_path / "repo", MODES), capsys)["severity"] == "error"


def test_the_archive_explains_missing_tests_of_either_step() -> None:
    assert archive_explains("tests/no-tests", None)
    assert archive_explains("structure/no-tests", None)
    assert not archive_explains("tests/failed", "test_x.py")  # a failing test is real anywhere


LOCKED = {
    "pyproject.toml": (
        '[tool.poetry]\nname = "demo"\nversion = "1.0"\n\n'
        '[tool.poetry.dependencies]\npython = "^3.8"\nrequests = "^2"\n\n'
        '[build-system]\nrequires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n'
    ),
    "demo/__init__.py": '"""Demo."""\n\nimport requests\n',
    ".workflow-config.yaml": FAST.replace("dependencies, ", "").replace(
        "test_review,", "test_review, script_references,"
    ),
}


def _lockfile_finding(target: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    return next(f for f in _run_findings(target, capsys) if f["rule"] == "deps/missing-lockfile")


def test_in_a_release_archive_a_missing_lockfile_is_info_in_a_repository_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """iso8601 2.1.0's repository tracks poetry.lock, which poetry-core's sdist never ships."""
    sdist = make_repo(tmp_path / "sdist", {**LOCKED, "PKG-INFO": PKG_INFO})
    archived = _lockfile_finding(sdist, capsys)
    assert archived["severity"] == "info"
    assert "leave the lockfile out of the archive" in archived["message"]
    assert "hatch" not in archived["message"]  # hatchling's sdist ships a tracked lockfile
    assert _lockfile_finding(make_repo(tmp_path / "repo", LOCKED), capsys)["severity"] == "warning"
