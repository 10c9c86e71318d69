"""Step 4 end to end: documented layout, undocumented directories, artefacts, expected layout."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from ai_workflow.engine.step import StepOutcome
from ai_workflow.markdown_docs import CodeBlock
from ai_workflow.steps import directory_structure, test_review
from ai_workflow.steps.directory_structure import find_artefacts, tree_entries
from tests.helpers import git, make_repo, step_context, write_files

README = """\
# proj

## Layout

```text
proj/
├── src/
│   └── proj/
│       ├── __init__.py
│       └── gone.py        # removed module
├── tests/
├── tools/                 <- helper tools
├── dist/
└── README.md
```

Scripts live in `scripts/`; old code was in `src/legacy/`. Output goes to `build/`
and `output/`.
"""

PYPROJECT = """\
[project]
name = "proj"
version = "1.0"

[tool.hatch.build.targets.wheel]
packages = ["src/proj", "src/missing"]
"""


def _run(root: Path) -> StepOutcome:
    return directory_structure.run(step_context(root, directory_structure.SPEC))


def _found(outcome: StepOutcome, rule: str) -> set[tuple[str | None, int | None, str]]:
    return {(f.path, f.line, f.severity.value) for f in outcome.findings if f.rule == rule}


def test_planted_layout_defects(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "p",
        {
            "README.md": README,
            "pyproject.toml": PYPROJECT,
            ".gitignore": "__pycache__/\n*.log\noutput/\n",
            ".github/workflows/ci.yml": "on: push\n",
            "src/proj/__init__.py": "",
            "tests/test_x.py": "def test_x():\n    assert True\n",
            "scripts/run.sh": "#!/bin/sh\n",
            "data/sample.csv": "a,b\n",
        },
    )
    write_files(
        root,
        {
            "src/proj/__pycache__/__init__.cpython-311.pyc": "x",
            "src/proj/__pycache__/core.cpython-311.pyc": "x",
            ".DS_Store": "x",
            "dist/proj-1.0.tar.gz": "x",
            "build/lib/proj/__init__.py": "",
            "node_modules/left-pad/index.js": "",
            "secret.log": "x",
        },
    )
    git(root, "add", "-f", ".")
    git(root, "commit", "-q", "-m", "artefacts")
    outcome = _run(root)
    assert _found(outcome, "structure/undocumented-dir") == {("data", None, "info")}
    assert _found(outcome, "structure/documented-path-missing") == {
        ("README.md", 10, "info"),  # src/proj/gone.py (info by default: rule_precision.py)
        ("README.md", 12, "info"),  # tools/
        ("README.md", 17, "info"),  # src/legacy/
    }
    assert _found(outcome, "structure/committed-artifact") == {
        ("src/proj/__pycache__", None, "error"),
        (".DS_Store", None, "error"),
        ("node_modules", None, "error"),
        ("dist", None, "warning"),
        ("build", None, "warning"),
    }
    pycache = next(f for f in outcome.findings if f.path == "src/proj/__pycache__")
    assert "(2 files)" in pycache.message
    assert _found(outcome, "structure/tracked-ignored-file") == {("secret.log", None, "warning")}
    assert _found(outcome, "structure/package-dir-missing") == {("pyproject.toml", 6, "error")}
    assert not _found(outcome, "structure/no-tests")
    assert outcome.data["undocumented_dirs"] == ["data"]
    assert outcome.data["documented_trees"] == 1
    assert {a["path"] for a in outcome.data["artefacts"]} >= {"dist", "node_modules"}


def test_clean_project_has_no_findings(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "clean",
        {
            "README.md": "# c\n\n```\n.\n├── clean/      package\n└── tests/\n```\n\n"
            "Example data is in `examples/`.\n",
            "pyproject.toml": '[project]\nname = "clean"\nversion = "1"\n',
            ".gitignore": "dist/\n",
            "clean/__init__.py": "",
            "tests/test_a.py": "def test_a():\n    assert 1\n",
            "examples/a.py": "print(1)\n",
        },
    )
    outcome = _run(root)
    assert outcome.findings == []
    assert outcome.data["undocumented_dirs"] == []


def test_missing_tests_and_package_and_js_entry(tmp_path: Path) -> None:
    py = make_repo(
        tmp_path / "py",
        {
            "README.md": "# x\n",
            "pyproject.toml": '[project]\nname = "my-lib"\nversion = "1"\n',
            "other/__init__.py": "",
            "setup.py": "",
        },
    )
    outcome = _run(py)
    # an empty package: no module the test review counts, so no tests/no-tests from it
    assert _found(outcome, "structure/no-tests") == {(None, None, "warning")}
    assert _found(outcome, "structure/package-dir-missing") == {("pyproject.toml", 2, "info")}

    js = make_repo(
        tmp_path / "js",
        {
            "README.md": "# x\n",
            "package.json": '{\n  "name": "x",\n  "main": "index.js"\n}\n',
            "src/a.js": "module.exports = 1;\n",
            "src/a.test.js": "test('a', () => {});\n",
        },
    )
    outcome = _run(js)
    assert _found(outcome, "structure/missing-entry") == {("package.json", 3, "warning")}
    assert not _found(outcome, "structure/no-tests")


def test_no_tests_follows_the_primary_language_not_a_wrapper(tmp_path: Path) -> None:
    script = "#!/usr/bin/env bash\n" + "".join(f"echo line {i}\n" for i in range(300))
    files = {
        "README.md": "# x\n",
        "package.json": '{"name": "tool", "main": "index.js"}\n',
        "index.js": "require('child_process').spawn('./tool');\n",
    }
    outcome = _run(make_repo(tmp_path / "wrapped", {**files, "tool": script}))
    assert _found(outcome, "structure/no-tests") == {(None, None, "info")}  # a shell project
    assert outcome.data["layout_checked_for"] == ["javascript", "shell"]
    outcome = _run(make_repo(tmp_path / "js", {**files, "tool": "#!/bin/sh\nexit 0\n"}))
    # index.js exports nothing: the test review counts no module and says nothing
    assert _found(outcome, "structure/no-tests") == {(None, None, "warning")}
    assert any("javascript project" in f.message for f in outcome.findings)


def test_js_entry_that_gitignore_excludes_is_build_output(tmp_path: Path) -> None:
    """fast-deep-equal 3.1.3: `main` index.js is generated by `npm run build` and ignored by
    .gitignore, so the tree never holds it; a missing entry nothing ignores is still reported."""
    files = {
        "README.md": "# x\n",
        "package.json": '{\n  "name": "x",\n  "main": "index.js"\n}\n',
        "build.js": "require('fs').writeFileSync('index.js', '');\n",
        "spec/a.spec.js": "it('a', () => {});\n",
    }
    built = make_repo(tmp_path / "built", {**files, ".gitignore": "# generated files\nindex.js\n"})
    assert not _found(_run(built), "structure/missing-entry")
    other = make_repo(tmp_path / "other", {**files, ".gitignore": "react.js\n"})
    assert _found(_run(other), "structure/missing-entry") == {("package.json", 3, "warning")}


def test_npm_inits_default_main_in_a_package_of_shell_commands_is_info(tmp_path: Path) -> None:
    """djo-shell 1.7.0 ships shell scripts and a `bin` map, and keeps npm init's `"main":
    "index.js"` with no JavaScript file at all: nothing is there to require (info). A package
    with JavaScript, a main that is not the default, or no `bin`, keeps the warning."""
    files = {
        "README.md": "# tools\n\nRun `browser-list`.\n",
        "package.json": (
            '{\n  "name": "tools",\n  "main": "index.js",\n'
            '  "bin": {"browser-list": "./browser-list.sh"}\n}\n'
        ),
        "browser-list.sh": "#!/usr/bin/env bash\necho chrome firefox\n",
    }
    outcome = _run(make_repo(tmp_path / "shell", files))
    assert _found(outcome, "structure/missing-entry") == {("package.json", 3, "info")}
    entry = next(f for f in outcome.findings if f.rule == "structure/missing-entry")
    assert "npm init's default" in entry.message
    with_js = {**files, "lib/list.js": "module.exports = ['chrome'];\n"}
    outcome = _run(make_repo(tmp_path / "js", with_js))
    assert _found(outcome, "structure/missing-entry") == {("package.json", 3, "warning")}
    other = {**files, "package.json": files["package.json"].replace("index.js", "tools.js")}
    outcome = _run(make_repo(tmp_path / "other", other))
    assert _found(outcome, "structure/missing-entry") == {("package.json", 3, "warning")}
    no_bin = {**files, "package.json": '{\n  "name": "tools",\n  "main": "index.js"\n}\n'}
    outcome = _run(make_repo(tmp_path / "no-bin", no_bin))
    assert _found(outcome, "structure/missing-entry") == {("package.json", 3, "warning")}


def test_not_a_git_repository_skips_git_checks(tmp_path: Path) -> None:
    write_files(tmp_path / "plain", {"README.md": "# p\n", "misc/a.sh": "echo\n"})
    outcome = _run(tmp_path / "plain")
    assert any("not a git work tree" in s for s in outcome.skipped_checks)
    assert _found(outcome, "structure/undocumented-dir") == {("misc", None, "info")}


def test_tree_parsing_with_ascii_glyphs_and_nested_base(tmp_path: Path) -> None:
    block = CodeBlock(
        "",
        "src/\n|-- app/\n|   |-- main.py  # entry\n|   `-- util.py\n+-- ...\n`-- conf.yaml\n",
        5,
    )
    entries = list(tree_entries(block, "docs/x.md", {"src", "src/app"}))
    assert [(e.path, e.line, e.directory) for e in entries] == [
        ("src/app", 6, True),
        ("src/app/main.py", 7, False),
        ("src/app/util.py", 8, False),
        ("src/conf.yaml", 10, False),
    ]


@given(
    st.lists(st.sampled_from(["a", "b", "__pycache__", "x.pyc", ".DS_Store", "dist"]), max_size=5)
)
def test_artefacts_are_grouped_once_per_root(parts: list[str]) -> None:
    path = "/".join([*parts, "file.txt"])
    found = find_artefacts([path, path])
    assert len(found) <= 1
    assert all(a.files == 2 and path.startswith(a.path) for a in found)


def test_hidden_directory_mentions_are_the_readers_not_the_projects(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "h",
        {
            "README.md": "# h\n\nNever read `.ssh/` or `.aws/`; code is in `lib/` and `app/`.\n",
            "lib/a.py": "",
        },
    )
    outcome = _run(root)
    assert _found(outcome, "structure/documented-path-missing") == {("README.md", 3, "info")}
    assert "app/" in outcome.findings[0].message


def test_key_bindings_are_not_directories(tmp_path: Path) -> None:
    """bash-completion's FAQ: "Use `M-/` to attempt file name completion"."""
    readme = "# k\n\nUse `M-/` or `C-M-/` to complete; the code is in `lib/` and `app/`.\n"
    root = make_repo(tmp_path / "k", {"README.md": readme, "lib/a.py": ""})
    outcome = _run(root)
    found = [f.message for f in outcome.findings if f.rule == "structure/documented-path-missing"]
    assert found == ["the docs describe directory app/, which does not exist"]


def test_trees_of_other_projects_and_conventional_directories(tmp_path: Path) -> None:
    """Found on flask (docs/tutorial/layout.rst draws the tutorial's own project), express
    (`lib/` is conventional) and bats-core (a `.gitkeep` force-added to keep an ignored
    directory). The project's own stale tree and undocumented directory are still reported."""
    tutorial = (
        "Layout\n======\n\nBy the end, your project layout will look like this:\n\n"
        ".. code-block:: none\n\n    /home/user/Projects/flask-tutorial\n"
        "    ├── flaskr/\n    │   ├── __init__.py\n    │   └── db.py\n    ├── tests/\n"
        "    │   └── test_db.py\n    └── MANIFEST.in\n"
    )
    readme = (
        "# p\n\n```\n.\n├── lib/\n│   ├── index.js\n│   └── gone.js\n├── test/\n"
        "└── package.json\n```\n"
    )
    root = make_repo(
        tmp_path / "p",
        {
            "README.md": readme,
            "docs/tutorial/layout.rst": tutorial,
            "CHANGELOG.md": "# Changes\n\n## 1.0\n\n- Moved `old/` to `lib/`.\n",
            "package.json": '{"name": "p", "main": "lib/index.js"}\n',
            "lib/index.js": "module.exports = 1;\n",
            "test/index.test.js": "test('x', () => {});\n",
            "data/sample.csv": "a\n",
            ".gitignore": "run-logs/\n*.log\n",
        },
    )
    write_files(root, {"test/run-logs/.gitkeep": "", "test/run-logs/kept.log": "x"})
    git(root, "add", "-f", ".")
    git(root, "commit", "-q", "-m", "keep")
    outcome = _run(root)
    assert _found(outcome, "structure/documented-path-missing") == {("README.md", 7, "info")}
    assert _found(outcome, "structure/undocumented-dir") == {("data", None, "info")}
    assert _found(outcome, "structure/tracked-ignored-file") == {
        ("test/run-logs/.gitkeep", None, "info"),
        ("test/run-logs/kept.log", None, "warning"),
    }


