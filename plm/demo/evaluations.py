"""Demo evaluations: a form per programme session, one for the first day, an anonymous whole-event form and
one pre/post test, answered by the people the attendance simulation checked in (`flask plm demo --attendance`)."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from plm.evaluations import service
from plm.evaluations.models import Answer, Phase, QuestionKind, Questionnaire, Submission
from plm.models import Event, EventSession, Participant, utcnow
from plm.vocabulary import NON_PROGRAMME_KINDS

SPEC = json.loads((Path(__file__).with_name("evaluations.json")).read_text(encoding="utf-8"))


def simulate_evaluations(session: Session, event: Event, *, seed: int = 2015, now: datetime | None = None) -> dict:
    """Make the forms (when the event has none yet) and answer them; returns counts for the CLI."""
    if session.scalar(select(Questionnaire.id).where(Questionnaire.event_id == event.id).limit(1)) is not None:
        return {"forms": 0, "answers": 0}
    rng = random.Random(seed)
    sessions = session.scalars(select(EventSession).where(
        EventSession.event_id == event.id, EventSession.kind.not_in(NON_PROGRAMME_KINDS),
        EventSession.cancelled_at.is_(None)).order_by(EventSession.starts_at, EventSession.id)).all()
    forms = [service.create_from_starter(session, event, "evaluation", event_session=s) for s in sessions]
    first_day = service.create_from_starter(session, event, "evaluation", day=event.starts_on)
    whole = service.create_from_starter(session, event, "evaluation")
    whole.anonymous = True
    test = service.create_from_starter(session, event, "test")
    session.flush()
    answers = 0
    for form in [*forms, first_day, whole]:
        answers += _answer_evaluation(session, form, rng)
    answers += _answer_test(session, test, rng)
    open_before_the_event(first_day, test, now)
    session.flush()
    return {"forms": len(forms) + 3, "answers": answers}


def open_before_the_event(day_form: Questionnaire, test: Questionnaire, now: datetime | None = None) -> None:
    """The demo usually starts weeks ahead, so every window would still be shut: the first day's evaluation
    and the whole-event pre test open from now (an hour back) instead, until their usual closing. The event's
    dates are untouched (the door still says "not an event day"); for a demo in the past nothing reopens."""
    since = (now or utcnow()) - timedelta(hours=1)
    for form in (day_form, test):
        if form.opens_at is not None and form.closes_at is not None and since < form.closes_at:
            form.opens_at = min(form.opens_at, since)


def _people(session: Session, form: Questionnaire, phase: Phase) -> list[Participant]:
    return list(session.scalars(select(Participant).where(Participant.id.in_(service.eligible_ids_query(form, phase)))
                                .order_by(Participant.id)))


def _answer_evaluation(session: Session, form: Questionnaire, rng: random.Random) -> int:
    people = _people(session, form, Phase.ONCE)
    rate = rng.uniform(*SPEC["response_rate"])
    mood = rng.choice([0.0, 0.3, 0.6, -0.4])  # some sessions land better than others
    count = 0
    for person in people:
        if rng.random() > rate:
            continue
        values: dict = {}
        for question in form.questions:
            if question.kind == QuestionKind.RATING:
                values[str(question.id)] = max(1, min(5, round(rng.gauss(4.0 + mood, 0.8))))
            elif question.kind == QuestionKind.TEXT and rng.random() < SPEC["suggestion_rate"]:
                values[str(question.id)] = rng.choice(SPEC["suggestions"])
        _store(session, form, person, Phase.ONCE, values)
        count += 1
    return count


def _answer_test(session: Session, form: Questionnaire, rng: random.Random) -> int:
    count = 0
    ability = {}
    for phase, right in ((Phase.PRE, SPEC["pre_right"]), (Phase.POST, SPEC["post_right"])):
        for person in _people(session, form, phase):
            if rng.random() > (0.8 if phase == Phase.PRE else 0.7):
                continue
            skill = ability.setdefault(person.id, rng.uniform(-0.15, 0.15))
            values = {}
            for question in form.questions:
                if rng.random() < right + skill:
                    chosen = list(question.correct)
                else:
                    chosen = [rng.randrange(len(question.options))]
                values[str(question.id)] = chosen[0] if question.kind == QuestionKind.SINGLE else chosen
            _store(session, form, person, phase, values)
            count += 1
    return count


def _store(session: Session, form: Questionnaire, person: Participant, phase: Phase, values: dict) -> None:
    session.add(Submission(questionnaire_id=form.id, participant_id=person.id, phase=str(phase)))
    session.add(Answer(questionnaire_id=form.id, phase=str(phase), values=values, score=service.score(form, values),
                       participant_id=None if form.anonymous else person.id,
                       updated_at=None if form.anonymous else form.closes_at))


__all__ = ["simulate_evaluations"]
