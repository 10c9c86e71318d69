"""Step 8 on fixture projects with planted dependency defects (never any network)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ai_workflow.config import Config, DependenciesConfig, TechStackConfig
from ai_workflow.deps.distributions import PythonEnvironment, provided_modules, providers
from ai_workflow.deps.imports import imports_of, is_dev_file, local_modules
from ai_workflow.deps.lockfiles import npm_locked, pnpm_locked, yarn_locked
from ai_workflow.deps.manifests import PARSERS, parse_requirements
from ai_workflow.deps.model import Report
from ai_workflow.deps.shipped import shipped_names
from ai_workflow.deps.workspaces import glob_match
from ai_workflow.engine.step import StepOutcome, StepStatus
from ai_workflow.findings import Finding, Severity
from ai_workflow.steps import dependencies
from ai_workflow.techstack import detect_stack
from tests.helpers import make_repo, step_context

PYPROJECT = textwrap.dedent(
    """\
    [project]
    name = "demo-app"
    version = "1.0.0"
    dependencies = [
        "requests>=2.31",
        "PyYAML>=6",
        "Pillow>=10",
        "leftpad-unused>=1.0",
    ]

    [project.optional-dependencies]
    dev = ["pytest>=8"]
    """
)

APP = textwrap.dedent(
    """\
    \"\"\"The app.\"\"\"
    from __future__ import annotations

    import json
    from typing import TYPE_CHECKING

    import annotationlib  # the standard library of Python 3.14 (attrs imports it)
    import imp  # and of Pythons before 3.12

    import requests
    import yaml
    from PIL import Image

    from demo_app import helpers
    import numpy as np

    try:
        import ujson
    except ImportError:
        ujson = None

    if TYPE_CHECKING:
        import pandas
    """
)

PYTHON_FILES = {
    "pyproject.toml": PYPROJECT,
    "src/demo_app/__init__.py": "",
    "src/demo_app/app.py": APP,
    "src/demo_app/helpers.py": "import sibling_free\n",
    "tests/test_app.py": "import pytest\nimport hypothesis\nfrom demo_app import app\n",
    "requirements.txt": "flask\nclick==8.1.7\nrequests==2.31.0\nclick==8.1.7\n",
}


def _run(target: Path, config: Config | None = None) -> StepOutcome:
    return dependencies.run(step_context(target, dependencies.SPEC, config=config))


def _find(outcome: StepOutcome, rule: str, path: str, text: str = "") -> Finding:
    matches = [
        f for f in outcome.findings if f.rule == rule and f.path == path and text in f.message
    ]
    assert matches, (
        f"{rule} {path} {text!r}: {[(f.rule, f.path, f.message) for f in outcome.findings]}"
    )
    return matches[0]


def _rules(outcome: StepOutcome) -> list[tuple[str, str | None, int | None]]:
    return [(f.rule, f.path, f.line) for f in outcome.findings]


@pytest.fixture(scope="module")
def python_project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, StepOutcome]:
    target = make_repo(tmp_path_factory.mktemp("deps") / "proj", PYTHON_FILES)
    return target, _run(target)


def test_undeclared_import_is_reported_at_the_import(
    python_project: tuple[Path, StepOutcome],
) -> None:
    _, outcome = python_project
    numpy = _find(outcome, "deps/undeclared-import", "src/demo_app/app.py", "'numpy'")
    assert numpy.line == 15 and numpy.severity is Severity.WARNING
    other = _find(outcome, "deps/undeclared-import", "src/demo_app/helpers.py", "sibling_free")
    assert other.line == 1


def test_stdlib_local_aliased_optional_and_type_only_imports_are_not_reported(
    python_project: tuple[Path, StepOutcome],
) -> None:
    _, outcome = python_project
    reported = {
        f.message.split("'")[1] for f in outcome.findings if f.rule == "deps/undeclared-import"
    }
    assert reported == {"numpy", "sibling_free", "hypothesis"}
    assert outcome.data["python"]["missing"] == ["hypothesis", "numpy", "sibling_free"]


def test_modules_a_python_3_release_removed_from_the_stdlib_are_not_dependencies(
    tmp_path: Path,
) -> None:
    """cachetools 5.5 (Python >= 3.7): `except ImportError: from dummy_threading import RLock`
    falls back to the standard library of 3.7/3.8 (removed in 3.9); so do the modules removed
    in 3.8, 3.10, 3.11, 3.12 and 3.13. An undeclared third-party import still warns."""
    func = (
        "import math\n\ntry:\n    from threading import RLock\nexcept ImportError:\n"
        "    from dummy_threading import RLock\n\n"
        "import _dummy_thread, binhex, formatter, macpath, parser, symbol, telnetlib\n"
        "import requests\n"
    )
    files = {
        "setup.cfg": "[metadata]\nname = cache\n\n[options]\npython_requires = >= 3.7\n",
        "setup.py": "from setuptools import setup\nsetup()\n",
        "src/cache/__init__.py": "",
        "src/cache/func.py": func,
    }
    outcome = _run(make_repo(tmp_path / "cache", files))
    reported = {
        (f.message.split("'")[1], f.line, f.severity)
        for f in outcome.findings
        if f.rule == "deps/undeclared-import"
    }
    assert reported == {("requests", 9, Severity.WARNING)}


def test_the_interpreters_main_module_is_not_a_dependency(tmp_path: Path) -> None:
    """dill 0.3.7's `import __main__ as _main_module`: the running script's module, always
    importable, although sys.stdlib_module_names does not list it. A third-party import beside
    it still warns."""
    files = {
        "setup.cfg": "[metadata]\nname = pick\n\n[options]\npython_requires = >= 3.7\n",
        "setup.py": "from setuptools import setup\nsetup()\n",
        "src/pick/__init__.py": "",
        "src/pick/core.py": "import __main__ as _main_module\nimport requests\n",
    }
    outcome = _run(make_repo(tmp_path / "pick", files))
    reported = {
        (f.message.split("'")[1], f.line)
        for f in outcome.findings
        if f.rule == "deps/undeclared-import"
    }
    assert reported == {("requests", 2)}


def test_python_2_stdlib_modules_under_a_guard_are_not_dependencies(tmp_path: Path) -> None:
    """autojump's `try: set except NameError: from sets import Set as set`, and the 2-and-3
    idioms `try: import cPickle ... except ImportError:` and `if PY2: import urlparse`: Python
    2's standard library in its branch, nothing to declare. The same module imported with no
    guard, and a third-party import under one, still warn."""
    compat = (
        "import sys\n\nPY2 = sys.version_info[0] == 2\n\n"
        "try:\n    set\nexcept NameError:\n    from sets import Set as set\n\n"
        "try:\n    import cPickle as pickle\nexcept ImportError:\n    import pickle\n\n"
        "if PY2:\n    import urlparse\nelse:\n    import urllib.parse as urlparse\n\n"
        "try:\n    import requests\nexcept NameError:\n    requests = None\n\n"
        "import urllib2\n"
    )
    files = {
        "setup.py": "from setuptools import setup\nsetup(name='compat', py_modules=['compat'])\n",
        "compat.py": compat,
    }
    outcome = _run(make_repo(tmp_path / "compat", files))
    reported = {
        (f.message.split("'")[1], f.line)
        for f in outcome.findings
        if f.rule == "deps/undeclared-import"
    }
    assert reported == {("requests", 21), ("urllib2", 25)}


VERSIONED = """\
import sys

if sys.version_info < (3, 8):
    from typing_extensions import Final
else:
    from typing import Final

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

if sys.version_info[:2] <= (3, 9):
    import importlib_metadata
"""


def _versioned_project(root: Path, requires_python: str) -> set[tuple[str, int]]:
    """The warnings of two runs, the second reusing the imports the first stored: equal."""
    pyproject = (
        f'[project]\nname = "ver"\nversion = "1.0"\nrequires-python = "{requires_python}"\n'
        "dependencies = []\n"
    )
    repo = make_repo(root, {"pyproject.toml": pyproject, "ver/__init__.py": VERSIONED})
    runs = [
        {
            (f.message.split("'")[1], f.line)
            for f in _run(repo).findings
            if f.rule == "deps/undeclared-import" and f.severity is not Severity.INFO
        }
        for _ in range(2)
    ]
    assert runs[0] == runs[1]
    return runs[0]


def test_an_import_for_pythons_older_than_requires_python_needs_no_dependency(
    tmp_path: Path,
) -> None:
    """arrow 1.3.0 imports typing_extensions under `if sys.version_info < (3, 8):` and says
    `requires-python = ">=3.8"`: no Python it supports runs that import. An import for Pythons
    the project still supports (tomli below 3.11, importlib_metadata up to 3.9 under
    ">=3.8") still needs a declared dependency, and so does every one of them when the
    project supports 3.7."""
    assert _versioned_project(tmp_path / "p38", ">=3.8") == {
        ("importlib_metadata", 14),
        ("tomli", 11),
    }
    assert _versioned_project(tmp_path / "p310", ">=3.10") == {("tomli", 11)}
    assert _versioned_project(tmp_path / "p37", ">=3.7") == {
        ("importlib_metadata", 14),
        ("tomli", 11),
        ("typing_extensions", 4),
    }


LIST_VERSIONED = """\
import sys

if list(sys.version_info[:2]) >= [2, 7]:
    from collections import OrderedDict
else:
    from ordereddict import OrderedDict

if tuple(sys.version_info[:2]) < (3, 9):
    import importlib_metadata
