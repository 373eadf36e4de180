"""Time comes from here so tests and `python -m bot remind --now` can set it; nothing else calls datetime.now."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone


class Clock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class FixedClock(Clock):
    """A clock that stays where it is put (tests, and operators replaying a sweep)."""

    def __init__(self, at: datetime):
        self.set(at)

    def set(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._at = at.astimezone(timezone.utc)

    def advance(self, **delta) -> None:
        self._at += timedelta(**delta)

    def now(self) -> datetime:
        return self._at
