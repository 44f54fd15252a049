"""Forms of the evaluation pages: a new form, its settings and questions, the ticket code, a reminder."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from plm.forms import BaseForm, EditForm

KIND_CHOICES = [SelectChoice("evaluation", _l("Evaluation form")), SelectChoice("test", _l("Pre/post test"))]
QUESTION_KIND_CHOICES = [
    SelectChoice("rating", _l("Rating 1-5")), SelectChoice("single", _l("One choice")),
    SelectChoice("multiple", _l("Several choices")), SelectChoice("text", _l("Open answer")),
]


class CreateForm(BaseForm):
    kind = SelectField(_l("Kind"), choices=KIND_CHOICES, default="evaluation")
    scope = SelectField(_l("For"), choices=[], validate_choice=True)


class QuestionForm(BaseForm):
    """One question row of the settings page (inside SettingsForm: no CSRF token of its own)."""

    class Meta:
        csrf = False

    question_id = HiddenField()
    remove = BooleanField(_l("Remove this question"))
    kind = SelectField(_l("Kind of answer"), choices=QUESTION_KIND_CHOICES, default="rating")
    text_id = StringField(_l("Question (Indonesian)"), validators=[Length(max=500)])
    text_en = StringField(_l("Question (English)"), validators=[Length(max=500)])
    options = TextAreaField(_l("Choices or rating labels"), validators=[Length(max=4000)],
                            description=_l("One a line: Indonesian | English. A rating has five labels, from 1 to 5."))
    correct = StringField(_l("Right answers"), validators=[Length(max=60)],
                          description=_l("Numbers of the right choices, e.g. 1 or 1, 3."))
    points = IntegerField(_l("Points"), default=1, validators=[Optional(), NumberRange(min=0, max=100)])
    required = BooleanField(_l("An answer is required"), default=True)


class SettingsForm(EditForm):
    title_id = StringField(_l("Title (Indonesian)"), validators=[DataRequired(), Length(max=300)])
    title_en = StringField(_l("Title (English)"), validators=[Length(max=300)])
    anonymous = BooleanField(_l("Anonymous answers"),
                             description=_l("Answers are stored without the name; they cannot be changed once sent."))
    opens_at = DateTimeLocalField(_l("Opens"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    closes_at = DateTimeLocalField(_l("Closes"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    post_opens_at = DateTimeLocalField(_l("Post test opens"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    post_closes_at = DateTimeLocalField(_l("Post test closes"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    questions = FieldList(FormField(QuestionForm), min_entries=0, max_entries=60)

    def edit_values(self, record) -> tuple:
        """The settings and every question as saved (EditForm: two people editing the same form)."""
        return (record.title_id, record.title_en, record.anonymous, record.opens_at, record.closes_at,
                record.post_opens_at, record.post_closes_at,
                [(q.id, q.kind, q.text_id, q.text_en, q.options, q.correct, q.points, q.required) for q in record.questions])


class IdentifyForm(BaseForm):
    ticket = StringField(_l("Ticket code"), validators=[DataRequired(), Length(max=120)],
                         description=_l("Shown on your ticket page under the ticket number, e.g. PLM1:PLM-2015:ABCD234567:…"))
