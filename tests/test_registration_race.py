"""Two people taking the last seat at the same moment: real parallel HTTP requests against a real threaded server."""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
import urllib.request

from sqlalchemy import func, select

from plm.extensions import db
from plm.models import Participant
from tests.conftest import NoRedirect
from tests.helpers import form_data


def post_all(url: str, bodies: list[dict]) -> list[int]:
    """POST every body at the same moment (a barrier releases all threads together)."""
    barrier = threading.Barrier(len(bodies))
    codes: list[int] = [0] * len(bodies)
    opener = urllib.request.build_opener(NoRedirect)

    def worker(index: int) -> None:
        data = urllib.parse.urlencode(bodies[index]).encode()
        barrier.wait()
        try:
            codes[index] = opener.open(url, data=data, timeout=30).status
        except urllib.error.HTTPError as exc:
            codes[index] = exc.code

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return codes


def counts(event) -> dict[str, int]:
    db.session.expire_all()
    return dict(db.session.execute(select(Participant.status, func.count()).where(
        Participant.event_id == event.id).group_by(Participant.status)).all())


def test_the_last_seat_goes_to_exactly_one_of_many(live_server, event):
    event.capacity = 1
    db.session.commit()
    bodies = [form_data(email=f"racer{i}@example.id", full_name=f"Racer {i}") for i in range(8)]
    codes = post_all(f"{live_server}/e/{event.slug}/register", bodies)
    assert codes == [302] * 8
    assert counts(event) == {"registered": 1, "waitlisted": 7}


def test_parallel_registrations_fill_the_capacity_exactly(live_server, event):
    event.capacity = 5
    db.session.commit()
    bodies = [form_data(email=f"p{i}@example.id", full_name=f"P {i}") for i in range(16)]
    codes = post_all(f"{live_server}/e/{event.slug}/register", bodies)
    assert codes == [302] * 16
    assert counts(event) == {"registered": 5, "waitlisted": 11}
    # waiting-list positions are distinct and start at 1
    from plm.registration.service import waitlist_position

    waiting = db.session.scalars(select(Participant).where(Participant.status == "waitlisted")).all()
    assert sorted(waitlist_position(db.session, p) for p in waiting) == list(range(1, 12))


def test_the_same_email_sent_twice_at_once_makes_one_record(live_server, event):
    bodies = [form_data(email="twice@example.id") for _ in range(6)]
    codes = post_all(f"{live_server}/e/{event.slug}/register", bodies)
    assert codes.count(302) == 1 and codes.count(200) == 5
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 1


def test_parallel_cancellations_promote_each_waiting_person_once(live_server, app, event):
    from plm.registration import service

    event.capacity = 3
    db.session.commit()
    tokens = []
    for i in range(6):
        result = service.register(db.session, event, form_data(email=f"c{i}@example.id", full_name=f"C {i}"))
        tokens.append(result.token)
        db.session.commit()
    assert counts(event) == {"registered": 3, "waitlisted": 3}
    barrier = threading.Barrier(3)
    opener = urllib.request.build_opener(NoRedirect)
    codes = []

    def cancel(token):
        barrier.wait()
        try:
            codes.append(opener.open(f"{live_server}/e/{event.slug}/me/{token}/cancel",
                                     data=b"confirm=y", timeout=30).status)
        except urllib.error.HTTPError as exc:
            codes.append(exc.code)

    threads = [threading.Thread(target=cancel, args=(t,)) for t in tokens[:3]]
    [t.start() for t in threads]
    [t.join(60) for t in threads]
    assert codes == [302, 302, 302]
    assert counts(event) == {"registered": 3, "cancelled": 3}
