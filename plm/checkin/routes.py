"""Door scanner page, live check-in dashboard and the door's service worker (staff pages)."""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, jsonify, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from plm.auth.decorators import role_required
from plm.checkin import service
from plm.checkin.charts import live_charts
from plm.events import get_event_or_404
from plm.extensions import db
from plm.models import utcnow
from plm.navigation import has_endpoint
from plm.vocabulary import CheckpointKind, Role

bp = Blueprint("checkin", __name__, url_prefix="/staff")

door_staff = role_required(Role.ORGANIZER, Role.FACILITATOR)

# The door's ES modules (static/js/door/, no build step; main.js imports the others) and the signature pad
# (with the stroke capture it imports).
DOOR_MODULES = ("js/door/main.js", "js/door/judge.js", "js/door/queue.js", "js/door/camera.js", "js/door/ui.js",
                "js/signature-pad.js", "js/signature-capture.js")
# What the door's service worker caches; their content decides its cache version.
DOOR_ASSETS = DOOR_MODULES + ("js/door-sw.js", "css/plm.css", "vendor/qr-scanner-1.4.2/qr-scanner.umd.min.js",
               "vendor/qr-scanner-1.4.2/qr-scanner-worker.min.js", "img/door-icon-192.png", "img/door-icon-512.png")


@lru_cache(maxsize=1)
def door_assets_version() -> str:
    """A hash of the door's assets: a new release changes it, so phones drop their cached copies."""
    digest = hashlib.sha256()
    for name in DOOR_ASSETS:
        with open(os.path.join(current_app.static_folder, name), "rb") as handle:
            digest.update(handle.read())
    return digest.hexdigest()[:12]


def badge_url_template(slug: str) -> str | None:
    """Hook for the documents feature: where the door's "Print badge" button posts (it records the printing
    and sends the tap on to the participant's single-badge PDF), if that endpoint exists."""
    if not has_endpoint("documents.print_badge"):
        return None
    return url_for("documents.print_badge", slug=slug, public_id="PUBLICID")


def checkpoint_day(checkpoint, tz: ZoneInfo) -> str | None:
    """The event-local day a checkpoint belongs to (a day's entrance, or the day a session starts)."""
    if checkpoint.kind == CheckpointKind.DAY and checkpoint.day:
        return checkpoint.day.isoformat()
    if checkpoint.session is not None and checkpoint.session.starts_at is not None:
        return checkpoint.session.starts_at.astimezone(tz).date().isoformat()
    return None


@bp.route("/events/<slug>/door")
@door_staff
def door(slug: str):
    event = get_event_or_404(slug)
    checkpoints = service.checkpoints_for_user(db.session, event, current_user)
    requested = request.args.get("checkpoint", "")
    chosen = next((c for c in checkpoints if str(c.id) == requested), None)
    tz = ZoneInfo(event.timezone)
    days = {c.id: checkpoint_day(c, tz) for c in checkpoints}
    day_list = sorted(d for c, d in ((c, days[c.id]) for c in checkpoints) if c.kind == CheckpointKind.DAY and d)
    status_url = (url_for("participants.change_status", slug=event.slug, public_id="PUBLICID")
                  if has_endpoint("participants.change_status") and current_user.role in (Role.ADMIN, Role.ORGANIZER) else None)
    config = {
        "event": event.slug,
        "timezone": event.timezone,
        # "Today" at the door comes from the server's clock in the event's timezone, not only the phone's.
        "now": service.iso(utcnow()),
        "firstDay": day_list[0] if day_list else None,
        "lastDay": day_list[-1] if day_list else None,
        "api": url_for("checkin_api.create_checkin", slug=event.slug).rsplit("/", 1)[0],
        "checkpoint": chosen.id if chosen else None,
        "checkin": (request.args.get("checkin", "") or "")[:20],
        "walkIn": url_for("participants.walk_in", slug=event.slug),
        "badge": badge_url_template(event.slug),
        "reinstate": status_url,
        "worker": url_for("checkin.door_service_worker"),
        "assets": door_assets_version(),
        "vendor": url_for("static", filename="vendor/qr-scanner-1.4.2/qr-scanner.umd.min.js"),
        "user": int(current_user.id),
        "isAdmin": current_user.role == Role.ADMIN,
        # The wrong-day rule's margin, so offline judging matches the server's (None: the rule is off).
        "dayMarginHours": current_app.config.get("CHECKIN_DAY_MARGIN_HOURS"),
    }
    return render_template("checkin/door.html", event=event, checkpoints=checkpoints, chosen=chosen, door_config=config,
                           checkpoint_days=days, assets_version=door_assets_version())


@bp.route("/events/<slug>/door.webmanifest")
def door_manifest(slug: str):
    """Web app manifest: the door page installs to a phone's home screen and opens full screen.

    Public (browsers fetch manifests without cookies); it names the event and nothing else. The page
    itself restores the last checkpoint and door name from the phone's storage.
    """
    event = get_event_or_404(slug)
    start = url_for("checkin.door", slug=event.slug)
    manifest = {
        "name": f"{_l('Door check-in')} · {event.name}"[:100],
        "short_name": str(_l("PLM door"))[:12],
        "id": start,
        "start_url": start,
        "scope": "/staff/",
        "display": "fullscreen",
        "display_override": ["fullscreen", "standalone"],
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#1f6f4a",
        "icons": [
            {"src": url_for("static", filename="img/door-icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": url_for("static", filename="img/door-icon-512.png"), "sizes": "512x512", "type": "image/png",
             "purpose": "any maskable"},
        ],
    }
    response = jsonify(manifest)
    response.mimetype = "application/manifest+json"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/door-sw.js")
def door_service_worker():
    """The service worker script, served from /staff/ so its scope covers every door page."""
    path = os.path.join(current_app.static_folder, "js", "door-sw.js")
    with open(path, encoding="utf-8") as handle:
        script = handle.read().replace("__VERSION__", door_assets_version()).replace(
            "__MODULES__", json.dumps([url_for("static", filename=name) for name in DOOR_MODULES[1:]]))
    response = current_app.response_class(script, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/staff/"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/events/<slug>/checkin")
@door_staff
def dashboard(slug: str):
    event = get_event_or_404(slug)
    data = service.stats_for_user(db.session, event, current_user)
    charts = live_charts(data)
    if request.args.get("part") == "charts":  # the page refreshes its charts with this
        return render_template("checkin/_charts.html", charts=charts)
    return render_template("checkin/dashboard.html", event=event, stats=data, charts=charts,
                           live_config={"stats": url_for("checkin_api.checkin_stats", slug=event.slug), "interval": 5000,
                                        "charts": url_for("checkin.dashboard", slug=event.slug, part="charts"),
                                        "chartsInterval": 30000})