def test_language_conventions_and_a_plain_text_readme_describe_directories(
    tmp_path: Path,
) -> None:
    """Found on urfave/cli (Go's testdata/) and password-store (a plain README names the man
    page; contrib/ holds contributed extras)."""
    root = make_repo(
        tmp_path / "goproj",
        {
            "README": "Tool\n\nPlease see the man page for documentation.\n",
            "go.mod": "module example.com/tool\n\ngo 1.21\n",
            "main.go": "package main\n\nfunc main() {}\n",
            "main_test.go": "package main\n",
            "testdata/expected.txt": "x\n",
            "man/tool.1": ".TH TOOL 1\n",
            "contrib/extra.sh": "echo\n",
            "fixtures/a.txt": "x\n",
        },
    )
    assert _found(_run(root), "structure/undocumented-dir") == {("fixtures", None, "info")}
    # testdata/ is a convention of Go projects only
    write_files(root, {"app.py": "x = 1\n"})
    for name in ("go.mod", "main.go", "main_test.go"):
        (root / name).unlink()
    found = _found(_run(root), "structure/undocumented-dir")
    assert found == {("fixtures", None, "info"), ("testdata", None, "info")}


def test_node_modules_in_test_data_is_a_fixture() -> None:
    """resolve's test/shadowed_core/node_modules is test data for a module resolver: info; a
    node_modules at the root or under src/ is still an error."""
    tracked = ["test/shadowed_core/node_modules/util/index.js", "node_modules/a/index.js"]
    found = find_artefacts([*tracked, "src/node_modules/b.js"])
    assert {(a.path, a.severity) for a in found} == {
        ("test/shadowed_core/node_modules", "info"),
        ("node_modules", "error"),
        ("src/node_modules", "error"),
    }


