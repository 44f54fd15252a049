"""Delegation pages: the public page behind an institution's invitation link, and the staff pages
(partner list, invitations and reminders, seat caps, approval of pending registrations, matching)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from plm.admin.service import from_utc, to_utc
from plm.auth.decorators import role_required
from plm.delegations import importexport, messages, service
from plm.delegations.forms import (
    CapForm,
    DecisionForm,
    FreeSeatForm,
    ImportForm,
    InstitutionForm,
    MatchForm,
    MatchOneForm,
    SettingsForm,
)
from plm.delegations.models import Institution
from plm.errors import DeadLink
from plm.events import get_event_or_404
from plm.extensions import db, limiter
from plm.forms import CHANGED_SINCE_OPENED, row_id
from plm.i18n import deadline as format_deadline
from plm.labels import INSTITUTION_TYPE_LABELS
from plm.models import Event, Participant
from plm.participants.importexport import ImportFileError
from plm.questions import service as questions
from plm.registration import mails
from plm.registration import service as registration
from plm.registration.forms import RegistrationForm, registration_form
from plm.spreadsheets import FILE_ERROR_TEXT
from plm.transactions import fail
from plm.travel import service as travel
from plm.travel.errors import error_text as travel_error_text
from plm.travel.forms import PlanForm
from plm.vocabulary import ParticipantStatus, Role

bp = Blueprint("delegations", __name__)
staff = Blueprint("delegations_staff", __name__, url_prefix="/staff")

organizer_required = role_required(Role.ORGANIZER)

DELEGATION_ERRORS = {
    "no_seats": _l("All seats of your institution are taken. Replace a delegate or free a seat first."),
    "province_cap": _l("The seats for your province are all taken. Please contact the organisers."),
    "type_cap": _l("The seats for your type of institution are all taken. Please contact the organisers."),
    "deadline_passed": _l("Delegates can no longer be replaced or withdrawn here. Please contact the organisers."),
    "not_delegate": _l("This person is not a delegate of your institution."),
    "closed": _l("Registration is closed."),
    "duplicate_email": _l("This email address is already registered for this event."),
    "invalid": _l("Please correct the fields marked below."),
}
IMPORT_ERRORS = {
    "empty": _l("The file is empty."),
    "missing_columns": _l("The first row must name the columns; a name column (“nama instansi”) is required."),
    "too_many_rows": _l("The file has too many rows (at most 2,000)."),
    **FILE_ERROR_TEXT,
}
REASON_LABELS = {
    "missing_name": _l("The institution's name is missing"),
    "too_long": _l("Too long"),
    "bad_type": _l("Unknown institution type"),
    "unknown_province": _l("Unknown province"),
    "bad_phone": _l("Not a valid phone number"),
    "bad_email": _l("Not a valid email address"),
    "bad_seats": _l("Seats must be a whole number from 0 to 500"),
    "duplicate_in_file": _l("Same name as an earlier row of this file"),
}


# ------------------------------------------------------------------ the public delegation page

def _token_limit() -> str:
    return current_app.config["DELEGATION_TOKEN_RATE_LIMIT"]


def _token_key() -> str:
    """Per invitation link, not per network address: a whole delegation registers from one office."""
    return "delegation:" + ((request.view_args or {}).get("invite_token") or "")[:100]


def _institution_or_404(slug: str, invite_token: str) -> tuple[Event, Institution]:
    event = get_event_or_404(slug, public=True)
    institution = service.find_by_token(db.session, event, invite_token)
    if institution is None:
        raise DeadLink(_("This invitation link does not work. The committee may have made a new link for your "
                         "institution (the old one then stops working): ask them for the current link."),
                       (url_for("registration.event_home", slug=event.slug), event.name))
    return event, institution


def _page_context(event: Event, institution: Institution, invite_token: str) -> dict:
    people = service.delegates(db.session, institution)
    return dict(event=event, institution=institution, invite_token=invite_token, delegates=people,
                used=len(people), left=max(institution.seats - len(people), 0),
                can_substitute=service.substitution_open(event), state=event.registration_state(),
                type_label=INSTITUTION_TYPE_LABELS.get(institution.institution_type, institution.institution_type))


@bp.route("/e/<slug>/delegation/<invite_token>")
def delegation(slug: str, invite_token: str):
    event, institution = _institution_or_404(slug, invite_token)
    context = _page_context(event, institution, invite_token)
    return render_template("delegations/delegation.html", travel=travel.plans_of(db.session, context["delegates"]),
                           **context)


@bp.route("/e/<slug>/delegation/<invite_token>/opened", methods=["POST"])
@limiter.limit(_token_limit, key_func=_token_key)
def opened(slug: str, invite_token: str):
    """The delegation page, once loaded, says it was opened (static/js/delegation-opened.js): the GET
    itself writes nothing, so a link preview or mail scanner that only fetches the page counts for nothing.

    Not CSRF-exempt: the page hands its CSRF token to the script, so a foreign site cannot mark a link
    opened either; it would change only a timestamp, but keeping the app's one rule costs nothing."""
    _, institution = _institution_or_404(slug, invite_token)
    service.mark_opened(institution)
    return Response(status=204)


