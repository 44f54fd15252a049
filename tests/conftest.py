"""Shared fixtures: a real database (SQLite file, or PostgreSQL when PLM_TEST_DATABASE_URL is set),
migrated once per run with the real Alembic migrations and emptied after each test.

Under pytest-xdist (`-n 2`, scripts/run-tests) every worker has a database of its own: its own SQLite
file, or on PostgreSQL its own database `plm_test_gw0`, `plm_test_gw1`, ... on the server in
PLM_TEST_DATABASE_URL, so tests that empty the tables never see another worker's rows. Helpers shared by
test modules live in tests/helpers.py."""

from __future__ import annotations

import os
import re
import sys
import tempfile
import threading
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from flask import current_app
from flask.testing import FlaskClient
from hypothesis import settings as hypothesis_settings
from hypothesis.database import DirectoryBasedExampleDatabase
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from plm import clock, create_app  # noqa: E402
from plm.extensions import db  # noqa: E402
from tests.helpers import STAFF_PASSWORD  # noqa: E402,F401 (tests import it from here too)

# "gw0", "gw1", ... in a pytest-xdist worker; "" in a plain `pytest` run.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
_TMP = tempfile.mkdtemp(prefix=f"plm-tests-{WORKER or 'main'}-")
# The server's own database (scripts/with-postgres makes `plm_test`); workers get one each beside it.
SERVER_DATABASE_URL = os.environ.get("PLM_TEST_DATABASE_URL") or f"sqlite:///{_TMP}/plm-test.sqlite3"
IS_POSTGRES = SERVER_DATABASE_URL.startswith("postgresql")
if IS_POSTGRES and WORKER:
    _url = make_url(SERVER_DATABASE_URL)
    DATABASE_URL = _url.set(database=f"{_url.database}_{WORKER}").render_as_string(hide_password=False)
else:
    DATABASE_URL = SERVER_DATABASE_URL
# Hypothesis: in CI (CI=true) every run tries the same examples (derandomize: the seed is a hash of the
# test), so a failure there fails again on a rerun and prints its @reproduce_failure blob; Hypothesis
# allows no example database with derandomize. On a developer's machine examples are random and the
# failing ones are kept in .hypothesis/examples (under the repository, not in git) and tried first next run.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
hypothesis_settings.register_profile("dev", database=DirectoryBasedExampleDatabase(str(ROOT / ".hypothesis" / "examples")))
hypothesis_settings.load_profile(os.environ.get("PLM_HYPOTHESIS_PROFILE")
                                 or ("ci" if os.environ.get("CI", "").lower() in ("1", "true", "yes") else "dev"))

def _share_url_builders_between_apps() -> None:
    """Each test makes its own app, and werkzeug compiles two URL-builder functions for each of its ~200
    routes (an AST, then compile()): ~70 ms of CPU per app, a sixth of the suite. A builder is a pure
    function of the rule's parsed parts, so apps in one test process share them: the first app compiles,
    later ones reuse. Rules with defaults (whose values are baked into the builder) are compiled afresh."""
    from werkzeug.routing.rules import Rule

    compile_builder = Rule._compile_builder
    builders: dict = {}

    def shared_builder(self, append_unknown=True):
        if self.defaults:
            return compile_builder(self, append_unknown)
        key = (self.rule, tuple(self._trace), append_unknown)
        if key not in builders:
            builders[key] = compile_builder(self, append_unknown)
        return builders[key]

    Rule._compile_builder = shared_builder


_share_url_builders_between_apps()


# Production-like apps and the gunicorn/CLI subprocesses refuse to start without it; the test
# client's own host, so links in mails look like the pages the tests fetch.
os.environ["PLM_PUBLIC_BASE_URL"] = "http://localhost"


def pytest_configure(config):
    config.addinivalue_line("markers", "nodb: needs no database; run once (on the SQLite pass)")
    config.addinivalue_line("markers", "browser: drives headless Chromium")
    config.addinivalue_line("markers", "serial: must run alone, never beside other tests (stops the shared "
                                       "PostgreSQL, kill -9 bursts); scripts/run-tests runs them after the parallel step")