def test_packaging_recipes_under_dist_are_not_build_output() -> None:
    """liquidprompt's contrib/dist (held-out 5) holds an Arch PKGBUILD, its .install hook, a
    Debian control file and a script that builds the .deb: written by hand, info; built files
    in a dist/ (a wheel, a bundle) beside them stay a warning."""
    tracked = [
        "contrib/dist/archlinux-aur/PKGBUILD",
        "contrib/dist/archlinux-aur/liquidprompt.install",
        "contrib/dist/debian/create_deb.sh",
        "contrib/dist/debian/liquidprompt/DEBIAN/control",
        "dist/rpm/tool.spec",
        "dist/tool-1.0-py3-none-any.whl",
        "dist/tool.min.js",
    ]
    found = {(a.path, a.severity, a.files) for a in find_artefacts(tracked)}
    assert found == {("contrib/dist", "info", 4), ("dist", "info", 1), ("dist", "warning", 2)}


def test_open_build_service_recipes_under_dist_are_not_build_output() -> None:
    """obs-build 20210120 (held-out 112) keeps the Open Build Service recipes it is packaged
    from in dist/: build.spec with its RPM changelog build.changes, a build.dsc template and the
    debian/ files taken flat (debian.control, debian.rules...): written by hand, info. The .dsc
    and .changes that dpkg writes (`name_version.dsc`, `name_version_arch.changes`) and a file
    `debian.tar.xz` beside them stay build output, a warning."""
    recipes = [
        "dist/build.spec",
        "dist/build.changes",
        "dist/build.dsc",
        "dist/debian.control",
        "dist/debian.rules",
        "dist/debian.changelog",
        "dist/debian.compat",
    ]
    built = [
        "out/dist/tool_1.0-1.dsc",
        "out/dist/tool_1.0-1_amd64.changes",
        "out/dist/tool_1.0-1.debian.tar.xz",
    ]
    found = {(a.path, a.severity, a.files) for a in find_artefacts([*recipes, *built])}
    assert found == {("dist", "info", 7), ("out/dist", "warning", 3)}


