"""Errors that reach a user: each says what is wrong, where, and what to do, in Chinese."""

from __future__ import annotations


class GongkaiError(Exception):
    """Base class for errors with a message for people."""

    def __init__(self, message: str, *, hint: str = "", path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.path = path

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class InputError(GongkaiError):
    """An input file (roster, workbook) that cannot be used as it is."""


class OutputError(GongkaiError):
    """An output that cannot be written (exists, no permission, no space)."""
