"""A project's flake8 configuration, translated into ruff's command line.

A project that lints with flake8 and has no ruff configuration chose its rules in flake8's
format: cachetools' `setup.cfg` says `ignore = F401`, so ruff at its defaults reports what the
project decided not to. flake8 reads the first of `setup.cfg`, `tox.ini`, `.flake8` in the
project's root that has a `[flake8]` section (it skips a file that does not parse, and so do
we, saying so). Failing those, `[tool.flake8]` in `pyproject.toml`, which flake8 reads through
the Flake8-pyproject plug-in (or runs as `flake8p`, `pflake8`): Mako's lives there and ignores
E722; its TOML lists and numbers are read as the same options (`ignore = ["E203", "E722"]` is
`ignore = E203,E722`). Its options become ruff's:

- `ignore`, `extend-ignore` -> `--extend-ignore`; `select` -> `--select`; `extend-select` ->
  `--extend-select`; `per-file-ignores` -> `--per-file-ignores` (one code each);
- `exclude`, `extend-exclude` -> `--extend-exclude`; `max-line-length` -> `--line-length`;
  `max-complexity` -> `lint.mccabe.max-complexity` (flake8 runs mccabe only when it is set).

Only the codes of flake8's own checkers carry over, which ruff implements under the same codes:
pyflakes (`F`), pycodestyle (`E`, `W`) and mccabe (`C90`; flake8's `C` selects it too). Other
codes belong to plugins (bugbear's `B`, flake8-import-order's `I`, which is not ruff's isort
`I`), whose versions and ruff's ports differ: they are dropped and named. A code ruff does not
know (pycodestyle's `W503`) is dropped when ruff rejects it (`without`).
"""

from __future__ import annotations

import configparser
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from ai_workflow.textfiles import parse_toml, read_utf8

FLAKE8_FILES = ("setup.cfg", "tox.ini", ".flake8")  # flake8's own order
PYPROJECT = "pyproject.toml"  # `[tool.flake8]`, read by the Flake8-pyproject plug-in
MAX_RUFF_LINE_LENGTH = 320
_CODE = re.compile(r"[A-Z]{1,3}[0-9]{0,3}")
_REJECTED = re.compile(
    r"Unknown rule selector `([^`]+)`|Rule `([^`]+)` was removed|invalid value '([^':]+)' for"
)