def test_dist_output_that_package_json_serves_is_kept_on_purpose(tmp_path: Path) -> None:
    """diff 9.0.0 (held-out 85) names its UMD build in package.json, `"browser":
    "./dist/diff.js"` and `"unpkg"`: the package serves dist/, so committing or shipping it is
    the point (info). A dist/ that package.json does not name is still a warning."""
    package = (
        '{"name": "d", "version": "1.0.0", "main": "./lib/index.js",\n'
        ' "browser": "./dist/d.js", "unpkg": "./dist/d.js"}\n'
    )
    files = {"package.json": package, "lib/index.js": "module.exports = 1\n"}
    files |= {"dist/d.js": "var d = 1\n", "dist/d.min.js": "var d=1\n"}
    served = make_repo(tmp_path / "served", files)
    assert _found(_run(served), "structure/committed-artifact") == {("dist", None, "info")}
    files["package.json"] = '{"name": "d", "version": "1.0.0", "main": "./lib/index.js"}\n'
    stray = make_repo(tmp_path / "stray", files)
    assert _found(_run(stray), "structure/committed-artifact") == {("dist", None, "warning")}


def test_editor_leftovers_are_committed_artefacts_but_not_in_test_data(tmp_path: Path) -> None:
    """mussh 1.0's tarball ships `.mussh.1.swp`, `.swp` (vim swap files) and `mussh.bak`:
    files an editor left behind, which nobody means to ship. The same names under a test
    directory may be a fixture (a tool that cleans such files up): info there. Files whose
    names only contain the words (`swap.sh`, `backup.py`, `.bak-config`) are not reported."""
    root = make_repo(
        tmp_path / "p",
        {
            "README.md": "# p\n",
            "mussh": "#!/bin/sh\necho hi\n",
            ".mussh.1.swp": "x",
            ".swp": "x",
            "mussh.bak": "x",
            "notes.txt~": "x",
            "#notes.txt#": "x",
            "src/core.c.orig": "x",
            "swap.sh": "#!/bin/sh\n",
            "backup.py": "",
            ".bak-config": "x",
            "tests/fixtures/.open.txt.swp": "x",
        },
    )
    assert _found(_run(root), "structure/committed-artifact") == {
        (".mussh.1.swp", None, "warning"),
        (".swp", None, "warning"),
        ("mussh.bak", None, "warning"),
        ("notes.txt~", None, "warning"),
        ("#notes.txt#", None, "warning"),
        ("src/core.c.orig", None, "warning"),
        ("tests/fixtures/.open.txt.swp", None, "info"),
    }


