"""Staff dashboard and event set-up under /staff/."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from plm.admin import service
from plm.admin.forms import ConfirmForm, EventForm
from plm.auth.decorators import admin_required, role_required
from plm.events import get_event_or_404
from plm.extensions import db
from plm.i18n import last_open_minute
from plm.models import Event
from plm.transactions import fail

bp = Blueprint("admin", __name__, url_prefix="/staff")

EVENT_ERRORS = {
    "slug_taken": lambda: _("Another event already uses this short name."),
    "logo_too_large": lambda: _("The logo is larger than 2 MB."),
    "logo_invalid": lambda: _("The logo is not a readable PNG or JPEG image."),
}


@bp.route("/")
@role_required("organizer", "facilitator", "finance")  # the treasurer starts here too
def dashboard():
    events = db.session.scalars(select(Event).order_by(Event.archived, Event.starts_on.desc())).all()
    return render_template("admin/dashboard.html", events=events,
                           numbers=service.dashboard_numbers(db.session, list(events)))


@bp.route("/events/")
@admin_required
def events():
    events = db.session.scalars(select(Event).order_by(Event.archived, Event.starts_on.desc())).all()
    return render_template("admin/events.html", events=events, confirm=ConfirmForm())


@bp.route("/events/new", methods=["GET", "POST"])
@admin_required
def new_event():
    return _edit_event(Event(), EventForm())


@bp.route("/events/<slug>/edit", methods=["GET", "POST"])
@admin_required
def edit_event(slug: str):
    event = get_event_or_404(slug)
    form = EventForm(obj=event)
    if not form.is_submitted():
        form.registration_opens_at.data = service.from_utc(event.registration_opens_at, event.timezone)
        if event.registration_closes_at is not None:
            form.registration_closes_at.data = service.from_utc(last_open_minute(event.registration_closes_at),
                                                                event.timezone)
    return _edit_event(event, form)


def _edit_event(event: Event, form: EventForm):
    if form.validate_on_submit():
        try:
            service.apply_event_data(db.session, event, form.data, current_user)
            if form.logo.data:
                event.logo_path = service.save_logo(current_app.config["UPLOAD_FOLDER"], event, form.logo.data.read())
        except service.EventError as exc:
            fail(db.session)
            field = form.logo if str(exc).startswith("logo") else form.slug
            field.errors = list(field.errors) + [EVENT_ERRORS[str(exc)]()]
        else:
            flash(_("Event saved."), "success")
            return redirect(url_for("admin.events"))
    return render_template("admin/event_form.html", form=form, event=event)


@bp.route("/events/<slug>/archive", methods=["POST"])
@admin_required
def archive_event(slug: str):
    event = get_event_or_404(slug)
    if ConfirmForm().validate_on_submit():
        service.set_archived(db.session, event, not event.archived, current_user)
        flash(_("Event archived.") if event.archived else _("Event restored."), "info")
    return redirect(url_for("admin.events"))


@bp.route("/events/<slug>/anonymise", methods=["POST"])
@admin_required
def anonymise_event(slug: str):
    """UU PDP: once the event is over, names and contacts go; counts, attendance and serials stay."""
    from plm.privacy.service import PrivacyError
    from plm.privacy.service import anonymise_event as anonymise

    event = get_event_or_404(slug)
    if ConfirmForm().validate_on_submit():
        try:
            count = anonymise(db.session, event, by=current_user)
        except PrivacyError:
            fail(db.session)
            flash(_("An event can be anonymised only after its last day."), "error")
        else:
            flash(_("Personal data of %(n)s participants removed.", n=count), "success")
    return redirect(url_for("admin.edit_event", slug=slug))
