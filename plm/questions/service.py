"""Questions and answers: the editor's use cases, typed answers, and what reports, the staff list and the
participant import/export read. Plain functions on the db session; no request inside.

Deleting a question that has answers deletes those answers too (after the staff page has shown how many);
nothing is archived, so the key is free again at once. A question whose kind would change once answers exist
is refused: the stored values would no longer mean what they meant.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import String, cast, delete, exists, func, or_, select
from sqlalchemy.orm import Session

from plm.models import Participant, User, audit
from plm.questions.models import (
    CHOICE_KINDS,
    FILTERABLE_KINDS,
    QuestionAudience,
    QuestionKind,
    RegistrationAnswer,
    RegistrationQuestion,
)
from plm.text import clean_line, clean_multiline

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# The participant export's own columns (plm.participants.importexport.COLUMNS): a question keyed like one
# would head a second column of that name, and the import could not tell them apart.
RESERVED_KEYS = frozenset({
    "public_id", "full_name", "name_on_badge", "email", "phone", "institution", "institution_type",
    "institution_type_label", "province", "role", "role_label", "status", "status_label", "diet", "access_needs",
    "registered_at", "source", "checked_in"})
TEXT_LIMITS = {QuestionKind.SHORT_TEXT: 300, QuestionKind.LONG_TEXT: 2000}
NUMBER_LIMIT = 1e12
SHIRT_SIZES = ("S", "M", "L", "XL", "XXL", "XXXL")

# The ready-made questions offered with one click. Their keys are read by other features (reports,
# room allocation read `gender`), so they are fixed; labels and help may be edited afterwards.
PRESETS: dict[str, dict[str, Any]] = {
    "gender": dict(kind=QuestionKind.SINGLE_CHOICE, label_id="Jenis kelamin", label_en="Gender",
                   help_id="Untuk pembagian kamar.", help_en="For room allocation.",
                   choices=[{"value": "female", "label_id": "Perempuan", "label_en": "Female"},
                            {"value": "male", "label_id": "Laki-laki", "label_en": "Male"}]),
    "position": dict(kind=QuestionKind.SHORT_TEXT, label_id="Jabatan", label_en="Position",
                     help_id="Jabatan Anda di instansi, misalnya Pustakawan Ahli Muda.",
                     help_en="Your position at your institution, for example Junior Librarian."),
    "nip": dict(kind=QuestionKind.SHORT_TEXT, label_id="NIP", label_en="Civil-servant number (NIP)", rule="nip",
                help_id="18 angka, untuk ASN. Kosongkan bila bukan ASN.",
                help_en="18 digits, for civil servants. Leave empty if you are not one."),
    "arrival_date": dict(kind=QuestionKind.DATE, label_id="Tanggal kedatangan", label_en="Arrival date"),
    "departure_date": dict(kind=QuestionKind.DATE, label_id="Tanggal kepulangan", label_en="Departure date",
                           rule="after_arrival", help_id="Tidak boleh sebelum tanggal kedatangan.",
                           help_en="Not before the arrival date."),
    "shirt_size": dict(kind=QuestionKind.SINGLE_CHOICE, label_id="Ukuran kaos acara", label_en="Event shirt size",
                       choices=[{"value": size.lower(), "label_id": size, "label_en": size} for size in SHIRT_SIZES]),
}


class QuestionError(ValueError):
    """A change the editor refuses: str(exc) is a code (duplicate_key, reserved_key, bad_key, kind_locked,
    no_choices, duplicate_choice, preset_exists)."""


class AnswerError(ValueError):
    """An answer that cannot be stored: str(exc) is a code (required, too_long, bad_number, bad_date,
    bad_choice, bad_yes_no, bad_nip, departure_before_arrival)."""


# ---------------------------------------------------------------- reading questions

def list_questions(session: Session, event_id: int, for_delegation: bool | None = None) -> list[RegistrationQuestion]:
    """An event's questions in their order. for_delegation=False: the public form's (audience everyone);
    True: the delegation form's (everyone and delegation-only); None: all."""
    statement = select(RegistrationQuestion).where(RegistrationQuestion.event_id == event_id)
    if for_delegation is False:
        statement = statement.where(RegistrationQuestion.audience == QuestionAudience.EVERYONE.value)
    return list(session.scalars(statement.order_by(RegistrationQuestion.position, RegistrationQuestion.id)))


def get_question(session: Session, event_id: int, question_id: int) -> RegistrationQuestion | None:
    question = session.get(RegistrationQuestion, question_id)
    return question if question is not None and question.event_id == event_id else None


