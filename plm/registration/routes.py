"""Public pages: the list of events, each event's home, sign-up and manage-my-registration."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from plm.events import get_event_or_404, get_participant_by_token_or_404
from plm.extensions import db, limiter
from plm.links import absolute_url
from plm.models import Event, Participant, utcnow
from plm.questions import service as questions
from plm.questions.forms import build_question_fields, current_lang, initial_data
from plm.registration import mails, service
from plm.registration.forms import (
    CancelForm,
    DetailsForm,
    EmailChangeForm,
    RegistrationForm,
    ResendLinkForm,
    registration_form,
)
from plm.registration.ticket import ticket_code, ticket_pdf, ticket_png, ticket_svg
from plm.transactions import fail
from plm.vocabulary import ParticipantStatus, RegistrationSource

bp = Blueprint("registration", __name__)

EMAIL_CHANGE_MAX_AGE = 3 * 24 * 3600


def _registration_limit() -> str:
    return current_app.config["REGISTRATION_RATE_LIMIT"]


def _resend_email_limit() -> str:
    return current_app.config["RESEND_LINK_EMAIL_RATE_LIMIT"]


def _resend_email_key() -> str:
    """Per address (from any client): nobody can fill a participant's inbox with link mails."""
    return "resend-link:" + (request.form.get("email") or "").strip().lower()[:254]


def _registration_email_limit() -> str:
    return current_app.config["REGISTRATION_EMAIL_RATE_LIMIT"]


def _registration_flood_limit() -> str:
    return current_app.config["REGISTRATION_FLOOD_LIMIT"]


def _link_mail_limit() -> str:
    return current_app.config["LINK_MAIL_RATE_LIMIT"]


def _email_key() -> str:
    """The limit key for one address at one event (a constant when none was typed)."""
    email = (request.form.get("email") or "").strip().lower()[:254]
    return f"{(request.view_args or {}).get('slug', '')}:{email or '-'}"


def _registered_here(response) -> bool:
    return bool(g.get("plm_registration_done"))


def _reached_service(response) -> bool:
    return bool(g.get("plm_registration_tried"))


