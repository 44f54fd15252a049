"""Allowances for sponsored participants: the event's rate table and one payment row per participant.

Amounts are whole rupiah (integers). Until a payment is made, what someone is owed is computed from the
door's attendance (plm.allowances.service); paying freezes the figures on the row, with the receipt serial."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plm.extensions import db
from plm.models import Participant, UTCDateTime, utcnow


class PaymentStatus(StrEnum):
    TO_PAY = "to_pay"
    PAID = "paid"


class PaymentMethod(StrEnum):
    CASH = "cash"
    TRANSFER = "transfer"


class TransportBasis(StrEnum):
    RATE = "rate"  # the rate table's amount for the origin
    ACTUAL = "actual"  # the ticket's actual cost (receipt photo), up to the cap


class AllowanceSettings(db.Model):
    """The event's rate table: the daily allowance, amounts and tax by role, the actual-cost cap, the receipt's wording."""

    __tablename__ = "allowance_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    daily_amount: Mapped[int] = mapped_column(Integer, default=0)
    # {"facilitator": 500000}: a daily amount for a role instead of daily_amount.
    daily_by_role: Mapped[dict] = mapped_column(JSON, default=dict)
    # {"speaker": 1000000}: a one-off honorarium for a role (paid when the person attended at least one day).
    fee_by_role: Mapped[dict] = mapped_column(JSON, default=dict)
    # {"speaker": 5.0}: income tax (PPh) withheld, percent of the daily allowance and fee (not transport).
    tax_percent_by_role: Mapped[dict] = mapped_column(JSON, default=dict)
    actual_cost_cap: Mapped[int] = mapped_column(Integer, default=0)
    purpose: Mapped[str] = mapped_column(String(300), default="")
    signatory_title: Mapped[str] = mapped_column(String(120), default="")
    signatory_name: Mapped[str] = mapped_column(String(120), default="")
    serial_prefix: Mapped[str] = mapped_column(String(10), default="KW")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class TransportRate(db.Model):
    """Transport by origin: a province, or one regency/city in it (which wins over its province)."""

    __tablename__ = "transport_rates"
    __table_args__ = (UniqueConstraint("event_id", "province", "regency", name="uq_transport_rates_origin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    province: Mapped[str] = mapped_column(String(60))
    regency: Mapped[str] = mapped_column(String(100), default="")
    amount: Mapped[int] = mapped_column(Integer, default=0)


class Allowance(db.Model):
    """One participant's payment: origin and transport basis, bank details, override, and once paid the frozen
    figures, the receipt serial and the signature drawn at the desk."""

    __tablename__ = "allowances"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), unique=True)
    origin_regency: Mapped[str] = mapped_column(String(100), default="")
    transport_basis: Mapped[str] = mapped_column(String(10), default=TransportBasis.RATE.value)
    actual_cost: Mapped[int | None] = mapped_column(Integer)
    actual_receipt_path: Mapped[str | None] = mapped_column(String(300))
    # A net amount set by finance instead of the computed one; never without a reason (audited).
    override_amount: Mapped[int | None] = mapped_column(Integer)
    override_reason: Mapped[str] = mapped_column(String(500), default="")
    bank_name: Mapped[str] = mapped_column(String(100), default="")
    account_number: Mapped[str] = mapped_column(String(40), default="")
    account_holder: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default=PaymentStatus.TO_PAY.value)
    method: Mapped[str] = mapped_column(String(10), default="")
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The figures at payment: {"days", "transport", "daily", "fee", "gross", "tax", "net", "tax_percent"}.
    paid_figures: Mapped[dict] = mapped_column(JSON, default=dict)
    serial: Mapped[str | None] = mapped_column(String(32), unique=True)
    signature_svg: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    participant: Mapped[Participant] = relationship()