def _delegate_data(form: RegistrationForm) -> dict:
    return {name: form[name].data for name in RegistrationForm.FIELD_ORDER if name in form}


def _queue_delegate_mail(result: registration.Registered):
    kind = {ParticipantStatus.REGISTERED: "confirmation", ParticipantStatus.PENDING: "pending"}.get(result.participant.status, "waitlisted")
    return mails.queue_ticket_mail(db.session, result.participant, kind, result.token)


@bp.route("/e/<slug>/delegation/<invite_token>/add", methods=["GET", "POST"])
@limiter.limit(_token_limit, methods=["POST"], key_func=_token_key)
def add_delegate(slug: str, invite_token: str):
    event, institution = _institution_or_404(slug, invite_token)
    form = registration_form(event, for_delegation=True)
    error = None
    if form.is_submitted() and event.registration_state() == "open":
        if form.website.data:
            error = DELEGATION_ERRORS["invalid"]
        elif not form.validate():
            error = DELEGATION_ERRORS["invalid"]
        elif (twice := service.own_delegate_by_email(db.session, event, institution, form.email.data)) is not None:
            flash(_("%(name)s is already registered for your institution (the form was sent twice).",
                    name=twice.full_name), "info")
            return redirect(url_for("delegations.delegation", slug=slug, invite_token=invite_token))
        else:
            result, error = _save_delegate(form, lambda: service.add_delegate(
                db.session, event, institution, _delegate_data(form)), mark_email=True)
            if result is not None:
                flash(_("%(name)s is registered. The ticket and personal link were sent to %(email)s.",
                        name=result.participant.full_name, email=result.participant.email)
                      if result.participant.status == ParticipantStatus.REGISTERED else
                      _("%(name)s is on the list (%(status)s). We sent a message to %(email)s.",
                        name=result.participant.full_name, email=result.participant.email,
                        status=_status_text(result.participant.status)), "success")
                return redirect(url_for("delegations.delegation", slug=slug, invite_token=invite_token))
    context = _page_context(event, institution, invite_token)
    return render_template("delegations/delegate_form.html", form=form, error=error, replacing=None, **context)


def _save_delegate(form, save: Callable[[], registration.Registered],
                   mark_email: bool = False) -> tuple[registration.Registered | None, str | None]:
    """Register the form's person through *save* (add or replace), with their answers and the mail: the
    result, or None and the error to show (nothing kept). *mark_email*: a known duplicate address is also
    marked on the email field."""
    try:
        result = save()
        questions.save_answers(db.session, result.participant, form.questions, form)
        _queue_delegate_mail(result)
        db.session.flush()  # a duplicate shows here, while the route can still answer
    except (service.DelegationError, registration.RegistrationError) as exc:
        fail(db.session)
        error = DELEGATION_ERRORS.get(exc.code, DELEGATION_ERRORS["invalid"])
        if mark_email and exc.code == "duplicate_email":
            form.email.errors = list(form.email.errors) + [error]
        return None, error
    except IntegrityError:
        fail(db.session)
        return None, DELEGATION_ERRORS["duplicate_email"]
    return result, None


