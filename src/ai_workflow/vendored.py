"""Files the project carries but did not write: copies of other projects (vendored code).

A warning about a vendored file asks the maintainer to change code they do not own: they
update the copy from upstream, or leave it. The rule policy lowers warnings in such files to
info (errors stay: a vendored file that does not parse is still broken in this project), and
says why in the finding (`extra.vendored`). A file counts as vendored on one of these signals:

- `.gitattributes` marks it `linguist-vendored` (GitHub's own switch; `git check-attr` reads it,
  so nested files and negations count), and not `-linguist-vendored`;
- its path runs through a directory that holds others' code by convention (GitHub Linguist's
  `vendor/`, `third_party/`, `3rdparty/`, `node_modules/`, `bower_components/`...);
- its header is another project's: a copyright line naming holders the project's own licence
  files (LICENSE, COPYING, AUTHORS...) do not name, together with a version of its own named
  after the file (`SHARNESS_VERSION=` in `sharness.sh`, `__version__` in a lone `six.py`), in a
  project that is not itself named so. A file of the project has no version of its own; a copied
  library keeps the one it was released with.

No signal, no guess: a script of the project that happens to carry a contributor's copyright
stays the project's.
"""

from __future__ import annotations

import re
import subprocess
import threading
from pathlib import Path, PurePosixPath

from ai_workflow.textfiles import read_head, read_text

VENDOR_DIRS = frozenset(
    {
        "vendor",
        "vendors",
        "vendored",
        "third_party",
        "third-party",
        "thirdparty",
        "3rdparty",
        "3rd_party",
        "3rd-party",
        "node_modules",
        "bower_components",
        "jspm_packages",
    }
)
LICENCE_FILES = (
    "LICENSE",
    "LICENSE.md",
    "LICENSE.txt",
    "LICENCE",
    "LICENCE.md",
    "COPYING",
    "COPYING.md",
    "AUTHORS",
    "AUTHORS.md",
    "CONTRIBUTORS",
    "NOTICE",
)
HEADER_BYTES = 4096
# Modules that carry a package's own version: never evidence of someone else's code.
PROJECT_MODULES = frozenset(
    {"__init__", "__about__", "__main__", "_version", "version", "setup", "conf", "index", "main"}
)
COPYRIGHT = re.compile(
    r"copyright\s*(?:(?:\(c\)|\u00a9)\s*(?:[\d\s,\-\u2013]+)?|\d{4}[\d\s,\-\u2013]*)"
    r"\s*(?:by\s+)?(?P<holder>[^\n<]+)",
    re.IGNORECASE,
)
# a bare "(c)"/"©" then a year or a capitalised name, as in a banner: `/*! x v1 | (c) Name */`
BANNER_COPYRIGHT = re.compile(
    r"(?:\(c\)|\u00a9)\s*(?:\d{4}[\d\s,\-\u2013]*)?\s*(?P<holder>[A-Z][^\n<|*]+)"
)
HOLDER_NOISE = re.compile(
    r"\b(?:all rights reserved|and|the|contributors?|authors?|inc|ltd|llc)\b|[^\w\s]", re.I
)


