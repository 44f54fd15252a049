"""Hotels, their rooms and who sleeps where (issue 18 C).

A night is the date a person goes to sleep: someone arriving on the 17th and leaving on the 21st
sleeps the nights of the 17th to the 20th. An assignment keeps the nights it was made for, so a stay
changed afterwards shows as a conflict instead of silently moving people.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plm.extensions import db
from plm.models import UTCDateTime, utcnow


class RoomType(StrEnum):
    SINGLE = "single"
    TWIN = "twin"
    TRIPLE = "triple"


DEFAULT_CAPACITY = {RoomType.SINGLE: 1, RoomType.TWIN: 2, RoomType.TRIPLE: 3}


class RoomingMode(StrEnum):
    MIX = "mix"  # peer learning: room-mates from different provinces and institutions
    KEEP = "keep"  # people of one institution (then province) together


class LodgingSettings(db.Model):
    """One row per event: how rooms are filled and whether participants see their room yet."""

    __tablename__ = "lodging_settings"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    mode: Mapped[str] = mapped_column(String(10), default=RoomingMode.MIX.value)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Hotel(db.Model):
    __tablename__ = "hotels"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    rooms: Mapped[list[HotelRoom]] = relationship(back_populates="hotel", cascade="all, delete-orphan",
                                                  passive_deletes=True, order_by="HotelRoom.number")


class HotelRoom(db.Model):
    __tablename__ = "hotel_rooms"
    __table_args__ = (UniqueConstraint("hotel_id", "number", name="uq_hotel_rooms_hotel_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hotel_id: Mapped[int] = mapped_column(ForeignKey("hotels.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(20))
    room_type: Mapped[str] = mapped_column(String(10), default=RoomType.TWIN.value)
    capacity: Mapped[int] = mapped_column(Integer, default=2)
    first_night: Mapped[date] = mapped_column(Date)
    last_night: Mapped[date] = mapped_column(Date)

    hotel: Mapped[Hotel] = relationship(back_populates="rooms")
    assignments: Mapped[list[RoomAssignment]] = relationship(back_populates="room", cascade="all, delete-orphan",
                                                             passive_deletes=True)


class RoomAssignment(db.Model):
    """One participant in one room for the nights first_night..last_night (one room per stay)."""

    __tablename__ = "room_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), unique=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("hotel_rooms.id", ondelete="CASCADE"), index=True)
    first_night: Mapped[date] = mapped_column(Date)
    last_night: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    room: Mapped[HotelRoom] = relationship(back_populates="assignments")
