"""The report's numbers equal the database's: each figure is recomputed here with its own SQL."""

from __future__ import annotations

import io
import random
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from plm.extensions import db
from plm.models import Certificate, CheckIn, Checkpoint, Event, Participant, utcnow
from plm.reports import service

PROVINCES = ["Bali", "Jawa Timur", "Nusa Tenggara Timur", "Papua Selatan", "", "Jawa Timr"]
TYPES = ["provincial", "regency_city", "village", "tbm", "other"]
ROLES = ["participant", "participant", "participant", "facilitator", "speaker", "committee"]


def seed(event: Event, schedule_factory, people: int = 60, seed_value: int = 7) -> dict:
    """Participants in several provinces, types, roles and statuses; check-ins at days and sessions;
    certificates issued, revoked and under review."""
    from plm.checkin.service import ensure_session_checkpoints

    rnd = random.Random(seed_value)
    room = schedule_factory.room("Ruang Kuta", capacity=40)
    plenary = schedule_factory.session("Pembukaan", kind="plenary", room=room, start="08:00", end="09:00")
    schedule_factory.session("Lokakarya SLiMS", kind="workshop", day=1, room=room, capacity=10, signup=True)
    schedule_factory.session("Rehat kopi", kind="break", start="10:00", end="10:30")
    cancelled = schedule_factory.session("Batal", day=2)
    cancelled.cancelled_at = utcnow()
    ensure_session_checkpoints(db.session, event)
    db.session.commit()
    checkpoints = db.session.scalars(select(Checkpoint).where(Checkpoint.event_id == event.id)).all()
    persons = []
    for i in range(people):
        status = "registered" if i % 10 else ("cancelled" if i % 20 else "waitlisted")
        p = Participant(event_id=event.id, full_name=f"Peserta {i}", email=f"p{i}@test.example", status=status,
                        province=PROVINCES[i % len(PROVINCES)], institution_type=TYPES[i % len(TYPES)],
                        role=ROLES[i % len(ROLES)], institution=f"Perpustakaan {i % 13}")
        db.session.add(p)
        persons.append(p)
    db.session.flush()
    for p in persons:
        if p.status == "waitlisted" or rnd.random() < 0.2:
            continue
        for cp in checkpoints:
            if rnd.random() < 0.6:
                db.session.add(CheckIn(participant_id=p.id, checkpoint_id=cp.id, source="qr"))
    now = utcnow()
    for n, p in enumerate(persons[1:8]):
        db.session.add(Certificate(participant_id=p.id, serial=f"T-{event.id}-{n}", hours=10,
                                   revoked_at=now if n == 0 else None, review_at=now if n == 1 else None))
    db.session.commit()
    return {"plenary": plenary}


def q(sql: str, **params):
    return db.session.execute(text(sql), params).all()


ATTENDED = ("CASE WHEN EXISTS (SELECT 1 FROM checkins c JOIN checkpoints k ON k.id = c.checkpoint_id "
            "WHERE c.participant_id = p.id AND k.event_id = p.event_id) THEN 1 ELSE 0 END")


def by_column(event_id: int, column: str) -> dict[str, tuple[int, int]]:
    rows = q(f"SELECT p.{column}, COUNT(*), SUM({ATTENDED}) FROM participants p "
             f"WHERE p.event_id = :e AND p.status = 'registered' GROUP BY p.{column}", e=event_id)
    return {value: (int(registered), int(attended)) for value, registered, attended in rows}


@pytest.fixture
def seeded(app, event, schedule_factory):
    seed(event, schedule_factory)
    return event


def test_totals_and_breakdowns_match_independent_queries(app, seeded):
    report = service.build_report(db.session, seeded, upload_folder=app.config["UPLOAD_FOLDER"])
    (registered, attended), = q(f"SELECT COUNT(*), SUM({ATTENDED}) FROM participants p "
                                "WHERE p.event_id = :e AND p.status = 'registered'", e=seeded.id)
    assert (report.registered, report.attended) == (registered, attended)
    assert report.no_shows == registered - attended > 0
    assert 0 < attended < registered
    statuses = dict(q("SELECT status, COUNT(*) FROM participants WHERE event_id = :e GROUP BY status", e=seeded.id))
    assert report.status_counts == {"registered": statuses["registered"], "waitlisted": statuses["waitlisted"],
                                    "pending": statuses.get("pending", 0), "cancelled": statuses["cancelled"]}

    provinces = by_column(seeded.id, "province")
    assert {r.key: (r.registered, r.attended) for r in report.by_province} == provinces
    assert report.provinces == len([k for k in provinces if k])
    assert [r.registered for r in report.by_province] == sorted((r.registered for r in report.by_province), reverse=True)

    types = by_column(seeded.id, "institution_type")
    assert {r.key: (r.registered, r.attended) for r in report.by_institution_type if r.registered} == types
    assert [r.key for r in report.by_institution_type] == TYPES  # every type shown, in vocabulary order
    roles = by_column(seeded.id, "role")
    assert {r.key: (r.registered, r.attended) for r in report.by_role if r.registered} == roles
    assert sum(r.no_shows for r in report.by_role) == report.no_shows

    (institutions,), = q("SELECT COUNT(DISTINCT lower(institution)) FROM participants "
                         "WHERE event_id = :e AND status = 'registered' AND institution <> ''", e=seeded.id)
    assert report.institutions == institutions == 13


