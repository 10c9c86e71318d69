"""The JSON Schema of the configuration, generated from the pydantic models in `config.py`.

A copy ships in the package (`config.schema.json`, next to this module) for editors: the
`# yaml-language-server: $schema=...` line that `ai-workflow init` writes points at it. A test
keeps the copy equal to what the models generate; after changing a model, regenerate it with
`ai-workflow config schema > src/ai_workflow/config.schema.json`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ai_workflow.config import Config

SCHEMA_FILE = Path(__file__).with_name("config.schema.json")
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def config_schema() -> dict[str, Any]:
    """The schema of `.workflow-config.yaml` (and of `[tool.ai-workflow]` in pyproject.toml)."""
    generated = Config.model_json_schema()
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        **generated,
        "title": "ai-workflow configuration",
        "description": (
            "The .workflow-config.yaml of a project checked by ai-workflow (also the "
            "[tool.ai-workflow] table of its pyproject.toml). Every key is optional."
        ),
    }


def schema_text() -> str:
    """The schema as the shipped file holds it."""
    return json.dumps(config_schema(), indent=2, ensure_ascii=False) + "\n"
