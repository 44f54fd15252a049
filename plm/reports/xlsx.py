"""The report's tables as an XLSX workbook, one sheet per table, for whoever wants to redo the sums:
the same :class:`~plm.reports.service.Report` as the PDF, so the two never disagree. Text cells are
neutralised (no formula runs when a name starts with "=")."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from plm.reports.service import Report, Row
from plm.reports.texts import texts


def report_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from plm.participants.importexport import neutralize

    t = texts(report.lang)
    workbook = Workbook(write_only=False)
    first = True

    def sheet(title: str, header: Sequence[str], rows: Iterable[Sequence], widths: Sequence[int] = ()) -> None:
        nonlocal first
        ws = workbook.active if first else workbook.create_sheet()
        first = False
        ws.title = title[:31]
        ws.append(list(header))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([neutralize(v) for v in row])
        for index, width in enumerate(widths or [36] + [14] * (len(header) - 1)):
            ws.column_dimensions[chr(ord("A") + index)].width = width
        ws.freeze_panes = "A2"

    def breakdown(rows: list[Row]) -> list[list]:
        out = [[r.label, r.registered, r.attended, r.no_shows, r.percent] for r in rows]
        out.append([t["total"], sum(r.registered for r in rows), sum(r.attended for r in rows),
                    sum(r.no_shows for r in rows), None])
        return out

    counts_header = ["", t["registered"], t["attended"], t["no_shows"], t["percent"]]
    sheet(t["sheet_summary"], [t["figure"], t["value"]], [
        [t["event"], report.event_name], [t["dates"], report.dates],
        [t["registered"], report.registered], [t["attended"], report.attended], [t["no_shows"], report.no_shows],
        [t["attendance_rate"], report.percent], [t["provinces"], report.provinces],
        [t["institutions"], report.institutions], [t["waitlisted"], report.status_counts["waitlisted"]],
        [t["pending"], report.status_counts["pending"]], [t["cancelled"], report.status_counts["cancelled"]],
        [t["certificates_issued"], report.certificates.issued],
        [t["under_review"], report.certificates.under_review], [t["revoked"], report.certificates.revoked],
        *[[what, n] for what, n in report.programme],
    ], widths=[36, 40])
    sheet(t["sheet_provinces"], [t["province"], *counts_header[1:]], breakdown(report.by_province))
    sheet(t["sheet_types"], [t["institution_type"], *counts_header[1:]], breakdown(report.by_institution_type))
    sheet(t["sheet_institutions"], [t["institution"], t["institution_type"], t["province"], t["registered"],
                                    t["attended"], t["no_shows"]],
          [[name, kind, province, r, a, r - a] for name, kind, province, r, a in report.by_institution],
          widths=[44, 16, 24, 12, 12, 12])
    sheet(t["sheet_roles"], [t["role"], *counts_header[1:]], breakdown(report.by_role))
    if report.by_gender:
        sheet(t["sheet_gender"], [t["gender"], *counts_header[1:]], breakdown(report.by_gender))
    sheet(t["sheet_days"], [t["day"], "", t["checked_in"]],
          [[d.number, d.day.isoformat(), d.checked_in] for d in report.days], widths=[8, 14, 14])
    sheet(t["sheet_sessions"], [t["time"], t["session"], t["kind"], t["room"], t["signups"], t["expected"],
                                t["checked_in"]],
          [[s.starts_local, s.title, s.kind_label, s.room, s.signups, s.expected, s.checked_in]
           for s in report.sessions], widths=[20, 50, 16, 20, 12, 12, 12])
    if report.evaluation:
        sheet(t["sheet_evaluation"], [t["form"], t["session"], t["responses"], t["eligible"], t["response_rate"],
                                      t["ratings"], t["value"]],
              [[f.title, f.session_title or "", f.responses, f.eligible, f.response_rate, text, mean]
               for f in report.evaluation for text, mean in (f.mean_ratings or [("", None)])],
              widths=[40, 40, 12, 12, 12, 50, 10])
    if report.gains:
        sheet(t["sheet_gains"], [t["form"], "", t["paired"], t["pre"], t["post"], t["gain"], t["improved"]],
              [[test.title, t["everyone"] if g is test.overall else g.label, g.paired, g.mean_pre, g.mean_post,
                g.mean_gain, g.share_improved]
               for test in report.gains for g in [test.overall, *test.by_province, *test.by_institution_type]],
              widths=[40, 30, 12, 12, 12, 12, 12])
    sheet(t["sheet_years"], [t["year"], t["event"], t["city"], t["registered"], t["attended"], t["provinces"],
                             t["sessions"], t["certificates_issued"]],
          [[y.year, y.name, y.city, y.registered, y.attended, y.provinces, y.sessions, y.certificates]
           for y in report.years], widths=[8, 40, 16, 12, 12, 12, 12, 14])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
