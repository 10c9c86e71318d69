"""Read a project's files without raising, and find the line a pattern is on.

A file that is missing, unreadable or malformed reads as empty: the step that owns that file
(step 8 for manifests) reports the problem, the others just find nothing in it.

Only regular files are read, and only inside the project: a FIFO, a socket or a device is
never opened for reading (a FIFO would block the run forever), and a symlink whose real path
leads out of the project reads as empty, so nothing outside the target can reach a prompt, a
report or a cache. Which directory is "the project" is explicit (`root=`) or, for paths under
a target whose files were listed (`project_files.list_project_files` registers it), implied.
"""

from __future__ import annotations

import json
import os
import re
import stat
import threading
import tomllib
from pathlib import Path
from typing import Any

READ_CHUNK = 1 << 20

_roots: set[str] = set()
_roots_lock = threading.Lock()


def register_root(root: Path) -> None:
    """Confine reads of files under `root` (a target being checked) to its real path."""
    with _roots_lock:
        _roots.add(os.path.abspath(root))


def _root_of(path: str) -> str | None:
    """The innermost registered project root that `path` lies under, lexically."""
    with _roots_lock:
        roots = [r for r in _roots if path == r or path.startswith(r.rstrip(os.sep) + os.sep)]
    return max(roots, key=len) if roots else None


def inside(path: Path | str, root: Path | str) -> bool:
    """Whether the real path of `path` (all symlinks followed) is `root`'s or below it."""
    real = os.path.realpath(path)
    base = os.path.realpath(root)
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)


def readable_file(path: Path | str, root: Path | str | None = None) -> bool:
    """A regular file (after symlinks) whose real path is inside its project: safe to read."""
    where = os.path.abspath(path)
    base = root if root is not None else _root_of(where)
    try:
        if not stat.S_ISREG(os.stat(where).st_mode):
            return False
    except (OSError, ValueError):
        return False
    return base is None or inside(where, base)


def read_bytes(
    path: Path | str, *, limit: int | None = None, root: Path | str | None = None
) -> bytes | None:
    """The bytes of a regular file inside its project (see the module docstring), or None:
    not a regular file, a symlink out of the project, unreadable, or longer than `limit`."""
    if not readable_file(path, root):
        return None
    try:  # O_NONBLOCK: should the file have become a FIFO since the check, open cannot block
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY)
    except (OSError, ValueError):
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, READ_CHUNK):
            size += len(chunk)
            if limit is not None and size > limit:
                return None
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def read_text(path: Path, *, root: Path | str | None = None) -> str:
    """The file's text (undecodable bytes replaced), "" when it cannot be read."""
    data = read_bytes(path, root=root)
    return "" if data is None else data.decode("utf-8", errors="replace")


def read_utf8(path: Path | str, *, root: Path | str | None = None) -> str | None:
    """The file's text, None when it cannot be read (see `read_bytes`) or is not UTF-8."""
    data = read_bytes(path, root=root)
    try:
        return None if data is None else data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def read_json(path: Path | str, *, root: Path | str | None = None) -> Any:
    """The parsed JSON document, None when the file cannot be read or does not parse."""
    text = read_utf8(path, root=root)
    if text is None:
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def why_unreadable(path: Path | str, root: Path | str | None = None) -> str | None:
    """Why `read_bytes` would refuse `path` (for a message), None when it is readable or
    absent: not a regular file, or a link out of the project."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return None if not os.path.islink(path) else "a dangling link"
    except (OSError, ValueError) as exc:
        return f"unreadable ({exc.strerror or exc})" if isinstance(exc, OSError) else str(exc)
    if not stat.S_ISREG(mode):
        return "a directory" if stat.S_ISDIR(mode) else "not a regular file"
    base = root if root is not None else _root_of(os.path.abspath(path))
    if base is not None and not inside(path, base):
        return "a link to a file outside the project"
    return None


def read_toml(path: Path, *, root: Path | str | None = None) -> dict[str, Any]:
    """The parsed TOML document, {} when the file cannot be read or does not parse."""
    data = read_bytes(path, root=root)
    if data is None:
        return {}
    try:
        return parse_toml(data.decode("utf-8")) or {}
    except UnicodeDecodeError:
        return {}


def parse_toml(text: str) -> dict[str, Any] | None:
    """The TOML document in `text`, None when it does not parse."""
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        return None


def line_of(text: str, pattern: str, start: int = 0) -> int | None:
    """1-based line of the first match of `pattern` (multiline) at or after offset `start`."""
    match = re.compile(pattern, re.M).search(text, start)
    return text.count("\n", 0, match.start()) + 1 if match else None


SHELL_SHEBANG = re.compile(rb"^#!\s*\S*(/|env\s+)(ba|z|k|da)?sh\b")


def shebang_program(first_line: str) -> str | None:
    """The program a `#!` line starts, by its base name (`env`'s first argument for
    `#!/usr/bin/env bash`); None when the line is no shebang or names nothing."""
    if not first_line.startswith("#!"):
        return None
    words = first_line[2:].split()
    if not words:
        return None
    program = words[0].rsplit("/", 1)[-1]
    if program == "env":
        program = next((w for w in words[1:] if not w.startswith("-")), "")
    return program


def has_shell_shebang(path: Path) -> bool:
    """Whether the file starts with a sh/bash/zsh/ksh/dash shebang (a suffix-less script)."""
    head = read_head(path, 64)
    return bool(head and SHELL_SHEBANG.match(head))


def read_head(path: Path | str, size: int, root: Path | str | None = None) -> bytes | None:
    """The first `size` bytes of a readable file (see `read_bytes`), or None."""
    if not readable_file(path, root):
        return None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY)
    except (OSError, ValueError):
        return None
    try:
        return os.read(fd, size) if stat.S_ISREG(os.fstat(fd).st_mode) else None
    except OSError:
        return None
    finally:
        os.close(fd)