"""


def test_an_import_only_pythons_no_pip_installs_on_run_needs_no_dependency(
    tmp_path: Path,
) -> None:
    """furl 2.1.3 (setup.py with no python_requires) imports the ordereddict backport only
    in the else branch of `if list(sys.version_info[:2]) >= [2, 7]:`, i.e. on Python 2.6
    and older, where no pip since 10.0 (2018) installs anything: no dependency is missing.
    The list and tuple forms bound a branch as the plain version does, so an import for a
    Python the project may still run on (importlib_metadata below 3.9) stays a finding
    unless requires-python rules that Python out."""

    def undeclared(name: str, setup: str) -> set[tuple[str, int]]:
        repo = make_repo(tmp_path / name, {"setup.py": setup, "ver/__init__.py": LIST_VERSIONED})
        return {
            (f.message.split("'")[1], f.line)
            for f in _run(repo).findings
            if f.rule == "deps/undeclared-import" and f.severity is not Severity.INFO
        }

    setup = "from setuptools import setup\nsetup(name='ver', install_requires=[]{})\n"
    assert undeclared("no-floor", setup.format("")) == {("importlib_metadata", 9)}
    assert undeclared("py39", setup.format(", python_requires='>=3.9'")) == set()


def test_test_only_imports_are_checked_leniently(python_project: tuple[Path, StepOutcome]) -> None:
    _, outcome = python_project
    hypothesis = _find(outcome, "deps/undeclared-import", "tests/test_app.py", "hypothesis")
    assert hypothesis.line == 2 and hypothesis.severity is Severity.INFO


def test_unused_declared_dependency_is_reported_at_its_declaration(
    python_project: tuple[Path, StepOutcome],
) -> None:
    _, outcome = python_project
    unused = _find(outcome, "deps/unused-dependency", "pyproject.toml", "leftpad-unused")
    assert unused.line == 8 and unused.severity is Severity.WARNING
    flagged = {f.message.split()[0] for f in outcome.findings if f.rule == "deps/unused-dependency"}
    assert flagged == {"leftpad-unused", "flask", "click"}


def test_unpinned_and_duplicated_requirements(python_project: tuple[Path, StepOutcome]) -> None:
    _, outcome = python_project
    flask = _find(outcome, "deps/unpinned", "requirements.txt", "flask")
    assert flask.line == 1 and flask.severity is Severity.INFO  # a policy choice, not breakage
    duplicate = _find(outcome, "deps/duplicate", "requirements.txt", "click")
    assert duplicate.line == 4 and "line 2" in duplicate.message


def test_checked_and_data_describe_the_work(python_project: tuple[Path, StepOutcome]) -> None:
    _, outcome = python_project
    assert "pyproject.toml: 5 dependencies declared" in outcome.checked
    assert "requirements.txt: 4 dependencies declared" in outcome.checked
    assert any(c.startswith("python imports: 4 files") for c in outcome.checked)
    assert "requests" in outcome.data["python"]["declared"]
    assert outcome.status() is StepStatus.WARNING


def test_ignore_missing_and_ignore_unused_are_honoured(tmp_path: Path) -> None:
    target = make_repo(tmp_path / "proj", PYTHON_FILES)
    config = Config(
        dependencies=DependenciesConfig(
            ignore_missing=["numpy", "sibling-free", "hypothesis"],
            ignore_unused=["leftpad_unused", "Flask", "click"],
        )
    )
    outcome = _run(target, config)
    rules = {f.rule for f in outcome.findings}
    assert "deps/undeclared-import" not in rules
    assert "deps/unused-dependency" not in rules


def test_runtime_import_declared_only_for_development(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": '[project]\nname = "x"\ndependencies = []\n'
        '[dependency-groups]\ndev = ["rich>=13"]\n',
        "x.py": "import rich\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    finding = _find(outcome, "deps/undeclared-import", "x.py", "development dependency")
    assert finding.line == 1


def test_an_import_only_in_the_source_checkout_fallback_of_the_version_is_info(
    tmp_path: Path,
) -> None:
    """makefun 1.16.0 (held-out 75, wrong): `__init__.py` imports the version from the
    `_version.py` the build writes and, `except ImportError:` (a source checkout never built),
    asks setuptools_scm, its build requirement and a development requirement, for the version
    from git: an installed package never runs that import. The same module imported where
    every user runs it, or in the fallback of a third-party import, stays a warning."""
    fallback = (
        "try:\n"
        "    from ._version import version as __version__\n"
        "except ImportError:\n"
        "    from setuptools_scm import get_version\n"
        "    __version__ = get_version()\n"
    )
    files = {
        "pyproject.toml": '[project]\nname = "pkg"\ndependencies = []\n'
        '[dependency-groups]\ndev = ["setuptools_scm", "rich"]\n',
        "pkg/__init__.py": fallback,
        "pkg/_version.py": 'version = "1.0"\n',
    }
    outcome = _run(make_repo(tmp_path / "checkout", files))
    finding = _find(outcome, "deps/undeclared-import", "pkg/__init__.py", "setuptools_scm")
    assert (finding.line, finding.severity) == (4, Severity.INFO)

    files["pkg/cli.py"] = "from setuptools_scm import get_version\n"
    files["pkg/show.py"] = "try:\n    import simplejson\nexcept ImportError:\n    import rich\n"
    outcome = _run(make_repo(tmp_path / "runtime", files))
    finding = _find(outcome, "deps/undeclared-import", "pkg/__init__.py", "setuptools_scm")
    assert finding.severity == Severity.WARNING  # pkg/cli.py imports it at its top level
    finding = _find(outcome, "deps/undeclared-import", "pkg/show.py", "'rich'")
    assert (finding.line, finding.severity) == (4, Severity.WARNING)


def test_the_fallback_to_a_module_a_required_dependency_vendors_is_info(tmp_path: Path) -> None:
    """requests-toolbelt 1.0.0 (held-out 145, wrong): `_compat.py` imports urllib3 from
    requests' vendored copy (`from requests.packages.urllib3 import fields`) and, `except
    ImportError:` (a redistribution of requests that unvendors it), `from urllib3 import
    fields`: that is requests' own urllib3, which installing the required requests brings.
    The same fallback behind a package that is not required, or a plain import of the module
    elsewhere, stays a warning."""
    compat = (
        "try:\n"
        "    from requests.packages.urllib3 import fields\n"
        "except ImportError:\n"
        "    from urllib3 import fields\n"
    )
    other = "try:\n    from pip._vendor import colorama\nexcept ImportError:\n    import colorama\n"
    files = {
        "pyproject.toml": '[project]\nname = "pkg"\ndependencies = ["requests>=2"]\n',
        "pkg/__init__.py": "import requests\n",
        "pkg/_compat.py": compat,
        "pkg/other.py": other,
    }
    outcome = _run(make_repo(tmp_path / "vendored", files))
    finding = _find(outcome, "deps/undeclared-import", "pkg/_compat.py", "'urllib3'")
    assert (finding.line, finding.severity) == (4, Severity.INFO)
    finding = _find(outcome, "deps/undeclared-import", "pkg/other.py", "'colorama'")
    assert (finding.line, finding.severity) == (4, Severity.WARNING)

    files["pkg/direct.py"] = "import urllib3\n"
    outcome = _run(make_repo(tmp_path / "direct", files))
    [finding] = [f for f in outcome.findings if "import 'urllib3'" in f.message]
    assert finding.severity == Severity.WARNING


def test_project_without_manifest_reports_third_party_imports(tmp_path: Path) -> None:
    outcome = _run(make_repo(tmp_path / "proj", {"tool.py": "import os\nimport requests\n"}))
    finding = _find(outcome, "deps/undeclared-import", "tool.py", "declares no dependencies")
    assert finding.line == 2
    assert any(s.startswith("dependencies: no manifest found") for s in outcome.skipped_checks)


def test_a_generators_import_in_the_input_it_generated_a_file_from_is_info(
    tmp_path: Path,
) -> None:
    """dgryski/go-metro's metro.py (held-out 122, noise): `import peachpy.x86_64` in the
    PeachPy program that metro_amd64.s says it was generated from (`// Generated by PeachPy
    0.2.0 from metro.py`): the generator's own import, info. The same import in a file no
    generated file names, and an input importing another package than its generator, stay
    warnings."""
    files = {
        "metro.py": "import peachpy.x86_64\n\nMOV(1, 2)\n",
        "metro_amd64.s": "// Generated by PeachPy 0.2.0 from metro.py\n\nTEXT x(SB),4,$0\n",
        "metro.go": "package metro\n",
        "gen/tables.py": "import requests\n",
        "gen/tables.go": "// Code generated by Tablegen from tables.py. DO NOT EDIT.\npackage gen\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    finding = _find(outcome, "deps/undeclared-import", "metro.py", "peachpy")
    assert finding.severity == Severity.INFO
    finding = _find(outcome, "deps/undeclared-import", "gen/tables.py", "requests")
    assert finding.severity == Severity.WARNING
    files["asm.py"] = "import peachpy.x86_64\n"  # a module no generated file names
    outcome = _run(make_repo(tmp_path / "other", files))
    finding = _find(outcome, "deps/undeclared-import", "asm.py", "peachpy")
    assert finding.severity == Severity.WARNING


def test_backport_of_an_imported_standard_module_is_used_one_nothing_imports_stays(
    tmp_path: Path,
) -> None:
    """hyperlink declares `typing ; python_version<"3.5"`, the PyPI backport its code's
    `from typing import ...` loads on old Pythons: used. A backport of a module no shipped
    file imports (`dataclasses`, which only a test imports) stays unused."""
    files = {
        "setup.py": "from setuptools import setup\nsetup(name='lib', packages=['lib'],\n"
        "    install_requires=['typing ; python_version<\"3.5\"',\n"
        "                      'dataclasses ; python_version<\"3.7\"'])\n",
        "lib/__init__.py": "from typing import Optional\n\nX = None  # type: Optional[int]\n",
        "tests/test_lib.py": "import dataclasses\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    unused = {f.message.split()[0] for f in outcome.findings if f.rule == "deps/unused-dependency"}
    assert "typing" not in unused
    backport = _find(outcome, "deps/unused-dependency", "setup.py", "dataclasses")
    assert backport.line == 4 and backport.severity is Severity.WARNING


def test_redistribution_of_a_removed_standard_module_is_used_by_its_import(
    tmp_path: Path,
) -> None:
    """WebOb 1.8.11 declares `legacy-cgi; python_version>='3.13'`, which provides the `cgi`
    module Python 3.13 removed, and its compat.py does `import cgi`: used, like
    `standard-imghdr` for `import imghdr`. Where nothing imports `telnetlib`,
    `standard-telnetlib` stays unused."""
    files = {
        "setup.py": "from setuptools import setup\nsetup(name='lib', packages=['lib'],\n"
        "    install_requires=['legacy-cgi>=2.6; python_version>=\"3.13\"',\n"
        "                      'standard-imghdr; python_version>=\"3.13\"',\n"
        "                      'standard-telnetlib; python_version>=\"3.13\"'])\n",
        "lib/__init__.py": "import cgi\nimport imghdr\n\nHEADER = cgi.parse_header\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    unused = {f.message.split()[0] for f in outcome.findings if f.rule == "deps/unused-dependency"}
    assert unused == {"standard-telnetlib"}


def test_python2_backport_under_standard_module_names_is_used_by_their_import(
    tmp_path: Path,
) -> None:
    """commonmark 0.9.1 declares `future>=0.14.0;python_version<"3"`, python-future, whose
    `builtins` module its code imports (`from builtins import str`): standard library on
    Python 3, python-future's on Python 2, so used; so is `futures ; python_version<"3.2"` for
    `concurrent.futures`. Where no file imports a module of theirs, both stay unused."""
    files = {
        "setup.py": "from setuptools import setup\nsetup(name='lib', packages=['lib'],\n"
        "    install_requires=['future>=0.14.0;python_version<\"3\"',\n"
        "                      'futures ; python_version<\"3.2\"'])\n",
        "lib/__init__.py": "from builtins import str\nfrom concurrent import futures\n\n"
        "X = str(futures)\n",
    }
    outcome = _run(make_repo(tmp_path / "used", files))
    assert not [f for f in outcome.findings if f.rule == "deps/unused-dependency"]
    files["lib/__init__.py"] = "import json\n\nX = json.dumps(1)\n"
    outcome = _run(make_repo(tmp_path / "unused", files))
    assert _find(outcome, "deps/unused-dependency", "setup.py", "future ").line == 3
    assert _find(outcome, "deps/unused-dependency", "setup.py", "futures").line == 4


def test_backport_declared_for_every_python_stays_unused(tmp_path: Path) -> None:
    """PyPI's `typing` with no `python_version` marker is installed on every Python, where an
    old release without python_requires shadows the standard library's `typing` (Python 3.7+
    fails with `'Callable' has no attribute '_abc_registry'`): the real bug stays a warning,
    while the same backport limited to the old Pythons (`typing ; python_version<"3.5"`,
    hyperlink's line) is used by the code's `from typing import ...`."""
    files = {
        "setup.py": "from setuptools import setup\nsetup(name='lib', packages=['lib'],\n"
        "    install_requires=['typing'])\n",
        "lib/__init__.py": "from typing import Optional\n\nX = None  # type: Optional[int]\n",
    }
    outcome = _run(make_repo(tmp_path / "every", files))
    backport = _find(outcome, "deps/unused-dependency", "setup.py", "typing")
    assert backport.line == 3 and backport.severity is Severity.WARNING
    files["setup.py"] = files["setup.py"].replace("'typing'", "'typing ; python_version<\"3.5\"'")
    outcome = _run(make_repo(tmp_path / "old", files))
    assert not [f for f in outcome.findings if f.rule == "deps/unused-dependency"]


def test_import_only_inside_functions_of_a_library_declaring_no_dependency_is_info(
    tmp_path: Path,
) -> None:
    """toml's TomlNumpyEncoder imports numpy in its __init__: an optional integration of a
    zero-dependency library; the same import at a module's top level stays a warning."""
    files = {
        "setup.py": "from setuptools import setup\nsetup(name='lib', packages=['lib'])\n",
        "lib/__init__.py": "",
        "lib/encoder.py": "class NumpyEncoder:\n    def __init__(self):\n"
        "        import numpy as np\n        self.np = np\n",
        "lib/fast.py": "import requests\n\n\ndef get():\n    return requests\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    lazy = _find(outcome, "deps/undeclared-import", "lib/encoder.py")
    assert lazy.severity is Severity.INFO
    eager = _find(outcome, "deps/undeclared-import", "lib/fast.py")
    assert eager.severity is Severity.WARNING


def test_import_only_inside_functions_of_a_library_with_only_extras_is_info_required_stays(
    tmp_path: Path,
) -> None:
    """lark declares `dependencies = []` and extras only (regex, js2py); Tree.rich() imports rich
    and pydot__tree_to_png imports pydot inside the function: optional integrations. A library
    that requires a dependency, or a top-level import, keeps the warning."""
    extras = {
        "pyproject.toml": '[project]\nname = "lib"\ndependencies = []\n'
        '[project.optional-dependencies]\nregex = ["regex"]\n',
        "lib/__init__.py": "",
        "lib/tree.py": "def to_png(tree):\n    import pydot\n    return pydot.Dot()\n",
        "lib/fast.py": "import requests\n\n\ndef get():\n    return requests\n",
    }
    outcome = _run(make_repo(tmp_path / "extras", extras))
    assert _find(outcome, "deps/undeclared-import", "lib/tree.py").severity is Severity.INFO
    assert _find(outcome, "deps/undeclared-import", "lib/fast.py").severity is Severity.WARNING
    required = {**extras, "pyproject.toml": extras["pyproject.toml"].replace("[]", '["click"]')}
    required["lib/cli.py"] = "import click\n"
    outcome = _run(make_repo(tmp_path / "required", required))
    assert _find(outcome, "deps/undeclared-import", "lib/tree.py").severity is Severity.WARNING


def test_pyinstaller_imported_by_a_hook_file_is_info_elsewhere_stays(tmp_path: Path) -> None:
    """lark's `lark/__pyinstaller/hook-lark.py` (its pyinstaller40 entry point's hook dir)
    imports PyInstaller, which loads it; a module that imports PyInstaller itself keeps the
    warning."""
    files = {
        "pyproject.toml": '[project]\nname = "lib"\ndependencies = ["click"]\n'
        '[project.entry-points.pyinstaller40]\nhook-dirs = "lib.__pyinstaller:get_hook_dirs"\n',
        "lib/__init__.py": "import click\n",
        "lib/__pyinstaller/__init__.py": "def get_hook_dirs():\n    return []\n",
        "lib/__pyinstaller/hook-lib.py": "from PyInstaller.utils.hooks import collect_data_files\n"
        "datas = collect_data_files('lib')\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    found = [f for f in outcome.findings if f.rule == "deps/undeclared-import"]
    hook = next(f for f in found if f.path == "lib/__pyinstaller/hook-lib.py")
    assert hook.severity is Severity.INFO
    files["lib/freeze.py"] = "import PyInstaller.__main__\n"
    del files["lib/__pyinstaller/hook-lib.py"]
    outcome = _run(make_repo(tmp_path / "plain", files))
    plain = _find(outcome, "deps/undeclared-import", "lib/freeze.py")
    assert plain.severity is Severity.WARNING


def test_docutils_imported_by_a_sphinx_extension_is_info_elsewhere_stays(tmp_path: Path) -> None:
    """humanfriendly's humanfriendly/sphinx.py imports docutils at its top and defines
    `setup(app)`: a Sphinx extension, loaded only by Sphinx, which brings docutils; a module
    without it (a library reading reStructuredText) keeps the warning, and so does a module
    the extension imports that Sphinx does not provide."""
    files = {
        "pyproject.toml": '[project]\nname = "lib"\ndependencies = ["click"]\n',
        "requirements-tests.txt": "docutils\n",
        "lib/__init__.py": "import click\n",
        "lib/sphinx.py": "import docutils.nodes\nimport requests\n\n\n"
        "def setup(app):\n    app.add_role('man', None)\n",
    }
    outcome = _run(make_repo(tmp_path / "ext", files))
    assert _find(outcome, "deps/undeclared-import", "lib/sphinx.py", "docutils").severity is (
        Severity.INFO
    )
    assert _find(outcome, "deps/undeclared-import", "lib/sphinx.py", "requests").severity is (
        Severity.WARNING
    )
    files["lib/sphinx.py"] = "import docutils.core\n\n\ndef setup(config):\n    pass\n"
    outcome = _run(make_repo(tmp_path / "plain", files))
    plain = _find(outcome, "deps/undeclared-import", "lib/sphinx.py", "docutils")
    assert plain.severity is Severity.WARNING


def test_mypy_imported_by_a_mypy_plugin_is_info_elsewhere_stays(tmp_path: Path) -> None:
    """tinydb's tinydb/mypy_plugin.py imports mypy.plugin at its top and defines
    `plugin(_version)`: a mypy plugin, imported only by mypy when a configuration's `plugins`
    names it; a module that imports mypy without that entry point (a library running the type
    checker) keeps the warning, and so does another module the plugin imports."""
    files = {
        "pyproject.toml": '[project]\nname = "lib"\ndependencies = ["click"]\n',
        "lib/__init__.py": "import click\n",
        "lib/mypy_plugin.py": "from mypy.plugin import Plugin\nimport requests\n\n\n"
        "class LibPlugin(Plugin):\n    pass\n\n\n"
        "def plugin(_version: str):\n    return LibPlugin\n",
    }
    outcome = _run(make_repo(tmp_path / "plugin", files))
    assert _find(outcome, "deps/undeclared-import", "lib/mypy_plugin.py", "mypy").severity is (
        Severity.INFO
    )
    assert _find(outcome, "deps/undeclared-import", "lib/mypy_plugin.py", "requests").severity is (
        Severity.WARNING
    )
    files["lib/mypy_plugin.py"] = "from mypy import api\n\n\ndef check(path):\n"
    files["lib/mypy_plugin.py"] += "    return api.run([path])\n"
    outcome = _run(make_repo(tmp_path / "plain", files))
    plain = _find(outcome, "deps/undeclared-import", "lib/mypy_plugin.py", "mypy")
    assert plain.severity is Severity.WARNING
    # a `plugin(name)` of the library's own (its plugin registry) beside a run of mypy's API:
    # no mypy plugin (nothing imports mypy.plugin), so its users need mypy installed
    files["lib/mypy_plugin.py"] += "\n\ndef plugin(name):\n    return REGISTRY[name]\n"
    outcome = _run(make_repo(tmp_path / "registry", files))
    registry = _find(outcome, "deps/undeclared-import", "lib/mypy_plugin.py", "mypy")
    assert registry.severity is Severity.WARNING


def test_a_module_named_after_the_framework_it_imports_is_an_opt_in_integration(
    tmp_path: Path,
) -> None:
    """shortuuid 1.0.13 (held-out 132, noise): a library that requires nothing ships
    shortuuid/django_fields.py (`from django.db import models`), which no module of it imports:
    its README has Django users import it themselves, so django is theirs (info). Beside it,
    what the same module imports under another name (requests), a module the package imports
    up front (`from lib.yaml_io import load` in lib/__init__.py: every user runs it), one that
    uses nothing of the library (lib/flask_app.py: no adapter) and a module not named after
    its import (lib/fields.py's attr) keep the warning; a test that imports the integration
    does not make it eager."""
    files = {
        "pyproject.toml": '[project]\nname = "lib"\ndependencies = []\n',
        "lib/__init__.py": "from lib.core import make\nfrom lib.yaml_io import load\n",
        "lib/core.py": "def make():\n    return 1\n",
        "lib/django_fields.py": "from django.db import models\nimport requests\n\n"
        "from .core import make\n\n\nclass Field(models.CharField):\n    pass\n",
        "lib/flask_app.py": "import flask\n\napp = flask.Flask(__name__)\n",
        "lib/yaml_io.py": "import yaml\n\n\ndef load(text):\n    return yaml.safe_load(text)\n",
        "lib/fields.py": "import attr\n\n\n@attr.s\nclass Field:\n    pass\n",
        "tests/test_fields.py": "from lib.django_fields import Field\n\n\n"
        "def test_field():\n    assert Field\n",
    }
    outcome = _run(make_repo(tmp_path / "lib", files))
    found = {
        (f.path, f.message.split("'")[1]): f.severity
        for f in outcome.findings
        if f.rule == "deps/undeclared-import"
    }
    assert found[("lib/django_fields.py", "django")] is Severity.INFO
    assert found[("lib/django_fields.py", "requests")] is Severity.WARNING
    assert found[("lib/yaml_io.py", "yaml")] is Severity.WARNING
    assert found[("lib/fields.py", "attr")] is Severity.WARNING
    assert found[("lib/flask_app.py", "flask")] is Severity.WARNING


def test_astroid_imported_by_a_pylint_plugin_is_info_elsewhere_stays(tmp_path: Path) -> None:
    """verboselogs' verboselogs/pylint.py imports astroid at its top and defines
    `register(linter)`: a Pylint plugin, loaded only by `pylint --load-plugins`, and Pylint
    brings astroid; a module that uses astroid with a `register(name)` of its own (a code
    analyser's registry) keeps the warning, and so does another module the plugin imports."""
    files = {
        "pyproject.toml": '[project]\nname = "lib"\ndependencies = ["click"]\n',
        "requirements-tests.txt": "pylint\nastroid\n",
        "lib/__init__.py": "import click\n",
        "lib/pylint.py": "from astroid import MANAGER, scoped_nodes\nimport requests\n\n\n"
        "def register(linter):\n    pass\n",
    }
    outcome = _run(make_repo(tmp_path / "plugin", files))
    assert _find(outcome, "deps/undeclared-import", "lib/pylint.py", "astroid").severity is (
        Severity.INFO
    )
    assert _find(outcome, "deps/undeclared-import", "lib/pylint.py", "requests").severity is (
        Severity.WARNING
    )
    # a checker plugin naming its parameter otherwise, but importing Pylint itself
    # (in a module not itself named pylint.py, which would shadow it for its siblings)
    checker = {k: v for k, v in files.items() if k != "lib/pylint.py"}
    checker["lib/checker.py"] = (
        "from pylint.checkers import BaseChecker\n\n\n"
        "def register(pylinter):\n    pylinter.register_checker(BaseChecker(pylinter))\n"
    )
    outcome = _run(make_repo(tmp_path / "checker", checker))
    assert _find(outcome, "deps/undeclared-import", "lib/checker.py", "pylint").severity is (
        Severity.INFO
    )
    files["lib/pylint.py"] = (
        "import astroid\n\nRULES = {}\n\n\ndef register(name):\n    RULES[name] = astroid.parse\n"
    )
    outcome = _run(make_repo(tmp_path / "registry", files))
    registry = _find(outcome, "deps/undeclared-import", "lib/pylint.py", "astroid")
    assert registry.severity is Severity.WARNING


def test_helper_script_of_a_project_declaring_no_python_dependency_is_info(
    tmp_path: Path,
) -> None:
    files = {
        "pass.sh": "#!/bin/sh\necho hi\n",
        "contrib/importer.py": "#!/usr/bin/env python3\nimport pandas\n",
        "lib/module.py": "import requests\n",  # not a program: still the project's problem
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    script = _find(outcome, "deps/undeclared-import", "contrib/importer.py")
    assert script.severity is Severity.INFO
    module = _find(outcome, "deps/undeclared-import", "lib/module.py")
    assert module.severity is Severity.WARNING


def test_helper_script_import_is_a_warning_once_the_project_declares_dependencies(
    tmp_path: Path,
) -> None:
    files = {
        "pyproject.toml": '[project]\nname = "x"\ndependencies = ["click"]\n',
        "x/__init__.py": "import click\n",
        "release.py": "#!/usr/bin/env python3\nimport requests\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    finding = _find(outcome, "deps/undeclared-import", "release.py")
    assert finding.severity is Severity.WARNING


def test_a_root_benchmark_importing_rival_libraries_is_info(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": '[project]\nname = "tab"\ndependencies = []\n',
        "tab/__init__.py": "import os\n",
        # the maintainer's comparison with other table libraries (tabulate's benchmark.py)
        "benchmark.py": "import tab\nimport prettytable\n",
        # a module of the package named the same is shipped: still a warning
        "tab/benchmark.py": "import texttable\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    bench = _find(outcome, "deps/undeclared-import", "benchmark.py", "prettytable")
    assert bench.severity is Severity.INFO
    shipped = _find(outcome, "deps/undeclared-import", "tab/benchmark.py", "texttable")
    assert shipped.severity is Severity.WARNING


def test_nothing_to_check_is_skipped_not_failed(tmp_path: Path) -> None:
    outcome = _run(make_repo(tmp_path / "proj", {"README.md": "# hi\n"}))
    assert outcome.findings == []
    assert "python imports: no Python files" in outcome.skipped_checks
    assert outcome.status() is StepStatus.PASSED


# --------------------------------------------------------------------------- manifests


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("pyproject.toml", '[project]\nname = "x"\ndependencies = [\n  "a",\n  b\n]\n', 5),
        ("package.json", '{\n  "name": "x",\n  "dependencies": {\n    "a": "1",\n  }\n}\n', 5),
        ("Cargo.toml", '[package]\nname = "x"\n[dependencies\n', 3),
        ("go.mod", "module example.com/x\n\ngo 1.22\nrequires foo v1\n", 4),
        ("setup.cfg", "[options]\ninstall_requires\n  = x\n[broken\n", 2),
    ],
)
def test_invalid_manifests_are_errors_with_a_line(
    tmp_path: Path, name: str, text: str, line: int
) -> None:
    outcome = _run(make_repo(tmp_path / "proj", {name: text}))
    finding = _find(outcome, "deps/invalid-manifest", name)
    assert finding.severity is Severity.ERROR and finding.line == line
    assert outcome.status() is StepStatus.FAILED


def test_invalid_requirement_line(tmp_path: Path) -> None:
    outcome = _run(make_repo(tmp_path / "proj", {"requirements.txt": "ok==1\nbad req ==\n"}))
    finding = _find(outcome, "deps/invalid-requirement", "requirements.txt")
    assert finding.line == 2 and finding.severity is Severity.ERROR


def test_setup_cfg_and_setup_py_are_read(tmp_path: Path) -> None:
    files = {
        "setup.cfg": "[metadata]\nname = demo\n[options]\ninstall_requires =\n"
        "    requests>=2\n    attrs\n",
        "setup.py": "from setuptools import setup\nsetup(\n    name='demo',\n"
        "    install_requires=['click>=8', 'click>=8'],\n)\n",
        "demo.py": "import requests\nimport attr\nimport click\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    assert "setup.cfg: 2 dependencies declared" in outcome.checked
    assert "setup.py: 2 dependencies declared" in outcome.checked
    unpinned = _find(outcome, "deps/unpinned", "setup.cfg", "attrs")
    assert unpinned.line == 6 and unpinned.severity is Severity.INFO
    assert _find(outcome, "deps/duplicate", "setup.py", "click").line == 4
    assert not any(f.rule == "deps/undeclared-import" for f in outcome.findings)


def test_a_suffix_less_python_script_is_code_whose_imports_count(tmp_path: Path) -> None:
    """num2words 0.5.14 (held-out 88): `docopt` is imported only by `bin/num2words`, the
    `#!/usr/bin/env python` command `setup(scripts=...)` installs; it is used, not "declared but
    never imported". A dependency nothing imports stays unused, a suffix-less shell script is
    no Python code, and an undeclared import of the Python script is still reported."""
    files = {
        "setup.py": "from setuptools import setup\nsetup(\n    name='demo',\n"
        "    packages=['demo'],\n    scripts=['bin/demo', 'bin/helper'],\n"
        "    install_requires=['docopt>=0.6', 'leftpad-unused', 'six'],\n"
        "    tests_require=['delegator.py'],\n)\n",
        "demo/__init__.py": "def add(a, b):\n    return a + b\n",
        "bin/demo": "#!/usr/bin/env python\nfrom docopt import docopt\nimport zzqnotdeclared\n",
        "bin/helper": "#!/bin/sh\n# import six\nexec python -m demo\n",
        "tests/test_cli.py": "import delegator\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    unused = {f.message.split()[0] for f in outcome.findings if f.rule == "deps/unused-dependency"}
    assert unused == {"leftpad-unused", "six"}
    assert _find(outcome, "deps/undeclared-import", "bin/demo", "zzqnotdeclared").line == 3
    # tests_require declares what the tests import
    assert not any(f.path == "tests/test_cli.py" for f in outcome.findings)
    assert "setup.py: 4 dependencies declared" in outcome.checked


def test_setup_py_requirements_in_one_string_are_read(tmp_path: Path) -> None:
    """wcwidth: `install_requires=('a;' 'marker')` is one parenthesised string, not a tuple."""
    files = {
        "setup.py": "from setuptools import setup\nsetup(\n    name='demo',\n"
        "    install_requires=('backports.functools-lru-cache>=1.2.1;'\n"
        "                      'python_version < \"3.2\"'),\n"
        "    extras_require={'yaml': 'pyyaml>=6\\n# comment\\n'},\n)\n",
        "demo.py": "try:\n    from functools import lru_cache\nexcept ImportError:\n"
        "    from backports.functools_lru_cache import lru_cache\nimport yaml\nimport toml\nimport jaraco.text\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    assert "setup.py: 2 dependencies declared" in outcome.checked
    undeclared = {f.message for f in outcome.findings if f.rule == "deps/undeclared-import"}
    # another namespace (jaraco) is not provided by the backports distribution
    assert undeclared == {
        f"import '{name}' is not provided by any declared dependency" for name in ("toml", "jaraco")
    }


def test_the_literal_extras_of_a_partly_computed_extras_require_are_read(tmp_path: Path) -> None:
    """pathvalidate's setup.py computes its docs and test extras from requirements files and
    writes out `"readme": ["readmemaker>=1.2.0", "path>=13,<18"]`, which docs/make_readme.py
    imports: declared; an import no extra names stays undeclared, and the computed extras are
    said to be skipped."""
    files = {
        "setup.py": "import setuptools\n\nwith open('requirements/docs.txt') as f:\n"
        "    docs_requires = [line.strip() for line in f if line.strip()]\n\n"
        "setuptools.setup(\n    name='demo',\n    extras_require={\n"
        "        'docs': docs_requires,\n"
        "        'readme': [\n            'readmemaker>=1.2.0',\n            'path>=13,<18',\n"
        "        ],\n        **{'more': ['x']},\n    },\n)\n",
        "requirements/docs.txt": "sphinx\n",
        "docs/make_readme.py": "import sys\n\nfrom path import Path\nfrom readmemaker import "
        "ReadmeMaker\nimport tcolorpy\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    undeclared = {f.message for f in outcome.findings if f.rule == "deps/undeclared-import"}
    assert undeclared == {"import 'tcolorpy' is not provided by any declared dependency"}
    assert "setup.py: extras_require['docs'] is computed, not a literal; not read" in (
        outcome.skipped_checks
    )
    assert "setup.py: extras_require has a computed key; that entry is not read" in (
        outcome.skipped_checks
    )
    # nothing literal at all: the whole keyword is skipped, as before
    files["setup.py"] = (
        "import setuptools\nX = list(open('r.txt'))\nsetuptools.setup(extras_require={'a': X})\n"
    )
    outcome = _run(make_repo(tmp_path / "computed", files))
    assert "setup.py: extras_require is computed, not a literal; not read" in (
        outcome.skipped_checks
    )
    undeclared = {f.message for f in outcome.findings if f.rule == "deps/undeclared-import"}
    assert undeclared == {
        f"import '{name}' is not provided by any declared dependency"
        for name in ("path", "readmemaker", "tcolorpy")
    }


def test_pip_compile_transitive_pins_are_not_unused(tmp_path: Path) -> None:
    """wcwidth's requirements-update.txt: pip-compile pins certifi `# via requests`; only what
    the .in file asks for (`# via -r ...`) is the project's own choice."""
    lock = (
        "#\n# This file is autogenerated by pip-compile\n#\n"
        "certifi==2023.7.22\n    # via requests\n"
        "idna==3.4\n    # via\n    #   anyio\n    #   requests\n"
        "requests==2.31.0\n    # via -r requirements-update.in\n"
        "tabulate==0.9.0\n    # via\n    #   -r requirements-update.in\n    #   other\n"
        "six==1.16.0  # via python-dateutil\n"
        "# The following packages are considered to be unsafe in a requirements file:\n"
        "pip==23.3\n"
    )
    files = {"requirements-update.txt": lock, "update.py": "import requests\n"}
    outcome = _run(make_repo(tmp_path / "proj", files))
    unused = {f.line for f in outcome.findings if f.rule == "deps/unused-dependency"}
    assert unused == {12, 18}  # tabulate (asked for by the .in file) and pip (no annotation)


