"""frontier: analysis workspace for LLM inference economics."""

__version__ = "0.1.0"
