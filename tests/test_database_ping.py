"""PostgreSQL: a pooled connection idle past DATABASE_PING_AFTER_IDLE_SECONDS is pinged before use, so one the
server dropped meanwhile is replaced before a request sees it; a connection in steady use is not pinged."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, exc, text

from plm.extensions import db
from tests.conftest import DATABASE_URL, IS_POSTGRES

pytestmark = pytest.mark.skipif(not IS_POSTGRES, reason="PostgreSQL's connection pool")


def _pooled_backend_pid() -> int:
    """The server process behind the connection the pool hands out next (checked back in at once)."""
    pid = db.session.scalar(text("SELECT pg_backend_pid()"))
    db.session.remove()
    return pid


def _terminate(pid: int) -> None:
    admin = create_engine(DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        assert connection.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        # pg_terminate_backend only signals: wait until the backend is gone.
        connection.execute(text("DO $$ BEGIN FOR i IN 1..200 LOOP "
                                "EXIT WHEN NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = " + str(pid) + "); "
                                "PERFORM pg_sleep(0.01); END LOOP; END $$"))
    admin.dispose()


def test_an_idle_connection_the_server_dropped_is_replaced_before_use(make_app):
    app = make_app(DATABASE_PING_AFTER_IDLE_SECONDS=0)  # every idle connection counts as idle long enough
    with app.app_context():
        dropped = _pooled_backend_pid()
        _terminate(dropped)
        assert db.session.scalar(text("SELECT pg_backend_pid()")) != dropped  # no error: a fresh connection
        db.session.remove()


def test_a_connection_used_moments_ago_is_not_pinged(make_app):
    """The counterpart (and proof the ping above does the work): within the idle time the pool hands out the
    connection as it is, so a connection dropped in that moment fails the request (503 for the door, which retries)
    and the error renews the pool."""
    app = make_app(DATABASE_PING_AFTER_IDLE_SECONDS=3600)
    with app.app_context():
        dropped = _pooled_backend_pid()
        _terminate(dropped)
        with pytest.raises(exc.OperationalError):
            db.session.scalar(text("SELECT 1"))
        db.session.remove()
        assert db.session.scalar(text("SELECT pg_backend_pid()")) != dropped  # the pool renewed itself
        db.session.remove()
