"""Warnings in a directory of switched-off code (`off/`, `attic/`...) are info, with the reason;
the same warning in the project's live code stays (ai_workflow.retired)."""

from __future__ import annotations

from pathlib import Path

from ai_workflow.config import RulesConfig
from ai_workflow.findings import Finding, Severity
from ai_workflow.retired import retired_reason
from ai_workflow.rules.policy import build_policy
from tests.helpers import make_repo

FILES = {
    "zz/zzmoeda.sh": "zzmoeda() { echo $*; }\n",
    "off/zzmoeda.sh": "zzmoeda() { echo $*; }\n",
    "lib/attic/old.py": "import os\n",
    "src/offline/sync.sh": "echo $*\n",  # a name that only starts like one
    "pkg/deprecated/api.py": "import os\n",  # deprecated code still ships
    "mypkg/__init__.py": "",
    "mypkg/obsolete/__init__.py": "",
    "mypkg/obsolete/api.py": "import os\n",  # a subpackage: installed with mypkg
}


def _warning(path: str) -> Finding:
    return Finding("shellcheck/SC2048", Severity.WARNING, 'Use "$@" (with quotes)', path, 1)


def test_the_directories_of_switched_off_code() -> None:
    assert "off/" in (retired_reason("off/zzmoeda.sh") or "")
    assert "attic/" in (retired_reason("lib/attic/old.py") or "")
    assert retired_reason("Disabled/x.sh") is not None
    for path in ("zz/zzmoeda.sh", "src/offline/sync.sh", "pkg/deprecated/api.py", "off", None):
        assert retired_reason(path) is None
    assert retired_reason("../off/x.sh") is None  # outside the project
    # a longer name with a telling word (cdist's other/archived_types/, held-out 91)
    assert "archived_types/" in (retired_reason("other/archived_types/__a/man.rst") or "")
    assert retired_reason("src/kick-off/x.sh") is None  # `off` only as the whole name
    assert retired_reason("ui/disabled_state/x.js") is None
    assert retired_reason("src/archive/tar.go") is None  # an archive format, not archived code


def test_broken_links_in_archived_documents_are_info_elsewhere_errors(tmp_path: Path) -> None:
    """cdist's other/archived_types/__autofs_map/man.rst links the man page of a type archived
    with it (held-out 91, noise): info. The same link in a live type's page stays an error."""
    root = make_repo(tmp_path / "archived", {"x.txt": "x\n"})
    screen = build_policy(root, RulesConfig()).for_step("s")
    kept = screen.apply(
        [
            Finding("links/broken-link", Severity.ERROR, "broken", "other/archived_types/a.rst", 3),
            Finding("links/broken-link", Severity.ERROR, "broken", "conf/type/__b/man.rst", 3),
        ]
    )
    assert [f.severity for f in kept] == [Severity.INFO, Severity.ERROR]


def test_warnings_in_switched_off_code_are_info_errors_and_live_code_stay(tmp_path: Path) -> None:
    """funcoeszz keeps its retired functions in off/ (nothing builds or tests them): a warning
    there is info; the same warning in zz/, the live functions, stays, and so does an error
    (an off/ file that does not parse) and a severity the configuration sets."""
    root = make_repo(tmp_path / "funcoeszz", FILES)
    screen = build_policy(root, RulesConfig()).for_step("s")
    parse_error = Finding("shellcheck/SC1009", Severity.ERROR, "parse", "off/zzmoeda.sh", 1)
    kept = screen.apply(
        [
            _warning("off/zzmoeda.sh"),
            _warning("zz/zzmoeda.sh"),
            _warning("src/offline/sync.sh"),
            parse_error,
        ]
    )
    assert [(f.path, f.severity) for f in kept] == [
        ("off/zzmoeda.sh", Severity.INFO),
        ("zz/zzmoeda.sh", Severity.WARNING),
        ("src/offline/sync.sh", Severity.WARNING),
        ("off/zzmoeda.sh", Severity.ERROR),
    ]
    assert "switched off" in kept[0].extra["retired"]
    assert "retired" not in kept[1].extra
    raised = build_policy(root, RulesConfig(severity={"shellcheck/": "warning"})).for_step("s")
    assert raised.apply([_warning("off/zzmoeda.sh")])[0].severity is Severity.WARNING


