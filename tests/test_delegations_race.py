"""Twenty delegates sent at once for five seats: exactly five registrations (real threads on a real server;
on PostgreSQL the event row lock, on SQLite the write lock). Run on both backends."""

from __future__ import annotations

from sqlalchemy import func, select

from plm.extensions import db
from plm.models import Participant
from tests.delegation_helpers import delegate_data, make_institution
from tests.test_registration_race import post_all


def test_twenty_delegates_at_once_fill_exactly_five_seats(live_server, event):
    institution, token = make_institution(event, seats=5)
    bodies = [delegate_data(email=f"delegasi{i}@gianyar.example", full_name=f"Delegasi {i}") for i in range(20)]
    codes = post_all(f"{live_server}/e/{event.slug}/delegation/{token}/add", bodies)
    assert sorted(codes) == [200] * 15 + [302] * 5  # the refused see the form again with the reason
    db.session.expire_all()
    rows = db.session.execute(select(Participant.status, func.count()).where(
        Participant.institution_id == institution.id).group_by(Participant.status)).all()
    assert dict(rows) == {"registered": 5}


def test_the_province_cap_holds_across_institutions_at_once(live_server, event):
    from plm.delegations import service

    first, first_token = make_institution(event, name="Perpustakaan Desa Ubud", seats=6)
    second, second_token = make_institution(event, name="Perpustakaan Desa Tegallalang", seats=6)
    service.set_cap(db.session, event, "province", "Bali", 4, None)
    db.session.commit()
    bodies = [delegate_data(email=f"cap{i}@bali.example", full_name=f"Cap {i}") for i in range(12)]
    urls = [f"{live_server}/e/{event.slug}/delegation/{first_token if i % 2 else second_token}/add" for i in range(12)]
    import threading
    import urllib.error
    import urllib.parse
    import urllib.request

    from tests.conftest import NoRedirect

    barrier = threading.Barrier(12)
    codes = [0] * 12
    opener = urllib.request.build_opener(NoRedirect)

    def worker(i):
        barrier.wait()
        try:
            codes[i] = opener.open(urls[i], data=urllib.parse.urlencode(bodies[i]).encode(), timeout=30).status
        except urllib.error.HTTPError as exc:
            codes[i] = exc.code

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert codes.count(302) == 4 and codes.count(200) == 8
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Participant).where(
        Participant.institution_id.in_([first.id, second.id]))) == 4