def test_computed_setup_py_requirements_are_skipped(tmp_path: Path) -> None:
    files = {
        "setup.py": "from setuptools import setup\n"
        "REQS = [line.strip() for line in open('requirements.txt')]\n"
        "setup(install_requires=REQS)\n",
        "requirements.txt": "a\n",
        "demo.py": "import six\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    assert "setup.py: install_requires is computed, not a literal; not read" in (
        outcome.skipped_checks
    )
    # what it computes may declare six: no verdict, said so (info); never "declares no
    # dependencies"
    six = _find(outcome, "deps/undeclared-import", "demo.py", "six")
    assert six.severity == Severity.INFO
    assert "setup.py's install_requires is computed, not a literal, and was not read" in (
        six.message
    )
    # a literal list changed by a call that is not append/extend is computed too
    files["setup.py"] = (
        "from setuptools import setup\nREQS = ['a']\nREQS.insert(0, 'b')\n"
        "setup(install_requires=REQS)\n"
    )
    outcome = _run(make_repo(tmp_path / "insert", files))
    assert "setup.py: install_requires is computed, not a literal; not read" in (
        outcome.skipped_checks
    )


def test_setup_py_requirements_in_a_module_level_list_are_read(tmp_path: Path) -> None:
    """orderedmultidict: `required = ['six>=1.8.0']`, `if sys.version_info < (2, 7):
    required.append('ordereddict')`, `setup(install_requires=required)`: six is declared, and
    ordereddict for the Pythons before 2.7 (the fallback of `except ImportError:`); an import
    the list does not name stays undeclared."""
    setup_py = (
        "import sys\nfrom setuptools import setup\n\n"
        "required = ['six>=1.8.0']\n"
        "if sys.version_info < (2, 7):\n    required.append('ordereddict')\n"
        "tests_require = ['flake8']\n"
        "if sys.version_info[:2] < (2, 7):\n    tests_require += ['unittest2']\n\n"
        "setup(name='demo', packages=['demo'], install_requires=required,\n"
        "      tests_require=tests_require)\n"
    )
    module = (
        "import six\n"
        "try:\n    from collections import OrderedDict as odict\n"
        "except ImportError:\n    from ordereddict import OrderedDict as odict\n"
    )
    files = {"setup.py": setup_py, "demo/__init__.py": module}
    outcome = _run(make_repo(tmp_path / "proj", files))
    assert "setup.py: 4 dependencies declared" in outcome.checked
    assert not [f for f in outcome.findings if f.rule == "deps/undeclared-import"]
    assert not any("computed" in s for s in outcome.skipped_checks)
    # the true positive beside it: an import the list does not declare
    files["demo/__init__.py"] = module + "import requests\n"
    outcome = _run(make_repo(tmp_path / "missing", files))
    undeclared = [f for f in outcome.findings if f.rule == "deps/undeclared-import"]
    assert [(f.message, f.severity) for f in undeclared] == [
        ("import 'requests' is not provided by any declared dependency", Severity.WARNING)
    ]


def test_setup_py_extras_require_in_a_module_level_dict_are_read(tmp_path: Path) -> None:
    """`extras_require=EXTRAS` with `EXTRAS = {"yaml": ["pyyaml>=6"], "test": TESTS}` above it
    (or `dict(...)`, a key set below it, a value naming a module-level list): what it lists is
    declared; an `all` key computed from the others is left out, the others kept. A dict changed
    where it is not read (`EXTRAS.update(more())`) is computed: not read, its imports unknown."""
    setup_py = (
        "from setuptools import setup\n\nTESTS = ['pytest']\n"
        "EXTRAS = {'yaml': ['pyyaml>=6'], 'test': TESTS}\n"
        "EXTRAS['fast'] = 'ujson'\n"
        "EXTRAS['all'] = sum(EXTRAS.values(), [])\n\n"
        "setup(name='demo', packages=['demo'], extras_require=EXTRAS)\n"
    )
    module = "def load():\n    import yaml\n    import ujson\n    import requests\n"
    files = {"setup.py": setup_py, "demo/__init__.py": module}
    outcome = _run(make_repo(tmp_path / "proj", files))
    assert "setup.py: 3 dependencies declared" in outcome.checked
    undeclared = [f for f in outcome.findings if f.rule == "deps/undeclared-import"]
    assert [f.message.split()[1] for f in undeclared] == ["'requests'"]
    called = setup_py.replace(
        "{'yaml': ['pyyaml>=6'], 'test': TESTS}", "dict(yaml=['pyyaml>=6'], test=TESTS)"
    )
    outcome = _run(make_repo(tmp_path / "called", {**files, "setup.py": called}))
    assert "setup.py: 3 dependencies declared" in outcome.checked
    changed = setup_py.replace("EXTRAS['fast']", "EXTRAS.update(more())\nEXTRAS['fast']")
    outcome = _run(make_repo(tmp_path / "changed", {**files, "setup.py": changed}))
    assert "setup.py: extras_require is computed, not a literal; not read" in (
        outcome.skipped_checks
    )
    undeclared = [f for f in outcome.findings if f.rule == "deps/undeclared-import"]
    assert {f.message.split()[1] for f in undeclared} == {"'yaml'", "'ujson'", "'requests'"}


