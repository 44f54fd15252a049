"""Outbox: every mail is a MailMessage row first; a background sender delivers it with Flask-Mail.

* `queue()` adds the row in the caller's transaction, so a registration and its mail commit
  together (or not at all). A request never talks to the SMTP server: once the transaction has committed
  (plm/transactions.py `after_commit`) it wakes this process's mail sender thread, which sends the row.
* The sender (`MailSender`, one thread per web process, started on the first request like the job
  worker) claims one row at a time (status "sending", committed), sends it with a socket timeout, and
  records the outcome. Failures leave the row `queued` with the error and an attempt count; after
  MAX_ATTEMPTS it is `failed`. It also wakes every MAIL_POLL_SECONDS for rows queued elsewhere (a CLI
  command, another process) and puts back rows whose sender died mid-send.
* MAIL_WORKER = False (or TESTING without MAIL_WORKER = True) starts no thread: then `flask plm send-mail`
  (cron) sends. Admins see every row on /staff/outbox and can queue a failed one again.
* With no MAIL_SERVER configured (the default for `make run`) rows are stored as `logged`: the full
  text stays readable on the outbox page, nothing is sent, nothing waits.

Claiming is a conditional UPDATE (status queued -> sending), so several processes may send at once and
a row is sent by one of them.
"""

from __future__ import annotations

import base64
import logging
import os
import smtplib
import threading
from collections.abc import Iterable
from datetime import timedelta

import flask_mail
from flask import Flask, current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from plm.extensions import db
from plm.models import MailMessage, utcnow
from plm.transactions import after_commit, commit_unit
from plm.vocabulary import MailStatus

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
#: A row "sending" for longer than this was left by a sender that died: it is queued again.
STALE_CLAIM = timedelta(minutes=10)


def _sends(app: Flask) -> bool:
    """False when mail is only kept (no server configured, or Flask-Mail suppresses sending)."""
    return bool(app.config.get("MAIL_SERVER")) and not app.extensions["mail"].suppress


def _waiting_status(session: Session) -> str:
    """"queued" (and the sender woken after the commit) when mail is sent, else "logged"."""
    app = current_app._get_current_object()
    if not _sends(app):
        return MailStatus.LOGGED
    after_commit(session, lambda: wake(app))
    return MailStatus.QUEUED


def queue(session: Session, *, recipient: str, subject: str, body_text: str, body_html: str = "",
          attachments: Iterable[dict] = (), event_id: int | None = None,
          participant_id: int | None = None) -> MailMessage:
    """Store a message to send after the caller commits.

    attachments: dicts with filename, content_type, data (bytes) and optionally content_id
    (for an inline image referenced as ``cid:<content_id>`` from the HTML).
    """
    stored = []
    for item in attachments:
        stored.append({
            "filename": item["filename"], "content_type": item["content_type"],
            "data_b64": base64.b64encode(item["data"]).decode("ascii"),
            "content_id": item.get("content_id"),
        })
    message = MailMessage(event_id=event_id, participant_id=participant_id, recipient=recipient,
                          subject=subject[:300], body_text=body_text, body_html=body_html,
                          attachments=stored, status=_waiting_status(session), attempts=0)
    session.add(message)
    session.flush()
    return message


class _Connection(flask_mail.Connection):
    """Flask-Mail's connection with a socket timeout, so a dead SMTP server cannot hang a request."""

    def configure_host(self):
        timeout = current_app.config.get("MAIL_TIMEOUT", 10)
        if self.mail.use_ssl:
            host = smtplib.SMTP_SSL(self.mail.server, self.mail.port, timeout=timeout)
        else:
            host = smtplib.SMTP(self.mail.server, self.mail.port, timeout=timeout)
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host


def build(message: MailMessage) -> flask_mail.Message:
    msg = flask_mail.Message(subject=message.subject, recipients=[message.recipient], body=message.body_text,
                             html=message.body_html or None, sender=current_app.config.get("MAIL_DEFAULT_SENDER"))
    for item in message.attachments or []:
        data = base64.b64decode(item["data_b64"])
        if item.get("content_id"):
            msg.attach(item["filename"], item["content_type"], data, disposition="inline",
                       headers={"Content-ID": f"<{item['content_id']}>"})
        else:
            msg.attach(item["filename"], item["content_type"], data, disposition="attachment")
    return msg


def deliver(session: Session, message: MailMessage) -> str:
    """Send one claimed message now and record the outcome on the row (the caller commits). Only the
    background sender and `flask plm send-mail` call this: never a request. Returns the status."""
    if message.status in (MailStatus.SENT, MailStatus.LOGGED):
        return message.status
    if not _sends(current_app):
        message.status = MailStatus.LOGGED  # kept, readable on the outbox page; nothing was sent
        return message.status
    message.attempts = (message.attempts or 0) + 1
    try:
        with _Connection(current_app.extensions["mail"]) as connection:
            connection.send(build(message))
    except (OSError, smtplib.SMTPException) as exc:
        message.last_error = f"{type(exc).__name__}: {exc}"[:500]
        message.status = MailStatus.FAILED if message.attempts >= MAX_ATTEMPTS else MailStatus.QUEUED
        current_app.logger.warning("Mail %s to %s not sent (attempt %s): %s", message.id, message.recipient,
                                   message.attempts, message.last_error)
    else:
        message.status = MailStatus.SENT
        message.sent_at = utcnow()
        message.last_error = ""
    message.claimed_at = None
    return message.status


