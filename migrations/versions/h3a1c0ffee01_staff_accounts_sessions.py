"""staff accounts: session generation, password reset links, login back-off; certificate review flag

Revision ID: h3a1c0ffee01
Revises: 8b9ca125986e
Create Date: 2026-11-30 09:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'h3a1c0ffee01'
down_revision = '8b9ca125986e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('reset_token_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('reset_expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_users_reset_token_hash'), ['reset_token_hash'])
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('review_reason', sa.String(length=500), server_default='', nullable=False))
    op.create_table('login_throttle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_throttle')),
    sa.UniqueConstraint('key', name=op.f('uq_login_throttle_key'))
    )


def downgrade():
    op.drop_table('login_throttle')
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_column('review_reason')
        batch_op.drop_column('review_at')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_reset_token_hash'), type_='unique')
        batch_op.drop_column('reset_expires_at')
        batch_op.drop_column('reset_token_hash')
        batch_op.drop_column('session_generation')
