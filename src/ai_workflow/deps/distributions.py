"""Which distributions provide an import name, and the reverse.

Import names map to distributions through the target interpreter's
`importlib.metadata.packages_distributions()` when the project has an interpreter, the
`IMPORT_ALIASES` table, the rule that `foo_bar` is provided by a distribution `foo-bar`, and
the rule that `standard-foo` redistributes the removed standard-library module `foo`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ai_workflow.changes.filecache import read_run_store, write_run_store
from ai_workflow.deps.model import canonical
from ai_workflow.engine.step import StepContext
from ai_workflow.techstack import detect_stack

ENV_TIMEOUT_S = 60.0

# Import name -> distributions that provide it, where the names differ (checked when the target
# has no interpreter to ask, and in addition to what it says).
IMPORT_ALIASES: dict[str, tuple[str, ...]] = {
    "yaml": ("PyYAML",),
    "PIL": ("Pillow",),
    "bs4": ("beautifulsoup4",),
    "sklearn": ("scikit-learn",),
    "skimage": ("scikit-image",),
    "dateutil": ("python-dateutil",),
    "dotenv": ("python-dotenv",),
    "cv2": ("opencv-python", "opencv-python-headless", "opencv-contrib-python"),
    "attr": ("attrs",),
    "jwt": ("PyJWT",),
    "jose": ("python-jose",),
    "magic": ("python-magic",),
    "multipart": ("python-multipart",),
    "slugify": ("python-slugify",),
    "docx": ("python-docx",),
    "pptx": ("python-pptx",),
    "serial": ("pyserial",),
    "usb": ("pyusb",),
    "zmq": ("pyzmq",),
    "Crypto": ("pycryptodome", "pycrypto"),
    "Cryptodome": ("pycryptodomex",),
    "OpenSSL": ("pyOpenSSL",),
    "nacl": ("PyNaCl",),
    "git": ("GitPython",),
    "github": ("PyGithub",),
    "MySQLdb": ("mysqlclient",),
    "psycopg2": ("psycopg2", "psycopg2-binary"),
    "google": ("protobuf",),
    "grpc": ("grpcio",),
    "pkg_resources": ("setuptools",),
    "fitz": ("PyMuPDF",),
    "dns": ("dnspython",),
    "kafka": ("kafka-python",),
    "websocket": ("websocket-client",),
    "socks": ("PySocks",),
    "gi": ("PyGObject",),
    "wx": ("wxPython",),
    "Bio": ("biopython",),
    "markdown_it": ("markdown-it-py",),
    "mdit_py_plugins": ("mdit-py-plugins",),
    "Levenshtein": ("python-Levenshtein", "Levenshtein"),
    "ldap": ("python-ldap",),
    "telegram": ("python-telegram-bot",),
    "discord": ("discord.py",),
    "faiss": ("faiss-cpu", "faiss-gpu"),
    "umap": ("umap-learn",),
    "igraph": ("python-igraph", "igraph"),
    "win32api": ("pywin32",),
    "win32com": ("pywin32",),
    "pythoncom": ("pywin32",),
    "lxml": ("lxml",),
    "jinja2": ("Jinja2",),
    "markupsafe": ("MarkupSafe",),
    "flask_sqlalchemy": ("Flask-SQLAlchemy",),
    "rest_framework": ("djangorestframework",),
    "tomli_w": ("tomli-w",),
    "pydantic_core": ("pydantic-core", "pydantic"),
    # modules removed from the standard library in Python 3.13 (PEP 594), kept alive on PyPI
    # under other names (WebOb 1.8.11 declares `legacy-cgi; python_version>='3.13'` for `cgi`)
    "cgi": ("legacy-cgi",),
    "cgitb": ("legacy-cgi",),
    "audioop": ("audioop-lts",),
    # Python 2 backports that install modules under their Python 3 standard-library names,
    # declared for Python 2 only (commonmark 0.9.1: `future>=0.14.0;python_version<"3"` for
    # `from builtins import str`): python-future's standard-library names and its own modules,
    # `futures` for `concurrent.futures`, `enum34` for `enum`
    **dict.fromkeys(
        (
            "builtins", "past", "libfuturize", "libpasteurize", "_dummy_thread", "_markupbase",
            "_thread", "copyreg", "html", "http", "queue", "reprlib", "socketserver", "tkinter",
            "winreg", "xmlrpc",
        ),
        ("future",),
    ),
    "concurrent": ("futures",),
    "enum": ("enum34",),
}  # fmt: skip
STDLIB_REDISTRIBUTION = "standard-"
"""Prefix of the distributions that redistribute a module removed from the standard library
(PEP 594) under its own name: `standard-imghdr` provides `imghdr`, `standard-telnetlib`
`telnetlib`."""
# Distributions named `<prefix>-<rest>` that install into the `<prefix>` namespace package.
NAMESPACE_PREFIXES = frozenset(
    {"google", "azure", "zope", "jaraco", "backports", "sphinxcontrib", "opentelemetry", "ruamel"}
)


@dataclass
class PythonEnvironment:
    """What the target's own interpreter knows about installed distributions."""

    interpreter: str | None = None
    packages: dict[str, list[str]] = field(default_factory=dict)  # import name -> dists
    entry_points: dict[str, list[str]] = field(default_factory=dict)  # canonical dist -> groups
    distributions: frozenset[str] = frozenset()  # canonical names of every installed one


