"""Forms of the badge, certificate and settings pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from plm.documents.service import MAX_SIGNATORIES
from plm.forms import BaseForm, strip_text

LAYOUT_CHOICES = [
    SelectChoice("a6", _l("A6, 4 per A4 sheet (lanyard pockets)")),
    SelectChoice("a7", _l("A7, 8 per A4 sheet")),
    SelectChoice("card", _l("Credit card 85.6 × 54 mm, 10 per A4 sheet")),
    SelectChoice("single", _l("One badge per page (badge printer)")),
]
SORT_CHOICES = [SelectChoice("name", _l("By name")), SelectChoice("province", _l("By province, then name"))]
HEX = r"^(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})?$"


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class BadgeForm(BaseForm):
    roles = MultiCheckboxField(_l("Roles"), choices=[], validate_choice=True)
    statuses = MultiCheckboxField(_l("Status"), choices=[], validate_choice=True)
    provinces = SelectMultipleField(_l("Provinces"), choices=[], validate_choice=True,
                                    description=_l("None chosen: every province."))
    unprinted = BooleanField(_l("Only badges not printed yet"))
    ids = TextAreaField(_l("Only these ticket numbers"), filters=[strip_text], validators=[Length(max=20000)],
                        description=_l("Optional: ticket numbers separated by spaces, commas or new lines."))
    sort = SelectField(_l("Order"), choices=SORT_CHOICES, default="name")
    layout = SelectField(_l("Layout"), choices=LAYOUT_CHOICES, default="a6")


class CertificateJobForm(BaseForm):
    session_id = HiddenField()


class OverrideForm(BaseForm):
    decision = SelectField(_l("Decision"), choices=[
        SelectChoice("rule", _l("Follow the rule")), SelectChoice("yes", _l("Eligible (override)")),
        SelectChoice("no", _l("Not eligible (override)"))])
    reason = StringField(_l("Reason"), filters=[strip_text], validators=[Length(max=500)])


class RevokeForm(BaseForm):
    reason = StringField(_l("Reason for revoking"), filters=[strip_text], validators=[DataRequired(), Length(max=500)])


class ReinstateForm(BaseForm):
    pass


class SettingsForm(BaseForm):
    min_days = IntegerField(_l("Days attended at least"), validators=[Optional(), NumberRange(min=0, max=60)],
                            description=_l("Door check-ins on event days. Empty: no day rule."))
    min_session_percent = IntegerField(_l("Signed-up sessions attended, at least (%)"),
                                       validators=[Optional(), NumberRange(min=0, max=100)])
    min_sessions = IntegerField(_l("Signed-up sessions attended, at least (number)"),
                                validators=[Optional(), NumberRange(min=0, max=200)],
                                description=_l("Someone who signed up for fewer sessions must attend all of them."))
    language = SelectField(_l("Certificate language"), choices=[
        SelectChoice("id", "Bahasa Indonesia"), SelectChoice("en", "English")])
    serial_prefix = StringField(_l("Serial prefix"), filters=[lambda v: v.strip().upper() if isinstance(v, str) else v],
                                validators=[DataRequired(), Regexp(r"^[A-Z0-9]{1,10}$", message=_l(
                                    "Letters and digits only, at most 10."))])
    colour_participant = StringField(_l("Participant band colour"), filters=[strip_text], validators=[Regexp(HEX, message=_l("A colour like #1F5FAD."))])
    colour_facilitator = StringField(_l("Facilitator band colour"), filters=[strip_text], validators=[Regexp(HEX, message=_l("A colour like #1F5FAD."))])
    colour_speaker = StringField(_l("Speaker band colour"), filters=[strip_text], validators=[Regexp(HEX, message=_l("A colour like #1F5FAD."))])
    colour_committee = StringField(_l("Committee band colour"), filters=[strip_text], validators=[Regexp(HEX, message=_l("A colour like #1F5FAD."))])


for _i in range(1, MAX_SIGNATORIES + 1):
    setattr(SettingsForm, f"sig{_i}_name", StringField(_l("Name"), filters=[strip_text], validators=[Length(max=120)]))
    setattr(SettingsForm, f"sig{_i}_title", StringField(_l("Position"), filters=[strip_text], validators=[Length(max=160)]))
    setattr(SettingsForm, f"sig{_i}_image", FileField(_l("Signature image (PNG or JPEG, at most 2 MB)")))
    setattr(SettingsForm, f"sig{_i}_remove_image", BooleanField(_l("Remove the signature image")))


class BadgePrintForm(BaseForm):
    """The door's and the participant page's "Print badge" button (a POST that records the printing)."""


class IssueCertificateForm(BaseForm):
    """The "get the certificate" button: issues it the first time (a POST), then on to the PDF."""
