"""iCalendar (RFC 5545) export of a patient's appointments.

Only what a calendar needs: when, how long, and "Acupuncture session" — no clinical detail,
as the file ends up on phones and in shared calendars. Lines end in CRLF and are folded at
75 octets (RFC 5545 3.1); text values are escaped (3.3.11). Times are local to the clinic:
``DTSTART;TZID=<zone>`` with a VTIMEZONE that lists every offset change of the zone in the
years the events span (explicit transitions, no RRULE: correct for any zone's history), so a
17:30 visit in New York is 17:30 in the patient's calendar, on either side of a DST change.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Iterator
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


def calendar(
    events: Iterable[Event],
    *,
    stamp: dt.datetime,
    name: str,
    zone: zoneinfo.ZoneInfo | None = None,
) -> str:
    """A VCALENDAR with one VEVENT per event; ``stamp`` is DTSTAMP (the export time).
    ``zone`` None (or UTC) writes UTC instants; otherwise local times with TZID."""
    events = list(events)
    tz = zone if zone is not None and zone.key != "UTC" else None
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    if tz is not None and events:
        years = range(
            min(e.starts_at.year for e in events) - 1, max(e.starts_at.year for e in events) + 2
        )
        lines += vtimezone(tz, years)
    for e in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{e.uid}",
            f"DTSTAMP:{utc(stamp)}",
            _moment("DTSTART", e.starts_at, tz),
            _moment("DTEND", e.starts_at + dt.timedelta(minutes=e.minutes), tz),
            f"SUMMARY:{SUMMARY}",
            *([f"LOCATION:{escape_text(e.location)}"] if e.location else []),
            f"STATUS:{'CANCELLED' if e.cancelled else 'CONFIRMED'}",
            "TRANSP:OPAQUE",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def _moment(prop: str, moment: dt.datetime, tz: zoneinfo.ZoneInfo | None) -> str:
    if tz is None:
        return f"{prop}:{utc(moment)}"
    return f"{prop};TZID={tz.key}:{local(moment, tz)}"


def local(moment: dt.datetime, tz: zoneinfo.ZoneInfo) -> str:
    """An aware datetime as RFC 5545 local date-time in ``tz`` (``20250106T090000``)."""
    if moment.tzinfo is None:
        raise ValueError("iCalendar times must be timezone-aware")
    return moment.astimezone(tz).strftime("%Y%m%dT%H%M%S")


def vtimezone(tz: zoneinfo.ZoneInfo, years: range) -> list[str]:
    """A VTIMEZONE for ``tz`` with one STANDARD or DAYLIGHT block per offset change in
    ``years`` (and one for the offset in force at the start, for a zone with none)."""
    lines = ["BEGIN:VTIMEZONE", f"TZID:{tz.key}"]
    start = dt.datetime(years.start, 1, 1, tzinfo=dt.UTC)
    changes = list(transitions(tz, start, dt.datetime(years.stop, 1, 1, tzinfo=dt.UTC)))
    if not changes:
        off = start.astimezone(tz).utcoffset() or dt.timedelta(0)
        changes = [(start, off, off, bool(start.astimezone(tz).dst()))]
    for at, before, after, daylight in changes:
        kind = "DAYLIGHT" if daylight else "STANDARD"
        lines += [
            f"BEGIN:{kind}",
            f"DTSTART:{(at + before).strftime('%Y%m%dT%H%M%S')}",
            f"TZOFFSETFROM:{_offset(before)}",
            f"TZOFFSETTO:{_offset(after)}",
            f"TZNAME:{at.astimezone(tz).tzname()}",
            f"END:{kind}",
        ]
    lines.append("END:VTIMEZONE")
    return lines


def transitions(
    tz: zoneinfo.ZoneInfo, start: dt.datetime, end: dt.datetime
) -> Iterator[tuple[dt.datetime, dt.timedelta, dt.timedelta, bool]]:
    """(UTC instant, offset before, offset after, is daylight time) for each change of
    ``tz``'s UTC offset between ``start`` and ``end``, found to the minute."""
    step = dt.timedelta(hours=12)
    t = start
    before = t.astimezone(tz).utcoffset()
    while t < end:
        nxt = t + step
        after = nxt.astimezone(tz).utcoffset()
        if after != before:
            low, high = t, nxt
            while high - low > dt.timedelta(minutes=1):
                mid = low + (high - low) / 2
                if mid.astimezone(tz).utcoffset() == before:
                    low = mid
                else:
                    high = mid
            at = high.replace(second=0, microsecond=0)
            yield (
                at,
                before or dt.timedelta(0),
                after or dt.timedelta(0),
                bool(at.astimezone(tz).dst()),
            )
            before = after
        t = nxt


def _offset(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}{mins:02d}"


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
