"""No route that changes state answers 5xx to bad input, whatever the route (a class-level check).

Every rule of app.url_map that accepts POST/PUT/PATCH/DELETE is walked on the demo event, as an admin (public
routes also anonymously): an empty body; for HTML forms, each field filled with hostile values (NUL, 20,000
characters, -1, a 20-digit number, 0000-00-00, 1e309, an id of another event's row, a repeated key, bytes that
are not UTF-8), both all fields at once and one field at a time in the form the page offers; for the JSON API,
bodies that are not JSON, not an object, wrong types and huge numbers, and a wrong Content-Type.

Every answer is below 500; an /api/ error is JSON with a message; a refused request (4xx, a flashed error, a
form shown again) changes nothing. "Nothing" is checked on the tables the request wrote to (statements seen at
the connection, so a write later rolled back is seen too): a checksum of all their rows before and after, so a
half-written change is caught, not only a new or missing row. The field names come from the page that carries
the form (the POST URL itself when it is also a page, else the nearest page above it); a route without such a
page gets its WTForms form class's fields and the request.form keys its view reads.
"""

from __future__ import annotations

import hashlib
import inspect
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from flask import message_flashed
from flask_wtf import FlaskForm
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import event as sa_event
from sqlalchemy import select
from wtforms.fields.core import UnboundField

from plm.extensions import db
from plm.i18n_audit import sample_values
from plm.models import CheckIn, Event, Participant, Room
from tests.conftest import STAFF_PASSWORD
from tests.helpers import rule_url

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
#: Routes the walk cannot use, and why.
SKIP = {
    "auth.logout": "ends the session the walk runs in",
}
#: Routes walked after the others, in this order: a success there removes or hides what earlier routes need
#: (the sample room, session, form and participant, whose ticket number a reissue changes; the admin's own
#: account; the event itself).
LATER = [re.compile(r"/(delete|cancel|revoke|rotate-ticket-key|unpublish|leave|forget|status)$|/free/<public_id>$|"
                    r"/checkins/<[^>]+>$"),
         re.compile(r"/reissue$|^/e/<slug>/me/<token>/delete$"),
         re.compile(r"^/staff/events/<slug>/edit$"), re.compile(r"^/staff/events/<slug>/archive$"),
         re.compile(r"^/staff/events/<slug>/anonymise$"), re.compile(r"^/staff/(accounts|profile)"),
         re.compile(r"^/staff/profile/password$")]
#: Routes whose every answer is a file made in full: only the empty body and every field hostile at once.
DOWNLOADS = re.compile(r"(/export|\.pdf)$")

NUL = "Ayu\x00Lestari"
HOSTILE: list[tuple[str, object]] = [
    ("nul", NUL), ("20k", "x" * 20_000), ("minus", "-1"), ("huge", "99999999999999999999"),
    ("zero-date", "0000-00-00"), ("inf", "1e309"), ("other-event", None), ("list", None),
    ("not-utf8", b"\xff\xfe\xc3("),
]
WRITE_VERBS = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


# ---- the database fingerprint ----

class Fingerprint:
    """A checksum per table, kept up to date from the statements the engine sends: a request that wrote to
    a table has that table's checksum recomputed; the others cannot have changed."""

    def __init__(self, engine):
        self.written: set[str] = set()
        self.sums = {table.name: self._sum(table.name) for table in db.metadata.sorted_tables}
        sa_event.listen(engine, "before_cursor_execute", self._record)
        self.engine = engine

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        match = WRITE_VERBS.match(statement)
        if match:
            self.written.add(match.group(1))

    @staticmethod
    def _sum(table_name: str) -> str:
        with db.engine.connect() as connection:
            rows = connection.execute(select(db.metadata.tables[table_name])).all()
        return hashlib.sha1(repr(sorted(repr(tuple(row)) for row in rows)).encode()).hexdigest()

    def changes(self) -> set[str]:
        """The tables whose rows differ from the last look, which becomes the new reference."""
        changed = set()
        for name in self.written:
            now = self._sum(name)
            if now != self.sums.get(name):
                changed.add(name)
                self.sums[name] = now
        self.written.clear()
        return changed

    def close(self):
        sa_event.remove(self.engine, "before_cursor_execute", self._record)