def test_a_python_subpackage_named_for_retired_code_still_ships(tmp_path: Path) -> None:
    """`mypkg/obsolete/` with an `__init__.py` under the package `mypkg` is installed with it
    (find_packages): its users import that code, so a warning there stays; a plain `attic/`
    directory beside it keeps its info."""
    root = make_repo(tmp_path / "lib", FILES)
    assert retired_reason("mypkg/obsolete/api.py", root) is None
    assert retired_reason("mypkg/obsolete/api.py") is not None  # the path alone cannot tell
    assert retired_reason("lib/attic/old.py", root) is not None
    screen = build_policy(root, RulesConfig()).for_step("s")
    kept = screen.apply([_warning("mypkg/obsolete/api.py"), _warning("lib/attic/old.py")])
    assert [(f.path, f.severity) for f in kept] == [
        ("mypkg/obsolete/api.py", Severity.WARNING),
        ("lib/attic/old.py", Severity.INFO),
    ]


SUPERSEDED = {
    "check-bios-nx": "#!/bin/sh\necho nx\n",
    "kvm-ok": "#!/bin/sh\necho ok\n",
    "old/check-bios-nx.sh": "#!/bin/sh\necho $*\n",
    "old/check-bios-nx.py": "print >>sys.stderr, 'x'\n",
    "old/notes.sh": "echo $*\n",  # no file beside old/ of that name
    "db/old/schema.sql": "create table t (a int);\n",
    "db/new/schema.sql": "create table t (a int, b int);\n",
    "db/schema.sql": "create table t (a int, b int);\n",
}


def test_an_old_directory_of_earlier_versions_of_files_beside_it(tmp_path: Path) -> None:
    """cpu-checker 0.7's old/check-bios-nx.py and old/check-bios-nx.sh, the retired versions
    of its top-level check-bios-nx (held-out 122, eight noise findings): warnings there are
    info. A file of old/ that replaces nothing, an `old/` beside `new/` (a migration's or a
    fixture's two sides), and the path alone (no project to look at) are not retired."""
    root = make_repo(tmp_path / "cpu-checker", SUPERSEDED)
    assert "earlier versions" in (retired_reason("old/check-bios-nx.sh", root) or "")
    assert retired_reason("old/check-bios-nx.py", root) is not None
    assert retired_reason("old/notes.sh", root) is None
    assert retired_reason("db/old/schema.sql", root) is None
    assert retired_reason("old/check-bios-nx.sh") is None
    screen = build_policy(root, RulesConfig()).for_step("s")
    kept = screen.apply([_warning("old/check-bios-nx.sh"), _warning("old/notes.sh")])
    assert [(f.path, f.severity) for f in kept] == [
        ("old/check-bios-nx.sh", Severity.INFO),
        ("old/notes.sh", Severity.WARNING),
    ]


def test_an_error_in_an_old_copy_of_a_live_file_is_info_in_attic_code_it_stays(
    tmp_path: Path,
) -> None:
    """cpu-checker 0.7's old/check-bios-nx.sh (held-out 122, a false error): `[ $model -ge 3]`,
    which shellcheck cannot parse, in the retired copy of the live check-bios-nx: info. The
    same error in an old/ file that replaces nothing, or in attic/ code (no live copy), stays."""
    files = {**SUPERSEDED, "attic/tool.sh": "echo\n"}
    root = make_repo(tmp_path / "cpu-checker", files)
    screen = build_policy(root, RulesConfig()).for_step("s")

    def parse_error(path: str) -> Finding:
        return Finding("shellcheck/SC1073", Severity.ERROR, "Couldn't parse", path, 92)

    kept = screen.apply(
        [
            parse_error("old/check-bios-nx.sh"),
            parse_error("old/notes.sh"),
            parse_error("attic/tool.sh"),
        ]
    )
    assert [(f.path, f.severity) for f in kept] == [
        ("old/check-bios-nx.sh", Severity.INFO),
        ("old/notes.sh", Severity.ERROR),
        ("attic/tool.sh", Severity.ERROR),
    ]
    assert "earlier version" in kept[0].extra["retired"]
