from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from plm.forms import BaseForm, strip_text
from plm.vocabulary import Role


class LoginForm(BaseForm):
    email = EmailField(_l("Email"), filters=[strip_text], validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me logged in on this device"))
    submit = SubmitField(_l("Log in"))


class TokenForm(BaseForm):
    name = StringField(_l("Device name"), validators=[DataRequired(), Length(max=100)])
    submit = SubmitField(_l("Create token"))


def _role_choices() -> list[SelectChoice]:
    from plm.labels import STAFF_ROLE_LABELS

    return [SelectChoice(role, STAFF_ROLE_LABELS[role]) for role in Role]


class PasswordChangeForm(BaseForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=8, max=200)],
                                 description=_l("At least 8 characters."))
    confirm = PasswordField(_l("New password again"),
                            validators=[DataRequired(), EqualTo("new_password", message=_l("The two passwords are not the same."))])
    submit = SubmitField(_l("Change password"))


class ResetPasswordForm(BaseForm):
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=8, max=200)],
                                 description=_l("At least 8 characters."))
    confirm = PasswordField(_l("New password again"),
                            validators=[DataRequired(), EqualTo("new_password", message=_l("The two passwords are not the same."))])
    submit = SubmitField(_l("Save the new password"))


class NewAccountForm(BaseForm):
    email = EmailField(_l("Email"), filters=[strip_text], validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])
    full_name = StringField(_l("Full name"), filters=[strip_text], validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Role"), choices=_role_choices, default=Role.ORGANIZER)
    submit = SubmitField(_l("Create account"))


class RoleForm(BaseForm):
    role = SelectField(_l("Role"), choices=_role_choices)
    submit = SubmitField(_l("Change role"))


class ResetChoiceForm(BaseForm):
    how = RadioField(_l("How"), choices=[SelectChoice("link", _l("A one-time link (valid 24 hours)")),
                                         SelectChoice("temporary", _l("A temporary password shown here"))],
                     default="link")
    submit = SubmitField(_l("Reset password"))