# ---- the forms a page offers ----

class _Forms(HTMLParser):
    """The POST forms of a page: their action, the kind of each field, and the values the page fills in
    (checked boxes, the selected or first option, the first of several submit buttons of one name)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, dict[str, str], list[tuple[str, str]]]] = []
        self._form: tuple[str, dict[str, str], list[tuple[str, str]]] | None = None
        self._select: str | None = None
        self._option: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = (a.get("action") or "", {}, []) if (a.get("method") or "").lower() == "post" else None
            if self._form:
                self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "option" and self._select is not None:
            if self._option is None or "selected" in a:
                self._option = a.get("value") or ""
        elif a.get("name") and a["name"] != "csrf_token":
            self._field(tag, a)

    def _field(self, tag, a):
        name, (_, kinds, values) = a["name"], self._form
        kind = (a.get("type") or "text").lower() if tag == "input" else tag
        kinds.setdefault(name, kind)
        if kind in ("checkbox", "radio"):
            if "checked" in a:
                values.append((name, a.get("value") or "y"))
        elif kind in ("submit", "button"):
            if all(n != name for n, _ in values):
                values.append((name, a.get("value") or ""))
        elif tag == "select":
            self._select, self._option = name, None
        elif tag == "textarea":
            self._textarea, self._text = name, ""
        elif kind not in ("file", "image", "reset"):
            values.append((name, a.get("value") or ""))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif self._form is None:
            return
        elif tag == "select" and self._select is not None:
            self._form[2].append((self._select, self._option or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._form[2].append((self._textarea, self._text))
            self._textarea = None


def forms_on(html: str, page_url: str) -> dict[str, tuple[dict[str, str], list[tuple[str, str]]]]:
    parser = _Forms()
    parser.feed(html)
    return {urlsplit(urljoin(page_url, action or page_url)).path: (names, values)
            for action, names, values in parser.forms}


KIND_OF_FIELD = {"IntegerField": "number", "DecimalField": "number", "FloatField": "number", "DateField": "date",
                 "DateTimeLocalField": "date", "DateTimeField": "date", "TimeField": "date", "SelectField": "select",
                 "RadioField": "select", "BooleanField": "checkbox", "SelectMultipleField": "select"}


def fields_from_code(view) -> dict[str, str]:
    """The fields of the WTForms classes a view names, and the request.form keys it reads, with their kind."""
    view = inspect.unwrap(view)
    names: dict[str, str] = {}
    referenced = set(view.__code__.co_names)
    for const in view.__code__.co_consts:  # names used in nested functions
        if inspect.iscode(const):
            referenced |= set(const.co_names)
    for form_class in _form_classes():
        if form_class.__name__ in referenced:
            for cls in form_class.__mro__:
                for name, value in vars(cls).items():
                    if isinstance(value, UnboundField) and name != "csrf_token":
                        names.setdefault(name, KIND_OF_FIELD.get(value.field_class.__name__, "text"))
    for name in re.findall(r"request\.form\.(?:get|getlist)\(\s*\"(\w+)\"", inspect.getsource(view)):
        names.setdefault(name, "any")
    return names


def _form_classes():
    seen, stack = [], list(FlaskForm.__subclasses__())
    while stack:
        cls = stack.pop()
        seen.append(cls)
        stack += cls.__subclasses__()
    return seen


# ---- the bodies ----

#: The hostile values tried one field at a time, by the kind of field (all of them are tried on every field at once).
BY_KIND = {"number": ("minus", "huge", "inf"), "date": ("zero-date", "huge"), "datetime-local": ("zero-date", "huge"),
           "time": ("zero-date",), "select": ("other-event", "huge"), "hidden": ("other-event", "huge", "nul"),
           "checkbox": ("list",), "radio": ("other-event",), "any": tuple(label for label, _ in HOSTILE)}
TEXT_VALUES = ("nul", "20k")


def form_bodies(kinds: dict[str, str], baseline: list[tuple[str, str]], other: dict[str, str],
                one_at_a_time: bool = True) -> Iterator[tuple[str, str]]:
    """(label, urlencoded body): empty, every field hostile at once, then one field hostile at a time in the
    form as the page fills it in (so a value the form lets through reaches the service and the database)."""
    yield "empty", ""

    def value_for(label, value, name):
        if label == "other-event":
            return other["public_id"] if "participant" in name or "person" in name or name in (
                "first", "second", "public_id", "ids") else other["id"]
        return value

    for label, value in HOSTILE if kinds else ():
        if label == "list":
            pairs = [(name, v) for name in kinds for v in ("1", "2")]
        else:
            pairs = [(name, value_for(label, value, name)) for name in kinds]
        yield f"all={label}", urlencode(pairs)
    values = dict(HOSTILE)
    for name, kind in kinds.items() if one_at_a_time else ():
        for label in BY_KIND.get(kind, TEXT_VALUES):
            value = values[label]
            kept = [(n, v) for n, v in baseline if n != name]
            if label == "list":
                pairs = kept + [(name, v) for v in ([v for n, v in baseline if n == name] or ["1"]) * 2]
            else:
                pairs = kept + [(name, value_for(label, value, name))]
            yield f"{name}={label}", urlencode(pairs)


JSON_KEYS = {
    "checkin_api.create_checkin": {"code": "PLM1.x", "checkpoint": 1, "client_uuid": "u", "scanned_at": "2026-01-01T00:00:00Z",
                                   "device": "Pintu", "source": "qr", "override": False, "correction": False,
                                   "participant": "x"},
    "checkin_api.delete_checkin": {"override_reason": "salah"},
    "attendance_api.put_signature": {"width": 300, "height": 100, "strokes": [[[1, 1], [2, 2], [3, 3]]]},
    "attendance_api.delete_signature": {},
}
WRONG_TYPES = [None, True, [], {}, "teks", -1, 10**30, 1e308, "\x00"]


def json_bodies(endpoint: str) -> Iterator[tuple[str, bytes, str]]:
    import json

    yield "empty", b"", "application/json"
    yield "invalid", b'{"code": ', "application/json"
    yield "array", b"[1, 2]", "application/json"
    yield "null", b"null", "application/json"
    yield "huge", b'{"checkpoint": 1e999999, "width": 1' + b"0" * 400 + b"}", "application/json"
    yield "not-utf8", b'{"code": "\xff\xfe"}', "application/json"
    keys = JSON_KEYS.get(endpoint, {})
    yield "form-content-type", urlencode(keys).encode(), "application/x-www-form-urlencoded"
    yield "text-content-type", json.dumps(keys).encode(), "text/plain"
    for key in keys:
        for wrong in WRONG_TYPES:
            yield f"{key}={wrong!r:.20}", json.dumps({**keys, key: wrong}).encode(), "application/json"


# ---- the walk ----

@pytest.fixture
def walk_values(app, demo_event, make_user):
    admin = make_user("admin", "post-walker@test.example")
    values = sample_values(db.session, demo_event, admin)
    person = db.session.scalar(select(Participant).where(Participant.public_id == values["public_id"]))
    values["signed"] = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="plm-email-change").dumps(
        {"p": person.public_id, "old": person.email_normalized, "new": "baru@example.id"})
    checkin = CheckIn(participant_id=person.id, checkpoint_id=values["checkpoint_id"], device="Pintu 1")
    db.session.add(checkin)
    db.session.flush()
    values.update(checkin_id=checkin.id, participant_id=person.id, index=0, batch_id=1,
                  token_id=1, language="en", lang="en")
    # Another event with a participant and a room: their ids must never reach the demo's rows.
    other = Event(slug="plm-lain", name="Lain", starts_on=demo_event.starts_on, ends_on=demo_event.ends_on)
    db.session.add(other)
    db.session.flush()
    stranger = Participant(event_id=other.id, full_name="Orang Lain", email="lain@example.id", status="registered")
    room = Room(event_id=other.id, name="Ruang Lain")
    db.session.add_all([stranger, room])
    db.session.flush()
    db.session.commit()
    values["other"] = {"id": str(room.id), "public_id": stranger.public_id}
    return admin, values


def _login(app, user):
    client = app.test_client()
    assert client.post("/staff/login", data={"email": user.email, "password": STAFF_PASSWORD}).status_code == 302
    return client


def _write_rules(app):
    rules = [rule for rule in app.url_map.iter_rules() if set(rule.methods or ()) & set(WRITE_METHODS)
             and rule.endpoint not in SKIP]
    def order(rule):
        return next((n for n, pattern in enumerate(LATER, 1) if pattern.search(rule.rule)), 0), rule.rule

    return sorted(rules, key=order)


def _is_public(rule) -> bool:
    return not rule.rule.startswith(("/staff", "/api/"))


class Walk:
    """Sends the bodies and keeps what went wrong (problems) and what was seen."""

    def __init__(self, app, other: dict[str, str]):
        self.app, self.other = app, other
        self.fingerprint = Fingerprint(db.engine)
        self.pages: dict[str, dict] = {}
        self.requests = self.refused = self.from_pages = 0
        self.problems: list[str] = []
        self.reached: set[str] = set()
        self.flashed_error = False
        message_flashed.connect(self._flashed, app)

    def close(self):
        message_flashed.disconnect(self._flashed, self.app)
        self.fingerprint.close()

    def _flashed(self, sender, message, category, **extra):
        if category == "error":
            self.flashed_error = True

    def form_fields(self, client, rule, url) -> tuple[dict[str, str], list[tuple[str, str]]]:
        """The form's fields and their kinds, and the values the page fills in: from the page at the URL
        or the nearest page above it that has a form posting there; else from the view's code."""
        path = urlsplit(url).path
        parts = path.rstrip("/").split("/")
        candidates = [path] + ["/".join(parts[:end]) for end in range(len(parts) - 1, 2, -1)]
        for page in candidates:
            if page not in self.pages:
                response = client.get(page)
                self.pages[page] = forms_on(response.get_data(as_text=True), page) \
                    if response.status_code == 200 and response.mimetype == "text/html" else {}
            if path in self.pages[page]:
                self.from_pages += 1
                return self.pages[page][path]
        names = fields_from_code(self.app.view_functions[rule.endpoint])
        return names, [(name, "1") for name in names]

    def send(self, client, method, url, label, body, content_type, is_api):
        self.flashed_error = False
        where = f"{method} {url} [{label}]"
        self.requests += 1
        try:
            response = client.open(url, method=method, data=body, content_type=content_type)
        except Exception as exc:  # in tests an unhandled error propagates; in production it is a 500
            self.problems.append(f"{where} -> 500 {type(exc).__name__}: {str(exc)[:150]}")
            self.fingerprint.changes()
            return None
        status = response.status_code
        if status >= 500:
            self.problems.append(f"{where} -> {status}")
        if is_api and status >= 400:
            payload = response.get_json(silent=True) if response.is_json else None
            if not (isinstance(payload, dict) and payload.get("error") and payload.get("message")):
                self.problems.append(f"{where} -> {status} {response.mimetype}: not a JSON error")
        refused = status >= 400 or self.flashed_error or (response.mimetype == "text/html" and any(
            mark in response.get_data() for mark in (b'aria-invalid="true"', b'class="error"')))
        changed = self.fingerprint.changes()
        if refused and changed:
            self.problems.append(f"{where} -> {status} refused but changed {sorted(changed)}")
        self.refused += refused
        if status not in (401, 403, 404, 405) and "/staff/login" not in response.headers.get("Location", ""):
            self.reached.add(url)
        return response

    def walk(self, client, rule, url, every_field=True):
        is_api = rule.rule.startswith("/api/")
        for method in sorted(set(rule.methods) & set(WRITE_METHODS), reverse=True):  # PUT a signature, then DELETE
            if is_api:
                for label, body, content_type in json_bodies(rule.endpoint):
                    self.send(client, method, url, label, body, content_type, True)
                continue
            kinds, baseline = self.form_fields(client, rule, url)
            one_at_a_time = every_field and not DOWNLOADS.search(rule.rule)
            for label, body in form_bodies(kinds, baseline, self.other, one_at_a_time):
                self.send(client, method, url, label, body, "application/x-www-form-urlencoded", False)