def test_setup_py_list_changed_where_it_is_not_read_is_computed(tmp_path: Path) -> None:
    """A list a loop, a function or a call handed it changes is not read as its literals: the
    requirements it gains there are unknown (`install_requires` unread, the import info); one
    changed in an `except` gets what the handler adds, declared."""
    module = "import six\nimport requests\n"
    for changed in (
        "for line in open('requirements.txt'):\n    required.append(line.strip())\n",
        "def more():\n    required.append('requests')\nmore()\n",
        "add_from_file(required)\n",
    ):
        setup_py = (
            "from setuptools import setup\n\nrequired = ['six']\n"
            f"{changed}setup(name='demo', packages=['demo'], install_requires=required)\n"
        )
        files = {"setup.py": setup_py, "demo/__init__.py": module, "requirements.txt": "requests\n"}
        outcome = _run(make_repo(tmp_path / str(len(changed)), files))
        undeclared = [f for f in outcome.findings if f.rule == "deps/undeclared-import"]
        assert [f.severity for f in undeclared] == [Severity.INFO], changed
        assert "setup.py's install_requires is computed" in undeclared[0].message
    handler = "try:\n    import json\nexcept ImportError:\n    required.append('requests')\n"
    setup_py = (
        "from setuptools import setup\n\nrequired = ['six']\n"
        f"{handler}setup(name='demo', packages=['demo'], install_requires=required)\n"
    )
    files = {"setup.py": setup_py, "demo/__init__.py": module}
    outcome = _run(make_repo(tmp_path / "handler", files))
    assert not [f for f in outcome.findings if f.rule == "deps/undeclared-import"]


def test_extras_may_repeat_a_requirement_but_a_list_may_not(tmp_path: Path) -> None:
    pyproject = textwrap.dedent(
        """\
        [project]
        name = "x"
        dependencies = ["rich>=13", "rich>=13"]
        [project.optional-dependencies]
        a = ["openai>=1"]
        b = ["openai>=1"]
        """
    )
    outcome = _run(make_repo(tmp_path / "proj", {"pyproject.toml": pyproject}))
    duplicates = [f for f in outcome.findings if f.rule == "deps/duplicate"]
    assert [(f.path, f.line) for f in duplicates] == [("pyproject.toml", 3)]


# --------------------------------------------------------------------------- lockfiles

PACKAGE_JSON = json.dumps(
    {
        "name": "web",
        "version": "1.0.0",
        "dependencies": {"lodash": "^4.17.21", "left-pad": "*"},
        "devDependencies": {"vitest": "^1.0.0", "lodash": "^4.17.21"},
    },
    indent=2,
)


def _package_lock(deps: dict[str, str], dev: dict[str, str]) -> str:
    packages = {
        "": {"name": "web", "version": "1.0.0", "dependencies": deps, "devDependencies": dev},
        **{f"node_modules/{name}": {"version": "1.0.0"} for name in {**deps, **dev}},
    }
    return json.dumps({"name": "web", "lockfileVersion": 3, "packages": packages}, indent=2)


def test_package_json_pins_duplicates_and_lockfile_in_step(tmp_path: Path) -> None:
    lock = _package_lock({"lodash": "^4.17.21", "left-pad": "*"}, {"vitest": "^1.0.0"})
    files = {"package.json": PACKAGE_JSON, "package-lock.json": lock}
    outcome = _run(make_repo(tmp_path / "proj", files))
    assert _find(outcome, "deps/unpinned", "package.json", "left-pad").line == 6
    assert _find(outcome, "deps/duplicate", "package.json", "both runtime and dev").line == 10
    assert not any(f.rule == "deps/lockfile-out-of-date" for f in outcome.findings)
    assert any(c.startswith("package-lock.json agrees with package.json") for c in outcome.checked)


def test_package_lock_out_of_step(tmp_path: Path) -> None:
    lock = _package_lock({"lodash": "^4.17.0"}, {"vitest": "^1.0.0"})
    files = {"package.json": PACKAGE_JSON, "package-lock.json": lock}
    outcome = _run(make_repo(tmp_path / "proj", files))
    stale = [f for f in outcome.findings if f.rule == "deps/lockfile-out-of-date"]
    assert [(f.path, f.line) for f in stale] == [
        ("package.json", 5),
        ("package.json", 6),
        ("package.json", 10),
    ]
    assert "locked as ^4.17.0" in stale[0].message and "is missing" in stale[1].message


def test_missing_npm_lockfile(tmp_path: Path) -> None:
    """An application (`"private": true`, or no version to publish) without a lockfile is a
    warning; a package npm publishes is information (held-out 5: js-yaml commits none: npm never
    publishes a lockfile, its users resolve the declared ranges)."""
    application = json.dumps({**json.loads(PACKAGE_JSON), "private": True})
    outcome = _run(make_repo(tmp_path / "app", {"package.json": application}))
    assert _find(outcome, "deps/missing-lockfile", "package.json").severity is Severity.WARNING
    outcome = _run(make_repo(tmp_path / "lib", {"package.json": PACKAGE_JSON}))
    finding = _find(outcome, "deps/missing-lockfile", "package.json", "web@1.0.0")
    assert finding.severity is Severity.INFO and "published package" in finding.message


def test_nested_workspace_package_uses_the_root_lockfile(tmp_path: Path) -> None:
    lock = {
        "lockfileVersion": 3,
        "packages": {
            "": {"name": "root", "workspaces": ["packages/*"]},
            "packages/app": {"name": "app", "dependencies": {"lodash": "^4"}},
        },
    }
    files = {
        "package.json": '{"name": "root", "workspaces": ["packages/*"]}',
        "package-lock.json": json.dumps(lock),
        "packages/app/package.json": '{"name": "app", "dependencies": {"lodash": "^4"}}',
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    assert outcome.findings == []
    assert "package-lock.json agrees with packages/app/package.json (1 dependencies)" in (
        outcome.checked
    )


YARN_LOCK = textwrap.dedent(
    """\
    # THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.
    # yarn lockfile v1


    "@babel/core@^7.0.0", "@babel/core@^7.1.0":
      version "7.2.0"

    lodash@^4.17.21:
      version "4.17.21"
      resolved "https://registry.yarnpkg.com/lodash/-/lodash-4.17.21.tgz"
    """
)

PNPM_LOCK = textwrap.dedent(
    """\
    lockfileVersion: '9.0'
    importers:
      .:
        dependencies:
          lodash:
            specifier: ^4.17.21
            version: 4.17.21
        devDependencies:
          vitest:
            specifier: ^0.34.0
            version: 0.34.6
    """
)


def test_yarn_and_pnpm_lockfiles_are_read() -> None:
    assert yarn_locked(YARN_LOCK) == {
        "@babel/core": {"^7.0.0", "^7.1.0"},
        "lodash": {"^4.17.21"},
    }
    assert pnpm_locked(PNPM_LOCK) == {"lodash": {"^4.17.21"}, "vitest": {"^0.34.0"}}
    berry = '"lodash@npm:^4.17.21":\n  version: 4.17.21\n'
    assert yarn_locked(berry) == {"lodash": {"^4.17.21"}}
    assert npm_locked('{"lockfileVersion": 1, "dependencies": {"a": {}}}') == {"a": {"*"}}
    assert npm_locked("not json") is None


def test_yarn_lock_out_of_step(tmp_path: Path) -> None:
    files = {"package.json": PACKAGE_JSON, "yarn.lock": YARN_LOCK}
    outcome = _run(make_repo(tmp_path / "proj", files))
    stale = {
        f.message.split()[0] for f in outcome.findings if f.rule == "deps/lockfile-out-of-date"
    }
    assert stale == {"left-pad", "vitest"}


def test_pnpm_lock_out_of_step(tmp_path: Path) -> None:
    files = {"package.json": PACKAGE_JSON, "pnpm-lock.yaml": PNPM_LOCK}
    outcome = _run(make_repo(tmp_path / "proj", files))
    stale = [f for f in outcome.findings if f.rule == "deps/lockfile-out-of-date"]
    assert {f.message.split()[0] for f in stale} == {"left-pad", "vitest"}
    assert any("locked as ^0.34.0" in f.message for f in stale)


def test_poetry_lock_missing_and_out_of_step(tmp_path: Path) -> None:
    pyproject = textwrap.dedent(
        """\
        [tool.poetry]
        name = "demo"

        [tool.poetry.dependencies]
        python = "^3.11"
        requests = "^2.31"
        rich = {version = "^13", optional = true}

        [tool.poetry.group.dev.dependencies]
        pytest = "*"
        """
    )
    missing = _run(make_repo(tmp_path / "a", {"pyproject.toml": pyproject}))
    assert _find(missing, "deps/missing-lockfile", "pyproject.toml", "poetry.lock")
    lock = '[[package]]\nname = "requests"\nversion = "2.31.0"\n\n[[package]]\nname = "Rich"\n'
    outcome = _run(make_repo(tmp_path / "b", {"pyproject.toml": pyproject, "poetry.lock": lock}))
    stale = _find(outcome, "deps/lockfile-out-of-date", "pyproject.toml", "pytest")
    assert stale.line == 10
    assert _find(outcome, "deps/unpinned", "pyproject.toml", "pytest").severity is Severity.INFO
    assert len([f for f in outcome.findings if f.rule == "deps/lockfile-out-of-date"]) == 1


def test_uv_lock_in_step(tmp_path: Path) -> None:
    pyproject = '[project]\nname = "demo"\ndependencies = ["typing_extensions>=4"]\n'
    lock = (
        'version = 1\n[[package]]\nname = "demo"\nversion = "0.1"\n'
        '[[package]]\nname = "typing-extensions"\nversion = "4.12.2"\n'
    )
    outcome = _run(make_repo(tmp_path / "p", {"pyproject.toml": pyproject, "uv.lock": lock}))
    assert "uv.lock lists every dependency of pyproject.toml" in outcome.checked
    assert not any(f.rule.startswith("deps/lockfile") for f in outcome.findings)


def test_go_mod_and_go_sum(tmp_path: Path) -> None:
    go_mod = textwrap.dedent(
        """\
        module example.com/demo

        go 1.22

        require (
        \tgithub.com/pkg/errors v0.9.1
        \tgolang.org/x/text v0.14.0 // indirect
        )
        require github.com/google/uuid v1.6.0
        """
    )
    go_sum = (
        "github.com/pkg/errors v0.9.1 h1:abc=\n"
        "github.com/pkg/errors v0.9.1/go.mod h1:def=\n"
        "golang.org/x/text v0.14.0/go.mod h1:ghi=\n"
    )
    outcome = _run(make_repo(tmp_path / "p", {"go.mod": go_mod, "go.sum": go_sum}))
    stale = _find(outcome, "deps/lockfile-out-of-date", "go.mod", "github.com/google/uuid")
    assert stale.line == 9
    assert len(outcome.findings) == 1
    missing = _run(make_repo(tmp_path / "q", {"go.mod": go_mod}))
    assert _find(missing, "deps/missing-lockfile", "go.mod", "go.sum")


def test_go_sum_of_replaced_requirements(tmp_path: Path) -> None:
    """A requirement a `replace` points at a local directory is never fetched, so go.sum has
    no sum of it (cespare/xxhash's xxhashbench: `replace .../v2 => ../`); one replaced by
    another module needs that module's sum, and an unreplaced one its own."""
    go_mod = textwrap.dedent(
        """\
        module example.com/bench

        go 1.13

        require (
        \texample.com/lib/v2 v2.0.0-00010101000000-000000000000
        \tgithub.com/a/fork v1.0.0
        \tgithub.com/a/moved v1.2.0
        \tgithub.com/b/plain v0.3.0
        )

        replace example.com/lib/v2 => ../
        replace (
        \tgithub.com/a/fork v1.0.0 => github.com/c/fork v1.0.1
        \tgithub.com/a/moved => "./vendored/moved"
        )
        """
    )
    go_sum = "github.com/c/fork v1.0.1/go.mod h1:abc=\n"
    outcome = _run(make_repo(tmp_path / "p", {"go.mod": go_mod, "go.sum": go_sum}))
    stale = [f.message for f in outcome.findings if f.rule == "deps/lockfile-out-of-date"]
    assert len(stale) == 1 and stale[0].startswith("github.com/b/plain v0.3.0 has no checksum")
    fork_gone = _run(make_repo(tmp_path / "q", {"go.mod": go_mod, "go.sum": "x v1 h1:a=\n"}))
    messages = [f.message for f in fork_gone.findings if f.rule == "deps/lockfile-out-of-date"]
    assert len(messages) == 2
    assert any("github.com/a/fork v1.0.0 has no checksum (replaced by" in m for m in messages)
    assert not any("example.com/lib" in m or "a/moved" in m for m in messages)


def test_cargo_toml_and_lock(tmp_path: Path) -> None:
    cargo = textwrap.dedent(
        """\
        [package]
        name = "demo"
        version = "0.1.0"

        [dependencies]
        serde = { version = "1", features = ["derive"] }
        anyhow = "*"

        [dev-dependencies]
        proptest = "1"
        """
    )
    lock = 'version = 3\n[[package]]\nname = "demo"\n[[package]]\nname = "serde"\n'
    outcome = _run(make_repo(tmp_path / "p", {"Cargo.toml": cargo, "Cargo.lock": lock}))
    assert _find(outcome, "deps/unpinned", "Cargo.toml", "anyhow").line == 7
    stale = {f.message.split()[0]: f.line for f in outcome.findings if "out-of-date" in f.rule}
    assert stale == {"anyhow": 7, "proptest": 10}
    no_lock = _run(make_repo(tmp_path / "q", {"Cargo.toml": cargo}))
    assert _find(no_lock, "deps/missing-lockfile", "Cargo.toml").severity is Severity.INFO


# --------------------------------------------------------------------------- the target's env


def test_target_interpreter_maps_import_names_and_spots_commands(tmp_path: Path) -> None:
    """A real virtual environment whose installed distribution names differ from imports."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next((venv / "lib").glob("python3*/site-packages"))
    _fake_dist(site, "fancy-dist", "fancy", console_scripts=False)
    _fake_dist(site, "fancy-cli", "fancycli", console_scripts=True)
    files = {
        "pyproject.toml": '[project]\nname = "p"\ndependencies = ["fancy-dist", "fancy-cli"]\n',
        "p.py": "import fancy\n",
    }
    target = make_repo(tmp_path / "proj", files)
    config = Config(tech_stack=TechStackConfig(python=str(venv / "bin" / "python")))
    outcome = _run(target, config)
    assert not any(f.rule == "deps/undeclared-import" for f in outcome.findings)
    unused = _find(outcome, "deps/unused-dependency", "pyproject.toml", "fancy-cli")
    assert unused.severity is Severity.INFO and "installs commands" in unused.message
    assert outcome.data["python"]["interpreter"] == str(venv / "bin" / "python")


def test_the_projects_venv_is_asked_the_interpreter_tests_run_with(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Steps 7 and 8 agree: both use `TechStack.python`, here the project's own env/
    (which the stack detection once skipped for python3 on PATH)."""
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    files = {
        ".gitignore": "env/\n",
        "pyproject.toml": '[project]\nname = "p"\ndependencies = ["fancy-dist"]\n',
        "p.py": "import fancy\n",
    }
    target = make_repo(tmp_path / "proj", files)
    venv = target / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    _fake_dist(
        next((venv / "lib").glob("python3*/site-packages")),
        "fancy-dist",
        "fancy",
        console_scripts=False,
    )
    ctx = step_context(target, dependencies.SPEC)
    outcome = dependencies.run(ctx)
    assert not any(f.rule == "deps/undeclared-import" for f in outcome.findings)
    assert outcome.data["python"]["interpreter"] == str(venv / "bin" / "python")
    assert detect_stack(ctx).python == outcome.data["python"]["interpreter"]


def test_interpreter_is_not_asked_when_everything_resolves(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": '[project]\nname = "p"\ndependencies = ["PyYAML>=6"]\n',
        "p.py": "import yaml\n",
    }
    target = make_repo(tmp_path / "proj", files)
    config = Config(tech_stack=TechStackConfig(python=sys.executable))
    ctx = step_context(target, dependencies.SPEC, config=config)
    outcome = dependencies.run(ctx)
    assert outcome.findings == []
    assert outcome.data["python"]["interpreter"] is None
    log = ctx.workspace.step_log(dependencies.SPEC)
    assert not log.exists() or sys.executable not in log.read_text()


def _fake_dist(site: Path, name: str, module: str, *, console_scripts: bool) -> None:
    """An installed distribution as pip leaves it: a package plus a .dist-info directory."""
    (site / module).mkdir()
    (site / module / "__init__.py").write_text("")
    info = site / f"{name.replace('-', '_')}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "top_level.txt").write_text(module + "\n")
    (info / "RECORD").write_text(f"{module}/__init__.py,,\n")
    if console_scripts:
        (info / "entry_points.txt").write_text(f"[console_scripts]\n{module} = {module}:main\n")


def test_clean_python_and_js_project_has_no_findings(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": '[project]\nname = "clean"\ndependencies = ["PyYAML>=6", "rich>=13"]\n',
        "uv.lock": '[[package]]\nname = "pyyaml"\n[[package]]\nname = "rich"\n',
        "src/clean/__init__.py": "import yaml\nfrom rich.console import Console\n",
        "tests/test_clean.py": "import clean\n",
        "package.json": '{"name": "web", "dependencies": {"lodash": "^4.17.21"}}',
        "package-lock.json": _package_lock({"lodash": "^4.17.21"}, {}),
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    assert outcome.findings == []
    assert outcome.status() is StepStatus.PASSED


@given(st.text(max_size=300), st.sampled_from(sorted(PARSERS)))
def test_parsers_never_raise_on_arbitrary_text(text: str, kind: str) -> None:
    """Bad input is a finding, never a traceback."""
    report = Report()
    manifest = PARSERS[kind]("m", text, report)
    assert manifest.valid or any(f.severity is Severity.ERROR for f in report.outcome.findings)


# --------------------------------------------------------------------------- units


def test_imports_of_marks_guarded_type_only_and_dynamic_imports_optional() -> None:
    source = textwrap.dedent(
        """\
        import a.b
        from c import d
        from . import local
        try:
            import e
        except (ImportError, OSError):
            import f
        if TYPE_CHECKING:
            import g
        def fn():
            import h
            return importlib.import_module("i.j")
        """
    )
    import ast

    uses = [(u.module, u.line, u.optional) for u in imports_of(ast.parse(source), "x.py", source)]
    assert uses == [
        ("a", 1, False),
        ("c", 2, False),
        ("e", 5, True),
        ("f", 7, False),
        ("g", 9, True),
        ("h", 11, False),
        ("i", 12, True),
    ]


def test_import_of_a_module_the_caller_already_loaded_is_optional() -> None:
    """sniffio imports curio only `if 'curio' in sys.modules:`; another module imported
    there, or curio under some other condition, is still required."""
    source = textwrap.dedent(
        """\
        import sys
        if "curio" in sys.modules and ready:
            from curio.meta import curio_running
            import requests
        if "curio" not in sys.modules:
            import curio
        """
    )
    import ast

    uses = [(u.module, u.line, u.optional) for u in imports_of(ast.parse(source), "x.py", source)]
    assert uses == [
        ("sys", 1, False),
        ("curio", 3, True),
        ("requests", 4, False),
        ("curio", 6, False),
    ]


def test_import_under_a_test_of_the_callers_object_is_optional() -> None:
    """croniter 7.0.0 (held-out 85) imports pytz only under `localize = getattr(
    previous_date.tzinfo, "localize", None)` / `if localize is not None:`: only a pytz zone has
    `localize`, so pytz is there whenever it runs (pytz is a dev dependency on purpose). The same
    with `hasattr`. An attribute of an imported module (`hasattr(os, "fork")`) is a platform
    test, and an import under any other condition is still required."""
    source = textwrap.dedent(
        """        import os
        def add_tzinfo(date, previous):
            localize = getattr(previous.tzinfo, "localize", None)
            if localize is not None:
                import pytz
            if hasattr(date, "to_pydatetime") and ready:
                import pandas
            if hasattr(os, "fork"):
                import forklib
            fallback = getattr(previous, "fold", 0)
            if fallback:
                import requests
        """
    )
    import ast

    uses = [(u.module, u.line, u.optional) for u in imports_of(ast.parse(source), "x.py", source)]
    assert uses == [
        ("os", 1, False),
        ("pytz", 5, True),
        ("pandas", 7, True),
        ("forklib", 9, False),
        ("requests", 12, False),
    ]


def test_import_under_a_test_of_which_object_a_slot_holds_is_optional(tmp_path: Path) -> None:
    """exceptiongroup 1.2.2 imports Ubuntu's apport_python_hook only under
    `if getattr(sys.excepthook, "__name__", None) in ("apport_excepthook", ...):`, to patch
    the hook apport installed: the import runs only where apport's object is there. The same
    with `x.__module__ == "m"`. A test of a value (`sys.platform == "win32"`,
    `getattr(sys, "frozen", False)`) or a name compared with no literal still requires its
    import."""
    hook = (
        "import sys\n\n"
        'if getattr(sys.excepthook, "__name__", None) in (\n'
        '    "apport_excepthook",\n    "partial_apport_excepthook",\n):\n'
        "    import apport_python_hook\n\n"
        'if sys.excepthook.__module__ == "sentry_sdk.integrations.excepthook" and ready:\n'
        "    import sentry_sdk\n\n"
        'if sys.platform == "win32":\n    import winshell\n\n'
        'if getattr(sys, "frozen", False):\n    import pyi_splash\n\n'
        "if sys.excepthook.__name__ == WANTED:\n    import requests\n"
    )
    files = {
        "setup.cfg": "[metadata]\nname = hooks\n\n[options]\npython_requires = >= 3.7\n",
        "setup.py": "from setuptools import setup\nsetup()\n",
        "src/hooks/__init__.py": "",
        "src/hooks/formatting.py": hook,
    }
    outcome = _run(make_repo(tmp_path / "hooks", files))
    reported = {
        f.message.split("'")[1]
        for f in outcome.findings
        if f.rule == "deps/undeclared-import" and f.severity is Severity.WARNING
    }
    assert reported == {"winshell", "pyi_splash", "requests"}


def test_import_name_to_distribution_mapping() -> None:
    env = PythonEnvironment()
    assert "pyyaml" in providers("yaml", env)
    assert "scikit-learn" in providers("sklearn", env)
    assert "typing-extensions" in providers("typing_extensions", env)
    assert "dateutil" in provided_modules("python-dateutil", env)
    assert "google" in provided_modules("google-cloud-storage", env)
    assert "zope" in provided_modules("zope.interface", env)


def test_dev_files_and_local_modules() -> None:
    assert is_dev_file("tests/test_x.py")
    assert is_dev_file("docs/conf.py")
    assert is_dev_file("noxfile.py")
    assert is_dev_file("pkg/check.py", ["pkg"])
    assert not is_dev_file("src/pkg/core.py")
    assert is_dev_file("benchmark.py") and is_dev_file("bench_parse.py")
    assert not is_dev_file("pkg/benchmark.py")  # inside a package: may be shipped
    assert not is_dev_file("benchmarking_tools.py")
    files = ["src/pkg/a.py", "tool.py", "tests/helpers.py", "lib/other/x.py"]
    assert local_modules(files) == {"src", "pkg", "tool", "tests", "lib", "other"}


_names = st.from_regex(r"[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,5})?", fullmatch=True)
_versions = st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,3}){0,2}", fullmatch=True)