def test_days_sessions_and_certificates_match_independent_queries(app, seeded):
    report = service.build_report(db.session, seeded, upload_folder=app.config["UPLOAD_FOLDER"], lang="en")
    days = {str(day)[:10]: n for day, n in q(
        "SELECT k.day, COUNT(c.id) FROM checkpoints k JOIN checkins c ON c.checkpoint_id = k.id "
        "JOIN participants p ON p.id = c.participant_id "
        "WHERE k.event_id = :e AND k.kind = 'day' AND p.status = 'registered' GROUP BY k.day", e=seeded.id)}
    assert [(d.day.isoformat(), d.checked_in) for d in report.days] == [
        (day.isoformat(), days.get(day.isoformat(), 0)) for day in seeded.days]
    assert sum(days.values()) > 0

    sessions = q("SELECT s.title, (SELECT COUNT(c.id) FROM checkpoints k JOIN checkins c ON c.checkpoint_id = k.id "
                 "JOIN participants p ON p.id = c.participant_id WHERE k.session_id = s.id AND p.status = 'registered') "
                 "FROM sessions s WHERE s.event_id = :e AND s.cancelled_at IS NULL "
                 "AND s.kind NOT IN ('break', 'registration') ORDER BY s.starts_at, s.id", e=seeded.id)
    assert [(s.title, s.checked_in) for s in report.sessions] == [(t, n) for t, n in sessions]
    assert [s.title for s in report.sessions] == ["Pembukaan", "Lokakarya SLiMS"]  # no break, no cancelled session
    workshop = report.sessions[1]
    assert workshop.expected == workshop.signups == 0 and workshop.kind == "workshop"
    assert report.sessions[0].expected is None  # no session capacity set: nothing expected

    (issued, revoked, review), = q(
        "SELECT SUM(CASE WHEN c.revoked_at IS NULL THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN c.revoked_at IS NOT NULL THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN c.revoked_at IS NULL AND c.review_at IS NOT NULL THEN 1 ELSE 0 END) "
        "FROM certificates c JOIN participants p ON p.id = c.participant_id WHERE p.event_id = :e", e=seeded.id)
    assert (report.certificates.issued, report.certificates.revoked, report.certificates.under_review) == (
        issued, revoked, review) == (6, 1, 1)
    programme = dict(report.programme)
    assert programme["Days"] == 4 and programme["Sessions"] == 2 and programme["Workshop"] == 1


def test_a_cancelled_participant_with_a_check_in_counts_nowhere(app, event):
    from tests.helpers import add_participant, day_checkpoint

    kept = add_participant(event, "Kept", province="Bali")
    gone = add_participant(event, "Gone", province="Bali", status="cancelled")
    for p in (kept, gone):
        db.session.add(CheckIn(participant_id=p.id, checkpoint_id=day_checkpoint(event).id))
    db.session.commit()
    report = service.build_report(db.session, event, upload_folder=app.config["UPLOAD_FOLDER"])
    assert (report.registered, report.attended, report.days[0].checked_in) == (1, 1, 1)
    assert [(r.key, r.registered, r.attended) for r in report.by_province] == [("Bali", 1, 1)]


def test_programme_key_links_events_by_slug_without_the_year():
    assert service.programme_key("plm-2015") == "plm"
    assert service.programme_key("plm_2016") == "plm"
    assert service.programme_key("plm2017") == "plm"
    assert service.programme_key("plm-bali") == "plm-bali"
    assert service.programme_key("2015") == "2015"