def answer_count(session: Session, question: RegistrationQuestion) -> int:
    return session.scalar(select(func.count()).select_from(RegistrationAnswer).where(RegistrationAnswer.question_id == question.id)) or 0


def answer_counts(session: Session, event_id: int) -> dict[int, int]:
    return dict(session.execute(select(RegistrationAnswer.question_id, func.count()).join(RegistrationQuestion)
                                .where(RegistrationQuestion.event_id == event_id).group_by(RegistrationAnswer.question_id)).all())


# ---------------------------------------------------------------- the editor

def slugify_key(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    key = re.sub(r"[^a-z0-9]+", "_", folded).strip("_")[:40].strip("_")
    if key and not key[0].isalpha():
        key = ("q_" + key)[:40]
    return key or "question"


def parse_choices(text: str) -> list[dict[str, str]]:
    """The editor's choices box: one choice a line, `Label` or `Indonesian label | English label` or
    `value | Indonesian label | English label`. Values are slugs made from the label when not given."""
    choices = []
    for line in (text or "").splitlines():
        parts = [clean_line(part) for part in line.split("|")]
        if not any(parts):
            continue
        if len(parts) >= 3:
            value, label_id, label_en = slugify_key(parts[0]) if parts[0] else slugify_key(parts[1]), parts[1], parts[2]
        elif len(parts) == 2:
            value, label_id, label_en = slugify_key(parts[0]), parts[0], parts[1]
        else:
            value, label_id, label_en = slugify_key(parts[0]), parts[0], ""
        choices.append({"value": value, "label_id": (label_id or value)[:200], "label_en": label_en[:200]})
    return choices


def choices_text(choices: Iterable[dict[str, str]]) -> str:
    """The choices as the editor's box shows them: the shortest line parse_choices reads back as the same
    choice ("merah | Merah" would read as Indonesian "merah", English "Merah")."""
    lines = []
    for c in choices or []:
        value, label_id, label_en = c["value"], c.get("label_id", ""), c.get("label_en", "")
        if slugify_key(label_id) != value:
            lines.append(f"{value} | {label_id} | {label_en}".rstrip())
        elif label_en:
            lines.append(f"{label_id} | {label_en}")
        else:
            lines.append(label_id)
    return "\n".join(lines)


def _check_choices(kind: str, choices: list[dict[str, str]]) -> list[dict[str, str]]:
    if kind not in CHOICE_KINDS:
        return []
    if not choices:
        raise QuestionError("no_choices")
    values = [c["value"] for c in choices]
    if len(set(values)) != len(values):
        raise QuestionError("duplicate_choice")
    return choices


def _next_position(session: Session, event_id: int) -> int:
    return (session.scalar(select(func.max(RegistrationQuestion.position)).where(RegistrationQuestion.event_id == event_id)) or 0) + 1


def _key_taken(session: Session, event_id: int, key: str, except_id: int | None = None) -> bool:
    statement = select(RegistrationQuestion.id).where(RegistrationQuestion.event_id == event_id, RegistrationQuestion.key == key)
    if except_id is not None:
        statement = statement.where(RegistrationQuestion.id != except_id)
    return session.scalar(statement) is not None


def add_question(session: Session, event_id: int, data: dict[str, Any], user: User | None = None) -> RegistrationQuestion:
    """data: key (may be empty: made from the label), kind, required, audience, label_id, label_en,
    help_id, help_en, choices (list of dicts), rule."""
    kind = QuestionKind(data["kind"])
    key = data.get("key") or slugify_key(data["label_id"])
    if not KEY_PATTERN.match(key):
        raise QuestionError("bad_key")
    if key in RESERVED_KEYS and data.get("key"):
        raise QuestionError("reserved_key")
    if key in RESERVED_KEYS or _key_taken(session, event_id, key):
        if data.get("key"):
            raise QuestionError("duplicate_key")
        key = _free_key(session, event_id, key)
    question = RegistrationQuestion(
        event_id=event_id, key=key, kind=kind.value, required=bool(data.get("required")),
        audience=QuestionAudience(data.get("audience") or "everyone").value,
        label_id=data["label_id"][:200], label_en=(data.get("label_en") or "")[:200],
        help_id=(data.get("help_id") or "")[:500], help_en=(data.get("help_en") or "")[:500],
        choices=_check_choices(kind, list(data.get("choices") or [])), rule=data.get("rule", ""),
        position=_next_position(session, event_id))
    session.add(question)
    session.flush()
    audit(session, "question.add", user=user, event_id=event_id, target=question, key=key, kind=kind.value)
    return question


def _free_key(session: Session, event_id: int, key: str) -> str:
    for number in range(2, 1000):
        candidate = f"{key[:36]}_{number}"
        if not _key_taken(session, event_id, candidate):
            return candidate
    raise QuestionError("duplicate_key")


def add_preset(session: Session, event_id: int, key: str, user: User | None = None) -> RegistrationQuestion:
    if key not in PRESETS:
        raise QuestionError("bad_key")
    if _key_taken(session, event_id, key):
        raise QuestionError("preset_exists")
    spec = dict(PRESETS[key])
    spec["choices"] = [dict(choice) for choice in spec.get("choices", [])]
    return add_question(session, event_id, {**spec, "key": key, "kind": spec["kind"].value}, user)


def update_question(session: Session, question: RegistrationQuestion, data: dict[str, Any], user: User | None = None) -> dict:
    """Change a question; returns the changed fields. The kind is locked once answers exist; a choice
    removed after it was answered stays readable (it is shown as its stored value)."""
    kind = QuestionKind(data.get("kind", question.kind))
    if kind != question.kind and answer_count(session, question):
        raise QuestionError("kind_locked")
    key = data.get("key") or question.key
    if key != question.key:
        if question.rule or question.key in PRESETS:
            raise QuestionError("bad_key")  # other features read the ready-made keys
        if not KEY_PATTERN.match(key):
            raise QuestionError("bad_key")
        if key in RESERVED_KEYS:
            raise QuestionError("reserved_key")
        if _key_taken(session, question.event_id, key, question.id):
            raise QuestionError("duplicate_key")
    new = {
        "key": key, "kind": kind.value, "required": bool(data.get("required")),
        "audience": QuestionAudience(data.get("audience") or question.audience).value,
        "label_id": data["label_id"][:200], "label_en": (data.get("label_en") or "")[:200],
        "help_id": (data.get("help_id") or "")[:500], "help_en": (data.get("help_en") or "")[:500],
        "choices": _check_choices(kind, list(data.get("choices") or [])),
    }
    changes = {name: [getattr(question, name), value] for name, value in new.items() if getattr(question, name) != value}
    for name, (_old, value) in changes.items():
        setattr(question, name, value)
    if changes:
        audit(session, "question.edit", user=user, event_id=question.event_id, target=question, key=question.key,
              fields=sorted(changes))
    return changes


def move_question(session: Session, question: RegistrationQuestion, direction: str) -> bool:
    """Swap with the neighbour above ("up") or below ("down"); False at either end."""
    questions = list_questions(session, question.event_id)
    for index, item in enumerate(questions):  # make positions 1..n first (older rows may share a number)
        item.position = index + 1
    index = questions.index(question)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(questions):
        return False
    questions[index].position, questions[other].position = questions[other].position, questions[index].position
    return True


def delete_question(session: Session, question: RegistrationQuestion, user: User | None = None) -> int:
    """Delete the question and its answers; returns how many answers went with it."""
    count = answer_count(session, question)
    audit(session, "question.delete", user=user, event_id=question.event_id, target=question, key=question.key,
          answers=count)
    session.execute(delete(RegistrationAnswer).where(RegistrationAnswer.question_id == question.id))
    session.delete(question)
    session.flush()
    return count


# ---------------------------------------------------------------- typed answers

def _parse_number(raw: Any) -> float:
    if isinstance(raw, bool):
        raise AnswerError("bad_number")
    if isinstance(raw, (int, float)):
        number = float(raw)
    else:
        text = str(raw).replace(" ", "").replace("\u00a0", "")
        if "," in text and "." not in text:
            text = text.replace(",", ".")  # Indonesian decimal comma: 12,5
        try:
            number = float(text)
        except ValueError:
            raise AnswerError("bad_number") from None
    if math.isnan(number) or math.isinf(number) or abs(number) >= NUMBER_LIMIT:
        raise AnswerError("bad_number")
    return number


DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")


def _parse_date(raw: Any) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):  # an Excel serial day
        if not 1 <= raw < 2958466:
            raise AnswerError("bad_date")
        return date(1899, 12, 30) + timedelta(days=int(raw))
    text = clean_line(str(raw))
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise AnswerError("bad_date")


