"""The export writes what the list shows, phones as typed, labels beside codes (issue 14, item 4)."""

import csv
import io

from openpyxl import load_workbook

from plm.extensions import db
from plm.models import Participant
from plm.participants import importexport


def _people(event):
    db.session.add_all([
        Participant(event_id=event.id, full_name="Ayu Lestari", email="ayu@example.id", phone="+6281234567890",
                    province="Bali", institution_type="village", role="participant", status="registered"),
        Participant(event_id=event.id, full_name="Budi Santoso", email="budi@example.id", phone="+62361234567",
                    province="Bali", institution_type="tbm", role="speaker", status="waitlisted"),
        Participant(event_id=event.id, full_name="Citra Dewi", email="citra@example.id", phone="+442079460958",
                    province="Jawa Timur", institution_type="provincial", status="registered"),
    ])
    db.session.commit()


def _csv(response):
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_export_follows_the_list_filters_and_the_list_links_carry_them(client, event, login):
    _people(event)
    login("admin")
    page = client.get(f"/staff/events/{event.slug}/participants?province=Bali&sort=-name").get_data(as_text=True)
    assert f"/staff/events/{event.slug}/participants/export.csv?province=Bali&amp;sort=-name" in page
    rows = _csv(client.get(f"/staff/events/{event.slug}/participants/export.csv?province=Bali&sort=-name"))
    assert [r["full_name"] for r in rows] == ["Budi Santoso", "Ayu Lestari"]
    only = _csv(client.get(f"/staff/events/{event.slug}/participants/export.csv?status=waitlisted"))
    assert [r["full_name"] for r in only] == ["Budi Santoso"]
    sheet = load_workbook(io.BytesIO(client.get(
        f"/staff/events/{event.slug}/participants/export.xlsx?q=citra").data)).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Citra Dewi"]
    assert len(_csv(client.get(f"/staff/events/{event.slug}/participants/export.csv"))) == 3


def test_phones_without_a_visible_apostrophe_and_labels_beside_codes(client, event, login):
    _people(event)
    login("admin")
    rows = {r["email"]: r for r in _csv(client.get(f"/staff/events/{event.slug}/participants/export.csv"))}
    assert rows["ayu@example.id"]["phone"] == "0812-3456-7890"
    assert rows["budi@example.id"]["phone"] == "(0361) 234567"
    assert rows["citra@example.id"]["phone"] == "00 44 20 7946 0958"
    assert rows["budi@example.id"]["institution_type"] == "tbm"
    assert rows["budi@example.id"]["institution_type_label"] == "Taman Bacaan Masyarakat (TBM)"
    assert rows["budi@example.id"]["status_label"] == "Daftar tunggu"
    assert rows["budi@example.id"]["role_label"] == "Narasumber"
    assert not any(value.startswith("'") for row in rows.values() for value in row.values())

    sheet = load_workbook(io.BytesIO(client.get(f"/staff/events/{event.slug}/participants/export.xlsx").data)).active
    phones = {row[3]: row[4] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert phones["ayu@example.id"] == "+6281234567890"
    phone_cell = sheet.cell(row=2, column=importexport.COLUMNS.index("phone") + 1)
    assert phone_cell.data_type == "s"  # text, so Excel neither drops the + nor makes it 6.28E+12

    # both files import back unchanged: the phone forms and the label columns are understood
    for fmt in ("csv", "xlsx"):
        data = client.get(f"/staff/events/{event.slug}/participants/export.{fmt}").data
        plan = importexport.plan_import(db.session, event, data, f"export.{fmt}")
        assert plan.unchanged == 3 and not plan.refused and not plan.ignored_columns, fmt
