"""Two (or twenty) doors at once, against a real gunicorn process: exactly one check-in, no lock errors."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
import uuid

from sqlalchemy import func, select

from plm.auth.service import create_api_token
from plm.extensions import db
from plm.models import CheckIn, ScanLog
from plm.tickets import participant_code
from tests.helpers import SECRET, add_participant, day_checkpoint


def post(url, token, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def in_parallel(n, work):
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        barrier.wait()
        results[i] = work(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_twenty_doors_same_badge_one_ok(app, event, make_user, gunicorn_server):
    user = make_user("organizer", "pintu@test.example")
    token = create_api_token(db.session, user, "door")
    people = [add_participant(event, f"Peserta {i}") for i in range(21)]
    cp = day_checkpoint(event)
    db.session.commit()
    cp_id, slug = cp.id, event.slug
    codes = [participant_code(SECRET, p) for p in people]
    base = gunicorn_server(workers=2, threads=8)
    url = f"{base}/api/v1/events/{slug}/checkins"

    # 20 doors scan the same badge at the same instant.
    results = in_parallel(20, lambda i: post(url, token, {"code": codes[0], "checkpoint": cp_id,
                                                          "client_uuid": str(uuid.uuid4()), "device": f"Door {i}"}))
    answers = sorted(body["result"] for _, body in results)
    assert answers == ["already"] * 19 + ["ok"], results
    assert sorted(status for status, _ in results) == [200] * 19 + [201]
    ok = next(body for _, body in results if body["result"] == "ok")
    assert all(body["by"] == ok["by"] for _, body in results)

    # The same request retried 20 times at once (one client_uuid): one check-in, one log row, one answer.
    uid = str(uuid.uuid4())
    retried = in_parallel(20, lambda i: post(url, token, {"code": codes[1], "checkpoint": cp_id, "client_uuid": uid}))
    assert {body["result"] for _, body in retried} == {"ok"}
    assert len({body["checkin_id"] for _, body in retried}) == 1

    # 19 different badges at once: all ok, none refused with a lock error.
    different = in_parallel(19, lambda i: post(url, token, {"code": codes[2 + i], "checkpoint": cp_id,
                                                            "client_uuid": str(uuid.uuid4())}))
    assert [status for status, _ in different] == [201] * 19, different

    db.session.expire_all()
    assert db.session.scalar(select(func.count(CheckIn.id))) == 21
    assert db.session.scalar(select(func.count(ScanLog.id))) == 20 + 1 + 19
    assert db.session.scalar(select(func.count(ScanLog.id)).where(ScanLog.client_uuid == uid)) == 1


def test_offline_queues_replayed_twice_concurrently(app, event, make_user, gunicorn_server):
    """Two doors replay their offline queues (overlapping people) twice, in parallel: one row per person,
    with the earliest time."""
    from datetime import timedelta

    from plm.models import utcnow

    user = make_user("organizer", "pintu@test.example")
    token = create_api_token(db.session, user, "door")
    people = [add_participant(event, f"Peserta {i}") for i in range(12)]
    cp = day_checkpoint(event)
    start = utcnow() - timedelta(hours=1)
    event.registration_opens_at = start - timedelta(days=1)  # a scan may not predate it
    db.session.commit()
    queue_a = [{"code": participant_code(SECRET, p), "checkpoint": cp.id, "client_uuid": str(uuid.uuid4()),
                "scanned_at": (start + timedelta(minutes=i)).isoformat(), "device": "A", "source": "offline-sync"}
               for i, p in enumerate(people[:8])]
    queue_b = [{"code": participant_code(SECRET, p), "checkpoint": cp.id, "client_uuid": str(uuid.uuid4()),
                "scanned_at": (start + timedelta(minutes=i - 2)).isoformat(), "device": "B", "source": "offline-sync"}
               for i, p in enumerate(people[4:], start=4)]
    base = gunicorn_server(workers=2, threads=4)
    url = f"{base}/api/v1/events/{event.slug}/checkins"
    work = [queue_a, queue_b, queue_a, queue_b]
    results = in_parallel(4, lambda i: [post(url, token, item) for item in work[i]])
    assert all(status in (200, 201) for batch in results for status, _ in batch)
    db.session.expire_all()
    rows = {c.participant_id: c for c in db.session.scalars(select(CheckIn))}
    assert len(rows) == 12
    for i, p in enumerate(people):
        expected = start + timedelta(minutes=i - 2 if i >= 4 else i)
        assert rows[p.id].checked_in_at == expected, i
        assert rows[p.id].device == ("B" if i >= 4 else "A")
