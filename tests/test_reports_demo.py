"""The demo shows the report with real data: `flask plm demo --history` loads two earlier editions, so the
report of plm-2015 compares three years."""

from __future__ import annotations

from sqlalchemy import func, select

from plm.extensions import db
from plm.models import Event, Participant
from plm.reports import service


def test_demo_with_history_gives_the_report_three_years(app):
    result = app.test_cli_runner().invoke(args=["plm", "demo", "--participants", "40", "--history"])
    assert result.exit_code == 0, result.output
    assert "Loaded plm-2013: 180 participants" in result.output and "Loaded plm-2014: 260 participants" in result.output
    event = db.session.scalar(select(Event).where(Event.slug == "plm-2015"))
    report = service.build_report(db.session, event, upload_folder=app.config["UPLOAD_FOLDER"])
    years = [(y.year, y.registered, y.current) for y in report.years]
    assert [y.slug for y in report.years] == ["plm-2013", "plm-2014", "plm-2015"]  # oldest first
    registered = db.session.scalar(select(func.count(Participant.id)).where(
        Participant.event_id == event.id, Participant.status == "registered"))
    assert [y[1] for y in years] == [180, 260, registered] and years[-1][2]
    assert all(0 < y.attended < y.registered for y in report.years[:2])  # earlier editions were held
    assert all(y.sessions == 49 for y in report.years)
    again = app.test_cli_runner().invoke(args=["plm", "demo", "--participants", "40", "--reset", "--history"])
    assert again.exit_code == 0, again.output
    assert len(db.session.scalars(select(Event.slug).where(Event.slug.like("plm-201%"))).all()) == 3
