"""release workshop seats still held by cancelled or waitlisted registrations

Before this change cancelling kept a participant's session sign-ups, so sessions showed fewer
seats left than they had. Data only; no schema change.

Revision ID: h7a1c0ffee01
Revises: h1a1c0ffee01
Create Date: 2026-11-30 09:50:00

"""
from alembic import op


revision = 'h7a1c0ffee01'
down_revision = 'h1a1c0ffee01'
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        "DELETE FROM session_signups WHERE participant_id IN "
        "(SELECT id FROM participants WHERE status <> 'registered')"
    )


def downgrade():
    pass  # the released seats may have been taken since; nothing to restore
