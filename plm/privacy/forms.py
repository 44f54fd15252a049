"""The participant's own deletion request."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SubmitField
from wtforms.validators import DataRequired

from plm.forms import BaseForm


class EraseForm(BaseForm):
    confirm = BooleanField(_l("Yes, delete my personal data for this event"),
                           validators=[DataRequired(message=_l("Tick the box to confirm."))])
    submit = SubmitField(_l("Delete my data"))
