"""Forms of the lodging pages: hotel, room, room import, the suggestion's mode and the manual moves."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange
from wtforms.validators import Optional as OptionalValidator

from plm.forms import BaseForm, EditForm
from plm.lodging.models import RoomingMode, RoomType

ROOM_TYPE_LABELS = {RoomType.SINGLE: _l("Single"), RoomType.TWIN: _l("Twin"), RoomType.TRIPLE: _l("Triple")}
MODE_LABELS = {RoomingMode.MIX: _l("Mix provinces and institutions (peer learning)"),
               RoomingMode.KEEP: _l("Keep an institution, then a province, together")}


class HotelForm(BaseForm):
    name = StringField(_l("Hotel name"), validators=[DataRequired(), Length(max=200)])
    address = StringField(_l("Address"), validators=[Length(max=300)])
    phone = StringField(_l("Phone"), validators=[Length(max=40)])


class RoomForm(EditForm):
    number = StringField(_l("Room number"), validators=[DataRequired(), Length(max=20)])
    room_type = SelectField(_l("Room type"), choices=[SelectChoice(t.value, label) for t, label in ROOM_TYPE_LABELS.items()],
                            default=RoomType.TWIN.value)
    capacity = IntegerField(_l("Beds"), validators=[OptionalValidator(), NumberRange(min=1, max=12)],
                            description=_l("Empty: 1 for single, 2 for twin, 3 for triple."))
    first_night = DateField(_l("First night available"), validators=[OptionalValidator()])
    last_night = DateField(_l("Last night available"), validators=[OptionalValidator()])


class ImportForm(BaseForm):
    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired()])


class ModeForm(BaseForm):
    mode = RadioField(_l("Room-mates"), choices=[SelectChoice(m.value, label) for m, label in MODE_LABELS.items()],
                      default=RoomingMode.MIX.value)


class MoveForm(BaseForm):
    person = SelectField(_l("Participant"), validators=[DataRequired()])
    room = SelectField(_l("Hotel room"), validators=[DataRequired()])


class SwapForm(BaseForm):
    first = SelectField(_l("Participant"), validators=[DataRequired()])
    second = SelectField(_l("Swap rooms with"), validators=[DataRequired()])
