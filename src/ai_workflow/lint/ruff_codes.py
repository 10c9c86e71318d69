"""The ruff rules and message shapes that several of ruff's post-processors read."""

from __future__ import annotations

import re

UNUSED_IMPORT = "ruff/F401"
UNDEFINED_NAME = "ruff/F821"
UNDEFINED_MESSAGE = re.compile(r"Undefined name `(?P<name>\w+)`")
"""F821's message, with the undefined name."""
