"""No new raw file read in src/: every read goes through `ai_workflow.textfiles` (regular
files only, never a link out of the target) or `engine.records.read_text` (the tool's own state
files: anything but a regular file there is moved aside), or says why it need not, next to it.

A read is a call that opens a path: `open(`, `os.open(`, `.open(`, `Path.read_text/read_bytes`,
`json.load(`/`tomllib.load(` on a handle, `configparser.read(`, `ET.parse(`,
`JUnitXml.fromfile(`. An exception carries a `# raw read: <why>` comment on its line or the
line above (the tool's own state files in its work directory, /proc, package data, a file the
user names explicitly...). `textfiles.py` itself is the one module that may read freely.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import ai_workflow

SRC = Path(ai_workflow.__file__).parent
SAFE = r"(?<!textfiles)(?<!records)"  # the safe readers: project files, our own state files
READ_CALL = re.compile(
    r"(?<![\w.])open\(|\bos\.open\(|(?<!webbrowser)\.open\(|"
    rf"{SAFE}\.read_text\(|{SAFE}\.read_bytes\(|\bjson\.load\(|\btomllib\.load\(|"
    r"\bparser\.read\(|\bET\.parse\(|\.fromfile\(|\bsqlite3\.connect\("
)
JUSTIFIED = re.compile(r"#\s*raw read:\s*\S")
FREE = {"textfiles.py"}


def _docstring_lines(source: str) -> set[int]:
    """The lines of the module's, classes' and functions' docstrings: prose about code (a
    docstring may quote `exec(open(path).read())`), never a read."""
    lines: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        body = getattr(node, "body", None)
        if not isinstance(body, list) or not body:
            continue
        first = body[0]
        docstring = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
        if docstring and isinstance(first.value.value, str):  # type: ignore[attr-defined]
            lines.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return lines


def raw_reads() -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if path.name in FREE:
            continue
        source = path.read_text(encoding="utf-8")
        prose = _docstring_lines(source)
        lines = source.splitlines()
        for number, line in enumerate(lines, start=1):
            code = line.split("#", 1)[0]
            if not READ_CALL.search(code) or code.lstrip().startswith(('"', "'")):
                continue
            if number in prose:
                continue
            above = lines[number - 2] if number > 1 else ""
            if JUSTIFIED.search(line) or JUSTIFIED.search(above):
                continue
            found.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    return found


def test_every_raw_read_in_src_is_justified() -> None:
    assert raw_reads() == [], (
        "read through ai_workflow.textfiles (read_bytes, read_text, read_utf8, read_json, "
        "read_toml, read_head), or justify the read with a `# raw read: <why>` comment"
    )


def test_the_scan_finds_a_raw_read(tmp_path: Path) -> None:
    assert READ_CALL.search('text = (target / "notes.md").read_text(encoding="utf-8")')
    assert READ_CALL.search('with open(path, "rb") as handle:')
    assert READ_CALL.search("data = json.load(handle)")
    assert not READ_CALL.search("webbrowser.open(url)")
    assert not READ_CALL.search("text = read_text(path)")
    assert not READ_CALL.search("text = textfiles.read_text(path)")


def test_a_docstring_that_quotes_a_read_is_prose() -> None:
    source = 'def f():\n    """`exec(open(path).read())` defines it."""\n    return open("x")\n'
    assert _docstring_lines(source) == {2}
