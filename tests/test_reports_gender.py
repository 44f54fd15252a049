"""The report's split by gender with the real custom questions: the `gender` preset's answers, counted
again here with SQL of our own."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import text

from plm.extensions import db
from plm.models import CheckIn
from plm.reports import service
from tests.helpers import add_participant, day_checkpoint


def test_gender_figures_equal_the_database(app, event):
    from plm.questions.service import add_preset, set_answer
    from plm.reports.pdf import render_report_pdf
    from plm.reports.xlsx import report_xlsx

    question = add_preset(db.session, event.id, "gender")
    db.session.flush()
    people = [add_participant(event, f"P{i}", province="Bali") for i in range(7)]
    for i, p in enumerate(people[:6]):
        set_answer(db.session, p.id, question, "female" if i % 3 else "male")
        if i % 2 == 0:
            db.session.add(CheckIn(participant_id=p.id, checkpoint_id=day_checkpoint(event).id))
    db.session.commit()
    report = service.build_report(db.session, event, upload_folder=app.config["UPLOAD_FOLDER"], lang="en")
    rows = db.session.execute(text(
        "SELECT a.value_text, COUNT(*), SUM(CASE WHEN EXISTS (SELECT 1 FROM checkins c WHERE c.participant_id = p.id) "
        "THEN 1 ELSE 0 END) FROM participants p JOIN registration_answers a ON a.participant_id = p.id "
        "JOIN registration_questions q ON q.id = a.question_id AND q.key = 'gender' "
        "WHERE p.event_id = :e AND p.status = 'registered' GROUP BY a.value_text"), {"e": event.id}).all()
    expected = {value: (int(n), int(checked)) for value, n, checked in rows}
    got = {r.key: (r.registered, r.attended) for r in report.by_gender}
    assert {k: v for k, v in got.items() if k} == expected == {"female": (4, 2), "male": (2, 1)}
    assert got[""] == (1, 0)  # not answered
    pdf = "".join(page.extract_text() for page in PdfReader(io.BytesIO(render_report_pdf(report))).pages)
    assert "Female 4 2 2" in pdf and "Male 2 1 1" in pdf
    assert "Gender" in load_workbook(io.BytesIO(report_xlsx(report))).sheetnames