def _status_text(status: str) -> str:
    from plm.labels import STATUS_LABELS

    return str(STATUS_LABELS.get(status, status))


def _delegate_or_404(institution: Institution, public_id: str) -> Participant:
    person = service.get_delegate(db.session, institution, public_id[:16])
    if person is None:
        abort(404)
    return person


@bp.route("/e/<slug>/delegation/<invite_token>/replace/<public_id>", methods=["GET", "POST"])
@limiter.limit(_token_limit, methods=["POST"], key_func=_token_key)
def replace_delegate(slug: str, invite_token: str, public_id: str):
    event, institution = _institution_or_404(slug, invite_token)
    old = _delegate_or_404(institution, public_id)
    form = registration_form(event, for_delegation=True)
    error = None if service.substitution_open(event) else DELEGATION_ERRORS["deadline_passed"]
    if form.is_submitted() and error is None:
        if not form.website.data and form.validate():
            result, error = _save_delegate(form, lambda: service.replace_delegate(
                db.session, event, institution, old, _delegate_data(form)))
            if result is not None:
                flash(_("%(new)s replaces %(old)s. %(old)s's ticket no longer works; the new ticket and personal "
                        "link were sent to %(email)s.", new=result.participant.full_name, old=old.full_name,
                        email=result.participant.email), "success")
                return redirect(url_for("delegations.delegation", slug=slug, invite_token=invite_token))
        else:
            error = DELEGATION_ERRORS["invalid"]
    context = _page_context(event, institution, invite_token)
    return render_template("delegations/delegate_form.html", form=form, error=error, replacing=old, **context)


@bp.route("/e/<slug>/delegation/<invite_token>/free/<public_id>", methods=["GET", "POST"])
@limiter.limit(_token_limit, methods=["POST"], key_func=_token_key)
def free_seat(slug: str, invite_token: str, public_id: str):
    event, institution = _institution_or_404(slug, invite_token)
    person = _delegate_or_404(institution, public_id)
    form = FreeSeatForm()
    error = None if service.substitution_open(event) else DELEGATION_ERRORS["deadline_passed"]
    if error is None and form.validate_on_submit():
        try:
            promoted = service.free_seat(db.session, event, institution, person)
        except service.DelegationError as exc:
            fail(db.session)
            error = DELEGATION_ERRORS[exc.code]
        else:
            for person_promoted in promoted:
                mails.queue_ticket_mail(db.session, person_promoted, "promoted")
            flash(_("%(name)s's registration is cancelled; the seat is free.", name=person.full_name), "info")
            return redirect(url_for("delegations.delegation", slug=slug, invite_token=invite_token))
    context = _page_context(event, institution, invite_token)
    return render_template("delegations/free_seat.html", form=form, person=person, error=error, **context)


@bp.route("/e/<slug>/delegation/<invite_token>/travel/<public_id>", methods=["GET", "POST"])
@limiter.limit(_token_limit, methods=["POST"], key_func=_token_key)
def delegate_travel(slug: str, invite_token: str, public_id: str):
    """The contact fills a delegate's travel (issue 18): the participant's own form, under the same deadline,
    audited as done by the contact."""
    event, institution = _institution_or_404(slug, invite_token)
    person = _delegate_or_404(institution, public_id)
    plan = travel.plan_for(db.session, person)
    form = PlanForm()
    closed = travel.deadline_passed(db.session, event)
    if request.method == "POST":
        if closed:
            flash(travel_error_text("deadline_passed"), "error")
        elif form.validate():
            try:
                travel.save_plan(db.session, event, person, form.to_input(event), by="contact", on_behalf={
                    "institution_id": institution.id, "contact_name": institution.contact_name,
                    "contact_email": institution.contact_email})
            except travel.TravelError as exc:
                fail(db.session)
                flash(travel_error_text(exc.code, **exc.detail), "error")
                if exc.code == "changed_meanwhile":
                    form.fill(event, travel.plan_for(db.session, person), person)
            else:
                flash(_("Travel saved for %(name)s.", name=person.full_name), "success")
                return redirect(url_for("delegations.delegation", slug=slug, invite_token=invite_token))
    else:
        form.fill(event, plan, person)
    page = render_template("delegations/travel.html", form=form, person=person, plan=plan, closed=closed,
                           settings=travel.settings_for(db.session, event), points=travel.points(db.session, event),
                           **_page_context(event, institution, invite_token))
    return page, 403 if closed and request.method == "POST" else 200


