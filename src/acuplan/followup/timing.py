"""Clinic-local time arithmetic for sends: wall-clock moments in the clinic's zone (so a
visit at 17:30 stays 17:30 across a daylight-saving change), months after a day, and the
clinic's quiet hours (no email to a patient inside them)."""

from __future__ import annotations

import calendar
import datetime as dt
import zoneinfo

from acuplan.accounts.models import Clinic

SEND_TIME = dt.time(10, 0)
"""Questionnaires dated by day (discharge + months) go out at 10:00 clinic time."""


def at_local(day: dt.date, time: dt.time, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """``day`` at ``time`` on the clinic's wall clock. A time skipped by a spring-forward
    change is moved on by the gap (02:30 -> 03:30); a repeated one is its first occurrence."""
    moment = dt.datetime.combine(day, time, tzinfo=zone)
    back = moment.astimezone(dt.UTC).astimezone(zone)
    if back.replace(tzinfo=None) != moment.replace(tzinfo=None):  # nonexistent wall time
        return back
    return moment


def wall_minus(moment: dt.datetime, hours: int, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """``hours`` earlier on the clinic's wall clock: a reminder for a Monday 09:00 visit
    goes on Sunday at 09:00 local even when the clocks changed overnight."""
    local = moment.astimezone(zone).replace(tzinfo=None) - dt.timedelta(hours=hours)
    return at_local(local.date(), local.time(), zone)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def out_of_quiet_hours(clinic: Clinic, moment: dt.datetime, *, earlier: bool) -> dt.datetime:
    """``moment`` if it is outside quiet hours; else the last quarter hour before they begin
    (``earlier``: a reminder must not arrive later) or the moment they end."""
    if not clinic.in_quiet_hours(moment):
        return moment
    zone = clinic.zone
    local = moment.astimezone(zone)
    start, end = clinic.quiet_hours_start, clinic.quiet_hours_end
    if earlier:
        day = local.date() if local.time() >= start else local.date() - dt.timedelta(days=1)
        return at_local(day, start, zone) - dt.timedelta(minutes=15)
    day = local.date() if local.time() < end else local.date() + dt.timedelta(days=1)
    return at_local(day, end, zone)


def describe_local(moment: dt.datetime, clinic: Clinic) -> str:
    """'Tuesday 9 March 2027 at 17:30' in the clinic's zone (for emails and pages)."""
    local = moment.astimezone(clinic.zone)
    return f"{local:%A} {local.day} {local:%B %Y} at {local:%H:%M}"