@dataclass(frozen=True)
class RuffTranslation:
    """The ruff options a flake8 configuration amounts to, and what did not carry over."""

    source: str  # "setup.cfg [flake8]"
    select: tuple[str, ...] | None = None  # None: the project does not choose its rules
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, str], ...] = ()
    exclude: tuple[str, ...] = ()
    line_length: int | None = None
    max_complexity: int | None = None
    dropped: tuple[str, ...] = field(default=())  # plugin codes and codes ruff rejected

    def args(self) -> list[str]:
        args: list[str] = []
        if self.select:
            args += ["--select", ",".join(self.select)]
        if self.extend_select:
            args += ["--extend-select", ",".join(self.extend_select)]
        for code in self.ignore:
            args += ["--extend-ignore", code]
        for pattern, code in self.per_file_ignores:
            args += ["--per-file-ignores", f"{pattern}:{code}"]
        for pattern in self.exclude:
            args += ["--extend-exclude", pattern]
        if self.line_length is not None:
            args += ["--line-length", str(self.line_length)]
        if self.max_complexity is not None:
            args += ["--config", f"lint.mccabe.max-complexity = {self.max_complexity}"]
        return args

    def without(self, selector: str) -> RuffTranslation:
        """This translation without a code ruff rejected."""

        def keep(codes: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(c for c in codes if c != selector)

        select = None if self.select is None else keep(self.select)
        return replace(
            self,
            select=select,
            extend_select=keep(self.extend_select),
            ignore=keep(self.ignore),
            per_file_ignores=tuple(p for p in self.per_file_ignores if p[1] != selector),
            dropped=(*self.dropped, f"{selector} (unknown to this ruff)"),
        )

    def describe(self) -> str:
        text = f"flake8 configuration honoured ({self.source}): {' '.join(self.args()) or '-'}"
        if self.dropped:
            text += f"; not carried over: {', '.join(self.dropped)}"
        return text


def rejected_selector(output: str) -> str | None:
    """The rule code ruff's error output says it does not know (or no longer has)."""
    match = _REJECTED.search(output)
    return next((g for g in match.groups() if g), None) if match else None


def flake8_translation(target: Path) -> tuple[RuffTranslation | None, list[str]]:
    """The translation of the flake8 configuration in `target`'s root (None: there is none),
    and notes on the files skipped because they do not parse."""
    notes: list[str] = []
    for name in FLAKE8_FILES:
        text = read_utf8(target / name, root=target)
        if text is None:
            continue
        parser = configparser.RawConfigParser()
        try:
            parser.read_string(text, source=name)
        except configparser.Error as exc:
            first = str(exc).splitlines()[0]
            notes.append(f"{name} does not parse, skipped as flake8 skips it ({first})")
            continue
        if parser.has_section("flake8"):
            options = {key.replace("_", "-"): value for key, value in parser.items("flake8")}
            return translate(options, f"{name} [flake8]"), notes
    table, note = pyproject_flake8(target)
    notes += [note] if note else []
    if table is not None:
        return translate(table, f"{PYPROJECT} [tool.flake8]"), notes
    return None, notes


def pyproject_flake8(target: Path) -> tuple[dict[str, str] | None, str | None]:
    """The `[tool.flake8]` table of `target`'s pyproject.toml as flake8's options (names with
    dashes, lists joined by commas as in an ini file); None when there is none. The note says
    that a pyproject.toml naming `[tool.flake8]` does not parse (the plug-in cannot read it)."""
    text = read_utf8(target / PYPROJECT, root=target)
    if text is None or "flake8" not in text:
        return None, None
    document = parse_toml(text)
    if document is None:
        if "[tool.flake8]" in text or "[tool.flake8" in text:
            return None, f"{PYPROJECT} does not parse, its [tool.flake8] skipped"
        return None, None
    tool = document.get("tool")
    table = tool.get("flake8") if isinstance(tool, dict) else None
    if not isinstance(table, dict):
        return None, None
    return {key.replace("_", "-"): _ini_value(value) for key, value in table.items()}, None


def _ini_value(value: object) -> str:
    """A TOML value as flake8's ini text: a list's items joined by commas, a bool lowercase."""
    if isinstance(value, list):
        return ",\n".join(_ini_value(item) for item in value)
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def translate(options: dict[str, str], source: str) -> RuffTranslation:
    """ruff's options for flake8's (option names with dashes)."""
    dropped: list[str] = []
    complexity = _integer(options.get("max-complexity"))
    mccabe = complexity is not None and complexity >= 0

    def codes(*keys: str, selecting: bool = False) -> tuple[str, ...] | None:
        if not any(key in options for key in keys):
            return None
        found: list[str] = []
        for key in keys:
            for code in _codes(options.get(key, ""), dropped):
                mapped = _ruff_code(code)
                if mapped is None:
                    dropped.append(code)
                elif selecting and mapped.startswith("C9") and not mccabe:
                    dropped.append(f"{code} (mccabe runs only with max-complexity)")
                elif mapped not in found:
                    found.append(mapped)
        return tuple(found)

    select = codes("select", selecting=True)
    extend = codes("extend-select", selecting=True) or ()
    if mccabe and select is None:
        extend = (*extend, "C901") if "C901" not in extend else extend
    length = _integer(options.get("max-line-length"))
    return RuffTranslation(
        source,
        select=select or None,
        extend_select=extend,
        ignore=codes("ignore", "extend-ignore") or (),
        per_file_ignores=_per_file_ignores(options.get("per-file-ignores", ""), dropped),
        exclude=_patterns(options.get("exclude", ""), options.get("extend-exclude", "")),
        line_length=length if length and 0 < length <= MAX_RUFF_LINE_LENGTH else None,
        max_complexity=complexity if mccabe else None,
        dropped=tuple(dict.fromkeys(dropped)),
    )


def _ruff_code(code: str) -> str | None:
    """The ruff selector of a flake8 code of its own checkers (None: a plugin's code)."""
    letters = code.rstrip("0123456789")
    digits = code[len(letters) :]
    if letters in ("E", "F", "W"):
        return code
    if letters == "C" and (not digits or digits.startswith("9")):
        return "C90" + digits[2:] if len(digits) > 2 else "C90"
    return None


def _codes(value: str, dropped: list[str]) -> list[str]:
    """A flake8 list (commas or whitespace) of codes; other words (a comment) are dropped."""
    found: list[str] = []
    for token in filter(None, re.split(r"[,\s]+", value)):
        (found if _CODE.fullmatch(token) else dropped).append(token)
    return found


def _patterns(*values: str) -> tuple[str, ...]:
    """flake8's comma-separated exclude patterns (`./build/` is ruff's `build`)."""
    patterns = (
        p.strip().removeprefix("./").rstrip("/") for p in re.split(r"[,\n]", ",".join(values))
    )
    return tuple(dict.fromkeys(p for p in patterns if p))


def _per_file_ignores(value: str, dropped: list[str]) -> tuple[tuple[str, str], ...]:
    """flake8's `file1 file2: CODE1, CODE2 file3: CODE3` mapping as (pattern, ruff code) pairs."""
    pairs: list[tuple[str, str]] = []
    files: list[str] = []
    codes: list[str] = []
    after_colon = False
    for token in re.findall(r"[^\s:,]+|:", value):
        if token == ":":
            after_colon = True
        elif after_colon and _CODE.fullmatch(token):
            codes.append(token)
        else:  # a file name: after codes, the next group starts
            if codes:
                pairs += _pairs(files, codes, dropped)
                files, codes = [], []
            files.append(token)
            after_colon = False
    return tuple(dict.fromkeys(pairs + _pairs(files, codes, dropped)))


def _pairs(files: list[str], codes: list[str], dropped: list[str]) -> list[tuple[str, str]]:
    pairs = []
    for code in codes:
        mapped = _ruff_code(code)
        if mapped is None:
            dropped.append(code)
            continue
        pairs += [(pattern.removeprefix("./"), mapped) for pattern in files]
    return pairs


def _integer(value: str | None) -> int | None:
    try:
        return int(value.strip()) if value is not None else None
    except ValueError:
        return None
