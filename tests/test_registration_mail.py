"""Mail through the outbox, against a real SMTP server (aiosmtpd on 127.0.0.1). A request only queues the
row; the background sender (or `flask plm send-mail`, or `outbox.send_pending` as they run it) sends."""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
import time

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from plm import outbox
from plm.extensions import db
from plm.models import MailMessage, Participant
from tests.helpers import form_data


class Inbox:
    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()
        self.refuse = False

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "451 Try again later"
        with self.lock:
            self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=email.policy.default)))
        return "250 OK"


@pytest.fixture
def smtp():
    handler = Inbox()
    controller = PortZeroController(handler, hostname="127.0.0.1")
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


class PortZeroController(Controller):
    """aiosmtpd's controller, but the server binds port 0 itself and reports the port it got (no probing)."""

    def _create_server(self):
        async def serve():
            server = await self.loop.create_server(self._factory_invoker, host=self.hostname, port=0)
            self.port = server.sockets[0].getsockname()[1]  # read before start() connects to it
            return server

        return serve()


def send_queued(app) -> dict:
    """What the background sender does when woken (tests run without the thread unless they ask for it)."""
    with app.app_context():
        return outbox.send_pending(db.session)


def wait_for(condition, seconds: float = 30) -> bool:
    """Poll *condition* until it holds (bounded): the sender thread works beside the test."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


class SilentServer:
    """A TCP server that accepts connections and never answers (an SMTP server that hangs): counts them."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.accepted = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def close(self):
        self.sock.close()
        for connection in self.accepted:
            connection.close()


def free_port() -> int:
    """A port nobody listens on (bound, then released): a mail server that is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_registration_never_waits_for_the_mail_server(make_app, event):
    """The request queues the row and answers; a mail server that hangs is never even connected to."""
    server = SilentServer()
    try:
        app = make_app(MAIL_SERVER="127.0.0.1", MAIL_SUPPRESS_SEND=False, MAIL_PORT=server.port, MAIL_TIMEOUT=30,
                       MAIL_WORKER=False)
        client = app.test_client()
        assert client.post(f"/e/{event.slug}/register", data=form_data()).status_code == 302
        assert server.accepted == []
        with app.app_context():
            message = db.session.scalar(select(MailMessage))
            assert message.status == "queued" and message.attempts == 0
    finally:
        server.close()


def test_confirmation_mail_arrives_with_inline_qr_and_attachment(make_app, event, smtp):
    """Sent by the background sender thread, woken by the registration's commit."""
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_SUPPRESS_SEND=False, MAIL_PORT=smtp.port, MAIL_WORKER=True,
                   MAIL_POLL_SECONDS=3600)  # no poll: only the after-commit wake-up can send it in time
    client = app.test_client()
    assert client.post(f"/e/{event.slug}/register", data=form_data()).status_code == 302
    assert wait_for(lambda: len(smtp.messages) == 1)
    sender = app.extensions["plm_mail_sender"]
    assert sender.thread.is_alive() and sender.thread.name == "plm-mail-sender"
    with app.app_context():
        def recorded_as_sent() -> bool:
            db.session.rollback()  # a fresh read: the sender commits in its own thread
            return db.session.scalar(select(MailMessage.status)) == "sent"

        assert wait_for(recorded_as_sent)
    recipients, message = smtp.messages[0]
    assert recipients == ["ayu@example.id"]
    assert "PLM Test" in message["Subject"]
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    link = re.search(r"http://localhost/e/plm-test/me/[A-Za-z0-9_-]+", text).group(0)
    assert link in html and "https://wa.me/?text=" in html
    assert 'src="cid:ticket-qr"' in html
    parts = {part.get_filename(): part for part in message.iter_attachments()}
    inline = [p for p in message.walk() if p.get("Content-ID") == "<ticket-qr>"]
    assert inline and inline[0].get_content_type() == "image/png"
    ticket = [name for name in parts if name and name.startswith("ticket-")]
    assert ticket and parts[ticket[0]].get_content()[:4] == b"\x89PNG"
    # the QR in the mail decodes to the participant's ticket code
    from io import BytesIO

    from PIL import Image
    from pyzbar.pyzbar import decode

    from plm.tickets import participant_code

    with app.app_context():
        participant = db.session.scalar(select(Participant))
        expected = participant_code(app.config["SECRET_KEY"], participant)
        stored = db.session.scalar(select(MailMessage))
        assert stored.status == "sent" and stored.sent_at is not None and stored.attempts == 1
    decoded = decode(Image.open(BytesIO(inline[0].get_content())))
    assert decoded[0].data.decode() == expected
    # the manage link from the mail opens the manage page
    assert client.get(link.replace("http://localhost", "")).status_code == 200
    sender.stop()


