"""Forms: the question editor, and the registration form's fields built from an event's questions.

`build_question_fields` is shared by the public registration form, the participant's manage page, the
staff participant page and the delegation form: each question becomes one field named `q_<key>`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp, StopValidation
from wtforms.validators import Optional as OptionalValidator
from wtforms.widgets import CheckboxInput, ListWidget

from plm.forms import BaseForm
from plm.questions import service
from plm.questions.models import QuestionAudience, QuestionKind, RegistrationAnswer, RegistrationQuestion
from plm.questions.service import field_name

KIND_LABELS = {
    QuestionKind.SHORT_TEXT: _l("Short text"),
    QuestionKind.LONG_TEXT: _l("Long text"),
    QuestionKind.NUMBER: _l("Number"),
    QuestionKind.DATE: _l("Date"),
    QuestionKind.SINGLE_CHOICE: _l("One choice"),
    QuestionKind.MULTIPLE_CHOICE: _l("Several choices"),
    QuestionKind.YES_NO: _l("Yes / no"),
}
AUDIENCE_LABELS = {
    QuestionAudience.EVERYONE: _l("Everyone (both forms)"),
    QuestionAudience.DELEGATION: _l("Only on the delegation form"),
}
ANSWER_ERRORS = {
    "required": _l("Please answer this question."),
    "too_long": _l("This answer is too long."),
    "bad_number": _l("Type a number, for example 12 or 12,5."),
    "bad_date": _l("Type a date, for example 2026-12-19."),
    "bad_choice": _l("Choose one of the answers offered."),
    "bad_yes_no": _l("Answer yes or no."),
    "bad_nip": _l("A NIP has exactly 18 digits (spaces are allowed), for example 19800101 200501 1 001."),
    "departure_before_arrival": _l("The departure date cannot be before the arrival date."),
}
QUESTION_ERRORS = {
    "duplicate_key": _l("Another question of this event already uses this key."),
    "reserved_key": _l("This key is a standard column of the participant list; choose another."),
    "bad_key": _l("The key must start with a letter and hold only lower-case letters, digits and _ (at most 40); "
                  "the keys of ready-made questions cannot change."),
    "kind_locked": _l("This question already has answers, so its kind cannot change. Add a new question instead."),
    "no_choices": _l("Give at least one choice, one per line."),
    "duplicate_choice": _l("Two choices have the same value."),
    "preset_exists": _l("This ready-made question is already in the list."),
}
PRESET_LABELS = {
    "gender": _l("Gender"),
    "position": _l("Position (jabatan)"),
    "nip": _l("Civil-servant number (NIP)"),
    "arrival_date": _l("Arrival date"),
    "departure_date": _l("Departure date"),
    "shirt_size": _l("Event shirt size"),
}


def current_lang() -> str:
    return "en" if str(get_locale() or "id").startswith("en") else "id"


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class _AnswerCheck:
    """Validates one answer with the same rules as the import (plm.questions.service.clean_answer)."""

    def __init__(self, question: RegistrationQuestion, required: bool, known: Iterable[str] = ()):
        self.question = question
        self.required = required
        self.known = list(known)
        self.field_flags = {"required": True} if required else {}

    def __call__(self, form: Any, field: Any) -> None:
        if service.is_empty(field.data):
            typed = any(str(value).strip() for value in field.raw_data or [])
            if typed and self.question.kind == QuestionKind.DATE:
                raise StopValidation(str(ANSWER_ERRORS["bad_date"]))
            if self.required:
                raise StopValidation(str(ANSWER_ERRORS["required"]))
            raise StopValidation()
        try:
            service.clean_answer(self.question, field.data, self.known)
        except service.AnswerError as exc:
            raise StopValidation(str(ANSWER_ERRORS[str(exc)])) from None


def _choices(question: RegistrationQuestion, lang: str, known: Iterable[str]) -> list[SelectChoice]:
    offered = [SelectChoice(c["value"], question.choice_label(c["value"], lang)) for c in question.choices or []]
    values = {c.value for c in offered}
    # A value the participant already has but that is no longer offered stays selectable (and readable).
    return offered + [SelectChoice(value, value) for value in known if value not in values]


def _field_for(question: RegistrationQuestion, lang: str, required: bool, known: list[str]) -> Any:
    label = question.label(lang)
    description = question.help(lang)
    check = _AnswerCheck(question, required, known)
    kind = question.kind
    options = dict(label=label, description=description, validators=[check])
    if kind == QuestionKind.SHORT_TEXT:
        return StringField(**options, render_kw={"maxlength": 40 if question.rule == "nip" else 300,
                                                  **({"inputmode": "numeric"} if question.rule == "nip" else {})})
    if kind == QuestionKind.LONG_TEXT:
        return TextAreaField(**options, render_kw={"maxlength": 2000, "rows": 3})
    if kind == QuestionKind.NUMBER:
        return StringField(**options, render_kw={"inputmode": "decimal"})
    if kind == QuestionKind.DATE:
        return _DateField(**options)
    if kind == QuestionKind.YES_NO:
        return RadioField(**options, choices=[SelectChoice(value, question.choice_label(value, lang))
                                              for value in ("yes", "no")], validate_choice=False)
    if kind == QuestionKind.SINGLE_CHOICE:
        return RadioField(**options, choices=_choices(question, lang, known), validate_choice=False)
    return MultiCheckboxField(**options, choices=_choices(question, lang, known), validate_choice=False)


class _DateField(DateField):
    """A date input whose wrong or empty value is judged by _AnswerCheck (one clear message)."""

    def process_formdata(self, valuelist: list) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None


def build_question_fields(form_class: type, questions: Iterable[RegistrationQuestion], for_delegation: bool = False,
                          staff: bool = False, answers: dict[int, RegistrationAnswer] | None = None) -> type:
    """A subclass of *form_class* with one field per question (`q_<key>`), labels in the UI language.

    for_delegation: include delegation-only questions. staff: every question optional (staff fix other
    fields of people who never answered: imports, walk-ins). answers: the participant's current answers,
    so a choice no longer offered stays valid for them. The subclass lists its question fields in
    `question_fields` and checks the departure date against the arrival date."""
    lang = current_lang()
    answers = answers or {}
    chosen = [q for q in questions if for_delegation or q.audience == QuestionAudience.EVERYONE]
    attributes: dict[str, Any] = {"questions": chosen, "question_fields": [field_name(q) for q in chosen]}
    for question in chosen:
        known = service._known_values(question, answers.get(question.id))
        attributes[field_name(question)] = _field_for(question, lang, question.required and not staff, known)

    def validate(self: Any, extra_validators: Any = None) -> bool:
        valid = form_class.validate(self, extra_validators)
        return validate_cross(self) and valid

    attributes["validate"] = validate
    return type(form_class.__name__ + "WithQuestions", (form_class,), attributes)


def validate_cross(form: Any) -> bool:
    """Checks across questions after form.validate(): departure not before arrival."""
    questions = getattr(form, "questions", [])
    values = {}
    for question in questions:
        field = form[field_name(question)]
        if not field.errors:
            try:
                values[question.key] = service.clean_answer(question, field.data, field_known(field))
            except service.AnswerError:
                pass
    problems = service.cross_check(questions, values)
    for key, code in problems:
        form[f"q_{key}"].errors = list(form[f"q_{key}"].errors) + [str(ANSWER_ERRORS[code])]
    return not problems


def field_known(field: Any) -> list[str]:
    for validator in field.validators:
        if isinstance(validator, _AnswerCheck):
            return validator.known
    return []


def initial_data(questions: Iterable[RegistrationQuestion], answers: dict[int, RegistrationAnswer]) -> dict[str, Any]:
    """Form data for the participant's current answers (keyword arguments for the form)."""
    data = {}
    for question in questions:
        answer = answers.get(question.id)
        if answer is None:
            continue
        value = answer.value
        if question.kind == QuestionKind.YES_NO:
            value = "yes" if value else "no"
        elif question.kind == QuestionKind.NUMBER:
            value = str(value).replace(".", ",") if isinstance(value, float) else str(value)
        data[field_name(question)] = value
    return data