def _registration_limited(limit) -> Response:
    """A registration refused by a limit: the form again, with what was typed, and why (429)."""
    event = get_event_or_404(request.view_args["slug"], public=True)
    form = registration_form(event)
    retry = max(int(limit.reset_at - utcnow().timestamp()), 1) if getattr(limit, "reset_at", None) else 60
    body = render_template("registration/register.html", event=event, form=form, state=event.public_registration_state(),
                           duplicate=False, resend_form=None, refused=False, rate_limited=True,
                           retry_minutes=max((retry + 59) // 60, 1), seats_left=service.seats_left(db.session, event))
    return Response(body, status=429, headers={"Retry-After": str(retry)})


@bp.route("/")
def index():
    today = (utcnow() - timedelta(days=1)).date()
    events = db.session.scalars(
        select(Event).where(Event.archived.is_(False), Event.ends_on >= today).order_by(Event.starts_on)
    ).all()
    return render_template("registration/index.html", events=events)


@bp.route("/e/<slug>/")
def event_home(slug: str):
    event = get_event_or_404(slug, public=True)
    return render_template("registration/event_home.html", event=event,
                           seats_left=service.seats_left(db.session, event),
                           registration_state=event.public_registration_state())


@bp.route("/e/<slug>/logo")
def event_logo(slug: str):
    event = get_event_or_404(slug, public=True)
    if not event.logo_path:
        abort(404)
    folder = current_app.config["UPLOAD_FOLDER"]
    return send_from_directory(folder, event.logo_path, max_age=3600)


# ------------------------------------------------------------------ sign-up

@bp.route("/e/<slug>/register", methods=["GET", "POST"])
@limiter.limit(_registration_limit, methods=["POST"], deduct_when=_registered_here,
               on_breach=_registration_limited)
@limiter.limit(_registration_email_limit, methods=["POST"], key_func=_email_key, deduct_when=_reached_service,
               on_breach=_registration_limited)
@limiter.limit(_registration_flood_limit, methods=["POST"], on_breach=_registration_limited)
def register(slug: str):
    event = get_event_or_404(slug, public=True)
    form = registration_form(event)
    state = event.public_registration_state()
    duplicate = False
    resend_form = None
    refused = False
    if state == "open" and form.is_submitted():
        if form.website.data:  # honeypot: a person never sees this field
            refused = True
        elif form.validate():
            data = {name: form[name].data for name in RegistrationForm.FIELD_ORDER if name in form}
            g.plm_registration_tried = True
            try:
                result = service.register(db.session, event, data)
                questions.save_answers(db.session, result.participant, form.questions, form)
                kind = {ParticipantStatus.REGISTERED: "confirmation", ParticipantStatus.PENDING: "pending"}.get(result.participant.status, "waitlisted")
                mails.queue_ticket_mail(db.session, result.participant, kind, result.token)
                db.session.flush()  # a duplicate shows here, while the route can still answer
            except service.RegistrationError as exc:
                fail(db.session)
                if exc.code != "duplicate_email":
                    raise
                duplicate = True
            except IntegrityError:  # the same address sent twice at the same moment
                fail(db.session)
                duplicate = True
            else:
                g.plm_registration_done = True
                # The token goes into the address, never into the session cookie (a signed, readable,
                # replayable cookie would carry the secret of the link beyond this browser tab).
                return redirect(url_for("registration.registered", slug=event.slug, token=result.token))
            if duplicate:
                form.email.errors = list(form.email.errors) + [_("This email address is already registered for this event.")]
                resend_form = ResendLinkForm(formdata=None, email=form.email.data)
    return render_template("registration/register.html", event=event, form=form, state=state,
                           duplicate=duplicate, resend_form=resend_form, refused=refused,
                           seats_left=service.seats_left(db.session, event))


@bp.route("/e/<slug>/registered")
def registered_without_link(slug: str):
    """The old confirmation address (it kept the link in the session cookie): the event's page."""
    event = get_event_or_404(slug, public=True)
    return redirect(url_for("registration.event_home", slug=event.slug))


@bp.route("/e/<slug>/me/<token>/registered")
def registered(slug: str, token: str):
    """The confirmation page: the personal link, the ticket and what to do next (it is also in the mail)."""
    event = get_event_or_404(slug, public=True)
    participant = get_participant_by_token_or_404(event, token)
    return render_template("registration/registered.html", **_ticket_context(event, participant, token))


@bp.route("/e/<slug>/resend-link", methods=["GET", "POST"])
@limiter.limit(_link_mail_limit, methods=["POST"])
@limiter.limit(_resend_email_limit, methods=["POST"], key_func=_resend_email_key)
def resend_link(slug: str):
    """Mail a new manage link to a registered address; the answer is the same whether or not it is."""
    event = get_event_or_404(slug, public=True)
    form = ResendLinkForm()
    if form.validate_on_submit():
        participant = service.find_by_email(db.session, event, form.email.data)
        if participant is not None and not service.has_placeholder_email(participant):
            # Offered, not issued: the working link stays valid until this one is opened.
            token = participant.offer_manage_token()
            mails.queue_ticket_mail(db.session, participant, "new_link", token)
        flash(_("If this address is registered for the event, a new personal link is on its way to it. "
                "Your current link keeps working until you open the new one."), "info")
        return redirect(url_for("registration.event_home", slug=event.slug))
    return render_template("registration/resend.html", event=event, form=form)


# ------------------------------------------------------------------ manage my registration

def _ticket_context(event: Event, participant: Participant, token: str) -> dict:
    link = mails.manage_url(event, token)
    return dict(
        event=event, participant=participant, token=token, link=link,
        qr=ticket_svg(participant, title=_("Ticket QR code")) if participant.status == ParticipantStatus.REGISTERED else None,
        code=ticket_code(participant) if participant.status == ParticipantStatus.REGISTERED else None,
        position=service.waitlist_position(db.session, participant),
        whatsapp=mails.whatsapp_link(mails.whatsapp_manage_text(event, link)),
    )


@bp.route("/e/<slug>/me/<token>", methods=["GET", "POST"])
def manage(slug: str, token: str):
    event = get_event_or_404(slug, public=True)
    participant = get_participant_by_token_or_404(event, token)
    # The answers can change until registration closes; after that they are shown, not asked.
    answerable = event.registration_state() != "closed"
    asked = questions.list_questions(db.session, event.id, for_delegation=False) if answerable else []
    answers = questions.answers_of(db.session, participant.id)
    form_class = build_question_fields(DetailsForm, asked, answers=answers)
    form = form_class(obj=participant, **initial_data(asked, answers))
    if participant.status != ParticipantStatus.CANCELLED and form.validate_on_submit():
        data = {name: form[name].data for name in service.EDITABLE_FIELDS}
        changes = service.update_details(db.session, participant, data)
        changes = bool(changes) | bool(questions.save_answers(db.session, participant, form.questions, form))
        flash(_("Your details are saved.") if changes else _("Nothing was changed."), "success")
        return redirect(url_for("registration.manage", slug=slug, token=token))
    from plm.evaluations.service import for_participant
    from plm.lodging.service import my_room

    return render_template("registration/manage.html", form=form, cancel_form=CancelForm(formdata=None),
                           my_room=my_room(db.session, event, participant),
                           email_form=EmailChangeForm(formdata=None),
                           evaluations=for_participant(db.session, event, participant),
                           answers=questions.participant_answers(db.session, participant, current_lang()),
                           **_ticket_context(event, participant, token))


@bp.route("/e/<slug>/me/<token>/cancel", methods=["POST"])
def cancel(slug: str, token: str):
    event = get_event_or_404(slug, public=True)
    participant = get_participant_by_token_or_404(event, token)
    form = CancelForm()
    if not form.validate_on_submit():
        flash(_("Tick the box to confirm the cancellation."), "error")
        return redirect(url_for("registration.manage", slug=slug, token=token) + "#cancel")
    promoted = service.cancel(db.session, participant)
    for person in promoted:
        mails.queue_ticket_mail(db.session, person, "promoted")
    flash(_("Your registration is cancelled. Thank you for letting us know."), "info")
    return redirect(url_for("registration.manage", slug=slug, token=token))


@bp.route("/e/<slug>/me/<token>/reinstate", methods=["POST"])
def reinstate(slug: str, token: str):
    event = get_event_or_404(slug, public=True)
    participant = get_participant_by_token_or_404(event, token)
    if event.registration_state() != "open":
        flash(_("Registration is closed."), "error")
    elif participant.institution_id is not None and participant.source == RegistrationSource.DELEGATION:
        # A delegate's seat belongs to the institution: its contact may have given it to someone else.
        flash(_("Your seat belongs to your institution's delegation: ask its contact person to register you again."), "error")
    else:
        service.reinstate(db.session, participant)
        flash({ParticipantStatus.REGISTERED: _("You are registered again."),
               ParticipantStatus.PENDING: _("Your registration is sent again; the organisers will review it.")}.get(
                  participant.status, _("You are on the waiting list again.")), "success")
    return redirect(url_for("registration.manage", slug=slug, token=token))


def _email_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="plm-email-change")


@bp.route("/e/<slug>/me/<token>/email", methods=["POST"])
@limiter.limit(_link_mail_limit)
def change_email(slug: str, token: str):
    event = get_event_or_404(slug, public=True)
    participant = get_participant_by_token_or_404(event, token)
    form = EmailChangeForm()
    if form.validate_on_submit():
        new_email = form.email.data
        payload = {"p": participant.public_id, "old": participant.email_normalized, "new": new_email}
        signed = _email_serializer().dumps(payload)
        url = absolute_url("registration.confirm_email", slug=event.slug, signed=signed)
        mails.queue_email_change(db.session, participant, new_email, url)
        flash(_("We sent a confirmation link to %(email)s. Your address changes when you open it.", email=new_email), "info")
    else:
        for error in form.email.errors:
            flash(error, "error")
    return redirect(url_for("registration.manage", slug=slug, token=token))


@bp.route("/e/<slug>/me/<token>/open", methods=["POST"])
def open_link(slug: str, token: str):
    """The first use of a re-sent link (the form its GET shows): from now on it is the only link."""
    event = get_event_or_404(slug, public=True)
    get_participant_by_token_or_404(event, token)  # a POST with the offered link promotes it
    home = url_for("registration.manage", slug=event.slug, token=token)
    target = request.form.get("next") or ""
    return redirect(target if target == home or target.startswith(home + "/") else home, 303)


@bp.route("/e/<slug>/confirm-email/<signed>", methods=["GET", "POST"])
def confirm_email(slug: str, signed: str):
    """The link mailed to a new address. GET shows a form that POSTs back here (sent at once by a script,
    or by its button): a mail scanner that only opens the link changes nothing."""
    event = get_event_or_404(slug, public=True)
    try:
        payload = _email_serializer().loads(signed, max_age=EMAIL_CHANGE_MAX_AGE)
    except SignatureExpired:
        return render_template("registration/message.html", event=event, title=_("Link expired"),
                               message=_("This confirmation link has expired. Ask for a new one on your registration page.")), 410
    except BadSignature:
        abort(404)
    participant = db.session.scalar(select(Participant).where(
        Participant.public_id == payload.get("p"), Participant.event_id == event.id))
    if participant is None or participant.email_normalized != payload.get("old"):
        return render_template("registration/message.html", event=event, title=_("Link already used"),
                               message=_("This confirmation link was already used or is no longer valid.")), 410
    if request.method != "POST":
        return render_template("registration/confirm_post.html", event=event, title=_("Confirm your new address"),
                               message=_("Your registration will use %(email)s.", email=payload["new"]),
                               button=_("Confirm the new address"), action=request.path, next="")
    try:
        service.update_details(db.session, participant, {"email": payload["new"]}, allow_email=True)
        db.session.flush()  # a duplicate shows here, while the route can still answer
    except (service.RegistrationError, IntegrityError):
        fail(db.session)
        return render_template("registration/message.html", event=event, title=_("Address already registered"),
                               message=_("Another registration for this event already uses this address.")), 409
    return render_template("registration/message.html", event=event, title=_("Email address changed"),
                           message=_("Your registration now uses %(email)s.", email=participant.email))


def _ticket_download(slug: str, token: str):
    event = get_event_or_404(slug, public=True)
    participant = get_participant_by_token_or_404(event, token)
    if participant.status != ParticipantStatus.REGISTERED:
        abort(404)
    return participant


@bp.route("/e/<slug>/me/<token>/ticket.png")
def ticket_png_download(slug: str, token: str):
    participant = _ticket_download(slug, token)
    return Response(ticket_png(participant), mimetype="image/png", headers={
        "Content-Disposition": f'attachment; filename="ticket-{participant.public_id}.png"',
        "Cache-Control": "private, no-store"})


@bp.route("/e/<slug>/me/<token>/ticket.pdf")
def ticket_pdf_download(slug: str, token: str):
    participant = _ticket_download(slug, token)
    return Response(ticket_pdf(participant), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="ticket-{participant.public_id}.pdf"',
        "Cache-Control": "private, no-store"})