def test_a_project_without_tests_is_told_once(tmp_path: Path) -> None:
    """escape-html 1.0.3 got "no tests" from both steps as two warnings: the test review's
    warning (which counts the source modules) stays, the layout's finding is info."""
    root = make_repo(
        tmp_path / "p",
        {"README.md": "# x\n", "package.json": '{"name": "x"}\n', "index.js": "exports.x = 1;\n"},
    )
    outcomes = [_run(root), test_review.run(step_context(root, test_review.SPEC))]
    shown = [f.rule for o in outcomes for f in o.findings if f.severity in ("warning", "error")]
    assert shown.count("tests/no-tests") == 1
    assert "structure/no-tests" not in shown
    assert _found(outcomes[0], "structure/no-tests") == {(None, None, "info")}


def test_tests_in_a_directory_named_like_a_test_file_are_tests(tmp_path: Path) -> None:
    """A Python test-driver package python/tool_test/ (repopush's python/repopush_test/, run by
    `make test`) is the project's tests: no `structure/no-tests`. The same code in a package
    named python/toolkit/ is not a test, and the warning stays."""
    driver = {
        "__init__.py": "",
        "__main__.py": "def main():\n    print('ok')\n",
        "util.py": "def run(cmd):\n    return cmd\n",
    }
    tool = {"tool.sh": "#!/bin/sh\necho tool\n", "README.md": "# tool\n"}
    tested = {**tool, **{f"python/tool_test/{k}": v for k, v in driver.items()}}
    assert not _found(_run(make_repo(tmp_path / "driver", tested)), "structure/no-tests")
    untested = {**tool, **{f"python/toolkit/{k}": v for k, v in driver.items()}}
    found = _found(_run(make_repo(tmp_path / "toolkit", untested)), "structure/no-tests")
    assert found == {(None, None, "info")}  # tests/no-tests warns


