"""Typed errors that carry a translatable code, its parameters and an English message.

The command line prints the English message and exits with `exit_code`; the pages look up
`error.<code>` in the translation catalog (components/i18n.py) and fall back to the English
message, so every failure reaches the student as a sentence, never as a traceback.
"""

from __future__ import annotations

from typing import Any


class PlaygroundError(Exception):
    """Base of every error the playground expects and explains."""

    exit_code = 2

    def __init__(self, message: str, *, code: str = "", **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.params = params


class BadInput(PlaygroundError):
    """The user's input cannot be used (a ragged tensor, a corrupt image, a NaN learning rate)."""

    exit_code = 2


class Unavailable(PlaygroundError):
    """A model or data set cannot be had now (offline, 404, host not allowed, broken files)."""

    exit_code = 3


class DownloadError(Unavailable):
    """Fetching from a model's public home failed; the message says how to provide it offline."""


class ModelFormatError(Unavailable):
    """Model files are there but malformed: bad model.json, missing or short shard, unknown op."""
