from flask_babel import lazy_gettext as _l
from plm.forms import BaseForm, strip_text
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length


class LoginForm(BaseForm):
    email = EmailField(_l("Email"), filters=[strip_text], validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me logged in on this device"))
    submit = SubmitField(_l("Log in"))


class TokenForm(BaseForm):
    name = StringField(_l("Device name"), validators=[DataRequired(), Length(max=100)])
    submit = SubmitField(_l("Create token"))
