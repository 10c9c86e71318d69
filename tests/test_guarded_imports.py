"""`deps.guarded`: third-party modules shipped code imports only under an import guard."""

from __future__ import annotations

from pathlib import Path

from ai_workflow.deps.guarded import GuardedModules
from ai_workflow.parsed_files import ParsedFiles


def guarded(tmp_path: Path, files: dict[str, str]) -> GuardedModules:
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    return GuardedModules(ParsedFiles(tmp_path), files, lambda rel: not rel.startswith("tests/"))


def test_only_a_try_body_that_catches_a_failed_import_guards(tmp_path: Path) -> None:
    """The body of a `try` whose handler catches ImportError (or Exception, or bare) guards
    its imports; one that catches another error, and the handler, `else` and `finally` of a
    guarding `try`, do not."""
    found = guarded(
        tmp_path,
        {
            "pkg/__init__.py": "try:\n    import zzqa\nexcept:\n    pass\n",
            "pkg/b.py": "try:\n    import zzqb\nexcept ValueError:\n    pass\n",
            "pkg/c.py": "try:\n    import zzqc\nexcept ImportError:\n    import zzqd\n"
            "else:\n    import zzqe\nfinally:\n    import zzqf\n",
            "tests/test_x.py": "import zzqa\nimport zzqg\n",
        },
    )
    assert found.where("zzqa") == "pkg/__init__.py:2"  # a test's unguarded import is no matter
    assert found.where("zzqc") == "pkg/c.py:2"
    assert [found.where(m) for m in ("zzqb", "zzqd", "zzqe", "zzqf", "zzqg")] == [None] * 5


def test_a_module_imported_only_guarded_makes_its_imports_optional(tmp_path: Path) -> None:
    """One level: what a project module imports is optional when shipped code imports that
    module only guarded (relatively or absolutely); an unguarded import of it by another
    shipped module, or none at all, keeps its imports required."""
    found = guarded(
        tmp_path,
        {
            "pkg/__init__.py": "try:\n    from .integ import X\nexcept Exception:\n    pass\n",
            "pkg/integ.py": "import zzqintegration\n",
            "pkg/loader.py": "try:\n    import pkg.both\nexcept ImportError:\n    pass\n",
            "pkg/both.py": "import zzqboth\n",
            "pkg/cli.py": "from pkg import both\n",
            "pkg/alone.py": "import zzqalone\n",
        },
    )
    assert found.where("zzqintegration") == "pkg/__init__.py:2"
    assert found.where("zzqboth") is None  # pkg/cli.py imports pkg/both.py unguarded
    assert found.where("zzqalone") is None  # nothing imports pkg/alone.py


def test_a_handler_that_raises_again_guards_nothing(tmp_path: Path) -> None:
    """`except ImportError: raise ImportError("pkg needs zzqr")` only rewords the failure:
    the import is required; a handler that carries on (`zzqo = None`) still guards."""
    found = guarded(
        tmp_path,
        {
            "pkg/__init__.py": "try:\n    import zzqr\nexcept ImportError as exc:\n"
            "    raise ImportError('pkg needs zzqr') from exc\n",
            "pkg/bare.py": "try:\n    import zzqs\nexcept Exception:\n    log()\n    raise\n",
            "pkg/opt.py": "try:\n    import zzqo\nexcept ImportError:\n    zzqo = None\n",
        },
    )
    assert found.where("zzqr") is None
    assert found.where("zzqs") is None
    assert found.where("zzqo") == "pkg/opt.py:2"


def test_a_package_init_runs_whenever_its_package_is_imported(tmp_path: Path) -> None:
    """The top-level package's `__init__.py` runs on any import of the package: its imports
    are required, though the one absolute import naming it is guarded (`from pkg import
    speedups`). A subpackage's `__init__.py` runs when a module under it is imported
    (`from .integ.views import V`, unguarded); a subpackage imported only guarded stays
    optional."""
    found = guarded(
        tmp_path,
        {
            "pkg/__init__.py": "import zzqreq\n",
            "pkg/loader.py": "try:\n    from pkg import speedups\nexcept ImportError:\n"
            "    speedups = None\n",
            "pkg/speedups.py": "y = 1\n",
            "pkg/app.py": "try:\n    from .integ import X\nexcept ImportError:\n    X = None\n"
            "from .integ.views import V\n",
            "pkg/integ/__init__.py": "import zzqinteg\n",
            "pkg/integ/views.py": "V = 1\n",
            "pkg/opt.py": "try:\n    from .extra import E\nexcept ImportError:\n    E = None\n",
            "pkg/extra/__init__.py": "import zzqextra\n",
        },
    )
    assert found.where("zzqreq") is None
    assert found.where("zzqinteg") is None
    assert found.where("zzqextra") == "pkg/opt.py:2"
