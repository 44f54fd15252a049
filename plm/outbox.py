"""Outbox: every mail is a MailMessage row first, then sent with Flask-Mail.

* `queue()` adds the row in the caller's transaction, so a registration and its mail commit
  together (or not at all); nothing is sent before the commit.
* `deliver()` sends one row after the commit. Failures leave the row `queued` with the error and
  an attempt count; after MAX_ATTEMPTS it is `failed`. Admins see every row on /staff/outbox and
  can retry; `flask plm send-mail` (cron) retries queued rows.
* With no MAIL_SERVER configured (the default for `make run`) rows become `logged`: the full text
  stays readable on the outbox page, so nothing is lost.

Several workers may send at once: `send_pending()` claims rows with FOR UPDATE SKIP LOCKED on
PostgreSQL.
"""

from __future__ import annotations

import base64
import smtplib
from typing import Iterable, Optional

import flask_mail
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from plm.models import MailMessage, utcnow
from plm.vocabulary import MailStatus

MAX_ATTEMPTS = 5


def queue(session: Session, *, recipient: str, subject: str, body_text: str, body_html: str = "",
          attachments: Iterable[dict] = (), event_id: Optional[int] = None,
          participant_id: Optional[int] = None) -> MailMessage:
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
                          attachments=stored, status=MailStatus.QUEUED, attempts=0)
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
    """Try to send one message now; record the outcome on the row (caller commits). Returns the status."""
    if message.status == MailStatus.SENT:
        return message.status
    mail_state = current_app.extensions["mail"]
    if not current_app.config.get("MAIL_SERVER") or mail_state.suppress:
        message.status = MailStatus.LOGGED  # kept, readable on the outbox page; nothing was sent
        return message.status
    message.attempts = (message.attempts or 0) + 1
    try:
        with _Connection(mail_state) as connection:
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
    return message.status


def deliver_ids(session: Session, ids: Iterable[int]) -> None:
    """Send messages queued by a request that has just committed; each outcome is committed on its own."""
    for message_id in ids:
        message = session.get(MailMessage, message_id)
        if message is not None and message.status == MailStatus.QUEUED:
            deliver(session, message)
            session.commit()


def send_pending(session: Session, limit: int = 100) -> dict[str, int]:
    """Retry queued messages (oldest first). Safe with several workers on PostgreSQL."""
    query = select(MailMessage).where(MailMessage.status == MailStatus.QUEUED).order_by(MailMessage.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    counts = {status.value: 0 for status in MailStatus}
    for message in session.scalars(query).all():
        counts[deliver(session, message)] += 1
    session.commit()
    return counts


def retry(session: Session, message: MailMessage) -> str:
    """Admin action: send a failed or logged message again (attempts restart)."""
    message.status = MailStatus.QUEUED
    message.attempts = 0
    return deliver(session, message)
