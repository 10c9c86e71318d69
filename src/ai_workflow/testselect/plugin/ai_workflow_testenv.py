"""What the test interpreter has installed, as one digest (run by ai-workflow with the project's
own interpreter and test environment; standard library only, Python 3.8+).

Every directory on `sys.path` counts with its installed distributions (each `*.dist-info` or
`*.egg-info` by name, with its RECORD: the installer's list of the files it wrote, with their
hashes; SOURCES.txt or PKG-INFO for an egg; `direct_url.json` for an editable or local install),
its `.pth` and `.egg-link` files, and `sys.path` itself. A dependency manifest or lockfile can
only change the tests' results by changing what is installed (or through a test that reads
it, which the test map notes apart), so equal digests mean the environment the tests run in
did not change. Prints `{"digest": ...}`. Only directory listings and small metadata files
are read (no import of `importlib.metadata`): it runs before every selected test run.
"""

import hashlib
import json
import os
import sys

META = (".dist-info", ".egg-info")
FILES = ("RECORD", "SOURCES.txt", "PKG-INFO", "direct_url.json")


def _read(path):
    try:
        with open(path, "rb") as handle:  # raw read: installed metadata, not project files
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return ""


def _entry(directory, name):
    path = os.path.join(directory, name)
    if name.endswith(META) and os.path.isdir(path):
        return [name] + [_read(os.path.join(path, f)) for f in FILES]
    if name.endswith((".pth", ".egg-link")) or name.endswith(META):  # an egg-info file
        return [name, _read(path)]
    return None


def digest():
    rows = []
    here = os.path.dirname(os.path.abspath(__file__))  # ai-workflow's, wherever it is installed
    for directory in sys.path[1:]:
        if directory and os.path.abspath(directory) == here:
            continue
        try:
            names = sorted(os.listdir(directory or "."))
        except OSError:
            rows.append([directory, None])
            continue
        entries = [e for e in (_entry(directory, n) for n in names) if e is not None]
        rows.append([directory, entries])
    text = json.dumps(rows)
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


if __name__ == "__main__":
    print(json.dumps({"digest": digest()}))
