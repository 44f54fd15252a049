"""Attendance pages under /staff/events/<slug>/attendance (facilitators' sessions, daftar hadir,
paper entry, partner logos) and the signature API under /api/v1/events/<slug>/checkins/<id>/signature."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from plm.attendance import service
from plm.attendance.forms import LogoForm, MarkForm, PaperForm, SheetForm, UndoForm
from plm.auth.decorators import admin_required, role_required
from plm.checkin.service import day_margin, outside_day
from plm.errors import error_response
from plm.events import get_event_or_404
from plm.extensions import db
from plm.jobs import pdf_from_child, renders_in_child
from plm.models import AuditLog, Checkpoint, Event, EventSession, utcnow
from plm.schedule.service import local_day
from plm.transactions import change_and_redirect, fail, fail_and_redirect
from plm.vocabulary import CheckpointKind, Role, SessionKind

bp = Blueprint("attendance", __name__, url_prefix="/staff/events/<slug>/attendance")
api = Blueprint("attendance_api", __name__, url_prefix="/api/v1/events/<slug>")

staff = role_required(Role.ORGANIZER, Role.FACILITATOR)
log = logging.getLogger(__name__)

MAX_SIGNATURE_BODY = 200_000


def error_text(code: str) -> str:
    return str({
        "unknown_participant": _l("That participant is not in this event."),
        "not_checked_in": _l("This person is not checked in here."),
        "undo_not_allowed": _l("Only the staff member who marked this can undo it; ask an admin."),
        "undo_window_passed": _l("Attendance can be undone within 15 minutes; ask an admin."),
        "nothing_selected": _l("Tick at least one person."),
        "too_many": _l("Too many people at once: at most 1,000."),
        "no_batch": _l("That entry does not exist."),
        "already_undone": _l("That entry was already undone."),
        "allowance_paid": _l("This day's allowance was already paid: an admin can undo it with a reason."),
        "override_admin_only": _l("Only an admin can undo a day whose allowance was paid."),
        "forbidden": _l("Only the staff member who entered it, or an admin, can undo it."),
        "too_many_logos": _l("At most three partner logos."),
        "logo_empty": _l("Choose an image file."),
        "logo_too_large": _l("The image is larger than 5 MB."),
        "logo_invalid": _l("That file is not a PNG, JPEG, WebP or GIF image."),
        "no_logo": _l("That logo does not exist."),
    }.get(code, _l("That did not work.")))


RESULT_TEXT = {
    "ok": _l("Present"), "already": _l("Already present"), "cancelled": _l("Registration cancelled"),
    "invalid": _l("Not a registered participant (waiting list?)"), "unknown": _l("Unknown ticket"),
    "wrong_day": _l("This session is not today: nobody was marked. To enter attendance for its day, use "
                    "“Record a correction for that day” at the top of the page."),
}


# ---------------------------------------------------------------------------------------------
# Scope
# ---------------------------------------------------------------------------------------------

def _session_or_404(event: Event, session_id: int) -> EventSession:
    item = db.session.get(EventSession, session_id)
    if item is None or item.event_id != event.id or item.kind == SessionKind.BREAK:
        abort(404)
    if not service.may_take(db.session, current_user, item):
        abort(403)
    return item


def _checkpoint_or_404(event: Event, checkpoint_id: int) -> Checkpoint:
    """A checkpoint this user may see: days for admins and organizers, sessions as `may_take` says."""
    try:
        checkpoint = service.checkpoint_of_event(db.session, event, checkpoint_id)
    except service.AttendanceError:
        abort(404)
    if checkpoint.kind == CheckpointKind.DAY:
        if current_user.role not in (Role.ADMIN, Role.ORGANIZER):
            abort(404)  # the door's days are not a facilitator's business
    elif checkpoint.session is None or not service.may_take(db.session, current_user, checkpoint.session):
        abort(403)
    return checkpoint


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


# ---------------------------------------------------------------------------------------------
# Overview and the facilitator's session page
# ---------------------------------------------------------------------------------------------

@bp.route("/")
@staff
def index(slug: str):
    event = get_event_or_404(slug)
    sessions = service.sessions_for(db.session, event, current_user)
    days = service.day_checkpoints(db.session, event) if current_user.role in (Role.ADMIN, Role.ORGANIZER) else []
    checkpoints = {c.session_id: c for c in db.session.query(Checkpoint).filter(
        Checkpoint.event_id == event.id, Checkpoint.kind == CheckpointKind.SESSION)}
    return render_template("attendance/index.html", event=event, sessions=sessions, days=days,
                           checkpoints=checkpoints, present=service.present_counts(db.session, event),
                           sheet_form=SheetForm(formdata=None), logo_form=LogoForm())


@bp.route("/sessions/<int:session_id>")
@staff
def session_page(slug: str, session_id: int):
    event = get_event_or_404(slug)
    item = _session_or_404(event, session_id)
    data = service.roster(db.session, event, item)
    margin = day_margin(current_app.config)
    other_day = margin is not None and outside_day(local_day(event, item.starts_at), utcnow(), event.timezone, margin)
    return render_template("attendance/session.html", event=event, item=item, roster=data, form=MarkForm(),
                           me=current_user.id, other_day=other_day,
                           correction=other_day and request.args.get("correction") == "1")


@bp.route("/sessions/<int:session_id>/mark", methods=["POST"])
@staff
def mark(slug: str, session_id: int):
    """A tap on the list: check someone in (or undo it). Answers JSON to the page's script, else redirects."""
    event = get_event_or_404(slug)
    item = _session_or_404(event, session_id)
    form = MarkForm()
    if not form.validate():
        if _wants_json():
            return jsonify(error="invalid_field", message=error_text("unknown_participant")), 422
        flash(error_text("unknown_participant"), "error")
        return redirect(url_for(".session_page", slug=event.slug, session_id=item.id))
    checkpoint = service.session_checkpoint(db.session, event, item)
    public_id = form.participant.data.upper()
    try:
        if form.action.data == "undo":
            service.unmark(db.session, event, checkpoint, public_id, current_user)
            answer = {"result": "undone", "participant": {"id": public_id}}
            message = _("Attendance removed.")
        else:
            answer = service.mark(db.session, current_app.config["SECRET_KEY"], event, checkpoint, public_id,
                                  current_user, day_margin=day_margin(current_app.config), correction=form.correction.data == "1")
            message = str(RESULT_TEXT.get(answer["result"], answer["result"]))
    except service.AttendanceError as exc:
        fail(db.session)
        if _wants_json():
            return jsonify(error=exc.code, message=error_text(exc.code)), exc.status
        flash(error_text(exc.code), "error")
        return redirect(url_for(".session_page", slug=event.slug, session_id=item.id))
    if _wants_json():
        return jsonify({**answer, "message": message,
                        "present": service.present_counts(db.session, event).get(checkpoint.id, 0)})
    flash(message, "success" if answer["result"] in ("ok", "already", "undone") else "error")
    return redirect(url_for(".session_page", slug=event.slug, session_id=item.id) + f"#p-{public_id}")


