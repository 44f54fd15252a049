"""Download and delete my data from the manage page, on a phone and a laptop, under the CSP."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from plm.extensions import db
from plm.models import Participant
from tests.browser.conftest import has_horizontal_overflow, screenshot


@pytest.mark.parametrize("width", [360, 1280])
def test_download_then_delete_my_data(app, live_server, new_page, event, width):
    person = Participant(event_id=event.id, full_name="Ni Made Sekar Ayu Lestari", email="sekar@example.id",
                         institution="TBM Pelita Desa", province="Bali", status="registered", phone="+6281234567890")
    db.session.add(person)
    db.session.flush()
    token = person.issue_manage_token()
    db.session.commit()
    page = new_page(width=width)
    page.goto(f"{live_server}/e/{event.slug}/me/{token}")
    screenshot(page, f"privacy-manage-{width}")
    with page.expect_download() as download_info:
        page.click("text=Unduh data saya")
    data = json.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
    assert data["participant"]["full_name"] == "Ni Made Sekar Ayu Lestari"
    page.click("text=Hapus data saya")
    page.wait_for_url("**/delete")
    assert not has_horizontal_overflow(page)
    screenshot(page, f"privacy-delete-{width}")
    page.click("button[type=submit]")  # without the tick: nothing happens
    assert page.locator(".error, .field-error, [role=alert]").count() >= 1
    page.check("input[name=confirm]")
    page.click("button[type=submit]")
    page.wait_for_selector("text=Data Anda sudah dihapus")
    screenshot(page, f"privacy-deleted-{width}")
    db.session.expire_all()
    assert db.session.scalar(select(Participant.email)).endswith(".invalid")
    assert page.goto(f"{live_server}/e/{event.slug}/me/{token}").status == 404
