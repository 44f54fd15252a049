"""Links each feature adds to the staff dashboard and the public event page.

Feature packages call `add_staff_link` / `add_public_link` when their blueprint is
registered, so the base templates do not need to know every feature.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app, url_for
from flask_login import current_user


@dataclass(frozen=True)
class Link:
    endpoint: str
    label: Callable[[], str] | str
    roles: tuple[str, ...] = ()  # empty: every staff role
    order: int = 50
    moment: str = "before"  # on the staff dashboard: "before" the event, at the "door", "after" it


MOMENTS = ("before", "door", "after")


def add_staff_link(app: Flask, endpoint: str, label, roles: tuple[str, ...] = (), order: int = 50,
                   moment: str = "before") -> None:
    assert moment in MOMENTS, moment
    app.extensions.setdefault("plm_staff_links", []).append(Link(endpoint, label, roles, order, moment))


def add_public_link(app: Flask, endpoint: str, label, order: int = 50) -> None:
    app.extensions.setdefault("plm_public_links", []).append(Link(endpoint, label, (), order))


def add_manage_link(app: Flask, endpoint: str, label, order: int = 50) -> None:
    """A link on the participant's manage page; the endpoint takes `slug` and `token`."""
    app.extensions.setdefault("plm_manage_links", []).append(Link(endpoint, label, (), order))


def _resolve(links: list[Link], event, **values) -> list[dict]:
    result = []
    for link in sorted(links, key=lambda item: item.order):
        result.append({"url": url_for(link.endpoint, slug=event.slug, **values), "label": str(link.label)})
    return result


def manage_links(event, token: str) -> list[dict]:
    return _resolve(current_app.extensions.get("plm_manage_links", []), event, token=token)


def staff_event_links(event, moment: str | None = None) -> list[dict]:
    """The staff links of *event* the current user may open; only those of one *moment* when given."""
    links = current_app.extensions.get("plm_staff_links", [])
    allowed = [link for link in links if (not link.roles or current_user.has_role(*link.roles))
               and (moment is None or link.moment == moment)]
    return _resolve(allowed, event)


def public_event_links(event) -> list[dict]:
    return _resolve(current_app.extensions.get("plm_public_links", []), event)


def has_endpoint(name: str) -> bool:
    return name in current_app.view_functions


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        staff_event_links=staff_event_links, public_event_links=public_event_links, manage_links=manage_links,
        has_endpoint=has_endpoint,
    )
