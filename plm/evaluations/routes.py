"""Evaluation pages: staff make and edit forms, show the QR on screen, read results and send reminders
(/staff/events/<slug>/evaluations); participants answer from the short link or their manage link (/e/<slug>/q/...)."""

from __future__ import annotations

import hashlib
from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from plm import charts
from plm.admin.service import from_utc, to_utc
from plm.auth.decorators import role_required
from plm.evaluations import service
from plm.evaluations.forms import CreateForm, IdentifyForm, SettingsForm
from plm.evaluations.models import FormKind, Phase, Questionnaire
from plm.events import get_event_or_404, get_participant_by_token_or_404
from plm.extensions import db
from plm.forms import CHANGED_SINCE_OPENED
from plm.links import absolute_url
from plm.models import Event, EventSession, Participant
from plm.qr import qr_svg
from plm.registration.mails import whatsapp_link
from plm.transactions import fail
from plm.vocabulary import NON_PROGRAMME_KINDS, Role

bp = Blueprint("evaluations", __name__, url_prefix="/staff/events/<slug>/evaluations")
public = Blueprint("evaluations_public", __name__)

staff = role_required(Role.ORGANIZER, Role.FACILITATOR)

IDENTITY_KEY = "plm_evaluator"


def error_text(code: str) -> str:
    return str({
        "closed": _l("This form is not open now."),
        "not_eligible": _l("This form is for the people who attended; your check-in was not found."),
        "already_answered": _l("You have already answered this anonymous form. Thank you!"),
        "missing": _l("Please answer every question marked with *."),
        "bad_value": _l("One of the answers is not one of the choices."),
        "bad_ticket": _l("That is not a valid ticket code of this event. Copy it exactly as on your ticket page."),
        "bad_correct": _l("Right answers: give the numbers of existing choices (one for a one-choice question)."),
        "rating_needs_five": _l("A rating needs five labels, one a line."),
        "choice_needs_two": _l("A choice question needs at least two choices, one a line."),
    }.get(code, _l("That did not work.")))


def lang() -> str:
    return str(get_locale() or "id")[:2]


# ---------------------------------------------------------------------------------------------
# Staff
# ---------------------------------------------------------------------------------------------

def _form_or_404(event: Event, form_id: int) -> Questionnaire:
    form = service.get_form(db.session, event, form_id)
    if form is None:
        abort(404)
    if not service.may_edit(db.session, current_user, form):
        abort(403)
    return form


def _scope_choices(event: Event) -> list[SelectChoice]:
    """Where a new form can go: the whole event and each day (admins and organizers), each session
    (a facilitator: their own)."""
    choices = []
    if current_user.role in (Role.ADMIN, Role.ORGANIZER):
        choices.append(SelectChoice("event", _("Whole event")))
        for number in range((event.ends_on - event.starts_on).days + 1):
            day = date.fromordinal(event.starts_on.toordinal() + number)
            choices.append(SelectChoice(f"day:{day.isoformat()}", _("Day %(n)s", n=number + 1)))
    sessions = db.session.scalars(select(EventSession).where(
        EventSession.event_id == event.id, EventSession.kind.not_in(NON_PROGRAMME_KINDS),
        EventSession.cancelled_at.is_(None)).order_by(EventSession.starts_at, EventSession.id)).all()
    mine = None if current_user.role in (Role.ADMIN, Role.ORGANIZER) else service.facilitator_session_ids(
        db.session, event, current_user)
    for item in sessions:
        if mine is None or item.id in mine:
            choices.append(SelectChoice(f"session:{item.id}", item.title[:80]))
    return choices


@bp.route("")
@staff
def index(slug: str):
    event = get_event_or_404(slug)
    forms = service.forms_for_user(db.session, event, current_user)
    create = CreateForm(formdata=None)
    create.scope.choices = _scope_choices(event)
    return render_template("evaluations/index.html", event=event, forms=forms, create=create, lang=lang())


