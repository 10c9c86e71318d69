"""`ai-workflow cache stats|clear|prune`: inspect and manage the AI response cache.

They work on a damaged cache too: it is moved aside with a warning and a fresh one is used
(see `ai.cache`); `clear` also removes the damaged copies moved aside earlier.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from ai_workflow.ai.cache import EVICTION_POLICY, ResponseCache
from ai_workflow.app import resolve_target
from ai_workflow.cli import add_target
from ai_workflow.config import load_config
from ai_workflow.engine.artifacts import WORKDIR_NAME

NAME = "cache"
HELP = "show, prune or clear the AI response cache of a target"
ACTIONS = ("stats", "clear", "prune")
MB = 1024 * 1024


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action",
        choices=ACTIONS,
        help="stats: entries, size and settings; prune: drop expired entries and evict to the "
        "size limit; clear: drop every entry",
    )
    add_target(parser)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def open_cache(target: Path, config_file: Path | None) -> tuple[ResponseCache, dict[str, Any]]:
    ai = load_config(target, config_file=config_file).ai
    cache = ResponseCache(
        target / WORKDIR_NAME / "ai_cache",
        ttl_s=ai.cache_ttl_hours * 3600,
        max_bytes=int(ai.cache_max_mb * MB),
    )
    settings = {
        "ttl_hours": ai.cache_ttl_hours,
        "max_mb": ai.cache_max_mb,
        "eviction_policy": EVICTION_POLICY,
    }
    return cache, settings


def _stats(cache: ResponseCache, settings: dict[str, Any]) -> dict[str, Any]:
    stats = cache.stats()
    entries = cache.entries() if cache.directory.is_dir() else []
    saved = sum(e["usage"]["tokens_in"] + e["usage"]["tokens_out"] for e in entries)
    by_model: dict[str, int] = {}
    for entry in entries:
        model = str(entry.get("model") or "default")
        by_model[model] = by_model.get(model, 0) + 1
    return {
        **stats,
        "settings": settings,
        "tokens_stored": saved,
        "by_model": by_model,
        "oldest": min((e["created"] for e in entries), default=None),
        "newest": max((e["created"] for e in entries), default=None),
        "damaged_copies": [p.name for p in cache.damaged_copies()],
    }


def run(args: argparse.Namespace) -> int:
    target = resolve_target(args.target)
    config_file = Path(args.config).expanduser() if getattr(args, "config", None) else None
    cache, settings = open_cache(target, config_file)
    try:
        if args.action == "stats":
            result: dict[str, Any] = {"action": "stats", **_stats(cache, settings)}
        elif args.action == "clear":
            removed = cache.clear() if os.path.lexists(cache.directory) else 0
            damaged = cache.remove_damaged_copies()
            result = {"action": "clear", "removed": removed, **cache.stats()}
            result["damaged_copies_removed"] = damaged
        else:
            removed = cache.prune() if os.path.lexists(cache.directory) else 0
            result = {"action": args.action, "removed": removed, **cache.stats()}
    finally:
        cache.close()
    print(json.dumps(result, indent=2) if args.json else _human(result))
    return 0


def _human(result: dict[str, Any]) -> str:
    size = f"{result['size_bytes'] / MB:.2f} MB"
    where = result["directory"]
    if result["action"] != "stats":
        verb = "cleared" if result["action"] == "clear" else "pruned"
        damaged = result.get("damaged_copies_removed")
        also = f" and {damaged} damaged copies" if damaged else ""
        return (
            f"AI cache {verb}: {result['removed']} entries{also} removed; "
            f"{result['entries']} left ({size}) in {where}"
        )
    settings = result["settings"]
    models = ", ".join(f"{m}: {n}" for m, n in sorted(result["by_model"].items())) or "-"
    lines = [
        f"AI cache: {where}",
        f"  entries        {result['entries']} ({models})",
        f"  size           {size} of {settings['max_mb']:g} MB "
        f"({settings['eviction_policy']} eviction)",
        f"  ttl            {settings['ttl_hours']:g} h",
        f"  tokens stored  {result['tokens_stored']} (what hits on these entries save)",
    ]
    if result["damaged_copies"]:
        copies = ", ".join(result["damaged_copies"])
        lines.append(f"  damaged copies {copies} ('cache clear' removes them)")
    return "\n".join(lines)
