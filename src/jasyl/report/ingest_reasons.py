"""Why a measurement row was refused, in the reader's language.

The readers of ``jasyl monitor ingest`` (:mod:`jasyl.monitoring.ingest`) word their rejections in English
(the CLI's language for data errors). The web's inspector pages show the same rejections in kk/ru/en:
:func:`reason_text` recognises each message the readers write (one pattern per message, the values
it names kept as they are) and words it from the ``ingestmsg.*`` catalogues. A message it does not know
is shown as written, so nothing is ever hidden.
"""

from __future__ import annotations

import re

from jasyl.i18n import translate

__all__ = ["reason_text", "rejected_summary", "PATTERNS"]

#: (catalogue key, pattern of the English message); named groups fill the placeholders
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((key, re.compile(rx, re.S)) for key, rx in (
    ("no_site", r"no site code"),
    ("demo_reserved", r"site codes starting with 'demo:' are reserved for the demonstration data"),
    ("latitude", r"latitude '(?P<value>.*)' is not a number in -90\.\.90"),
    ("longitude", r"longitude '(?P<value>.*)' is not a number in -180\.\.180"),
    ("parameter", r"unknown parameter '(?P<value>.*)'"),
    ("value", r"value '(?P<value>.*)' is not a number"),
    ("negative", r"negative value (?P<value>.*) \(sensor error code\?\)"),
    ("no_offset", r"time '(?P<value>.*)' has no UTC offset \(write it as .*\)"),
    ("time", r"time '(?P<value>.*)' is not an ISO 8601 date-time"),
    ("future", r"time (?P<value>.*) is in the future"),
    ("no_unit", r"no unit given \(parameter (?P<parameter>[^)]*)\)"),
    ("unit_element", r"unit '(?P<unit>.*)': '(?P<parameter>.*)' cannot be expressed as (?P<element>.*) "
                     r"\(parameter [^)]*\)"),
    ("unit_ph", r"unit '(?P<unit>.*)' is not a pH unit \(parameter [^)]*\)"),
    ("unit_unknown", r"unknown unit '(?P<unit>.*)' \(parameter (?P<parameter>[^)]*)\)"),
    ("unit_gas", r"unit '(?P<unit>.*)' is a mixing ratio, but (?P<name>.*) is not a gas \(parameter [^)]*\)"),
    ("unit_convert", r"unit '(?P<unit>.*)' cannot be converted to (?P<target>.*) for (?P<name>.*) "
                     r"\(parameter [^)]*\)"),
    ("conflict", r"same site, parameter and time as (?P<where>line|record) (?P<first>\d+) but a different value"),
    ("stored", r"already stored with value (?P<stored>\S+) (?P<parameter>\S+) \(kept\); this file has (?P<value>\S+)"),
    ("fields", r"wrong number of fields \((?P<detail>.*)\)"),
    ("record", r"malformed record: (?P<detail>.*)"),
    ("no_value", r"no measured value in (?P<columns>.*)"),
    ("site_kind", r"site_kind '(?P<value>.*)' is not one of (?P<allowed>.*)"),
    ("averaging", r"averaging '(?P<value>.*)' is not sample, 1h, 24h or a number of seconds"),
))
_SUMMARY = re.compile(r"(?P<n>\d+) of (?P<total>\d+) rows rejected, nothing was committed:?.*", re.S)


def _one(part: str, lang: str) -> str:
    for key, pattern in PATTERNS:
        found = pattern.fullmatch(part.strip())
        if found:
            values = found.groupdict()
            if "where" in values:
                values["where"] = translate(f"ingestmsg.where.{values['where']}", lang)
            return translate(f"ingestmsg.{key}", lang, **values)
    return part


def reason_text(reason: str, lang: str) -> str:
    """A rejection reason of the ingest readers in ``lang`` (several reasons of one row are joined by "; ")."""
    if lang == "en":
        return reason
    whole = _one(reason, lang)  # a message that itself holds "; " (e.g. "already stored ... (kept); ...")
    if whole != reason:
        return whole
    return "; ".join(_one(part, lang) for part in reason.split("; "))


def rejected_summary(message: str, lang: str) -> str:
    """The head line of a refused file ("3 of 10 rows rejected, nothing was committed") in ``lang``."""
    found = _SUMMARY.fullmatch(message.strip())
    if not found:
        return message
    return translate("ingestmsg.summary", lang, n=found.group("n"), total=found.group("total"))
