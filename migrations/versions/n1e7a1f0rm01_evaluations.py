"""evaluations and pre/post tests: questionnaires, questions, who answered, answers

Revision ID: n1e7a1f0rm01
Revises: h6a1c0ffee01
Create Date: 2026-11-30 12:55:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'n1e7a1f0rm01'
down_revision = 'h6a1c0ffee01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'questionnaires',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=True),
        sa.Column('day', sa.Date(), nullable=True),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('code', sa.String(length=8), nullable=False),
        sa.Column('title_id', sa.String(length=300), nullable=False),
        sa.Column('title_en', sa.String(length=300), nullable=False),
        sa.Column('anonymous', sa.Boolean(), nullable=False),
        sa.Column('opens_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('closes_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('post_opens_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('post_closes_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_questionnaires_event_id_events'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_questionnaires_session_id_sessions'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaires')),
        sa.UniqueConstraint('code', name=op.f('uq_questionnaires_code')),
    )
    op.create_index(op.f('ix_questionnaires_event_id'), 'questionnaires', ['event_id'])
    op.create_index(op.f('ix_questionnaires_session_id'), 'questionnaires', ['session_id'])
    op.create_table(
        'questions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('questionnaire_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('text_id', sa.String(length=500), nullable=False),
        sa.Column('text_en', sa.String(length=500), nullable=False),
        sa.Column('options', sa.JSON(), nullable=False),
        sa.Column('correct', sa.JSON(), nullable=False),
        sa.Column('points', sa.Integer(), nullable=False),
        sa.Column('required', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaires.id'],
                                name=op.f('fk_questions_questionnaire_id_questionnaires'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_questions')),
    )
    op.create_index(op.f('ix_questions_questionnaire_id'), 'questions', ['questionnaire_id'])
    op.create_table(
        'questionnaire_submissions',
        sa.Column('questionnaire_id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('phase', sa.String(length=5), nullable=False),
        sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaires.id'],
                                name=op.f('fk_questionnaire_submissions_questionnaire_id_questionnaires'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['participant_id'], ['participants.id'],
                                name=op.f('fk_questionnaire_submissions_participant_id_participants'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('questionnaire_id', 'participant_id', 'phase',
                                name=op.f('pk_questionnaire_submissions')),
        sqlite_with_rowid=False,
    )
    op.create_table(
        'questionnaire_answers',
        sa.Column('key', sa.String(length=32), nullable=False),
        sa.Column('questionnaire_id', sa.Integer(), nullable=False),
        sa.Column('phase', sa.String(length=5), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=True),
        sa.Column('values', sa.JSON(), nullable=False),
        sa.Column('score', sa.Float(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaires.id'],
                                name=op.f('fk_questionnaire_answers_questionnaire_id_questionnaires'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['participant_id'], ['participants.id'],
                                name=op.f('fk_questionnaire_answers_participant_id_participants'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_questionnaire_answers')),
        sa.UniqueConstraint('questionnaire_id', 'participant_id', 'phase',
                            name=op.f('uq_questionnaire_answers_questionnaire_id_participant_id_phase')),
        sqlite_with_rowid=False,
    )
    op.create_index(op.f('ix_questionnaire_answers_questionnaire_id'), 'questionnaire_answers', ['questionnaire_id'])


def downgrade():
    op.drop_index(op.f('ix_questionnaire_answers_questionnaire_id'), table_name='questionnaire_answers')
    op.drop_table('questionnaire_answers')
    op.drop_table('questionnaire_submissions')
    op.drop_index(op.f('ix_questions_questionnaire_id'), table_name='questions')
    op.drop_table('questions')
    op.drop_index(op.f('ix_questionnaires_session_id'), table_name='questionnaires')
    op.drop_index(op.f('ix_questionnaires_event_id'), table_name='questionnaires')
    op.drop_table('questionnaires')
