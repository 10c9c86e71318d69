"""Which distributions provide an import name, and the reverse.

Import names map to distributions through the target interpreter's
`importlib.metadata.packages_distributions()` when the project has an interpreter, the
`IMPORT_ALIASES` table, and the rule that `foo_bar` is provided by a distribution `foo-bar`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

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
}
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


_ENV_SCRIPT = """
import json, importlib.metadata as m
try:
    packages = m.packages_distributions()
except AttributeError:
    packages = {}
eps = {}
for dist in m.distributions():
    name = dist.metadata["Name"]
    groups = sorted({ep.group for ep in dist.entry_points})
    files = dist.files or []
    if any(f.parts[:1] == ("..",) and "bin" in f.parts for f in files):
        groups.append("scripts")
    if name and groups:
        eps[name] = groups
print(json.dumps({"packages": packages, "entry_points": eps}))
"""


def target_environment(ctx: StepContext) -> PythonEnvironment:
    """Ask the target's interpreter once per run: the one its tests run with
    (`TechStack.python`, see `tools.resolve_python`)."""

    def ask() -> PythonEnvironment:
        python = detect_stack(ctx).python
        if python is None:
            return PythonEnvironment()
        argv = [python, "-I", "-c", _ENV_SCRIPT]
        result = ctx.run_command(argv, timeout=ENV_TIMEOUT_S)
        if not result.ok:
            return PythonEnvironment()
        try:
            raw = json.loads(result.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            return PythonEnvironment()
        packages = {str(k): [str(d) for d in v] for k, v in raw.get("packages", {}).items()}
        eps = {canonical(k): list(v) for k, v in raw.get("entry_points", {}).items()}
        return PythonEnvironment(python, packages, eps)

    return ctx.memo.get("dependencies:target_environment", ask)


def providers(module: str, env: PythonEnvironment) -> set[str]:
    """Canonical names of distributions that may provide the top-level import `module`."""
    names = {canonical(module)}
    names |= {canonical(d) for d in env.packages.get(module, ())}
    names |= {canonical(d) for d in IMPORT_ALIASES.get(module, ())}
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
    return modules
