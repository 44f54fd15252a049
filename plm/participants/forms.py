"""Staff forms for participants."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, SubmitField

from plm.forms import BaseForm


class ImportForm(BaseForm):
    file = FileField(_l("CSV or Excel file (.csv, .xlsx)"), validators=[
        FileRequired(message=_l("Choose a file.")),
        FileAllowed(["csv", "xlsx", "txt"], _l("CSV or XLSX files only."))])
    submit = SubmitField(_l("Check the file"))


class ImportConfirmForm(BaseForm):
    stash = HiddenField()
    filename = HiddenField()
    submit = SubmitField(_l("Import now"))
