"""Travel pages: the participant's own travel on the manage link (/e/<slug>/me/<token>/travel) and the
committee's pages under /staff/events/<slug>/travel (list, edit, import, pick-up lists)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from plm.auth.decorators import role_required
from plm.events import get_event_or_404, get_participant_by_token_or_404
from plm.extensions import db
from plm.models import Participant
from plm.transactions import fail, fail_and_redirect
from plm.travel import documents, service
from plm.travel.errors import error_text
from plm.travel.forms import ExportForm, ImportForm, PlanForm, SettingsForm

bp = Blueprint("travel", __name__, url_prefix="/staff/events/<slug>/travel")
mine = Blueprint("travel_mine", __name__)
organizer = role_required("organizer")

MAX_IMPORT_BYTES = 5 * 1024 * 1024


def _save(event, participant, form: PlanForm, by: str, back: str):
    """Validate and save (the request commits); errors come back on the same page (nothing changed)."""
    if not form.validate():
        return None
    try:
        service.save_plan(db.session, event, participant, form.to_input(event), by=by,
                          user=current_user if by == "staff" else None)
    except service.TravelError as exc:
        fail(db.session)
        flash(error_text(exc.code, **exc.detail), "error")
        if exc.code == "changed_meanwhile":
            form.fill(event, service.plan_for(db.session, participant), participant)
        return None
    flash(_("Travel saved."), "success")
    return redirect(back)


# ---------------------------------------------------------------------------------------------
# The participant's own page
# ---------------------------------------------------------------------------------------------

@mine.route("/e/<slug>/me/<token>/travel", methods=["GET", "POST"])
def my_travel(slug: str, token: str):
    event = get_event_or_404(slug, public=True)
    participant = get_participant_by_token_or_404(event, token)
    plan = service.plan_for(db.session, participant)
    form = PlanForm()
    closed = service.deadline_passed(db.session, event)
    if request.method == "POST":
        done = _save(event, participant, form, "participant", url_for(".my_travel", slug=event.slug, token=token))
        if done is not None:
            return done
    else:
        form.fill(event, plan, participant)
    return render_template("travel/mine.html", event=event, participant=participant, token=token, form=form,
                           plan=plan, closed=closed, settings=service.settings_for(db.session, event),
                           points=service.points(db.session, event))


# ---------------------------------------------------------------------------------------------
# Staff
# ---------------------------------------------------------------------------------------------

@bp.route("/")
@organizer
def index(slug: str):
    event = get_event_or_404(slug)
    settings = service.settings_for(db.session, event)
    direction = request.args.get("direction", "arrival")
    if direction not in ("arrival", "departure"):
        direction = "arrival"
    try:
        window = int(request.args.get("window") or settings.window_minutes or 60)
    except ValueError:
        window = settings.window_minutes or 60
    window = min(max(window, service.MIN_WINDOW), service.MAX_WINDOW)
    days = service.pickup_days(db.session, event, direction, window)
    tz = ZoneInfo(event.timezone)
    settings_form = SettingsForm(formdata=None, window_minutes=settings.window_minutes,
                                 deadline=settings.deadline.astimezone(tz).replace(tzinfo=None) if settings.deadline else None)
    return render_template("travel/index.html", event=event, plans=service.plans(db.session, event), days=days,
                           direction=direction, window=window, settings=settings, settings_form=settings_form,
                           import_form=ImportForm(), export_form=ExportForm(formdata=None, direction=direction),
                           whatsapp=service.whatsapp_text(event, days, direction))


@bp.route("/settings", methods=["POST"])
@organizer
def settings(slug: str):
    event = get_event_or_404(slug)
    form = SettingsForm()
    if not form.validate():
        flash(" ".join(str(m) for errors in form.errors.values() for m in errors), "error")
        return redirect(url_for(".index", slug=event.slug))
    try:
        service.save_settings(db.session, event, current_user, deadline=service.local_to_utc(event, form.deadline.data),
                              window_minutes=form.window_minutes.data)
    except service.TravelError as exc:
        return fail_and_redirect(error_text(exc.code), url_for(".index", slug=event.slug))
    flash(_("Travel settings saved."), "success")
    return redirect(url_for(".index", slug=event.slug))


@bp.route("/people/<public_id>", methods=["GET", "POST"])
@organizer
def edit(slug: str, public_id: str):
    event = get_event_or_404(slug)
    participant = db.session.scalar(select(Participant).where(Participant.event_id == event.id,
                                                              Participant.public_id == public_id.upper()[:16]))
    if participant is None:
        abort(404)
    plan = service.plan_for(db.session, participant)
    form = PlanForm()
    if request.method == "POST":
        done = _save(event, participant, form, "staff", url_for(".index", slug=event.slug))
        if done is not None:
            return done
    else:
        form.fill(event, plan, participant)
    return render_template("travel/edit.html", event=event, participant=participant, form=form, plan=plan,
                           points=service.points(db.session, event))


@bp.route("/import", methods=["POST"])
@organizer
def import_file(slug: str):
    from plm.spreadsheets import UnreadableSpreadsheet, csv_reader, csv_rows, decode_text, is_xlsx, xlsx_rows

    event = get_event_or_404(slug)
    form = ImportForm()
    back = url_for(".index", slug=event.slug)
    if not form.validate() or not form.file.data:
        flash(_("Choose a file."), "error")
        return redirect(back)
    upload = form.file.data
    data = upload.read(MAX_IMPORT_BYTES + 1)
    try:
        if len(data) > MAX_IMPORT_BYTES:
            raise service.TravelError("import_too_many")
        if is_xlsx(data, upload.filename or ""):
            rows = xlsx_rows(data, max_rows=service.MAX_IMPORT_ROWS + 1)
        else:
            rows = list(csv_rows(csv_reader(decode_text(data)), max_rows=service.MAX_IMPORT_ROWS + 1))
        count = service.import_rows(db.session, event, rows, current_user)
    except UnreadableSpreadsheet:
        return fail_and_redirect(error_text("import_unreadable"), back)
    except service.TravelError as exc:
        return fail_and_redirect(error_text(exc.code, **exc.detail), back)
    flash(_("Travel imported for %(n)s people.", n=count), "success")
    return redirect(back)


@bp.route("/export", methods=["POST"])
@organizer
def export(slug: str):
    """The pick-up list as PDF, XLSX or WhatsApp text; what changes afterwards is marked late next time."""
    event = get_event_or_404(slug)
    form = ExportForm()
    if not form.validate():
        flash(_("The form expired: please try again."), "error")
        return redirect(url_for(".index", slug=event.slug))
    settings = service.settings_for(db.session, event)
    days = service.pickup_days(db.session, event, form.direction.data)
    info = documents.PickupInfo(event.name, form.direction.data, settings.window_minutes or 60)
    name = f"jemputan-{form.direction.data}-{event.slug}"
    if form.format.data == "xlsx":
        body, mimetype, name = (documents.pickup_xlsx(info, days),
                                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name + ".xlsx")
    elif form.format.data == "whatsapp":
        body, mimetype, name = service.whatsapp_text(event, days, form.direction.data), "text/plain; charset=utf-8", name + ".txt"
    else:
        body, mimetype, name = documents.render_pickup_pdf(info, days), "application/pdf", name + ".pdf"
    service.mark_exported(db.session, event, form.direction.data, current_user, form.format.data)
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"',
                                                      "Cache-Control": "private, no-store"})
