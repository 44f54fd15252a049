"""Pick-up lists for the driver (PDF, A4 portrait) and for the committee (XLSX): plain data in, bytes out."""

from __future__ import annotations

import io
from dataclasses import dataclass

from plm.travel.service import DIRECTION_WORDS, PickupDay


@dataclass(frozen=True)
class PickupInfo:
    event_name: str
    direction: str  # arrival or departure
    window_minutes: int
    printed_at: str = ""


def _day_label(day) -> str:
    from babel.dates import format_date

    return format_date(day, "EEEE, d MMMM y", locale="id")


def render_pickup_pdf(info: PickupInfo, days: list[PickupDay]) -> bytes:
    from plm.pdf.engine import font_stylesheet, jinja_env, render_html, stylesheet

    title, verb = DIRECTION_WORDS[info.direction]
    html = jinja_env().get_template("travel/pickup_pdf.html").render(
        info=info, title=title, verb=verb, days=[(_day_label(d.day), d) for d in days])
    return render_html(html, [font_stylesheet(), stylesheet("travel/pickup_pdf.css")])


def pickup_xlsx(info: PickupInfo, days: list[PickupDay]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from plm.participants.importexport import neutralize

    title, verb = DIRECTION_WORDS[info.direction]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "jemput" if info.direction == "arrival" else "antar"
    sheet.append([neutralize(f"{title} – {info.event_name}")])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    sheet.append(["Tanggal", "Tempat", "Kelompok", "Jam", "Nama", "Telepon", "Provinsi", "Maskapai / kapal",
                  "Nomor", "Berubah setelah daftar terakhir"])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for day in days:
        for group in day.groups:
            span = group.start if group.start == group.end else f"{group.start}–{group.end}"
            for rider in group.riders:
                sheet.append([day.day.isoformat(), neutralize(group.point), span, rider.time, neutralize(rider.name),
                              neutralize(rider.phone), neutralize(rider.province), neutralize(rider.carrier),
                              neutralize(rider.number), "ya" if rider.late else ""])
    for index, width in enumerate([12, 26, 13, 7, 32, 16, 20, 18, 9, 12]):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