def test_a_project_whose_code_the_test_review_does_not_count_is_told_here(tmp_path: Path) -> None:
    """The layout's finding is info only when the test review's tests/no-tests says the same:
    a command-line script with no function (Python) or a `bin` entry that exports nothing
    (JavaScript) is no module the review counts, so it says nothing and the layout's finding
    stays the warning; beside them, a module with an API is the review's to report."""
    package = '{"name": "x", "bin": {"x": "cli.js"}}\n'
    cli = "#!/usr/bin/env node\nconsole.log(require('fs').readdirSync('.').length);\n"
    pyproject = '[project]\nname = "x"\nversion = "1"\n'
    projects = {
        "js-cli": ({"package.json": package, "cli.js": cli}, "warning"),
        "py-script": (
            {"pyproject.toml": pyproject, "tool.py": "import sys\nprint(sys.argv)\n"},
            "warning",
        ),
        "py-lib": ({"pyproject.toml": pyproject, "x.py": "def f():\n    return 1\n"}, "info"),
    }
    for name, (files, level) in projects.items():
        root = make_repo(tmp_path / name, {"README.md": "# x\n", **files})
        outcomes = [_run(root), test_review.run(step_context(root, test_review.SPEC))]
        shown = [f.rule for o in outcomes for f in o.findings if f.severity in ("warning", "error")]
        assert _found(outcomes[0], "structure/no-tests") == {(None, None, level)}, name
        assert len([r for r in shown if r.endswith("/no-tests")]) == 1, name


PUBLISHED_PACKAGE = {
    "package.json": (
        '{"name": "shim", "version": "4.1.7", "main": "index.js", "scripts": {\n'
        '  "build": "mkdir -p dist && browserify browserShim.js > dist/browser.js",\n'
        '  "prepublishOnly": "safe-publish-latest && npm run build",\n'
        '  "test": "node test"}}\n'
    ),
    "index.js": "module.exports = Object.assign;\n",
    "dist/browser.js": "(function(){})();\n",
    "test/index.js": "require('../');\n",
}


def test_build_output_a_published_npm_package_ships_is_information(tmp_path: Path) -> None:
    """object.assign 4.1.7's npm package (held-out 88) ships dist/browser.js, which its
    `prepublishOnly` builds (`npm run build`) and its repository does not track: information,
    saying so. The same dist/ in a repository (it tracks a .gitignore, which npm never packs),
    or one no publish script builds, stays a warning to remove from git."""
    package = _run(make_repo(tmp_path / "package", PUBLISHED_PACKAGE))
    [info] = [f for f in package.findings if f.rule == "structure/committed-artifact"]
    assert (info.path, info.severity.value) == ("dist", "info")
    assert "`prepublishOnly` script builds dist/ before packing" in info.message
    repository = {**PUBLISHED_PACKAGE, ".gitignore": "node_modules/\n"}
    tracked = _run(make_repo(tmp_path / "repository", repository))
    assert _found(tracked, "structure/committed-artifact") == {("dist", None, "warning")}
    unbuilt = {**PUBLISHED_PACKAGE, "package.json": '{"name": "shim", "scripts": {}}\n'}
    by_hand = _run(make_repo(tmp_path / "unbuilt", unbuilt))
    assert _found(by_hand, "structure/committed-artifact") == {("dist", None, "warning")}