@given(st.lists(st.tuples(_names, _versions, st.booleans()), min_size=1, max_size=12))
def test_requirements_round_trip(entries: list[tuple[str, str, bool]]) -> None:
    """Every written requirement is read back with its name, pin and line, comments ignored."""
    lines = []
    for name, version, comment in entries:
        lines.append(f"{name}=={version}" + ("  # why" if comment else ""))
        if comment:
            lines.append("# a comment line")
    report = Report()
    manifest = parse_requirements("requirements.txt", "\n".join(lines) + "\n", report)
    assert report.outcome.findings == []
    assert [(d.name, d.spec) for d in manifest.dependencies] == [
        (name, f"=={version}") for name, version, _ in entries
    ]
    expected_lines = [i + 1 for i, text in enumerate(lines) if not text.startswith("#")]
    assert [d.line for d in manifest.dependencies] == expected_lines


def test_requirements_options_urls_continuations_and_hashes() -> None:
    text = textwrap.dedent(
        """\
        -r base.txt
        --index-url https://example.invalid/simple
        -e .
        ./local/pkg
        git+https://example.invalid/repo.git#egg=thing
        pkg @ https://example.invalid/pkg-1.0.whl
        multi \\
            >=1.0 --hash=sha256:abc
        name[extra]==1.0 ; python_version < "3.12"
        """
    )
    report = Report()
    manifest = parse_requirements("requirements/dev.txt", text, report)
    assert report.outcome.findings == []
    got = [(d.name, d.spec, d.line, d.group) for d in manifest.dependencies]
    assert got == [
        ("pkg", "@ https://example.invalid/pkg-1.0.whl", 6, "dev"),
        ("multi", ">=1.0", 7, "dev"),
        ("name", "==1.0", 9, "dev"),
    ]


def test_a_setup_cfg_requirement_repeated_in_an_extra_is_located_on_its_own_lines(
    tmp_path: Path,
) -> None:
    """qrcode 7.4.2 (held-out 112) lists `pytest` twice in its `all` extra, after `pytest` in
    `dev` (above `pytest-cov`) and in `test`: the duplicate is the second line of `all`, and the
    message cites the first, not a line where `pytest` is only part of `pytest-cov`. The same
    name once in each of two extras is no duplicate."""
    cfg_text = textwrap.dedent(
        """\
        [metadata]
        name = q

        [options]
        packages = find:
        install_requires =
            pypng

        [options.extras_require]
        dev =
            pytest-cov
            pytest
        test =
            coverage
            pytest
        all =
            pytest
            pytest
            pytest-cov
        """
    )
    files = {"setup.cfg": cfg_text, "q/__init__.py": "import png\n"}
    outcome = _run(make_repo(tmp_path / "q", files))
    found = [(f.line, f.message) for f in outcome.findings if f.rule == "deps/duplicate"]
    assert found == [(18, "pytest is declared twice (also line 17, without a version)")]


def test_a_one_line_setup_cfg_value_is_split_on_semicolons_as_setuptools_does() -> None:
    """olefile 0.47 (held-out 149): `tests = pytest; pytest-cov` is two requirements to
    setuptools (a one-line value is a `;`-separated list; its requires.txt lists both), not one
    invalid requirement. A marker on a line of a multi-line value stays a marker; a marker on a
    one-line value is split off by setuptools too, so that part is still an invalid requirement."""
    text = textwrap.dedent(
        """\
        [options]
        install_requires =
            attrs; python_version < "3.8"
        tests_require = mock; python_version<"3"

        [options.extras_require]
        tests = pytest; pytest-cov
        """
    )
    report = Report()
    manifest = PARSERS["setup.cfg"]("setup.cfg", text, report)
    got = [(d.name, d.markers, d.line, d.section) for d in manifest.dependencies]
    assert got == [
        ("attrs", 'python_version < "3.8"', 3, "install_requires"),
        ("mock", "", 4, "tests_require"),
        ("pytest", "", 7, "extras_require.tests"),
        ("pytest-cov", "", 7, "extras_require.tests"),
    ]
    found = [(f.rule, f.line, f.message) for f in report.outcome.findings]
    assert len(found) == 1
    assert found[0][:2] == ("deps/invalid-requirement", 4)
    assert 'python_version<"3"' in found[0][2]


def test_a_setup_cfg_requirement_with_a_trailing_comment_is_read_without_it() -> None:
    """email-validator 2.2.0 (held-out 151) writes `dnspython>=2.0.0 # optional if ...` under
    install_requires; setuptools drops the ` #` comment (its metadata says Requires-Dist:
    dnspython>=2.0.0), so the line is a valid requirement, not an invalid one that also leaves
    `import dns` undeclared. A line that stays broken once the comment is gone is still
    reported, and a URL's `#sha256=` fragment (no blank before it) is kept."""
    cfg_text = textwrap.dedent(
        """\
        [metadata]
        name = ev

        [options]
        install_requires =
            dnspython>=2.0.0 # optional if deliverability check isn't needed
            idna>=2.0.0
            pkg @ https://example.invalid/pkg-1.0.whl#sha256=abc
            broken >=1 <2 # a comment does not mend it
        """
    )
    report = Report()
    manifest = PARSERS["setup.cfg"]("setup.cfg", cfg_text, report)
    got = [(d.name, d.spec, d.line) for d in manifest.dependencies]
    assert got == [
        ("dnspython", ">=2.0.0", 6),
        ("idna", ">=2.0.0", 7),
        ("pkg", "@ https://example.invalid/pkg-1.0.whl#sha256=abc", 8),
    ]
    invalid = [(f.rule, f.line) for f in report.outcome.findings]
    assert invalid == [("deps/invalid-requirement", 9)]
    assert "a comment does not mend it" not in report.outcome.findings[0].message


def test_a_requirement_declared_twice_is_one_duplicate_and_one_unused(tmp_path: Path) -> None:
    files = {"requirements.txt": "requests\nrequests\n", "app.py": "import os\n"}
    outcome = _run(make_repo(tmp_path / "twice", files))
    duplicate = _find(outcome, "deps/duplicate", "requirements.txt", "requests")
    assert duplicate.line == 2
    assert duplicate.message == "requests is declared twice (also line 1, without a version)"
    unused = [f for f in outcome.findings if f.rule == "deps/unused-dependency"]
    assert [(f.path, f.line) for f in unused] == [("requirements.txt", 1)]


def test_a_requirements_file_listing_the_test_runner_is_a_development_environment(
    tmp_path: Path,
) -> None:
    """python-dotenv's root requirements.txt (black, flake8, tox, twine, pytest): the tools are
    run, not imported, so none is an unused dependency; without a test runner it stays one."""
    app = "import os\n"
    dev = {"requirements.txt": "black\nflake8\npytest>=3.9\ntwine\n", "app.py": app}
    outcome = _run(make_repo(tmp_path / "dev", dev))
    assert "deps/unused-dependency" not in {f.rule for f in outcome.findings}
    runtime = {"requirements.txt": "black\nrequests\n", "app.py": app}
    outcome = _run(make_repo(tmp_path / "runtime", runtime))
    unused = [f for f in outcome.findings if f.rule == "deps/unused-dependency"]
    assert [(f.path, f.line, f.severity) for f in unused] == [
        ("requirements.txt", 1, Severity.WARNING),
        ("requirements.txt", 2, Severity.WARNING),
    ]


def test_a_typing_requirements_file_is_a_development_environment(tmp_path: Path) -> None:
    """click's requirements/typing.txt (mypy, pyright: tox's typing env runs them as commands)
    is development-only like tests.txt; the same tools in a plain requirements.txt stay unused."""
    app = "import os\n"
    typing = {"requirements/typing.txt": "mypy==1.4.1\npyright==1.1.317\n", "app.py": app}
    outcome = _run(make_repo(tmp_path / "typing", typing))
    assert "deps/unused-dependency" not in {f.rule for f in outcome.findings}
    runtime = {"requirements/main.txt": "mypy==1.4.1\n", "app.py": app}
    outcome = _run(make_repo(tmp_path / "runtime", runtime))
    unused = [f for f in outcome.findings if f.rule == "deps/unused-dependency"]
    assert [(f.path, f.line, f.severity) for f in unused] == [
        ("requirements/main.txt", 1, Severity.WARNING)
    ]


def test_a_tools_requirements_file_is_a_development_environment(tmp_path: Path) -> None:
    """soupsieve 2.5's requirements/tools.txt (pygithub alone, for the maintainer's repository
    tools; held-out 71, noise) is development-only like tests.txt; the same package in a
    requirements/main.txt stays an unused runtime dependency."""
    app = "import os\n"
    tools = {"requirements/tools.txt": "pygithub\n", "app.py": app}
    outcome = _run(make_repo(tmp_path / "tools", tools))
    assert "deps/unused-dependency" not in {f.rule for f in outcome.findings}
    runtime = {"requirements/main.txt": "pygithub\n", "app.py": app}
    outcome = _run(make_repo(tmp_path / "runtime", runtime))
    unused = [f for f in outcome.findings if f.rule == "deps/unused-dependency"]
    assert [(f.path, f.line, f.severity) for f in unused] == [
        ("requirements/main.txt", 1, Severity.WARNING)
    ]


