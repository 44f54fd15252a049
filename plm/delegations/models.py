"""Delegations: partner institutions, their seats and invitation links, and the event's seat caps."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from plm.extensions import db
from plm.models import UTCDateTime, hash_token, utcnow
from plm.vocabulary import ParticipantStatus


class CapKind(StrEnum):
    PROVINCE = "province"
    INSTITUTION_TYPE = "institution_type"


# Participants whose registration holds a seat of their institution.
SEAT_HOLDING_STATUSES = (ParticipantStatus.REGISTERED, ParticipantStatus.PENDING, ParticipantStatus.WAITLISTED)


class Institution(db.Model):
    """A partner institution invited to send a delegation of at most `seats` people."""

    __tablename__ = "institutions"
    __table_args__ = (UniqueConstraint("event_id", "name", name="uq_institutions_event_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    institution_type: Mapped[str] = mapped_column(String(20), default="other")
    province: Mapped[str] = mapped_column(String(60), default="")
    regency: Mapped[str] = mapped_column(String(120), default="")
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_whatsapp: Mapped[str] = mapped_column(String(20), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    seats: Mapped[int] = mapped_column(Integer, default=1)
    # The invitation link's token is HMAC(app secret, id + nonce): the link can be shown again (reminders)
    # without being stored; only its hash is kept for the lookup. A new nonce kills the old link.
    invite_nonce: Mapped[str | None] = mapped_column(String(32))
    invite_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    invite_issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The first change made through the link (a POST): opening it (a GET) writes nothing.
    first_active_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The page behind the link was opened: recorded by a POST the page sends once loaded (or by the first
    # change made through it, without JavaScript), never by the GET itself. last_opened_at is throttled.
    first_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def invite_token(self, secret_key: str) -> str | None:
        """The current link's token, or None when no link was issued yet."""
        if not self.invite_nonce:
            return None
        mac = hmac.new(secret_key.encode(), f"delegation:{self.id}:{self.invite_nonce}".encode(), hashlib.sha256)
        return mac.hexdigest()[:40]

    def issue_invite(self, secret_key: str) -> str:
        """A new invitation link; the previous one stops working."""
        self.invite_nonce = secrets.token_hex(8)
        token = self.invite_token(secret_key)
        assert token is not None
        self.invite_token_hash = hash_token(token)
        self.invite_issued_at = utcnow()
        return token


class DelegationCap(db.Model):
    """At most `seats` delegates from one province or one institution type at this event."""

    __tablename__ = "delegation_caps"
    __table_args__ = (UniqueConstraint("event_id", "kind", "value", name="uq_delegation_caps_event_kind_value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(60))
    seats: Mapped[int] = mapped_column(Integer)
