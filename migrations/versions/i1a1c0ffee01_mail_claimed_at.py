"""mail_messages.claimed_at: when a background sender took the row (status 'sending')

Mail is sent by a background sender, never in a request. A sender claims a row (status 'sending',
claimed_at now) so that two senders never send it twice; a row left 'sending' by a sender that died
goes back to 'queued' after a while.

Revision ID: i1a1c0ffee01
Revises: m1a1c0ffee01
Create Date: 2026-11-30 12:45:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'i1a1c0ffee01'
down_revision = 'm1a1c0ffee01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mail_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('mail_messages', schema=None) as batch_op:
        batch_op.drop_column('claimed_at')