def test_requirements_files_in_a_requirements_directory_of_another_name_declare(
    tmp_path: Path,
) -> None:
    """parse_type 0.6.4 keeps its requirements in `py.requirements/` (`basic.txt`,
    `develop.txt`; held-out 121): its files declare what they list, as `requirements/`'s do,
    by their names (develop.txt is development). A .txt in a directory of another name
    (`notes/`) declares nothing, and an import no file lists stays undeclared."""
    files = {
        "setup.py": "from setuptools import setup\nsetup(name='app', py_modules=['app'])\n",
        "app.py": "import requests\nimport yaml\n",
        "py.requirements/basic.txt": "requests>=2\n",
        "py.requirements/develop.txt": "-r basic.txt\ntyper\n",
        "tasks.py": "import typer\n",
    }
    outcome = _run(make_repo(tmp_path / "dir", files))
    undeclared = [f for f in outcome.findings if f.rule == "deps/undeclared-import"]
    assert [(f.path, f.line, f.severity) for f in undeclared] == [("app.py", 2, Severity.WARNING)]
    elsewhere = {**files, "notes/basic.txt": "requests>=2\n"}
    del elsewhere["py.requirements/basic.txt"], elsewhere["py.requirements/develop.txt"]
    outcome = _run(make_repo(tmp_path / "notes", elsewhere))
    undeclared = [f for f in outcome.findings if f.rule == "deps/undeclared-import"]
    assert ("app.py", 1) in [(f.path, f.line) for f in undeclared]
    assert "tasks.py" in [f.path for f in undeclared]


def test_the_requirements_file_of_an_invoke_tasks_package_declares_its_imports(
    tmp_path: Path,
) -> None:
    """parse_type 0.6.4's tasks/ is its invoke build script (`tasks/__init__.py` imports invoke)
    and tasks/py.requirements.txt declares invoke and what the tasks import (held-out 121): read
    as the development requirements of the root project. A `tasks/` package that does not
    import invoke is the project's own code, and a requirements file beside it declares nothing
    for the root: its import stays undeclared."""
    files = {
        "setup.py": "from setuptools import setup\nsetup(name='app', packages=['app'])\n",
        "app/__init__.py": "import os\n",
        "tasks/__init__.py": "from invoke import Collection\nimport path\n",
        "tasks/py.requirements.txt": "invoke >= 1.4\npath\n",
    }
    outcome = _run(make_repo(tmp_path / "invoke", files))
    assert [f.path for f in outcome.findings if f.rule == "deps/undeclared-import"] == []
    assert "deps/unused-dependency" not in {f.rule for f in outcome.findings}
    own = {**files, "tasks/__init__.py": "import celery\n", "tasks/py.requirements.txt": "celery\n"}
    outcome = _run(make_repo(tmp_path / "own", own))
    undeclared = [f for f in outcome.findings if f.rule == "deps/undeclared-import"]
    assert [(f.path, f.severity) for f in undeclared] == [("tasks/__init__.py", Severity.WARNING)]


def test_a_packaging_requirements_file_is_a_development_environment(tmp_path: Path) -> None:
    """parse_type 0.6.4's py.requirements/packaging.txt (build, wheel: the tools that build the
    package, run as commands; held-out 121) is development-only like tests.txt; the same
    packages in a requirements/main.txt stay unused runtime dependencies."""
    app = "import os\n"
    packaging = {"py.requirements/packaging.txt": "build >= 0.5.1\nwheel\n", "app.py": app}
    outcome = _run(make_repo(tmp_path / "packaging", packaging))
    assert "deps/unused-dependency" not in {f.rule for f in outcome.findings}
    runtime = {"requirements/main.txt": "build >= 0.5.1\n", "app.py": app}
    outcome = _run(make_repo(tmp_path / "runtime", runtime))
    unused = [f for f in outcome.findings if f.rule == "deps/unused-dependency"]
    assert [(f.path, f.line, f.severity) for f in unused] == [
        ("requirements/main.txt", 1, Severity.WARNING)
    ]


def test_a_requirements_file_including_development_requirements_is_development(
    tmp_path: Path,
) -> None:
    """humanfriendly's requirements-travis.txt includes the test and check requirements and adds
    coveralls (a command the CI runs, with a pin of its own dependency): a development
    environment, so neither is an unused dependency; a file that includes the runtime
    requirements and adds one keeps it a runtime dependency, unused when nothing imports it."""
    app = "import os\n"
    travis = {
        "requirements-travis.txt": (
            "--requirement=requirements-checks.txt\n-r requirements-tests.txt\n"
            "coveralls\n# Dependency of coveralls:\ncryptography < 3\n"
        ),
        "requirements-tests.txt": "pytest >= 3.0.7\n",
        "requirements-checks.txt": "flake8 >= 2.6.0\n",
        "app.py": app,
    }
    outcome = _run(make_repo(tmp_path / "travis", travis))
    assert "deps/unused-dependency" not in {f.rule for f in outcome.findings}
    report = Report()
    short = parse_requirements("requirements-x.txt", "-rrequirements/test.txt\nb\n", report)
    assert [d.group for d in short.dependencies] == ["dev"]
    runtime = {
        "requirements.txt": "-r requirements/base.txt\nleftpad\n",
        "requirements/base.txt": "requests\n",
        "app.py": "import requests\n",
    }
    outcome = _run(make_repo(tmp_path / "runtime", runtime))
    unused = [f for f in outcome.findings if f.rule == "deps/unused-dependency"]
    assert [(f.path, f.line, f.severity) for f in unused] == [
        ("requirements.txt", 2, Severity.WARNING)
    ]


def _suite_package(setup_extra: str) -> dict[str, str]:
    """humanfriendly 10.0's shape: the test suite is `humanfriendly/tests.py`, inside the
    package, importing the test requirements (capturer, mock) of requirements-tests.txt."""
    return {
        "setup.py": (
            "from setuptools import setup, find_packages\n"
            f"setup(name='pkg', packages=find_packages(), install_requires=[]{setup_extra})\n"
        ),
        "requirements-tests.txt": "capturer >= 2.1\nmock >= 3.0.5\npytest\n",
        "pkg/__init__.py": "from pkg.text import shout\n",
        "pkg/text.py": "def shout(s):\n    return s.upper()\n",
        "pkg/tests.py": (
            "import unittest\nfrom mock import MagicMock\n\n"
            "class ShoutTests(unittest.TestCase):\n"
            "    def test_shout(self):\n"
            "        from capturer import CaptureOutput\n"
            "        self.assertEqual(MagicMock(), MagicMock())\n"
        ),
    }


def test_the_module_setuptools_test_suite_names_is_the_projects_tests(tmp_path: Path) -> None:
    """setup.py's `test_suite='pkg.tests'` says pkg/tests.py is the test suite: its imports of
    test requirements are test imports, no undeclared runtime import."""
    declared = make_repo(tmp_path / "declared", _suite_package(", test_suite='pkg.tests'"))
    assert detect_stack(step_context(declared, dependencies.SPEC)).is_test("pkg/tests.py")
    outcome = _run(declared)
    shown = [f for f in outcome.findings if f.severity != Severity.INFO]
    assert [(f.rule, f.path) for f in shown] == []


def test_a_tests_module_defining_test_cases_is_the_projects_tests(tmp_path: Path) -> None:
    """verboselogs 1.7's verboselogs/tests.py, named by no `test_suite`, defines
    `class VerboseLogsTestCase(unittest.TestCase)` and imports `mock`, which
    requirements-tests.txt declares: a test suite (unittest's discovery pattern `test*.py`
    collects it), so its imports are test imports. A tests.py of shipped code, Jinja2's
    `jinja2/tests.py` with `def test_odd(value): return value % 2 == 1` (template tests that
    assert nothing), keeps the warning, as does a test-looking module of another name."""
    bare = _run(make_repo(tmp_path / "bare", _suite_package("")))
    shown = [f for f in bare.findings if f.severity != Severity.INFO]
    assert [(f.rule, f.path) for f in shown] == []
    pytest_style = _suite_package("")
    pytest_style["pkg/tests.py"] = (
        "from mock import MagicMock\n\n\ndef test_shout():\n    assert MagicMock()\n"
    )
    outcome = _run(make_repo(tmp_path / "pytest-style", pytest_style))
    assert [f for f in outcome.findings if f.severity != Severity.INFO] == []
    jinja = _suite_package("")
    jinja["pkg/tests.py"] = (
        "from mock import MagicMock\n\n\ndef test_odd(value):\n    return value % 2 == 1\n"
    )
    warned = [
        (f.path, f.line, f.message)
        for f in _run(make_repo(tmp_path / "jinja", jinja)).findings
        if f.rule == "deps/undeclared-import" and f.severity == Severity.WARNING
    ]
    assert warned == [
        ("pkg/tests.py", 1, "import 'mock' is declared only as a development dependency")
    ]
    helpers = _suite_package("")
    helpers["pkg/checks.py"] = helpers.pop("pkg/tests.py")
    warned = [
        (f.path, f.line, f.message)
        for f in _run(make_repo(tmp_path / "helpers", helpers)).findings
        if f.rule == "deps/undeclared-import" and f.severity == Severity.WARNING
    ]
    assert warned == [
        ("pkg/checks.py", 2, "import 'mock' is declared only as a development dependency")
    ]


def test_nose_collector_as_test_suite_makes_a_packages_tests_py_a_test_module(
    tmp_path: Path,
) -> None:
    """blessings 1.7: `test_suite='nose.collector'` with `tests_require=['nose']` hands the suite
    to nose, which collects blessings/tests.py by its name: its imports of the test
    requirements are test imports. A runtime module of the same package importing a test
    requirement (pkg/helpers.py) keeps its warning, and so does pkg/tests.py where no nose
    collects it (the bare package of the test above)."""
    found = _suite_package(", test_suite='nose.collector', tests_require=['nose']")
    found["pkg/helpers.py"] = "from mock import MagicMock\n\nSTUB = MagicMock()\n"
    root = make_repo(tmp_path / "nose", found)
    assert detect_stack(step_context(root, dependencies.SPEC)).is_test("pkg/tests.py")
    outcome = _run(root)
    warned = [
        (f.path, f.line, f.message)
        for f in outcome.findings
        if f.rule == "deps/undeclared-import" and f.severity == Severity.WARNING
    ]
    assert warned == [
        ("pkg/helpers.py", 1, "import 'mock' is declared only as a development dependency")
    ]


def test_test_suite_names_a_module_a_package_or_a_case_in_setup_py_or_setup_cfg(
    tmp_path: Path,
) -> None:
    from ai_workflow.testcmd.setuptools_suite import test_suite_files

    def files_of(found: dict[str, str]) -> list[str]:
        root = make_repo(tmp_path / str(len(list(tmp_path.iterdir()))), found)
        return test_suite_files(root, sorted(found))

    setup_cfg = "[metadata]\nname = pkg\n\n[options]\ntest_suite = pkg.checks\n"
    assert files_of({"setup.cfg": setup_cfg, "src/pkg/checks.py": "", "src/pkg/a.py": ""}) == [
        "src/pkg/checks.py"
    ]
    case = "import setuptools\nsetuptools.setup(test_suite='pkg.suite.AllTests')\n"
    assert files_of({"setup.py": case, "pkg/suite.py": "", "pkg/b.py": ""}) == ["pkg/suite.py"]
    package = "from setuptools import setup\nsetup(test_suite='pkg.t')\n"
    found = {"setup.py": package, "pkg/t/__init__.py": "", "pkg/t/x.py": "", "pkg/y.py": ""}
    assert files_of(found) == ["pkg/t/__init__.py", "pkg/t/x.py"]
    computed = "from setuptools import setup\nsetup(test_suite=NAME)\n"
    assert files_of({"setup.py": computed, "pkg/tests.py": ""}) == []
    assert files_of({"setup.py": "setup(test_suite='pkg.none')\n", "pkg/a.py": ""}) == []
    nose = "from setuptools import setup\nsetup(test_suite='nose.collector')\n"
    found = {"setup.py": nose, "pkg/tests.py": "", "pkg/contest.py": "", "pkg/a_test.py": ""}
    assert files_of({**found, "pkg/a.py": "", "tests.txt": ""}) == ["pkg/a_test.py", "pkg/tests.py"]


def test_a_distribution_whose_module_differs_only_in_case_is_used(tmp_path: Path) -> None:
    """Like `ipython`, which provides `IPython`, when nothing installed says so (a made-up
    distribution): only the name tells; a name that matches no import in any case stays unused."""
    files = {
        "requirements.txt": "pyqwertz\nleftpad\n",
        "magic.py": "from PyQwertz.core import Magics\n",
    }
    outcome = _run(make_repo(tmp_path / "case", files))
    unused = [f.message for f in outcome.findings if f.rule == "deps/unused-dependency"]
    assert unused == ["leftpad is declared but never imported"]


def test_a_requirements_file_named_after_the_program_it_installs_is_its_environment(
    tmp_path: Path,
) -> None:
    """intervaltree 3.2.1 keeps `requirements/flake8.txt` (just `flake8`), which its CI job
    installs to run `flake8 . --select=E9,F63,F7,F82`: a file named after the one program it
    installs is that program's environment, so its never-imported flake8 is information (a
    made-up name here, so that nothing installed tells). Another never-imported name in that
    file, and the same name in requirements.txt, stay warnings."""
    files = {
        "requirements.txt": "-r requirements/common.txt\n",
        "requirements/common.txt": "pyqwertz\n",
        "requirements/quibbler.txt": "quibbler\nleftpad\n",
        "magic.py": "import pyqwertz\n",
        ".github/workflows/lint.yml": "steps:\n  - run: pip install -r requirements/quibbler.txt\n",
    }
    outcome = _run(make_repo(tmp_path / "named", files))
    unused = {
        (f.path, f.severity, f.message.split(" (")[0])
        for f in outcome.findings
        if f.rule == "deps/unused-dependency"
    }
    never = "is declared but never imported"
    assert unused == {
        ("requirements/quibbler.txt", Severity.INFO, f"quibbler {never}"),
        ("requirements/quibbler.txt", Severity.WARNING, f"leftpad {never}"),
    }
    note = _find(outcome, "deps/unused-dependency", "requirements/quibbler.txt", "quibbler")
    assert "named after it" in note.message
    dashed = {**files, "requirements-quibbler.txt": "quibbler\n"}
    del dashed["requirements/quibbler.txt"]
    outcome = _run(make_repo(tmp_path / "dashed", dashed))
    found = _find(outcome, "deps/unused-dependency", "requirements-quibbler.txt", "quibbler")
    assert found.severity == Severity.INFO
    root = {**files, "requirements.txt": "-r requirements/common.txt\nquibbler\n"}
    del root["requirements/quibbler.txt"]
    outcome = _run(make_repo(tmp_path / "root", root))
    found = _find(outcome, "deps/unused-dependency", "requirements.txt", "quibbler")
    assert found.severity == Severity.WARNING


def test_a_qualified_requirements_file_no_file_names_is_the_environment_of_absent_code(
    tmp_path: Path,
) -> None:
    """coloredlogs 15.0.1's sdist ships requirements-screenshots.txt (`executor`) for the
    maintainer's scripts/generate-screenshots.py, which it leaves out, while setup.py installs
    requirements.txt: a qualified requirements file that no file of the project names (only
    MANIFEST.in and SOURCES.txt, which package it) serves code that is not here, so its
    never-imported names are information. Named by a Makefile, by tox.ini through a computed
    name, or as the plain requirements.txt, they stay warnings."""
    files = {
        "setup.py": (
            "from setuptools import setup\n"
            "setup(name='paint', install_requires=open('requirements.txt').read().split())\n"
        ),
        "requirements.txt": "pyqwertz\n",
        "requirements-shots.txt": "quibbler\n",
        "MANIFEST.in": "include requirements-shots.txt\n",
        "paint.egg-info/SOURCES.txt": "requirements-shots.txt\nrequirements.txt\n",
        "paint.py": "import pyqwertz\n",
    }
    outcome = _run(make_repo(tmp_path / "absent", files))
    found = _find(outcome, "deps/unused-dependency", "requirements-shots.txt", "quibbler")
    assert found.severity == Severity.INFO
    assert "no file of the project names requirements-shots.txt" in found.message
    named = {**files, "Makefile": "shots:\n\tpip install -r requirements-shots.txt\n"}
    outcome = _run(make_repo(tmp_path / "named", named))
    found = _find(outcome, "deps/unused-dependency", "requirements-shots.txt", "quibbler")
    assert found.severity == Severity.WARNING
    computed = {**files, "tox.ini": "[testenv]\ndeps = -rrequirements-{envname}.txt\n"}
    outcome = _run(make_repo(tmp_path / "computed", computed))
    found = _find(outcome, "deps/unused-dependency", "requirements-shots.txt", "quibbler")
    assert found.severity == Severity.WARNING
    plain = {**files, "requirements.txt": "pyqwertz\nquibbler\n"}
    del plain["requirements-shots.txt"]
    outcome = _run(make_repo(tmp_path / "plain", plain))
    found = _find(outcome, "deps/unused-dependency", "requirements.txt", "quibbler")
    assert found.severity == Severity.WARNING


