"""Shared by tests/test_questions_*.py: one question of every kind on an event, and answers for them."""

from __future__ import annotations

from datetime import date

from plm.extensions import db
from plm.questions import service

# (key, kind, extra) for one question of each kind; choices for the choice kinds.
KINDS = {
    "motto": ("short_text", {}),
    "story": ("long_text", {}),
    "years": ("number", {}),
    "birthday": ("date", {}),
    "colour": ("single_choice", {"choices": service.parse_choices("merah | Merah | Red\nbiru | Biru | Blue")}),
    "topics": ("multiple_choice", {"choices": service.parse_choices("literasi | Literasi | Literacy\n"
                                                                   "digital | Digital | Digital\nanak | Anak | Children")}),
    "first_time": ("yes_no", {}),
}
# What a participant types in the form (field name -> posted value) and the typed value stored.
FORM_INPUT = {"q_motto": "Membaca itu kuat", "q_story": "Baris satu\nBaris dua", "q_years": "12,5",
              "q_birthday": "1990-04-21", "q_colour": "biru", "q_topics": ["literasi", "anak"], "q_first_time": "yes"}
TYPED = {"motto": "Membaca itu kuat", "story": "Baris satu\nBaris dua", "years": 12.5, "birthday": date(1990, 4, 21),
         "colour": "biru", "topics": ["literasi", "anak"], "first_time": True}
# As the export writes them in Indonesian (choices by label) and the import reads them back.
SHOWN_ID = {"motto": "Membaca itu kuat", "story": "Baris satu\nBaris dua", "years": "12.5", "birthday": "1990-04-21",
            "colour": "Biru", "topics": "Literasi; Anak", "first_time": "Ya"}


def every_kind(event, required=False):
    questions = []
    for key, (kind, extra) in KINDS.items():
        questions.append(service.add_question(db.session, event.id, {
            "key": key, "kind": kind, "required": required, "label_id": f"Tanya {key}", "label_en": f"Ask {key}",
            "help_id": f"Bantuan {key}", "help_en": f"Help {key}", **extra}))
    db.session.commit()
    return questions
