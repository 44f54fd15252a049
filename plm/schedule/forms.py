"""Schedule forms (staff side) and the sign-up buttons (participant side)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from plm.forms import BaseForm, strip_text
from plm.labels import SESSION_KIND_LABELS
from plm.vocabulary import SessionKind


def _optional_int(value):
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # not a choice: refused by the field


class RoomForm(BaseForm):
    name = StringField(_l("Room name"), filters=[strip_text], validators=[DataRequired(), Length(max=120)])
    capacity = IntegerField(_l("Seats"), validators=[Optional(), NumberRange(min=1, max=100000)],
                            description=_l("Leave empty when it does not matter."))
    notes = StringField(_l("Floor and notes"), filters=[strip_text], validators=[Optional(), Length(max=300)])
    position = IntegerField(_l("Column order"), validators=[Optional(), NumberRange(min=0, max=1000)],
                            description=_l("Rooms with a lower number come first in the grid."))
    submit = SubmitField(_l("Save"))


class TrackForm(BaseForm):
    name = StringField(_l("Track name"), filters=[strip_text], validators=[DataRequired(), Length(max=120)])
    colour = StringField(_l("Colour"), default="#2f6f4f", filters=[strip_text],
                         validators=[DataRequired(), Regexp(r"^#[0-9a-fA-F]{6}$", message=_l("Use a colour like #1f5fad."))])
    submit = SubmitField(_l("Save"))


class SessionForm(BaseForm):
    title = StringField(_l("Title"), filters=[strip_text], validators=[DataRequired(), Length(max=300)])
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k, SESSION_KIND_LABELS[k]) for k in SessionKind],
                       default=SessionKind.SHARING)
    day = DateField(_l("Day"), validators=[DataRequired()])
    start = TimeField(_l("Starts"), validators=[DataRequired()])
    end = TimeField(_l("Ends"), validators=[DataRequired()])
    room_id = SelectField(_l("Room"), coerce=_optional_int, validate_choice=True)
    track_id = SelectField(_l("Track"), coerce=_optional_int, validate_choice=True)
    capacity = IntegerField(_l("Seats for sign-up"), validators=[Optional(), NumberRange(min=1, max=100000)],
                            description=_l("Empty: the room's seats."))
    signup_required = BooleanField(_l("Participants sign up for this session"))
    facilitator_ids = SelectMultipleField(_l("Facilitators and speakers"), coerce=int,
                                          description=_l("Participants with the role facilitator or speaker. Hold Ctrl (or long-press) to choose several."))
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Save"))

    def validate_end(self, field):
        if self.start.data and field.data and field.data <= self.start.data:
            raise ValidationError(_l("The session must end after it starts."))


class ImportForm(BaseForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file.")),
                                                 FileAllowed(["csv", "txt"], _l("A CSV file, please."))])
    dry_run = BooleanField(_l("Only check the file, change nothing"))
    submit = SubmitField(_l("Import"))


class ConfirmForm(BaseForm):
    """A button with a CSRF token (publish, cancel, delete, sign up, leave)."""

    session_id = HiddenField()
    submit = SubmitField(_l("Confirm"))
