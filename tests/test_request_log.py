"""Issue 12: no secret from a URL (manage token, calendar key, e-mail confirmation) in any log line."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import select
from werkzeug.routing.converters import NumberConverter

from plm import create_app
from plm.extensions import db
from plm.gunicorn_logger import RedactingLogger
from plm.request_log import PUBLIC_URL_PARAMS, SECRET_URL_PARAMS, redact
from tests.helpers import manage_token, register

SENTINEL = "S3cretSentinelValue42"


def _app():
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "k"})


def _sample_urls(app):
    """Every route with a secret parameter, with that parameter set to SENTINEL."""
    urls = []
    for rule in app.url_map.iter_rules():
        if not SECRET_URL_PARAMS & set(rule.arguments):
            continue
        values = {}
        for name in rule.arguments:
            converter = rule._converters[name]
            values[name] = 7 if isinstance(converter, NumberConverter) else (
                SENTINEL if name in SECRET_URL_PARAMS else "Abc-12")
        with app.test_request_context():
            from flask import url_for

            urls.append(url_for(rule.endpoint, **values))
    return urls


@pytest.mark.nodb
def test_every_route_parameter_is_known_as_secret_or_public():
    """A new route with a new parameter name must be classified, so a secret cannot slip into the logs."""
    app = _app()
    unknown = {(rule.rule, name) for rule in app.url_map.iter_rules() for name in rule.arguments
               if name not in SECRET_URL_PARAMS | PUBLIC_URL_PARAMS}
    assert unknown == set(), "add these to SECRET_URL_PARAMS or PUBLIC_URL_PARAMS in plm/request_log.py"


@pytest.mark.nodb
def test_every_secret_bearing_url_is_redacted_in_paths_request_lines_and_gunicorn_atoms(monkeypatch):
    from gunicorn.glogging import Logger

    app = _app()
    urls = _sample_urls(app)
    assert any("/calendar/" in u for u in urls) and any("/confirm-email/" in u for u in urls)
    assert any("/me/" in u for u in urls)
    logger = RedactingLogger.__new__(RedactingLogger)
    for url in urls:
        assert SENTINEL in url
        for text in (url, f"GET {url}?x=1 HTTP/1.1", f'"POST {url} HTTP/1.1"', f"{url}?key={SENTINEL}"):
            assert SENTINEL not in redact(text), (url, redact(text))
        atoms = {"r": f"GET {url}?lang=id HTTP/1.1", "U": url, "q": f"token={SENTINEL}", "s": "200"}
        monkeypatch.setattr(Logger, "atoms", lambda self, *args, atoms=atoms: dict(atoms))
        redacted = logger.atoms(None, None, {}, None)
        assert SENTINEL not in repr(redacted) and redacted["s"] == "200"
    assert redact("/e/plm-2015/schedule/12") == "/e/plm-2015/schedule/12"  # public paths unchanged
    assert redact("/verify/PLM-0001") == "/verify/PLM-0001"


def test_calendar_key_and_email_confirmation_stay_out_of_the_request_log(make_app, event, caplog):
    from plm.schedule.service import publish

    publish(db.session, event, None)
    db.session.commit()
    app = make_app(LOG_REQUESTS=True)
    with app.app_context():
        client = app.test_client()
        register(client, event)
        token = manage_token(client, event)
        page = client.get(f"/e/{event.slug}/me/{token}/sessions").get_data(as_text=True)
        feed = re.search(r"(/e/[^\"' ]+/calendar/[^\"' ]+\.ics)", page).group(1)
        key = feed.rsplit("/", 1)[1][:-4]
        client.post(f"/e/{event.slug}/me/{token}/email", data={"email": "baru@example.id"})
        from plm.models import MailMessage

        body = db.session.scalars(select(MailMessage).order_by(MailMessage.id.desc())).first().body_text
        confirm = re.search(r"(/e/[^\s]+/confirm-email/[^\s]+)", body).group(1)
        signed = confirm.rsplit("/", 1)[1]
        records = []
        handler = logging.Handler()
        handler.emit = records.append
        logging.getLogger("plm.requests").addHandler(handler)
        try:
            assert client.get(feed).status_code == 200
            assert client.get(confirm).status_code == 200
        finally:
            logging.getLogger("plm.requests").removeHandler(handler)
        logged = " ".join(r.getMessage() + " " + str(getattr(r, "path", "")) for r in records)
        assert "/calendar/" in logged and "/confirm-email/" in logged
        assert key not in logged and signed not in logged and token not in logged
