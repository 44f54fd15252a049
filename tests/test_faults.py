"""Faults lose nothing.

* kill -9 of the whole gunicorn (master and workers) in the middle of a burst of 200 registrations and
  500 check-ins from threads on 127.0.0.1; after a restart every request that got a success answer is in
  the database, none twice, and replaying everything leaves exactly one row each (SQLite WAL and PostgreSQL);
* PostgreSQL stopped for a few seconds during check-ins (PostgreSQL pass only): the API answers 503 JSON
  `database_unavailable` through gunicorn, never a 500, and replaying the same client_uuids afterwards
  records every scan exactly once.
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid

import pytest
from sqlalchemy import func, select, text

from plm.extensions import db
from plm.models import CheckIn, Participant
from plm.tickets import participant_code
from tests.conftest import DATABASE_URL, IS_POSTGRES, ROOT
from tests.helpers import SECRET, day_checkpoint, form_data

pytestmark = [pytest.mark.faults, pytest.mark.serial]  # kill -9 and stopping PostgreSQL: alone


# ------------------------------------------------------------------ a killable gunicorn

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn from deploy/gunicorn.conf.py in its own process group, so kill -9 reaches every worker."""

    def __init__(self, tmp_path, workers: int = 2, threads: int = 4):
        self.tmp_path, self.workers, self.threads = tmp_path, workers, threads
        self.process = None
        self.port = None

    def start(self) -> str:
        self.port = _free_port()
        env = dict(os.environ, PLM_SECRET_KEY=SECRET, PLM_SQLALCHEMY_DATABASE_URI=DATABASE_URL,
                   PLM_INSTANCE_PATH=str(self.tmp_path), PLM_RATELIMIT_ENABLED="false",
                   # Its event is weeks ahead while it scans now: the wrong-day rule is off (tested elsewhere).
                   PLM_CHECKIN_DAY_MARGIN_HOURS="null",
                   # The burst posts the registration form without first loading it; CSRF has its own tests.
                   PLM_WTF_CSRF_ENABLED="false", PLM_BIND=f"127.0.0.1:{self.port}",
                   PLM_WORKERS=str(self.workers), PLM_THREADS=str(self.threads), PLM_ACCESS_LOG="/dev/null")
        log = open(self.tmp_path / f"gunicorn-{self.port}.log", "wb")
        self.process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "wsgi:app"],
                                        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            status, _ = request("GET", self.port, "/readyz")
            if status == 200:
                return self.url
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited: " + self.log())
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not become ready: " + self.log())

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return (self.tmp_path / f"gunicorn-{self.port}.log").read_text(errors="replace")[-3000:]

    def kill9(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)  # the master and every worker at once, no clean-up
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


