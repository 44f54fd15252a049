"""The live dashboard draws attendance per day and per province with the report's charts (plm/charts)."""

from __future__ import annotations

from plm.extensions import db
from plm.models import CheckIn
from tests.helpers import add_participant, day_checkpoint


def test_dashboard_shows_day_bars_and_province_map_and_refreshes_them(app, client, login, event):
    bali = [add_participant(event, f"Bali {i}", province="Bali") for i in range(3)]
    add_participant(event, "Jatim", province="Jawa Timur")
    for p in bali[:2]:
        db.session.add(CheckIn(participant_id=p.id, checkpoint_id=day_checkpoint(event).id))
    db.session.commit()
    login("organizer")
    html = client.get(f"/staff/events/{event.slug}/checkin").get_data(as_text=True)
    assert "tile-map-wide" in html and "tile-map-tall" in html and html.count('data-province="') == 2 * 38
    assert "2/3" in html and "0/1" in html  # checked in / registered, printed in the tiles
    assert html.count('<svg class="chart"') == 1  # the per-day bars
    fragment = client.get(f"/staff/events/{event.slug}/checkin?part=charts")
    assert fragment.status_code == 200
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and 'data-province="Bali" data-value="3"' in body and "2/3" in body


def test_a_facilitator_sees_no_province_map(app, client, login, event):
    add_participant(event, "Bali", province="Bali")
    login("facilitator")
    html = client.get(f"/staff/events/{event.slug}/checkin").get_data(as_text=True)
    assert "tile-map" not in html
    assert client.get(f"/staff/events/{event.slug}/checkin?part=charts").get_data(as_text=True).strip() == ""
