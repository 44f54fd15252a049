"""participants.pending_manage_token_hash: a re-sent manage link waits here until it is first used

Revision ID: h1a1c0ffee01
Revises: h2a1c0de5ca1
Create Date: 2026-11-30 09:55:00

A "send me my link again" request no longer kills the participant's working link: the new
link's hash waits in this column and replaces the old one only when the new link is opened.
"""
from alembic import op
import sqlalchemy as sa


revision = 'h1a1c0ffee01'
down_revision = 'h2a1c0de5ca1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending_manage_token_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_participants_pending_manage_token_hash'),
                                          ['pending_manage_token_hash'])


def downgrade():
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_participants_pending_manage_token_hash'), type_='unique')
        batch_op.drop_column('pending_manage_token_hash')