def test_year_over_year_lists_the_programme_events_oldest_first(app):
    from plm.admin.service import ensure_day_checkpoints

    events = []
    for slug, year in (("plm-2025", 2025), ("plm-2023", 2023), ("plm-lain", 2024), ("plmx-2024", 2024)):
        e = Event(slug=slug, name=f"PLM {year}", city="Bali", starts_on=date(year, 5, 18),
                  ends_on=date(year, 5, 18) + timedelta(days=2))
        db.session.add(e)
        db.session.flush()
        ensure_day_checkpoints(db.session, e)
        events.append(e)
    for e, count in zip(events, (5, 3, 9, 9), strict=True):
        for i in range(count):
            p = Participant(event_id=e.id, full_name=f"P{i}", email=f"{e.slug}{i}@x.example", province="Bali")
            db.session.add(p)
            db.session.flush()
            if i % 2 == 0:
                cp = db.session.scalar(select(Checkpoint).where(Checkpoint.event_id == e.id))
                db.session.add(CheckIn(participant_id=p.id, checkpoint_id=cp.id))
    db.session.commit()
    report = service.build_report(db.session, events[0], upload_folder=app.config["UPLOAD_FOLDER"])
    assert [(y.slug, y.year, y.registered, y.attended, y.provinces, y.current) for y in report.years] == [
        ("plm-2023", 2023, 3, 2, 1, False), ("plm-2025", 2025, 5, 3, 1, True)]
    alone = service.build_report(db.session, events[2], upload_folder=app.config["UPLOAD_FOLDER"])
    assert [y.slug for y in alone.years] == ["plm-lain"]


def test_building_the_report_writes_nothing(app, seeded):
    before = q("SELECT (SELECT COUNT(*) FROM checkpoints), (SELECT COUNT(*) FROM audit_log)")
    service.build_report(db.session, seeded, upload_folder=app.config["UPLOAD_FOLDER"])
    assert not db.session.new and not db.session.dirty
    db.session.commit()
    assert q("SELECT (SELECT COUNT(*) FROM checkpoints), (SELECT COUNT(*) FROM audit_log)") == before


def test_gender_section_uses_the_custom_questions_answers(app, event, monkeypatch):
    """Until the custom-questions feature is merged the section is absent; with its
    `answers_by_key(session, event_id, "gender")` the report splits by gender (checked with a stand-in)."""
    import sys
    import types

    from tests.helpers import add_participant, day_checkpoint

    people = [add_participant(event, f"P{i}", province="Bali") for i in range(5)]
    db.session.add(CheckIn(participant_id=people[0].id, checkpoint_id=day_checkpoint(event).id))
    db.session.add(CheckIn(participant_id=people[2].id, checkpoint_id=day_checkpoint(event).id))
    db.session.commit()
    if "plm.questions.service" not in sys.modules:
        assert service.gender_rows(db.session, event, "en") is None
    answers = {people[0].id: "female", people[1].id: "female", people[2].id: "male", people[3].id: "male"}
    calls = []
    stand_in = types.ModuleType("plm.questions.service")
    stand_in.answers_by_key = lambda session, event_id, key: calls.append((event_id, key)) or answers
    monkeypatch.setitem(sys.modules, "plm.questions", types.ModuleType("plm.questions"))
    monkeypatch.setitem(sys.modules, "plm.questions.service", stand_in)
    report = service.build_report(db.session, event, upload_folder=app.config["UPLOAD_FOLDER"], lang="en")
    assert calls == [(event.id, "gender")]
    assert [(r.key, r.label, r.registered, r.attended) for r in report.by_gender] == [
        ("female", "Female", 2, 1), ("male", "Male", 2, 1), ("", "Not given", 1, 0)]
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from plm.reports.pdf import render_report_pdf
    from plm.reports.xlsx import report_xlsx

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(render_report_pdf(report))).pages)
    assert "By gender" in text and "Female 2 1 1" in text
    assert "Gender" in load_workbook(io.BytesIO(report_xlsx(report))).sheetnames