YES_WORDS = {"yes", "ya", "y", "true", "1", "benar", "iya"}
NO_WORDS = {"no", "tidak", "n", "t", "false", "0", "bukan", "tdk"}


def _match_choice(question: RegistrationQuestion, text: str) -> str:
    folded = clean_line(text).casefold()
    for choice in question.choices or []:
        if folded in (choice["value"].casefold(), (choice.get("label_id") or "").casefold(),
                      (choice.get("label_en") or "").casefold()):
            return choice["value"]
    raise AnswerError("bad_choice")


def is_empty(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or (isinstance(raw, (list, tuple)) and not raw)


def clean_answer(question: RegistrationQuestion, raw: Any, known_values: Iterable[str] = ()) -> Any:
    """The typed value of *raw* (form data or a spreadsheet cell), None when empty; raises AnswerError.
    known_values: choice values the participant already has (kept even when no longer offered)."""
    if is_empty(raw):
        return None
    kind = question.kind
    if kind in TEXT_LIMITS:
        text = clean_multiline(str(raw)) if kind == QuestionKind.LONG_TEXT else clean_line(str(raw))
        if question.rule == "nip":
            digits = re.sub(r"\s+", "", text)
            if not re.fullmatch(r"[0-9]{18}", digits):
                raise AnswerError("bad_nip")
            return digits
        if len(text) > TEXT_LIMITS[kind]:
            raise AnswerError("too_long")
        return text or None
    if kind == QuestionKind.NUMBER:
        number = _parse_number(raw)
        return int(number) if number.is_integer() else number
    if kind == QuestionKind.DATE:
        return _parse_date(raw)
    if kind == QuestionKind.YES_NO:
        if isinstance(raw, bool):
            return raw
        folded = clean_line(str(raw)).casefold()
        if folded in YES_WORDS:
            return True
        if folded in NO_WORDS:
            return False
        raise AnswerError("bad_yes_no")
    known = set(known_values)
    if kind == QuestionKind.SINGLE_CHOICE:
        text = str(raw)
        return text if text in known else _match_choice(question, text)
    items = raw if isinstance(raw, (list, tuple)) else re.split(r"[;,\n]", str(raw))
    values = []
    for item in items:
        if not str(item).strip():
            continue
        value = str(item) if str(item) in known else _match_choice(question, str(item))
        if value not in values:
            values.append(value)
    return values or None


def cross_check(questions: Iterable[RegistrationQuestion], values: dict[str, Any]) -> list[tuple[str, str]]:
    """Checks across questions (by key): the departure not before the arrival. Returns (key, code) pairs."""
    problems = []
    for question in questions:
        if question.rule == "after_arrival":
            departure, arrival = values.get(question.key), values.get("arrival_date")
            if isinstance(departure, date) and isinstance(arrival, date) and departure < arrival:
                problems.append((question.key, "departure_before_arrival"))
    return problems


def answers_of(session: Session, participant_id: int) -> dict[int, RegistrationAnswer]:
    """A participant's answers by question id."""
    return {a.question_id: a for a in session.scalars(select(RegistrationAnswer).where(RegistrationAnswer.participant_id == participant_id))}


def set_answer(session: Session, participant_id: int, question: RegistrationQuestion, value: Any,
               existing: RegistrationAnswer | None = None) -> bool:
    """Store (or, for None, remove) one answer; True when something changed."""
    if value is None:
        if existing is not None:
            session.delete(existing)
            return True
        return False
    if existing is not None and existing.value == value:
        return False
    answer = existing or RegistrationAnswer(participant_id=participant_id, question_id=question.id, question=question)
    answer.set_value(question.kind, value)
    if existing is None:
        session.add(answer)
    return True


def save_values(session: Session, participant: Participant, questions: Iterable[RegistrationQuestion], values: dict[str, Any],
                user: User | None = None) -> list[str]:
    """Store typed values (by question key) for these questions; returns the keys that changed. Staff
    changes are audited on the participant's history."""
    current = answers_of(session, participant.id) if participant.id else {}
    changed = [q.key for q in questions if q.key in values
               and set_answer(session, participant.id, q, values[q.key], current.get(q.id))]
    if changed and user is not None:
        audit(session, "participant.answers", user=user, event_id=participant.event_id, target=participant,
              questions=", ".join(changed))
    return changed


def field_name(question: RegistrationQuestion) -> str:
    """The form field of a question (plm.questions.forms.build_question_fields)."""
    return f"q_{question.key}"


def save_answers(session: Session, participant: Participant, questions: Iterable[RegistrationQuestion], form: Any,
                 user: User | None = None) -> list[str]:
    """Store what a validated form (plm.questions.forms.build_question_fields) holds for these questions."""
    session.flush()  # a participant registered in this request needs its id
    questions = [q for q in questions if field_name(q) in form]
    current = answers_of(session, participant.id)
    values = {}
    for question in questions:
        existing = current.get(question.id)
        known = _known_values(question, existing)
        values[question.key] = clean_answer(question, form[field_name(question)].data, known)
    return save_values(session, participant, questions, values, user)


def _known_values(question: RegistrationQuestion, existing: RegistrationAnswer | None) -> list[str]:
    if existing is None or question.kind not in CHOICE_KINDS:
        return []
    value = existing.value
    return list(value) if isinstance(value, list) else [value]


# ---------------------------------------------------------------- showing answers

def display_value(question: RegistrationQuestion, value: Any, lang: str) -> str:
    """An answer as people read it: choice labels in *lang* (a removed choice as its stored value)."""
    if value is None or value == []:
        return ""
    kind = question.kind
    if kind == QuestionKind.YES_NO:
        return question.choice_label("yes" if value else "no", lang)
    if kind == QuestionKind.SINGLE_CHOICE:
        return question.choice_label(value, lang)
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return "; ".join(question.choice_label(v, lang) for v in value)
    if kind == QuestionKind.DATE:
        return value.isoformat()
    if kind == QuestionKind.NUMBER:
        return str(value)
    return str(value)


def participant_answers(session: Session, participant: Participant, lang: str) -> list[tuple[RegistrationQuestion, str]]:
    """Every question of the event with this participant's answer shown ("" when none), in order."""
    current = answers_of(session, participant.id)
    return [(q, display_value(q, current[q.id].value, lang) if q.id in current else "")
            for q in list_questions(session, participant.event_id)]


# ---------------------------------------------------------------- reports

def answers_by_key(session: Session, event_id: int, key: str) -> dict[int, Any]:
    """{participant_id: typed value} for one question of the event (gender, shirt_size, ...); {} if no such key."""
    question = session.scalar(select(RegistrationQuestion).where(RegistrationQuestion.event_id == event_id, RegistrationQuestion.key == key))
    if question is None:
        return {}
    return {a.participant_id: a.value for a in session.scalars(select(RegistrationAnswer).where(RegistrationAnswer.question_id == question.id))}


def answer_table(session: Session, event_id: int) -> tuple[list[RegistrationQuestion], dict[int, dict[str, Any]]]:
    """All questions of the event and {participant_id: {key: typed value}} (only answered keys)."""
    questions = list_questions(session, event_id)
    by_id = {q.id: q for q in questions}
    table: dict[int, dict[str, Any]] = {}
    if questions:
        for answer in session.scalars(select(RegistrationAnswer).where(RegistrationAnswer.question_id.in_(by_id))):
            table.setdefault(answer.participant_id, {})[by_id[answer.question_id].key] = answer.value
    return questions, table


# ---------------------------------------------------------------- the staff list's filters

def filterable_questions(session: Session, event_id: int) -> list[RegistrationQuestion]:
    return [q for q in list_questions(session, event_id) if q.kind in FILTERABLE_KINDS]


FILTER_VALUE = re.compile(r"^[a-z0-9_]{1,40}$")


def filter_conditions(event_id: int, filters: dict[str, str]) -> list:
    """SQL conditions on Participant for the staff list's ?q_<key>=<value> filters (choice and yes/no
    questions: the choice's value, yes or no; "-" for no answer). A key or value that cannot match
    matches nobody rather than being ignored."""
    conditions = []
    for key, value in filters.items():
        answered = (select(RegistrationAnswer.id).join(RegistrationQuestion, RegistrationAnswer.question_id == RegistrationQuestion.id)
                    .where(RegistrationAnswer.participant_id == Participant.id, RegistrationQuestion.event_id == event_id, RegistrationQuestion.key == key))
        if value == "-":
            conditions.append(~exists(answered))
        elif not FILTER_VALUE.match(value):
            conditions.append(Participant.id.is_(None))
        else:
            # A single choice or yes/no is value_text; a multiple choice's JSON list holds "value" with its
            # quotes on SQLite and PostgreSQL alike.
            conditions.append(exists(answered.where(or_(
                RegistrationAnswer.value_text == value, cast(RegistrationAnswer.value_json, String).like(f'%"{value}"%')))))
    return conditions


# ---------------------------------------------------------------- import / export

def export_value(question: RegistrationQuestion, value: Any, lang: str) -> str:
    """One spreadsheet cell: choices as labels in the reader's language (import reads labels and values)."""
    return display_value(question, value, lang)


def match_header(questions: Iterable[RegistrationQuestion], header: str) -> RegistrationQuestion | None:
    """The question a spreadsheet column is about: its key or its label in either language."""
    folded = clean_line(header).lstrip("\ufeff").casefold()
    if not folded:
        return None
    for question in questions:
        names = {question.key.casefold(), question.key.replace("_", " ").casefold(), question.label_id.casefold()}
        if question.label_en:
            names.add(question.label_en.casefold())
        if folded in names:
            return question
    return None
