"""ruff's E722 in code that runs only to build or document the project is info
(ai_workflow.lint.ruff_build_time); the same bare `except:` in the project's modules stays."""

from __future__ import annotations

from pathlib import Path

from ai_workflow.findings import Severity
from ai_workflow.steps import code_quality
from tests.helpers import make_repo, step_context

FALLBACK = (
    "def read(path):\n    try:\n        return open(path).read()\n    except:\n        return ''\n"
)

FILES = {
    "setup.py": (
        "from version import __version__, read\n"
        "from setuptools import setup\n\n"
        "try:\n    LONG = open('README.md').read()\nexcept:\n    LONG = ''\n"
        "setup(name='demo', version=__version__, packages=['pkg'], py_modules=['single'],\n"
        "      long_description=read('README.md'))\n"
    ),
    "version.py": "__version__ = '1.0'\n\n\n" + FALLBACK,
    "single.py": "import version\n\n\n" + FALLBACK,  # installed by py_modules: a library
    "docs/conf.py": (
        "import os\n\nproject = 'demo'\nextensions = ['sphinx.ext.autodoc']\n"
        "try:\n    os.symlink('a', 'b')\nexcept:\n    pass\n"
    ),
    "pkg/__init__.py": '"""Package."""\n',
    "pkg/io.py": FALLBACK,
    "tools/conf.py": "import os\n\ntry:\n    os.remove('x')\nexcept:\n    pass\n",  # no Sphinx
}


def test_a_bare_except_in_build_time_code_is_info(tmp_path: Path) -> None:
    """dill's version.py (imported by setup.py for the metadata) falls back to '' when LICENSE
    cannot be read, and its docs conf.py ignores an existing symlink: info. The same handler in
    the package, in a root module setup.py installs (py_modules) and in a conf.py that is no
    Sphinx configuration keeps the warning."""
    root = make_repo(tmp_path / "demo", FILES)
    outcome = code_quality.run(step_context(root, code_quality.SPEC))
    graded = {f.path: f.severity for f in outcome.findings if f.rule == "ruff/E722"}
    assert graded == {
        "setup.py": Severity.INFO,
        "version.py": Severity.INFO,
        "docs/conf.py": Severity.INFO,
        "single.py": Severity.WARNING,
        "pkg/io.py": Severity.WARNING,
        "tools/conf.py": Severity.WARNING,
    }
    notes = [f.message for f in outcome.findings if f.severity is Severity.INFO]
    assert any("a module the root setup.py imports that nothing installs" in note for note in notes)


INSTALLED_ELSEWHERE = {
    "setup.py": (
        "from mylib import __version__\nfrom tool import NAME\nfrom helper import README\n"
        "import cli\nimport readme\n"
        "from setuptools import setup\n\nsetup(name=NAME, version=__version__)\n"
    ),
    "setup.cfg": "[metadata]\nname = demo\n\n[options]\npy_modules =\n    mylib\n    other\n",
    "pyproject.toml": (
        '[project]\nname = "demo"\ndynamic = ["version", "readme"]\n\n'
        '[tool.setuptools]\npy-modules = ["cli"]\n'
    ),
    "cli.py": "\n\n" + FALLBACK,  # installed by pyproject.toml
    "readme.py": "\n\n" + FALLBACK,  # setup.py's, whatever `dynamic` lists
    "mylib.py": "__version__ = '1.0'\n\n\n" + FALLBACK,  # installed by setup.cfg
    "tool.py": "NAME = 'demo'\n\n\n" + FALLBACK,  # the tests import it: the project's code
    "helper.py": "README = ''\n\n\n" + FALLBACK,  # setup.py's own helper
    "tests/test_tool.py": "from tool import read\n\n\ndef test_read():\n    assert read('x') == ''\n",
}


def test_a_root_module_installed_or_tested_keeps_its_bare_except(tmp_path: Path) -> None:
    """A single-module library whose setup.py reads its version from it (`from mylib import
    __version__`) while setup.cfg's `py_modules` installs it, and a root module the tests import,
    run for the project's users: their bare `except:` keeps the warning. A root module that
    setup.py alone imports stays info."""
    root = make_repo(tmp_path / "demo", INSTALLED_ELSEWHERE)
    outcome = code_quality.run(step_context(root, code_quality.SPEC))
    graded = {f.path: f.severity for f in outcome.findings if f.rule == "ruff/E722"}
    assert graded == {
        "mylib.py": Severity.WARNING,
        "tool.py": Severity.WARNING,
        "helper.py": Severity.INFO,
        "cli.py": Severity.WARNING,
        "readme.py": Severity.INFO,
    }
