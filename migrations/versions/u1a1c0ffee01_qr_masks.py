"""qr_masks: the QR mask each ticket or certificate link text was given, so reprinting encodes in one pass

Revision ID: u1a1c0ffee01
Revises: t1a1c0ffee01
Create Date: 2026-11-30 16:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'u1a1c0ffee01'
down_revision = 't1a1c0ffee01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'qr_masks',
        sa.Column('text_hash', sa.String(length=32), nullable=False),
        sa.Column('mask', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('text_hash', name=op.f('pk_qr_masks')),
    )


def downgrade():
    op.drop_table('qr_masks')
