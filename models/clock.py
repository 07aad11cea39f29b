"""One source of "now" and "today", so that time-dependent rules can be tested."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

# The register and its users are in the Netherlands: "today" is a Dutch day.
LOCAL_ZONE = ZoneInfo("Europe/Amsterdam")


class Clock:
    """The real clock. `now()` is naive UTC (how timestamps are stored)."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC).replace(tzinfo=None)

    def today(self) -> dt.date:
        return to_local(self.now()).date()


class FixedClock(Clock):
    """A clock that stands still until told to move; for tests and demos."""

    def __init__(self, now: dt.datetime) -> None:
        self._now = now

    def now(self) -> dt.datetime:
        return self._now

    def set(self, now: dt.datetime) -> None:
        self._now = now

    def advance(self, delta: dt.timedelta) -> None:
        self._now += delta


def to_local(moment: dt.datetime) -> dt.datetime:
    """A stored (naive UTC) timestamp as Dutch local time."""
    return moment.replace(tzinfo=dt.UTC).astimezone(LOCAL_ZONE)


def format_date(day: dt.date | None) -> str:
    """Dutch style, as the seed shows it: 27-11-2022."""
    return "" if day is None else f"{day.day:02d}-{day.month:02d}-{day.year}"
