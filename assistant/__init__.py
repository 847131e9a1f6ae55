"""Answers questions about LLM papers from the score database: `Assistant(db_path, settings).ask(q, history)`."""
from .answer import Answer, Source
from .core import Assistant

__all__ = ["Answer", "Assistant", "Source"]
