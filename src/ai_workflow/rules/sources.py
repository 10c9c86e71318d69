"""The lines of the files findings cite, read once per run (suppression comments, fingerprints)."""

from __future__ import annotations

import threading
from pathlib import Path, PurePosixPath

from ai_workflow.textfiles import read_bytes

MAX_FILE_BYTES = 5_000_000
"""Larger files are not read: their findings are neither suppressible inline nor content-hashed."""


class SourceLines:
    """Thread-safe cache of a target's text files, by target-relative POSIX path."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self._lines: dict[str, list[str] | None] = {}
        self._lock = threading.Lock()

    def lines(self, path: str | None) -> list[str] | None:
        """The file's lines (without line ends), or None when it is not a readable text file
        inside the target."""
        if not path:
            return None
        with self._lock:
            if path in self._lines:
                return self._lines[path]
        lines = self._read(path)
        with self._lock:
            self._lines[path] = lines
        return lines

    def line(self, path: str | None, number: int | None) -> str | None:
        """Line `number` (1-based) of `path`, or None."""
        lines = self.lines(path)
        if lines is None or number is None or not 1 <= number <= len(lines):
            return None
        return lines[number - 1]

    def _read(self, path: str) -> list[str] | None:
        rel = PurePosixPath(path)
        if rel.is_absolute() or ".." in rel.parts:
            return None
        data = read_bytes(self.target / rel, limit=MAX_FILE_BYTES, root=self.target)
        if data is None:
            return None
        if b"\0" in data[:8192]:
            return None  # binary
        return data.decode("utf-8", errors="replace").splitlines()
