"""Lodging pages (/staff/events/<slug>/lodging): hotels and rooms, the rooming suggestion and manual moves,
the rooming list downloads. Organisers only (admins pass)."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from wtforms.fields.choices import SelectChoice

from plm.auth.decorators import role_required
from plm.errors import error_response
from plm.events import get_event_or_404
from plm.extensions import db
from plm.forms import CHANGED_SINCE_OPENED, row_id
from plm.jobs import pdf_from_child, renders_in_child
from plm.lodging import service
from plm.lodging.allocation import ConflictKind, Unassigned
from plm.lodging.forms import (
    MODE_LABELS,
    ROOM_TYPE_LABELS,
    HotelForm,
    ImportForm,
    ModeForm,
    MoveForm,
    RoomForm,
    SwapForm,
)
from plm.lodging.models import Hotel, HotelRoom, RoomingMode
from plm.lodging.rooming import rooming_pdf, rooming_xlsx
from plm.transactions import fail, fail_and_redirect

log = logging.getLogger(__name__)
bp = Blueprint("lodging", __name__, url_prefix="/staff/events/<slug>/lodging")
organizer_required = role_required("organizer")

ERRORS = {
    "no_name": _l("Give the hotel a name."),
    "bad_number": _l("Give the room a number."),
    "duplicate_number": _l("This hotel already has a room with that number."),
    "bad_type": _l("Room type must be single, twin or triple."),
    "bad_capacity": _l("Beds must be a whole number from 1 to 12."),
    "bad_nights": _l("The last night cannot be before the first night (dates as 2015-05-17)."),
    "not_found": _l("That participant or room was not found."),
    "no_nights": _l("This participant has no night to stay (they arrive and leave the same day)."),
    "missing_columns": _l("The file needs at least the columns nomor kamar and tipe."),
    "empty": _l("The file is empty."),
}
REASONS = {
    Unassigned.NO_NIGHTS: _l("no night to stay"),
    Unassigned.NO_GENDER: _l("no gender answer and no room free to sleep alone"),
    Unassigned.NO_ROOM: _l("no room of their gender with a bed for all their nights"),
}
CONFLICTS = {
    ConflictKind.OVER_CAPACITY: _l("more people than beds"),
    ConflictKind.MIXED_GENDER: _l("genders mixed, or someone without a gender answer shares"),
    ConflictKind.OUTSIDE_STAY: _l("assigned nights differ from the person's stay"),
    ConflictKind.ROOM_UNAVAILABLE: _l("the room is not available on an assigned night"),
}


def error_text(code: str) -> str:
    return str(ERRORS.get(code, _l("The file cannot be read: %(code)s", code=code)))


def _hotel_or_404(event, hotel_id: int) -> Hotel:
    hotel = service.get_hotel(db.session, event, hotel_id)
    if hotel is None:
        abort(404)
    return hotel


def _room_or_404(event, hotel_room_id: int) -> HotelRoom:
    room = service.get_room(db.session, event, hotel_room_id)
    if room is None:
        abort(404)
    return room


@bp.route("")
@organizer_required
def index(slug: str):
    event = get_event_or_404(slug)
    settings = service.settings_for(db.session, event)
    return render_template("lodging/index.html", event=event, hotels=service.hotels(db.session, event),
                           settings=settings, hotel_form=HotelForm(formdata=None),
                           assigned=len(service.assignments(db.session, event)),
                           staying=len(service.staying_people(db.session, event)), type_labels=ROOM_TYPE_LABELS)


@bp.route("/hotels", methods=["POST"])
@organizer_required
def add_hotel(slug: str):
    event = get_event_or_404(slug)
    form = HotelForm()
    if not form.validate_on_submit():
        flash(error_text("no_name"), "error")
        return redirect(url_for("lodging.index", slug=slug))
    hotel = service.save_hotel(db.session, event, form.data, user=current_user)
    flash(_("Hotel saved. Now add its rooms."), "success")
    return redirect(url_for("lodging.hotel", slug=slug, hotel_id=hotel.id))


@bp.route("/hotels/<int:hotel_id>", methods=["GET", "POST"])
@organizer_required
def hotel(slug: str, hotel_id: int):
    event = get_event_or_404(slug)
    hotel = _hotel_or_404(event, hotel_id)
    form = HotelForm(obj=hotel)
    if form.validate_on_submit():
        service.save_hotel(db.session, event, form.data, hotel, user=current_user)
        flash(_("Hotel saved."), "success")
        return redirect(url_for("lodging.hotel", slug=slug, hotel_id=hotel.id))
    return render_template("lodging/hotel.html", event=event, hotel=hotel, form=form, room_form=RoomForm(formdata=None),
                           import_form=ImportForm(formdata=None), type_labels=ROOM_TYPE_LABELS)


@bp.route("/hotels/<int:hotel_id>/rooms", methods=["POST"])
@organizer_required
def add_room(slug: str, hotel_id: int):
    event = get_event_or_404(slug)
    hotel = _hotel_or_404(event, hotel_id)
    form = RoomForm()
    if form.validate_on_submit():
        try:
            room = service.save_room(db.session, event, hotel, form.data, user=current_user)
        except service.LodgingError as exc:
            fail(db.session)
            flash(error_text(str(exc)), "error")
        else:
            flash(_("Room %(number)s saved.", number=room.number), "success")
    else:
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
    return redirect(url_for("lodging.hotel", slug=slug, hotel_id=hotel.id) + "#rooms")


@bp.route("/hotels/<int:hotel_id>/import", methods=["POST"])
@organizer_required
def import_rooms(slug: str, hotel_id: int):
    event = get_event_or_404(slug)
    hotel = _hotel_or_404(event, hotel_id)
    form = ImportForm()
    if not form.validate_on_submit():
        flash(_("Choose a CSV or XLSX file."), "error")
        return redirect(url_for("lodging.hotel", slug=slug, hotel_id=hotel.id))
    upload = form.file.data
    report = service.import_rooms(db.session, event, hotel, upload.read(2 * 1024 * 1024 + 1), upload.filename or "",
                                  user=current_user)
    if report.header_error:
        flash(error_text(report.header_error), "error")
    elif report.errors:
        flash(_("Nothing was imported. Fix these rows: %(rows)s",
                rows="; ".join(f"{line}: {error_text(code)}" for line, code in report.errors[:10])), "error")
    else:
        flash(_("%(created)s rooms added, %(updated)s updated.", created=report.created, updated=report.updated), "success")
    return redirect(url_for("lodging.hotel", slug=slug, hotel_id=hotel.id) + "#rooms")


@bp.route("/rooms/<int:hotel_room_id>", methods=["GET", "POST"])
@organizer_required
def room(slug: str, hotel_room_id: int):
    event = get_event_or_404(slug)
    room = _room_or_404(event, hotel_room_id)
    form = RoomForm(obj=room)
    if form.is_submitted() and form.changed_since_opened(room):
        flash(str(CHANGED_SINCE_OPENED), "error")
        form = RoomForm(formdata=None, obj=room)
    elif form.validate_on_submit():
        try:
            service.save_room(db.session, event, room.hotel, form.data, room, user=current_user)
        except service.LodgingError as exc:
            return fail_and_redirect(error_text(str(exc)), url_for("lodging.room", slug=slug, hotel_room_id=hotel_room_id))
        flash(_("Room %(number)s saved.", number=room.number), "success")
        return redirect(url_for("lodging.hotel", slug=slug, hotel_id=room.hotel_id) + "#rooms")
    form.remember(room)
    return render_template("lodging/room.html", event=event, room=room, form=form,
                           occupants=service.occupants(db.session, room))


@bp.route("/rooms/<int:hotel_room_id>/delete", methods=["POST"])
@organizer_required
def delete_room(slug: str, hotel_room_id: int):
    event = get_event_or_404(slug)
    room = _room_or_404(event, hotel_room_id)
    hotel_id = room.hotel_id
    if room.assignments and request.form.get("confirm") != "1":  # people would lose their room: only when ticked
        return fail_and_redirect(_("Tick the box to confirm that the people in this room lose it."),
                                 url_for("lodging.room", slug=slug, hotel_room_id=room.id))
    service.delete_room(db.session, event, room, user=current_user)
    flash(_("Room deleted; its people are unassigned."), "success")
    return redirect(url_for("lodging.hotel", slug=slug, hotel_id=hotel_id) + "#rooms")


def _people_choices(people, stays) -> list[SelectChoice]:
    """Name and province; two people of the same name also show their institution and ticket number, so the
    move and the swap cannot pick the wrong one."""
    names = Counter(p.full_name.casefold() for p in people)

    def label(p) -> str:
        text = f"{p.full_name} · {p.province or '–'}"
        return f"{text} · {p.institution or '–'} · {p.public_id}" if names[p.full_name.casefold()] > 1 else text

    return [SelectChoice(p.public_id, label(p)) for p in people if stays.get(p.id)]


@bp.route("/allocation")
@organizer_required
def allocation(slug: str):
    event = get_event_or_404(slug)
    settings = service.settings_for(db.session, event)
    mode = request.args.get("mode", settings.mode)
    if mode not in {m.value for m in RoomingMode}:
        mode = settings.mode
    people = service.staying_people(db.session, event)
    stays = service.stays(db.session, event, people)
    person_by_id = {p.id: p for p in people}
    suggestion = service.suggestion(db.session, event, mode)
    hotels = service.hotels(db.session, event)
    rooms = [room for hotel in hotels for room in hotel.rooms]
    room_by_id = {room.id: room for room in rooms}
    suggested: dict[int, list] = {}
    for person_id, room_id in sorted(suggestion.rooms.items()):
        suggested.setdefault(room_id, []).append(person_by_id[person_id])
    current: dict[int, list] = {}
    for assignment in service.assignments(db.session, event):
        if assignment.participant_id in person_by_id:
            current.setdefault(assignment.room_id, []).append((assignment, person_by_id[assignment.participant_id]))
    conflicts = service.current_conflicts(db.session, event)
    conflict_rooms: dict[int, list] = {}
    for conflict in conflicts:
        conflict_rooms.setdefault(conflict.room_id, []).append(conflict)
    assigned_ids = {a.participant_id for items in current.values() for a, _p in items}
    waiting = [p for p in people if stays.get(p.id) and p.id not in assigned_ids]
    from plm.questions.service import answers_by_key

    genders = answers_by_key(db.session, event.id, "gender")
    choices = _people_choices(people, stays)
    room_choices = [SelectChoice(str(r.id), f"{r.hotel.name} · {r.number} ({r.capacity})" if len(hotels) > 1
                                 else f"{r.number} ({r.capacity})") for r in rooms]
    move_form = MoveForm(formdata=None)
    move_form.person.choices, move_form.room.choices = choices, room_choices
    swap_form = SwapForm(formdata=None)
    assigned_public = {person_by_id[i].public_id for i in assigned_ids}
    swap_form.first.choices = swap_form.second.choices = [c for c in choices if c.value in assigned_public]
    mode_form = ModeForm(formdata=None, data={"mode": mode})
    return render_template(
        "lodging/allocation.html", event=event, settings=settings, mode=mode, mode_labels=MODE_LABELS,
        mode_form=mode_form, suggestion=suggestion, suggested=suggested, rooms=rooms, room_by_id=room_by_id,
        person_by_id=person_by_id, reasons=REASONS, current=current, conflicts=conflicts, conflict_rooms=conflict_rooms,
        conflict_labels=CONFLICTS, waiting=waiting, genders=genders, stays=stays, move_form=move_form,
        swap_form=swap_form, staying=sum(1 for p in people if stays.get(p.id)), many_hotels=len(hotels) > 1)


@bp.route("/allocation", methods=["POST"])
@organizer_required
def apply_allocation(slug: str):
    event = get_event_or_404(slug)
    form = ModeForm()
    if not form.validate_on_submit():
        abort(400)
    if service.assignments(db.session, event) and request.form.get("replace") != "1":  # everyone's room changes
        return fail_and_redirect(_("Tick the box to replace the current room assignments."),
                                 url_for("lodging.allocation", slug=slug, mode=form.mode.data))
    try:
        result = service.apply_suggestion(db.session, event, form.mode.data, user=current_user)
    except IntegrityError:  # another organiser applied or moved at the same moment
        return fail_and_redirect(_("Someone else changed the rooms at the same moment. Look again and retry."), url_for("lodging.allocation", slug=slug))
    flash(_("Rooms assigned: %(assigned)s people; %(left)s without a room.", assigned=len(result.rooms),
            left=len(result.unassigned) - sum(1 for r in result.unassigned.values() if r is Unassigned.NO_NIGHTS)),
          "success")
    return redirect(url_for("lodging.allocation", slug=slug))


def _after_change(slug: str, event):
    count = len(service.current_conflicts(db.session, event))
    if count:
        flash(_("Saved, with %(count)s conflicts: see the rooms marked below.", count=count), "warning")
    else:
        flash(_("Saved."), "success")
    return redirect(url_for("lodging.allocation", slug=slug) + "#rooms")


def _manual_change(slug: str, event, change: Callable[[], object]):
    """A change made by hand on the allocation page: saved (with a word on conflicts), or refused whole."""
    back = url_for("lodging.allocation", slug=slug) + "#manual"
    try:
        change()
    except IntegrityError:  # another organiser moved someone at the same moment
        return fail_and_redirect(_("Someone else changed the rooms at the same moment. Look again and retry."), back)
    except service.LodgingError as exc:
        return fail_and_redirect(error_text(str(exc)), back)
    return _after_change(slug, event)


@bp.route("/assignments/move", methods=["POST"])
@organizer_required
def move(slug: str):
    event = get_event_or_404(slug)
    room = service.get_room(db.session, event, row_id(request.form.get("room")) or 0)

    def change():
        if room is None:
            raise service.LodgingError("not_found")
        service.move(db.session, event, request.form.get("person", ""), room, user=current_user)

    return _manual_change(slug, event, change)


@bp.route("/assignments/swap", methods=["POST"])
@organizer_required
def swap(slug: str):
    event = get_event_or_404(slug)
    return _manual_change(slug, event, lambda: service.swap(
        db.session, event, request.form.get("first", ""), request.form.get("second", ""), user=current_user))


@bp.route("/assignments/unassign", methods=["POST"])
@organizer_required
def unassign(slug: str):
    event = get_event_or_404(slug)
    return _manual_change(slug, event, lambda: service.unassign(
        db.session, event, request.form.get("person", ""), user=current_user))


@bp.route("/publish", methods=["POST"])
@organizer_required
def publish(slug: str):
    event = get_event_or_404(slug)
    published = request.form.get("publish") == "1"
    service.set_published(db.session, event, published, user=current_user)
    flash(_("Participants now see their hotel and room on their registration page.") if published
          else _("Rooms are hidden from participants again."), "success")
    return redirect(url_for("lodging.index", slug=slug))


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/rooming.pdf")
@organizer_required
def rooming_list_pdf(slug: str):
    event = get_event_or_404(slug)
    if renders_in_child(current_app, "LODGING"):
        body = _render_pdf_in_child(event)
        if body is None:
            return error_response(503, detail=_("The rooming list could not be made just now. Try again."))
    else:
        names = [hotel.name for hotel in service.hotels(db.session, event)]
        body = rooming_pdf(event.name, names, service.rooming_list(db.session, event))
    return _download(body, "application/pdf", f"rooming-{event.slug}.pdf")


def _render_pdf_in_child(event) -> bytes | None:
    return pdf_from_child(current_app, "plm.lodging.render_child", {"event": event.id, "lang": str(get_locale() or "id")},
                          "LODGING", "rooming list")


@bp.route("/rooming.xlsx")
@organizer_required
def rooming_list_xlsx(slug: str):
    event = get_event_or_404(slug)
    return _download(rooming_xlsx(event.name, service.rooming_list(db.session, event)),
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", f"rooming-{event.slug}.xlsx")
