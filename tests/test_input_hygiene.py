"""Issue 12 (low items): control and invisible characters never reach stored single-line text."""

from __future__ import annotations

import csv
import importlib
import inspect
import io
import pkgutil

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms import TextAreaField

import plm
from plm.extensions import db
from plm.forms import BaseForm, is_single_line
from plm.models import Event, Participant
from plm.text import clean_line, clean_multiline
from tests.helpers import EVENT_FORM, manage_token, register

DIRTY = "Ama\u202egpj.exe\r\nBcc: x@evil\u200e\u200f\u2066\u2067\u2068\u2069\u061c\u200b\ufeff\u2060\x00\x1b\x7f"
INVISIBLE = ["\r", "\n", "\x00", "\x1b", "\x7f", "\u202e", "\u200e", "\u200f", "\u2066", "\u2067", "\u2068",
             "\u2069", "\u061c", "\u200b", "\ufeff", "\u2060"]


def _clean(text: str) -> bool:
    return not any(ch in text for ch in INVISIBLE)


@pytest.mark.nodb
def test_clean_line_removes_control_and_bidi_characters_and_keeps_letters():
    assert clean_line(DIRTY) == "Amagpj.exe Bcc: x@evil"
    assert clean_line("Ni Luh  Putu\tAyu") == "Ni Luh Putu Ayu"
    # joiners that scripts and emoji need stay; so do other scripts and accents
    family = "\U0001F468\u200d\U0001F469\u200d\U0001F467"
    assert clean_line(f"Wayan {family}") == f"Wayan {family}"
    assert clean_line("\u0645\u0631\u062d\u0628\u0627 Desa \u0baa\u0bc1\u0ba4\u0bcd\u200c") == \
        "\u0645\u0631\u062d\u0628\u0627 Desa \u0baa\u0bc1\u0ba4\u0bcd\u200c"
    assert clean_multiline("Kursi roda\r\n\u202eAkses\u2069") == "Kursi roda\nAkses"


def _form_classes():
    classes = []
    for module_info in pkgutil.walk_packages(plm.__path__, "plm."):
        if module_info.name.startswith("plm.translations"):
            continue
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if inspect.isclass(value) and issubclass(value, FlaskForm) and value.__module__ == module_info.name:
                classes.append(value)
    return classes


@pytest.mark.nodb
def test_every_single_line_field_of_every_form_drops_control_and_bidi_characters():
    from plm import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "WTF_CSRF_ENABLED": False})
    classes = _form_classes()
    assert len(classes) >= 20
    checked = areas = 0
    with app.test_request_context("/", method="POST"):
        for form_class in classes:
            assert issubclass(form_class, BaseForm), f"{form_class.__name__} must derive from plm.forms.BaseForm"
            names = [name for name, value in vars(form_class).items() if hasattr(value, "field_class")]
            names += [name for base in form_class.__mro__[1:] for name, value in vars(base).items()
                      if hasattr(value, "field_class")]
            form = form_class(formdata=MultiDict({name: DIRTY for name in names}))
            for field in form:
                if is_single_line(type(field)) and field.name != "csrf_token":
                    assert isinstance(field.data, str) and _clean(field.data), (form_class.__name__, field.name, field.data)
                    checked += 1
                elif isinstance(field, TextAreaField):  # a NUL was a 500 on PostgreSQL; line breaks stay
                    assert "\n" in field.data and not set("\x00\x1b\x7f\u202e\r") & set(field.data), \
                        (form_class.__name__, field.name, field.data)
                    areas += 1
    assert checked >= 40 and areas >= 5


