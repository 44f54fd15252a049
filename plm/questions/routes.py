"""Staff pages for an event's registration questions (/staff/events/<slug>/questions...)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from plm.auth.decorators import role_required
from plm.events import get_event_or_404
from plm.extensions import db
from plm.questions import service
from plm.questions.forms import (
    AUDIENCE_LABELS,
    KIND_LABELS,
    PRESET_LABELS,
    QUESTION_ERRORS,
    DeleteQuestionForm,
    QuestionForm,
    current_lang,
)
from plm.transactions import fail, fail_and_redirect
from plm.vocabulary import Role

bp = Blueprint("questions", __name__, url_prefix="/staff")

organizer_required = role_required(Role.ORGANIZER)


def _question_or_404(event, question_id: int):
    question = service.get_question(db.session, event.id, question_id)
    if question is None:
        abort(404)
    return question


def _editor_page(event, form, status: int = 200):
    questions = service.list_questions(db.session, event.id)
    taken = {q.key for q in questions}
    return render_template(
        "questions/editor.html", event=event, form=form, questions=questions, lang=current_lang(),
        counts=service.answer_counts(db.session, event.id), kind_labels=KIND_LABELS, audience_labels=AUDIENCE_LABELS,
        presets=[(key, label) for key, label in PRESET_LABELS.items() if key not in taken]), status


@bp.route("/events/<slug>/questions", methods=["GET", "POST"])
@organizer_required
def editor(slug: str):
    """The list of questions, the ready-made ones to add with one click, and the form for a new one."""
    event = get_event_or_404(slug)
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            question = service.add_question(db.session, event.id, form.data_for_service(), current_user)
        except service.QuestionError as exc:
            fail(db.session)
            code = str(exc)
            target = form.key if code in ("bad_key", "duplicate_key", "reserved_key") else form.kind
            if code in ("no_choices", "duplicate_choice"):
                target = form.choices
            target.errors = list(target.errors) + [str(QUESTION_ERRORS[code])]
            return _editor_page(event, form, 400)
        db.session.flush()
        flash(_("Question added: %(label)s.", label=question.label(current_lang())), "success")
        return redirect(url_for("questions.editor", slug=slug) + f"#question-{question.id}")
    return _editor_page(event, form, 400 if form.errors else 200)


@bp.route("/events/<slug>/questions/preset", methods=["POST"])
@organizer_required
def add_preset(slug: str):
    event = get_event_or_404(slug)
    key = request.form.get("preset", "")
    try:
        question = service.add_preset(db.session, event.id, key, current_user)
    except service.QuestionError as exc:
        return fail_and_redirect(str(QUESTION_ERRORS[str(exc)]), url_for("questions.editor", slug=slug))
    db.session.flush()
    flash(_("Question added: %(label)s.", label=question.label(current_lang())), "success")
    return redirect(url_for("questions.editor", slug=slug) + f"#question-{question.id}")


@bp.route("/events/<slug>/questions/<int:question_id>", methods=["GET", "POST"])
@organizer_required
def edit(slug: str, question_id: int):
    event = get_event_or_404(slug)
    question = _question_or_404(event, question_id)
    form = QuestionForm(obj=question)
    answers = service.answer_count(db.session, question)
    status = 200
    if form.validate_on_submit():
        try:
            changes = service.update_question(db.session, question, form.data_for_service(), current_user)
        except service.QuestionError as exc:
            fail(db.session)
            error = str(QUESTION_ERRORS[str(exc)])
            target = form.key if str(exc) in ("bad_key", "duplicate_key", "reserved_key") else form.kind
            if str(exc) in ("no_choices", "duplicate_choice"):
                target = form.choices
            target.errors = list(target.errors) + [error]
            status = 400
        else:
            db.session.flush()
            flash(_("Saved.") if changes else _("Nothing was changed."), "success")
            return redirect(url_for("questions.editor", slug=slug) + f"#question-{question.id}")
    elif form.errors:
        status = 400
    return render_template("questions/edit.html", event=event, question=question, form=form, answers=answers,
                           locked=bool(question.rule or question.key in service.PRESETS)), status


@bp.route("/events/<slug>/questions/<int:question_id>/move", methods=["POST"])
@organizer_required
def move(slug: str, question_id: int):
    event = get_event_or_404(slug)
    question = _question_or_404(event, question_id)
    service.move_question(db.session, question, request.form.get("direction", ""))
    db.session.flush()
    return redirect(url_for("questions.editor", slug=slug) + f"#question-{question.id}")


@bp.route("/events/<slug>/questions/<int:question_id>/delete", methods=["GET", "POST"])
@organizer_required
def delete(slug: str, question_id: int):
    """Without answers the question goes at once; with answers this page says how many are lost and asks."""
    event = get_event_or_404(slug)
    question = _question_or_404(event, question_id)
    answers = service.answer_count(db.session, question)
    form = DeleteQuestionForm()
    if request.method == "POST" and (answers == 0 or form.validate_on_submit()):
        label = question.label(current_lang())
        lost = service.delete_question(db.session, question, current_user)
        db.session.flush()
        flash(_("Question deleted: %(label)s (%(count)s answers deleted).", label=label, count=lost), "success")
        return redirect(url_for("questions.editor", slug=slug))
    return render_template("questions/delete.html", event=event, question=question, answers=answers, form=form,
                           lang=current_lang()), 400 if form.errors else 200
