"""`ai-workflow cache stats|clear|prune`: inspect and manage the AI response cache."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ai_workflow.ai.cache import EVICTION_POLICY, ResponseCache
from ai_workflow.app import load_target_config
from ai_workflow.cli import add_target
from ai_workflow.config import AIConfig
from ai_workflow.errors import UsageError
from ai_workflow.workdir import workdir

NAME = "cache"
HELP = "show, prune or clear the AI response cache of a target"
ACTIONS = ("stats", "clear", "prune")
ACTIONS_HELP = (
    "stats: entries, size and settings; prune: drop expired entries and evict to the size "
    "limit; clear: drop every entry"
)
MB = 1024 * 1024


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", nargs="?", choices=ACTIONS, help=ACTIONS_HELP)
    parser.set_defaults(cache_parser=parser)
    add_target(parser)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def open_cache(target: Path, ai: AIConfig) -> tuple[ResponseCache, dict[str, Any]]:
    cache = ResponseCache(
        workdir(target) / "ai_cache",
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
    exists = cache.directory.is_dir()
    entries = cache.entries() if exists else []
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
    }


def run(args: argparse.Namespace) -> int:
    if args.action is None:  # the actions and the usage, rather than argparse's bare complaint
        actions = ACTIONS_HELP.replace("; ", "\n  ")
        usage = args.cache_parser.format_usage().strip()
        raise UsageError(f"cache needs an action:\n  {actions}\n{usage}")
    target, config = load_target_config(args, lenient=True)
    cache, settings = open_cache(target, config.ai)
    try:
        if args.action == "stats":
            result: dict[str, Any] = {"action": "stats", **_stats(cache, settings)}
        elif not cache.directory.is_dir():
            result = {"action": args.action, "removed": 0, **cache.stats()}
        else:
            removed = cache.clear() if args.action == "clear" else cache.prune()
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
        return (
            f"AI cache {verb}: {result['removed']} entries removed; "
            f"{result['entries']} left ({size}) in {where}"
        )
    settings = result["settings"]
    models = ", ".join(f"{m}: {n}" for m, n in sorted(result["by_model"].items())) or "-"
    return "\n".join(
        [
            f"AI cache: {where}",
            f"  entries        {result['entries']} ({models})",
            f"  size           {size} of {settings['max_mb']:g} MB "
            f"({settings['eviction_policy']} eviction)",
            f"  ttl            {settings['ttl_hours']:g} h",
            f"  tokens stored  {result['tokens_stored']} (what hits on these entries save)",
        ]
    )
