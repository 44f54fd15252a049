"""Forms of the attendance pages: sheet options, a tap, paper ticks, partner logos."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import HiddenField, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Regexp

from plm.attendance import sheets
from plm.forms import MAX_ROW_ID, BaseForm, strip_text

SORT_CHOICES = [
    SelectChoice("name", _l("By name")),
    SelectChoice("province", _l("Grouped by province")),
    SelectChoice("institution", _l("Grouped by institution")),
]
ORIENTATION_CHOICES = [SelectChoice("portrait", _l("A4 portrait")), SelectChoice("landscape", _l("A4 landscape"))]
FORMAT_CHOICES = [SelectChoice("pdf", _l("PDF to print")), SelectChoice("xlsx", _l("XLSX for the finance team"))]


class SheetForm(BaseForm):
    """Read from the query string of a GET (a download changes nothing): no CSRF token."""

    class Meta:
        csrf = False

    checkpoint = IntegerField(_l("List"), validators=[DataRequired(), NumberRange(min=1, max=MAX_ROW_ID)])
    sort = SelectField(_l("Order"), choices=SORT_CHOICES, default="name")
    orientation = SelectField(_l("Paper"), choices=ORIENTATION_CHOICES, default="portrait")
    blank = IntegerField(_l("Blank rows for walk-ins"), default=10,
                         validators=[NumberRange(min=0, max=sheets.MAX_BLANK_ROWS)])
    format = SelectField(_l("File"), choices=FORMAT_CHOICES, default="pdf")


class MarkForm(BaseForm):
    participant = HiddenField(validators=[DataRequired(), Length(max=16), Regexp(r"^[A-Za-z0-9]+$")],
                              filters=[strip_text])
    action = HiddenField(default="in", validators=[Regexp(r"^(in|undo)$")])
    correction = HiddenField(default="", validators=[Regexp(r"^1?$")])  # "1": a session of another day, on purpose


class PaperForm(BaseForm):
    """The ticked boxes arrive as repeated `ids` values (read in the route); this carries the CSRF token."""


class UndoForm(BaseForm):
    pass


class LogoForm(BaseForm):
    logo = FileField(_l("Partner logo (PNG or JPEG)"))
