"""Evaluation forms and pre/post tests: questionnaires, their questions, and the answers.

Who answered and what they answered are two tables. A named answer carries the participant; an anonymous
one does not, and the "has answered" row (which enforces one answer per person) carries no id, time or
order that could be matched with it: the answer's key is random, neither table has a timestamp, and on
SQLite both are WITHOUT ROWID tables, stored in key order rather than in the order they were written.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plm.extensions import db
from plm.models import Event, EventSession, UTCDateTime, random_code, utcnow


class FormKind(StrEnum):
    EVALUATION = "evaluation"
    TEST = "test"


class Phase(StrEnum):
    """When an answer was given: an evaluation is answered once; a test before and after."""

    ONCE = "once"
    PRE = "pre"
    POST = "post"


class QuestionKind(StrEnum):
    RATING = "rating"      # 1-5 with a label for each point
    SINGLE = "single"      # one choice
    MULTIPLE = "multiple"  # any number of choices
    TEXT = "text"          # open answer


def new_form_code() -> str:
    """The short link's key: eight unambiguous characters, easy to type from the screen."""
    return random_code(8)


def new_answer_key() -> str:
    return secrets.token_hex(16)


class Questionnaire(db.Model):
    """An evaluation form or a pre/post test for a session, a day or the whole event.

    opens_at/closes_at is the answering window of an evaluation and of a test's pre phase;
    post_opens_at/post_closes_at is a test's post phase.
    """

    __tablename__ = "questionnaires"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    day: Mapped[date | None] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(12), default=FormKind.EVALUATION)
    code: Mapped[str] = mapped_column(String(8), unique=True, default=new_form_code)
    title_id: Mapped[str] = mapped_column(String(300), default="")
    title_en: Mapped[str] = mapped_column(String(300), default="")
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    post_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    post_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    session: Mapped[EventSession | None] = relationship()
    questions: Mapped[list[Question]] = relationship(
        back_populates="questionnaire", cascade="all, delete-orphan", order_by="Question.position")


class Question(db.Model):
    """One question. `options` holds [Indonesian, English] pairs: the choices, or a rating's five labels.
    For a test, `correct` lists the right options (0-based) and `points` what a right answer scores."""

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(10), default=QuestionKind.RATING)
    text_id: Mapped[str] = mapped_column(String(500), default="")
    text_en: Mapped[str] = mapped_column(String(500), default="")
    options: Mapped[list] = mapped_column(JSON, default=list)
    correct: Mapped[list] = mapped_column(JSON, default=list)
    points: Mapped[int] = mapped_column(Integer, default=0)
    required: Mapped[bool] = mapped_column(Boolean, default=True)

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="questions")


class Submission(db.Model):
    """"This person has answered this form (in this phase)": the one-per-person rule, race-safe by its key.
    No id and no time, so an anonymous answer cannot be matched with it."""

    __tablename__ = "questionnaire_submissions"
    __table_args__ = {"sqlite_with_rowid": False}

    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True)
    phase: Mapped[str] = mapped_column(String(5), primary_key=True)


class Answer(db.Model):
    """What was answered: {question id (str): value}. participant_id is None when the form is anonymous;
    updated_at is kept only for named answers (an anonymous answer's time could point at its author)."""

    __tablename__ = "questionnaire_answers"
    __table_args__ = (
        UniqueConstraint("questionnaire_id", "participant_id", "phase"),
        {"sqlite_with_rowid": False},
    )

    key: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_answer_key)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True)
    phase: Mapped[str] = mapped_column(String(5))
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    values: Mapped[dict] = mapped_column(JSON, default=dict)
    score: Mapped[float | None] = mapped_column(Float)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


__all__ = ["Answer", "FormKind", "Phase", "Question", "QuestionKind", "Questionnaire", "Submission"]
