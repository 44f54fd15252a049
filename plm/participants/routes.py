"""Staff pages for participants (/staff/events/<slug>/participants...), walk-ins and the mail outbox."""

from __future__ import annotations

import os
import re
import secrets

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
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from plm import outbox
from plm.auth.decorators import admin_required, role_required
from plm.delegations import service as delegations
from plm.documents import service as certificates
from plm.events import get_event_or_404
from plm.extensions import db
from plm.labels import MAIL_STATUS_LABELS
from plm.models import MailMessage, Participant, audit
from plm.participants import importexport, service
from plm.participants.forms import ImportConfirmForm, ImportForm
from plm.questions import service as questions
from plm.questions.forms import build_question_fields, current_lang, initial_data
from plm.registration import mails
from plm.registration import service as registration
from plm.registration.forms import StaffParticipantForm, WalkInForm
from plm.registration.ticket import ticket_code, ticket_pdf, ticket_svg
from plm.spreadsheets import FILE_ERROR_TEXT
from plm.transactions import fail
from plm.vocabulary import InstitutionType, MailStatus, ParticipantRole, ParticipantStatus, Role

bp = Blueprint("participants", __name__, url_prefix="/staff")

organizer_required = role_required(Role.ORGANIZER)
STASH_PATTERN = re.compile(r"^[0-9a-f]{32}$")
IMPORT_ERRORS = {
    "empty": _l("The file is empty."),
    "missing_columns": _l("The first row must name the columns: a name column (headed “nama” or “nama lengkap”) and an “email” column are required."),
    "too_many_rows": _l("The file has too many rows (at most 20,000)."),
    **FILE_ERROR_TEXT,
}
REASON_LABELS = {
    "missing_name": _l("Full name is missing"),
    "missing_email": _l("Email is missing"),
    "bad_email": _l("Not a valid email address"),
    "unknown_province": _l("Unknown province"),
    "bad_phone": _l("Not a valid phone number"),
    "bad_institution_type": _l("Unknown institution type"),
    "bad_role": _l("Unknown role"),
    "bad_date": _l("Not a date"),
    "too_long": _l("Too long"),
    "duplicate_in_file": _l("Same email as an earlier row of this file"),
    "bad_text": _l("Contains characters the badges and certificates cannot print"),
    "bad_number": _l("Not a number"),
    "bad_choice": _l("Not one of the question’s choices"),
    "bad_yes_no": _l("Not yes or no"),
    "bad_nip": _l("A NIP has exactly 18 digits"),
    "departure_before_arrival": _l("The departure date is before the arrival date"),
}


# ------------------------------------------------------------------ list

