"""Travel of sponsored participants: how and when each one arrives and leaves, and the event's pick-up settings.

Times are stored in UTC and shown in the event's timezone; a plan edited after a pick-up list was last
exported is a late change (marked on the next list)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plm.extensions import db
from plm.models import Participant, UTCDateTime, utcnow


class TravelMode(StrEnum):
    PLANE = "plane"
    SHIP = "ship"
    TRAIN = "train"
    BUS = "bus"
    OWN = "own"  # own vehicle or dropped off: nobody to pick up


class Direction(StrEnum):
    ARRIVAL = "arrival"
    DEPARTURE = "departure"


class TravelSettings(db.Model):
    """Per event: until when participants may edit their travel, the pick-up window, when each list was last exported."""

    __tablename__ = "travel_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    window_minutes: Mapped[int] = mapped_column(Integer, default=60)
    arrivals_exported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    departures_exported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TravelPlan(db.Model):
    __tablename__ = "travel_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), unique=True)
    origin_province: Mapped[str] = mapped_column(String(60), default="")
    origin_regency: Mapped[str] = mapped_column(String(100), default="")
    mode: Mapped[str] = mapped_column(String(10), default=TravelMode.PLANE.value)
    arrival_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    arrival_carrier: Mapped[str] = mapped_column(String(80), default="")
    arrival_number: Mapped[str] = mapped_column(String(20), default="")
    arrival_point: Mapped[str] = mapped_column(String(120), default="")
    departure_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    departure_carrier: Mapped[str] = mapped_column(String(80), default="")
    departure_number: Mapped[str] = mapped_column(String(20), default="")
    departure_point: Mapped[str] = mapped_column(String(120), default="")
    updated_by: Mapped[str] = mapped_column(String(12), default="participant")  # participant, contact (delegation), staff, import
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    participant: Mapped[Participant] = relationship()