def base_config(**overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": DATABASE_URL,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "UPLOAD_FOLDER": os.path.join(_TMP, "uploads"),
        "MAIL_SERVER": None,
        "SERVER_NAME": None,
        # The `event` fixture is four weeks ahead while tests scan now: the wrong-day rule is off unless a
        # test turns it on (tests/test_checkin_security.py does).
        "CHECKIN_DAY_MARGIN_HOURS": None,
        # scrypt at n=256 instead of 32768: the same code, but a hash costs ~0.1 ms instead of ~90 ms, which
        # was a quarter of the suite's CPU (every staff fixture and login hashes). tests/test_models.py
        # checks the production default.
        "PASSWORD_HASH_METHOD": "scrypt:256:8:1",
    }
    config.update(overrides)
    return config


class FreshContextClient(FlaskClient):
    """Each request gets its own app context, as in production.

    Without this, a request reuses the app context the test pushed, and `g` (the logged-in
    user, the chosen language) would leak from one request into the next.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def migrated_database():
    """Run the real migrations once on an empty database."""
    if IS_POSTGRES and DATABASE_URL != SERVER_DATABASE_URL:
        # This xdist worker's own database, made afresh on the same server.
        name = make_url(DATABASE_URL).database
        server = create_engine(SERVER_DATABASE_URL, isolation_level="AUTOCOMMIT")
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        server.dispose()
    elif IS_POSTGRES:
        engine = create_engine(DATABASE_URL)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app(base_config())
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        db.engine.dispose()
    return DATABASE_URL


_cleaner_engine = None
_nonempty_query = None


def _cleaner():
    """One engine per process for emptying the tables: a second app per test only to clean up cost a
    create_app() (~80 ms of CPU) each time. pool_pre_ping: the serial tests restart PostgreSQL under it."""
    global _cleaner_engine, _nonempty_query
    if _cleaner_engine is None:
        # SQLite: a new connection each time (cheap), never one held on a file a test may replace.
        _cleaner_engine = (create_engine(DATABASE_URL, pool_pre_ping=True) if IS_POSTGRES
                           else create_engine(DATABASE_URL, poolclass=NullPool))
        # One round trip names the tables that hold rows (most tests touch a handful of the ~70).
        _nonempty_query = text(" UNION ALL ".join(
            f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM \"{t.name}\")" for t in db.metadata.sorted_tables))
    return _cleaner_engine


def _empty_all_tables(connection=None) -> None:
    """Delete the rows of the tables that have any, children first; on PostgreSQL also restart every
    sequence that was used, as TRUNCATE ... RESTART IDENTITY did (a TRUNCATE of all ~70 tables cost tens
    of ms per test; DELETE of a few small tables costs about nothing)."""
    if connection is None:
        with _cleaner().begin() as connection:
            return _empty_all_tables(connection)
    nonempty = set(connection.execute(_nonempty_query).scalars())
    for table in reversed(db.metadata.sorted_tables):
        if table.name in nonempty:
            connection.execute(text(f'DELETE FROM "{table.name}"'))
    if IS_POSTGRES:
        connection.execute(text(
            "SELECT setval(format('%I.%I', schemaname, sequencename), start_value, false) FROM pg_sequences "
            "WHERE schemaname = current_schema() AND last_value IS NOT NULL"))


#: The moment `frozen_time` stops the clock at: a Monday morning in Bali (09:30 WITA).
FROZEN_NOW = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)


@pytest.fixture
def frozen_time():
    """The clock stopped at FROZEN_NOW (time-machine): plm.clock, the models' column defaults, datetime.now,
    date.today and time.time all read it. Ask for it before `event` so the event is dated from it; move on
    with `frozen_time.shift(timedelta(...))`. Only for tests whose answer depends on the date or the time."""
    with time_machine.travel(FROZEN_NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def make_app(migrated_database):
    """Factory for apps on the test database; every table is emptied after the test."""
    apps = []

    def factory(**overrides):
        app = create_app(base_config(**overrides))
        app.test_client_class = FreshContextClient
        apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    _empty_all_tables()


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(app):
    from plm.auth.service import create_user

    def factory(role: str = "admin", email: str | None = None, password: str = STAFF_PASSWORD):
        user = create_user(db.session, email or f"{role}@test.example", role, password)
        db.session.commit()
        return user

    return factory


@pytest.fixture
def login(client, make_user):
    """login('admin') creates that staff user and logs the test client in as them."""

    def do_login(role: str = "admin", email: str | None = None):
        user = make_user(role, email)
        response = client.post("/staff/login", data={"email": user.email, "password": STAFF_PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user

    return do_login


@pytest.fixture
def door(client, login, event):
    """The test client logged in as door staff (an organizer)."""
    return login("organizer")


@pytest.fixture
def event(app):
    """A small open event four weeks from now."""
    from plm.admin.service import ensure_day_checkpoints
    from plm.models import Event

    start = clock.today() + timedelta(days=28)
    event = Event(slug="plm-test", name="PLM Test", theme="Belajar bersama", venue="Hotel Ungasan",
                  city="Bali", timezone="Asia/Makassar", starts_on=start, ends_on=start + timedelta(days=3),
                  capacity=100)
    db.session.add(event)
    db.session.flush()
    ensure_day_checkpoints(db.session, event)
    db.session.commit()
    return event


_demo_snapshots: dict[tuple, dict[str, list[dict]]] = {}


def load_demo_cached(first_day, count: int = 350) -> None:
    """load_demo(db.session, first_day, count=count) and commit, into an empty database: the first time in
    this process for these arguments it runs load_demo (~1.2 s of CPU) and keeps every row it wrote; later
    it inserts those same rows again (~0.1 s). The rows are those load_demo wrote, ids and random tokens
    and password hashes included; its timestamps are from the first load (minutes earlier, at most).
    A database that is not empty, or a clock stopped by time-machine, gets a real load_demo, kept for
    nobody. tests/test_demo_snapshot.py checks that the copy is exact."""
    from sqlalchemy import select

    from plm.demo import load_demo

    key = (first_day, count, current_app.config["SECRET_KEY"])
    _cleaner()  # builds the query naming the tables with rows
    reusable = not time_machine.escape_hatch.is_travelling() and not db.session.execute(_nonempty_query).first()
    snapshot = _demo_snapshots.get(key) if reusable else None
    if snapshot is None:
        load_demo(db.session, first_day, count=count)
        db.session.commit()
        if reusable:
            _demo_snapshots[key] = {table.name: [dict(row._mapping) for row in db.session.execute(select(table))]
                                    for table in db.metadata.sorted_tables}
        return
    for table in db.metadata.sorted_tables:
        if snapshot[table.name]:
            db.session.execute(table.insert(), snapshot[table.name])
    if IS_POSTGRES:  # the sequences where load_demo left them: past the highest id
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.primary_key.columns if c.autoincrement is True or (
                c.autoincrement == "auto" and len(table.primary_key.columns) == 1 and c.type.python_type is int)]
            if snapshot[table.name] and columns:
                db.session.execute(text(f"SELECT setval(pg_get_serial_sequence(:table, :column), "
                                        f'(SELECT max("{columns[0].name}") FROM "{table.name}"))'),
                                   {"table": f'"{table.name}"', "column": columns[0].name})
    db.session.commit()
    db.session.expire_all()


@pytest.fixture
def demo_event(app):
    from sqlalchemy import select

    from plm.models import Event

    load_demo_cached(clock.today() + timedelta(days=21))
    return db.session.scalar(select(Event).where(Event.slug == "plm-2015"))


@pytest.fixture
def live_server(app):
    """The test app served on 127.0.0.1 from a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_BASE_URL"] = url  # links in pages and mails point where the browser can follow them
    yield url
    server.shutdown()
    thread.join(5)
    server.server_close()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """For urllib clients in race tests: see the 302/303 itself, not the page it points to."""

    def redirect_request(self, *args, **kwargs):
        return None


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


