"""Offline song generator: a reference recording and lyrics in, a sung, mixed song out."""

from .analysis import Analysis, analyze
from .errors import (
    EngineError,
    ReferenceTooLong,
    ReferenceTooShort,
    RenderCancelled,
    UnreadableReference,
    UnusableLyrics,
)
from .render import RenderResult, render

__all__ = [
    "Analysis",
    "EngineError",
    "ReferenceTooLong",
    "ReferenceTooShort",
    "RenderCancelled",
    "RenderResult",
    "UnreadableReference",
    "UnusableLyrics",
    "analyze",
    "render",
]
