"""Lodging: hotels, hotel rooms, room assignments and the event's rooming settings (issue 18 C)

Revision ID: q1a1c0ffee01
Revises: j1a1c0ffee01
Create Date: 2026-11-30 14:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'q1a1c0ffee01'
down_revision = 'j1a1c0ffee01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'lodging_settings',
        sa.Column('event_id', sa.Integer(), sa.ForeignKey('events.id', ondelete='CASCADE'), primary_key=True),
        sa.Column('mode', sa.String(length=10), nullable=False),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        'hotels',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('event_id', sa.Integer(), sa.ForeignKey('events.id', ondelete='CASCADE'), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('address', sa.String(length=300), nullable=False),
        sa.Column('phone', sa.String(length=40), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_hotels_event_id', 'hotels', ['event_id'])
    op.create_table(
        'hotel_rooms',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('hotel_id', sa.Integer(), sa.ForeignKey('hotels.id', ondelete='CASCADE'), nullable=False),
        sa.Column('number', sa.String(length=20), nullable=False),
        sa.Column('room_type', sa.String(length=10), nullable=False),
        sa.Column('capacity', sa.Integer(), nullable=False),
        sa.Column('first_night', sa.Date(), nullable=False),
        sa.Column('last_night', sa.Date(), nullable=False),
        sa.UniqueConstraint('hotel_id', 'number', name='uq_hotel_rooms_hotel_number'),
    )
    op.create_index('ix_hotel_rooms_hotel_id', 'hotel_rooms', ['hotel_id'])
    op.create_table(
        'room_assignments',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('participant_id', sa.Integer(), sa.ForeignKey('participants.id', ondelete='CASCADE'),
                  nullable=False, unique=True),
        sa.Column('room_id', sa.Integer(), sa.ForeignKey('hotel_rooms.id', ondelete='CASCADE'), nullable=False),
        sa.Column('first_night', sa.Date(), nullable=False),
        sa.Column('last_night', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_room_assignments_room_id', 'room_assignments', ['room_id'])


def downgrade():
    op.drop_table('room_assignments')
    op.drop_table('hotel_rooms')
    op.drop_table('hotels')
    op.drop_table('lodging_settings')