# ---- schedule (issue 5) ----

@pytest.fixture
def schedule_factory(app, event):
    """Helpers to build a small schedule on the `event` fixture: room(), track(), leader(), session()."""
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from plm.models import EventSession, Participant, Room, Track

    tz = ZoneInfo(event.timezone)

    class Factory:
        def room(self, name="Ruang Kuta", capacity=60, position=0):
            room = Room(event_id=event.id, name=name, capacity=capacity, position=position)
            db.session.add(room)
            db.session.commit()
            return room

        def track(self, name="Layanan TIK", colour="#1f5fad"):
            track = Track(event_id=event.id, name=name, colour=colour)
            db.session.add(track)
            db.session.commit()
            return track

        def person(self, name="Sri Wahyuni", email=None, role="participant", status="registered"):
            person = Participant(event_id=event.id, full_name=name, email=email or f"{name.split()[0].lower()}@test.example",
                                 role=role, status=status, institution="Perpustakaan Desa Sukamaju", province="Jawa Timur")
            db.session.add(person)
            db.session.commit()
            return person

        def leader(self, name="Ayu Lestari", email=None, role="facilitator"):
            return self.person(name, email, role)

        def session(self, title="Sesi Berbagi", day=0, start="10:00", end="11:30", room=None, kind="sharing",
                    capacity=None, signup=False, facilitators=(), track=None):
            when = event.starts_on.toordinal() + day
            from datetime import date as _date

            the_day = _date.fromordinal(when)
            item = EventSession(
                event_id=event.id, title=title, kind=kind, room=room, track=track, capacity=capacity,
                signup_required=signup,
                starts_at=datetime.combine(the_day, time.fromisoformat(start), tz),
                ends_at=datetime.combine(the_day, time.fromisoformat(end), tz),
            )
            item.facilitators = list(facilitators)
            db.session.add(item)
            db.session.flush()
            from plm.checkin.service import ensure_session_checkpoints

            ensure_session_checkpoints(db.session, event)  # as saving a session on the schedule page does
            db.session.commit()
            return item

        def publish(self):
            from plm.schedule.service import publish

            publish(db.session, event, None)
            db.session.commit()

    return Factory()


