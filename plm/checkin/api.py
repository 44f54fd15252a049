"""Check-in JSON API under /api/v1/events/<slug>/ (staff session cookie or Bearer token)."""

from __future__ import annotations

import gzip
import json

from flask import Blueprint, Response, current_app, jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from plm.auth.decorators import role_required
from plm.checkin import service
from plm.errors import error_response
from plm.events import get_event_or_404
from plm.extensions import db
from plm.models import Checkpoint
from plm.transactions import fail
from plm.vocabulary import Role

bp = Blueprint("checkin_api", __name__, url_prefix="/api/v1/events/<slug>")

door_staff = role_required(Role.ORGANIZER, Role.FACILITATOR)
MAX_BODY = 10_000  # bytes: a scan is a few hundred


# Refusals that a person at the door reads (the others are for the door's code and its developers).
_ERROR_MESSAGES = {
    "forbidden_checkpoint": _l("Facilitators can only use the check-in of their own sessions."),
    "allowance_paid": _l("This day's allowance was already paid: an admin can undo it with a reason."),
    "override_admin_only": _l("Only an admin can undo a day whose allowance was paid."),
}


def _error(exc: service.CheckinError):
    body = {"error": exc.code, "message": str(_ERROR_MESSAGES.get(exc.code, exc))}
    if exc.field:
        body["field"] = exc.field
    return jsonify(body), exc.status


_MESSAGES = {
    "ok": _l("Welcome"), "already": _l("Already checked in"), "unknown": _l("Unknown ticket"),
    "invalid": _l("Invalid ticket"), "cancelled": _l("Registration cancelled"),
    "wrong_event": _l("Ticket for another event"), "not_signed_up": _l("Not signed up for this session"),
    "wrong_day": _l("This checkpoint is for another day"),
}


def _read_body() -> bytes | None:
    """At most MAX_BODY bytes of the body, or None when it is longer (declared or sent chunked)."""
    if request.content_length is not None and request.content_length > MAX_BODY:
        return None
    raw = request.stream.read(MAX_BODY + 1)  # a chunked body has no Content-Length: never read past the limit
    return None if len(raw) > MAX_BODY else raw


@bp.route("/checkins", methods=["POST"])
@door_staff
def create_checkin(slug: str):
    if len(slug) > 40:
        return error_response(404)
    raw = _read_body()
    if raw is None:
        return jsonify(error="too_large", message="the body is larger than 10 KB"), 413
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: thousands of nested brackets
        return jsonify(error="not_json", message="the body must be JSON"), 400
    try:
        scan = service.parse_scan_body(body)
        answer, replayed = service.record_scan(db.session, current_app.config["SECRET_KEY"], slug, scan, current_user,
                                               day_margin=service.day_margin(current_app.config))
    except service.CheckinError as exc:
        fail(db.session)
        if exc.code == "unknown_checkpoint" and _find_event(slug) is None:
            return error_response(404, "event_not_found", "no such event")
        return _error(exc)
    answer = dict(answer)
    answer["message"] = str(_MESSAGES.get(answer["result"], answer["result"]))
    if replayed:
        answer["replayed"] = True
    return jsonify(answer), 201 if answer["result"] == "ok" and not replayed else 200


def _find_event(slug: str):
    from plm.models import Event

    return db.session.scalar(select(Event).where(Event.slug == slug.lower())) if len(slug) <= 40 else None


@bp.route("/checkins/<int:checkin_id>", methods=["DELETE"])
@door_staff
def delete_checkin(slug: str, checkin_id: int):
    event = get_event_or_404(slug)
    try:
        body = request.get_json(silent=True) if request.content_length else None
        reason = body.get("override_reason", "") if isinstance(body, dict) else ""
        result = service.undo_checkin(db.session, event, checkin_id, current_user,
                                      override_reason=reason if isinstance(reason, str) else "")
    except service.CheckinError as exc:
        fail(db.session)
        return _error(exc)
    return jsonify(result)


