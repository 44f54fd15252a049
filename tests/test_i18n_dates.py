"""Date ranges through one helper, Babel's CLDR interval patterns, in both languages (issue 14, item 10)."""

from datetime import date

import pytest

from plm.documents.service import date_text
from plm.extensions import db
from plm.i18n import format_date_range
from plm.models import MailMessage


@pytest.mark.nodb
@pytest.mark.parametrize("start, end, locale, expected", [
    (date(2026, 12, 21), date(2026, 12, 24), "en", "December 21 – 24, 2026"),
    (date(2026, 12, 21), date(2026, 12, 24), "id", "21–24 Desember 2026"),
    (date(2026, 11, 30), date(2026, 12, 3), "en", "November 30 – December 3, 2026"),
    (date(2026, 11, 30), date(2026, 12, 3), "id", "30 November – 3 Desember 2026"),
    (date(2026, 12, 30), date(2027, 1, 2), "en", "December 30, 2026 – January 2, 2027"),
    (date(2026, 12, 30), date(2027, 1, 2), "id", "30 Desember 2026 – 2 Januari 2027"),
    (date(2026, 12, 21), date(2026, 12, 21), "en", "December 21, 2026"),
])
def test_format_date_range(start, end, locale, expected):
    assert format_date_range(start, end, locale).replace("\u2009", " ") == expected  # CLDR puts thin spaces


@pytest.mark.nodb
def test_certificates_use_the_same_helper():
    assert date_text(date(2026, 12, 21), date(2026, 12, 24), "en") == format_date_range(
        date(2026, 12, 21), date(2026, 12, 24), "en")
    assert "21–December" not in date_text(date(2026, 12, 21), date(2026, 12, 24), "en")


def test_pages_and_mails_in_english_have_no_broken_range(client, event):
    from tests.helpers import form_data

    client.get("/lang/en")
    home = client.get(f"/e/{event.slug}/").get_data(as_text=True)
    start, end = event.starts_on, event.ends_on
    assert format_date_range(start, end, "en") in home
    assert f"{start.day}–{end.strftime('%B')}" not in home
    client.post(f"/e/{event.slug}/register", data=form_data())
    mail = db.session.query(MailMessage).one()
    assert format_date_range(start, end, "en") in mail.body_text
    client.get("/lang/id")
    assert format_date_range(start, end, "id") in client.get(f"/e/{event.slug}/").get_data(as_text=True)