def claim_next(session: Session, skip: Iterable[int] = ()) -> MailMessage | None:
    """Take the oldest queued message for this sender (status "sending", committed); None when none is left.
    A conditional UPDATE: of several senders, one gets each row. *skip*: ids already tried in this round."""
    skip = list(skip)
    for _ in range(10):
        query = select(MailMessage.id).where(MailMessage.status == MailStatus.QUEUED)
        if skip:
            query = query.where(MailMessage.id.not_in(skip))
        message_id = session.scalar(query.order_by(MailMessage.id).limit(1))
        if message_id is None:
            session.rollback()
            return None
        result = session.execute(update(MailMessage).where(MailMessage.id == message_id, MailMessage.status == MailStatus.QUEUED)
                                 .values(status=MailStatus.SENDING, claimed_at=utcnow()))
        commit_unit(session)
        if result.rowcount == 1:
            return session.get(MailMessage, message_id)
    return None


def requeue_stale(session: Session, older_than: timedelta = STALE_CLAIM) -> int:
    """Rows left "sending" by a sender that died mid-send go back to the queue (sent at least once)."""
    result = session.execute(update(MailMessage).where(MailMessage.status == MailStatus.SENDING,
                                                        MailMessage.claimed_at < utcnow() - older_than)
                             .values(status=MailStatus.QUEUED, claimed_at=None))
    commit_unit(session)
    return result.rowcount or 0


def send_pending(session: Session, limit: int = 100) -> dict[str, int]:
    """Send queued messages, oldest first, one claimed row at a time; each outcome committed on its own, and
    no transaction is open while the SMTP server is talked to. Safe with several senders."""
    requeue_stale(session)
    counts = {status.value: 0 for status in MailStatus}
    tried: list[int] = []  # a failed row goes back to the queue: tried again next round, not now
    for _ in range(limit):
        message = claim_next(session, tried)
        if message is None:
            break
        tried.append(message.id)
        counts[deliver(session, message)] += 1
        commit_unit(session)
    return counts


def retry(session: Session, message: MailMessage) -> str:
    """Admin action: queue a failed or logged message again (attempts restart); the sender sends it after
    the commit. Returns the new status."""
    message.attempts = 0
    message.last_error = ""
    message.status = _waiting_status(session)
    return message.status


# ---------------------------------------------------------------------------------------------
# The sender thread
# ---------------------------------------------------------------------------------------------

class MailSender:
    """One thread per web process that sends queued mail; woken after a commit that queued some."""

    def __init__(self, app: Flask):
        self.app = app
        self.pid = os.getpid()
        self.wake = threading.Event()
        self.stopping = False
        self.thread = threading.Thread(target=self._loop, name="plm-mail-sender", daemon=True)

    def start(self) -> MailSender:
        self.thread.start()
        return self

    def stop(self, timeout: float = 30) -> None:
        self.stopping = True
        self.wake.set()
        self.thread.join(timeout)

    def _loop(self) -> None:
        poll = float(self.app.config.get("MAIL_POLL_SECONDS", 60))
        while not self.stopping:
            self.wake.clear()
            with self.app.app_context():
                try:
                    send_pending(db.session)
                except Exception:  # database away for a moment: try again later
                    log.exception("mail sender: sending failed")
                finally:
                    db.session.remove()
            self.wake.wait(poll)


_lock = threading.Lock()


def _wanted(app: Flask) -> bool:
    setting = app.config.get("MAIL_WORKER")
    if setting is None:
        return not app.testing
    return bool(setting)


def ensure_sender(app: Flask) -> MailSender | None:
    """Start this process's sender thread once (after a fork, again); None when disabled."""
    if not _wanted(app) or not _sends(app):
        return None
    sender = app.extensions.get("plm_mail_sender")
    if sender is not None and sender.pid == os.getpid() and sender.thread.is_alive():
        return sender
    with _lock:
        sender = app.extensions.get("plm_mail_sender")
        if sender is None or sender.pid != os.getpid() or not sender.thread.is_alive():
            sender = MailSender(app).start()
            app.extensions["plm_mail_sender"] = sender
    return sender


def wake(app: Flask) -> bool:
    """Ask this process's sender to look for queued mail now; False when none runs here (a CLI process, or
    MAIL_WORKER off: cron's `flask plm send-mail` sends then)."""
    sender = app.extensions.get("plm_mail_sender")
    if sender is not None and sender.pid == os.getpid() and sender.thread.is_alive():
        sender.wake.set()
        return True
    return False


def init_app(app: Flask) -> None:
    @app.before_request
    def _start_mail_sender() -> None:
        ensure_sender(app)