def test_dist_output_a_tracked_page_loads_is_kept_on_purpose(tmp_path: Path) -> None:
    """md5 2.3.0 (held-out 104, a wrong warning) commits webpack's dist/md5.min.js, which its
    demo/index.html loads (`<script src="../dist/md5.min.js">`): the bundle is kept so the
    page works without a build (info). A dist/ no page loads, beside a page that loads
    something else or an absolute URL, is still a warning."""
    page = '<html><script src="../dist/md5.min.js"></script></html>\n'
    files = {
        "package.json": '{"name": "m", "version": "1.0.0", "main": "md5.js"}\n',
        "md5.js": "module.exports = 1\n",
        "dist/md5.min.js": "var MD5=1\n",
        "demo/index.html": page,
    }
    demo = _run(make_repo(tmp_path / "demo", files))
    assert _found(demo, "structure/committed-artifact") == {("dist", None, "info")}
    [finding] = [f for f in demo.findings if f.rule == "structure/committed-artifact"]
    assert "demo/index.html loads dist/md5.min.js" in finding.message
    files["demo/index.html"] = (
        '<script src="https://cdn.example.com/dist/md5.min.js"></script>\n'
        '<script src="../md5.js"></script>\n'
    )
    stray = _run(make_repo(tmp_path / "stray", files))
    assert _found(stray, "structure/committed-artifact") == {("dist", None, "warning")}


def test_junk_file_a_test_names_is_a_fixture(tmp_path: Path) -> None:
    """binaryornot 0.6.0: tests/files/.DS_Store is what `is_binary("tests/files/.DS_Store")`
    reads, and pyproject.toml force-includes it in the sdist: a fixture, not Finder litter.
    Beside it, a `.DS_Store` nothing names, and one whose bare name only a cleaner and
    .gitignore spell, stay errors; so does bytecode only a generated MANIFEST lists."""
    root = make_repo(
        tmp_path / "p",
        {
            "README.md": "# p\n",
            "pyproject.toml": '[project]\nname = "p"\nversion = "1"\n'
            "[tool.hatch.build.targets.sdist.force-include]\n"
            '"tests/files/empty.pyc" = "tests/files/empty.pyc"\n',
            ".gitignore": ".DS_Store\n*.pyc\n",
            "MANIFEST": "p/__init__.py\np/stale.pyc\n",
            "p/__init__.py": "",
            "p/clean.py": 'JUNK = {".DS_Store", "Thumbs.db"}\n',
            "tests/test_check.py": "from p import is_binary\n\n\ndef test_ds_store():\n"
            '    assert is_binary("tests/files/.DS_Store")\n\n\ndef test_rel():\n'
            '    assert is_binary(HERE / "data/x.pyc")\n',
        },
    )
    write_files(
        root,
        {
            "tests/files/.DS_Store": "\0\0\0\1Bud1",
            "tests/files/empty.pyc": "\0",
            "tests/data/x.pyc": "\0",
            "tests/other/.DS_Store": "\0",
            "p/.DS_Store": "\0",
            "p/stale.pyc": "\0",
        },
    )
    git(root, "add", "-f", ".")
    git(root, "commit", "-q", "-m", "fixtures and litter")
    outcome = _run(root)
    assert _found(outcome, "structure/committed-artifact") == {
        ("tests/files/.DS_Store", None, "info"),
        ("tests/files/empty.pyc", None, "info"),
        ("tests/data/x.pyc", None, "info"),
        ("tests/other/.DS_Store", None, "error"),
        ("p/.DS_Store", None, "error"),
        ("p/stale.pyc", None, "error"),
    }
    fixture = next(f for f in outcome.findings if f.path == "tests/files/.DS_Store")
    assert "a fixture tests/test_check.py:5 names by its path" in fixture.message
    pyc = next(f for f in outcome.findings if f.path == "tests/files/empty.pyc")
    assert "pyproject.toml:5" in pyc.message
