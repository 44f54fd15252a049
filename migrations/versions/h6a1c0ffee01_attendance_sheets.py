"""daftar hadir: signatures drawn at the door, partner logos for the sheet header

Revision ID: h6a1c0ffee01
Revises: h7a1c0ffee01
Create Date: 2026-11-30 09:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'h6a1c0ffee01'
down_revision = 'h7a1c0ffee01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'checkin_signatures',
        sa.Column('checkin_id', sa.Integer(), nullable=False),
        sa.Column('svg', sa.Text(), nullable=False),
        sa.Column('points', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['checkin_id'], ['checkins.id'], name=op.f('fk_checkin_signatures_checkin_id_checkins'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_checkin_signatures_user_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('checkin_id', name=op.f('pk_checkin_signatures')),
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('partner_logos', sa.JSON(), nullable=False, server_default='[]'))


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('partner_logos')
    op.drop_table('checkin_signatures')