def test_a_qualified_requirements_file_beside_a_manifest_declaring_nothing_is_the_runtime(
    tmp_path: Path,
) -> None:
    """A pyproject.toml that only configures tools declares no runtime: the qualified
    requirements-prod.txt, which no file names, is how the project declares it, so a name in it
    that no file imports stays a warning (while the same file beside a setup.py that declares
    the runtime, or a [project] that declares none, is information)."""
    files = {
        "pyproject.toml": "[tool.black]\nline-length = 100\n",
        "requirements-prod.txt": "pyqwertz\nquibbler\n",
        "paint.py": "import pyqwertz\n",
    }
    outcome = _run(make_repo(tmp_path / "tools", files))
    found = _find(outcome, "deps/unused-dependency", "requirements-prod.txt", "quibbler")
    assert found.severity == Severity.WARNING
    declared = {
        **files,
        "setup.py": "from setuptools import setup\nsetup(name='paint', install_requires=['pyqwertz'])\n",
    }
    outcome = _run(make_repo(tmp_path / "declared", declared))
    found = _find(outcome, "deps/unused-dependency", "requirements-prod.txt", "quibbler")
    assert found.severity == Severity.INFO
    package = {**files, "pyproject.toml": '[project]\nname = "paint"\ndependencies = []\n'}
    outcome = _run(make_repo(tmp_path / "package", package))
    found = _find(outcome, "deps/unused-dependency", "requirements-prod.txt", "quibbler")
    assert found.severity == Severity.INFO  # a package that declares no runtime requirement


def _extension_package(init: str, test: str = "") -> dict[str, str]:
    return {
        "pyproject.toml": '[project]\nname = "pkg"\ndependencies = []\n',
        "src/pkg/__init__.py": init,
        "src/pkg/ext.py": "from hostlib.magic import Magics\nfrom .core import load\n",
        "src/pkg/core.py": "def load():\n    return 1\n",
        "tests/test_ext.py": test or "def test_load():\n    from pkg.ext import Magics\n",
    }


def test_imports_of_a_module_the_package_loads_only_on_demand_are_optional(
    tmp_path: Path,
) -> None:
    """python-dotenv's `dotenv/ipython.py`, imported by `load_ipython_extension()` when IPython
    loads it, imports IPython, there by construction; imported at top level, it is no feature."""
    lazy = "def load_ext(host):\n    from .ext import Magics\n    return Magics\n"
    outcome = _run(make_repo(tmp_path / "lazy", _extension_package(lazy)))
    assert "deps/undeclared-import" not in {f.rule for f in outcome.findings}
    eager = "from .ext import Magics\n"
    outcome = _run(make_repo(tmp_path / "eager", _extension_package(eager)))
    assert _find(outcome, "deps/undeclared-import", "src/pkg/ext.py", "hostlib").line == 1
    tested = _extension_package(lazy, test="from pkg.ext import Magics\n")
    outcome = _run(make_repo(tmp_path / "tested", tested))
    assert _find(outcome, "deps/undeclared-import", "src/pkg/ext.py", "hostlib").line == 1


def test_a_test_importing_inside_its_functions_loads_nothing_on_demand(tmp_path: Path) -> None:
    """Only shipped code makes a module an optional feature: a test's function-level import
    of a module nothing else imports leaves the module's imports checked."""
    outcome = _run(make_repo(tmp_path / "proj", _extension_package("")))
    assert _find(outcome, "deps/undeclared-import", "src/pkg/ext.py", "hostlib").line == 1


# --------------------------------------------------------------------------- nested projects

UV_WORKSPACE_LOCK = textwrap.dedent(
    """\
    version = 1

    [manifest]
    members = ["root", "app"]

    [[package]]
    name = "root"
    version = "1.0"
    source = { editable = "." }

    [[package]]
    name = "app"
    version = "1.0"
    source = { editable = "packages/app" }

    [[package]]
    name = "util"
    version = "1.0"
    source = { editable = "libs/util" }

    [[package]]
    name = "requests"
    version = "2.32.0"
    source = { registry = "https://pypi.org/simple" }
    """
)


def _pyproject(name: str, *deps: str, extra: str = "") -> str:
    listed = ", ".join(f'"{d}"' for d in deps)
    return f'[project]\nname = "{name}"\nversion = "1.0"\ndependencies = [{listed}]\n{extra}'


