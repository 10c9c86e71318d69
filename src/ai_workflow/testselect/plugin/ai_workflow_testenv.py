"""What the test interpreter has installed, as one digest (run by ai-workflow with the project's
own interpreter and test environment; standard library only, Python 3.8+).

Every distribution `importlib.metadata` finds on `sys.path` counts with its name, its version,
its RECORD (the installer's list of the files it wrote, with their hashes; SOURCES.txt for an
egg) and its `direct_url.json` (an editable or local install), plus `sys.path` itself. A
dependency manifest or lockfile can only change the tests' results by changing what is
installed (or through a test that reads it, which the test map notes apart), so equal digests
mean the environment the tests run in did not change. Prints `{"digest": ...}`.
"""

import hashlib
import json
import sys

try:
    from importlib import metadata
except ImportError:  # pragma: no cover - Python < 3.8
    metadata = None


def _text(dist, name):
    try:
        return dist.read_text(name) or ""
    except (OSError, UnicodeDecodeError):
        return "?"


def digest():
    if metadata is None:
        return None
    rows = []
    for dist in metadata.distributions():
        record = _text(dist, "RECORD") or _text(dist, "SOURCES.txt")
        rows.append(
            [
                (dist.metadata.get("Name") or "").lower(),
                dist.version or "",
                hashlib.sha256(record.encode("utf-8", "surrogateescape")).hexdigest(),
                _text(dist, "direct_url.json"),
            ]
        )
    rows.sort()
    text = json.dumps({"path": sys.path[1:], "dists": rows}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


if __name__ == "__main__":
    print(json.dumps({"digest": digest()}))
