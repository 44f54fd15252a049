"""Schedule pages: staff editing under /staff/events/<slug>/schedule, the public schedule and
iCal feed under /e/<slug>/schedule, session sign-up under the participant's manage link, and the
facilitators' own sessions with their sign-up lists."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import NotFound
from wtforms.fields.choices import SelectChoice

from plm import links
from plm.auth.decorators import admin_required, role_required
from plm.events import get_event_or_404, get_participant_by_token_or_404
from plm.extensions import db
from plm.labels import SESSION_KIND_LABELS
from plm.models import Event, EventSession, Room, Track, utcnow
from plm.schedule import csvio, ical, pdf, service
from plm.schedule.forms import ConfirmForm, ImportForm, RoomForm, SessionForm, TrackForm
from plm.transactions import fail, fail_and_redirect
from plm.vocabulary import Role

bp = Blueprint("schedule", __name__)


# ---------------------------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------------------------

def schedule_error(code: str) -> str:
    return {
        "room_name_taken": _("This event already has a room with this name."),
        "room_in_use": _("Sessions still use this room. Move them to another room first."),
        "track_name_taken": _("This event already has a track with this name."),
        "bad_colour": _("Use a colour like #1f5fad."),
        "end_before_start": _("The session must end after it starts."),
        "not_this_event": _("That room or track belongs to another event."),
        "bad_facilitator": _("Facilitators must be participants of this event with the role facilitator or speaker."),
        "has_attendance": _("People were checked in to this session: cancel it instead of deleting it."),
        "published_cancel_instead": _("This session was published: cancel it instead, so participants see the change."),
    }.get(code, code)


def signup_error(exc: service.SignupError) -> str:
    if exc.code == "overlap" and exc.other is not None:
        return _("You are already signed up for “%(title)s” at the same time. Leave that session first.",
                 title=exc.other.title)
    return {
        "not_found": _("This session does not exist."),
        "not_open": _("This session needs no sign-up: just come."),
        "not_registered": _("Only confirmed registrations can sign up for sessions."),
        "cancelled": _("This session was cancelled."),
        "started": _("This session has already started."),
        "already": _("You are already signed up for this session."),
        "full": _("Sorry, this session is full."),
        "overlap": _("You are already signed up for another session at the same time."),
    }.get(exc.code, exc.code)


def describe_conflict(conflict: service.Conflict) -> str:
    titles = [s.title for s in conflict.sessions]
    if conflict.kind == "room":
        return _("Room %(room)s is double-booked: “%(a)s” and “%(b)s” overlap.",
                 room=conflict.detail.get("room", ""), a=titles[0], b=titles[1])
    if conflict.kind == "facilitator":
        return _("%(name)s leads two sessions at once: “%(a)s” and “%(b)s”.",
                 name=conflict.detail.get("name", ""), a=titles[0], b=titles[1])
    if conflict.kind == "outside_days":
        return _("“%(a)s” is outside the event's days.", a=titles[0])
    if conflict.kind == "capacity":
        detail = conflict.detail
        if detail.get("capacity") is not None and detail["capacity"] > detail["room_capacity"]:
            return _("“%(a)s” offers %(n)s seats but %(room)s holds only %(cap)s.", a=titles[0],
                     n=detail["capacity"], room=detail["room"], cap=detail["room_capacity"])
        return _("“%(a)s” has %(n)s sign-ups but %(room)s holds only %(cap)s.", a=titles[0],
                 n=detail["signups"], room=detail["room"], cap=detail["room_capacity"])
    return conflict.kind


CONFLICT_KIND_LABELS = {
    "room": _l("Room double-booked"),
    "facilitator": _l("Facilitator in two places"),
    "outside_days": _l("Outside the event's days"),
    "capacity": _l("Room too small"),
}


def conflict_kind_label(kind: str) -> str:
    return str(CONFLICT_KIND_LABELS.get(kind, kind))


# ---------------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------------

def _chosen_day(event: Event, days: list[date]) -> date:
    text = request.args.get("day", "")
    try:
        chosen = date.fromisoformat(text) if text else None
    except ValueError:
        chosen = None
    return chosen if chosen in days else service.default_day(event, days)


def _is_staff() -> bool:
    return current_user.is_authenticated and current_user.role in (Role.ADMIN, Role.ORGANIZER, Role.FACILITATOR)


def _public_event(slug: str) -> Event:
    """The event, if its schedule is public (staff may preview a draft)."""
    event = get_event_or_404(slug, public=True)
    if event.schedule_published_at is None and not _is_staff():
        abort(404)
    return event


def _session_or_404(event: Event, session_id: int) -> EventSession:
    item = service.get_session_or_none(db.session, event, session_id)
    if item is None:
        abort(404)
    return item


def _of_event_or_404(model, event: Event, object_id: int):
    """A room or track of this event; another event's id is a 404 like a missing one."""
    item = db.session.get(model, object_id)
    if item is None or item.event_id != event.id:
        abort(404)
    return item