def test_no_route_that_writes_answers_5xx_to_bad_input(app, walk_values, monkeypatch):
    import plm.pdf.engine

    # The walk is about input, not typesetting: a PDF answer (an export's default format) is not drawn.
    monkeypatch.setattr(plm.pdf.engine, "render_html", lambda html, *args, **kwargs: b"%PDF-1.7 not drawn")
    monkeypatch.setattr(plm.pdf.engine, "render_chunks", lambda items, *args, **kwargs: b"%PDF-1.7 not drawn")
    admin, values = walk_values
    walk = Walk(app, values["other"])
    adapter = app.url_map.bind("localhost")
    staff, anonymous = _login(app, admin), app.test_client()
    walk.fingerprint.changes()  # the login
    rules = _write_rules(app)
    assert len(rules) > 100
    for rule in rules:
        arguments = {name: values.get(name) for name in rule.arguments}
        url = adapter.build(rule.endpoint, arguments) if all(v is not None for v in arguments.values()) \
            else rule_url(rule, values["slug"])
        if _is_public(rule) or rule.endpoint in ("auth.login", "auth.reset_password"):
            walk.walk(anonymous, rule, url, every_field=False)
        walk.walk(staff, rule, url)
    walk.close()
    print(f"\nPOST walk: {len(rules)} routes, {walk.requests} requests ({walk.refused} refused), "
          f"{len(walk.reached)} URLs reached past 401/403/404, fields of {walk.from_pages} forms read from their page")
    assert walk.problems == []
    # The walk got into the routes (not stopped at their doors), read most forms from their pages, and saw
    # both answers: refusals, and changes that were kept.
    assert len(walk.reached) > 90 and walk.from_pages > 60
    assert walk.refused > 1000 and walk.requests - walk.refused > 300


def test_the_walk_sees_a_500_a_half_written_refusal_and_an_api_error_in_html(app, event):
    """The checks above can fail: a route that raises, one that keeps a change while it answers an error,
    and an API route whose error is a page."""
    from flask import flash, redirect

    @app.post("/_test/boom")
    def boom():
        raise RuntimeError("boom")

    @app.post("/_test/half")
    def half():
        db.session.get(Event, event.id).name = "Half written"
        db.session.commit()  # what the request boundary cannot take back
        flash("Refused", "error")
        return redirect("/")

    @app.post("/_test/api-page")
    def page():
        return "<p>Refused</p>", 400

    walk = Walk(app, {"id": "1", "public_id": "X"})
    client = app.test_client()
    for url, is_api in (("/_test/boom", False), ("/_test/half", False), ("/_test/api-page", True)):
        walk.send(client, "POST", url, "empty", b"", "application/x-www-form-urlencoded", is_api)
    walk.close()
    assert walk.problems == ["POST /_test/boom [empty] -> 500 RuntimeError: boom",
                             "POST /_test/half [empty] -> 302 refused but changed ['events']",
                             "POST /_test/api-page [empty] -> 400 text/html: not a JSON error"]
