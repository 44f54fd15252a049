"""Evaluations and pre/post tests: make forms from starter questions, decide who may answer, take the
answers (one per person, race-safe), score tests and summarise the results."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import mean
from typing import Any

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from plm import outbox, tickets
from plm.evaluations.models import (
    Answer,
    FormKind,
    Phase,
    Question,
    QuestionKind,
    Questionnaire,
    Submission,
)
from plm.labels import N_, label_in
from plm.models import (
    AuditLog,
    CheckIn,
    Checkpoint,
    Event,
    EventSession,
    MailMessage,
    Participant,
    User,
    audit,
    session_facilitators,
    utcnow,
)
from plm.registration.service import has_placeholder_email
from plm.vocabulary import CheckpointKind, ParticipantStatus, Role

RATING_LABELS = [
    ["Sangat tidak setuju", "Strongly disagree"],
    ["Tidak setuju", "Disagree"],
    ["Netral", "Neutral"],
    ["Setuju", "Agree"],
    ["Sangat setuju", "Strongly agree"],
]

# The questions PLM evaluations ask: four statements rated 1-5 and an open suggestion.
STARTER_EVALUATION = [
    (QuestionKind.RATING, "Materi relevan dengan pekerjaan saya", "The content is relevant to my work"),
    (QuestionKind.RATING, "Fasilitator menjelaskan dengan jelas", "The facilitator explained clearly"),
    (QuestionKind.RATING, "Waktu cukup", "There was enough time"),
    (QuestionKind.RATING, "Saya akan menerapkan ini di perpustakaan saya", "I will apply this in my library"),
    (QuestionKind.TEXT, "Saran", "Suggestions"),
]

# A short starter test on library services; staff replace the questions with the session's own.
STARTER_TEST = [
    ("Apa kepanjangan TBM?", "What does TBM stand for?",
     [["Taman Bacaan Masyarakat", "Community reading garden"], ["Tempat Buku Murah", "Cheap book place"],
      ["Tim Baca Mandiri", "Independent reading team"]], [0]),
    ("Mana yang termasuk layanan perpustakaan berbasis inklusi sosial?",
     "Which are library services based on social inclusion?",
     [["Pelatihan keterampilan warga", "Skills training for residents"],
      ["Hanya peminjaman buku", "Book lending only"],
      ["Kegiatan bersama komunitas", "Activities with the community"]], [0, 2]),
    ("Siapa yang sebaiknya dilibatkan saat merencanakan kegiatan perpustakaan?",
     "Who should be involved when planning library activities?",
     [["Hanya kepala perpustakaan", "Only the head librarian"], ["Masyarakat pengguna", "The community of users"],
      ["Tidak perlu melibatkan siapa pun", "Nobody"]], [1]),
]


class EvaluationError(Exception):
    """A request the rules refuse; `code` picks the message the page shows."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


# ------------------------------------------------------------------ making and editing forms

def create_from_starter(session: Session, event: Event, kind: str, *, event_session: EventSession | None = None,
                        day: date | None = None, user: User | None = None) -> Questionnaire:
    """A new evaluation or test for a session, a day or the whole event, with the starter questions.
    An evaluation opens at the session's start and closes a day after its end; a test's pre phase
    runs to the session's start plus 15 minutes, its post phase from its end for a day."""

    kind = FormKind(kind)
    form = Questionnaire(event_id=event.id, kind=kind, session_id=event_session.id if event_session else None,
                         day=None if event_session else day)
    scope_id, scope_en = _scope_titles(event, event_session, day)
    if kind == FormKind.EVALUATION:
        form.title_id, form.title_en = f"Evaluasi: {scope_id}", f"Evaluation: {scope_en}"
        for position, (qkind, text_id, text_en) in enumerate(STARTER_EVALUATION):
            form.questions.append(Question(position=position, kind=qkind, text_id=text_id, text_en=text_en,
                                           options=RATING_LABELS if qkind == QuestionKind.RATING else [],
                                           required=qkind != QuestionKind.TEXT, correct=[], points=0))
    else:
        form.title_id, form.title_en = f"Tes: {scope_id}", f"Test: {scope_en}"
        for position, (text_id, text_en, options, correct) in enumerate(STARTER_TEST):
            form.questions.append(Question(
                position=position, kind=QuestionKind.MULTIPLE if len(correct) > 1 else QuestionKind.SINGLE,
                text_id=text_id, text_en=text_en, options=options, correct=correct, points=1, required=True))
    start, end = _scope_times(event, event_session, day)
    if kind == FormKind.EVALUATION:
        form.opens_at, form.closes_at = start, end + timedelta(days=1)
    else:
        form.opens_at, form.closes_at = start - timedelta(days=1), start + timedelta(minutes=15)
        form.post_opens_at, form.post_closes_at = end - timedelta(minutes=30), end + timedelta(days=1)
    session.add(form)
    session.flush()
    audit(session, "questionnaire_created", user=user, event_id=event.id, target=form, kind=str(kind))
    return form