# ------------------------------------------------------------------ staff: overview and settings

def _invitation(event: Event, institution: Institution, token: str, reminder: bool = False) -> dict:
    url = messages.invitation_url(event, token)
    left = max(institution.seats - service.seats_used(db.session, institution), 0)
    text = messages.invitation_text(event, institution, url, format_deadline(event.registration_closes_at, event),
                                    left, reminder=reminder)
    return {"url": url, "text": text, "whatsapp": messages.whatsapp_invitation(institution, text)}


@staff.route("/events/<slug>/delegations")
@organizer_required
def overview(slug: str):
    event = get_event_or_404(slug)
    rows = service.overview(db.session, event)
    limits = service.caps(db.session, event)
    secret = current_app.config["SECRET_KEY"]
    reminders = {row.institution.id: _invitation(event, row.institution, token, reminder=True)["whatsapp"]
                 for row in rows if row.behind and (token := row.institution.invite_token(secret))}
    settings = SettingsForm(formdata=None, registration_mode=event.registration_mode,
                            substitution_deadline=from_utc(event.substitution_deadline, event.timezone))
    return render_template(
        "delegations/overview.html", event=event, rows=rows, reminders=reminders,
        provinces=service.grouped(rows, "province", limits), types=service.grouped(rows, "institution_type", limits),
        settings=settings, cap_form=CapForm(formdata=None), pending_count=len(service.pending(db.session, event)),
        totals={"offered": sum(r.institution.seats for r in rows), "filled": sum(r.filled for r in rows),
                "pending": sum(r.pending for r in rows), "behind": sum(1 for r in rows if r.behind)})


@staff.route("/events/<slug>/delegations/settings", methods=["POST"])
@organizer_required
def save_settings(slug: str):
    event = get_event_or_404(slug)
    form = SettingsForm()
    if form.validate_on_submit():
        service.set_mode(db.session, event, form.registration_mode.data,
                         to_utc(form.substitution_deadline.data, event.timezone), current_user)
        flash(_("Settings saved."), "success")
    else:
        flash(_("Please correct the settings: %(errors)s", errors="; ".join(e for errs in form.errors.values() for e in errs)), "error")
    return redirect(url_for("delegations_staff.overview", slug=slug))


@staff.route("/events/<slug>/delegations/caps", methods=["POST"])
@organizer_required
def save_cap(slug: str):
    event = get_event_or_404(slug)
    form = CapForm()
    value = form.province.data if form.kind.data == "province" else form.institution_type.data
    if form.validate_on_submit() and value:
        service.set_cap(db.session, event, form.kind.data, value, form.seats.data, current_user)
        flash(_("Cap saved."), "success")
    else:
        flash(_("Choose a province or a type of institution."), "error")
    return redirect(url_for("delegations_staff.overview", slug=slug) + "#caps")


@staff.route("/events/<slug>/delegations/export.<fmt>")
@organizer_required
def export(slug: str, fmt: str):
    event = get_event_or_404(slug)
    if fmt == "csv":
        body, mimetype = importexport.export_csv(db.session, event), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body = importexport.export_xlsx(db.session, event)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        abort(404)
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="delegations-{event.slug}.{fmt}"'})


# ------------------------------------------------------------------ staff: one institution

