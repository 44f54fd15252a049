"""delegations: when an invitation link's page was first and last opened (recorded by a POST the page sends)

Revision ID: t1a1c0ffee01
Revises: q1a1c0ffee01
Create Date: 2026-11-30 14:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = 't1a1c0ffee01'
down_revision = 'q1a1c0ffee01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('institutions') as batch:
        batch.add_column(sa.Column('first_opened_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('last_opened_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('institutions') as batch:
        batch.drop_column('last_opened_at')
        batch.drop_column('first_opened_at')
