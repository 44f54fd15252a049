from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp, ValidationError

from plm.forms import BaseForm, strip_text

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class EventForm(BaseForm):
    name = StringField(_l("Event name"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(
        _l("Short name in links"),
        description=_l("Lower-case letters, digits and hyphens, e.g. plm-2026."),
        validators=[DataRequired(), Length(min=2, max=40), Regexp(SLUG_PATTERN, message=_l("Use lower-case letters, digits and single hyphens."))],
    )
    theme = TextAreaField(_l("Theme"), validators=[Optional(), Length(max=1000)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=200)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    city = StringField(_l("City"), validators=[Optional(), Length(max=100)])
    timezone = StringField(_l("Time zone"), default="Asia/Makassar", validators=[DataRequired(), Length(max=64)],
                           description=_l("WIB, WITA (Bali) or WIT; or a name such as Asia/Makassar."))
    starts_on = DateField(_l("First day"), validators=[DataRequired()])
    ends_on = DateField(_l("Last day"), validators=[DataRequired()])
    registration_opens_at = DateTimeLocalField(_l("Registration opens"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    registration_closes_at = DateTimeLocalField(
        _l("Registration open until"), format="%Y-%m-%dT%H:%M", validators=[Optional()],
        description=_l("The last minute registration is still open, e.g. the 19th at 23:59 to close at midnight."))
    capacity = IntegerField(_l("Capacity"), validators=[Optional(), NumberRange(min=1, max=100000)],
                            description=_l("Leave empty for no limit. Beyond it, people go on the waiting list."))
    allow_role_request = BooleanField(_l("Registrants may ask to be facilitator or speaker"))
    contact_email = EmailField(_l("Contact email"), filters=[strip_text], validators=[Optional(), Email(check_deliverability=False), Length(max=254)])
    contact_phone = StringField(_l("Contact phone / WhatsApp"), validators=[Optional(), Length(max=40)])
    logo = FileField(_l("Logo (PNG or JPEG, at most 2 MB)"), validators=[FileAllowed(["png", "jpg", "jpeg"], _l("PNG or JPEG only."))])
    submit = SubmitField(_l("Save"))

    def validate_timezone(self, field):
        from plm.i18n import ZONE_ALIASES

        typed = (field.data or "").strip()
        field.data = ZONE_ALIASES.get(typed.upper(), typed)
        if field.data not in available_timezones():
            raise ValidationError(_l("Unknown time zone. Type WIB, WITA or WIT, or a name such as Asia/Makassar."))

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day cannot be before the first day."))
        if self.starts_on.data and field.data and (field.data - self.starts_on.data).days > 60:
            raise ValidationError(_l("An event can last at most 60 days."))

    def validate_registration_closes_at(self, field):
        if self.registration_opens_at.data and field.data and field.data <= self.registration_opens_at.data:
            raise ValidationError(_l("Registration must close after it opens."))


class ConfirmForm(BaseForm):
    """An empty form: a button that carries a CSRF token."""

    submit = SubmitField(_l("Confirm"))
