"""ai-workflow: an AI-assisted tests & docs quality workflow for any git project."""

__version__ = "0.1.0"
