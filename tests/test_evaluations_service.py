"""Evaluations and pre/post tests (issue 17): who may answer, one answer per person under a race, anonymous
answers that cannot be traced, scoring and paired gains against figures worked out by hand."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, inspect, select

from plm.evaluations import service
from plm.evaluations.models import Answer, FormKind, Phase, QuestionKind, Submission
from plm.extensions import db
from plm.models import CheckIn, Checkpoint, utcnow
from plm.tickets import participant_code
from tests.helpers import SECRET, add_participant, day_checkpoint


def session_checkpoint(event, event_session):
    from plm.checkin.service import ensure_session_checkpoints

    ensure_session_checkpoints(db.session, event)
    db.session.commit()
    return db.session.scalar(select(Checkpoint).where(Checkpoint.session_id == event_session.id))


def check_in(person, checkpoint):
    db.session.add(CheckIn(participant_id=person.id, checkpoint_id=checkpoint.id))
    db.session.commit()


def open_now(form):
    """Move the answering windows around now: an evaluation (or a test's pre phase) open."""
    form.opens_at, form.closes_at = utcnow() - timedelta(hours=1), utcnow() + timedelta(hours=1)
    if form.kind == FormKind.TEST:
        form.post_opens_at, form.post_closes_at = utcnow() + timedelta(hours=2), utcnow() + timedelta(hours=3)
    db.session.commit()


def to_post(form):
    form.opens_at, form.closes_at = utcnow() - timedelta(hours=3), utcnow() - timedelta(hours=2)
    form.post_opens_at, form.post_closes_at = utcnow() - timedelta(hours=1), utcnow() + timedelta(hours=1)
    db.session.commit()


def ratings(form, *values, text=""):
    raw = {}
    rating_questions = [q for q in form.questions if q.kind == QuestionKind.RATING]
    for question, value in zip(rating_questions, values, strict=False):
        raw[f"q{question.id}"] = [str(value)]
    text_question = next(q for q in form.questions if q.kind == QuestionKind.TEXT)
    raw[f"q{text_question.id}"] = [text]
    return raw


@pytest.fixture
def evaluation(event, schedule_factory):
    leader = schedule_factory.leader("Ayu Lestari", "ayu@test.example")
    item = schedule_factory.session("Literasi digital", facilitators=[leader])
    form = service.create_from_starter(db.session, event, "evaluation", event_session=item)
    db.session.commit()
    open_now(form)
    return form


def test_starter_evaluation_has_the_usual_questions_in_both_languages(evaluation):
    texts = [(q.kind, q.text_id, q.text_en) for q in evaluation.questions]
    assert texts[0] == ("rating", "Materi relevan dengan pekerjaan saya", "The content is relevant to my work")
    assert [t[1] for t in texts] == ["Materi relevan dengan pekerjaan saya", "Fasilitator menjelaskan dengan jelas",
                                     "Waktu cukup", "Saya akan menerapkan ini di perpustakaan saya", "Saran"]
    assert all(len(q.options) == 5 for q in evaluation.questions if q.kind == "rating")
    assert evaluation.title_id == "Evaluasi: Literasi digital" and len(evaluation.code) == 8


def test_only_attendees_of_the_session_can_answer(event, evaluation):
    attended = add_participant(event, "Made Oka")
    at_door_only = add_participant(event, "Ketut Sari")
    cancelled = add_participant(event, "Wayan Batal", status="cancelled")
    checkpoint = session_checkpoint(event, evaluation.session)
    check_in(attended, checkpoint)
    check_in(at_door_only, day_checkpoint(event))
    check_in(cancelled, checkpoint)

    assert service.submit(db.session, evaluation, attended, ratings(evaluation, 5, 4, 3, 5, text="Bagus")) == "created"
    for person in (at_door_only, cancelled):
        with pytest.raises(service.EvaluationError) as refused:
            service.submit(db.session, evaluation, person, ratings(evaluation, 5, 5, 5, 5))
        assert refused.value.code == "not_eligible"
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 1
    assert service.eligible_count(db.session, evaluation, Phase.ONCE) == 1
    assert [p.full_name for p in service.non_respondents(db.session, evaluation, Phase.ONCE)] == []


def test_day_form_takes_the_day_door_and_a_closed_form_takes_nobody(event):
    day_two = event.starts_on + timedelta(days=1)
    form = service.create_from_starter(db.session, event, "evaluation", day=day_two)
    db.session.commit()
    open_now(form)
    first_day = add_participant(event, "Hari Satu")
    second_day = add_participant(event, "Hari Dua")
    check_in(first_day, day_checkpoint(event, 0))
    check_in(second_day, day_checkpoint(event, 1))
    assert service.is_eligible(db.session, form, second_day, Phase.ONCE)
    assert not service.is_eligible(db.session, form, first_day, Phase.ONCE)
    form.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(service.EvaluationError) as refused:
        service.submit(db.session, form, second_day, ratings(form, 4, 4, 4, 4))
    assert refused.value.code == "closed"


def test_answers_are_checked_and_a_named_answer_is_editable_until_closing(event, evaluation):
    person = add_participant(event)
    check_in(person, session_checkpoint(event, evaluation.session))
    with pytest.raises(service.EvaluationError) as refused:
        service.submit(db.session, evaluation, person, ratings(evaluation, 5, 5))  # two required ratings missing
    assert refused.value.code == "missing"
    with pytest.raises(service.EvaluationError) as refused:
        service.submit(db.session, evaluation, person, ratings(evaluation, 9, 5, 5, 5))
    assert refused.value.code == "bad_value"
    assert service.submit(db.session, evaluation, person, ratings(evaluation, 2, 2, 2, 2)) == "created"
    assert service.submit(db.session, evaluation, person, ratings(evaluation, 5, 4, 4, 4, text="Lagi")) == "updated"
    rows = db.session.scalars(select(Answer)).all()
    assert len(rows) == 1 and rows[0].participant_id == person.id
    first = evaluation.questions[0]
    assert rows[0].values[str(first.id)] == 5 and rows[0].values[str(evaluation.questions[4].id)] == "Lagi"
    state = service.answer_state(db.session, evaluation, person)
    assert state.answered and state.editable and state.values[str(first.id)] == 5


def test_anonymous_answers_carry_no_link_to_their_author(event, evaluation):
    evaluation.anonymous = True
    db.session.commit()
    checkpoint = session_checkpoint(event, evaluation.session)
    people = [add_participant(event, f"Peserta {i}") for i in range(6)]
    for person in people:
        check_in(person, checkpoint)
    for i, person in enumerate(people):
        service.submit(db.session, evaluation, person, ratings(evaluation, 1 + i % 5, 3, 3, 3, text=f"Saran {i}"))
    with pytest.raises(service.EvaluationError) as refused:
        service.submit(db.session, evaluation, people[0], ratings(evaluation, 5, 5, 5, 5))
    assert refused.value.code == "already_answered"  # still one per person

    answers = db.session.scalars(select(Answer)).all()
    submissions = db.session.scalars(select(Submission)).all()
    assert len(answers) == 6 and {s.participant_id for s in submissions} == {p.id for p in people}
    assert all(a.participant_id is None and a.updated_at is None for a in answers)
    # Nothing they share but the form and phase: no id, no time, no participant column.
    answer_columns = {c.key for c in inspect(Answer).columns}
    submission_columns = {c.key for c in inspect(Submission).columns}
    assert answer_columns & submission_columns == {"questionnaire_id", "phase", "participant_id"}
    assert not any("at" == c.split("_")[-1] for c in submission_columns)
    assert all(len(a.key) == 32 for a in answers)
    # Stored order is the random key's order, not the order they were written in.
    stored = db.session.execute(select(Answer.key, Answer.values)).all()
    written = [f"Saran {i}" for i in range(6)]
    texts = [v[str(evaluation.questions[4].id)] for _, v in stored]
    assert sorted(texts) == written
    assert [k for k, _ in stored] == sorted(k for k, _ in stored) or db.engine.dialect.name != "sqlite"
    # The answer page of an anonymous form shows nothing back.
    state = service.answer_state(db.session, evaluation, people[0])
    assert state.answered and not state.editable and state.values == {}


def _race(app, work, n=8):
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        with app.app_context():
            barrier.wait()
            try:
                results[i] = work(i)
            except Exception as exc:  # noqa: BLE001  (the assertion below shows it)
                results[i] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


@pytest.mark.parametrize("anonymous", [False, True])
def test_one_answer_per_person_when_eight_tabs_send_at_once(app, event, evaluation, anonymous):
    evaluation.anonymous = anonymous
    db.session.commit()
    person = add_participant(event)
    check_in(person, session_checkpoint(event, evaluation.session))
    form_id, person_id = evaluation.id, person.id
    raw = ratings(evaluation, 4, 4, 4, 4)

    def send(i):
        from plm.evaluations.models import Questionnaire
        from plm.models import Participant

        form = db.session.get(Questionnaire, form_id)
        who = db.session.get(Participant, person_id)
        try:
            outcome = service.submit(db.session, form, who, raw)
            db.session.commit()  # as the request boundary does (plm/transactions.py)
            return outcome
        except service.EvaluationError as exc:
            return exc.code

    results = _race(app, send)
    db.session.expire_all()
    assert results.count("created") == 1, results
    assert set(results) <= {"created", "updated", "already_answered"}, results
    if anonymous:
        assert results.count("already_answered") == 7
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 1
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 1


@pytest.fixture
def test_form(event):
    form = service.create_from_starter(db.session, event, "test")
    db.session.commit()
    open_now(form)
    return form


def picks(form, *choices):
    """choices per question: an int (single) or a list (multiple), 0-based."""
    raw = {}
    for question, choice in zip(form.questions, choices, strict=False):
        raw[f"q{question.id}"] = [str(c) for c in (choice if isinstance(choice, list) else [choice])]
    return raw


def test_scoring_and_paired_gains_match_hand_computed_figures(event, test_form):
    # Starter test: q1 single (right: 0), q2 multiple (right: 0 and 2), q3 single (right: 1); one point each.
    assert service.max_score(test_form) == 3
    door = day_checkpoint(event)
    bali = [add_participant(event, f"Bali {i}", province="Bali", institution_type="tbm") for i in range(2)]
    ntt = add_participant(event, "NTT", province="Nusa Tenggara Timur", institution_type="village")
    pre_only = add_participant(event, "Hanya Pre", province="Bali", institution_type="tbm")
    for person in [*bali, ntt, pre_only]:
        check_in(person, door)

    # Pre: Bali 0 scores 1 (q1), Bali 1 scores 0, NTT scores 2 (q1 + q3), pre_only 3.
    service.submit(db.session, test_form, bali[0], picks(test_form, 0, [0], 0))
    service.submit(db.session, test_form, bali[1], picks(test_form, 1, [1], 0))
    service.submit(db.session, test_form, ntt, picks(test_form, 0, [2], 1))
    service.submit(db.session, test_form, pre_only, picks(test_form, 0, [0, 2], 1))
    to_post(test_form)
    # Post: Bali 0 scores 3, Bali 1 scores 0 (no change), NTT scores 1 (worse).
    service.submit(db.session, test_form, bali[0], picks(test_form, 0, [2, 0], 1))
    service.submit(db.session, test_form, bali[1], picks(test_form, 2, [0, 1, 2], 2))
    service.submit(db.session, test_form, ntt, picks(test_form, 0, [0], 0))

    scores = {a.participant_id: a.score for a in db.session.scalars(select(Answer).where(Answer.phase == "pre"))}
    assert scores == {bali[0].id: 1.0, bali[1].id: 0.0, ntt.id: 2.0, pre_only.id: 3.0}
    [gains] = service.test_gains(db.session, event)
    # Pairs (pre, post): (1, 3), (0, 0), (2, 1) -> means 1.0 and 1.33, gains 2, 0, -1 -> 0.33; 1 of 3 improved.
    assert gains.max_score == 3
    overall = gains.overall
    assert (overall.paired, overall.mean_pre, overall.mean_post, overall.mean_gain, overall.share_improved) == (
        3, 1.0, 1.33, 0.33, 0.3333)
    by_province = {g.label: (g.paired, g.mean_pre, g.mean_post, g.mean_gain, g.share_improved) for g in gains.by_province}
    assert by_province == {"Bali": (2, 0.5, 1.5, 1.0, 0.5), "Nusa Tenggara Timur": (1, 2.0, 1.0, -1.0, 0.0)}
    by_type = {g.label: g.paired for g in gains.by_institution_type}
    assert by_type == {"tbm": 2, "village": 1}


def test_participants_see_their_scores_only_after_the_post_test_closes(event, test_form):
    person = add_participant(event)
    check_in(person, day_checkpoint(event))
    service.submit(db.session, test_form, person, picks(test_form, 0, [0, 2], 1))
    to_post(test_form)
    service.submit(db.session, test_form, person, picks(test_form, 0, [0, 2], 0))
    state = service.answer_state(db.session, test_form, person)
    assert state.phase == Phase.POST and state.pre_score is None and state.post_score is None
    test_form.post_closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    state = service.answer_state(db.session, test_form, person)
    assert (state.pre_score, state.post_score, state.max_score) == (3.0, 2.0, 3)
    assert [s.form.id for s in service.for_participant(db.session, event, person)] == [test_form.id]


def test_pre_test_is_open_to_registered_people_before_they_arrive(event, test_form):
    person = add_participant(event)
    waiting = add_participant(event, "Menunggu", status="waitlisted")
    assert service.is_eligible(db.session, test_form, person, Phase.PRE)
    assert not service.is_eligible(db.session, test_form, waiting, Phase.PRE)
    assert not service.is_eligible(db.session, test_form, person, Phase.POST)  # not checked in


def test_ticket_code_identifies_only_with_a_valid_mac(event):
    person = add_participant(event)
    code = participant_code(SECRET, person)
    assert service.identify_by_ticket(db.session, SECRET, event, code.lower()).id == person.id
    forged = code[:-2] + ("AA" if not code.endswith("AA") else "BB")
    for text in (forged, person.public_id, "PLM1:LAIN:" + code.split(":", 2)[2], "", "x" * 500):
        with pytest.raises(service.EvaluationError):
            service.identify_by_ticket(db.session, SECRET, event, text)


def test_evaluation_summary_reports_rates_and_means(event, evaluation):
    checkpoint = session_checkpoint(event, evaluation.session)
    people = [add_participant(event, f"Peserta {i}") for i in range(4)]
    for person in people:
        check_in(person, checkpoint)
    service.submit(db.session, evaluation, people[0], ratings(evaluation, 5, 4, 3, 5))
    service.submit(db.session, evaluation, people[1], ratings(evaluation, 4, 4, 2, 5))
    [summary] = service.evaluation_summary(db.session, event)
    assert (summary.responses, summary.eligible, summary.response_rate) == (2, 4, 0.5)
    assert summary.mean_ratings == [("Materi relevan dengan pekerjaan saya", 4.5),
                                    ("Fasilitator menjelaskan dengan jelas", 4.0), ("Waktu cukup", 2.5),
                                    ("Saya akan menerapkan ini di perpustakaan saya", 5.0)]
    assert summary.session_title == "Literasi digital"
    [english] = service.evaluation_summary(db.session, event, lang="en")
    assert english.mean_ratings[2] == ("There was enough time", 2.5)
    results = service.question_results(db.session, evaluation, Phase.ONCE)
    assert results[0].counts[3:] == [("4 Setuju", 1), ("5 Sangat setuju", 1)]


def test_changing_a_right_answer_scores_every_answer_again(event, test_form):
    person = add_participant(event)
    service.submit(db.session, test_form, person, picks(test_form, 1, [0, 2], 1))
    assert db.session.scalar(select(Answer.score)) == 2.0
    first = test_form.questions[0]
    questions = [dict(id=q.id, kind=q.kind, text_id=q.text_id, text_en=q.text_en,
                      options=service.options_text(q.options), required=True, points=q.points,
                      correct=", ".join(str(i + 1) for i in q.correct)) for q in test_form.questions]
    questions[0]["correct"], questions[0]["points"] = "2", 3  # the second choice is right, worth 3 points
    service.update_questionnaire(db.session, test_form, {}, questions)
    db.session.commit()
    assert first.correct == [1] and service.max_score(test_form) == 5
    assert db.session.scalar(select(Answer.score)) == 5.0
    questions[1]["correct"] = "9"
    with pytest.raises(service.EvaluationError) as refused:
        service.update_questionnaire(db.session, test_form, {}, questions)
    assert refused.value.code == "bad_correct"