def test_smtp_down_keeps_the_registration_and_retries(make_app, event, smtp):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_SUPPRESS_SEND=False, MAIL_PORT=free_port(), MAIL_TIMEOUT=2)
    client = app.test_client()
    assert client.post(f"/e/{event.slug}/register", data=form_data()).status_code == 302
    assert send_queued(app)["queued"] == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Participant)) == 1
        message = db.session.scalar(select(MailMessage))
        assert message.status == "queued" and message.attempts == 1 and message.last_error
    # the server comes back: `flask plm send-mail` (cron) delivers it
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_SUPPRESS_SEND=False, MAIL_PORT=smtp.port)
    with app.app_context():  # the fixture's app context (no mail server) is pushed underneath
        result = app.test_cli_runner().invoke(args=["plm", "send-mail"])
    assert result.exit_code == 0 and "sent: 1" in result.output
    assert len(smtp.messages) == 1
    with app.app_context():
        message = db.session.scalar(select(MailMessage))
        assert message.status == "sent" and message.attempts == 2


def test_temporary_refusal_is_retried_then_failed_after_max_attempts(make_app, event, smtp):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_SUPPRESS_SEND=False, MAIL_PORT=smtp.port)
    smtp.refuse = True
    client = app.test_client()
    client.post(f"/e/{event.slug}/register", data=form_data())
    with app.app_context():
        for _ in range(outbox.MAX_ATTEMPTS):
            outbox.send_pending(db.session)
        message = db.session.scalar(select(MailMessage))
        assert message.status == "failed" and message.attempts == outbox.MAX_ATTEMPTS
        assert "451" in message.last_error
    assert smtp.messages == []


def test_without_mail_server_messages_are_logged_and_visible_to_admins(client, event, login, smtp):
    client.post(f"/e/{event.slug}/register", data=form_data())
    message = db.session.scalar(select(MailMessage))
    assert message.status == "logged"
    login("admin")
    page = client.get("/staff/outbox").get_data(as_text=True)
    assert "ayu@example.id" in page and "logged" in page
    body = client.get(f"/staff/outbox/{message.id}").get_data(as_text=True)
    assert "/e/plm-test/me/" in body
    assert smtp.messages == []


def test_admin_retries_a_failed_message_from_the_outbox(make_app, event, smtp):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_SUPPRESS_SEND=False, MAIL_PORT=smtp.port)
    client = app.test_client()
    smtp.refuse = True
    client.post(f"/e/{event.slug}/register", data=form_data())
    for _ in range(outbox.MAX_ATTEMPTS):
        send_queued(app)
    smtp.refuse = False
    from plm.auth.service import create_user
    from tests.conftest import STAFF_PASSWORD

    with app.app_context():
        create_user(db.session, "admin@test.example", "admin", STAFF_PASSWORD)
        db.session.commit()
        message_id = db.session.scalar(select(MailMessage.id))
    client.post("/staff/login", data={"email": "admin@test.example", "password": STAFF_PASSWORD})
    with app.app_context():
        assert db.session.get(MailMessage, message_id).status == "failed"
    response = client.post(f"/staff/outbox/{message_id}/retry")
    assert response.status_code == 302
    assert smtp.messages == []  # queued again, not sent by the admin's request
    assert send_queued(app)["sent"] == 1
    assert len(smtp.messages) == 1


def test_outbox_is_admin_only(client, login):
    login("organizer")
    assert client.get("/staff/outbox").status_code == 403


def test_staff_resend_ticket_mail_issues_a_new_link(make_app, event, smtp):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_SUPPRESS_SEND=False, MAIL_PORT=smtp.port)
    client = app.test_client()
    client.post(f"/e/{event.slug}/register", data=form_data())
    send_queued(app)
    first_link = re.search(r"/e/plm-test/me/[A-Za-z0-9_-]+", smtp.messages[0][1].get_body(("plain",)).get_content()).group(0)
    from plm.auth.service import create_user
    from tests.conftest import STAFF_PASSWORD

    with app.app_context():
        create_user(db.session, "door@test.example", "organizer", STAFF_PASSWORD)
        db.session.commit()
        public_id = db.session.scalar(select(Participant.public_id))
    client.post("/staff/login", data={"email": "door@test.example", "password": STAFF_PASSWORD})
    client.post(f"/staff/events/{event.slug}/participants/{public_id}/resend")
    send_queued(app)
    assert len(smtp.messages) == 2
    text = smtp.messages[1][1].get_body(("plain",)).get_content()
    second_link = re.search(r"/e/plm-test/me/[A-Za-z0-9_-]+", text).group(0)
    assert second_link != first_link and "menggantikan" in text
    client.post("/staff/logout")
    assert client.get(first_link).status_code == 404
    assert client.get(second_link).status_code == 200