@staff.route("/events/<slug>/delegations/new", methods=["GET", "POST"])
@staff.route("/events/<slug>/delegations/<int:institution_id>", methods=["GET", "POST"])
@organizer_required
def edit(slug: str, institution_id: int | None = None):
    event = get_event_or_404(slug)
    institution = None
    if institution_id is not None:
        institution = _staff_institution_or_404(event, institution_id)
    form = InstitutionForm(obj=institution)
    if form.is_submitted() and form.changed_since_opened(institution):
        flash(str(CHANGED_SINCE_OPENED), "error")
        form = InstitutionForm(formdata=None, obj=institution)
    elif form.validate_on_submit():
        data = {name: form[name].data for name in service.INSTITUTION_FIELDS}
        try:
            institution = service.save_institution(db.session, event, data, current_user, institution)
            db.session.flush()  # a duplicate shows here, while the route can still answer
        except service.DelegationError:
            fail(db.session)
            form.name.errors = list(form.name.errors) + [_("Another institution of this event has this name.")]
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("delegations_staff.edit", slug=slug, institution_id=institution.id))
    form.remember(institution)
    invitation = None
    people = []
    if institution is not None:
        token = institution.invite_token(current_app.config["SECRET_KEY"])
        invitation = _invitation(event, institution, token) if token else None
        people = service.delegates(db.session, institution, include_cancelled=True)
    return render_template("delegations/institution.html", event=event, institution=institution, form=form,
                           invitation=invitation, delegates=people)


def _staff_institution_or_404(event: Event, institution_id: int) -> Institution:
    institution = service.get_institution(db.session, event, institution_id)
    if institution is None:
        abort(404)
    return institution


@staff.route("/events/<slug>/delegations/<int:institution_id>/invite", methods=["POST"])
@organizer_required
def invite(slug: str, institution_id: int):
    """Make the invitation link, or a new one (the old link stops working)."""
    event = get_event_or_404(slug)
    institution = _staff_institution_or_404(event, institution_id)
    had_link = institution.invite_nonce is not None
    service.issue_invitation(db.session, institution, current_app.config["SECRET_KEY"], current_user)
    flash(_("A new link was made: the old link no longer works. Send the new one.") if had_link
          else _("The invitation link is ready: send it by WhatsApp or email."), "success")
    return redirect(url_for("delegations_staff.edit", slug=slug, institution_id=institution.id) + "#invitation")


@staff.route("/events/<slug>/delegations/<int:institution_id>/send", methods=["POST"])
@organizer_required
def send_invitation(slug: str, institution_id: int):
    """Queue the invitation (or, once delegates are registered, a reminder) to the contact's email."""
    event = get_event_or_404(slug)
    institution = _staff_institution_or_404(event, institution_id)
    sent = _send(event, [institution])
    flash(_("The message is in the outbox for %(email)s.", email=institution.contact_email) if sent
          else _("This institution has no contact email."), "success" if sent else "error")
    return redirect(url_for("delegations_staff.edit", slug=slug, institution_id=institution.id) + "#invitation")


def _send(event: Event, institution_list: list[Institution]) -> int:
    secret = current_app.config["SECRET_KEY"]
    queued = []
    for institution in institution_list:
        reminder = institution.invite_nonce is not None and institution.invite_issued_at is not None \
            and (institution.first_active_at is not None or institution.last_reminded_at is not None)
        token = service.current_token(db.session, institution, secret, current_user)
        invitation = _invitation(event, institution, token, reminder=reminder)
        message = messages.queue_invitation(db.session, event, institution, invitation["text"], reminder=reminder)
        if message is not None:
            queued.append(message)
    service.mark_reminded(db.session, [i for i in institution_list if i.contact_email], current_user)
    return len(queued)


@staff.route("/events/<slug>/delegations/remind", methods=["POST"])
@organizer_required
def remind(slug: str):
    """Email every institution with seats still empty."""
    event = get_event_or_404(slug)
    behind = [row.institution for row in service.overview(db.session, event) if row.behind]
    sent = _send(event, behind)
    flash(_("%(n)s reminders are in the outbox.", n=sent), "success")
    return redirect(url_for("delegations_staff.overview", slug=slug))


# ------------------------------------------------------------------ staff: import

