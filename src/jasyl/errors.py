"""Errors jasyl raises on purpose.

The hierarchy::

    JasylError                 base class; the CLI and the web layer catch this
    ├── InputError             bad input from the user (file, field, value) -> exit status 2
    │   └── SchemaError        a data file does not match its documented schema
    └── SolveError             the optimisation could not produce a plan (infeasible, unbounded,
                               solver failure) -> exit status 2 when the cause is the input,
                               with a plain explanation of what to relax

Anything else that escapes is an internal failure (a bug): the CLI logs the traceback to a file
and exits with status 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["JasylError", "InputError", "SchemaError", "SolveError", "shorten"]


class JasylError(Exception):
    """Base class for errors that jasyl explains to the user."""

    exit_code: int = 2


class InputError(JasylError):
    """Bad user input: names the file, the field, what was found and what is expected.

    Parameters
    ----------
    message:
        What is wrong, in one sentence.
    file:
        The file the bad value came from, if any.
    field:
        Dotted path of the offending field (``stationary.residential.coal_t``) or a column name.
    fix:
        What the user should do instead ("expected a number >= 0").
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        field: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.field = field
        self.fix = fix
        super().__init__(self.__str__())

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # keep file, field and fix when the error crosses a process boundary (a background job)
        return (_rebuild_input_error, (type(self), self.message, self.file, self.field, self.fix))

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(f"{self.file}")
        if self.field:
            parts.append(f"field '{shorten(self.field, 200)}'")
        head = ": ".join(parts)
        text = f"{head}: {self.message}" if head else self.message
        if self.fix:
            text += f" ({self.fix})"
        return text


def _rebuild_input_error(cls: type[InputError], message: str, file: str | None, field: str | None,
                         fix: str | None) -> InputError:
    return cls(message, file=file, field=field, fix=fix)


class SchemaError(InputError):
    """A data file (city profile, catalogue, weather file) does not match its schema."""


class SolveError(JasylError):
    """The optimisation could not produce a plan; the message says which constraint blocks it."""


def shorten(value: object, limit: int = 60) -> str:
    """``value`` as text for a message: control characters escaped, cut to ``limit`` characters
    with its full length stated (a message never echoes a megabyte of a broken file)."""
    text = str(value)
    shown = text[:limit].encode("unicode_escape").decode("ascii") if not text[:limit].isprintable() else text[:limit]
    return shown if len(text) <= limit else f"{shown}... ({len(text):,} characters)"
