"""Forms of the travel pages: a participant's travel, the pick-up settings, import and exports."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateTimeLocalField, HiddenField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional

from plm.forms import BaseForm, strip_text
from plm.travel.service import MAX_WINDOW, MIN_WINDOW, PlanInput, local_to_utc, plan_stamp

MODE_CHOICES = [SelectChoice("plane", _l("Plane")), SelectChoice("ship", _l("Ship")), SelectChoice("train", _l("Train")),
                SelectChoice("bus", _l("Bus")), SelectChoice("own", _l("Own transport (no pick-up)"))]
WHEN = "%Y-%m-%dT%H:%M"


def _text(label, size):
    return StringField(label, validators=[Length(max=size)], filters=[strip_text])


class PlanForm(BaseForm):
    origin_province = _text(_l("Province of origin"), 60)
    origin_regency = _text(_l("Regency / city of origin"), 100)
    mode = SelectField(_l("Travelling by"), choices=MODE_CHOICES, default="plane")
    arrival_at = DateTimeLocalField(_l("Arrival in Bali (date and time)"), format=WHEN, validators=[Optional()])
    arrival_carrier = _text(_l("Airline / ship / bus company"), 80)
    arrival_number = _text(_l("Flight or trip number"), 20)
    arrival_point = _text(_l("Arriving at (airport, harbour, terminal)"), 120)
    departure_at = DateTimeLocalField(_l("Departure (date and time)"), format=WHEN, validators=[Optional()])
    departure_carrier = _text(_l("Airline / ship / bus company (return)"), 80)
    departure_number = _text(_l("Flight or trip number (return)"), 20)
    departure_point = _text(_l("Leaving from"), 120)
    seen = HiddenField()  # the saved version this page shows (service.plan_stamp)

    TEXT_FIELDS = ("origin_province", "origin_regency", "mode", "arrival_carrier", "arrival_number", "arrival_point",
                   "departure_carrier", "departure_number", "departure_point")

    def fill(self, event, plan, participant) -> None:
        """Show the saved plan (times in the event's timezone), or the registration's province for a new one.
        Also replaces what a refused save had typed (raw_data), so the page shows what is saved."""
        for field in self:
            field.raw_data = None
        self.seen.data = plan_stamp(plan)
        if plan is None:
            self.origin_province.data = participant.province
            return
        tz = ZoneInfo(event.timezone)
        for name in self.TEXT_FIELDS:
            self[name].data = getattr(plan, name)
        self.arrival_at.data = plan.arrival_at.astimezone(tz).replace(tzinfo=None) if plan.arrival_at else None
        self.departure_at.data = plan.departure_at.astimezone(tz).replace(tzinfo=None) if plan.departure_at else None

    def to_input(self, event) -> PlanInput:
        text = {name: self[name].data or "" for name in self.TEXT_FIELDS}
        text["mode"] = self.mode.data
        return PlanInput(**text, arrival_at=local_to_utc(event, self.arrival_at.data),
                         departure_at=local_to_utc(event, self.departure_at.data), seen=self.seen.data or None)


class SettingsForm(BaseForm):
    deadline = DateTimeLocalField(_l("Participants may change their travel until"), format=WHEN, validators=[Optional()])
    window_minutes = IntegerField(_l("Pick-up window (minutes)"), default=60,
                                  validators=[NumberRange(min=MIN_WINDOW, max=MAX_WINDOW)])


class ImportForm(BaseForm):
    file = FileField(_l("CSV or XLSX file"))


DIRECTION_CHOICES = [SelectChoice("arrival", _l("Arrivals")), SelectChoice("departure", _l("Departures"))]
FORMAT_CHOICES = [SelectChoice("pdf", _l("PDF for the driver")), SelectChoice("xlsx", _l("XLSX")),
                  SelectChoice("whatsapp", _l("WhatsApp text"))]


class ExportForm(BaseForm):
    direction = SelectField(_l("List"), choices=DIRECTION_CHOICES, default="arrival")
    format = SelectField(_l("File"), choices=FORMAT_CHOICES, default="pdf")
