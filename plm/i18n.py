"""Language choice (Indonesian first) and dates shown in the event's timezone."""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time
from flask import Flask, current_app, redirect, request
from flask_babel import get_locale
from werkzeug.wrappers import Response

LANG_COOKIE = "plm_lang"


def select_locale() -> str:
    """The footer switch's cookie, else Indonesian: most participants read it first."""
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def safe_next(target: Optional[str], default: str = "/") -> str:
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


def event_datetime(value: Optional[datetime], event_or_tz: object, fmt: str = "medium") -> str:
    if value is None:
        return ""
    return format_datetime(value, fmt, tzinfo=_zone(event_or_tz), locale=str(get_locale()))


def event_time(value: Optional[datetime], event_or_tz: object, fmt: str = "HH:mm") -> str:
    if value is None:
        return ""
    return format_time(value, fmt, tzinfo=_zone(event_or_tz), locale=str(get_locale()))


def local_date(value: Optional[date], fmt: str = "long") -> str:
    if value is None:
        return ""
    return format_date(value, fmt, locale=str(get_locale()))


def date_range(start: date, end: date) -> str:
    """'18–21 Mei 2015' style ranges in the current language."""
    locale = str(get_locale())
    if start == end:
        return format_date(start, "long", locale=locale)
    if (start.year, start.month) == (end.year, end.month):
        return f"{format_date(start, 'd', locale=locale)}–{format_date(end, 'long', locale=locale)}"
    return f"{format_date(start, 'd MMMM', locale=locale)} – {format_date(end, 'long', locale=locale)}"


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        event_datetime=event_datetime,
        event_time=event_time,
        local_date=local_date,
    )
    from plm.labels import label_globals

    app.jinja_env.globals.update(date_range=date_range, current_locale=lambda: str(get_locale()), **label_globals())

    @app.route("/lang/<code>")
    def set_language(code: str) -> Response:
        response = redirect(safe_next(request.args.get("next")))
        if code in app.config["LANGUAGES"]:
            response.set_cookie(LANG_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
        return response
