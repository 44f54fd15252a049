"""Language choice (Indonesian first) and dates shown in the event's timezone."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_interval, format_time
from flask import Flask, current_app, has_request_context, redirect, request
from flask_babel import get_locale
from werkzeug.wrappers import Response

from plm import clock

LANG_COOKIE = "plm_lang"


def select_locale() -> str:
    """The footer switch's cookie, else Indonesian: most participants read it first (and outside a request,
    e.g. `flask plm schedule-pdf`, Indonesian)."""
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LANG_COOKIE) if has_request_context() else None
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site relative paths, so the switch cannot be used as an open redirect."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def _zone(event_or_tz: object) -> ZoneInfo:
    name = event_or_tz if isinstance(event_or_tz, str) else getattr(event_or_tz, "timezone", None)
    return ZoneInfo(name or current_app.config["BABEL_DEFAULT_TIMEZONE"])


def event_datetime(value: datetime | None, event_or_tz: object, fmt: str = "medium") -> str:
    if value is None:
        return ""
    return format_datetime(value, fmt, tzinfo=_zone(event_or_tz), locale=str(get_locale()))


# Indonesia's own zone names, used in both languages (what people say and what invitations print).
INDONESIAN_ZONES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
# Typed in the event form: the zone names and the IANA names they stand for.
ZONE_ALIASES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}


def zone_abbreviation(event_or_tz: object, value: datetime | None = None, locale: str | None = None) -> str:
    """WIB / WITA / WIT for Indonesian zones, else Babel's short name or offset."""
    zone = _zone(event_or_tz)
    if zone.key in INDONESIAN_ZONES:
        return INDONESIAN_ZONES[zone.key]
    return format_datetime(value or clock.utcnow().astimezone(zone), "z", tzinfo=zone, locale=locale or str(get_locale()))


def format_moment(value: datetime, event_or_tz: object, locale: str) -> str:
    """A date and time to the minute with the zone: '19 Desember 2026 23.59 WITA',
    'December 19, 2026, 11:59 PM WITA'. No seconds: nobody registers to the second."""
    zone = _zone(event_or_tz)
    babel_locale = Locale.parse(locale)
    return "{} {}".format(
        babel_locale.datetime_formats["long"].format(
            format_time(value, "short", tzinfo=zone, locale=locale), format_date(value.astimezone(zone), "long", locale=locale)),
        zone_abbreviation(zone.key, value, locale))


def event_moment(value: datetime | None, event_or_tz: object) -> str:
    """format_moment in the current language (template filter)."""
    return format_moment(value, event_or_tz, str(get_locale())) if value is not None else ""


DEADLINE_STEP = timedelta(minutes=1)


def last_open_minute(closes_at: datetime) -> datetime:
    """Registration closes at an instant (stored, exclusive: closed from then on); people read a deadline
    as the last minute still open, '19 December 23:59' rather than '20 December 00:00'."""
    return closes_at - DEADLINE_STEP


def deadline(value: datetime | None, event_or_tz: object) -> str:
    """'19 Desember 2026 23.59 WITA' for a registration closing at 20 December 00:00 (template filter)."""
    return event_moment(last_open_minute(value), event_or_tz) if value is not None else ""


def event_time(value: datetime | None, event_or_tz: object, fmt: str = "HH:mm") -> str:
    if value is None:
        return ""
    return format_time(value, fmt, tzinfo=_zone(event_or_tz), locale=str(get_locale()))


def local_date(value: date | None, fmt: str = "long") -> str:
    if value is None:
        return ""
    return format_date(value, fmt, locale=str(get_locale()))


_FULL_MONTH = re.compile(r"(?<!M)MMM(?!M)")


def format_date_range(start: date, end: date, locale: str) -> str:
    """A span of days as the language writes it: '21–24 Desember 2026', 'December 21–24, 2026',
    '30 Desember 2026 – 2 Januari 2027'. No Flask needed (PDFs, mails, the CLI use it too).

    CLDR's interval patterns (what babel.dates.format_interval uses) for the skeleton yMMMd, with the
    month written in full; format_interval itself when a locale has no such pattern.
    """
    if start == end:
        return format_date(start, "long", locale=locale)
    if end < start:
        start, end = end, start
    field = "y" if start.year != end.year else "M" if start.month != end.month else "d"
    try:
        parts = Locale.parse(locale).interval_formats["yMMMd"][field]
    except (KeyError, TypeError):
        return format_interval(start, end, "yMMMd", locale=locale)
    full = [_FULL_MONTH.sub("MMMM", str(part)) for part in parts]
    return "".join(format_date(day, pattern, locale=locale) for day, pattern in zip((start, end), full, strict=False))


def date_range(start: date, end: date) -> str:
    """format_date_range in the current language (the template global and filter)."""
    return format_date_range(start, end, str(get_locale()))


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        event_datetime=event_datetime,
        event_time=event_time,
        local_date=local_date,
        date_range=date_range,
        event_moment=event_moment,
        deadline=deadline,
    )
    from plm.labels import label_globals

    app.jinja_env.globals.update(date_range=date_range, current_locale=lambda: str(get_locale()), **label_globals())

    @app.route("/lang/<code>")
    def set_language(code: str) -> Response:
        response = redirect(safe_next(request.args.get("next")))
        if code in app.config["LANGUAGES"]:
            response.set_cookie(LANG_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
        return response
