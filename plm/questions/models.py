"""The organiser's own registration questions and the participants' answers.

Answers are stored typed, one column per kind of value (`value_text`, `value_number`, `value_date`,
`value_json`), not as one JSON blob: the staff list filters on them in SQL on SQLite and PostgreSQL
alike (a choice is a plain `value_text = 'female'`), dates and numbers sort and compare as dates and
numbers, and a report reading `answers_by_key` gets Python values without a decoder. Only the
multiple-choice answer (a list of choice values) lives in `value_json`.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plm.extensions import db
from plm.models import UTCDateTime, utcnow


class QuestionKind(StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    NUMBER = "number"
    DATE = "date"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    YES_NO = "yes_no"


CHOICE_KINDS = frozenset({QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE})
# Kinds the staff list can filter on with ?q_<key>=<value>.
FILTERABLE_KINDS = frozenset({QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE, QuestionKind.YES_NO})


# Yes/no answers in each language (the words of an answer, not the interface's "Yes"/"No" buttons).
YES_NO_LABELS = {"id": {"yes": "Ya", "no": "Tidak"}, "en": {"yes": "Yes", "no": "No"}}


class QuestionAudience(StrEnum):
    EVERYONE = "everyone"  # the public registration form and the delegation form
    DELEGATION = "delegation"  # only the delegation form (a lead registering their institution's people)


class RegistrationQuestion(db.Model):
    """One question of one event. `key` is a stable slug other features read (gender, nip, ...);
    `rule` names an extra check of the ready-made questions ("nip", "after_arrival")."""

    __tablename__ = "registration_questions"
    __table_args__ = (UniqueConstraint("event_id", "key", name="uq_registration_questions_event_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    audience: Mapped[str] = mapped_column(String(20), default=QuestionAudience.EVERYONE.value)
    label_id: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200), default="")
    help_id: Mapped[str] = mapped_column(String(500), default="")
    help_en: Mapped[str] = mapped_column(String(500), default="")
    # [{"value": "female", "label_id": "Perempuan", "label_en": "Female"}, ...] for the choice kinds.
    choices: Mapped[list] = mapped_column(JSON, default=list)
    rule: Mapped[str] = mapped_column(String(20), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    answers: Mapped[list[RegistrationAnswer]] = relationship(back_populates="question", cascade="all, delete-orphan",
                                                 passive_deletes=True)

    def label(self, lang: str) -> str:
        """The label in the reader's language, Indonesian when there is no English one."""
        return (self.label_en if lang == "en" and self.label_en else self.label_id)

    def help(self, lang: str) -> str:
        return (self.help_en if lang == "en" and self.help_en else self.help_id)

    def choice_label(self, value: str, lang: str) -> str:
        """A choice's label; a value no longer offered (removed after it was answered) shows as stored."""
        if self.kind == QuestionKind.YES_NO:
            return YES_NO_LABELS["en" if lang == "en" else "id"].get(value, value)
        for choice in self.choices or []:
            if choice.get("value") == value:
                return (choice.get("label_en") if lang == "en" and choice.get("label_en") else choice.get("label_id")) or value
        return value


class RegistrationAnswer(db.Model):
    """One participant's answer to one question, in the column of its kind (see the module docstring)."""

    __tablename__ = "registration_answers"
    __table_args__ = (UniqueConstraint("participant_id", "question_id", name="uq_registration_answers_participant_question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("registration_questions.id", ondelete="CASCADE"), index=True)
    value_text: Mapped[str | None] = mapped_column(Text)
    value_number: Mapped[float | None] = mapped_column(Float)
    value_date: Mapped[date | None] = mapped_column(Date)
    value_json: Mapped[Any | None] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    question: Mapped[RegistrationQuestion] = relationship(back_populates="answers")

    @property
    def value(self) -> Any:
        """The typed value: str (text, single choice), int/float, date, list[str], bool (yes/no)."""
        kind = self.question.kind
        return decode(kind, self)

    def set_value(self, kind: str, value: Any) -> None:
        self.value_text = self.value_number = self.value_date = self.value_json = None
        if kind == QuestionKind.NUMBER:
            self.value_number = float(value)
        elif kind == QuestionKind.DATE:
            self.value_date = value
        elif kind == QuestionKind.MULTIPLE_CHOICE:
            self.value_json = list(value)
        elif kind == QuestionKind.YES_NO:
            self.value_text = "yes" if value else "no"
        else:
            self.value_text = str(value)


def decode(kind: str, answer: RegistrationAnswer) -> Any:
    if kind == QuestionKind.NUMBER:
        number = answer.value_number
        return int(number) if number is not None and float(number).is_integer() else number
    if kind == QuestionKind.DATE:
        return answer.value_date
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return list(answer.value_json or [])
    if kind == QuestionKind.YES_NO:
        return answer.value_text == "yes"
    return answer.value_text