@bp.route("/new", methods=["POST"])
@staff
def create(slug: str):
    event = get_event_or_404(slug)
    form = CreateForm()
    form.scope.choices = _scope_choices(event)
    if not form.validate_on_submit():
        flash(_("Choose what the form is for."), "error")
        return redirect(url_for("evaluations.index", slug=slug))
    scope, _sep, value = form.scope.data.partition(":")
    item = db.session.get(EventSession, int(value)) if scope == "session" else None
    day = date.fromisoformat(value) if scope == "day" else None
    made = service.create_from_starter(db.session, event, form.kind.data, event_session=item, day=day, user=current_user)
    flash(_("The form is made from the usual questions; change them as you need."), "success")
    return redirect(url_for("evaluations.edit", slug=slug, form_id=made.id))


def _settings_form(event: Event, form: Questionnaire) -> SettingsForm:
    settings = SettingsForm(formdata=None, title_id=form.title_id, title_en=form.title_en, anonymous=form.anonymous,
                            opens_at=from_utc(form.opens_at, event.timezone),
                            closes_at=from_utc(form.closes_at, event.timezone),
                            post_opens_at=from_utc(form.post_opens_at, event.timezone),
                            post_closes_at=from_utc(form.post_closes_at, event.timezone))
    for question in form.questions:
        settings.questions.append_entry(dict(
            question_id=str(question.id), kind=question.kind, text_id=question.text_id, text_en=question.text_en,
            options=service.options_text(question.options),
            correct=", ".join(str(i + 1) for i in question.correct), points=question.points,
            required=question.required))
    settings.questions.append_entry(dict(kind="rating" if form.kind == FormKind.EVALUATION else "single",
                                         points=1, required=True))  # a blank row to add a question
    return settings


@bp.route("/<int:form_id>", methods=["GET", "POST"])
@staff
def edit(slug: str, form_id: int):
    event = get_event_or_404(slug)
    form = _form_or_404(event, form_id)
    settings = SettingsForm() if request.method == "POST" else _settings_form(event, form)
    if request.method == "POST" and settings.changed_since_opened(form):
        flash(str(CHANGED_SINCE_OPENED), "error")
        settings = _settings_form(event, form)
    elif request.method == "POST" and settings.validate():
        data = dict(title_id=settings.title_id.data, title_en=settings.title_en.data or "",
                    anonymous=bool(settings.anonymous.data),
                    opens_at=to_utc(settings.opens_at.data, event.timezone),
                    closes_at=to_utc(settings.closes_at.data, event.timezone))
        if form.kind == FormKind.TEST:
            data.update(post_opens_at=to_utc(settings.post_opens_at.data, event.timezone),
                        post_closes_at=to_utc(settings.post_closes_at.data, event.timezone))
        if service.has_answers(db.session, form) and data["anonymous"] != form.anonymous:
            data.pop("anonymous")
            flash(_("Answers have been given: the form stays %(how)s.",
                    how=_("anonymous") if form.anonymous else _("named")), "error")
        questions = [dict(id=_int(row.question_id.data), remove=row.remove.data, kind=row.kind.data,
                          text_id=row.text_id.data or "", text_en=row.text_en.data or "", options=row.options.data or "",
                          correct=row.correct.data or "", points=row.points.data, required=row.required.data)
                     for row in settings.questions]
        try:
            service.update_questionnaire(db.session, form, data, questions, user=current_user)
        except service.EvaluationError as exc:
            fail(db.session)
            flash(error_text(exc.code), "error")
        else:
            flash(_("The form is saved."), "success")
            return redirect(url_for("evaluations.edit", slug=slug, form_id=form.id))
    elif request.method == "POST":
        flash(_("Check the fields marked in red."), "error")
    settings.remember(form)
    return render_template("evaluations/edit.html", event=event, form=form, settings=settings,
                           short_link=_short_link(event, form))


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


