"""CHECK constraints on the stored vocabularies (statuses, roles, sources, kinds)

Every column that holds a fixed vocabulary (plm/vocabulary.py) gets `ck_<table>_<column>`, the same
constraint the models declare, so a bad value is refused by the database whatever wrote it. The values are
spelled out here, not read from plm.vocabulary: a migration describes the schema at its own revision.
A later value (say a new staff role) is a new migration that drops and re-creates that one constraint.

Revision ID: j1a1c0ffee01
Revises: p1a1c0ffee01
Create Date: 2026-11-30 12:45:00

"""
from alembic import op


revision = 'j1a1c0ffee01'
down_revision = 'p1a1c0ffee01'
branch_labels = None
depends_on = None

#: table -> {column: allowed values} at this revision.
VOCABULARIES = {
    "users": {"role": ("admin", "organizer", "facilitator", "finance")},
    "events": {"registration_mode": ("open", "invitation", "approval")},
    "participants": {
        "institution_type": ("provincial", "regency_city", "village", "tbm", "other"),
        "role": ("participant", "facilitator", "speaker", "committee"),
        "status": ("registered", "waitlisted", "pending", "cancelled"),
        "source": ("web", "import", "walk-in", "demo", "staff", "delegation"),
    },
    "checkins": {"source": ("qr", "manual", "walk-in", "offline-sync", "paper")},
    "sessions": {"kind": ("plenary", "sharing", "workshop", "registration", "break")},
    "checkpoints": {"kind": ("day", "session")},
    "jobs": {"status": ("queued", "running", "done", "failed")},
    "mail_messages": {"status": ("queued", "sending", "sent", "failed", "logged")},
}


def _condition(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade():
    for table, columns in VOCABULARIES.items():
        with op.batch_alter_table(table) as batch_op:
            for column, values in columns.items():
                batch_op.create_check_constraint(op.f(f"ck_{table}_{column}"), _condition(column, values))


def downgrade():
    for table, columns in VOCABULARIES.items():
        with op.batch_alter_table(table) as batch_op:
            for column in columns:
                batch_op.drop_constraint(op.f(f"ck_{table}_{column}"), type_="check")