@staff.route("/events/<slug>/delegations/import", methods=["GET", "POST"])
@organizer_required
def import_institutions(slug: str):
    event = get_event_or_404(slug)
    form = ImportForm()
    plan = None
    applied = False
    if form.validate_on_submit():
        upload = form.file.data
        try:
            plan = importexport.plan_import(db.session, event, upload.read(), upload.filename or "")
        except ImportFileError as exc:
            flash(str(IMPORT_ERRORS.get(str(exc), IMPORT_ERRORS["unreadable_csv"])), "error")
        else:
            if not form.dry_run.data and not plan.refused:
                importexport.apply_import(db.session, event, plan, current_user)
                applied = True
                flash(_("Imported: %(add)s new, %(update)s updated.", add=len(plan.to_add), update=len(plan.to_update)), "success")
            elif not form.dry_run.data:
                flash(_("Nothing was imported: correct the rows listed below and read the file again."), "error")
    columns = {name: form_field.label.text for name, form_field in InstitutionForm(formdata=None)._fields.items()}
    return render_template("delegations/import.html", event=event, form=form, plan=plan, applied=applied,
                           reasons=REASON_LABELS, columns=columns)


# ------------------------------------------------------------------ staff: approval

@staff.route("/events/<slug>/approvals", methods=["GET", "POST"])
@organizer_required
def approvals(slug: str):
    event = get_event_or_404(slug)
    people = service.pending(db.session, event)
    form = DecisionForm()
    form.ids.choices = [(p.public_id, p.full_name) for p in people]
    if form.validate_on_submit():
        chosen = [p for p in people if p.public_id in set(form.ids.data or [])]
        if not chosen:
            flash(_("Select at least one registration."), "error")
        elif form.decline.data:
            if not form.reason.data:
                flash(_("Give a reason: it is sent to those declined."), "error")
                return render_template("delegations/approvals.html", event=event, people=people, form=form)
            done = service.decline(db.session, event, chosen, form.reason.data, current_user)
            for person_declined in done:
                mails.queue_ticket_mail(db.session, person_declined, "declined", reason=form.reason.data)
            flash(_("%(n)s registrations declined; each person was told by email.", n=len(done)), "info")
            return redirect(url_for("delegations_staff.approvals", slug=slug))
        else:
            done = service.approve(db.session, event, chosen, current_user)  # queues the ticket mails
            flash(_("%(n)s registrations approved; the tickets were sent by email.", n=len(done)), "success")
            return redirect(url_for("delegations_staff.approvals", slug=slug))
    return render_template("delegations/approvals.html", event=event, people=people, form=form)


# ------------------------------------------------------------------ staff: matching free-text institutions

@staff.route("/events/<slug>/delegations/match", methods=["GET", "POST"])
@organizer_required
def match(slug: str):
    event = get_event_or_404(slug)
    form = MatchForm()
    plan = service.plan_match_by_name(db.session, event)
    if form.validate_on_submit() and form.apply.data:
        for participant, institution in plan.matches:
            service.match(db.session, participant, institution, current_user)
        flash(_("%(n)s participants were linked to their institution.", n=len(plan.matches)), "success")
        return redirect(url_for("delegations_staff.match", slug=slug))
    choices = [("", _("— choose —"))] + [(str(i.id), i.name) for i in service.institutions(db.session, event)]
    return render_template("delegations/match.html", event=event, form=form, plan=plan, dry_run=form.is_submitted(),
                           one_form=MatchOneForm(formdata=None), choices=choices)


@staff.route("/events/<slug>/delegations/match/<public_id>", methods=["POST"])
@organizer_required
def match_one(slug: str, public_id: str):
    event = get_event_or_404(slug)
    participant = db.session.scalar(select(Participant).where(Participant.event_id == event.id,
                                                              Participant.public_id == public_id[:16]))
    if participant is None:
        abort(404)
    form = MatchOneForm()
    institution = None
    if form.validate_on_submit() and (institution_id := row_id(form.institution_id.data)):
        institution = service.get_institution(db.session, event, institution_id)
    if institution is None:
        flash(_("Choose an institution."), "error")
    else:
        service.match(db.session, participant, institution, current_user)
        flash(_("%(name)s is linked to %(institution)s.", name=participant.full_name, institution=institution.name), "success")
    return redirect(url_for("delegations_staff.match", slug=slug))
