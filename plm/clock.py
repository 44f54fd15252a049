"""The one place PLM reads the wall clock. Everything that needs "now" or "today" asks here, so a test
freezes time once (time-machine) and every layer, models' column defaults included, sees the same moment."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """Now, timezone-aware UTC: what is stored."""
    return datetime.now(UTC)


def today(tz: str | ZoneInfo | None = None) -> date:
    """Today's date in *tz* (an IANA name or zone); the server's local date when None."""
    if tz is None:
        return datetime.now().date()
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    return utcnow().astimezone(zone).date()
