"""Errors a person can hit, each carrying a sentence they can act on."""


class EngineError(Exception):
    """Base of every error the engine raises on purpose."""


class UnreadableReference(EngineError):
    """The reference file could not be decoded as audio."""


class ReferenceTooShort(EngineError):
    """The reference is too short to take a tempo, key and groove from."""


class ReferenceTooLong(EngineError):
    """The reference is longer than the engine accepts."""


class UnusableLyrics(EngineError):
    """The lyrics are too long or contain nothing that can be sung."""


class RenderCancelled(EngineError):
    """The render was asked to stop (render's should_stop) before it finished."""
