"""The hotel's rooming list: a PDF (A4, one section per night, one row per room) and an XLSX, both made
from the plain `service.Night` data. Called from a request: the labels follow the staff member's language."""

from __future__ import annotations

import io

from flask import render_template
from flask_babel import gettext as _

from plm.lodging.service import Night


def room_type_label(room_type: str) -> str:
    return {"single": _("Single"), "twin": _("Twin"), "triple": _("Triple")}.get(room_type, room_type)


def gender_label(gender: str) -> str:
    return {"female": _("Female"), "male": _("Male")}.get(gender, "–")


def rooming_pdf(event_name: str, hotel_names: list[str], nights: list[Night]) -> bytes:
    from plm.pdf import render_html

    html = render_template("lodging/rooming_pdf.html", event_name=event_name, hotel_names=hotel_names, nights=nights,
                           room_type_label=room_type_label, gender_label=gender_label)
    return render_html(html)


def rooming_xlsx(event_name: str, nights: list[Night]) -> bytes:
    """One row per person per night: what a hotel's front desk sorts and filters."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from plm.participants.importexport import neutralize

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Rooming list")[:31]
    sheet.append([neutralize(event_name)])
    sheet["A1"].font = Font(bold=True)
    sheet.append([_("Night"), _("Hotel"), _("Room no."), _("Room type"), _("Name"), _("Institution"), _("Province"),
                  _("Gender")])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for night in nights:
        for room in night.rooms:
            for person in room.occupants:
                sheet.append([night.night, neutralize(room.hotel), neutralize(room.number), room_type_label(room.room_type),
                              neutralize(person.name), neutralize(person.institution), neutralize(person.province),
                              gender_label(person.gender)])
    for column, width in zip("ABCDEFGH", (12, 24, 8, 10, 32, 36, 22, 12), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=3, max_col=1):
        row[0].number_format = "yyyy-mm-dd"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
