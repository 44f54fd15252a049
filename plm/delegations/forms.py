"""Forms for partner institutions, invitation settings, approval and the delegation page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TelField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from plm.forms import BaseForm, EditForm, Printable
from plm.registration.forms import _email, _line, institution_type_choices, staff_province_choices
from plm.registration.service import normalize_phone
from plm.vocabulary import RegistrationMode

MODE_LABELS = {
    RegistrationMode.OPEN: _l("Open: anyone registers"),
    RegistrationMode.INVITATION: _l("By invitation only: through the institutions' links"),
    RegistrationMode.APPROVAL: _l("Open with approval: staff approve each registration"),
}


class InstitutionForm(EditForm):
    name = StringField(_l("Institution"), filters=[_line], validators=[DataRequired(), Printable("institution")])
    institution_type = SelectField(_l("Type of institution"), choices=institution_type_choices, default="regency_city")
    province = SelectField(_l("Province"), choices=staff_province_choices, validators=[DataRequired()])
    regency = StringField(_l("Regency / city"), filters=[_line], validators=[Optional(), Length(max=120)])
    contact_name = StringField(_l("Contact person"), filters=[_line], validators=[Optional(), Length(max=200)])
    contact_whatsapp = TelField(_l("Contact's WhatsApp"), filters=[_line], validators=[Optional(), Length(max=40)],
                                description=_l("For example 0812 3456 7890."))
    contact_email = EmailField(_l("Contact's email"), filters=[_email],
                               validators=[Optional(), Email(check_deliverability=False), Length(max=254)])
    seats = IntegerField(_l("Seats"), default=2, validators=[DataRequired(), NumberRange(min=1, max=500)])
    submit = SubmitField(_l("Save"))

    def validate_contact_whatsapp(self, field):
        if field.data:
            normalized = normalize_phone(field.data)
            if normalized is None:
                raise ValidationError(_l("This is not a valid phone number. Examples: 0812 3456 7890 or +62 812 3456 7890."))
            field.data = normalized


class SettingsForm(BaseForm):
    registration_mode = SelectField(_l("Registration"), choices=[SelectChoice(m.value, label) for m, label in MODE_LABELS.items()])
    substitution_deadline = DateTimeLocalField(
        _l("Delegates can be replaced until"), format="%Y-%m-%dT%H:%M", validators=[Optional()],
        description=_l("Event time. Leave empty to allow replacements until the event."))
    submit = SubmitField(_l("Save settings"))


class CapForm(BaseForm):
    kind = SelectField(_l("Cap for"), choices=[SelectChoice("province", _l("Province")),
                                                SelectChoice("institution_type", _l("Type of institution"))])
    province = SelectField(_l("Province"), choices=staff_province_choices, validators=[Optional()])
    institution_type = SelectField(_l("Type of institution"), choices=institution_type_choices, validators=[Optional()])
    seats = IntegerField(_l("Seats (empty: no cap)"), validators=[Optional(), NumberRange(min=0, max=5000)])
    submit = SubmitField(_l("Set the cap"))


class ImportForm(BaseForm):
    file = FileField(_l("CSV or Excel file (.csv, .xlsx)"), validators=[
        FileRequired(message=_l("Choose a file.")),
        FileAllowed(["csv", "xlsx", "txt"], _l("CSV or XLSX files only."))])
    dry_run = BooleanField(_l("Only check the file (change nothing)"), default=True)
    submit = SubmitField(_l("Read the file"))


class DecisionForm(BaseForm):
    ids = SelectMultipleField(_l("Registrations"), choices=[], validate_choice=False)
    reason = StringField(_l("Reason (told to those declined)"), filters=[_line], validators=[Optional(), Length(max=500)])
    approve = SubmitField(_l("Approve selected"))
    decline = SubmitField(_l("Decline selected"))


class MatchForm(BaseForm):
    apply = BooleanField(_l("Apply (unticked: only show what would change)"))
    submit = SubmitField(_l("Match by name"))


class MatchOneForm(BaseForm):
    institution_id = SelectField(_l("Institution"), choices=[], validate_choice=False)
    submit = SubmitField(_l("Link"))


class FreeSeatForm(BaseForm):
    confirm = BooleanField(_l("Yes, this person is not coming: free the seat"),
                           validators=[DataRequired(message=_l("Tick the box to confirm."))])
    submit = SubmitField(_l("Free the seat"))