def _evaluations_stand_in(event):
    """What plm.evaluations.service answers (the n-evals branch's FormSummary / TestGains / GroupGain shapes)."""
    import types
    from dataclasses import dataclass

    @dataclass
    class FormSummary:
        questionnaire_id: int
        title: str
        session_title: str | None
        day: date | None
        responses: int
        eligible: int
        response_rate: float | None
        mean_ratings: list

    @dataclass
    class GroupGain:
        label: str
        paired: int
        mean_pre: float | None
        mean_post: float | None
        mean_gain: float | None
        share_improved: float | None

    @dataclass
    class TestGains:
        questionnaire_id: int
        title: str
        max_score: int
        overall: GroupGain
        by_province: list
        by_institution_type: list
        scores: list
        session_title: str | None = None
        day: date | None = None

    module = types.ModuleType("plm.evaluations.service")
    module.calls = []

    def evaluation_summary(session, ev, lang="id"):
        module.calls.append(("summary", ev.id, lang))
        return [FormSummary(1, "Evaluasi hari 1", None, event.starts_on, 30, 40, 0.75,
                            [("Materi bermanfaat", 4.25), ("Narasumber jelas", None)])]

    def test_gains(session, ev, lang="id"):
        module.calls.append(("gains", ev.id, lang))
        return [TestGains(2, "Tes literasi digital", 10, GroupGain("", 20, 4.5, 7.25, 2.75, 0.85),
                          [GroupGain("Bali", 12, 4.0, 7.5, 3.5, 0.9)], [GroupGain("tbm", 20, 4.5, 7.25, 2.75, 0.85)],
                          []),
                TestGains(3, "Tes lokakarya SLiMS", 5, GroupGain("", 9, 2.0, 3.5, 1.5, 0.75),
                          [GroupGain("Provinsi Contoh", 9, 2.0, 3.5, 1.5, 0.75)], [GroupGain("village", 9, 2.0, 3.5, 1.5, 0.75)],
                          [], session_title="Lokakarya SLiMS")]

    module.evaluation_summary, module.test_gains = evaluation_summary, test_gains
    return module


def test_evaluation_and_gains_sections_use_the_evaluations_feature(app, client, login, event, monkeypatch):
    """Until the evaluations feature is merged these sections are absent; with its `evaluation_summary` and
    `test_gains` (a stand-in with their shapes here) the PDF, the XLSX and the page show them."""
    import sys
    import types

    from openpyxl import load_workbook
    from pypdf import PdfReader

    from plm.reports.pdf import render_report_pdf
    from plm.reports.xlsx import report_xlsx

    if "plm.evaluations.service" not in sys.modules:
        plain = service.build_report(db.session, event, upload_folder=app.config["UPLOAD_FOLDER"])
        assert plain.evaluation is None and plain.gains is None
    stand_in = _evaluations_stand_in(event)
    monkeypatch.setitem(sys.modules, "plm.evaluations", types.ModuleType("plm.evaluations"))
    monkeypatch.setitem(sys.modules, "plm.evaluations.service", stand_in)
    report = service.build_report(db.session, event, upload_folder=app.config["UPLOAD_FOLDER"], lang="en")
    assert stand_in.calls == [("summary", event.id, "en"), ("gains", event.id, "en")]
    assert report.gains[0].by_institution_type[0].label == "Reading garden (TBM)"  # the code in words
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(render_report_pdf(report))).pages)
    assert "Evaluasi hari 1 30 40 75% 4.25" in text  # the form's ratings averaged
    assert "Materi bermanfaat 1 4.25" in text and "Narasumber jelas 1 –" in text  # per question
    assert [(q.text, q.forms, q.mean) for q in report.evaluation_questions] == [
        ("Materi bermanfaat", 1, 4.25), ("Narasumber jelas", 1, None)]
    # one summary line per test; the breakdown by province and type for the whole-event test only
    flat = " ".join(text.split())
    assert "Tes literasi digital Highest possible score: 10 20 4.5 7.25 2.75 85%" in flat
    assert "Tes lokakarya SLiMS Highest possible score: 5 9 2.0 3.5 1.5 75%" in flat
    assert "Everyone 20 4.5 7.25 2.75 85%" in text and "Bali 12 4.0 7.5 3.5 90%" in text
    assert "Provinsi Contoh" not in text and "Everyone 9 " not in text
    assert [test.title for test in report.gains_in_detail] == ["Tes literasi digital"]
    assert text.count("Everyone") >= 2  # the chart names the overall bars too
    book = load_workbook(io.BytesIO(report_xlsx(report)))
    assert {"Evaluation", "Pre-post tests"} <= set(book.sheetnames)
    rows = list(book["Pre-post tests"].iter_rows(min_row=2, values_only=True))
    assert rows[0] == ("Tes literasi digital", "Everyone", 20, 4.5, 7.25, 2.75, 0.85)
    assert ("Tes lokakarya SLiMS", "Provinsi Contoh", 9, 2.0, 3.5, 1.5, 0.75) in rows  # every test's breakdown
    assert ("Tes lokakarya SLiMS", "Village library", 9, 2.0, 3.5, 1.5, 0.75) in rows
    login("organizer")
    page = client.get(f"/staff/events/{event.slug}/report/").get_data(as_text=True)
    assert "Evaluasi hari 1" in page and "Tes literasi digital" in page