# ---------------------------------------------------------------------------------------------
# Daftar hadir downloads
# ---------------------------------------------------------------------------------------------

@bp.route("/sheet")
@staff
def sheet(slug: str):
    event = get_event_or_404(slug)
    form = SheetForm(request.args)
    if not form.validate():
        return error_response(422, detail=_("Choose a list, an order and a paper size."))
    checkpoint = _checkpoint_or_404(event, form.checkpoint.data)
    fmt = form.format.data
    options = {"sort": form.sort.data, "orientation": form.orientation.data,
               "blank": form.blank.data if form.blank.data is not None else 10}
    if fmt == "pdf" and renders_in_child(current_app, "ATTENDANCE"):
        body = _render_pdf_in_child(checkpoint, options)
        if body is None:
            return error_response(503, detail=_("The attendance sheet could not be made just now. Try again."))
    else:
        body = service.render_sheet(db.session, event, checkpoint, upload_folder=current_app.config["UPLOAD_FOLDER"],
                                    fmt=fmt, sort=options["sort"], orientation=options["orientation"],
                                    blank_rows=options["blank"])
    mimetype = "application/pdf" if fmt == "pdf" else \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    filename = service.sheet_filename(event, checkpoint, fmt)
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"})


def _render_pdf_in_child(checkpoint: Checkpoint, options: dict) -> bytes | None:
    """The sheet from a child process (plm/attendance/render_child.py), so the door keeps its speed."""
    return pdf_from_child(current_app, "plm.attendance.render_child", {"checkpoint": checkpoint.id, **options},
                          "ATTENDANCE", "attendance sheet")


# ---------------------------------------------------------------------------------------------
# Paper entry
# ---------------------------------------------------------------------------------------------

def _page_number() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 6 else 1


@bp.route("/paper/<int:checkpoint_id>", methods=["GET", "POST"])
@staff
def paper(slug: str, checkpoint_id: int):
    event = get_event_or_404(slug)
    checkpoint = _checkpoint_or_404(event, checkpoint_id)
    form = PaperForm()
    query = request.args.get("q", "")[:100]
    province = request.args.get("province", "")[:60]
    if request.method == "POST":
        back = url_for(".paper", slug=event.slug, checkpoint_id=checkpoint.id, q=query or None,
                       province=province or None, page=_page_number())
        if not form.validate():
            flash(_("The form expired: please try again."), "error")
            return redirect(back)
        try:
            result = service.record_paper(db.session, current_app.config["SECRET_KEY"], event, checkpoint,
                                          request.form.getlist("ids"), current_user)
        except service.AttendanceError as exc:
            return fail_and_redirect(error_text(exc.code), back)
        flash(_("Recorded from the paper sheet: %(created)s new, %(already)s already present, %(refused)s refused.",
                created=result["created"], already=result["already"], refused=result["refused"]),
              "success" if not result["refused"] else "warning")
        return redirect(back)
    data = service.paper_page(db.session, event, checkpoint, query, province, _page_number())
    batches = service.paper_batches(db.session, event, checkpoint)
    return render_template("attendance/paper.html", event=event, checkpoint=checkpoint, data=data, form=form,
                           undo_form=UndoForm(), batches=batches, query=query, province=province,
                           title=_checkpoint_title(event, checkpoint))


