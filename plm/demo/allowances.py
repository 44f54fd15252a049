"""The demo's allowances: the rate table from allowances.json, the first two days at the door for a couple
of dozen people (entered from the paper daftar hadir), and a few paid with a signature drawn at the desk,
so the payment list, the desk and the receipts have something to show."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from importlib import resources
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from plm.allowances import service
from plm.attendance.signatures import strokes_to_svg
from plm.models import CheckIn, Checkpoint, Event, Participant, User

SPEC = json.loads(resources.files(__package__).joinpath("allowances.json").read_text(encoding="utf-8"))


def _signature(seed: int) -> str:
    """A made-up scribble (a few loops), different per person."""
    import math

    points = [(20 + i * 4.5, 60 + 25 * math.sin(i / (2.5 + seed % 3)) + (i % 7)) for i in range(60)]
    return strokes_to_svg([points, [(40, 95), (200 + seed % 40, 90)]], 320, 150)


def load_allowances(session: Session, event: Event, admin: User | None, treasurer: User | None) -> None:
    roles = {role: service.RoleRates(daily=r.get("daily") or None, fee=r.get("fee") or None,
                                     tax_percent=r.get("tax_percent") or None) for role, r in SPEC["roles"].items()}
    transport = "\n".join(f"{p}; {r}; {a}" if r else f"{p}; {a}" for p, r, a in SPEC["transport"])
    service.save_settings(session, event, admin, daily_amount=SPEC["daily_amount"],
                          actual_cost_cap=SPEC["actual_cost_cap"], purpose=SPEC["purpose"],
                          signatory_title=SPEC["signatory_title"], signatory_name=SPEC["signatory_name"],
                          serial_prefix=SPEC["serial_prefix"], roles=roles, transport_text=transport)
    tz = ZoneInfo(event.timezone)
    days = {c.day: c for c in session.scalars(select(Checkpoint).where(Checkpoint.event_id == event.id,
                                                                       Checkpoint.kind == "day"))}
    people = list(session.scalars(select(Participant).where(Participant.event_id == event.id,
                                                            Participant.role != "committee")
                                  .order_by(Participant.province, Participant.id)))
    # Every few people across the provinces, so the list has several groups.
    chosen = people[::max(1, len(people) // SPEC["attended"]["people"])][:SPEC["attended"]["people"]]
    for index, person in enumerate(chosen):
        for number in SPEC["attended"]["days"]:
            day = event.starts_on + timedelta(days=number - 1)
            when = datetime.combine(day, time(7, 40), tz) + timedelta(minutes=index)
            session.add(CheckIn(participant_id=person.id, checkpoint_id=days[day].id, checked_in_at=when,
                                created_at=when, source="paper", user_id=admin.id if admin else None))
    session.flush()
    for index, person in enumerate(chosen[:SPEC["paid"]]):
        if index % 3 == 2:
            service.set_bank(session, event, person, treasurer, bank_name=SPEC["banks"][index % len(SPEC["banks"])],
                             account_number=f"00{1234567 + index * 7919}", account_holder=person.full_name)
            method, svg = "transfer", None
        else:
            method, svg = "cash", _signature(index)
        paid_at = datetime.combine(event.starts_on + timedelta(days=1), time(16, 0), tz) + timedelta(minutes=3 * index)
        service.pay(session, event, person, treasurer, method=method, signature_svg=svg, now=paid_at)
