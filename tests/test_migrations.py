"""The real Alembic migrations on a SQLite file with data in it: a batch rebuild of a table keeps every row
that references it (with foreign keys on, dropping `participants` would cascade-delete its check-ins), and the
vocabulary constraints come and go with upgrade and downgrade."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from plm import create_app
from plm.extensions import db
from tests.conftest import base_config

pytestmark = pytest.mark.nodb

BEFORE_CHECKS = "p1a1c0ffee01"

ROWS = [
    "INSERT INTO events (id, slug, name, theme, description, venue, address, city, timezone, starts_on, ends_on, "
    "allow_role_request, contact_email, contact_phone, partner_logos, archived, ticket_key_version, "
    "certificate_language, certificate_serial_prefix, signatories, role_colours, created_at) VALUES (1, 'plm', 'PLM', "
    "'', '', '', '', '', 'Asia/Makassar', '2026-05-18', '2026-05-21', 0, '', '', '[]', 0, 1, 'id', 'PLM', '[]', '{}', "
    "'2026-01-01 00:00:00')",
    "INSERT INTO participants (id, event_id, public_id, full_name, name_on_badge, email, email_normalized, phone, "
    "institution, institution_type, province, role, status, diet, access_needs, search_text, ticket_secret, "
    "certificate_override_reason, source, created_at, updated_at) VALUES (1, 1, 'ABCDEFGHJK', 'Ayu', 'Ayu', "
    "'ayu@test.example', 'ayu@test.example', '', '', 'tbm', 'Bali', 'speaker', 'registered', '', '', 'ayu', 'x', '', "
    "'import', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
    "INSERT INTO checkpoints (id, event_id, kind, day, name) VALUES (1, 1, 'day', '2026-05-18', 'day-1')",
    "INSERT INTO checkins (id, participant_id, checkpoint_id, checked_in_at, device, source, correction, created_at) "
    "VALUES (1, 1, 1, '2026-05-18 01:00:00', 'Pintu 1', 'offline-sync', 0, '2026-05-18 01:00:00')",
    "INSERT INTO certificates (id, participant_id, serial, issued_at, revoked_reason, review_reason) "
    "VALUES (1, 1, 'PLM15-0001', '2026-05-21 08:00:00', '', '')",
]


def _count(table: str) -> int:
    return db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar()


def test_upgrade_keeps_the_rows_and_adds_the_constraints(tmp_path):
    app = create_app(base_config(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'plm.sqlite3'}"))
    with app.app_context():
        upgrade(revision=BEFORE_CHECKS)
        for statement in ROWS:
            db.session.execute(text(statement))
        db.session.commit()

        upgrade()
        assert [_count(t) for t in ("participants", "checkins", "certificates")] == [1, 1, 1]
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1  # back on for the app
        names = {c["name"] for c in inspect(db.engine).get_check_constraints("participants")}
        assert {"ck_participants_status", "ck_participants_role", "ck_participants_source"} <= names
        with pytest.raises(IntegrityError):
            db.session.execute(text("UPDATE participants SET status = 'maybe'"))
        db.session.rollback()

        downgrade(revision=BEFORE_CHECKS)
        assert [_count(t) for t in ("participants", "checkins", "certificates")] == [1, 1, 1]
        assert inspect(db.engine).get_check_constraints("participants") == []
        db.session.remove()
        db.engine.dispose()