@pytest.fixture
def workshop(schedule_factory):
    """A published workshop with two seats, sign-up required."""
    room = schedule_factory.room("Ruang Pecatu", capacity=30)
    item = schedule_factory.session("Lokakarya SLiMS", kind="workshop", room=room, capacity=2, signup=True)
    schedule_factory.publish()
    return item
@pytest.fixture
def gunicorn_server(migrated_database, tmp_path):
    """gunicorn_server(workers=2, threads=4) serves the app from a real gunicorn process on the test
    database (what production runs); yields the base URL. Stopped before the tables are emptied."""
    import signal
    import subprocess
    import time
    import urllib.request

    processes = []

    def start(workers: int = 2, threads: int = 4) -> str:
        from tests.helpers import listening_socket

        sock = listening_socket()  # bound to port 0 here, served by gunicorn through fd://
        port = sock.getsockname()[1]
        env = dict(os.environ, PLM_SECRET_KEY="test-secret-key", PLM_SQLALCHEMY_DATABASE_URI=DATABASE_URL,
                   PLM_INSTANCE_PATH=str(tmp_path), PLM_RATELIMIT_ENABLED="false",
                   PLM_CHECKIN_DAY_MARGIN_HOURS="null")  # as in base_config(): the event is weeks ahead
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"fd://{sock.fileno()}", "--workers", str(workers),
             "--threads", str(threads), "--log-level", "warning", "wsgi:app"],
            cwd=str(ROOT), env=env, pass_fds=[sock.fileno()])
        sock.close()  # gunicorn holds its own copy
        processes.append(process)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url + "/", timeout=2).read()
                return url
            except Exception:
                if process.poll() is not None:
                    raise RuntimeError("gunicorn exited")
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    yield start
    for process in processes:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