def _domain() -> str:
    """The iCal UID domain: the public address's host, never the request's Host header."""
    return current_app.config.get("PLM_ICAL_DOMAIN") or urlsplit(links.base_url()).hostname or "plm.local"


def _ics_response(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "no-cache"
    return response


def _download(body: bytes | str, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ---------------------------------------------------------------------------------------------
# Public schedule
# ---------------------------------------------------------------------------------------------

@bp.route("/e/<slug>/schedule")
def public_schedule(slug: str):
    event = get_event_or_404(slug, public=True)
    if event.schedule_published_at is None and not _is_staff():
        return render_template("schedule/not_published.html", event=event)
    sessions = service.event_sessions(db.session, event)
    days = service.days_with_sessions(event, sessions)
    day = _chosen_day(event, days)
    rooms, tracks = service.rooms_of(db.session, event), service.tracks_of(db.session, event)
    track_id = _id_arg("track", {t.id for t in tracks})
    room_id = _id_arg("room", {r.id for r in rooms})
    shown = service.filter_sessions(sessions, track_id, room_id)
    todays = service.sessions_on(event, shown, day)
    grid = service.day_grid(event, shown, [r for r in rooms if room_id in (None, r.id)], day)
    running, upcoming = service.now_and_next(sessions)
    counts = service.signup_counts(db.session, event)
    # Opened from the manage page (?token=, redacted in the logs like every manage link): their sessions first.
    token = (request.args.get("token") or "")[:100]
    participant = _participant_or_none(event, token)
    mine = []
    if participant is not None:
        signed = service.signed_up_ids(db.session, participant)
        mine = [s for s in todays if s.id in signed or any(p.id == participant.id for p in s.facilitators)]
    ics_url = links.absolute_url("schedule.schedule_ics", slug=event.slug)
    keep = {k: v for k, v in (("track", track_id), ("room", room_id), ("token", token if participant else None)) if v}
    return render_template(
        "schedule/public.html", event=event, days=days, day=day, sessions=todays, grid=grid,
        running=running, upcoming=upcoming, counts=counts, draft=event.schedule_published_at is None,
        changes={s.id: service.changes_since_publication(event, s) for s in todays},
        tracks=tracks, rooms=rooms, track_id=track_id, room_id=room_id, keep=keep, mine=mine,
        participant=participant, token=token if participant else "",
        now_items=[s for s in todays if s.id in running or s.id in upcoming],
        ics_url=ics_url, webcal_url="webcal://" + ics_url.split("://", 1)[1],
    )


def _id_arg(name: str, allowed: set[int]) -> int | None:
    """A filter's id from the query string; anything else (text, another event's id) means no filter."""
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 and int(value) in allowed else None


def _participant_or_none(event: Event, token: str):
    """The participant of a manage token, or None: a stale link still shows the schedule."""
    if not token:
        return None
    try:
        return get_participant_by_token_or_404(event, token)
    except NotFound:
        return None


@bp.route("/e/<slug>/schedule/<int:session_id>")
def session_detail(slug: str, session_id: int):
    event = _public_event(slug)
    item = _session_or_404(event, session_id)
    counts = service.signup_counts(db.session, event)
    running, upcoming = service.now_and_next([item])
    return render_template("schedule/session.html", event=event, item=item, counts=counts,
                           changes=service.changes_since_publication(event, item),
                           previous=service.previous_times(item), running=running, upcoming=upcoming)


@bp.route("/e/<slug>/schedule/tracks.css")
def tracks_css(slug: str):
    """Track colours as classes, so pages need no inline styles (CSP-friendly)."""
    event = get_event_or_404(slug, public=True)
    lines = [f".trk-{t.id}{{--trk:{t.colour}}}" for t in service.tracks_of(db.session, event)
             if service.COLOUR_PATTERN.match(t.colour or "")]
    response = Response("\n".join(lines) + "\n", mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/e/<slug>/schedule.ics")
def schedule_ics(slug: str):
    event = _public_event(slug)
    sessions = service.event_sessions(db.session, event)
    body = ical.schedule_calendar(
        event, sessions, name=event.name, domain=_domain(), kind_label=lambda k: SESSION_KIND_LABELS.get(k, k),
        url_for_session=lambda s: links.absolute_url("schedule.session_detail", slug=event.slug, session_id=s.id))
    return _ics_response(body, f"{event.slug}.ics")


# ---------------------------------------------------------------------------------------------
# Participant: sign-up and personal schedule (under the manage link)
# ---------------------------------------------------------------------------------------------

def _my_sessions_page(event: Event, token: str, status: int = 200, error: str | None = None):
    participant = get_participant_by_token_or_404(event, token)
    published = event.schedule_published_at is not None
    sessions = service.event_sessions(db.session, event) if published else []
    signed = service.signed_up_ids(db.session, participant)
    counts = service.signup_counts(db.session, event)
    open_sessions = [s for s in sessions if s.signup_required]
    mine = service.personal_sessions(event, sessions, participant, signed)
    feed_url = links.absolute_url("schedule.personal_feed", slug=event.slug, public_id=participant.public_id,
                                  key=service.feed_key(current_app.config["SECRET_KEY"], participant))
    return render_template(
        "schedule/my_sessions.html", event=event, participant=participant, token=token, published=published,
        open_sessions=open_sessions, mine=mine, signed=signed, counts=counts, feed_url=feed_url,
        webcal_url="webcal://" + feed_url.split("://", 1)[1], error=error, form=ConfirmForm(), now=utcnow(),
        changes={s.id: service.changes_since_publication(event, s) for s in sessions},
    ), status


@bp.route("/e/<slug>/me/<token>/sessions")
def my_sessions(slug: str, token: str):
    event = get_event_or_404(slug, public=True)
    return _my_sessions_page(event, token)


@bp.route("/e/<slug>/me/<token>/sessions/<int:session_id>/signup", methods=["POST"])
def sign_up(slug: str, token: str, session_id: int):
    event = get_event_or_404(slug, public=True)
    participant = get_participant_by_token_or_404(event, token)
    try:
        signup = service.sign_up(db.session, event, session_id, participant)
        title = signup.session.title
    except service.SignupError as exc:
        fail(db.session)
        status = 404 if exc.code == "not_found" else 409  # another event's session is as missing as none
        return _my_sessions_page(event, token, status=status, error=signup_error(exc))
    flash(_("You are signed up for “%(title)s”.", title=title), "success")
    return redirect(url_for("schedule.my_sessions", slug=slug, token=token), 303)


@bp.route("/e/<slug>/me/<token>/sessions/<int:session_id>/leave", methods=["POST"])
def leave(slug: str, token: str, session_id: int):
    event = get_event_or_404(slug, public=True)
    participant = get_participant_by_token_or_404(event, token)
    _session_or_404(event, session_id)  # another event's session id: a 404, not a quiet redirect
    if service.leave(db.session, event, session_id, participant):
        flash(_("You left the session; your seat is free for someone else."), "info")
    return redirect(url_for("schedule.my_sessions", slug=slug, token=token), 303)


@bp.route("/e/<slug>/calendar/<public_id>/<key>.ics")
def personal_feed(slug: str, public_id: str, key: str):
    event = get_event_or_404(slug, public=True)
    participant = service.participant_by_feed_key(db.session, event, current_app.config["SECRET_KEY"], public_id, key)
    if participant is None:
        abort(404)
    sessions = service.event_sessions(db.session, event) if event.schedule_published_at else []
    mine = service.personal_sessions(event, sessions, participant, service.signed_up_ids(db.session, participant))
    body = ical.schedule_calendar(
        event, mine, name=f"{event.name} – {participant.name_on_badge or participant.full_name}", domain=_domain(),
        kind_label=lambda k: SESSION_KIND_LABELS.get(k, k),
        url_for_session=lambda s: links.absolute_url("schedule.session_detail", slug=event.slug, session_id=s.id))
    return _ics_response(body, f"{event.slug}-personal.ics")


# ---------------------------------------------------------------------------------------------
# Staff: the grid, conflicts, publication
# ---------------------------------------------------------------------------------------------

@bp.route("/staff/events/<slug>/schedule")
@admin_required
def admin_grid(slug: str):
    event = get_event_or_404(slug)
    sessions = service.event_sessions(db.session, event)
    rooms = service.rooms_of(db.session, event)
    days = service.days_with_sessions(event, sessions)
    day = _chosen_day(event, days)
    counts = service.signup_counts(db.session, event)
    conflicts = service.find_conflicts(event, sessions, counts)
    return render_template(
        "schedule/admin_grid.html", event=event, days=days, day=day, rooms=rooms,
        grid=service.day_grid(event, sessions, rooms, day), sessions=service.sessions_on(event, sessions, day),
        conflicts=conflicts, by_session=service.conflicts_by_session(conflicts), counts=counts,
        form=ConfirmForm(), total=len(sessions),
        changes={s.id: service.changes_since_publication(event, s) for s in sessions},
    )


@bp.route("/staff/events/<slug>/schedule/conflicts")
@admin_required
def conflicts(slug: str):
    event = get_event_or_404(slug)
    sessions = service.event_sessions(db.session, event)
    found = service.find_conflicts(event, sessions, service.signup_counts(db.session, event))
    return render_template("schedule/conflicts.html", event=event, conflicts=found)


@bp.route("/staff/events/<slug>/schedule/publish", methods=["POST"])
@admin_required
def publish(slug: str):
    event = get_event_or_404(slug)
    if ConfirmForm().validate_on_submit():
        service.publish(db.session, event, current_user)
        flash(_("The schedule is public."), "success")
    return redirect(url_for("schedule.admin_grid", slug=slug))


@bp.route("/staff/events/<slug>/schedule/unpublish", methods=["POST"])
@admin_required
def unpublish(slug: str):
    event = get_event_or_404(slug)
    if ConfirmForm().validate_on_submit():
        service.unpublish(db.session, event, current_user)
        flash(_("The schedule is a draft again and hidden from the public."), "info")
    return redirect(url_for("schedule.admin_grid", slug=slug))


# ---------------------------------------------------------------------------------------------
# Staff: sessions
# ---------------------------------------------------------------------------------------------

def _session_form(event: Event, item: EventSession | None) -> SessionForm:
    form = SessionForm(obj=item) if item is not None else SessionForm()
    form.room_id.choices = [SelectChoice(None, "—")] + [SelectChoice(r.id, r.name) for r in service.rooms_of(db.session, event)]
    form.track_id.choices = [SelectChoice(None, "—")] + [SelectChoice(t.id, t.name) for t in service.tracks_of(db.session, event)]
    candidates = service.facilitator_candidates(db.session, event)
    known = {p.id for p in candidates}
    extra = [p for p in (item.facilitators if item is not None else []) if p.id not in known]
    form.facilitator_ids.choices = [
        SelectChoice(p.id, f"{p.full_name} ({p.institution})" if p.institution else p.full_name) for p in candidates + extra]
    if item is not None and not form.is_submitted():
        start = service.local(event, item.starts_at)
        form.day.data = start.date()
        form.start.data = start.time().replace(tzinfo=None)
        form.end.data = service.local(event, item.ends_at).time().replace(tzinfo=None)
        form.facilitator_ids.data = [p.id for p in item.facilitators]
    elif item is None and not form.is_submitted():
        text = request.args.get("day", "")
        try:
            form.day.data = date.fromisoformat(text) if text else event.starts_on
        except ValueError:
            form.day.data = event.starts_on
    return form


def _edit_session(event: Event, item: EventSession | None):
    form = _session_form(event, item)
    if form.validate_on_submit():
        try:
            saved = service.save_session(db.session, event, item, form.data, current_user)
        except service.ScheduleError as exc:
            fail(db.session)
            form.title.errors = list(form.title.errors) + [schedule_error(str(exc))]
        else:
            sessions = service.event_sessions(db.session, event)
            found = [c for c in service.find_conflicts(event, sessions, service.signup_counts(db.session, event))
                     if saved.id in c.session_ids]
            flash(_("Session saved."), "success")
            for conflict in found:
                flash(_("Warning: %(problem)s", problem=describe_conflict(conflict)), "warning")
            return redirect(url_for("schedule.admin_grid", slug=event.slug,
                                    day=service.local_day(event, saved.starts_at).isoformat()))
    return render_template("schedule/session_form.html", event=event, item=item, form=form,
                           confirm=ConfirmForm()), (422 if form.is_submitted() else 200)


@bp.route("/staff/events/<slug>/schedule/sessions/new", methods=["GET", "POST"])
@admin_required
def new_session(slug: str):
    return _edit_session(get_event_or_404(slug), None)


@bp.route("/staff/events/<slug>/schedule/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_session(slug: str, session_id: int):
    event = get_event_or_404(slug)
    return _edit_session(event, _session_or_404(event, session_id))


@bp.route("/staff/events/<slug>/schedule/sessions/<int:session_id>/cancel", methods=["POST"])
@admin_required
def cancel_session(slug: str, session_id: int):
    event = get_event_or_404(slug)
    item = _session_or_404(event, session_id)
    if ConfirmForm().validate_on_submit():
        cancel = item.cancelled_at is None
        service.set_cancelled(db.session, item, cancel, current_user)
        flash(_("Session cancelled.") if cancel else _("Session restored."), "info")
    return redirect(url_for("schedule.edit_session", slug=slug, session_id=session_id))


@bp.route("/staff/events/<slug>/schedule/sessions/<int:session_id>/delete", methods=["POST"])
@admin_required
def delete_session(slug: str, session_id: int):
    event = get_event_or_404(slug)
    item = _session_or_404(event, session_id)
    if ConfirmForm().validate_on_submit():
        try:
            service.delete_session(db.session, item, current_user)
        except service.ScheduleError as exc:
            return fail_and_redirect(schedule_error(str(exc)), url_for("schedule.edit_session", slug=slug, session_id=session_id))
        flash(_("Session deleted."), "info")
    return redirect(url_for("schedule.admin_grid", slug=slug))


# ---------------------------------------------------------------------------------------------
# Staff: rooms and tracks
# ---------------------------------------------------------------------------------------------

@bp.route("/staff/events/<slug>/schedule/rooms", methods=["GET", "POST"])
@admin_required
def rooms(slug: str):
    return _save_named(get_event_or_404(slug), "room", None)


@bp.route("/staff/events/<slug>/schedule/rooms/<int:room_id>", methods=["GET", "POST"])
@admin_required
def edit_room(slug: str, room_id: int):
    event = get_event_or_404(slug)
    room = _of_event_or_404(Room, event, room_id)
    return _save_named(event, "room", room)


#: A room and a track are both a name in a list of the event: their form, save and list, and the word once saved.
_NAMED = {
    "room": (RoomForm, service.save_room, service.rooms_of, lambda: _("Room saved.")),
    "track": (TrackForm, service.save_track, service.tracks_of, lambda: _("Track saved.")),
}


def _save_named(event: Event, kind: str, item: Room | Track | None):
    """The rooms or tracks page: the list, and the form that adds one or edits *item*."""
    form_class, save, listed, saved = _NAMED[kind]
    form = form_class(obj=item) if item is not None else form_class()
    if form.validate_on_submit():
        try:
            save(db.session, event, item, form.data, current_user)
        except service.ScheduleError as exc:
            fail(db.session)
            form.name.errors = list(form.name.errors) + [schedule_error(str(exc))]
        else:
            flash(saved(), "success")
            return redirect(url_for(f"schedule.{kind}s", slug=event.slug))
    return render_template(f"schedule/{kind}s.html", event=event, form=form, confirm=ConfirmForm(),
                           **{f"{kind}s": listed(db.session, event), kind: item}), (422 if form.is_submitted() else 200)


@bp.route("/staff/events/<slug>/schedule/rooms/<int:room_id>/delete", methods=["POST"])
@admin_required
def delete_room(slug: str, room_id: int):
    event = get_event_or_404(slug)
    room = _of_event_or_404(Room, event, room_id)
    if ConfirmForm().validate_on_submit():
        try:
            service.delete_room(db.session, event, room, current_user)
            flash(_("Room deleted."), "info")
        except service.ScheduleError as exc:
            fail(db.session)
            flash(schedule_error(str(exc)), "error")
    return redirect(url_for("schedule.rooms", slug=slug))


@bp.route("/staff/events/<slug>/schedule/tracks", methods=["GET", "POST"])
@admin_required
def tracks(slug: str):
    return _save_named(get_event_or_404(slug), "track", None)


@bp.route("/staff/events/<slug>/schedule/tracks/<int:track_id>", methods=["GET", "POST"])
@admin_required
def edit_track(slug: str, track_id: int):
    event = get_event_or_404(slug)
    track = _of_event_or_404(Track, event, track_id)
    return _save_named(event, "track", track)


@bp.route("/staff/events/<slug>/schedule/tracks/<int:track_id>/delete", methods=["POST"])
@admin_required
def delete_track(slug: str, track_id: int):
    event = get_event_or_404(slug)
    track = _of_event_or_404(Track, event, track_id)
    if ConfirmForm().validate_on_submit():
        service.delete_track(db.session, event, track, current_user)
        flash(_("Track deleted."), "info")
    return redirect(url_for("schedule.tracks", slug=slug))


# ---------------------------------------------------------------------------------------------
# Staff: CSV import/export and the printable schedule
# ---------------------------------------------------------------------------------------------

def import_message(code: str) -> str:
    name, _sep, value = code.partition(":")
    return {
        "bad_day": _("Day is not a date (use YYYY-MM-DD)."),
        "bad_start": _("Start is not a time (use HH:MM)."),
        "bad_end": _("End is not a time (use HH:MM)."),
        "end_before_start": _("The session must end after it starts."),
        "no_title": _("Title is empty."),
        "title_too_long": _("Title is longer than 300 characters."),
        "bad_kind": _("Kind must be plenary, sharing, workshop, registration or break."),
        "bad_capacity": _("Capacity must be a whole number of at least 1."),
        "bad_signup": _("Sign-up must be yes or no."),
        "unknown_facilitator": _("%(email)s is not a facilitator or speaker of this event.", email=value),
        "new_room": _("New room %(name)s created.", name=value),
        "new_track": _("New track %(name)s created.", name=value),
    }.get(name, code)


@bp.route("/staff/events/<slug>/schedule/import", methods=["GET", "POST"])
@admin_required
def import_csv(slug: str):
    event = get_event_or_404(slug)
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        data = form.file.data.read(2 * 1024 * 1024 + 1)
        if len(data) > 2 * 1024 * 1024:
            form.file.errors = list(form.file.errors) + [_("The file is larger than 2 MB.")]
        else:
            report = csvio.import_schedule(db.session, event, data, current_user, dry_run=form.dry_run.data)
            if form.dry_run.data or report.header_error:
                fail(db.session)  # a trial run, or a file that cannot be read: the import leaves nothing
    return render_template("schedule/import.html", event=event, form=form, report=report,
                           import_message=import_message, dry_run=form.dry_run.data)


@bp.route("/staff/events/<slug>/schedule/export.csv")
@admin_required
def export_csv(slug: str):
    event = get_event_or_404(slug)
    body = csvio.export_schedule(event, service.event_sessions(db.session, event))
    return _download(body.encode("utf-8"), "text/csv", f"{event.slug}-schedule.csv")


@bp.route("/staff/events/<slug>/schedule.pdf")
@admin_required
def schedule_pdf(slug: str):
    event = get_event_or_404(slug)
    return _download(pdf.printable_schedule(db.session, event), "application/pdf", f"{event.slug}-schedule.pdf")


# ---------------------------------------------------------------------------------------------
# Facilitators: their sessions and sign-up lists
# ---------------------------------------------------------------------------------------------

@bp.route("/staff/events/<slug>/my-sessions")
@role_required(Role.FACILITATOR)
def facilitator_sessions(slug: str):
    event = get_event_or_404(slug)
    sessions = service.sessions_for_user(db.session, event, current_user)
    return render_template("schedule/facilitator_sessions.html", event=event, sessions=sessions,
                           counts=service.signup_counts(db.session, event))


def _visible_session(slug: str, session_id: int) -> tuple[Event, EventSession]:
    event = get_event_or_404(slug)
    item = _session_or_404(event, session_id)
    if not service.can_see_signups(db.session, current_user, item):
        abort(403)
    return event, item


@bp.route("/staff/events/<slug>/schedule/sessions/<int:session_id>/signups")
@role_required(Role.FACILITATOR)
def signups(slug: str, session_id: int):
    event, item = _visible_session(slug, session_id)
    return render_template("schedule/signups.html", event=event, item=item,
                           people=service.signup_list(db.session, item))


@bp.route("/staff/events/<slug>/schedule/sessions/<int:session_id>/signups.csv")
@role_required(Role.FACILITATOR)
def signups_csv(slug: str, session_id: int):
    event, item = _visible_session(slug, session_id)
    body = csvio.export_signups(item, service.signup_list(db.session, item))
    return _download(body.encode("utf-8"), "text/csv", f"{event.slug}-session-{item.id}-signups.csv")


@bp.route("/staff/events/<slug>/schedule/sessions/<int:session_id>/signups.pdf")
@role_required(Role.FACILITATOR)
def signups_pdf(slug: str, session_id: int):
    event, item = _visible_session(slug, session_id)
    body = pdf.signups_pdf(event=event, item=item, people=service.signup_list(db.session, item), generated=utcnow())
    return _download(body, "application/pdf", f"{event.slug}-session-{item.id}-signups.pdf")