_ENV_SCRIPT = """
import json, sys, importlib.metadata as m
try:
    packages = m.packages_distributions()
except AttributeError:
    packages = {}
eps = {}
names = []
for dist in m.distributions():
    name = dist.metadata["Name"]
    if name:
        names.append(name)
    groups = sorted({ep.group for ep in dist.entry_points})
    files = dist.files or []
    if any(f.parts[:1] == ("..",) and "bin" in f.parts for f in files):
        groups.append("scripts")
    if name and groups:
        eps[name] = groups
print(json.dumps({"packages": packages, "entry_points": eps, "distributions": names,
                  "sys_path": sys.path}))
"""
# Asking the interpreter costs 0.2-2 s (every installed distribution's metadata is read), so its
# answer is kept in the step cache while nothing where it looks for distributions has changed.
ENV_STORE = "environment"  # step_cache/dependencies.environment.json
_METADATA_SUFFIXES = (".dist-info", ".egg-info", ".egg-link", ".pth")


def target_environment(ctx: StepContext) -> PythonEnvironment:
    """Ask the target's interpreter once per run: the one its tests run with
    (`TechStack.python`, see `tools.resolve_python`); reuse its last answer while its
    installation is unchanged (`installation_state`)."""

    def ask() -> PythonEnvironment:
        python = detect_stack(ctx).python
        if python is None:
            return PythonEnvironment()
        kept = _kept_answer(ctx, python)
        raw = kept if kept is not None else _ask_interpreter(ctx, python)
        if raw is None:
            return PythonEnvironment()
        if kept is None:
            _keep_answer(ctx, python, raw)
        packages = {str(k): [str(d) for d in v] for k, v in raw.get("packages", {}).items()}
        eps = {canonical(k): list(v) for k, v in raw.get("entry_points", {}).items()}
        dists = frozenset(canonical(str(d)) for d in raw.get("distributions", ()))
        return PythonEnvironment(python, packages, eps, dists)

    return ctx.memo.get("dependencies:target_environment", ask)


def _ask_interpreter(ctx: StepContext, python: str) -> dict[str, Any] | None:
    result = ctx.run_command([python, "-I", "-c", _ENV_SCRIPT], timeout=ENV_TIMEOUT_S)
    if not result.ok:
        return None
    try:
        raw = json.loads(result.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None
    return raw if isinstance(raw, dict) else None


def installation_state(python: str, sys_path: Iterable[str]) -> list[Any]:
    """What changes when a distribution is installed, removed, upgraded or made editable: the
    interpreter file, and each import directory with its metadata entries (`*.dist-info`,
    `*.egg-info`, `*.egg-link`, `*.pth`) and their modification times."""
    state: list[Any] = [python, _stamp(python)]
    for entry in sys_path:
        state.append([entry, _stamp(entry)])
        try:
            with os.scandir(entry) as found:
                names = sorted(e.name for e in found if e.name.endswith(_METADATA_SUFFIXES))
        except OSError:  # a zip on sys.path, or a directory that does not exist
            continue
        state.append([[name, _stamp(os.path.join(entry, name))] for name in names])
    return state


def _stamp(path: str) -> list[int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return [info.st_mtime_ns, info.st_size, info.st_ino]


def _kept_answer(ctx: StepContext, python: str) -> dict[str, Any] | None:
    """The last answer of `python` (`step_cache/dependencies.environment.json`), while its
    installation is the same (`installation_state`); None otherwise."""
    kept = read_run_store(ctx, ENV_STORE, {"python": python}, "installed")
    if not isinstance(kept, dict):
        return None
    sys_path, answer = kept.get("sys_path"), kept.get("answer")
    if not isinstance(sys_path, list) or not isinstance(answer, dict):
        return None
    if "distributions" not in answer:
        return None  # kept before the answer listed every distribution: ask again
    # A JSON round trip turns the state's tuples into lists: compare it the same way.
    state = json.loads(json.dumps(installation_state(python, map(str, sys_path))))
    return answer if kept.get("state") == state else None


def _keep_answer(ctx: StepContext, python: str, raw: dict[str, Any]) -> None:
    sys_path = [str(p) for p in raw.get("sys_path", []) if p]
    installed = {
        "sys_path": sys_path,
        "state": installation_state(python, sys_path),
        "answer": {k: raw[k] for k in ("packages", "entry_points", "distributions") if k in raw},
    }
    write_run_store(ctx, ENV_STORE, {"python": python}, "installed", installed)


def providers(module: str, env: PythonEnvironment) -> set[str]:
    """Canonical names of distributions that may provide the top-level import `module`
    (one named after it with `.py` too: delegator.py provides `delegator`)."""
    names = {canonical(module), canonical(f"{module}.py")}
    names |= {canonical(d) for d in env.packages.get(module, ())}
    names |= {canonical(d) for d in IMPORT_ALIASES.get(module, ())}
    names.add(canonical(STDLIB_REDISTRIBUTION + module))
    return names


def namespace_providers(module: str, declared: Iterable[str]) -> set[str]:
    """The declared distributions of a namespace (`backports.functools-lru-cache`, canonical
    `backports-functools-lru-cache`) that provide the shared top-level import (`backports`)."""
    if module not in NAMESPACE_PREFIXES:
        return set()
    return {key for key in declared if key.startswith(f"{module}-")}


def provided_modules(dist: str, env: PythonEnvironment) -> set[str]:
    """Top-level import names a declared distribution is known or guessed to provide."""
    key = canonical(dist)
    modules = {key.replace("-", "_"), dist.replace("-", "_"), dist.split(".")[0]}
    modules |= {m for m, dists in env.packages.items() if key in map(canonical, dists)}
    modules |= {m for m, dists in IMPORT_ALIASES.items() if key in map(canonical, dists)}
    prefix = key.split("-", 1)[0]
    if prefix in NAMESPACE_PREFIXES:
        modules.add(prefix)
    if key.startswith(STDLIB_REDISTRIBUTION) and key != STDLIB_REDISTRIBUTION:
        modules.add(key[len(STDLIB_REDISTRIBUTION) :].replace("-", "_"))
    return modules
