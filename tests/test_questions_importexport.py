"""The event's questions in the participant export (one column each, CSV and XLSX) and import (a column
headed with a question's key or label in either language fills it, checked per row in the dry run)."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from plm.extensions import db
from plm.models import Participant
from plm.participants import importexport
from plm.questions import service
from tests.questions_helpers import SHOWN_ID, TYPED, every_kind


def person_with_every_answer(event):
    questions = every_kind(event)
    person = Participant(event_id=event.id, full_name="Ni Luh Ayu", email="ayu@example.id", province="Bali")
    db.session.add(person)
    db.session.flush()
    service.save_values(db.session, person, questions, TYPED)
    db.session.commit()
    return person


def read_csv(body: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_csv_and_xlsx_export_have_one_column_per_question(client, event, login):
    person_with_every_answer(event)
    login("admin")
    rows = read_csv(client.get(f"/staff/events/{event.slug}/participants/export.csv").data)
    assert {key: rows[0][key] for key in TYPED} == SHOWN_ID
    workbook = load_workbook(io.BytesIO(client.get(f"/staff/events/{event.slug}/participants/export.xlsx").data))
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    assert header[:len(importexport.COLUMNS)] == importexport.COLUMNS and header[len(importexport.COLUMNS):] == list(TYPED)
    values = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert {key: values[key] for key in TYPED} == SHOWN_ID
    client.set_cookie("plm_lang", "en")
    english = read_csv(client.get(f"/staff/events/{event.slug}/participants/export.csv").data)[0]
    assert (english["colour"], english["topics"], english["first_time"]) == ("Blue", "Literacy; Children", "Yes")


def test_export_then_import_round_trips_every_kind(app, event):
    """The exported files (Indonesian CSV, English XLSX), imported again, give the same typed answers."""
    person_with_every_answer(event)
    with app.test_request_context():
        csv_body = importexport.export_csv(db.session, event)
        xlsx_body = importexport.export_xlsx(db.session, event, lang="en")
    for body, name in ((csv_body, "p.csv"), (xlsx_body, "p.xlsx")):
        db.session.execute(Participant.__table__.delete().where(Participant.event_id == event.id))
        db.session.commit()
        plan = importexport.plan_import(db.session, event, body, name)
        assert plan.refused == [] and len(plan.to_add) == 1, (name, plan.refused)
        importexport.apply_import(db.session, event, plan)
        db.session.commit()
        person = db.session.scalar(select(Participant).where(Participant.event_id == event.id))
        questions, table = service.answer_table(db.session, event.id)
        assert table[person.id] == TYPED, name


def test_import_matches_labels_in_either_language_and_refuses_bad_cells(app, event):
    every_kind(event)
    service.add_preset(db.session, event.id, "nip")
    service.add_preset(db.session, event.id, "arrival_date")
    service.add_preset(db.session, event.id, "departure_date")
    db.session.commit()
    header = ["nama", "email", "Tanya motto", "Ask years", "birthday", "Ask colour", "Tanya topics", "first_time",
              "NIP", "Arrival date", "Tanggal kepulangan"]
    good = ["Ayu", "ayu@example.id", "Halo", "3", "21/04/1990", "Red", "literasi; Children", "tidak",
            "19800101 200501 1 001", "2026-12-18", "2026-12-22"]
    bad = ["Budi", "budi@example.id", "", "tiga", "kemarin", "ungu", "literasi; sains", "mungkin",
           "1234", "2026-12-20", "2026-12-19"]
    workbook = Workbook()
    workbook.active.append(header)
    workbook.active.append(good)
    workbook.active.append(bad)
    out = io.BytesIO()
    workbook.save(out)
    plan = importexport.plan_import(db.session, event, out.getvalue(), "list.xlsx")
    assert plan.ignored_columns == []
    assert len(plan.to_add) == 1 and plan.refused_rows == 1
    assert {(i.column, i.reason) for i in plan.refused} == {
        ("years", "bad_number"), ("birthday", "bad_date"), ("colour", "bad_choice"), ("topics", "bad_choice"),
        ("first_time", "bad_yes_no"), ("nip", "bad_nip"), ("departure_date", "departure_before_arrival")}
    assert any("departure before arrival" in line for line in importexport.format_report(plan))
    importexport.apply_import(db.session, event, plan)
    db.session.commit()
    _, table = service.answer_table(db.session, event.id)
    (answers,) = table.values()
    assert answers["colour"] == "merah" and answers["topics"] == ["literasi", "anak"] and answers["first_time"] is False
    assert answers["nip"] == "198001012005011001" and answers["years"] == 3


def test_import_updates_answers_and_shows_them_in_the_dry_run(client, event, login):
    person = person_with_every_answer(event)
    login("admin")
    body = b"full_name,email,colour,motto\r\nNi Luh Ayu,ayu@example.id,Merah,\r\n"
    preview = client.post(f"/staff/events/{event.slug}/participants/import",
                          data={"file": (io.BytesIO(body), "x.csv")}, content_type="multipart/form-data")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "biru → merah" in page
    stash = page.split('name="stash" type="hidden" value="')[1].split('"')[0]
    assert client.post(f"/staff/events/{event.slug}/participants/import", data={"stash": stash}).status_code == 302
    answers = service.answer_table(db.session, event.id)[1][person.id]
    assert answers["colour"] == "merah" and answers["motto"] == "Membaca itu kuat"  # an empty cell keeps the answer
    bad = b"full_name,email,years\r\nNi Luh Ayu,ayu@example.id,banyak\r\n"
    page = client.post(f"/staff/events/{event.slug}/participants/import", data={"file": (io.BytesIO(bad), "y.csv")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "Bukan angka" in page and "banyak" in page
