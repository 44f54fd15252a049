"""delegations: partner institutions with seats and invitation links, seat caps, registration modes

Revision ID: l1a1c0ffee01
Revises: n1e7a1f0rm01
Create Date: 2026-11-30 12:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'l1a1c0ffee01'
down_revision = 'n1e7a1f0rm01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'institutions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=300), nullable=False),
        sa.Column('institution_type', sa.String(length=20), nullable=False),
        sa.Column('province', sa.String(length=60), nullable=False),
        sa.Column('regency', sa.String(length=120), nullable=False),
        sa.Column('contact_name', sa.String(length=200), nullable=False),
        sa.Column('contact_whatsapp', sa.String(length=20), nullable=False),
        sa.Column('contact_email', sa.String(length=254), nullable=False),
        sa.Column('seats', sa.Integer(), nullable=False),
        sa.Column('invite_nonce', sa.String(length=32), nullable=True),
        sa.Column('invite_token_hash', sa.String(length=64), nullable=True),
        sa.Column('invite_issued_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('first_active_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_reminded_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_institutions_event_id_events'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_institutions')),
        sa.UniqueConstraint('event_id', 'name', name='uq_institutions_event_name'),
        sa.UniqueConstraint('invite_token_hash', name=op.f('uq_institutions_invite_token_hash')),
    )
    op.create_index(op.f('ix_institutions_event_id'), 'institutions', ['event_id'], unique=False)
    op.create_table(
        'delegation_caps',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('value', sa.String(length=60), nullable=False),
        sa.Column('seats', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_delegation_caps_event_id_events'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_delegation_caps')),
        sa.UniqueConstraint('event_id', 'kind', 'value', name='uq_delegation_caps_event_kind_value'),
    )
    op.create_index(op.f('ix_delegation_caps_event_id'), 'delegation_caps', ['event_id'], unique=False)
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registration_mode', sa.String(length=20), nullable=False, server_default='open'))
        batch_op.add_column(sa.Column('substitution_deadline', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('institution_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_participants_institution_id'), ['institution_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_participants_institution_id_institutions'), 'institutions',
                                    ['institution_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_participants_institution_id_institutions'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_participants_institution_id'))
        batch_op.drop_column('institution_id')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('substitution_deadline')
        batch_op.drop_column('registration_mode')
    op.drop_index(op.f('ix_delegation_caps_event_id'), table_name='delegation_caps')
    op.drop_table('delegation_caps')
    op.drop_index(op.f('ix_institutions_event_id'), table_name='institutions')
    op.drop_table('institutions')
