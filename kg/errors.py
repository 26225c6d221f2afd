"""Typed, located errors. The CLI turns each into one line on stderr and an exit code.

Every message says what is wrong, where (file:line and an excerpt where there is one)
and what to do about it. Nothing below the CLI calls sys.exit.
"""

from __future__ import annotations


class KgError(Exception):
    """Base of every error kg reports to a user. `exit_code` is what the CLI returns."""

    exit_code = 2

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 hint: str | None = None):
        self.message = message
        self.path = path
        self.line = line
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        text = f"{where}{self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class InputError(KgError):
    """A glossary, manifest or decisions file that cannot be used as given."""


class UsageError(KgError):
    """A command line that asks for something that does not exist or does not fit."""


class QueryError(KgError):
    """A SPARQL query that does not parse or cannot run."""


class ValidationFailed(KgError):
    """An export that breaks the SKOS profile or our shapes."""

    exit_code = 1