def _scope_titles(event: Event, event_session: EventSession | None, day: date | None) -> tuple[str, str]:
    if event_session is not None:
        return event_session.title, event_session.title
    if day is not None:
        number = (day - event.starts_on).days + 1
        return f"Hari {number}", f"Day {number}"
    return event.name, event.name


def _scope_times(event: Event, event_session: EventSession | None, day: date | None) -> tuple[datetime, datetime]:
    from datetime import time
    from zoneinfo import ZoneInfo

    if event_session is not None:
        return event_session.starts_at, event_session.ends_at
    tz = ZoneInfo(event.timezone)
    first, last = (day, day) if day is not None else (event.starts_on, event.ends_on)
    return datetime.combine(first, time(7, 0), tz), datetime.combine(last, time(18, 0), tz)


def parse_options(text: str) -> list[list[str]]:
    """One option a line, 'Indonesian | English' (the English half may be left out)."""
    options = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        left, _, right = line.partition("|")
        options.append([left.strip()[:200], right.strip()[:200]])
    return options


def options_text(options: Iterable[Sequence[str]]) -> str:
    return "\n".join(f"{o[0]} | {o[1]}" if len(o) > 1 and o[1] else o[0] for o in options)


def parse_correct(text: str, option_count: int) -> list[int]:
    """'1, 3' (numbers as staff see them, from 1) -> [0, 2]; raises EvaluationError('bad_correct')."""
    chosen = []
    for part in (text or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= option_count:
            raise EvaluationError("bad_correct")
        chosen.append(int(part) - 1)
    return sorted(set(chosen))


def update_questionnaire(session: Session, form: Questionnaire, data: dict[str, Any], questions: list[dict[str, Any]],
                         user: User | None = None) -> None:
    """Save the form's settings and its questions (both languages). `questions` are dicts with id (None for a
    new one), remove, kind, text_id, text_en, options (text), correct (text), points, required. Raises
    EvaluationError before changing anything when a question does not make sense."""
    cleaned = []
    for item in questions:
        if item.get("remove") or not (item.get("text_id") or "").strip():
            cleaned.append((item, None))
            continue
        kind = QuestionKind(item["kind"])
        options = parse_options(item.get("options", ""))
        if kind == QuestionKind.RATING:
            if len(options) != 5:
                options = options or RATING_LABELS
                if len(options) != 5:
                    raise EvaluationError("rating_needs_five")
        elif kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and len(options) < 2:
            raise EvaluationError("choice_needs_two")
        correct = []
        if form.kind == FormKind.TEST and kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            correct = parse_correct(item.get("correct", ""), len(options))
            if not correct or (kind == QuestionKind.SINGLE and len(correct) != 1):
                raise EvaluationError("bad_correct")
        cleaned.append((item, dict(kind=kind, options=options if kind != QuestionKind.TEXT else [], correct=correct,
                                   text_id=item["text_id"].strip()[:500], text_en=(item.get("text_en") or "").strip()[:500],
                                   points=max(0, min(int(item.get("points") or 0), 100)) if correct else 0,
                                   required=bool(item.get("required")))))
    for name in ("title_id", "title_en", "anonymous", "opens_at", "closes_at", "post_opens_at", "post_closes_at"):
        if name in data:
            setattr(form, name, data[name])
    if form.kind == FormKind.TEST:
        form.anonymous = False  # pre and post are paired by participant
    existing = {q.id: q for q in form.questions}
    position = 0
    for item, values in cleaned:
        question = existing.get(item.get("id")) if item.get("id") else None
        if values is None:
            if question is not None:
                form.questions.remove(question)
            continue
        if question is None:
            question = Question()
            form.questions.append(question)
        for name, value in values.items():
            setattr(question, name, value)
        question.position = position
        position += 1
    session.flush()
    if form.kind == FormKind.TEST:  # right answers or points changed: every answer is scored again
        for answer in session.scalars(select(Answer).where(Answer.questionnaire_id == form.id)):
            answer.score = score(form, answer.values)
    audit(session, "questionnaire_edited", user=user, event_id=form.event_id, target=form)


def may_edit(session: Session, user: User, form: Questionnaire) -> bool:
    """Admins and organizers edit every form; a facilitator only the forms of their own sessions."""
    if user.role in (Role.ADMIN, Role.ORGANIZER):
        return True
    return form.session_id is not None and form.session_id in facilitator_session_ids(session, form.event, user)


def facilitator_session_ids(session: Session, event: Event, user: User) -> set[int]:
    from plm.schedule.service import leader_ids_for_user

    mine = leader_ids_for_user(session, event, user)
    if not mine:
        return set()
    return set(session.scalars(select(session_facilitators.c.session_id).where(
        session_facilitators.c.participant_id.in_(mine))))


def forms_for_user(session: Session, event: Event, user: User) -> list[Questionnaire]:
    forms = session.scalars(select(Questionnaire).where(Questionnaire.event_id == event.id)
                            .order_by(Questionnaire.day.is_(None), Questionnaire.day, Questionnaire.id)).all()
    if user.role in (Role.ADMIN, Role.ORGANIZER):
        return list(forms)
    mine = facilitator_session_ids(session, event, user)
    return [f for f in forms if f.session_id in mine]


def get_form(session: Session, event: Event, form_id: int) -> Questionnaire | None:
    form = session.get(Questionnaire, form_id) if 0 < form_id < 2**31 else None
    return form if form is not None and form.event_id == event.id else None


def form_by_code(session: Session, event: Event, code: str) -> Questionnaire | None:
    code = (code or "").strip().upper()[:8]
    return session.scalar(select(Questionnaire).where(Questionnaire.event_id == event.id, Questionnaire.code == code))


# ------------------------------------------------------------------ who may answer, and when

def current_phase(form: Questionnaire, now: datetime | None = None) -> Phase | None:
    """The phase answered now, or None when the form is closed (or not yet open)."""
    now = now or utcnow()

    def within(start: datetime | None, end: datetime | None) -> bool:
        return (start is None or start <= now) and (end is None or now < end)

    if form.kind == FormKind.EVALUATION:
        return Phase.ONCE if within(form.opens_at, form.closes_at) else None
    if within(form.opens_at, form.closes_at):
        return Phase.PRE
    if form.post_opens_at is not None and within(form.post_opens_at, form.post_closes_at):
        return Phase.POST
    return None


def results_released(form: Questionnaire, now: datetime | None = None) -> bool:
    """Participants see their own test scores once the post test has closed."""
    return form.kind == FormKind.TEST and form.post_closes_at is not None and (now or utcnow()) >= form.post_closes_at


def _attendance_checkpoints(form: Questionnaire):
    """The checkpoints whose check-in makes a person an attendee of the form's scope."""
    query = select(Checkpoint.id).where(Checkpoint.event_id == form.event_id)
    if form.session_id is not None:
        return query.where(Checkpoint.kind == CheckpointKind.SESSION, Checkpoint.session_id == form.session_id)
    if form.day is not None:
        return query.where(Checkpoint.kind == CheckpointKind.DAY, Checkpoint.day == form.day)
    return query.where(Checkpoint.kind == CheckpointKind.DAY)


def eligible_ids_query(form: Questionnaire, phase: Phase):
    """Participant ids who may answer: attendees (checked in at the session's checkpoint, the day's door,
    or any day's door for a whole-event form); a pre test also takes everyone registered, since it is
    answered before the session starts."""
    registered = select(Participant.id).where(Participant.event_id == form.event_id,
                                              Participant.status == ParticipantStatus.REGISTERED)
    if phase == Phase.PRE:
        return registered
    attended = select(CheckIn.participant_id).where(CheckIn.checkpoint_id.in_(_attendance_checkpoints(form)))
    return registered.where(Participant.id.in_(attended))


def is_eligible(session: Session, form: Questionnaire, participant: Participant, phase: Phase) -> bool:
    return session.scalar(eligible_ids_query(form, phase).where(Participant.id == participant.id)) is not None


def eligible_count(session: Session, form: Questionnaire, phase: Phase) -> int:
    return session.scalar(select(func.count()).select_from(eligible_ids_query(form, phase).subquery())) or 0


def identify_by_ticket(session: Session, app_secret: str, event: Event, text: str) -> Participant:
    """The participant whose ticket code this is, MAC checked as at the door; raises EvaluationError('bad_ticket')."""
    try:
        code = tickets.parse_code(text)
    except tickets.TicketFormatError:
        raise EvaluationError("bad_ticket") from None
    if code.event_slug != event.slug.upper():
        raise EvaluationError("bad_ticket")
    participant = session.scalar(select(Participant).where(Participant.event_id == event.id,
                                                           Participant.public_id == code.public_id))
    key = tickets.event_key(app_secret, event.slug, event.ticket_key_version or 1)
    if participant is None or not tickets.verify(key, code, participant.ticket_secret):
        raise EvaluationError("bad_ticket")
    return participant


@dataclass
class AnswerState:
    """What a participant sees for one form: may they answer now, have they, and their scores."""

    form: Questionnaire
    phase: Phase | None
    eligible: bool
    answered: bool
    editable: bool
    values: dict = field(default_factory=dict)
    pre_score: float | None = None
    post_score: float | None = None
    max_score: int = 0


def answer_state(session: Session, form: Questionnaire, participant: Participant,
                 now: datetime | None = None) -> AnswerState:
    phase = current_phase(form, now)
    eligible = phase is not None and is_eligible(session, form, participant, phase)
    answered = phase is not None and session.get(Submission, (form.id, participant.id, str(phase))) is not None
    values: dict = {}
    if answered and not form.anonymous:
        row = session.scalar(select(Answer).where(Answer.questionnaire_id == form.id, Answer.phase == phase,
                                                  Answer.participant_id == participant.id))
        values = dict(row.values) if row else {}
    state = AnswerState(form=form, phase=phase, eligible=eligible, answered=answered,
                        editable=eligible and (not answered or not form.anonymous), values=values,
                        max_score=max_score(form))
    if results_released(form, now) and not form.anonymous:
        scores = dict(session.execute(select(Answer.phase, Answer.score).where(
            Answer.questionnaire_id == form.id, Answer.participant_id == participant.id)).all())
        state.pre_score, state.post_score = scores.get(Phase.PRE), scores.get(Phase.POST)
    return state


def for_participant(session: Session, event: Event, participant: Participant,
                    now: datetime | None = None) -> list[AnswerState]:
    """The forms a participant can answer now or has answered, and tests whose scores are out (manage page)."""
    forms = session.scalars(select(Questionnaire).where(Questionnaire.event_id == event.id)
                            .order_by(Questionnaire.opens_at, Questionnaire.id)).all()
    states = []
    for form in forms:
        if current_phase(form, now) is None and not results_released(form, now):
            continue  # closed or not open yet, and no scores to show: no queries
        state = answer_state(session, form, participant, now)
        if state.eligible or (state.pre_score is not None or state.post_score is not None):
            states.append(state)
    return states


# ------------------------------------------------------------------ answering

def clean_values(form: Questionnaire, raw: dict[str, list[str]]) -> dict[str, Any]:
    """The submitted fields ({'q<id>': [values]}) as stored values; raises EvaluationError('missing')
    when a required question is unanswered, ('bad_value') for a value that is not an option."""
    values: dict[str, Any] = {}
    for question in form.questions:
        given = [v for v in raw.get(f"q{question.id}", []) if v is not None and str(v).strip()]
        if question.kind == QuestionKind.TEXT:
            value: Any = (given[0].strip()[:2000] if given else "")
            if value:
                values[str(question.id)] = value
        elif question.kind == QuestionKind.RATING:
            if given:
                if given[0] not in ("1", "2", "3", "4", "5"):
                    raise EvaluationError("bad_value")
                values[str(question.id)] = int(given[0])
        else:
            picks = []
            for v in given[:1] if question.kind == QuestionKind.SINGLE else given:
                if not v.isdigit() or int(v) >= len(question.options):
                    raise EvaluationError("bad_value")
                picks.append(int(v))
            if picks:
                values[str(question.id)] = picks[0] if question.kind == QuestionKind.SINGLE else sorted(set(picks))
        if question.required and str(question.id) not in values:
            raise EvaluationError("missing")
    return values


def score(form: Questionnaire, values: dict[str, Any]) -> float | None:
    """A test answer's points: a question scores its points when exactly the right options are chosen."""
    if form.kind != FormKind.TEST:
        return None
    total = 0
    for question in form.questions:
        if not question.correct:
            continue
        value = values.get(str(question.id))
        chosen = [value] if isinstance(value, int) else list(value or [])
        if sorted(chosen) == sorted(question.correct):
            total += question.points
    return float(total)


def max_score(form: Questionnaire) -> int:
    return sum(q.points for q in form.questions if q.correct) if form.kind == FormKind.TEST else 0


def submit(session: Session, form: Questionnaire, participant: Participant, raw: dict[str, list[str]],
           now: datetime | None = None) -> str:
    """Store a participant's answers and commit; returns 'created' or 'updated'.

    One answer per person and phase: the "has answered" row's key decides a race (the loser's insert fails,
    it rolls back and, for a named form, updates the winner's row instead). An anonymous answer cannot be
    changed once sent: nothing links it to its author. Raises EvaluationError (closed, not_eligible,
    already_answered, missing, bad_value) without changing anything.
    """
    phase = current_phase(form, now)
    if phase is None:
        raise EvaluationError("closed")
    if not is_eligible(session, form, participant, phase):
        raise EvaluationError("not_eligible")
    values = clean_values(form, raw)
    points = score(form, values)
    form_id, participant_id = form.id, participant.id
    for _attempt in range(2):
        if session.get(Submission, (form_id, participant_id, str(phase))) is None:
            session.add(Submission(questionnaire_id=form_id, participant_id=participant_id, phase=str(phase)))
            session.add(Answer(questionnaire_id=form_id, phase=str(phase), values=values, score=points,
                               participant_id=None if form.anonymous else participant_id,
                               updated_at=None if form.anonymous else utcnow()))
            try:
                session.flush()  # the request commits; a duplicate shows here
            except IntegrityError:
                session.rollback()
                continue  # someone (this person, on another tab) answered first
            return "created"
        if form.anonymous:
            raise EvaluationError("already_answered")
        row = session.scalar(select(Answer).where(Answer.questionnaire_id == form_id, Answer.phase == str(phase),
                                                  Answer.participant_id == participant_id))
        if row is None:  # answered while the form was anonymous
            raise EvaluationError("already_answered")
        row.values, row.score, row.updated_at = values, points, utcnow()
        return "updated"
    raise EvaluationError("already_answered")


# ------------------------------------------------------------------ results

def option_label(option: Sequence[str], lang: str) -> str:
    return option[1] if lang == "en" and len(option) > 1 and option[1] else option[0]


def question_text(question: Question, lang: str) -> str:
    return question.text_en if lang == "en" and question.text_en else question.text_id


def form_title(form: Questionnaire, lang: str) -> str:
    return form.title_en if lang == "en" and form.title_en else form.title_id


@dataclass
class QuestionResult:
    """One question's answers: `counts` pairs each option (or rating point) with how many chose it."""

    question_id: int
    text: str
    kind: str
    counts: list[tuple[str, int]]
    mean: float | None
    texts: list[str]


def question_results(session: Session, form: Questionnaire, phase: Phase, lang: str = "id") -> list[QuestionResult]:
    rows = session.scalars(select(Answer.values).where(Answer.questionnaire_id == form.id,
                                                       Answer.phase == str(phase))).all()
    results = []
    for question in form.questions:
        key = str(question.id)
        answers = [r[key] for r in rows if key in r]
        counts: list[tuple[str, int]] = []
        average = None
        texts: list[str] = []
        if question.kind == QuestionKind.RATING:
            counts = [(f"{i + 1} {option_label(question.options[i], lang)}" if i < len(question.options) else str(i + 1),
                       sum(1 for a in answers if a == i + 1)) for i in range(5)]
            average = round(mean(answers), 2) if answers else None
        elif question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            flat = [x for a in answers for x in (a if isinstance(a, list) else [a])]
            counts = [(option_label(o, lang), flat.count(i)) for i, o in enumerate(question.options)]
        else:
            texts = [str(a) for a in answers]
        results.append(QuestionResult(question.id, question_text(question, lang), question.kind, counts, average, texts))
    return results


def respondent_ids(session: Session, form: Questionnaire, phase: Phase) -> set[int]:
    return set(session.scalars(select(Submission.participant_id).where(
        Submission.questionnaire_id == form.id, Submission.phase == str(phase))))


def non_respondents(session: Session, form: Questionnaire, phase: Phase) -> list[Participant]:
    """Who may answer and has not: the list the reminders go to."""
    answered = select(Submission.participant_id).where(Submission.questionnaire_id == form.id,
                                                       Submission.phase == str(phase))
    return list(session.scalars(select(Participant).where(
        Participant.id.in_(eligible_ids_query(form, phase)), Participant.id.not_in(answered))
        .order_by(Participant.full_name)))


@dataclass
class FormSummary:
    """One evaluation form: `mean_ratings` pairs each rating question's text with its mean (None: no answers)."""

    questionnaire_id: int
    title: str
    session_title: str | None
    day: date | None
    responses: int
    eligible: int
    response_rate: float | None  # 0..1; None when nobody was eligible
    mean_ratings: list[tuple[str, float | None]]


def evaluation_summary(session: Session, event: Event, lang: str = "id") -> list[FormSummary]:
    """Per evaluation form (session, day or event): responses, eligible attendees, response rate and the mean
    of each rating question. Returns list[FormSummary], forms in opening order."""
    forms = session.scalars(select(Questionnaire).where(Questionnaire.event_id == event.id,
                                                        Questionnaire.kind == FormKind.EVALUATION)
                            .order_by(Questionnaire.opens_at, Questionnaire.id)).all()
    summaries = []
    for form in forms:
        responses = len(respondent_ids(session, form, Phase.ONCE))
        eligible = eligible_count(session, form, Phase.ONCE)
        ratings = [(r.text, r.mean) for r in question_results(session, form, Phase.ONCE, lang) if r.kind == "rating"]
        summaries.append(FormSummary(
            questionnaire_id=form.id, title=form_title(form, lang),
            session_title=form.session.title if form.session else None, day=form.day, responses=responses,
            eligible=eligible, response_rate=round(responses / eligible, 4) if eligible else None,
            mean_ratings=ratings))
    return summaries


@dataclass
class GroupGain:
    """Paired pre/post scores of one group (a province, an institution type, or everyone)."""

    label: str
    paired: int
    mean_pre: float | None
    mean_post: float | None
    mean_gain: float | None
    share_improved: float | None  # 0..1: post score higher than pre score


@dataclass
class TestGains:
    """One pre/post test: `overall` over everyone who took both; `by_province` and `by_institution_type`
    are the same figures per group (groups sorted by label); `scores` lists (participant id, pre, post).
    `session_title` and `day` give the test's scope, as in FormSummary (both None: the whole event)."""

    questionnaire_id: int
    title: str
    max_score: int
    overall: GroupGain
    by_province: list[GroupGain]
    by_institution_type: list[GroupGain]
    scores: list[tuple[int, float, float]]
    session_title: str | None = None
    day: date | None = None


def _gain(label: str, pairs: list[tuple[float, float]]) -> GroupGain:
    if not pairs:
        return GroupGain(label, 0, None, None, None, None)
    pre = [p for p, _ in pairs]
    post = [q for _, q in pairs]
    return GroupGain(label, len(pairs), round(mean(pre), 2), round(mean(post), 2),
                     round(mean(q - p for p, q in pairs), 2), round(sum(1 for p, q in pairs if q > p) / len(pairs), 4))


@dataclass(frozen=True)
class PairedScore:
    """One participant's pre and post score, with the columns the gains are grouped by."""

    participant_id: int
    province: str | None
    institution_type: str | None
    pre: float
    post: float


def paired_scores(session: Session, form: Questionnaire) -> list[PairedScore]:
    """Everyone who took both phases of a named test, in participant id order: one query over the two
    phases' answers and the participants' grouping columns (no ORM objects: a report reads every test)."""
    pre, post = aliased(Answer), aliased(Answer)
    rows = session.execute(
        select(Participant.id, Participant.province, Participant.institution_type, pre.score, post.score)
        .join(pre, and_(pre.participant_id == Participant.id, pre.questionnaire_id == form.id,
                        pre.phase == Phase.PRE))
        .join(post, and_(post.participant_id == Participant.id, post.questionnaire_id == form.id,
                         post.phase == Phase.POST))
        .order_by(Participant.id)).all()
    return [PairedScore(pid, province, kind, pre_score or 0.0, post_score or 0.0)
            for pid, province, kind, pre_score, post_score in rows]


def gains_for(session: Session, form: Questionnaire, lang: str = "id") -> TestGains:
    paired = paired_scores(session, form)

    def grouped(key) -> list[GroupGain]:
        groups: dict[str, list[tuple[float, float]]] = {}
        for score in paired:
            groups.setdefault(key(score) or "-", []).append((score.pre, score.post))
        return [_gain(label, pairs) for label, pairs in sorted(groups.items())]

    return TestGains(
        questionnaire_id=form.id, title=form_title(form, lang), max_score=max_score(form),
        overall=_gain("", [(s.pre, s.post) for s in paired]),
        by_province=grouped(lambda s: s.province), by_institution_type=grouped(lambda s: s.institution_type),
        scores=[(s.participant_id, s.pre, s.post) for s in paired],
        session_title=form.session.title if form.session else None, day=form.day)


def test_gains(session: Session, event: Event, lang: str = "id") -> list[TestGains]:
    """Per pre/post test of the event: paired n, mean pre, mean post, mean gain and share improved, overall
    and by province and institution type (institution types as stored: provincial, regency_city, village,
    tbm, other). Only participants who took both phases count. Returns list[TestGains]."""
    forms = session.scalars(select(Questionnaire).where(Questionnaire.event_id == event.id,
                                                        Questionnaire.kind == FormKind.TEST)
                            .order_by(Questionnaire.opens_at, Questionnaire.id)).all()
    return [gains_for(session, form, lang) for form in forms]


test_gains.__test__ = False  # a service function, not a pytest test


def has_answers(session: Session, form: Questionnaire) -> bool:
    return session.scalar(select(Submission.participant_id).where(Submission.questionnaire_id == form.id).limit(1)) \
        is not None


def delete_questionnaire(session: Session, form: Questionnaire, user: User | None = None) -> None:
    audit(session, "questionnaire_deleted", user=user, event_id=form.event_id, target=form, title=form.title_id)
    session.execute(delete(Answer).where(Answer.questionnaire_id == form.id))
    session.execute(delete(Submission).where(Submission.questionnaire_id == form.id))
    session.delete(form)




# ------------------------------------------------------------------ privacy

def _readable_value(question: Question, value: Any, lang: str) -> Any:
    """A stored value as the participant saw it: option labels instead of positions."""
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        picks = value if isinstance(value, list) else [value]
        labels = [option_label(question.options[i], lang) for i in picks
                  if isinstance(i, int) and 0 <= i < len(question.options)]
        return labels[0] if question.kind == QuestionKind.SINGLE and labels else labels
    return value


def export_answers(session: Session, participant: Participant, lang: str = "id") -> list[dict[str, Any]]:
    """A participant's named answers and test scores for "download my data".

    Anonymous answers are not theirs to download: nothing links them to anyone."""
    rows = session.execute(select(Questionnaire, Answer).join(Answer, Answer.questionnaire_id == Questionnaire.id)
                           .where(Answer.participant_id == participant.id)
                           .order_by(Questionnaire.opens_at, Questionnaire.id, Answer.phase)).all()
    exported = []
    for form, answer in rows:
        questions = {str(q.id): q for q in form.questions}
        exported.append({
            "form": form_title(form, lang),
            "kind": form.kind,
            "phase": answer.phase,
            "answered_at": answer.updated_at.isoformat() if answer.updated_at else None,
            "answers": [{"question": question_text(questions[key], lang),
                         "answer": _readable_value(questions[key], value, lang)}
                        for key, value in answer.values.items() if key in questions],
            "score": answer.score,
            "max_score": max_score(form) if form.kind == FormKind.TEST else None,
        })
    return exported


def unlink_answers(session: Session, participant: Participant) -> None:
    """Erasing or anonymising a participant: their named answers lose the link (and the time that could point
    back), so they count like anonymous ones; what they answered stays in the results. Paired test gains
    cannot include them any more."""
    session.execute(update(Answer).where(Answer.participant_id == participant.id)
                    .values(participant_id=None, updated_at=None))


# ------------------------------------------------------------------ reminders

#: Someone reminded of a form less than this long ago is skipped by "remind everyone".
REMINDER_INTERVAL = timedelta(hours=24)

REMINDER_LINE = N_("Please fill in \"%(title)s\" (%(event)s): %(url)s")
REMINDER_HOW = N_("Open the link and enter the ticket code from your ticket page.")
REMINDER_SUBJECT = N_("Reminder: %(title)s")


def _in_each_language(text: str, form: Questionnaire, **values: str) -> list[str]:
    """*text* in Indonesian, then English when it differs. PLM keeps no language per participant, so a
    reminder speaks both (Indonesian first, as the pages do) rather than the language of the staff member."""
    lines = []
    for lang in ("id", "en"):
        line = label_in(text, lang) % {"title": form_title(form, lang), **values}
        if line not in lines:
            lines.append(line)
    return lines


def reminder_text(event: Event, form: Questionnaire, link: str) -> str:
    """The WhatsApp text: the request with the link, in both languages."""
    return "\n\n".join(_in_each_language(REMINDER_LINE, form, event=event.name, url=link))


def queue_reminder(session: Session, event: Event, form: Questionnaire, phase: Phase, person: Participant,
                   link: str, user: User | None = None) -> MailMessage:
    """One reminder e-mail (outbox), noted in the audit log so that "remind everyone" skips this person for a day."""
    lines = _in_each_language(REMINDER_LINE, form, event=event.name, url=link)
    how = _in_each_language(REMINDER_HOW, form)
    body = "\n\n".join(f"{line}\n{hint}" for line, hint in zip(lines, how, strict=False))
    message = outbox.queue(session, recipient=person.email, event_id=event.id, participant_id=person.id,
                           subject=" / ".join(_in_each_language(REMINDER_SUBJECT, form)), body_text=body)
    audit(session, "questionnaire.remind", user=user, event_id=event.id, target=person, form=form.id,
          phase=str(phase))
    return message


def recently_reminded(session: Session, form: Questionnaire, phase: Phase, now: datetime | None = None) -> set[int]:
    """Participants reminded of this form and phase within REMINDER_INTERVAL."""
    since = (now or utcnow()) - REMINDER_INTERVAL
    rows = session.execute(select(AuditLog.target_id, AuditLog.detail).where(
        AuditLog.event_id == form.event_id, AuditLog.action == "questionnaire.remind",
        AuditLog.target_type == "participant", AuditLog.created_at >= since)).all()
    return {target for target, detail in rows
            if detail and detail.get("form") == form.id and detail.get("phase") == str(phase)}


@dataclass
class ReminderRun:
    """What "remind everyone" did: mailed, skipped (reminded within a day), and those with no address."""

    mailed: list[Participant] = field(default_factory=list)
    recent: list[Participant] = field(default_factory=list)
    no_email: list[Participant] = field(default_factory=list)


def remind_everyone(session: Session, event: Event, form: Questionnaire, phase: Phase, link: str,
                    user: User | None = None, now: datetime | None = None) -> ReminderRun:
    """One reminder e-mail to each person who may answer and has not, except those reminded in the last
    24 hours and those without an address (walk-ins): WhatsApp is their way."""
    run = ReminderRun()
    recent = recently_reminded(session, form, phase, now)
    for person in non_respondents(session, form, phase):
        if not person.email or has_placeholder_email(person) or person.email.endswith(".invalid"):
            run.no_email.append(person)
        elif person.id in recent:
            run.recent.append(person)
        else:
            queue_reminder(session, event, form, phase, person, link, user)
            run.mailed.append(person)
    return run
