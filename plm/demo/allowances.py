"""The demo's allowances: the rate table from allowances.json; with the demo's attendance, a few people paid
at the desk (signatures drawn on the pad), so the payment list, the desk and the receipts have something to show."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from importlib import resources
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from plm.allowances import service
from plm.attendance.signatures import strokes_to_svg
from plm.models import Event, User

SPEC = json.loads(resources.files(__package__).joinpath("allowances.json").read_text(encoding="utf-8"))


def _signature(seed: int) -> str:
    """A made-up scribble (a few loops), different per person."""
    import math

    points = [(20 + i * 4.5, 60 + 25 * math.sin(i / (2.5 + seed % 3)) + (i % 7)) for i in range(60)]
    return strokes_to_svg([points, [(40, 95), (200 + seed % 40, 90)]], 320, 150)


def load_allowances(session: Session, event: Event, admin: User | None) -> None:
    """The rate table only: without attendance nobody is owed anything yet."""
    roles = {role: service.RoleRates(daily=r.get("daily") or None, fee=r.get("fee") or None,
                                     tax_percent=r.get("tax_percent") or None) for role, r in SPEC["roles"].items()}
    transport = "\n".join(f"{p}; {r}; {a}" if r else f"{p}; {a}" for p, r, a in SPEC["transport"])
    service.save_settings(session, event, admin, daily_amount=SPEC["daily_amount"],
                          actual_cost_cap=SPEC["actual_cost_cap"], purpose=SPEC["purpose"],
                          signatory_title=SPEC["signatory_title"], signatory_name=SPEC["signatory_name"],
                          serial_prefix=SPEC["serial_prefix"], roles=roles, transport_text=transport)


def simulate_payments(session: Session, event: Event) -> int:
    """After the demo's attendance (`flask plm demo --attendance`): a few people paid at the desk, every
    third by transfer, the others in cash with a signature drawn on the pad."""
    treasurer = session.scalar(select(User).where(User.role == "finance").order_by(User.id))
    if treasurer is None:
        return 0
    owed = [line for line in service.lines(session, event, status="to_pay") if line.figures.days > 0]
    owed.sort(key=lambda line: (line.participant.province, line.participant.id))
    chosen = owed[::max(1, len(owed) // SPEC["paid"])][:SPEC["paid"]]
    tz = ZoneInfo(event.timezone)
    for index, line in enumerate(chosen):
        person = line.participant
        if index % 3 == 2:
            service.set_bank(session, event, person, treasurer, bank_name=SPEC["banks"][index % len(SPEC["banks"])],
                             account_number=f"00{1234567 + index * 7919}", account_holder=person.full_name)
            method, svg = "transfer", None
        else:
            method, svg = "cash", _signature(index)
        paid_at = datetime.combine(event.starts_on + timedelta(days=1), time(16, 0), tz) + timedelta(minutes=3 * index)
        service.pay(session, event, person, treasurer, method=method, signature_svg=svg, now=paid_at)
    return len(chosen)
