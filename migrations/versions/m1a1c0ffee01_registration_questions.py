"""the organiser's own registration questions and the participants' typed answers

Revision ID: m1a1c0ffee01
Revises: l1a1c0ffee01
Create Date: 2026-11-30 12:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'm1a1c0ffee01'
down_revision = 'l1a1c0ffee01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'registration_questions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=40), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('required', sa.Boolean(), nullable=False),
        sa.Column('audience', sa.String(length=20), nullable=False),
        sa.Column('label_id', sa.String(length=200), nullable=False),
        sa.Column('label_en', sa.String(length=200), nullable=False),
        sa.Column('help_id', sa.String(length=500), nullable=False),
        sa.Column('help_en', sa.String(length=500), nullable=False),
        sa.Column('choices', sa.JSON(), nullable=False),
        sa.Column('rule', sa.String(length=20), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_registration_questions_event_id_events'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_questions')),
        sa.UniqueConstraint('event_id', 'key', name='uq_registration_questions_event_key'),
    )
    op.create_index(op.f('ix_registration_questions_event_id'), 'registration_questions', ['event_id'], unique=False)
    op.create_table(
        'registration_answers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('value_text', sa.Text(), nullable=True),
        sa.Column('value_number', sa.Float(), nullable=True),
        sa.Column('value_date', sa.Date(), nullable=True),
        sa.Column('value_json', sa.JSON(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['participant_id'], ['participants.id'],
                                name=op.f('fk_registration_answers_participant_id_participants'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['question_id'], ['registration_questions.id'],
                                name=op.f('fk_registration_answers_question_id_registration_questions'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_answers')),
        sa.UniqueConstraint('participant_id', 'question_id', name='uq_registration_answers_participant_question'),
    )
    op.create_index(op.f('ix_registration_answers_participant_id'), 'registration_answers', ['participant_id'], unique=False)
    op.create_index(op.f('ix_registration_answers_question_id'), 'registration_answers', ['question_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_registration_answers_question_id'), table_name='registration_answers')
    op.drop_index(op.f('ix_registration_answers_participant_id'), table_name='registration_answers')
    op.drop_table('registration_answers')
    op.drop_index(op.f('ix_registration_questions_event_id'), table_name='registration_questions')
    op.drop_table('registration_questions')
