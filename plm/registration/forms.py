"""Registration, manage-my-registration and walk-in forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, SelectField, StringField, SubmitField, TelField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from plm.forms import BaseForm, Printable
from plm.labels import INSTITUTION_TYPE_LABELS, PARTICIPANT_ROLE_LABELS
from plm.registration.service import REQUESTABLE_ROLES, normalize_phone, province_names
from plm.text import clean_line, clean_multiline
from plm.vocabulary import InstitutionType, ParticipantRole


def _line(value):
    return clean_line(value) if value is not None else value


def _multi(value):
    return clean_multiline(value) if value is not None else value


def _email(value):
    return clean_line(value).replace(" ", "") if value is not None else value


def province_choices(blank=True):
    choices = [SelectChoice(name, name) for name in province_names()]
    return ([SelectChoice("", _l("— choose your province —"))] if blank else []) + choices


def staff_province_choices():
    """The same list for forms staff fill in about someone else (walk-in, staff edit)."""
    return [SelectChoice("", _l("— choose the province —"))] + province_choices(blank=False)


def institution_type_choices():
    return [SelectChoice(value, INSTITUTION_TYPE_LABELS[value]) for value in InstitutionType]


class PhoneMixin:
    def validate_phone(self, field):
        if not field.data:
            return
        normalized = normalize_phone(field.data)
        if normalized is None:
            raise ValidationError(_l("This is not a valid phone number. Examples: 0812 3456 7890 or +62 812 3456 7890."))
        field.data = normalized


class DetailsForm(PhoneMixin, BaseForm):
    """What a participant may edit about themselves (not the email: that needs confirmation)."""

    full_name = StringField(_l("Full name"), filters=[_line], validators=[DataRequired(), Printable("full_name")],
                            description=_l("As it should appear on your certificate (at most 100 characters)."))
    name_on_badge = StringField(_l("Name on badge"), filters=[_line], validators=[Optional(), Printable("name_on_badge")],
                                description=_l("Leave empty to use your full name. At most 60 characters."))
    phone = TelField(_l("WhatsApp / phone"), filters=[_line], validators=[DataRequired(), Length(max=40)],
                     description=_l("For example 0812 3456 7890."))
    institution = StringField(_l("Institution"), filters=[_line], validators=[DataRequired(), Printable("institution")],
                              description=_l("The library or reading garden you work for (at most 100 characters)."))
    institution_type = SelectField(_l("Type of institution"), choices=institution_type_choices,
                                   default=InstitutionType.VILLAGE)
    province = SelectField(_l("Province"), choices=province_choices, validators=[DataRequired()])
    diet = StringField(_l("Dietary needs"), filters=[_multi], validators=[Optional(), Length(max=300)],
                       description=_l("For example vegetarian, no pork, allergies."))
    access_needs = StringField(_l("Accessibility needs"), filters=[_multi], validators=[Optional(), Length(max=300)],
                               description=_l("For example wheelchair access, sign language, large print."))
    submit = SubmitField(_l("Save"))


class RegistrationForm(DetailsForm):
    email = EmailField(_l("Email"), filters=[_email],
                       validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
                       description=_l("Your ticket and personal link are sent here."))
    role = SelectField(_l("I would like to take part as"),
                       choices=[SelectChoice(r, PARTICIPANT_ROLE_LABELS[r]) for r in REQUESTABLE_ROLES],
                       default=ParticipantRole.PARTICIPANT)
    consent = BooleanField(_l("I agree that the organisers store these details to run this event and contact me "
                              "about it."),
                           validators=[DataRequired(message=_l("Please agree so that we can register you."))])
    # Honeypot: hidden from people by CSS, filled in by bots.
    website = StringField(_l("Leave this field empty"))
    submit = SubmitField(_l("Register"))

    FIELD_ORDER = ("full_name", "name_on_badge", "email", "phone", "institution", "institution_type", "province",
                   "role", "diet", "access_needs", "consent")


def registration_form(event, *, for_delegation: bool = False, **prefill) -> RegistrationForm:
    """The sign-up form for `event`. for_delegation=True: a delegate added through an institution's
    invitation link (the institution's fields are fixed by the link and not asked). `prefill` gives
    starting values (a GET shows them; a POST reads what was sent). The event's own questions follow the
    standard fields (plm.questions): those for everyone, and on the delegation form the delegation-only ones too."""
    from plm.extensions import db
    from plm.questions.forms import build_question_fields
    from plm.questions.service import list_questions

    asked = list_questions(db.session, event.id, for_delegation=for_delegation)
    form = build_question_fields(RegistrationForm, asked, for_delegation=for_delegation)(**prefill)
    if not event.allow_role_request or for_delegation:
        del form.role
    if for_delegation:
        for name in ("institution", "institution_type", "province"):
            delattr(form, name)
        _word_for_a_colleague(form)
    return form


def _word_for_a_colleague(form: RegistrationForm) -> None:
    """The delegation form is filled by the institution's contact for someone else: its hints speak of the
    delegate, and the consent box says what the contact can honestly confirm (the delegate agreed)."""
    form.full_name.description = _l("As it should appear on the delegate's certificate (at most 100 characters).")
    form.name_on_badge.description = _l("Leave empty to use the delegate's full name. At most 60 characters.")
    form.email.description = _l("The delegate's own address: their ticket and personal link are sent here.")
    form.phone.description = _l("The delegate's WhatsApp, for example 0812 3456 7890.")
    form.consent.label.text = _l("The delegate agreed that the organisers store these details to run this event "
                                 "and contact them about it (I asked them, or I am the delegate).")
    form.consent.validators = [DataRequired(message=_l(
        "Please confirm that the delegate agreed, so that we can register them."))]


class ResendLinkForm(BaseForm):
    email = EmailField(_l("Email"), filters=[_email],
                       validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])
    submit = SubmitField(_l("Send me a new link"))


class EmailChangeForm(BaseForm):
    email = EmailField(_l("New email address"), filters=[_email],
                       validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])
    submit = SubmitField(_l("Send confirmation"))


class CancelForm(BaseForm):
    confirm = BooleanField(_l("Yes, cancel my registration"),
                           validators=[DataRequired(message=_l("Tick the box to confirm."))])
    submit = SubmitField(_l("Cancel my registration"))


class WalkInForm(PhoneMixin, BaseForm):
    full_name = StringField(_l("Full name"), filters=[_line], validators=[DataRequired(), Printable("full_name")],
                            description=_l("As it should appear on the certificate (at most 100 characters)."))
    institution = StringField(_l("Institution"), filters=[_line], validators=[Optional(), Printable("institution")])
    province = SelectField(_l("Province"), choices=staff_province_choices, validators=[Optional()])
    phone = TelField(_l("WhatsApp / phone"), filters=[_line], validators=[Optional(), Length(max=40)])
    email = EmailField(_l("Email (optional)"), filters=[_email],
                       validators=[Optional(), Email(check_deliverability=False), Length(max=254)])
    return_to = HiddenField()
    checkpoint = HiddenField()
    submit = SubmitField(_l("Register and show the ticket"))


class StaffParticipantForm(DetailsForm):
    email = EmailField(_l("Email"), filters=[_email],
                       validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])
    role = SelectField(_l("Role"), choices=[SelectChoice(r, PARTICIPANT_ROLE_LABELS[r]) for r in ParticipantRole])
    phone = TelField(_l("WhatsApp / phone"), filters=[_line], validators=[Optional(), Length(max=40)])
    institution = StringField(_l("Institution"), filters=[_line], validators=[Optional(), Printable("institution")],
                              description=_l("At most 100 characters."))
    province = SelectField(_l("Province"), choices=staff_province_choices, validators=[Optional()])