def _checkpoint_arg(event) -> Checkpoint | None:
    """The ?checkpoint= of a list request. Facilitators must name one of their own sessions' checkpoints."""
    raw = request.args.get("checkpoint", "")
    checkpoint = None
    if raw:
        if not service.CHECKPOINT_ID_RE.match(raw):  # "²" and "١" are digits to isdigit(), not to int()
            raise service.CheckinError("invalid_field", "checkpoint must be a checkpoint id", field="checkpoint")
        checkpoint = db.session.get(Checkpoint, int(raw))
        if checkpoint is None or checkpoint.event_id != event.id:
            raise service.CheckinError("unknown_checkpoint", "no such checkpoint in this event", field="checkpoint")
    allowed = service.facilitator_checkpoint_ids(db.session, event.id, current_user)
    if allowed is not None and (checkpoint is None or checkpoint.id not in allowed):
        raise service.CheckinError("forbidden_checkpoint", "facilitators see only their own sessions' lists",
                                   status=403, field="checkpoint")
    return checkpoint


def _facilitator_roster(checkpoint: Checkpoint | None) -> set[str] | None:
    """For a facilitator at a sign-up session: the public ids they may see; None: no limit."""
    if checkpoint is None or current_user.role != Role.FACILITATOR:
        return None
    return service.session_roster_ids(db.session, checkpoint)


@bp.route("/participants")
@door_staff
def participants(slug: str):
    event = get_event_or_404(slug)
    query = request.args.get("q", "")
    if len(query) > 100:
        return jsonify(error="invalid_field", field="q", message="q is longer than 100 characters"), 422
    if len(query.strip()) < 2:
        return jsonify(error="query_too_short", field="q", message="type at least 2 characters"), 422
    try:
        checkpoint = _checkpoint_arg(event)
    except service.CheckinError as exc:
        return _error(exc)
    results = service.search_participants(db.session, event, query, checkpoint)
    roster = _facilitator_roster(checkpoint)
    if roster is not None:
        results = [hit for hit in results if hit["id"] in roster]
    return jsonify(results=results)


@bp.route("/checkpoints")
@door_staff
def checkpoints(slug: str):
    event = get_event_or_404(slug)
    out = []
    for cp in service.checkpoints_for_user(db.session, event, current_user):
        out.append({"id": cp.id, "kind": cp.kind, "name": cp.name, "day": cp.day.isoformat() if cp.day else None,
                    "session": cp.session_id,
                    "signup_required": bool(cp.session and cp.session.signup_required)})
    return jsonify(checkpoints=out)


@bp.route("/checkin-snapshot")
@door_staff
def checkin_snapshot(slug: str):
    event = get_event_or_404(slug)
    try:
        checkpoint = _checkpoint_arg(event)
    except service.CheckinError as exc:
        return _error(exc)
    roster = _facilitator_roster(checkpoint)
    etag = service.snapshot_etag(db.session, event, checkpoint)
    if roster is not None:  # a facilitator's copy holds fewer people: never the same validator
        etag = etag[:-1] + '-f"'
    headers = {"ETag": etag, "Cache-Control": "private, no-cache", "Vary": "Accept-Encoding, Cookie, Authorization"}
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        return Response(status=304, headers=headers)
    data = service.snapshot(db.session, current_app.config["SECRET_KEY"], event, checkpoint)
    if roster is not None:
        at = data["fields"].index("id")
        data["participants"] = [row for row in data["participants"] if row[at] in roster]
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        raw = gzip.compress(raw, 6)
        headers["Content-Encoding"] = "gzip"
    return Response(raw, mimetype="application/json", headers=headers)


@bp.route("/stats")
@door_staff
def checkin_stats(slug: str):
    event = get_event_or_404(slug)
    return jsonify(service.stats_for_user(db.session, event, current_user))