# ---------------------------------------------------------------- the editor

def kind_choices() -> list[SelectChoice]:
    return [SelectChoice(kind.value, KIND_LABELS[kind]) for kind in QuestionKind]


def audience_choices() -> list[SelectChoice]:
    return [SelectChoice(audience.value, AUDIENCE_LABELS[audience]) for audience in QuestionAudience]


def _stored_choices_as_text(value: Any) -> Any:
    """The edit form is filled from the question, whose choices are stored as a list: shown (and, when a
    POST sends no fields at all, re-read) as the text the organiser types."""
    return service.choices_text(value) if isinstance(value, list) else value


class QuestionForm(BaseForm):
    label_id = StringField(_l("Question (Indonesian)"), validators=[DataRequired(), Length(max=200)])
    label_en = StringField(_l("Question (English)"), validators=[OptionalValidator(), Length(max=200)],
                           description=_l("Leave empty to show the Indonesian text to everyone."))
    help_id = StringField(_l("Help text (Indonesian)"), validators=[OptionalValidator(), Length(max=500)])
    help_en = StringField(_l("Help text (English)"), validators=[OptionalValidator(), Length(max=500)])
    kind = SelectField(_l("Kind of answer"), choices=kind_choices, default=QuestionKind.SHORT_TEXT.value)
    choices = TextAreaField(_l("Choices (one per line)"), validators=[OptionalValidator(), Length(max=4000)],
                            description=_l("Only for “one choice” and “several choices”. One per line: "
                                           "“Indonesian | English”, or “value | Indonesian | English”."),
                            render_kw={"rows": 4}, filters=[_stored_choices_as_text])
    required = BooleanField(_l("An answer is required"))
    audience = SelectField(_l("Shown to"), choices=audience_choices, default=QuestionAudience.EVERYONE.value)
    key = StringField(_l("Key"), validators=[OptionalValidator(), Regexp(r"^[a-z][a-z0-9_]{0,39}$", message=_l(
        "Lower-case letters, digits and _ only, starting with a letter (at most 40)."))],
        description=_l("A short name for exports and reports; made from the question when empty."))
    submit = SubmitField(_l("Save the question"))

    def data_for_service(self) -> dict[str, Any]:
        return {"key": self.key.data or "", "kind": self.kind.data, "required": self.required.data,
                "audience": self.audience.data, "label_id": self.label_id.data, "label_en": self.label_en.data or "",
                "help_id": self.help_id.data or "", "help_en": self.help_en.data or "",
                "choices": service.parse_choices(self.choices.data or "")}


class DeleteQuestionForm(BaseForm):
    confirm = BooleanField(_l("Yes, delete this question and its answers"),
                           validators=[DataRequired(message=_l("Tick the box to confirm."))])
    submit = SubmitField(_l("Delete the question"))