@bp.route("/<int:form_id>/delete", methods=["POST"])
@role_required(Role.ORGANIZER)
def delete(slug: str, form_id: int):
    event = get_event_or_404(slug)
    form = _form_or_404(event, form_id)
    service.delete_questionnaire(db.session, form, current_user)
    flash(_("The form and its answers are deleted."), "info")
    return redirect(url_for("evaluations.index", slug=slug))


def _short_link(event: Event, form: Questionnaire) -> str:
    return absolute_url("evaluations_public.answer", slug=event.slug, code=form.code)


@bp.route("/<int:form_id>/screen")
@staff
def screen(slug: str, form_id: int):
    """What the facilitator puts on the projector at the end of the session: a big QR and the short link."""
    event = get_event_or_404(slug)
    form = _form_or_404(event, form_id)
    link = _short_link(event, form)
    return render_template("evaluations/screen.html", event=event, form=form, link=link,
                           qr=qr_svg(link, css_class="eval-screen-qr", title=_("QR code of the form")),
                           phase=service.current_phase(form), title=service.form_title(form, lang()))


@bp.route("/<int:form_id>/results")
@staff
def results(slug: str, form_id: int):
    event = get_event_or_404(slug)
    form = _form_or_404(event, form_id)
    phases = [Phase.ONCE] if form.kind == FormKind.EVALUATION else [Phase.PRE, Phase.POST]
    requested = request.args.get("phase", "")
    phase = Phase(requested) if requested in [str(p) for p in phases] else (
        service.current_phase(form) or phases[-1])
    questions = service.question_results(db.session, form, phase, lang())
    graphs = {r.question_id: charts.bar_chart(r.counts, title=r.text) for r in questions if r.counts}
    responses = len(service.respondent_ids(db.session, form, phase))
    eligible = service.eligible_count(db.session, form, phase)
    missing = service.non_respondents(db.session, form, phase)
    link = _short_link(event, form)
    reminders = {p.id: whatsapp_link(service.reminder_text(event, form, link), p.phone) for p in missing}
    gains = service.gains_for(db.session, form, lang()) if form.kind == FormKind.TEST else None
    gains_chart = None
    if gains and gains.overall.paired:
        rows = [(g.label or _("Everyone"), [g.mean_pre or 0, g.mean_post or 0])
                for g in [gains.overall, *gains.by_province]]
        gains_chart = charts.grouped_bar_chart(rows, series=[_("Pre"), _("Post")], title=_("Mean score, pre and post"))
    names = {}
    if gains:
        names = {p.id: p for p in db.session.scalars(select(Participant).where(
            Participant.id.in_([s[0] for s in gains.scores])))} if gains.scores else {}
    return render_template("evaluations/results.html", event=event, form=form, phase=phase, phases=phases,
                           questions=questions, graphs=graphs, responses=responses, eligible=eligible,
                           missing=missing, reminders=reminders, gains=gains, gains_chart=gains_chart, names=names,
                           title=service.form_title(form, lang()), form_open=service.current_phase(form) == phase)


@bp.route("/<int:form_id>/remind/<int:participant_id>", methods=["POST"])
@staff
def remind(slug: str, form_id: int, participant_id: int):
    """Queue a reminder e-mail to one person who has not answered yet."""
    event = get_event_or_404(slug)
    form = _form_or_404(event, form_id)
    if db.session.scalar(select(Participant.id).where(Participant.id == participant_id,
                                                      Participant.event_id == event.id)) is None:
        abort(404)  # another event's participant: not "has answered already"
    phase = service.current_phase(form)
    person = next((p for p in service.non_respondents(db.session, form, phase) if p.id == participant_id), None) \
        if phase else None
    if person is None:
        flash(_("This person has answered already, or the form is closed."), "info")
        return redirect(url_for("evaluations.results", slug=slug, form_id=form.id))
    service.queue_reminder(db.session, event, form, phase, person, _short_link(event, form), current_user)
    flash(_("A reminder to %(name)s is in the outbox.", name=person.full_name), "success")
    return redirect(url_for("evaluations.results", slug=slug, form_id=form.id) + "#missing")


