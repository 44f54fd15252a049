"""The base form for every PLM form: WTForms' own messages in the user's language.

WTForms ships no Indonesian catalogue, so its built-in validator messages are
listed here for extraction and translated in PLM's own catalogue.
"""

from __future__ import annotations

import hashlib

from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.routing import IntegerConverter, UnicodeConverter
from wtforms import HiddenField, PasswordField, StringField, TextAreaField

from plm.text import clean_line, drop_control

# Extracted by pybabel so the catalogue carries them; WTForms asks for them by these exact texts.
WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Invalid input."),
    _l("Invalid email address."),
    _l("Invalid URL."),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("Not a valid choice."),
    _l("Not a valid datetime value."),
    _l("Not a valid date value."),
    _l("Not a valid time value."),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
    _l("Invalid value, must be one of: %(values)s."),
    _l("Field must be equal to %(other_name)s."),
)


def _plural_messages() -> None:  # pragma: no cover - only for extraction
    ngettext("Field must be at least %(min)d character long.", "Field must be at least %(min)d characters long.", 1)
    ngettext("Field cannot be longer than %(max)d character.", "Field cannot be longer than %(max)d characters.", 1)
    ngettext("'%(value)s' is not a valid choice for this field.", "'%(value)s' are not valid choices for this field.", 1)


class Printable:
    """Validator for the fields printed on badges and certificates (full name, name on badge, institution):
    only characters the shipped fonts draw, and at most what fits (plm.pdf.fonts.PRINTED_LENGTHS).
    Registration, the participant's and staff's edit forms and walk-ins use it; the import checks the same."""

    def __init__(self, field_name: str):
        from plm.pdf.fonts import PRINTED_LENGTHS

        self.max = PRINTED_LENGTHS[field_name]
        self.field_flags = {"maxlength": self.max}

    def __call__(self, form, field) -> None:
        from wtforms.validators import StopValidation

        from plm.pdf.fonts import unprintable

        text = field.data or ""
        if len(text) > self.max:
            raise StopValidation(gettext("At most %(max)s characters, so that it fits on the badge and certificate "
                                         "(now %(n)s).", max=self.max, n=len(text)))
        missing = unprintable(text)
        if missing:
            raise StopValidation(gettext("These characters cannot be printed on the badge and certificate: "
                                         "%(chars)s. Please remove them.", chars=" ".join(missing[:10])))


#: The largest id a table holds: PostgreSQL's `integer`. A bigger number sent as an id is no row (a lookup
#: with it is an "out of range" error on PostgreSQL and an OverflowError on SQLite: a 500 either way).
MAX_ROW_ID = 2**31 - 1


def row_id(value: object) -> int | None:
    """A row id sent in a form (a select, a hidden field): ASCII digits up to MAX_ROW_ID, else None (no such
    row). "²" and "١" are digits to str.isdigit() but not to int()."""
    text = value.strip() if isinstance(value, str) else ""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ROW_ID)):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ROW_ID else None


class RowIdConverter(IntegerConverter):
    """The app's `<int:...>` URL argument: a number past MAX_ROW_ID is no page (404), not a lookup that fails."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ROW_ID, signed=False):  # noqa: A002 - werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class TextSegmentConverter(UnicodeConverter):
    """The app's default URL argument (a slug, a ticket number, a link's token): a control character in it
    (a NUL, which PostgreSQL refuses in a query) is no page (404)."""

    def __init__(self, map, minlength=1, maxlength=None, length=None):
        super().__init__(map, minlength=minlength, maxlength=maxlength, length=length)
        self.regex = self.regex.replace("[^/]", "[^/\\x00-\\x1f\\x7f]")


def strip_text(value):
    """Field filter: phones autocomplete a trailing space; nobody means it."""
    return value.strip() if isinstance(value, str) else value


def single_line(value):
    """Field filter for every one-line text field (BaseForm adds it): no CR/LF or other control
    characters (an event name with a line break broke every mail header and the public iCal), no
    invisible bidirectional overrides (a badge printed "amaN jpg.exe"); spaces collapsed."""
    return clean_line(value) if isinstance(value, str) else value


def typed_text(value):
    """Field filter for every text area (BaseForm adds it): what was typed, less control characters (a NUL
    pasted into a list of ticket numbers was a 500 on PostgreSQL); line breaks and spacing kept."""
    return drop_control(value) if isinstance(value, str) else value


def is_single_line(field_class: type) -> bool:
    """Text inputs of one line: string, email, search, tel, URL, hidden; not text areas or passwords."""
    return issubclass(field_class, StringField) and not issubclass(field_class, (TextAreaField, PasswordField))


class _BabelTranslations:
    def gettext(self, string: str) -> str:
        return gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        # Unformatted: WTForms fills in %(min)d / %(max)d itself (flask_babel's ngettext would
        # try to format with only `num` and raise KeyError).
        from flask_babel import get_translations

        return get_translations().ungettext(singular, plural, n)


class BaseForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _BabelTranslations()

        def bind_field(self, form, unbound_field, options):
            field = unbound_field.bind(form=form, **options)
            if is_single_line(unbound_field.field_class):
                field.filters = (single_line, *field.filters)
            elif issubclass(unbound_field.field_class, TextAreaField):
                field.filters = (typed_text, *field.filters)
            return field


#: Shown when a save comes from a page opened before the record last changed (EditForm.changed_since_opened).
CHANGED_SINCE_OPENED = _l("This was changed after this page was opened (on another page, or by someone else). Your "
                          "changes were not saved: the form now shows what is saved. Change it again if it is still needed.")


class EditForm(BaseForm):
    """An edit form that remembers what it showed. Two organisers editing the same record: the second save,
    made from a page opened before the first, would silently put back the values it showed. `seen` carries a
    fingerprint of the record's saved values as the page showed them; a save whose fingerprint no longer
    matches the record is refused (the route shows the saved values again)."""

    seen = HiddenField()

    def edit_values(self, record) -> tuple:
        """What the page shows of *record*: its value for each of the form's fields (a form with nested rows
        overrides this)."""
        return tuple(str(getattr(record, field.name, "")) for field in self
                     if field.name not in ("csrf_token", "seen", "submit"))

    def _stamp(self, record) -> str:
        return hashlib.sha256(repr(self.edit_values(record)).encode()).hexdigest()[:16]

    def remember(self, record) -> None:
        """Stamp a page that shows *record* (its first showing; a re-shown page keeps the stamp it was sent with)."""
        if record is not None and not self.seen.data:
            self.seen.data = self._stamp(record)

    def changed_since_opened(self, record) -> bool:
        return record is not None and bool(self.seen.data) and self.seen.data != self._stamp(record)