@bp.route("/paper/batches/<int:batch_id>/undo", methods=["POST"])
@staff
def undo_paper(slug: str, batch_id: int):
    event = get_event_or_404(slug)
    form = UndoForm()
    batch = db.session.get(AuditLog, batch_id)
    if batch is None or batch.event_id != event.id or batch.action != "attendance.paper":
        abort(404)
    checkpoint = _checkpoint_or_404(event, int(batch.target_id or 0))
    back = url_for(".paper", slug=event.slug, checkpoint_id=checkpoint.id)
    if not form.validate():
        flash(_("The form expired: please try again."), "error")
        return redirect(back)

    def undo() -> str:
        removed = service.undo_paper(db.session, event, batch_id, current_user)
        return _("Entry undone: %(n)s check-ins removed.", n=removed)

    return change_and_redirect(undo, service.AttendanceError, _explain, back)


def _explain(exc: service.AttendanceError) -> str:
    return error_text(exc.code)


def _checkpoint_title(event: Event, checkpoint: Checkpoint) -> str:
    if checkpoint.kind == CheckpointKind.DAY:
        number = event.days.index(checkpoint.day) + 1 if checkpoint.day in event.days else 0
        return _("Day %(n)s", n=number)
    return checkpoint.session.title if checkpoint.session else checkpoint.name


# ---------------------------------------------------------------------------------------------
# Partner logos (admins)
# ---------------------------------------------------------------------------------------------

@bp.route("/logos", methods=["POST"])
@admin_required
def add_logo(slug: str):
    event = get_event_or_404(slug)
    form = LogoForm()
    back = url_for(".index", slug=event.slug) + "#logos"
    if not form.validate():
        flash(_("The form expired: please try again."), "error")
        return redirect(back)
    upload = form.logo.data
    data = upload.read(service.MAX_LOGO_BYTES + 1) if upload else b""

    def add() -> str:
        service.add_partner_logo(db.session, event, current_app.config["UPLOAD_FOLDER"], data, current_user)
        return _("Logo added to the attendance sheets.")

    return change_and_redirect(add, service.AttendanceError, _explain, back)


@bp.route("/logos/<int:index>/delete", methods=["POST"])
@admin_required
def delete_logo(slug: str, index: int):
    event = get_event_or_404(slug)
    form = UndoForm()
    back = url_for(".index", slug=event.slug) + "#logos"
    if not form.validate():
        flash(_("The form expired: please try again."), "error")
        return redirect(back)

    def remove() -> str:
        service.remove_partner_logo(db.session, event, index, current_user)
        return _("Logo removed.")

    return change_and_redirect(remove, service.AttendanceError, _explain, back)


# ---------------------------------------------------------------------------------------------
# Signature API
# ---------------------------------------------------------------------------------------------

@api.route("/checkins/<int:checkin_id>/signature", methods=["PUT"])
@staff
def put_signature(slug: str, checkin_id: int):
    """Store a signature drawn on the door phone: JSON stroke points, SVG made here."""
    event = get_event_or_404(slug)
    if request.content_length is not None and request.content_length > MAX_SIGNATURE_BODY:
        return jsonify(error="too_large", message="the body is larger than 200 KB"), 413
    body = request.get_json(silent=True, force=True)
    if body is None:
        return jsonify(error="not_json", message="the body must be JSON"), 400
    try:
        item = service.save_signature(db.session, event, checkin_id, body, current_user)
    except service.AttendanceError as exc:
        fail(db.session)
        return jsonify(error=exc.code, message=str(exc)), exc.status
    return jsonify(checkin_id=item.checkin_id, points=item.points, bytes=len(item.svg))


@api.route("/checkins/<int:checkin_id>/signature", methods=["GET"])
@staff
def get_signature(slug: str, checkin_id: int):
    event = get_event_or_404(slug)
    try:
        item = service.get_signature(db.session, event, checkin_id, current_user)
    except service.AttendanceError as exc:
        return jsonify(error=exc.code, message=str(exc)), exc.status
    if item is None:
        return jsonify(error="not_found", message="no signature for this check-in"), 404
    return jsonify(checkin_id=item.checkin_id, points=item.points, svg=item.svg)


@api.route("/checkins/<int:checkin_id>/signature", methods=["DELETE"])
@staff
def delete_signature(slug: str, checkin_id: int):
    event = get_event_or_404(slug)
    try:
        removed = service.delete_signature(db.session, event, checkin_id, current_user)
    except service.AttendanceError as exc:
        fail(db.session)
        return jsonify(error=exc.code, message=str(exc)), exc.status
    return jsonify(checkin_id=checkin_id, removed=removed)
