"""iCalendar (RFC 5545) export of a patient's appointments.

Only what a calendar needs: when, how long, and "Acupuncture session" — no clinical detail,
as the file ends up on phones and in shared calendars. Lines end in CRLF and are folded at
75 octets (RFC 5545 3.1); text values are escaped (3.3.11); times are UTC ("Z" form), so no
VTIMEZONE is needed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

PRODID = "-//acuplan//outcomes//EN"
SUMMARY = "Acupuncture session"


@dataclass(frozen=True)
class Event:
    uid: str
    starts_at: dt.datetime
    minutes: int
    location: str = ""
    cancelled: bool = False


def calendar(events: Iterable[Event], *, stamp: dt.datetime, name: str) -> str:
    """A VCALENDAR with one VEVENT per event; ``stamp`` is DTSTAMP (the export time)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for e in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{e.uid}",
            f"DTSTAMP:{utc(stamp)}",
            f"DTSTART:{utc(e.starts_at)}",
            f"DTEND:{utc(e.starts_at + dt.timedelta(minutes=e.minutes))}",
            f"SUMMARY:{SUMMARY}",
            *([f"LOCATION:{escape_text(e.location)}"] if e.location else []),
            f"STATUS:{'CANCELLED' if e.cancelled else 'CONFIRMED'}",
            "TRANSP:OPAQUE",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def utc(moment: dt.datetime) -> str:
    """An aware datetime as RFC 5545 UTC date-time (``20250106T090000Z``)."""
    if moment.tzinfo is None:
        raise ValueError("iCalendar times must be timezone-aware")
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def escape_text(value: str) -> str:
    """RFC 5545 TEXT: backslash, semicolon, comma escaped; newlines as \\n."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str, limit: int = 75) -> str:
    """Fold a content line at ``limit`` octets, never inside a UTF-8 character."""
    data = line.encode("utf-8")
    if len(data) <= limit:
        return line
    parts: list[str] = []
    start, room = 0, limit
    while start < len(data):
        end = min(start + room, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # a continuation byte
            end -= 1
        parts.append(data[start:end].decode("utf-8"))
        start, room = end, limit - 1  # continuation lines start with one space
    return "\r\n ".join(parts)