def test_nested_project_is_not_checked_against_the_root_lockfile_but_members_are(
    tmp_path: Path,
) -> None:
    workspace = '\n[tool.uv.workspace]\nmembers = ["packages/*"]\nexclude = ["packages/old"]\n'
    files = {
        "pyproject.toml": _pyproject("root", "requests>=2", extra=workspace),
        "uv.lock": UV_WORKSPACE_LOCK,
        # a member whose new dependency the lock lacks: out of date (true positive)
        "packages/app/pyproject.toml": _pyproject("app", "requests>=2", "httpx"),
        # excluded from the workspace, not in the lock: a project of its own
        "packages/old/pyproject.toml": _pyproject("old", "celery"),
        # not a member, but the lock records its directory (an editable path dependency)
        "libs/util/pyproject.toml": _pyproject("util", "requests", "rich"),
        # an example app with its own dependencies: its own project, no lockfile
        "examples/celery/pyproject.toml": _pyproject("example-celery", "flask", "celery[redis]"),
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    stale = [f for f in outcome.findings if f.rule == "deps/lockfile-out-of-date"]
    assert sorted((f.path, f.message) for f in stale) == [
        ("libs/util/pyproject.toml", "rich is missing in uv.lock: the lockfile is out of date"),
        ("packages/app/pyproject.toml", "httpx is missing in uv.lock: the lockfile is out of date"),
    ]
    assert all(f.severity is Severity.WARNING for f in stale)
    assert "examples/celery/pyproject.toml: a project of its own, not a workspace member " in (
        "\n".join(outcome.checked)
    )


def test_nested_project_with_its_own_lockfile_is_checked_against_it(tmp_path: Path) -> None:
    own_lock = '[[package]]\nname = "flask"\nversion = "3"\n'
    files = {
        "pyproject.toml": _pyproject("root", "requests>=2"),
        "uv.lock": UV_WORKSPACE_LOCK,
        "examples/site/pyproject.toml": _pyproject("site", "flask", "celery"),
        "examples/site/uv.lock": own_lock,
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    stale = _find(outcome, "deps/lockfile-out-of-date", "examples/site/pyproject.toml", "celery")
    assert "examples/site/uv.lock" in stale.message
    assert len([f for f in outcome.findings if f.rule == "deps/lockfile-out-of-date"]) == 1


def test_nested_npm_package_outside_the_workspaces_has_its_own_lockfile(tmp_path: Path) -> None:
    lock = {"lockfileVersion": 3, "packages": {"": {"name": "root", "dependencies": {"a": "^1"}}}}
    files = {
        "package.json": '{"name": "root", "dependencies": {"a": "^1"}}',
        "package-lock.json": json.dumps(lock),
        "examples/demo/package.json": '{"name": "demo", "dependencies": {"express": "^5"}}',
        "services/api/package.json": '{"name": "api", "dependencies": {"fastify": "^4"}}',
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    assert not any(f.rule == "deps/lockfile-out-of-date" for f in outcome.findings)
    example = _find(outcome, "deps/missing-lockfile", "examples/demo/package.json")
    assert example.severity is Severity.INFO and "example" in example.message
    service = _find(outcome, "deps/missing-lockfile", "services/api/package.json")
    assert service.severity is Severity.WARNING


def test_pnpm_workspace_member_is_checked_and_a_lockless_member_is_not_reported(
    tmp_path: Path,
) -> None:
    lock = "lockfileVersion: '9.0'\nimporters:\n  .: {}\n  packages/web:\n    dependencies: {}\n"
    files = {
        "package.json": '{"name": "root", "private": true}',
        "pnpm-workspace.yaml": "packages:\n  - 'packages/*'\n  - '!packages/skip'\n",
        "pnpm-lock.yaml": lock,
        "packages/web/package.json": '{"name": "web", "dependencies": {"vue": "^3"}}',
        "packages/skip/package.json": '{"name": "skip", "dependencies": {"vue": "^3"}}',
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    assert _find(outcome, "deps/lockfile-out-of-date", "packages/web/package.json", "vue")
    assert _find(outcome, "deps/missing-lockfile", "packages/skip/package.json")
    # a declared member without any lockfile: the workspace root's finding covers it
    files = {
        "package.json": '{"name": "root", "workspaces": ["packages/*"], "dependencies": {"a": "1"}}',
        "packages/web/package.json": '{"name": "web", "dependencies": {"vue": "^3"}}',
    }
    outcome = _run(make_repo(tmp_path / "bare", files))
    assert [f.path for f in outcome.findings if f.rule == "deps/missing-lockfile"] == [
        "package.json"
    ]


def test_a_lockfile_kept_out_on_purpose_is_information(tmp_path: Path) -> None:
    npmrc = _run(
        make_repo(tmp_path / "a", {"package.json": PACKAGE_JSON, ".npmrc": "package-lock=false\n"})
    )
    finding = _find(
        npmrc, "deps/missing-lockfile", "package.json", ".npmrc sets package-lock=false"
    )
    assert finding.severity is Severity.INFO
    ignored = {"package.json": PACKAGE_JSON, ".gitignore": "node_modules\npackage-lock.json\n"}
    finding = _find(
        _run(make_repo(tmp_path / "b", ignored)), "deps/missing-lockfile", "package.json"
    )
    assert finding.severity is Severity.INFO and "git ignores package-lock.json" in finding.message
    poetry = '[tool.poetry]\nname = "lib"\n[tool.poetry.dependencies]\nrequests = "^2"\n'
    ignored = {"pyproject.toml": poetry, ".gitignore": "poetry.lock\n"}
    finding = _find(
        _run(make_repo(tmp_path / "c", ignored)), "deps/missing-lockfile", "pyproject.toml"
    )
    assert finding.severity is Severity.INFO


def test_unpinned_development_requirements_are_information(tmp_path: Path) -> None:
    files = {
        "requirements.txt": "flask\n",
        "docs/source/requirements.txt": "sphinx\nrecommonmark\n",
        "ci/requirements.txt": "tox\n",
        "package.json": '{"name": "w", "dependencies": {"a": "*"}, "devDependencies": {"b": "*"}}',
        "package-lock.json": json.dumps(
            {
                "lockfileVersion": 3,
                "packages": {"": {"dependencies": {"a": "*"}, "devDependencies": {"b": "*"}}},
            }
        ),
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    unpinned = {
        (f.path, f.message.split()[0]): f.severity
        for f in outcome.findings
        if f.rule == "deps/unpinned"
    }
    assert unpinned == {
        ("requirements.txt", "flask"): Severity.INFO,
        ("docs/source/requirements.txt", "sphinx"): Severity.INFO,
        ("docs/source/requirements.txt", "recommonmark"): Severity.INFO,
        ("ci/requirements.txt", "tox"): Severity.INFO,
        ("package.json", "a"): Severity.INFO,
        ("package.json", "b"): Severity.INFO,
    }


@pytest.mark.parametrize(
    ("rel", "pattern", "expected"),
    [
        ("packages/app", "packages/*", True),
        ("packages/app/sub", "packages/*", False),
        ("packages/app/sub", "packages/**", True),
        ("apps/web", "./apps/web/", True),
        ("apps/web", "libs/*", False),
        ("a/b/c", "a/**/c", True),
    ],
)
def test_workspace_globs_match_path_parts(rel: str, pattern: str, expected: bool) -> None:
    assert glob_match(rel, pattern) is expected


_PART = st.from_regex(r"[a-z][a-z0-9_-]{0,6}", fullmatch=True)


@given(st.lists(_PART, min_size=1, max_size=5))
def test_workspace_glob_invariants(parts: list[str]) -> None:
    rel = "/".join(parts)
    assert glob_match(rel, rel) and glob_match(rel, "**")
    assert glob_match(rel, f"{parts[0]}/*") is (len(parts) == 2)
    assert glob_match(rel, f"{parts[0]}/**") is (len(parts) >= 1)
    assert not glob_match(rel, rel + "/extra")


# Python files the manifest does not ship are tooling (ai_workflow.deps.shipped)
FLIT = '[build-system]\nbuild-backend = "flit_core.buildapi"\n\n[project]\nname = "{name}"\n'


def test_a_root_maintainer_script_the_build_does_not_ship_is_tooling(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": FLIT.format(name="pathspec") + "dependencies = []\n",
        "pathspec/__init__.py": "import os\n",
        "pathspec/util.py": "import requests\n",  # shipped: still a warning
        # pathspec 0.12.1's release-time generator of README-dist.rst and setup.cfg
        "prebuild.py": "import tomli\n",
        "dev/release.py": "import twine\n",  # a top-level directory that is no package
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    rule = "deps/undeclared-import"
    assert _find(outcome, rule, "prebuild.py", "tomli").severity is Severity.INFO
    assert _find(outcome, rule, "dev/release.py", "twine").severity is Severity.INFO
    assert _find(outcome, rule, "pathspec/util.py", "requests").severity is Severity.WARNING


@pytest.mark.parametrize(
    "pyproject",
    [
        '[build-system]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "my-mod"\n'
        'dependencies = []\n\n[tool.setuptools]\npy-modules = ["mymod"]\n',
        FLIT.format(name="my-mod") + 'dependencies = []\n\n[tool.flit.module]\nname = "mymod"\n',
        FLIT.format(name="mymod") + "dependencies = []\n",
        '[build-system]\nbuild-backend = "hatchling.build"\n\n[project]\nname = "other"\n'
        'dependencies = []\n[project.scripts]\nmy = "mymod:main"\n',
    ],
)
def test_a_root_module_the_manifest_ships_still_warns(tmp_path: Path, pyproject: str) -> None:
    files = {
        "pyproject.toml": pyproject,
        "mymod.py": "import requests\n",
        "make_docs.py": "import tomli\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    rule = "deps/undeclared-import"
    assert _find(outcome, rule, "mymod.py", "requests").severity is Severity.WARNING
    assert _find(outcome, rule, "make_docs.py", "tomli").severity is Severity.INFO


def test_a_harness_outside_the_packages_find_packages_finds_is_tooling(tmp_path: Path) -> None:
    """h11 0.14.0: `setup(packages=find_packages())` ships h11 (and h11.tests); fuzz/, a
    directory without `__init__.py`, holds the afl harness, whose `import afl` is the
    maintainer's tooling (info). An undeclared import in the package stays a warning."""
    files = {
        "setup.py": "from setuptools import setup, find_packages\n"
        "setup(name='x', install_requires=['six'], packages=find_packages())\n",
        "x/__init__.py": "import six\nimport requests\n",
        "x/tests/__init__.py": "",
        "fuzz/afl-server.py": "import afl\nimport x\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    rule = "deps/undeclared-import"
    assert _find(outcome, rule, "fuzz/afl-server.py", "afl").severity is Severity.INFO
    assert _find(outcome, rule, "x/__init__.py", "requests").severity is Severity.WARNING


def test_a_root_script_stays_shipped_when_the_manifest_computes_what_it_ships(
    tmp_path: Path,
) -> None:
    files = {
        "setup.py": "from setuptools import setup, find_packages\n"
        "setup(name='x', install_requires=['six'], packages=[p for p in find_packages()])\n",
        "x/__init__.py": "import six\n",
        "prebuild.py": "import tomli\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    finding = _find(outcome, "deps/undeclared-import", "prebuild.py", "tomli")
    assert finding.severity is Severity.WARNING


COMPUTED_SETUP = (
    "from setuptools import setup, find_packages\n"
    "setup(name='x', install_requires=['six'], packages=[p for p in find_packages()])\n"
)


@pytest.mark.parametrize("imports_invoke", [True, False])
def test_an_invoke_tasks_package_is_tooling(tmp_path: Path, imports_invoke: bool) -> None:
    """parse_type 0.6.4: its invoke build script is a `tasks/` package whose __init__.py does
    `from invoke import Collection`, and setup.py computes what it ships; the task modules'
    imports (invoke, path) are the maintainer's tooling (info). A `tasks` package that does not
    import invoke may be the project's own code: its undeclared import stays a warning."""
    init = "from invoke import Collection\nfrom . import docs\n" if imports_invoke else ""
    files = {
        "setup.py": COMPUTED_SETUP,
        "x/__init__.py": "import six\n",
        "tasks/__init__.py": init,
        "tasks/docs.py": "from path import Path\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    finding = _find(outcome, "deps/undeclared-import", "tasks/docs.py", "path")
    assert finding.severity is (Severity.INFO if imports_invoke else Severity.WARNING)


PACKAGES_BY_FUNCTION = (
    "from setuptools import setup, find_packages\n\n"
    "def find_packages_by_root_package(where):\n"
    "    return [where] + ['%s.%s' % (where, p) for p in {finder}(where)]\n\n"
    "setup(name='x', install_requires=['six'], packages=find_packages_by_root_package('x'))\n"
)


@pytest.mark.parametrize(
    ("finder", "tooling"), [("find_packages", True), ("find_namespace_packages", False)]
)
def test_a_script_directory_beside_packages_a_function_computes_is_tooling(
    tmp_path: Path, finder: str, tooling: bool
) -> None:
    """parse_type 0.6.4: setup.py's `packages=find_packages_by_root_package("parse_type")`, a
    function of its own, lists packages, so bin/ (no `__init__.py`) is not shipped: its
    maintainer script's `import typer` is tooling (info). With a namespace-package finder any
    directory may be a package: unknown, the import stays a warning; so does an undeclared
    import in the package itself and in a root module."""
    files = {
        "setup.py": PACKAGES_BY_FUNCTION.format(finder=finder),
        "x/__init__.py": "import six\nimport requests\n",
        "bin/github-workflow_check.py": "#!/usr/bin/env python3\nimport typer\n",
        "prebuild.py": "import tomli\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    rule = "deps/undeclared-import"
    script = _find(outcome, rule, "bin/github-workflow_check.py", "typer")
    assert script.severity is (Severity.INFO if tooling else Severity.WARNING)
    assert _find(outcome, rule, "x/__init__.py", "requests").severity is Severity.WARNING
    assert _find(outcome, rule, "prebuild.py", "tomli").severity is Severity.WARNING


def test_shipped_names_from_setup_cfg_setup_py_poetry_and_hatch(tmp_path: Path) -> None:
    cfg = "[options]\npackages = find:\n\n[options.packages.find]\ninclude = pathspec, pathspec.*\n"
    (tmp_path / "setup.cfg").write_text(cfg)
    (tmp_path / "setup.py").write_text("from setuptools import setup\nsetup()\n")
    assert shipped_names(tmp_path) == {"pathspec"}
    (tmp_path / "setup.py").write_text("from setuptools import setup\nsetup(py_modules=['a'])\n")
    assert shipped_names(tmp_path) == {"pathspec", "a"}
    (tmp_path / "setup.py").write_text("import setuptools\nsetuptools.setup(**kw)\n")
    (tmp_path / "setup.cfg").unlink()
    assert shipped_names(tmp_path) is None  # computed arguments: unknown
    for package in ("pkg", "tests", "pkg_extra", "fuzz/x"):
        (tmp_path / package).mkdir(parents=True)
        (tmp_path / package / "__init__.py").write_text("")
    found = {
        "find_packages()": {"pkg", "tests", "pkg_extra"},  # fuzz/ has no __init__.py
        "find_packages(exclude=['tests', 'tests.*'])": {"pkg", "pkg_extra"},
        "setuptools.find_packages('.', ['tests'], ['pkg.*'])": {"pkg"},
        "find_packages(where='fuzz')": {"x"},
    }
    for call, names in found.items():
        (tmp_path / "setup.py").write_text(
            f"import setuptools\nsetuptools.setup(packages={call})\n"
        )
        assert shipped_names(tmp_path) == names, call
    for call in ("find_namespace_packages()", "find_packages(exclude=EXCLUDED)"):
        (tmp_path / "setup.py").write_text(f"from setuptools import *\nsetup(packages={call})\n")
        assert shipped_names(tmp_path) is None, call  # not read here: unknown
    (tmp_path / "setup.py").write_text(
        "from setuptools import *\nsetup(packages=find_packages(exclude=['tests']),"
        " scripts=['bin/tool'], entry_points={'console_scripts': ['t = cli:main']})\n"
    )
    assert shipped_names(tmp_path) == {"pkg", "pkg_extra", "bin", "cli"}
    (tmp_path / "setup.py").unlink()
    (tmp_path / "pyproject.toml").write_text(
        '[build-system]\nbuild-backend = "poetry.core.masonry.api"\n\n[tool.poetry]\n'
        'name = "p"\npackages = [{include = "lib_p", from = "src"}, {include = "tool.py"}]\n'
    )
    assert shipped_names(tmp_path) == {"lib_p", "tool"}
    (tmp_path / "pyproject.toml").write_text(
        '[build-system]\nbuild-backend = "hatchling.build"\n\n[project]\nname = "h"\n'
        '[tool.hatch.build.targets.wheel]\npackages = ["src/hpkg"]\n'
    )
    assert shipped_names(tmp_path) == {"hpkg"}
    (tmp_path / "pyproject.toml").write_text(
        '[build-system]\nbuild-backend = "maturin"\n\n[project]\nname = "m"\n'
    )
    assert shipped_names(tmp_path) is None  # a backend not read here: unknown


def test_find_packages_that_looks_outside_the_project_leaves_what_ships_unknown(
    tmp_path: Path,
) -> None:
    """`find_packages("..")` would glob outside the checkout: what ships is unknown, so a root
    harness keeps its warning as any root module of an unknown manifest does."""
    files = {
        "setup.py": "from setuptools import setup, find_packages\n"
        "setup(name='x', install_requires=['six'], packages=find_packages('..'))\n",
        "x/__init__.py": "import six\n",
        "fuzz/afl-server.py": "import afl\nimport x\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    finding = _find(outcome, "deps/undeclared-import", "fuzz/afl-server.py", "afl")
    assert finding.severity is Severity.WARNING


def test_imports_of_a_sample_file_the_tests_check_are_not_dependencies(tmp_path: Path) -> None:
    """pycodestyle 2.10.0's testsuite/E40.py imports `foo` to show E401 to the checker that
    test_all.py runs on the directory; nothing imports or runs it, so `foo` is no dependency.
    An undeclared import in support.py, which the tests import, is still reported."""
    files = {
        "pyproject.toml": '[project]\nname = "lintme"\nversion = "1.0"\ndependencies = []\n',
        "lintme/__init__.py": "def check(path):\n    return []\n",
        "suite/__init__.py": "",
        "suite/support.py": "import os\nimport helperlib\nROOT = os.path.dirname(__file__)\n",
        "suite/test_all.py": (
            "import os\nfrom lintme import check\nfrom suite.support import ROOT\n\n\n"
            "def test_cases():\n    assert check(os.path.join(ROOT, '..', 'suite')) == []\n"
        ),
        "suite/E40.py": "#: E401\nimport foo, bar\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    reported = {
        f.message.split("'")[1]: f.path
        for f in outcome.findings
        if f.rule == "deps/undeclared-import"
    }
    assert reported == {"helperlib": "suite/support.py"}
    assert any("1 data module(s)" in line for line in outcome.checked)


def test_python_files_a_package_ships_as_data_are_no_dependencies(tmp_path: Path) -> None:
    """vulture 2.16 ships whitelists/*.py, in a directory with no `__init__.py`, as package data
    (`[tool.setuptools.package-data] vulture = ["whitelists/*.py"]`) and reads them with
    `pkgutil.get_data` to parse as text: `import pint` in pint_whitelist.py never runs. The same
    import in a subpackage (with its `__init__.py`), in a data file another module imports, or
    in a file no package-data glob lists stays a warning."""
    pyproject = (
        '[project]\nname = "deadcode"\nversion = "1.0"\ndependencies = []\n\n'
        '[tool.setuptools.package-data]\ndeadcode = ["whitelists/*.py", "extra/*.py"]\n'
    )
    files = {
        "pyproject.toml": pyproject,
        "deadcode/__init__.py": "import pkgutil\n\n\ndef load(name):\n"
        "    return pkgutil.get_data('deadcode', f'whitelists/{name}_whitelist.py')\n",
        "deadcode/whitelists/pint_whitelist.py": "import pint\n\nureg = pint.UnitRegistry()\n",
        "deadcode/extra/__init__.py": "",
        "deadcode/extra/plugin.py": "import attrs\n",
        "deadcode/bundled/numpy_whitelist.py": "import numpy\n",
        "deadcode/loaded/yaml_whitelist.py": "import yaml\n",
        "deadcode/uses.py": "from deadcode.loaded import yaml_whitelist\n",
    }
    pyproject_loaded = pyproject.replace('"extra/*.py"]', '"extra/*.py", "loaded/*.py"]')
    outcome = _run(make_repo(tmp_path / "proj", {**files, "pyproject.toml": pyproject_loaded}))
    reported = {
        f.message.split("'")[1]: (f.path, f.severity)
        for f in outcome.findings
        if f.rule == "deps/undeclared-import"
    }
    assert reported == {
        "attrs": ("deadcode/extra/plugin.py", Severity.WARNING),
        "numpy": ("deadcode/bundled/numpy_whitelist.py", Severity.WARNING),
        "yaml": ("deadcode/loaded/yaml_whitelist.py", Severity.WARNING),
    }
    assert any("1 Python file(s) the package ships as data" in line for line in outcome.checked)


def test_a_plugin_s_import_of_the_program_that_loads_it_is_information(tmp_path: Path) -> None:
    """mccabe 0.7.0 (held-out 104, a wrong warning) registers `"flake8.extension": ["C90 =
    mccabe:McCabeChecker"]` and imports flake8 only in an `except ImportError:  # Python 2.5`
    fallback: flake8 loads the plugin, so it is there whenever the plugin runs and the plugin
    need not require it. The same import in a project that is no flake8 plugin (its only
    entry point a console script), or in a module of the plugin's project that no entry point
    names, stays a warning, as does another undeclared import."""
    module = (
        "try:\n    import ast\n    from ast import iter_child_nodes\n"
        "except ImportError:   # Python 2.5\n    from flake8.util import ast, iter_child_nodes\n"
        "import requests\n"
    )

    def setup(group: str) -> str:
        return (
            "from setuptools import setup\n\n"
            'setup(name="checker", version="1.0", py_modules=["checker"],\n'
            f'      entry_points={{"{group}": ["C90 = checker:Checker"]}})\n'
        )

    plugin = _run(
        make_repo(
            tmp_path / "plugin", {"checker.py": module, "setup.py": setup("flake8.extension")}
        )
    )
    finding = _find(plugin, "deps/undeclared-import", "checker.py", "'flake8'")
    assert (finding.line, finding.severity) == (5, Severity.INFO)
    assert (
        _find(plugin, "deps/undeclared-import", "checker.py", "'requests'").severity
        == Severity.WARNING
    )
    cfg = "[options.entry_points]\npytest11 =\n    checker = checker\n"
    pytest_plugin = {"checker.py": "import pytest\n", "setup.cfg": cfg, "setup.py": setup("x")}
    finding = _find(
        _run(make_repo(tmp_path / "pytest", pytest_plugin)),
        "deps/undeclared-import",
        "checker.py",
        "'pytest'",
    )
    assert finding.severity == Severity.INFO
    tool = _run(
        make_repo(tmp_path / "tool", {"checker.py": module, "setup.py": setup("console_scripts")})
    )
    finding = _find(tool, "deps/undeclared-import", "checker.py", "'flake8'")
    assert finding.severity == Severity.WARNING
    shipped = setup("flake8.ext").replace('["checker"]', '["checker", "run"]')
    both = {"checker.py": module, "run.py": "import flake8\n", "setup.py": shipped}
    finding = _find(
        _run(make_repo(tmp_path / "both", both)), "deps/undeclared-import", "checker.py", "'flake8'"
    )
    assert finding.severity == Severity.WARNING  # run.py is no plugin flake8 loads


def test_an_unguarded_python2_standard_module_is_said_to_be_python2s(tmp_path: Path) -> None:
    """vobject 0.9.8's win32tz.py (held-out 115, a wrong message): `import _winreg` at its top,
    unguarded, was "not provided by any declared dependency", as if a distribution could provide
    it; it is Python 2's standard library, so the module fails to import on Python 3: said so.
    A third-party module beside it keeps the old message, and the same import in a `try:` with
    `except ImportError:` (a 2-and-3 project's Python 2 branch) is still not reported."""
    files = {
        "setup.py": "from setuptools import setup\nsetup(name='demo', install_requires=['six'])\n",
        "pkg/__init__.py": "import six\n",
        "pkg/win.py": "import _winreg\nimport struct\nimport yaml\n",
        "pkg/compat.py": "try:\n    import _winreg as winreg\nexcept ImportError:\n"
        "    import winreg\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", files))
    undeclared = {
        (f.path, f.message) for f in outcome.findings if f.rule == "deps/undeclared-import"
    }
    assert undeclared == {
        (
            "pkg/win.py",
            "import '_winreg' names a module of Python 2's standard library that Python 3 "
            "renamed or removed: pkg/win.py fails to import on Python 3 (no dependency "
            "provides it)",
        ),
        ("pkg/win.py", "import 'yaml' is not provided by any declared dependency"),
    }


def test_tzdata_read_by_an_imported_zoneinfo_is_info_without_zoneinfo_stays(
    tmp_path: Path,
) -> None:
    """tzlocal 5.2 declares `tzdata; platform_system == 'Windows'`, the IANA database the
    standard library's `zoneinfo` (which its code imports) reads by resource where the
    system has none: info naming zoneinfo. A project whose code never imports zoneinfo keeps
    the warning for the same declaration."""
    pyproject = (
        '[project]\nname = "lib"\nversion = "1.0"\n'
        "dependencies = [\"tzdata; platform_system == 'Windows'\"]\n"
    )
    files = {"pyproject.toml": pyproject, "lib/__init__.py": "import zoneinfo\n"}
    outcome = _run(make_repo(tmp_path / "reads", files))
    found = _find(outcome, "deps/unused-dependency", "pyproject.toml", "tzdata")
    assert found.severity is Severity.INFO and "zoneinfo" in found.message
    files["lib/__init__.py"] = "import time\n"
    outcome = _run(make_repo(tmp_path / "unread", files))
    found = _find(outcome, "deps/unused-dependency", "pyproject.toml", "tzdata")
    assert found.severity is Severity.WARNING


def test_one_package_with_different_extras_is_no_duplicate(tmp_path: Path) -> None:
    """docstring_parser 0.18.0's `dev` extra gathers the project's own extras,
    `docstring_parser[test]` then `docstring_parser[docs]`: each line brings another extra,
    nothing is declared twice. The same extras again, or a bare line beside them, still is."""
    pyproject = textwrap.dedent(
        """\
        [project]
        name = "q"
        version = "1.0"

        [project.optional-dependencies]
        test = ["pytest"]
        docs = ["sphinx"]
        dev = [
            "q[test]",
            "q[docs]",
            "requests[socks]",
            "requests[security]",
            "requests[socks]",
            "pytest-benchmark",
            "pytest-benchmark[histogram]",
        ]
        """
    )
    files = {"pyproject.toml": pyproject, "q/__init__.py": "import requests\n"}
    outcome = _run(make_repo(tmp_path / "q", files))
    found = [(f.line, f.message) for f in outcome.findings if f.rule == "deps/duplicate"]
    assert found == [
        (13, "requests is declared twice (also line 11, without a version)"),
        (15, "pytest-benchmark is declared twice (also line 14, without a version)"),
    ]


def test_a_bundled_package_importing_itself_by_its_own_name_is_local(tmp_path: Path) -> None:
    """pycparser 2.22 bundles PLY in pycparser/ply; ply/cpp.py's `__main__` demo does
    `import ply.lex`, PLY's own package, which was reported as an undeclared `ply`. An import
    of a package the importing file lies in is the project's code; the same import from a
    file outside that package, and a third-party import inside it, are still reported."""
    files = {
        "setup.py": "from setuptools import setup\nsetup(name='pycparser')\n",
        "pycparser/__init__.py": "from .ply import lex\n",
        "pycparser/ply/__init__.py": "__version__ = '3.9'\n",
        "pycparser/ply/lex.py": "x = 1\n",
        "pycparser/ply/cpp.py": "if __name__ == '__main__':\n    import ply.lex as lex\n",
    }
    outcome = _run(make_repo(tmp_path / "bundled", files))
    assert not [f for f in outcome.findings if f.rule == "deps/undeclared-import"]
    outside = {
        **files,
        "cparse/__init__.py": "",
        "cparse/lexer.py": "import ply.lex\n",
        "pycparser/ply/yacc.py": "import yaml\n",
    }
    outcome = _run(make_repo(tmp_path / "outside", outside))
    reported = {
        (f.path, f.message.split("'")[1])
        for f in outcome.findings
        if f.rule == "deps/undeclared-import"
    }
    assert reported == {("cparse/lexer.py", "ply"), ("pycparser/ply/yacc.py", "yaml")}