def request(method, port, path, body=None, headers=None, timeout=30):
    """One HTTP request on its own connection; (status, body) or (None, error name) when the server is gone."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, (response.getheader("Location") or "", response.getheader("Content-Type") or "",
                                 response.read())
    except (OSError, http.client.HTTPException) as exc:
        return None, type(exc).__name__
    finally:
        connection.close()


@pytest.fixture
def server(tmp_path):
    servers = []

    def factory(**kwargs):
        servers.append(Server(tmp_path, **kwargs))
        return servers[-1]

    yield factory
    for item in servers:
        item.stop()


def _door_token(make_user):
    from plm.auth.service import create_api_token

    user = make_user("organizer", "pintu-fault@test.example")
    token = create_api_token(db.session, user, "Pintu fault")
    db.session.commit()
    return token


def _participants(event, count, prefix):
    people = [Participant(event_id=event.id, full_name=f"{prefix} {i}", email=f"{prefix.lower()}{i}@fault.example",
                          institution="Perpustakaan Desa", province="Bali", status="registered") for i in range(count)]
    db.session.add_all(people)
    db.session.commit()
    return people


def _scan(port, slug, token, job):
    status, answer = request("POST", port, f"/api/v1/events/{slug}/checkins", json.dumps(job).encode(),
                             {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    body = json.loads(answer[2]) if status and answer[1].startswith("application/json") else None
    return status, body, answer


def _register(port, slug, job):
    status, answer = request("POST", port, f"/e/{slug}/register", urllib.parse.urlencode(job).encode(),
                             {"Content-Type": "application/x-www-form-urlencoded"})
    return status, answer


# ------------------------------------------------------------------ kill -9 in the middle of a burst

def test_kill_9_mid_burst_loses_no_acknowledged_request(app, event, make_user, server):
    event.capacity = 1000
    db.session.commit()
    token = _door_token(make_user)
    checkpoint = day_checkpoint(event)
    people = _participants(event, 500, "Hadir")
    jobs = [("register", form_data(email=f"kill{i}@example.id", full_name=f"Peserta Kill {i}"))
            for i in range(200)]
    jobs += [("checkin", {"code": participant_code(SECRET, p), "checkpoint": checkpoint.id,
                          "client_uuid": str(uuid.uuid4()), "device": "Pintu 1"}) for p in people]
    random.Random(8).shuffle(jobs)

    gunicorn = server(workers=2, threads=4)
    gunicorn.start()
    port = gunicorn.port
    work: queue.Queue = queue.Queue()
    for job in jobs:
        work.put(job)
    acknowledged: list[tuple[str, dict, dict | None]] = []
    failed, other = [], []
    lock = threading.Lock()
    in_flight = [0]
    killed = threading.Event()

    def sender():
        while True:
            try:
                kind, job = work.get_nowait()
            except queue.Empty:
                return
            with lock:
                in_flight[0] += 1
            if kind == "register":
                status, answer = _register(port, event.slug, job)
                ok = status == 302 and answer[0].endswith("/registered")
                body = None
            else:
                status, body, answer = _scan(port, event.slug, token, job)
                ok = status in (200, 201) and body and body["result"] in ("ok", "already")
            with lock:
                in_flight[0] -= 1
                if ok:
                    acknowledged.append((kind, job, body))
                elif status is None:
                    failed.append((kind, job))
                else:
                    other.append((kind, job, status, answer))

    threads = [threading.Thread(target=sender) for _ in range(12)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 120
    while len(acknowledged) < 250 and time.monotonic() < deadline and any(t.is_alive() for t in threads):
        time.sleep(0.005)
    with lock:
        flying_at_kill = in_flight[0]
        acked_before_kill = len(acknowledged)
    gunicorn.kill9()
    killed.set()
    for thread in threads:
        thread.join(120)
    assert other == [], other[:3]
    assert 0 < acked_before_kill < len(jobs) and failed, "the kill did not land in the middle of the burst"

    if not IS_POSTGRES:
        db.session.remove()
        assert db.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    restarted = server(workers=2, threads=4)
    restarted.start()

    db.session.expire_all()
    found = 0
    for kind, job, body in acknowledged:
        if kind == "register":
            count = db.session.scalar(select(func.count(Participant.id)).where(
                Participant.event_id == event.id, Participant.email_normalized == job["email"]))
        else:
            count = db.session.scalar(select(func.count(CheckIn.id)).where(CheckIn.client_uuid == job["client_uuid"]))
            assert db.session.scalar(select(CheckIn.id).where(CheckIn.client_uuid == job["client_uuid"])) == body["checkin_id"]
        assert count == 1, (kind, job)
        found += 1
    registered_after_kill = db.session.scalar(select(func.count(Participant.id)).where(Participant.email.like("kill%")))
    checkins_after_kill = db.session.scalar(select(func.count(CheckIn.id)))

    # Everything again, as clients whose answer was lost would retry: still one row per person.
    replay_statuses = {}
    for kind, job in jobs:
        if kind == "register":
            status, answer = _register(restarted.port, event.slug, job)
            assert status == 302 or (status == 200 and b"sudah terdaftar" in answer[2].lower()), (status, job["email"])
        else:
            status, body, _ = _scan(restarted.port, event.slug, token, job)
            assert status in (200, 201) and body["result"] in ("ok", "already"), (status, body)
        replay_statuses[status] = replay_statuses.get(status, 0) + 1
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Participant.id)).where(Participant.email.like("kill%"))) == 200
    assert db.session.scalar(select(func.count(CheckIn.id))) == 500
    assert db.session.scalar(select(func.count(func.distinct(CheckIn.participant_id)))) == 500
    print(f"\nkill -9 ({'PostgreSQL' if IS_POSTGRES else 'SQLite WAL'}): {len(jobs)} requests "
          f"(200 registrations, 500 check-ins) from 12 threads; killed after {acked_before_kill} acknowledged "
          f"with {flying_at_kill} in flight; {len(acknowledged)} acknowledged "
          f"({sum(k == 'register' for k, _, _ in acknowledged)} registrations, "
          f"{sum(k == 'checkin' for k, _, _ in acknowledged)} check-ins), {len(failed)} cut off; "
          f"after restart {found}/{len(acknowledged)} acknowledged found, 0 twice "
          f"(rows: {registered_after_kill} registrations, {checkins_after_kill} check-ins); "
          f"after replaying all: 200 and 500, each once")


# ------------------------------------------------------------------ PostgreSQL stopped during check-ins

def _pg_ctl(action: str) -> None:
    directory, port, pgbin = os.environ["PLM_TEST_PG_DIR"], os.environ["PLM_TEST_PG_PORT"], os.environ["PLM_TEST_PG_BIN"]
    command = [f"{pgbin}/pg_ctl", "-D", f"{directory}/data", "-w"]
    if action == "stop":
        command += ["-m", "fast", "stop"]
    else:  # the same options as scripts/with-postgres
        command += ["-l", f"{directory}/server.log", "-o",
                    f"-k {directory} -h 127.0.0.1 -p {port} -c fsync=off -c synchronous_commit=off "
                    f"-c full_page_writes=off -c max_connections=200", "start"]
    if os.getuid() == 0:
        command = ["runuser", "-u", "postgres", "--"] + command
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)


@pytest.mark.skipif(not IS_POSTGRES or not os.environ.get("PLM_TEST_PG_DIR"),
                    reason="needs the throwaway PostgreSQL of scripts/with-postgres")
def test_postgresql_outage_answers_503_and_replays_land_exactly_once(app, event, make_user, server):
    token = _door_token(make_user)
    checkpoint = day_checkpoint(event)
    people = _participants(event, 300, "Gangguan")
    scans = [{"code": participant_code(SECRET, p), "checkpoint": checkpoint.id, "client_uuid": str(uuid.uuid4()),
              "device": "Pintu 2"} for p in people]
    db.session.remove()
    gunicorn = server(workers=2, threads=4)
    gunicorn.start()
    port = gunicorn.port
    answers: dict[str, list] = {}
    lock = threading.Lock()

    def send(batch):
        for job in batch:
            status, body, answer = _scan(port, event.slug, token, job)
            with lock:
                answers.setdefault(job["client_uuid"], []).append((status, body, answer[1] if status else answer))

    def in_threads(items, count=6):
        threads = [threading.Thread(target=send, args=(items[i::count],)) for i in range(count)]
        for thread in threads:
            thread.start()
        return threads

    for thread in in_threads(scans[:100]):
        thread.join()
    assert all(a[-1][0] == 201 for a in answers.values())

    outage_statuses = []
    stopped = False
    try:
        # Scans keep coming (one paced sender per door) while PostgreSQL stops and stays down for a few seconds.
        middle = scans[100:200]
        senders = in_threads([None] * 0 + middle, count=4)
        time.sleep(0.05)
        _pg_ctl("stop")
        stopped = True
        down_since = time.monotonic()
        ready_status, ready = request("GET", port, "/readyz")
        assert ready_status == 503 and json.loads(ready[2])["status"] == "unavailable"
        while time.monotonic() - down_since < 3:
            status, body, answer = _scan(port, event.slug, token, scans[200 + len(outage_statuses) % 100])
            outage_statuses.append((status, body))
        for thread in senders:
            thread.join(60)
    finally:
        if stopped:
            _pg_ctl("start")
    deadline = time.monotonic() + 30
    while request("GET", port, "/readyz")[0] != 200:
        assert time.monotonic() < deadline, "not ready after PostgreSQL came back"
        time.sleep(0.2)

    every = [(status, body) for answer_list in answers.values() for status, body, _ in answer_list] + outage_statuses
    unavailable = [body for status, body in every if status == 503]
    assert unavailable, "no request met the outage"
    assert all(body == {"error": "database_unavailable", "message": body["message"]} for body in unavailable)
    assert {status for status, _ in every} <= {200, 201, 503}, sorted({status for status, _ in every}, key=str)

    # After it returns: every scan again with its own client_uuid (what the door's queue does).
    for thread in in_threads(scans):
        thread.join()
    db.session.expire_all()
    assert db.session.scalar(select(func.count(CheckIn.id))) == 300
    assert db.session.scalar(select(func.count(func.distinct(CheckIn.participant_id)))) == 300
    for job in scans:
        final = answers[job["client_uuid"]][-1]
        assert final[0] in (200, 201) and final[1]["result"] in ("ok", "already"), final
        assert db.session.scalar(select(func.count(CheckIn.id)).where(CheckIn.client_uuid == job["client_uuid"])) <= 1
    print(f"\nPostgreSQL outage: {len(every)} scans answered while it stopped and came back: "
          f"{len(unavailable)} × 503 database_unavailable, 0 × 500; after replaying 300 scans: 300 check-ins, each once")


@pytest.mark.nodb
def test_driver_errors_of_a_dead_connection_count_as_database_unavailable():
    import psycopg
    from sqlalchemy import exc as sa_exc

    from plm.errors import database_unavailable

    shutdown = psycopg.errors.AdminShutdown("terminating connection due to administrator command")
    assert database_unavailable(sa_exc.OperationalError("SELECT 1", {}, shutdown))
    assert database_unavailable(sa_exc.InterfaceError("SELECT 1", {}, psycopg.InterfaceError("the connection is closed")))
    assert database_unavailable(sa_exc.PendingRollbackError("rolled back"))
    assert database_unavailable(psycopg.OperationalError("connection refused"))
    assert not database_unavailable(sa_exc.IntegrityError("INSERT", {}, Exception("duplicate")))
    assert not database_unavailable(ValueError("a bug"))
