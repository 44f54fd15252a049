"""The demo shows delegations with real data: partner institutions with seats, most filled, a few behind,
a few that never used their link, one delegate waiting for approval, and caps."""

from __future__ import annotations

from plm.delegations import service
from plm.delegations.models import DelegationCap
from plm.extensions import db
from tests.helpers import SECRET


def test_the_demo_has_partner_institutions(demo_event):
    rows = service.overview(db.session, demo_event)
    assert len(rows) == 96
    behind = [r for r in rows if r.behind]
    assert 5 <= len(behind) <= 20 and len(behind) < len(rows) // 4  # most are filled
    assert sum(r.pending for r in rows) == 1
    assert sum(1 for r in rows if r.institution.first_active_at is None and r.filled == 0) == 5
    assert all(r.institution.invite_token(SECRET) for r in rows)
    assert {r.institution.institution_type for r in rows} == {"provincial", "regency_city", "tbm"}
    assert db.session.query(DelegationCap).count() == 2
    plan = service.plan_match_by_name(db.session, demo_event)
    assert len(plan.matches) >= 5  # the never-used institutions' people typed the name: staff can match them


def test_the_demo_delegation_page_opens(client, demo_event):
    row = next(r for r in service.overview(db.session, demo_event) if r.behind and r.filled)
    token = row.institution.invite_token(SECRET)
    page = client.get(f"/e/{demo_event.slug}/delegation/{token}").get_data(as_text=True)
    assert row.institution.name in page and f"{row.filled}</strong> / {row.institution.seats}" in page
