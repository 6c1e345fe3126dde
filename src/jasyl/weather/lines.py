"""Checks of the text weather formats line by line, before a library parses them.

pvlib parses EPW, TMY3 and PVGIS files with fixed layouts and fails on a damaged one with an exception
that says nothing about where. The readers first check the layout here, so that a broken file gives
an :class:`~jasyl.errors.InputError` naming the line and the field; pvlib then parses a file that fits.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from pathlib import Path

from jasyl.errors import InputError, shorten

__all__ = ["read_text", "number", "check_fields", "check_numbers", "check_pattern", "MAX_LINE_CHARS"]

#: no line of a weather file is this long; a longer one is damage (and would flood a message)
MAX_LINE_CHARS = 10_000
_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"), (b"\xff\xfe", "UTF-16"),
         (b"\xfe\xff", "UTF-16"))


def read_text(file: Path, *, fix: str, line_limit: bool = True) -> str:
    """The file as text (UTF-8, a UTF-8 BOM allowed; header lines in Latin-1 tolerated).

    Empty files, UTF-16/32 files, binary files and (with ``line_limit``) overlong lines are :class:`InputError` s.
    """
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", file=file, fix=fix) from None
    if not data.strip(b"\xef\xbb\xbf \t\r\n"):
        raise InputError("the file is empty", file=file, fix=fix)
    for bom, name in _BOMS:
        if data.startswith(bom):
            raise InputError(f"the file is {name} text, not UTF-8", file=file, field="encoding",
                             fix="save it as UTF-8 (or ASCII) text")
    if b"\x00" in data:
        pos = data.index(b"\x00")
        line_no = data.count(b"\n", 0, pos) + 1
        raise InputError(f"line {line_no} holds a NUL byte: this is a binary file or a damaged one", file=file,
                         fix=fix)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")  # old files write city names in Latin-1; numbers are ASCII anyway
    for n, line in enumerate(text.splitlines() if line_limit else [], start=1):
        if len(line) > MAX_LINE_CHARS:
            raise InputError(f"line {n} is {len(line):,} characters long: the file is damaged", file=file, fix=fix)
    return text


_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def number(text: str) -> float | None:
    """The number in ``text``, written with ASCII digits and a dot (as pandas and pvlib read them), finite;
    otherwise None (Python's float() would also take "1_000", "١٢" or "nan")."""
    t = text.strip()
    if not _NUMBER.fullmatch(t):
        return None
    x = float(t)
    return x if math.isfinite(x) else None


def check_fields(lines: Sequence[str], first_line: int, count: int, file: Path, what: str, *,
                 at_least: bool = False) -> list[list[str]]:
    """Split comma-separated ``lines`` (numbered from ``first_line``); each must have ``count`` fields."""
    rows = []
    for n, line in enumerate(lines, start=first_line):
        fields = line.split(",")
        if len(fields) != count and not (at_least and len(fields) > count):
            raise InputError(f"line {n} has {len(fields)} field(s); {what} rows have {count}", file=file,
                             fix=f"repair or remove line {n}: {shorten(line, 80)}")
        rows.append(fields)
    return rows


def check_numbers(rows: Sequence[Sequence[str]], first_line: int, columns: dict[int, str], file: Path,
                  *, empty_ok: bool = False) -> None:
    """Every field at the indices of ``columns`` (index -> field name) is a finite number."""
    for n, fields in enumerate(rows, start=first_line):
        for i, name in columns.items():
            text = fields[i].strip()
            if empty_ok and not text:
                continue
            if number(text) is None:
                raise InputError(f"line {n}: '{shorten(text)}' is not a number", file=file, field=name,
                                 fix="write numbers with a dot as the decimal separator (missing values as the "
                                     "format's missing-value code)")


def check_pattern(rows: Sequence[Sequence[str]], first_line: int, index: int, pattern: re.Pattern[str],
                  file: Path, field: str, expected: str) -> None:
    for n, fields in enumerate(rows, start=first_line):
        if not pattern.fullmatch(fields[index].strip()):
            raise InputError(f"line {n}: '{shorten(fields[index])}' is not {expected}", file=file, field=field,
                             fix=f"write {expected}")
