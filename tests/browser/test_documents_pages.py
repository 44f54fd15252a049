"""Badge, certificate, job and verify pages in Chromium at 360 px and 1280 px (CSP on, no inline script)."""

import pytest
from sqlalchemy import select

from plm.extensions import db
from plm.models import Job, Participant
from tests.browser.conftest import has_horizontal_overflow, screenshot
from tests.conftest import STAFF_PASSWORD


def _login(page, live_server, email):
    page.goto(live_server + "/staff/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", STAFF_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.parametrize("width", [360, 1280])
def test_badge_job_progress_updates_in_place(app, live_server, new_page, demo_event, make_user, width):
    from plm import jobs

    make_user("admin", "admin@test.example")
    page = new_page(width=width, height=900)
    _login(page, live_server, "admin@test.example")
    page.goto(f"{live_server}/staff/events/plm-2015/badges")
    assert not has_horizontal_overflow(page)
    screenshot(page, f"documents-badges-{width}")
    page.select_option("select[name=provinces]", ["Banten"])
    page.select_option("select[name=sort]", "province")
    page.click("button.btn-primary")
    page.wait_for_url("**/staff/jobs/*")
    assert page.locator("#job-download").is_hidden()
    screenshot(page, f"documents-job-waiting-{width}")
    assert jobs.run_pending(app) == 1  # the worker's part, here in the test thread
    page.locator("#job-download").wait_for(state="visible", timeout=10000)
    assert page.locator("#job-text").inner_text().startswith("Selesai")
    assert not has_horizontal_overflow(page)
    screenshot(page, f"documents-job-done-{width}")
    job = db.session.scalar(select(Job))
    assert job.status == "done" and job.total == job.progress > 0
    assert page.external_requests == [] and page.console_errors == []


@pytest.mark.parametrize("width", [360, 1280])
def test_certificate_pages_fit(app, live_server, new_page, demo_event, make_user, width):
    from plm.checkin.commands import simulate_attendance
    from plm.documents import service

    simulate_attendance(db.session, demo_event)
    db.session.commit()
    make_user("admin", "admin@test.example")
    page = new_page(width=width, height=900)
    _login(page, live_server, "admin@test.example")
    page.goto(f"{live_server}/staff/events/plm-2015/certificates?show=not")
    assert page.locator("table.certificate-table tbody tr").count() > 0
    assert "menghadiri" in page.locator("table.certificate-table").inner_text()
    assert not has_horizontal_overflow(page)
    screenshot(page, f"documents-certificates-{width}")
    page.goto(f"{live_server}/staff/events/plm-2015/certificates/settings")
    assert not has_horizontal_overflow(page)
    screenshot(page, f"documents-settings-{width}")

    rows = service.eligibility_rows(db.session, demo_event)
    eligible = next(r.participant for r in rows if r.eligibility.eligible and r.participant.role == "participant")
    cert = service.issue_certificate(db.session, demo_event, eligible, 20.0)
    token = db.session.get(Participant, eligible.id).issue_manage_token()
    db.session.commit()
    page.goto(f"{live_server}/verify/{cert.serial}")
    assert page.locator("h2").inner_text() == "Sertifikat sah"
    assert not has_horizontal_overflow(page)
    screenshot(page, f"documents-verify-{width}")
    page.goto(f"{live_server}/e/plm-2015/me/{token}/documents")
    assert page.locator("a, button", has_text="Unduh sertifikat").count() == 1  # a POST button until issued
    assert not has_horizontal_overflow(page)
    screenshot(page, f"documents-mine-{width}")
    assert page.external_requests == [] and page.console_errors == []
