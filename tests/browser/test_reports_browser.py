"""The report page and the live dashboard's charts at 360 px: nothing wider than the phone, the map and
the charts drawn, the downloads linked."""

from __future__ import annotations

from datetime import date

from tests.browser.conftest import has_horizontal_overflow, screenshot
from tests.helpers import log_in


def test_report_page_and_dashboard_at_360(live_server, new_page, app, make_user):
    from sqlalchemy import select

    from plm.checkin.commands import simulate_attendance
    from plm.demo import load_demo
    from plm.extensions import db
    from plm.models import Event

    load_demo(db.session, date.today(), count=120)
    event = db.session.scalar(select(Event).where(Event.slug == "plm-2015"))
    simulate_attendance(db.session, event)
    from plm.demo.evaluations import simulate_evaluations

    simulate_evaluations(db.session, event)
    db.session.commit()
    make_user("organizer", "pintu@test.example")
    page = new_page(width=360)
    log_in(page, live_server, "pintu@test.example")

    page.goto(f"{live_server}/staff/events/plm-2015/report/")
    assert page.locator("svg.tile-map-tall g.tile").count() == 38
    assert page.locator("svg.tile-map-tall").is_visible() and not page.locator("svg.tile-map-wide").is_visible()
    assert page.locator("svg.chart").count() >= 4
    assert page.get_by_role("link", name="Unduh PDF").count() == 1
    assert page.get_by_role("heading", name="Evaluasi").count() == 1
    widest = page.evaluate("""() => Array.from(document.querySelectorAll('body *')).filter(el => el.getBoundingClientRect().right > 361).slice(0, 8).map(el => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right))""")
    assert not has_horizontal_overflow(page), widest
    map_box = page.locator("svg.tile-map-tall").bounding_box()
    assert map_box["width"] <= 360 and map_box["height"] > map_box["width"]  # the tall layout on a phone
    screenshot(page, "report-360")

    page.goto(f"{live_server}/staff/events/plm-2015/checkin")
    assert page.locator("#live-charts svg.tile-map-tall g.tile").count() == 38
    assert page.locator("#live-charts svg.tile-map-tall").is_visible()
    assert not has_horizontal_overflow(page)
    screenshot(page, "dashboard-360")
    # The charts are refreshed from the server: the fragment swaps in without a reload.
    page.evaluate("document.getElementById('live-charts').innerHTML = ''")
    page.evaluate("""async () => {
        const cfg = JSON.parse(document.getElementById('live-config').textContent);
        const html = await (await fetch(cfg.charts, {credentials: 'same-origin'})).text();
        document.getElementById('live-charts').innerHTML = html;
    }""")
    assert page.locator("#live-charts svg.tile-map").count() == 2