class VendoredFiles:
    """Which files of `target` are vendored, and why (cached per path, thread-safe)."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self._cache: dict[str, str | None] = {}
        self._lock = threading.Lock()
        self._own_holders: frozenset[str] | None = None
        self._project_names: frozenset[str] | None = None

    def reason(self, path: str | None) -> str | None:
        """Why `path` is vendored (None: it is the project's own, as far as we can tell)."""
        if not path:
            return None
        with self._lock:
            if path in self._cache:
                return self._cache[path]
        found = self._judge(path)
        with self._lock:
            self._cache[path] = found
        return found

    def _judge(self, path: str) -> str | None:
        rel = PurePosixPath(path)
        if rel.is_absolute() or ".." in rel.parts:
            return None
        for part in rel.parts[:-1]:
            if part in VENDOR_DIRS:
                return f"under {part}/, a directory of other projects' code"
        if self._linguist_vendored(path):
            return ".gitattributes marks it linguist-vendored"
        return self._foreign_header(path)

    def _linguist_vendored(self, path: str) -> bool:
        if not (self.target / ".git").exists():
            return False
        try:
            done = subprocess.run(
                ["git", "-C", str(self.target), "check-attr", "linguist-vendored", "--", path],
                capture_output=True,
                text=True,
                timeout=10,
            )
        except (OSError, subprocess.SubprocessError):
            return False
        value = done.stdout.rsplit(":", 1)[-1].strip() if done.returncode == 0 else ""
        return value in ("set", "true")

    def _foreign_header(self, path: str) -> str | None:
        head = read_head(self.target / path, HEADER_BYTES, self.target)
        if not head:
            return None
        text = head.decode("utf-8", errors="replace")
        holders = copyright_holders(text)
        if not holders:
            return None
        stem = PurePosixPath(path).name.split(".", 1)[0]
        if (
            stem in PROJECT_MODULES
            or not own_version(text, stem)
            or _key(stem) in self.project_names()
        ):
            return None
        own = self.own_holders()
        if any(
            mine in theirs or theirs in mine
            for mine in holders
            for theirs in own
            if len(theirs) > 3
        ):
            return None
        names = ", ".join(sorted(holders))
        return f"a copy of another project: {stem} {_version_word(text, stem)}, © {names}"

    def own_holders(self) -> frozenset[str]:
        """The copyright holders the project's own licence and authors files name."""
        if self._own_holders is None:
            found: set[str] = set()
            for name in LICENCE_FILES:
                text = read_text(self.target / name)[:20000]
                found |= copyright_holders(text)
                if name.startswith(("AUTHORS", "CONTRIB")):
                    found |= _authors(text)
            self._own_holders = frozenset(found)
        return self._own_holders

    def project_names(self) -> frozenset[str]:
        """What the project may be called: its directory's name and its manifests' names."""
        if self._project_names is None:
            names = {_key(self.target.resolve().name)}
            for manifest, pattern in (
                ("pyproject.toml", r'^name\s*=\s*"([^"]+)"'),
                ("package.json", r'"name"\s*:\s*"(?:@[^/"]+/)?([^"]+)"'),
                ("setup.cfg", r"^name\s*=\s*(\S+)"),
            ):
                match = re.search(pattern, read_text(self.target / manifest), re.MULTILINE)
                if match:
                    names.add(_key(match.group(1)))
            self._project_names = frozenset(names)
        return self._project_names


def copyright_holders(text: str) -> set[str]:
    """The holders the copyright lines of `text` name, normalised (lower case, no years,
    punctuation or "All rights reserved")."""
    holders = set()
    for match in [*COPYRIGHT.finditer(text), *BANNER_COPYRIGHT.finditer(text)]:
        holder = " ".join(HOLDER_NOISE.sub(" ", match.group("holder")).split()).lower()
        if holder and not holder.isdigit() and holder not in ("notice", "holder", "holders"):
            holders.add(holder)
    return holders


def _authors(text: str) -> set[str]:
    """The names an AUTHORS/CONTRIBUTORS file lists, one a line (addresses left out)."""
    names = set()
    for line in text.splitlines():
        name = " ".join(HOLDER_NOISE.sub(" ", line.split("<", 1)[0]).split()).lower()
        if name:
            names.add(name)
    return names


def own_version(text: str, stem: str) -> bool:
    """Whether the header declares a version named after the file itself."""
    return _version_word(text, stem) != ""


def _version_word(text: str, stem: str) -> str:
    word = re.escape(re.sub(r"[^A-Za-z0-9]", "_", stem))
    patterns = (
        rf"^\s*(?:export\s+|readonly\s+|declare\s+-\w+\s+)?{word}_VERSION=[\"']?([\w.+-]+)",
        r"^__version__\s*=\s*[\"']([\w.+-]+)",
        rf"^\s*(?:var|let|const)\s+{word}_?VERSION\s*=\s*[\"']([\w.+-]+)",
        rf"^\W*{word}\s+v?(\d+\.\d+[\w.+-]*)",  # a banner: `/*! jQuery v3.6.0 | (c) ...`
    )
    for pattern in patterns:
        match = re.search(pattern, text, re.MULTILINE | re.IGNORECASE)
        if match:
            return match.group(1)
    return ""


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())