@bp.route("/<int:form_id>/remind-all", methods=["POST"])
@staff
def remind_all(slug: str, form_id: int):
    """One reminder e-mail to each non-respondent not reminded in the last 24 hours; the page then lists the
    WhatsApp links of everyone who has not answered."""
    event = get_event_or_404(slug)
    form = _form_or_404(event, form_id)
    phase = service.current_phase(form)
    if phase is None:
        flash(_("This form is not open now."), "info")
        return redirect(url_for("evaluations.results", slug=slug, form_id=form.id))
    link = _short_link(event, form)
    run = service.remind_everyone(db.session, event, form, phase, link, current_user)
    text = service.reminder_text(event, form, link)
    people = [*run.mailed, *run.recent, *run.no_email]
    whatsapp = [(p, whatsapp_link(text, p.phone)) for p in sorted(people, key=lambda p: p.full_name) if p.phone]
    return render_template("evaluations/reminded.html", event=event, form=form, run=run, whatsapp=whatsapp,
                           title=service.form_title(form, lang()))


# ---------------------------------------------------------------------------------------------
# Participants
# ---------------------------------------------------------------------------------------------

def _identity_tag(participant: Participant) -> str:
    """Kept in the session cookie beside the public id: a re-issued ticket makes the old cookie stop working."""
    return hashlib.sha256(f"{participant.public_id}:{participant.ticket_secret}".encode()).hexdigest()[:16]


def _remember(event: Event, participant: Participant) -> None:
    known = dict(session.get(IDENTITY_KEY) or {})
    known[str(event.id)] = [participant.public_id, _identity_tag(participant)]
    session[IDENTITY_KEY] = known


def _remembered(event: Event) -> Participant | None:
    value = (session.get(IDENTITY_KEY) or {}).get(str(event.id))
    if not isinstance(value, list) or len(value) != 2:
        return None
    participant = db.session.scalar(select(Participant).where(Participant.event_id == event.id,
                                                              Participant.public_id == str(value[0])[:16]))
    return participant if participant is not None and _identity_tag(participant) == value[1] else None


def _public_form_or_404(event: Event, code: str) -> Questionnaire:
    form = service.form_by_code(db.session, event, code)
    if form is None:
        abort(404)
    return form


def _answer_page(event: Event, form: Questionnaire, participant: Participant, action: str, *, token: str = "",
                 error: str = "", given: dict | None = None, status: int = 200):
    state = service.answer_state(db.session, form, participant)
    values = given if given is not None else state.values
    return render_template("evaluations/answer.html", event=event, form=form, participant=participant, state=state,
                           action=action, token=token, error=error, values=values, lang=lang(),
                           title=service.form_title(form, lang())), status


def _given(form: Questionnaire) -> dict:
    """What was typed, to show it again after a refused send."""
    values = {}
    for question in form.questions:
        picked = request.form.getlist(f"q{question.id}")
        if question.kind == "text":
            values[str(question.id)] = picked[0] if picked else ""
        elif question.kind == "rating":
            values[str(question.id)] = int(picked[0]) if picked and picked[0].isdigit() else None
        else:
            values[str(question.id)] = [int(v) for v in picked if v.isdigit()]
    return values


def _take_answers(event: Event, form: Questionnaire, participant: Participant, action: str, token: str = ""):
    raw = {key: request.form.getlist(key) for key in request.form if key.startswith("q")}
    try:
        outcome = service.submit(db.session, form, participant, raw)
    except service.EvaluationError as exc:
        fail(db.session)
        return _answer_page(event, form, participant, action, token=token, error=error_text(exc.code),
                            given=_given(form), status=422)
    _remember(event, participant)
    flash(_("Your answers are saved.") if outcome == "created" else _("Your answers are updated."), "success")
    if token:
        return redirect(url_for("evaluations_public.thanks_from_manage", slug=event.slug, code=form.code, token=token))
    return redirect(url_for("evaluations_public.thanks", slug=event.slug, code=form.code))


