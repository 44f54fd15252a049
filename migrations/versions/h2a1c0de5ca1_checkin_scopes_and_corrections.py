"""check-in client_uuid scoped to the event; check-ins record deliberate wrong-day corrections

A door's client_uuid is unique per event (scan_log) and per checkpoint (checkins) instead of across
the whole database, so a uuid seen at one event never answers, or blocks, a scan at another.

Revision ID: h2a1c0de5ca1
Revises: h3a1c0ffee01
Create Date: 2026-11-30 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'h2a1c0de5ca1'
down_revision = 'h3a1c0ffee01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('scan_log', schema=None) as batch_op:
        batch_op.drop_constraint('uq_scan_log_client_uuid', type_='unique')
        batch_op.create_unique_constraint('uq_scan_log_event_id_client_uuid', ['event_id', 'client_uuid'])
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.drop_constraint('uq_checkins_client_uuid', type_='unique')
        batch_op.create_unique_constraint('uq_checkins_checkpoint_id_client_uuid', ['checkpoint_id', 'client_uuid'])
        batch_op.add_column(sa.Column('correction', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.drop_column('correction')
        batch_op.drop_constraint('uq_checkins_checkpoint_id_client_uuid', type_='unique')
        batch_op.create_unique_constraint('uq_checkins_client_uuid', ['client_uuid'])
    with op.batch_alter_table('scan_log', schema=None) as batch_op:
        batch_op.drop_constraint('uq_scan_log_event_id_client_uuid', type_='unique')
        batch_op.create_unique_constraint('uq_scan_log_client_uuid', ['client_uuid'])
