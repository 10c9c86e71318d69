"""minicalc: small arithmetic helpers."""

from minicalc.core import add, mean, subtract

__version__ = "0.3.0"
__all__ = ["add", "mean", "subtract"]