@public.route("/e/<slug>/q/<code>", methods=["GET", "POST"])
def answer(slug: str, code: str):
    """The short link on the screen: the form for whoever this phone has identified as, else the ticket-code step."""
    event = get_event_or_404(slug, public=True)
    form = _public_form_or_404(event, code)
    participant = _remembered(event)
    action = url_for("evaluations_public.answer", slug=slug, code=form.code)
    if participant is None:
        # Answers sent from a phone that no longer knows who answers ("Not me" in another tab, cookies
        # cleared): say so on the ticket-code step instead of a bare "bad request".
        lost = _("This phone no longer knows who is answering, so the answers were not saved. Enter your ticket "
                 "code, then send the form again.") if request.method == "POST" else ""
        return render_template("evaluations/identify.html", event=event, form=form, identify=IdentifyForm(formdata=None),
                               title=service.form_title(form, lang()), error=lost), 409 if lost else 200
    if request.method == "POST":
        return _take_answers(event, form, participant, action)
    return _answer_page(event, form, participant, action)


@public.route("/e/<slug>/q/<code>/identify", methods=["POST"])
def identify(slug: str, code: str):
    """The ticket code typed or pasted: the MAC is checked as at the door; never an e-mail address."""
    event = get_event_or_404(slug, public=True)
    form = _public_form_or_404(event, code)
    identify_form = IdentifyForm()
    error = ""
    if identify_form.validate_on_submit():
        try:
            participant = service.identify_by_ticket(db.session, current_app.config["SECRET_KEY"], event,
                                                     identify_form.ticket.data)
        except service.EvaluationError as exc:
            error = error_text(exc.code)
        else:
            _remember(event, participant)
            return redirect(url_for("evaluations_public.answer", slug=slug, code=form.code))
    return render_template("evaluations/identify.html", event=event, form=form, identify=identify_form, error=error,
                           title=service.form_title(form, lang())), 422


@public.route("/e/<slug>/q/<code>/forget", methods=["POST"])
def forget(slug: str, code: str):
    """"Not me": this phone forgets who it answered as (a shared phone)."""
    event = get_event_or_404(slug, public=True)
    form = _public_form_or_404(event, code)
    known = dict(session.get(IDENTITY_KEY) or {})
    known.pop(str(event.id), None)
    session[IDENTITY_KEY] = known
    return redirect(url_for("evaluations_public.answer", slug=slug, code=form.code))


@public.route("/e/<slug>/me/<token>/q/<code>", methods=["GET", "POST"])
def answer_from_manage(slug: str, code: str, token: str):
    """The same form opened from the participant's manage page: the link itself identifies them."""
    event = get_event_or_404(slug, public=True)
    participant = get_participant_by_token_or_404(event, token)
    form = _public_form_or_404(event, code)
    action = url_for("evaluations_public.answer_from_manage", slug=slug, code=form.code, token=token)
    if request.method == "POST":
        return _take_answers(event, form, participant, action, token)
    return _answer_page(event, form, participant, action, token=token)


@public.route("/e/<slug>/q/<code>/thanks")
def thanks(slug: str, code: str):
    event = get_event_or_404(slug, public=True)
    form = _public_form_or_404(event, code)
    return render_template("evaluations/thanks.html", event=event, form=form, manage=None,
                           again=url_for("evaluations_public.answer", slug=slug, code=form.code),
                           title=service.form_title(form, lang()))


@public.route("/e/<slug>/me/<token>/q/<code>/thanks")
def thanks_from_manage(slug: str, code: str, token: str):
    event = get_event_or_404(slug, public=True)
    get_participant_by_token_or_404(event, token)
    form = _public_form_or_404(event, code)
    manage = url_for("registration.manage", slug=slug, token=token)
    return render_template("evaluations/thanks.html", event=event, form=form, manage=manage,
                           again=url_for("evaluations_public.answer_from_manage", slug=slug, code=form.code, token=token),
                           title=service.form_title(form, lang()))
