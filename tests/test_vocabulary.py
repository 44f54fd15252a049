"""The stored vocabularies (plm/vocabulary.py): one StrEnum each, a CHECK constraint `ck_<table>_<column>` on the
model and the same in the migrated database (SQLite and PostgreSQL), and the database refuses any other value."""

from __future__ import annotations

import importlib.util
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import CheckConstraint, inspect, text
from sqlalchemy.exc import IntegrityError

from plm.allowances.models import PaymentStatus
from plm.extensions import db
from plm.models import CheckIn, Checkpoint, EventSession, Job, MailMessage
from plm.vocabulary import (
    CHECKED_COLUMNS,
    NON_PROGRAMME_KINDS,
    CheckInSource,
    JobStatus,
    MailStatus,
    ParticipantRole,
    ParticipantStatus,
    RegistrationSource,
    Role,
    SessionKind,
    check_sql,
)
from tests.helpers import add_participant, day_checkpoint

MIGRATION = Path(__file__).resolve().parents[1] / "migrations" / "versions" / "j1a1c0ffee01_vocabulary_checks.py"


def quoted_values(sql: str) -> set[str]:
    """The values of `column IN ('a', 'b')` however the database spells it back ('a'::character varying ...)."""
    return set(re.findall(r"'([^']*)'", sql))


def test_a_member_is_its_stored_string():
    assert ParticipantStatus.REGISTERED == "registered" and f"{Role.ADMIN}" == "admin"
    assert ParticipantStatus.has("waitlisted") and not ParticipantStatus.has("Registered")
    assert not ParticipantStatus.has(None) and ParticipantStatus.values() == ("registered", "waitlisted", "pending", "cancelled")
    assert set(NON_PROGRAMME_KINDS) <= set(SessionKind)


def test_every_checked_column_has_its_constraint_on_the_model():
    for (table, column), vocabulary in CHECKED_COLUMNS.items():
        checks = {c.name: c for c in db.metadata.tables[table].constraints if isinstance(c, CheckConstraint)}
        name = f"ck_{table}_{column}"
        assert name in checks, name
        assert quoted_values(str(checks[name].sqltext)) == set(vocabulary.values())
        assert str(checks[name].sqltext) == check_sql(column, vocabulary)


def _migration_module():
    spec = importlib.util.spec_from_file_location("vocabulary_checks_migration", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migration_adds_the_models_constraints():
    """The migration spells its values out (a migration describes its own revision); they equal the enums today.
    A new value (say a finance staff role) is one enum line plus a migration that re-creates that constraint."""
    migration = _migration_module()
    spelled = {(table, column): set(values) for table, columns in migration.VOCABULARIES.items()
               for column, values in columns.items()}
    assert spelled == {key: set(vocabulary.values()) for key, vocabulary in CHECKED_COLUMNS.items()}


def test_the_migrated_database_has_the_same_constraints(app):
    """What the real migrations built (this run's database: SQLite, or PostgreSQL under scripts/with-postgres)."""
    inspector = inspect(db.engine)
    for (table, column), vocabulary in CHECKED_COLUMNS.items():
        found = {c["name"]: c["sqltext"] for c in inspector.get_check_constraints(table)}
        name = f"ck_{table}_{column}"
        assert name in found, (name, sorted(found))
        assert quoted_values(found[name]) == set(vocabulary.values()), name


def _one_row_per_table(event, make_user) -> dict[str, int]:
    user = make_user("organizer")
    person = add_participant(event)
    checkpoint = day_checkpoint(event)
    now = datetime(2026, 1, 1, 9, tzinfo=UTC)
    rows = [CheckIn(participant_id=person.id, checkpoint_id=checkpoint.id),
            EventSession(event_id=event.id, title="Pleno", kind="plenary", starts_at=now, ends_at=now),
            Job(kind="badges", event_id=event.id), MailMessage(recipient="a@test.example", subject="s", body_text="b")]
    db.session.add_all(rows)
    db.session.commit()
    return {"users": user.id, "events": event.id, "participants": person.id, "checkins": rows[0].id, "sessions": rows[1].id,
            "checkpoints": checkpoint.id, "jobs": rows[2].id, "mail_messages": rows[3].id}


@pytest.mark.parametrize("table, column", sorted(CHECKED_COLUMNS))
def test_the_database_refuses_a_value_outside_the_vocabulary(app, event, make_user, table, column):
    ids = _one_row_per_table(event, make_user)
    with pytest.raises(IntegrityError):
        db.session.execute(text(f"UPDATE {table} SET {column} = 'bogus' WHERE id = :id"), {"id": ids[table]})
        db.session.flush()
    db.session.rollback()
    # Every value of the vocabulary itself is accepted (a constraint that refuses everything proves nothing).
    for value in CHECKED_COLUMNS[(table, column)].values():
        db.session.execute(text(f"UPDATE {table} SET {column} = :value WHERE id = :id"),
                           {"value": value, "id": ids[table]})
    db.session.rollback()


def test_the_models_store_the_plain_value(app, event):
    """A StrEnum member written through the ORM reads back as the same plain string (no 'Enum.NAME')."""
    person = add_participant(event, status=ParticipantStatus.WAITLISTED)
    db.session.expire_all()
    stored = db.session.scalar(text("SELECT status FROM participants WHERE id = :id"), {"id": person.id})
    assert stored == "waitlisted" and type(stored) is str
    assert db.session.get(Checkpoint, day_checkpoint(event).id).kind == "day"


TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
#: What a template's `x.role`, `x.status` or `x.source` may be compared with: the stored values, as strings.
TEMPLATE_VALUES = {
    "role": set(Role.values()) | set(ParticipantRole.values()),
    "status": set(ParticipantStatus.values()) | set(JobStatus.values()) | set(MailStatus.values())
    | {status.value for status in PaymentStatus},
    "source": set(CheckInSource.values()) | set(RegistrationSource.values()),
}
_COMPARE = re.compile(r"\.(role|status|source) *(?:==|!=) *'([^']*)'|\.(role|status|source) +(?:not +)?in +\(([^)]*)\)")


def template_comparisons(source: str) -> list[tuple[str, str]]:
    found = []
    for match in _COMPARE.finditer(source):
        if match.group(1):
            found.append((match.group(1), match.group(2)))
        else:
            found += [(match.group(3), value) for value in re.findall(r"'([^']*)'", match.group(4))]
    return found


def test_templates_compare_only_with_stored_values():
    """Templates compare with the plain stored strings (a StrEnum member equals its value); a typo or a
    renamed value would silently never match, so every such literal must be a value of its vocabulary."""
    wrong = [(str(path.relative_to(TEMPLATES)), field, value) for path in TEMPLATES.rglob("*.html")
             for field, value in template_comparisons(path.read_text(encoding="utf-8"))
             if value not in TEMPLATE_VALUES[field]]
    assert wrong == []
    assert template_comparisons("{% if p.status == 'registerd' or u.role in ('admin', 'boss') %}") == [
        ("status", "registerd"), ("role", "admin"), ("role", "boss")]
