"""allowances and travel: rate table, transport rates by origin, one payment row per participant; travel plans and pick-up settings

Revision ID: p1a1c0ffee01
Revises: i1a1c0ffee01
Create Date: 2026-11-30 12:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'p1a1c0ffee01'
down_revision = 'i1a1c0ffee01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'allowance_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('daily_amount', sa.Integer(), nullable=False),
        sa.Column('daily_by_role', sa.JSON(), nullable=False),
        sa.Column('fee_by_role', sa.JSON(), nullable=False),
        sa.Column('tax_percent_by_role', sa.JSON(), nullable=False),
        sa.Column('actual_cost_cap', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=300), nullable=False),
        sa.Column('signatory_title', sa.String(length=120), nullable=False),
        sa.Column('signatory_name', sa.String(length=120), nullable=False),
        sa.Column('serial_prefix', sa.String(length=10), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_allowance_settings_event_id_events'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_allowance_settings')),
        sa.UniqueConstraint('event_id', name=op.f('uq_allowance_settings_event_id')),
    )
    op.create_table(
        'transport_rates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('province', sa.String(length=60), nullable=False),
        sa.Column('regency', sa.String(length=100), nullable=False),
        sa.Column('amount', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_transport_rates_event_id_events'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_transport_rates')),
        sa.UniqueConstraint('event_id', 'province', 'regency', name='uq_transport_rates_origin'),
    )
    op.create_index(op.f('ix_transport_rates_event_id'), 'transport_rates', ['event_id'], unique=False)
    op.create_table(
        'allowances',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('origin_regency', sa.String(length=100), nullable=False),
        sa.Column('transport_basis', sa.String(length=10), nullable=False),
        sa.Column('actual_cost', sa.Integer(), nullable=True),
        sa.Column('actual_receipt_path', sa.String(length=300), nullable=True),
        sa.Column('override_amount', sa.Integer(), nullable=True),
        sa.Column('override_reason', sa.String(length=500), nullable=False),
        sa.Column('bank_name', sa.String(length=100), nullable=False),
        sa.Column('account_number', sa.String(length=40), nullable=False),
        sa.Column('account_holder', sa.String(length=200), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('method', sa.String(length=10), nullable=False),
        sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('paid_by_user_id', sa.Integer(), nullable=True),
        sa.Column('paid_figures', sa.JSON(), nullable=False),
        sa.Column('serial', sa.String(length=32), nullable=True),
        sa.Column('signature_svg', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_allowances_event_id_events'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['participant_id'], ['participants.id'],
                                name=op.f('fk_allowances_participant_id_participants'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['paid_by_user_id'], ['users.id'], name=op.f('fk_allowances_paid_by_user_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_allowances')),
        sa.UniqueConstraint('participant_id', name=op.f('uq_allowances_participant_id')),
        sa.UniqueConstraint('serial', name=op.f('uq_allowances_serial')),
    )
    op.create_index(op.f('ix_allowances_event_id'), 'allowances', ['event_id'], unique=False)
    op.create_table(
        'travel_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('deadline', sa.DateTime(timezone=True), nullable=True),
        sa.Column('window_minutes', sa.Integer(), nullable=False),
        sa.Column('arrivals_exported_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('departures_exported_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_travel_settings_event_id_events'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_travel_settings')),
        sa.UniqueConstraint('event_id', name=op.f('uq_travel_settings_event_id')),
    )
    op.create_table(
        'travel_plans',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('origin_province', sa.String(length=60), nullable=False),
        sa.Column('origin_regency', sa.String(length=100), nullable=False),
        sa.Column('mode', sa.String(length=10), nullable=False),
        sa.Column('arrival_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('arrival_carrier', sa.String(length=80), nullable=False),
        sa.Column('arrival_number', sa.String(length=20), nullable=False),
        sa.Column('arrival_point', sa.String(length=120), nullable=False),
        sa.Column('departure_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('departure_carrier', sa.String(length=80), nullable=False),
        sa.Column('departure_number', sa.String(length=20), nullable=False),
        sa.Column('departure_point', sa.String(length=120), nullable=False),
        sa.Column('updated_by', sa.String(length=12), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_travel_plans_event_id_events'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['participant_id'], ['participants.id'],
                                name=op.f('fk_travel_plans_participant_id_participants'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_travel_plans')),
        sa.UniqueConstraint('participant_id', name=op.f('uq_travel_plans_participant_id')),
    )
    op.create_index(op.f('ix_travel_plans_event_id'), 'travel_plans', ['event_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_travel_plans_event_id'), table_name='travel_plans')
    op.drop_table('travel_plans')
    op.drop_table('travel_settings')
    op.drop_index(op.f('ix_allowances_event_id'), table_name='allowances')
    op.drop_table('allowances')
    op.drop_index(op.f('ix_transport_rates_event_id'), table_name='transport_rates')
    op.drop_table('transport_rates')
    op.drop_table('allowance_settings')
