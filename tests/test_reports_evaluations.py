"""The report's evaluation and pre/post sections with the real evaluations feature: the demo's forms and
answers, counted again here with SQL of our own."""

from __future__ import annotations

import io
from datetime import date, timedelta

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select, text

from plm.extensions import db
from plm.models import Event
from plm.reports import service


def test_evaluation_and_test_figures_equal_the_database(app):
    from plm.checkin.commands import simulate_attendance
    from plm.demo import load_demo
    from plm.demo.evaluations import simulate_evaluations
    from plm.reports.pdf import render_report_pdf
    from plm.reports.xlsx import report_xlsx

    load_demo(db.session, date.today() - timedelta(days=10), count=60)
    event = db.session.scalar(select(Event).where(Event.slug == "plm-2015"))
    simulate_attendance(db.session, event)
    assert simulate_evaluations(db.session, event)["answers"] > 0
    db.session.commit()
    report = service.build_report(db.session, event, upload_folder=app.config["UPLOAD_FOLDER"], lang="en")

    forms = db.session.execute(text(
        "SELECT q.id, (SELECT COUNT(*) FROM questionnaire_submissions s WHERE s.questionnaire_id = q.id "
        "AND s.phase = 'once') FROM questionnaires q WHERE q.event_id = :e AND q.kind = 'evaluation' "
        "ORDER BY q.opens_at, q.id"), {"e": event.id}).all()
    assert len(report.evaluation_rows) == len(forms) > 1
    assert [row.responses for row in report.evaluation_rows] == [n for _, n in forms]
    assert sum(n for _, n in forms) > 0
    (paired,), = db.session.execute(text(
        "SELECT COUNT(*) FROM questionnaire_submissions pre JOIN questionnaire_submissions post "
        "ON post.questionnaire_id = pre.questionnaire_id AND post.participant_id = pre.participant_id "
        "AND post.phase = 'post' JOIN questionnaires q ON q.id = pre.questionnaire_id "
        "WHERE q.event_id = :e AND q.kind = 'test' AND pre.phase = 'pre'"), {"e": event.id}).all()
    assert len(report.gains) == 1 and report.gains[0].overall.paired == paired > 0
    assert sum(g.paired for g in report.gains[0].by_institution_type) == paired

    pdf = "".join(page.extract_text() for page in PdfReader(io.BytesIO(render_report_pdf(report))).pages)
    first = report.evaluation_rows[0]
    assert f"{first.title} {first.responses} {first.eligible}" in pdf
    assert f"Everyone {paired} " in pdf
    book = load_workbook(io.BytesIO(report_xlsx(report)))
    assert sum(1 for r in book["Pre-post tests"].iter_rows(min_row=2, values_only=True) if r[1] == "Everyone") == 1
