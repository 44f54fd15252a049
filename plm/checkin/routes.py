"""Door scanner page, live check-in dashboard and the door's service worker (staff pages)."""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache

from flask import Blueprint, Flask, current_app, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from plm.auth.decorators import role_required
from plm.checkin import service
from plm.events import get_event_or_404
from plm.extensions import db
from plm.navigation import add_staff_link, has_endpoint

bp = Blueprint("checkin", __name__, url_prefix="/staff")

door_staff = role_required("organizer", "facilitator")

# What the door's service worker caches; their content decides its cache version.
DOOR_ASSETS = ("js/door.js", "js/door-sw.js", "css/plm.css", "vendor/qr-scanner-1.4.2/qr-scanner.umd.min.js",
               "vendor/qr-scanner-1.4.2/qr-scanner-worker.min.js")


@lru_cache(maxsize=1)
def door_assets_version() -> str:
    """A hash of the door's assets: a new release changes it, so phones drop their cached copies."""
    digest = hashlib.sha256()
    for name in DOOR_ASSETS:
        with open(os.path.join(current_app.static_folder, name), "rb") as handle:
            digest.update(handle.read())
    return digest.hexdigest()[:12]


def badge_url_template(slug: str) -> str | None:
    """Hook for the documents feature: a single-badge PDF for a participant, if that endpoint exists."""
    if not has_endpoint("documents.single_badge"):
        return None
    return url_for("documents.single_badge", slug=slug, public_id="PUBLICID")


@bp.route("/events/<slug>/door")
@door_staff
def door(slug: str):
    event = get_event_or_404(slug)
    checkpoints = service.checkpoints_for(db.session, event)
    requested = request.args.get("checkpoint", "")
    chosen = next((c for c in checkpoints if str(c.id) == requested), None)
    config = {
        "event": event.slug,
        "timezone": event.timezone,
        "api": url_for("checkin_api.create_checkin", slug=event.slug).rsplit("/", 1)[0],
        "checkpoint": chosen.id if chosen else None,
        "checkin": (request.args.get("checkin", "") or "")[:20],
        "walkIn": url_for("participants.walk_in", slug=event.slug),
        "badge": badge_url_template(event.slug),
        "worker": url_for("checkin.door_service_worker"),
        "assets": door_assets_version(),
        "vendor": url_for("static", filename="vendor/qr-scanner-1.4.2/qr-scanner.umd.min.js"),
        "user": int(current_user.id),
        "isAdmin": current_user.role == "admin",
    }
    return render_template("checkin/door.html", event=event, checkpoints=checkpoints, chosen=chosen, door_config=config,
                           assets_version=door_assets_version())


@bp.route("/door-sw.js")
def door_service_worker():
    """The service worker script, served from /staff/ so its scope covers every door page."""
    path = os.path.join(current_app.static_folder, "js", "door-sw.js")
    with open(path, encoding="utf-8") as handle:
        script = handle.read().replace("__VERSION__", door_assets_version())
    response = current_app.response_class(script, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/staff/"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/events/<slug>/checkin")
@door_staff
def dashboard(slug: str):
    event = get_event_or_404(slug)
    data = service.stats(db.session, event)
    return render_template("checkin/dashboard.html", event=event, stats=data,
                           live_config={"stats": url_for("checkin_api.checkin_stats", slug=event.slug), "interval": 5000})


def register_links(app: Flask) -> None:
    add_staff_link(app, "checkin.door", _l("Door check-in"), roles=("organizer", "facilitator"), order=20, moment="door")
    add_staff_link(app, "checkin.dashboard", _l("Live attendance"), roles=("organizer", "facilitator"), order=21, moment="door")