def test_ids_past_the_database_integer_and_control_characters_in_urls_are_404s(client, login, event):
    """An <int:> URL argument past PostgreSQL's integer was a lookup that failed (OverflowError on SQLite, "out
    of range" on PostgreSQL: a 500); a NUL in a slug or a link's token a 500 on PostgreSQL. Both are 404s."""
    login("admin")
    for url in ("/staff/events/plm-test/schedule/rooms/99999999999999999999", "/staff/outbox/2147483648/retry",
                "/e/plm%00test/register", "/e/plm-test/me/abc%00def", "/staff/events/plm-test%1b/edit"):
        for method in ("GET", "POST"):
            assert client.open(url, method=method).status_code in (404, 405), (method, url)
    assert client.get("/staff/events/plm-test/schedule/rooms/2147483647").status_code == 404  # the largest id: no such room
    assert client.get("/e/plm-test/register").status_code == 200


def test_crlf_in_an_event_name_does_not_break_registration_or_the_public_ics(client, login, schedule_factory):
    login("admin")
    dirty = {**EVENT_FORM, "name": "PLM Kalimantan\r\nBcc: x@evil.example", "venue": "Hotel\u202e Banjar",
             "slug": "plm-kal", "registration_opens_at": "", "registration_closes_at": "", "ends_on": "2099-09-03",
             "starts_on": "2099-09-01"}
    assert client.post("/staff/events/new", data=dirty).status_code == 302
    event = db.session.scalar(select(Event).where(Event.slug == "plm-kal"))
    assert event.name == "PLM Kalimantan Bcc: x@evil.example" and event.venue == "Hotel Banjar"
    public = client.application.test_client()
    assert register(public, event).status_code == 302
    assert public.get(f"/e/{event.slug}/me/{manage_token(public, event)}/ticket.png").status_code == 200
    from plm.schedule.service import publish

    publish(db.session, event, None)
    db.session.commit()
    ics = public.get(f"/e/{event.slug}/schedule.ics")
    assert ics.status_code == 200 and "X-WR-CALNAME:PLM Kalimantan Bcc: x@evil.example" in ics.get_data(as_text=True)


def test_event_service_cleans_what_it_stores_without_a_form(app):
    from datetime import date

    from plm.admin.service import apply_event_data

    data = {field: "" for field in ("theme", "venue", "address", "city", "contact_email", "contact_phone")}
    data.update(name="PLM\r\nRegional\u202e", slug="plm-svc", timezone="Asia/Makassar", starts_on=date(2099, 1, 1),
                ends_on=date(2099, 1, 2), capacity=None, allow_role_request=False,
                description="Baris satu\r\nBaris\u2066 dua")
    event = apply_event_data(db.session, Event(), data, None)
    db.session.commit()
    assert event.name == "PLM Regional" and event.description == "Baris satu\nBaris dua"


def test_bidi_override_is_removed_from_names_on_registration(client, event):
    assert register(client, event, full_name="Ama\u202egpj.exe", name_on_badge="\u2067Ama\u2069",
                    institution="TBM\u200f Lentera").status_code == 302
    person = db.session.scalar(select(Participant))
    assert (person.full_name, person.name_on_badge, person.institution) == ("Amagpj.exe", "Ama", "TBM Lentera")


def test_registration_service_cleans_names_without_a_form(app, event):
    from plm.registration import service

    result = service.register(db.session, event, {
        "full_name": "Ama\u202egpj.exe", "email": "ayu@example.id", "institution": "Perpus\u200b Desa",
        "institution_type": "village", "province": "Bali", "phone": "", "consent": True})
    db.session.commit()
    assert result.participant.full_name == "Amagpj.exe" and result.participant.institution == "Perpus Desa"


def test_import_cleans_names(app, event):
    from plm.participants import importexport

    out = io.StringIO()
    csv.writer(out).writerows([["full_name", "email", "institution", "province"],
                               ["Ama\u202egpj.exe\u2069", "ama@example.id", "TBM\u061c Lentera", "Bali"]])
    plan = importexport.plan_import(db.session, event, out.getvalue().encode(), "list.csv")
    assert plan.to_add[0]["full_name"] == "Amagpj.exe" and plan.to_add[0]["institution"] == "TBM Lentera"
