"""Door search (issue 13, item 4): ranked by match quality, full names in the results and the offline snapshot."""

from __future__ import annotations

from plm.checkin.service import match_rank
from tests.helpers import add_participant, day_checkpoint


def test_match_rank_orders_name_start_word_start_inside_then_institution():
    assert match_rank("made", "Made Sari", "Sari") == 0
    assert match_rank("sari", "Made Sari", "Sari") == 0  # the badge name starts with it
    assert match_rank("sari", "Ni Made Sariasih", "Ni Made") == 1
    assert match_rank("ade", "Made Sari", "Sari") == 2
    assert match_rank("made", "Putu Ayu", "Ayu") == 3
    assert match_rank("DÉSA wul", "Désa Wulandari", "") == 0
    assert match_rank("wul desa", "Désa Wulandari", "") == 1


def test_search_ranks_by_match_quality_not_alphabet_and_shows_every_name(client, door, event):
    add_participant(event, "Anak Agung Ayu", institution="Perpustakaan Madenan")  # institution only
    add_participant(event, "Komang Armade", name_on_badge="Komang")               # inside a word
    add_participant(event, "Ni Made Sari", name_on_badge="Sari", province="Bali")  # word start
    add_participant(event, "Made Wirawan", name_on_badge="Sari")                   # name start
    cancelled = add_participant(event, "Made Batal", status="cancelled")
    url = f"/api/v1/events/{event.slug}/participants"
    results = client.get(url, query_string={"q": "made"}).get_json()["results"]
    assert [r["full_name"] for r in results] == [
        "Made Batal", "Made Wirawan", "Ni Made Sari", "Komang Armade", "Anak Agung Ayu"]
    hit = results[2]
    assert (hit["name"], hit["institution"], hit["province"]) == ("Sari", "Perpustakaan Desa Ungasan", "Bali")
    assert results[0]["id"] == cancelled.public_id and results[0]["status"] == "cancelled"


def test_snapshot_carries_the_full_name_for_offline_search(client, door, event):
    p = add_participant(event, "Ni Made Sari", name_on_badge="Sari")
    cp = day_checkpoint(event)
    data = client.get(f"/api/v1/events/{event.slug}/checkin-snapshot?checkpoint={cp.id}").get_json()
    entry = next(e for e in data["participants"] if e[0] == p.public_id)
    row = dict(zip(data["fields"], entry, strict=False))
    assert row["name"] == "Sari" and row["full_name"] == "Ni Made Sari"