@bp.route("/events/<slug>/participants")
@organizer_required
def participant_list(slug: str):
    event = get_event_or_404(slug)
    query = service.ListQuery.from_args(request.args)
    rows, total = service.list_participants(db.session, event, query)
    pages = max(1, -(-total // service.PAGE_SIZE))
    return render_template(
        "participants/list.html", event=event, rows=rows, total=total, query=query, pages=pages,
        checked=service.checked_in_ids(db.session, [p.id for p in rows]), counts=service.counts(db.session, event),
        statuses=ParticipantStatus, roles=ParticipantRole, institution_types=InstitutionType,
        provinces=registration.province_names(), sorts=list(service.SORTS), seats_left=registration.seats_left(db.session, event),
        question_filters=questions.filterable_questions(db.session, event.id), lang=current_lang())


# ------------------------------------------------------------------ one participant

def _participant_or_404(event, public_id: str) -> Participant:
    participant = service.get_participant(db.session, event, public_id)
    if participant is None:
        abort(404)
    return participant


@bp.route("/events/<slug>/participants/<public_id>", methods=["GET", "POST"])
@organizer_required
def participant_detail(slug: str, public_id: str):
    event = get_event_or_404(slug)
    participant = _participant_or_404(event, public_id)
    # Staff answer every question (delegation-only ones too), any time, none required.
    asked = questions.list_questions(db.session, event.id)
    answers = questions.answers_of(db.session, participant.id)
    form = build_question_fields(StaffParticipantForm, asked, for_delegation=True, staff=True, answers=answers)(
        obj=participant, **initial_data(asked, answers))
    status = 200
    if form.validate_on_submit():
        data = {name: form[name].data for name in registration.EDITABLE_FIELDS + ("email", "role")}
        before_role = participant.role
        if current_user.role != Role.ADMIN and certificates.role_change_needs_admin(before_role, form.role.data):
            # The role decides certificate eligibility (facilitators and speakers get one by role).
            form.role.errors = list(form.role.errors) + [
                _("Only an admin can make someone a facilitator or speaker, or take that role away: it decides "
                  "who gets a certificate. Nothing was saved.")]
            status = 403
            changes = None
        else:
            try:
                changes = registration.update_details(db.session, participant, data, user=current_user,
                                                      allow_email=True, allow_role=True)
                changes = dict(changes, **{f"q_{key}": True for key in questions.save_answers(
                    db.session, participant, form.questions, form, user=current_user)})
                if "role" in changes:
                    certificates.review_after_role_change(db.session, event, participant, before_role, current_user)
                db.session.flush()  # a duplicate shows here, while the route can still answer
            except (registration.RegistrationError, IntegrityError):
                fail(db.session)
                changes = None
                form.email.errors = list(form.email.errors) + [_("Another participant of this event already uses this address.")]
        if changes is not None:
            flash(_("Saved.") if changes else _("Nothing was changed."), "success")
            return redirect(url_for("participants.participant_detail", slug=slug, public_id=participant.public_id))
    return render_template("participants/detail.html", event=event, participant=participant, form=form,
                           history=service.history(db.session, participant), statuses=ParticipantStatus,
                           qr=ticket_svg(participant) if participant.status == ParticipantStatus.REGISTERED else None,
                           position=registration.waitlist_position(db.session, participant),
                           placeholder=registration.has_placeholder_email(participant),
                           answers=questions.participant_answers(db.session, participant, current_lang())), status


@bp.route("/events/<slug>/participants/<public_id>/status", methods=["POST"])
@organizer_required
def change_status(slug: str, public_id: str):
    event = get_event_or_404(slug)
    participant = _participant_or_404(event, public_id)
    status = request.form.get("status", "")
    if not ParticipantStatus.has(status):
        abort(400)
    if participant.status == "pending" and status == "registered":
        # Approving from here is approving: a seat (or the waiting list when full) and the ticket mail.
        delegations.approve(db.session, event, [participant], current_user)
        promoted, status = [], participant.status
    else:
        promoted = registration.set_status(db.session, participant, status, current_user)
    for person in promoted:
        mails.queue_ticket_mail(db.session, person, "promoted")
    flash(_("Status changed to %(status)s.", status=str(_status_label(status))), "success")
    others = [p for p in promoted if p.id != participant.id]
    if others:
        flash(_("Moved up from the waiting list: %(names)s.", names=", ".join(p.full_name for p in others)), "info")
    return redirect(url_for("participants.participant_detail", slug=slug, public_id=participant.public_id))


def _status_label(value: str) -> str:
    from plm.labels import STATUS_LABELS

    return str(STATUS_LABELS.get(value, value))


@bp.route("/events/<slug>/participants/<public_id>/resend", methods=["POST"])
@organizer_required
def resend_ticket(slug: str, public_id: str):
    event = get_event_or_404(slug)
    participant = _participant_or_404(event, public_id)
    if registration.has_placeholder_email(participant):
        flash(_("This walk-in has no email address. Add one first."), "error")
        return redirect(url_for("participants.participant_detail", slug=slug, public_id=participant.public_id))
    token = participant.issue_manage_token()
    message = mails.queue_ticket_mail(db.session, participant, "new_link", token)
    audit(db.session, "participant.resend", user=current_user, event_id=event.id, target=participant)
    flash(_("A new ticket mail with a new personal link was sent to %(email)s (status: %(status)s).",
            email=participant.email, status=MAIL_STATUS_LABELS.get(message.status, message.status)), "success")
    return redirect(url_for("participants.participant_detail", slug=slug, public_id=participant.public_id))


@bp.route("/events/<slug>/participants/<public_id>/reissue", methods=["POST"])
@organizer_required
def reissue_ticket(slug: str, public_id: str):
    event = get_event_or_404(slug)
    participant = _participant_or_404(event, public_id)
    registration.reissue_ticket(db.session, participant, current_user)
    flash(_("A new ticket code was made; the old QR code no longer works. Resend the ticket mail."), "success")
    return redirect(url_for("participants.participant_detail", slug=slug, public_id=participant.public_id))


@bp.route("/events/<slug>/participants/<public_id>/ticket.pdf")
@organizer_required
def staff_ticket_pdf(slug: str, public_id: str):
    event = get_event_or_404(slug)
    participant = _participant_or_404(event, public_id)
    if participant.status != ParticipantStatus.REGISTERED:
        abort(404)
    return Response(ticket_pdf(participant), mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="ticket-{participant.public_id}.pdf"'})


@bp.route("/events/<slug>/rotate-ticket-key", methods=["POST"])
@admin_required
def rotate_ticket_key(slug: str):
    event = get_event_or_404(slug)
    if request.form.get("confirm") != "yes":
        flash(_("Tick the box to confirm."), "error")
    else:
        registration.rotate_event_ticket_key(db.session, event, current_user)
        flash(_("Every ticket of this event was re-issued: old QR codes no longer work. Send the tickets again."), "warning")
    return redirect(url_for("participants.participant_list", slug=slug))


# ------------------------------------------------------------------ walk-in

@bp.route("/events/<slug>/walk-in", methods=["GET", "POST"])
@organizer_required
def walk_in(slug: str):
    event = get_event_or_404(slug)
    form = WalkInForm(return_to=request.args.get("return_to", ""), checkpoint=request.args.get("checkpoint", ""))
    if form.validate_on_submit():
        data = {name: form[name].data for name in ("full_name", "institution", "province", "phone", "email")}
        try:
            participant = registration.register_walk_in(db.session, event, data, current_user)
            token = participant.new_manage_token
            mails.queue_ticket_mail(db.session, participant, "confirmation", token)
            db.session.flush()  # a duplicate shows here, while the route can still answer
        except (registration.RegistrationError, IntegrityError):
            fail(db.session)
            form.email.errors = list(form.email.errors) + [_("This email address is already registered for this event.")]
        else:
            checkpoint = form.checkpoint.data or ""
            if form.return_to.data == "door" and re.fullmatch(r"[0-9]{1,12}", checkpoint):
                return redirect(f"/staff/events/{event.slug}/door?checkin={participant.public_id}&checkpoint={checkpoint}")
            link = mails.manage_url(event, token)
            return render_template("participants/walk_in_done.html", event=event, participant=participant,
                                   qr=ticket_svg(participant, title=_("Ticket QR code")), code=ticket_code(participant),
                                   link=link, whatsapp=mails.whatsapp_link(mails.whatsapp_manage_text(event, link),
                                                                           participant.phone),
                                   over_capacity=event.capacity is not None
                                   and registration.registered_count(db.session, event) > event.capacity)
    return render_template("participants/walk_in.html", event=event, form=form)


# ------------------------------------------------------------------ import / export

def _stash_path(stash: str) -> str:
    return os.path.join(current_app.config["UPLOAD_FOLDER"], "imports", f"{stash}.upload")


@bp.route("/events/<slug>/participants/import", methods=["GET", "POST"])
@admin_required
def import_participants(slug: str):
    event = get_event_or_404(slug)
    form = ImportForm()
    confirm = ImportConfirmForm()
    plan = None
    error = None
    if request.method == "POST" and confirm.stash.data:
        stash = confirm.stash.data
        if not STASH_PATTERN.match(stash) or not os.path.exists(_stash_path(stash)):
            flash(_("The checked file is no longer available. Upload it again."), "error")
            return redirect(url_for("participants.import_participants", slug=slug))
        with open(_stash_path(stash), "rb") as handle:
            data = handle.read()
        filename = (confirm.filename.data or "")[:200]
        plan = importexport.plan_import(db.session, event, data, filename)
        summary = importexport.apply_import(db.session, event, plan, current_user, filename)
        os.remove(_stash_path(stash))
        flash(_("Imported: %(add)s added, %(update)s updated, %(refused)s rows refused.", add=summary["add"],
                update=summary["update"], refused=summary["refused"]), "success")
        return redirect(url_for("participants.participant_list", slug=slug))
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read()
        filename = upload.filename or "upload.csv"
        try:
            plan = importexport.plan_import(db.session, event, data, filename)
        except importexport.ImportFileError as exc:
            error = IMPORT_ERRORS.get(str(exc), str(exc))
        else:
            stash = secrets.token_hex(16)
            os.makedirs(os.path.dirname(_stash_path(stash)), exist_ok=True)
            with open(_stash_path(stash), "wb") as handle:
                handle.write(data)
            confirm = ImportConfirmForm(formdata=None, stash=stash, filename=filename)
    return render_template("participants/import.html", event=event, form=form, confirm=confirm, plan=plan,
                           error=error, reasons=REASON_LABELS, columns=importexport.export_header(db.session, event))


@bp.route("/events/<slug>/participants/export.<fmt>")
@admin_required
def export_participants(slug: str, fmt: str):
    event = get_event_or_404(slug)
    query = service.ListQuery.from_args(request.args)  # what the list shows: same search, filters and order
    if fmt == "csv":
        body, mimetype = importexport.export_csv(db.session, event, query, current_lang()), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body = importexport.export_xlsx(db.session, event, query, current_lang())
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        abort(404)
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="participants-{event.slug}.{fmt}"'})


# ------------------------------------------------------------------ outbox

@bp.route("/outbox")
@admin_required
def outbox_page():
    status = request.args.get("status", "")
    query = select(MailMessage).order_by(MailMessage.id.desc()).limit(200)
    if MailStatus.has(status):
        query = query.where(MailMessage.status == status)
    messages = db.session.scalars(query).all()
    counts = dict(db.session.execute(select(MailMessage.status, func.count()).group_by(MailMessage.status)).all())
    return render_template("participants/outbox.html", messages=messages, counts=counts, status=status,
                           statuses=MailStatus, configured=bool(current_app.config.get("MAIL_SERVER")))


@bp.route("/outbox/<int:message_id>")
@admin_required
def outbox_message(message_id: int):
    message = db.session.get(MailMessage, message_id)
    if message is None:
        abort(404)
    return render_template("participants/outbox_message.html", message=message)


@bp.route("/outbox/<int:message_id>/retry", methods=["POST"])
@admin_required
def outbox_retry(message_id: int):
    """Queue the message again; the background sender sends it after this request commits."""
    message = db.session.get(MailMessage, message_id)
    if message is None:
        abort(404)
    status = outbox.retry(db.session, message)
    flash(_("Message %(id)s: %(status)s.", id=message.id, status=str(MAIL_STATUS_LABELS.get(status, status))), "info")
    return redirect(url_for("participants.outbox_page"))


@bp.route("/outbox/send", methods=["POST"])
@admin_required
def outbox_send():
    """Wake the background sender now (it also looks every MAIL_POLL_SECONDS); the request sends nothing."""
    if outbox.wake(current_app):
        flash(_("Queued mail is being sent in the background. Reload this page in a moment."), "info")
    else:
        flash(_("No mail sender runs in this process: `flask plm send-mail` sends the queued mail."), "warning")
    return redirect(url_for("participants.outbox_page"))
