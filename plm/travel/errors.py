"""The travel service's refusals in the user's language (shared by the participant's, the delegation contact's
and the committee's travel pages)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l


def error_text(code: str, **detail) -> str:
    texts = {
        "deadline_passed": _l("The deadline for changing travel has passed: please contact the committee."),
        "bad_mode": _l("Choose how you travel."),
        "changed_meanwhile": _l("This travel was changed after this page was opened (on another page, or by someone "
                                "else). Your changes were not saved: the form now shows what is saved. Change it again "
                                "if it is still needed."),
        "date_out_of_range": _l("That date is far from the event's dates: check the year, month and day."),
        "departure_before_arrival": _l("The departure must be after the arrival."),
        "bad_window": _l("The pick-up window must be between 10 and 360 minutes."),
        "bad_direction": _l("Choose arrivals or departures."),
        "import_empty": _l("The file is empty."),
        "import_no_key": _l("The file needs a public_id or email column."),
        "import_too_many": _l("Too many rows: at most 2,000."),
        "import_unknown_person": _l("Row %(row)s: no participant of this event has that number or email."),
        "import_bad_time": _l("Row %(row)s: write times as YYYY-MM-DD HH:MM."),
        "import_unreadable": _l("That file could not be read as CSV or XLSX."),
    }
    text = str(texts.get(code, _l("That did not work.")))
    if "row" in detail and "%(row)s" not in text:
        text = _("Row %(row)s: %(message)s", row=detail["row"], message=text)
    return text % detail if "%(" in text else text
