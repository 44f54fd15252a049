"""Allowance use cases: the rate table, what each participant is owed (from the door's attendance, not from
registration), overrides, bank details, paying at the desk, receipts and the payment list.

Plain functions over a database session; no Flask request state. Staff changes are audited here; the
routes commit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from plm.allowances.models import (
    Allowance,
    AllowanceSettings,
    PaymentMethod,
    PaymentStatus,
    TransportBasis,
    TransportRate,
)
from plm.models import (
    CheckIn,
    Checkpoint,
    Event,
    Participant,
    User,
    audit,
    random_code,
    utcnow,
)
from plm.text import clean_line, fold_for_search
from plm.vocabulary import ParticipantRole

MAX_AMOUNT = 1_000_000_000  # one person's figure above a billion rupiah is a typo
MAX_RATE_LINES = 600
GROUPINGS = ("province", "institution")


class AllowanceError(Exception):
    """A refused request; `code` names the reason (routes translate it)."""

    def __init__(self, code: str, status: int = 422, **detail):
        super().__init__(code)
        self.code = code
        self.status = status
        self.detail = detail


# ---------------------------------------------------------------------------------------------
# Rate table
# ---------------------------------------------------------------------------------------------

def settings_for(session: Session, event: Event) -> AllowanceSettings:
    """The event's rate table; an unsaved empty one (not added to the session) when there is none yet."""
    found = session.scalar(select(AllowanceSettings).where(AllowanceSettings.event_id == event.id))
    return found or AllowanceSettings(event_id=event.id, daily_amount=0, daily_by_role={}, fee_by_role={},
                                      tax_percent_by_role={}, actual_cost_cap=0, purpose="", signatory_title="",
                                      signatory_name="", serial_prefix="KW")


def transport_rates(session: Session, event: Event) -> list[TransportRate]:
    return list(session.scalars(select(TransportRate).where(TransportRate.event_id == event.id)
                                .order_by(TransportRate.province, TransportRate.regency)))


def parse_amount(value: object) -> int:
    """Rupiah as typed: "1.500.000", "1500000", "Rp 1.500.000" -> 1500000; whole rupiah only."""
    text = clean_line(value).lower().replace("rp", "").replace(" ", "").replace(".", "")
    if text.endswith(",00") or text.endswith(",-"):
        text = text[:-3] if text.endswith(",00") else text[:-2]
    if not text.isascii() or not text.isdigit():
        raise AllowanceError("bad_amount", value=clean_line(value)[:40])
    amount = int(text)
    if amount > MAX_AMOUNT:
        raise AllowanceError("bad_amount", value=clean_line(value)[:40])
    return amount


def parse_transport_lines(text: str) -> list[tuple[str, str, int]]:
    """One rate a line: "Province; amount" or "Province; Regency/City; amount" (also with tabs or commas
    pasted from a spreadsheet when there are three parts). Refuses the whole text on the first bad line."""
    out: dict[tuple[str, str], int] = {}
    lines = [line for line in (text or "").splitlines() if line.strip()]
    if len(lines) > MAX_RATE_LINES:
        raise AllowanceError("too_many_rates")
    for number, line in enumerate(lines, start=1):
        parts = [clean_line(p) for p in (line.split(";") if ";" in line else line.split("\t"))]
        if len(parts) not in (2, 3) or not parts[0]:
            raise AllowanceError("bad_rate_line", line=number)
        province, regency = parts[0][:60], (parts[1][:100] if len(parts) == 3 else "")
        try:
            amount = parse_amount(parts[-1])
        except AllowanceError as exc:
            raise AllowanceError("bad_rate_line", line=number) from exc
        out[(province, regency)] = amount
    return [(p, r, a) for (p, r), a in out.items()]


def transport_lines_text(rates: Iterable[TransportRate]) -> str:
    return "\n".join(f"{r.province}; {r.regency}; {r.amount}" if r.regency else f"{r.province}; {r.amount}"
                     for r in rates)


@dataclass
class RoleRates:
    daily: int | None = None
    fee: int | None = None
    tax_percent: float | None = None


def save_settings(session: Session, event: Event, user: User, *, daily_amount: int, actual_cost_cap: int,
                  purpose: str, signatory_title: str, signatory_name: str, serial_prefix: str,
                  roles: dict[str, RoleRates], transport_text: str) -> AllowanceSettings:
    """Replace the rate table (and the transport rates) in one go. Audited with the old and new figures."""
    lines = parse_transport_lines(transport_text)
    for rates in roles.values():
        if rates.tax_percent is not None and not 0 <= rates.tax_percent <= 50:
            raise AllowanceError("bad_tax")
    settings = settings_for(session, event)
    before = _settings_dict(settings)
    if settings.id is None:
        session.add(settings)
    settings.daily_amount = daily_amount
    settings.actual_cost_cap = actual_cost_cap
    settings.purpose = clean_line(purpose)[:300]
    settings.signatory_title = clean_line(signatory_title)[:120]
    settings.signatory_name = clean_line(signatory_name)[:120]
    prefix = "".join(ch for ch in clean_line(serial_prefix).upper() if ch.isascii() and ch.isalnum())[:10]
    settings.serial_prefix = prefix or "KW"
    settings.daily_by_role = {r: v.daily for r, v in roles.items() if ParticipantRole.has(r) and v.daily is not None}
    settings.fee_by_role = {r: v.fee for r, v in roles.items() if ParticipantRole.has(r) and v.fee}
    settings.tax_percent_by_role = {r: v.tax_percent for r, v in roles.items()
                                    if ParticipantRole.has(r) and v.tax_percent}
    old = {(r.province, r.regency): r for r in transport_rates(session, event)}
    new_keys = {(p, r) for p, r, _ in lines}
    for key, row in old.items():
        if key not in new_keys:
            session.delete(row)
    for province, regency, amount in lines:
        row = old.get((province, regency))
        if row is None:
            session.add(TransportRate(event_id=event.id, province=province, regency=regency, amount=amount))
        else:
            row.amount = amount
    session.flush()
    audit(session, "allowances.rates", user=user, event_id=event.id, target=settings, before=before,
          after=_settings_dict(settings), transport_rates=len(lines))
    return settings


def _settings_dict(settings: AllowanceSettings) -> dict:
    return {"daily": settings.daily_amount, "daily_by_role": dict(settings.daily_by_role or {}),
            "fee_by_role": dict(settings.fee_by_role or {}), "tax": dict(settings.tax_percent_by_role or {}),
            "cap": settings.actual_cost_cap}


# ---------------------------------------------------------------------------------------------
# What someone is owed
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Figures:
    days: int
    transport: int
    daily: int
    fee: int
    tax_percent: float
    tax: int
    computed_net: int
    net: int  # the override when there is one
    overridden: bool = False

    @property
    def gross(self) -> int:
        return self.transport + self.daily + self.fee

    def as_dict(self) -> dict:
        return {"days": self.days, "transport": self.transport, "daily": self.daily, "fee": self.fee,
                "gross": self.gross, "tax_percent": self.tax_percent, "tax": self.tax,
                "computed_net": self.computed_net, "net": self.net, "overridden": self.overridden}

    @classmethod
    def from_dict(cls, data: dict) -> Figures:
        return cls(days=int(data.get("days", 0)), transport=int(data.get("transport", 0)),
                   daily=int(data.get("daily", 0)), fee=int(data.get("fee", 0)),
                   tax_percent=float(data.get("tax_percent", 0)), tax=int(data.get("tax", 0)),
                   computed_net=int(data.get("computed_net", data.get("net", 0))), net=int(data.get("net", 0)),
                   overridden=bool(data.get("overridden")))


def days_attended(session: Session, event: Event, participant_ids: list[int] | None = None) -> dict[int, int]:
    """Days each participant was checked in at the day door (QR, search, paper entry: every CheckIn on a
    day checkpoint counts once), not the days they registered for."""
    query = (select(CheckIn.participant_id, func.count(func.distinct(Checkpoint.day)))
             .join(Checkpoint, Checkpoint.id == CheckIn.checkpoint_id)
             .where(Checkpoint.event_id == event.id, Checkpoint.kind == "day")
             .group_by(CheckIn.participant_id))
    if participant_ids is not None:
        query = query.where(CheckIn.participant_id.in_(participant_ids))
    return {pid: int(n) for pid, n in session.execute(query)}


def _rate_lookup(rates: Iterable[TransportRate]) -> dict[tuple[str, str], int]:
    return {(fold_for_search(r.province), fold_for_search(r.regency)): r.amount for r in rates}


def _tax(taxable: int, percent: float) -> int:
    return int((Decimal(taxable) * Decimal(str(percent)) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def compute(settings: AllowanceSettings, rates: dict[tuple[str, str], int], participant: Participant,
            allowance: Allowance | None, days: int) -> Figures:
    """The figures for one person. Nothing is owed without a day at the door; transport once, the daily
    allowance per day attended (a role's own daily rate when set), a role's fee once; PPh on daily + fee."""
    role = participant.role
    transport = daily = fee = 0
    if days > 0:
        if allowance is not None and allowance.transport_basis == TransportBasis.ACTUAL and allowance.actual_cost is not None:
            cap = settings.actual_cost_cap or 0
            transport = min(allowance.actual_cost, cap) if cap > 0 else allowance.actual_cost
        else:
            province = fold_for_search(participant.province or "")
            regency = fold_for_search(allowance.origin_regency) if allowance is not None else ""
            transport = rates.get((province, regency)) if regency else None
            if transport is None:
                transport = rates.get((province, ""), 0)
        per_day = (settings.daily_by_role or {}).get(role)
        daily = days * int(per_day if per_day is not None else settings.daily_amount or 0)
        fee = int((settings.fee_by_role or {}).get(role) or 0)
    percent = float((settings.tax_percent_by_role or {}).get(role) or 0)
    tax = _tax(daily + fee, percent)
    computed_net = transport + daily + fee - tax
    if allowance is not None and allowance.override_amount is not None:
        return Figures(days, transport, daily, fee, percent, tax, computed_net, allowance.override_amount, True)
    return Figures(days, transport, daily, fee, percent, tax, computed_net, computed_net)


@dataclass
class Line:
    participant: Participant
    allowance: Allowance | None
    figures: Figures

    @property
    def paid(self) -> bool:
        return self.allowance is not None and self.allowance.status == PaymentStatus.PAID

    @property
    def has_bank(self) -> bool:
        a = self.allowance
        return a is not None and bool(a.bank_name and a.account_number and a.account_holder)


def _eligible(event: Event):
    return (Participant.event_id == event.id) & (Participant.status == "registered")


def lines(session: Session, event: Event, query: str = "", status: str = "", limit: int | None = None) -> list[Line]:
    """Everyone registered (and anyone already paid), with what they are owed or were paid, by name."""
    people = list(session.scalars(select(Participant).where(Participant.event_id == event.id)
                                  .order_by(Participant.full_name, Participant.id)))
    allowances = {a.participant_id: a for a in session.scalars(select(Allowance).where(Allowance.event_id == event.id))}
    words = fold_for_search(clean_line(query)[:100]).split()[:5]
    settings = settings_for(session, event)
    rates = _rate_lookup(transport_rates(session, event))
    days = days_attended(session, event)
    out = []
    for person in people:
        allowance = allowances.get(person.id)
        paid = allowance is not None and allowance.status == PaymentStatus.PAID
        if person.status != "registered" and not paid:
            continue
        if words and not all(w in person.search_text for w in words):
            continue
        if paid:
            figures = Figures.from_dict(allowance.paid_figures or {})
        else:
            figures = compute(settings, rates, person, allowance, days.get(person.id, 0))
        line = Line(person, allowance, figures)
        if status == "paid" and not line.paid or status == "to_pay" and (line.paid or figures.net <= 0):
            continue
        out.append(line)
        if limit and len(out) >= limit:
            break
    return out


def line_for(session: Session, event: Event, participant: Participant) -> Line:
    allowance = session.scalar(select(Allowance).where(Allowance.participant_id == participant.id))
    if allowance is not None and allowance.status == PaymentStatus.PAID:
        return Line(participant, allowance, Figures.from_dict(allowance.paid_figures or {}))
    days = days_attended(session, event, [participant.id]).get(participant.id, 0)
    figures = compute(settings_for(session, event), _rate_lookup(transport_rates(session, event)), participant,
                      allowance, days)
    return Line(participant, allowance, figures)


def participant_by_public_id(session: Session, event: Event, public_id: str) -> Participant:
    value = clean_line(public_id).upper()[:16]
    found = session.scalar(select(Participant).where(Participant.event_id == event.id, Participant.public_id == value))
    if found is None:
        raise AllowanceError("unknown_participant", 404)
    return found


def _row(session: Session, event: Event, participant: Participant) -> Allowance:
    row = session.scalar(select(Allowance).where(Allowance.participant_id == participant.id))
    if row is None:
        row = Allowance(event_id=event.id, participant_id=participant.id, origin_regency="",
                        transport_basis=TransportBasis.RATE.value, override_reason="", bank_name="",
                        account_number="", account_holder="", status=PaymentStatus.TO_PAY.value, method="",
                        paid_figures={})
        session.add(row)
        session.flush()
    return row


def _not_paid(row: Allowance) -> None:
    if row.status == PaymentStatus.PAID:
        raise AllowanceError("already_paid", 409)


# ---------------------------------------------------------------------------------------------
# Changes before payment
# ---------------------------------------------------------------------------------------------

def set_bank(session: Session, event: Event, participant: Participant, user: User, *, bank_name: str,
             account_number: str, account_holder: str) -> Allowance:
    """Bank details for a transfer. The account number is digits (spaces and dashes dropped)."""
    number = "".join(ch for ch in clean_line(account_number) if ch not in " -.")
    if number and (not number.isascii() or not number.isdigit() or not 5 <= len(number) <= 30):
        raise AllowanceError("bad_account_number")
    row = _row(session, event, participant)
    row.bank_name = clean_line(bank_name)[:100]
    row.account_number = number
    row.account_holder = clean_line(account_holder)[:200]
    audit(session, "allowances.bank", user=user, event_id=event.id, target=row, participant=participant.public_id,
          bank=row.bank_name, account_last4=number[-4:])
    return row


def set_transport(session: Session, event: Event, participant: Participant, user: User, *, regency: str,
                  basis: str, actual_cost: int | None, receipt_path: str | None = None) -> Allowance:
    """Origin regency/city (for the rate table) or the actual ticket cost with its receipt photo."""
    if basis not in {b.value for b in TransportBasis}:
        raise AllowanceError("bad_basis")
    row = _row(session, event, participant)
    _not_paid(row)
    if basis == TransportBasis.ACTUAL and actual_cost is None:
        raise AllowanceError("actual_cost_missing")
    if basis == TransportBasis.ACTUAL and not (receipt_path or row.actual_receipt_path):
        raise AllowanceError("receipt_photo_missing")
    before = {"regency": row.origin_regency, "basis": row.transport_basis, "actual_cost": row.actual_cost}
    row.origin_regency = clean_line(regency)[:100]
    row.transport_basis = basis
    row.actual_cost = actual_cost if basis == TransportBasis.ACTUAL else None
    if receipt_path:
        row.actual_receipt_path = receipt_path
    audit(session, "allowances.transport", user=user, event_id=event.id, target=row, participant=participant.public_id,
          before=before, after={"regency": row.origin_regency, "basis": basis, "actual_cost": row.actual_cost})
    return row


MAX_PHOTO_BYTES = 8 * 1024 * 1024


def store_receipt_photo(upload_folder: str, event: Event, data: bytes) -> str:
    """The photo of a ticket or receipt for actual-cost transport: re-encoded (plm.images), kept outside the code."""
    from plm.images import InvalidImage, reencode_png, store_upload

    if len(data) > MAX_PHOTO_BYTES:
        raise AllowanceError("photo_too_large")
    try:
        png = reencode_png(data, (1600, 1600))
    except InvalidImage as exc:
        raise AllowanceError("photo_invalid") from exc
    return store_upload(upload_folder, "transport-receipts", event.slug, png)


def set_override(session: Session, event: Event, participant: Participant, user: User, *,
                 amount: int | None, reason: str) -> Allowance:
    """Pay a different net amount than computed (or go back to the computed one): a reason is required."""
    reason = clean_line(reason)[:500]
    if len(reason) < 5:
        raise AllowanceError("reason_required")
    row = _row(session, event, participant)
    _not_paid(row)
    computed = line_for(session, event, participant).figures.computed_net
    audit(session, "allowances.override", user=user, event_id=event.id, target=row, participant=participant.public_id,
          before=row.override_amount, after=amount, computed=computed, reason=reason)
    row.override_amount = amount
    row.override_reason = reason if amount is not None else ""
    return row


# ---------------------------------------------------------------------------------------------
# Paying
# ---------------------------------------------------------------------------------------------

def _next_serial(session: Session, event: Event, prefix: str) -> str:
    """KW-0007-H3QX: a running number per event to file by, and four random letters so that the public
    verification page cannot be walked through by counting."""
    paid = session.scalar(select(func.count(Allowance.id)).where(Allowance.event_id == event.id,
                                                                 Allowance.serial.is_not(None))) or 0
    return f"{prefix or 'KW'}-{paid + 1:04d}-{random_code(4)}"


def pay(session: Session, event: Event, participant: Participant, user: User, *, method: str,
        signature_svg: str | None = None, now: datetime | None = None) -> Allowance:
    """Record a payment: the figures are frozen, a receipt serial is issued. Refused when already paid,
    when nothing is owed, and for a transfer without bank details."""
    if method not in {m.value for m in PaymentMethod}:
        raise AllowanceError("bad_method")
    row = _row(session, event, participant)
    _not_paid(row)
    if participant.status != "registered":
        raise AllowanceError("not_registered")
    figures = line_for(session, event, participant).figures
    if figures.net <= 0:
        raise AllowanceError("nothing_to_pay")
    if method == PaymentMethod.TRANSFER and not (row.bank_name and row.account_number and row.account_holder):
        raise AllowanceError("bank_missing")
    # Claim the row: a double tap's second request, which read the row before the first committed, finds it
    # paid here (PostgreSQL waits for the first's row lock, then re-checks) instead of paying it again.
    claimed = session.execute(update(Allowance).where(Allowance.id == row.id, Allowance.status != PaymentStatus.PAID.value)
                              .values(status=PaymentStatus.PAID.value).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise AllowanceError("already_paid", 409)
    settings = settings_for(session, event)
    row.status = PaymentStatus.PAID.value
    row.method = method
    row.paid_at = now or utcnow()
    row.paid_by_user_id = user.id
    row.paid_figures = figures.as_dict()
    row.serial = _next_serial(session, event, settings.serial_prefix)
    row.signature_svg = signature_svg
    audit(session, "allowances.pay", user=user, event_id=event.id, target=row, participant=participant.public_id,
          serial=row.serial, method=method, net=figures.net, days=figures.days, signed=signature_svg is not None)
    return row


def paid_allowance(session: Session, participant_id: int) -> Allowance | None:
    """The participant's payment if it was made (the door's undo asks this; one indexed lookup)."""
    return session.scalar(select(Allowance).where(Allowance.participant_id == participant_id,
                                                  Allowance.status == PaymentStatus.PAID.value))


def find_receipt(session: Session, serial: str) -> Allowance | None:
    value = clean_line(serial).upper()[:32]
    if not value:
        return None
    return session.scalar(select(Allowance).where(Allowance.serial == value, Allowance.status == PaymentStatus.PAID.value))


def log_export(session: Session, event: Event, user: User, kind: str, **detail) -> None:
    """Every export of amounts or bank details is on the audit log (who, when, what)."""
    audit(session, f"allowances.export.{kind}", user=user, event_id=event.id, target=event, **detail)


@dataclass
class Totals:
    people: int = 0
    days: int = 0
    transport: int = 0
    daily: int = 0
    fee: int = 0
    tax: int = 0
    net: int = 0
    paid: int = 0
    paid_net: int = 0

    def add(self, line: Line) -> None:
        f = line.figures
        self.people += 1
        self.days += f.days
        self.transport += f.transport
        self.daily += f.daily
        self.fee += f.fee
        self.tax += f.tax
        self.net += f.net
        if line.paid:
            self.paid += 1
            self.paid_net += f.net


@dataclass
class Group:
    name: str
    lines: list[Line] = field(default_factory=list)
    totals: Totals = field(default_factory=Totals)


def grouped(all_lines: list[Line], by: str) -> tuple[list[Group], Totals]:
    """The payment list's groups (province or institution, by name) and the grand total; people owed nothing
    and not paid are left out."""
    if by not in GROUPINGS:
        raise AllowanceError("bad_grouping")
    groups: dict[str, Group] = {}
    total = Totals()
    for line in all_lines:
        if line.figures.net <= 0 and not line.paid:
            continue
        key = (line.participant.province if by == "province" else line.participant.institution) or "—"
        group = groups.setdefault(key, Group(key))
        group.lines.append(line)
        group.totals.add(line)
        total.add(line)
    return [groups[k] for k in sorted(groups, key=str.casefold)], total


# ---------------------------------------------------------------------------------------------
# Plain data for the renderers (plm.allowances.documents)
# ---------------------------------------------------------------------------------------------

def _local_day(event: Event, when: datetime | None) -> str:
    from zoneinfo import ZoneInfo

    from babel.dates import format_date

    moment = (when or utcnow()).astimezone(ZoneInfo(event.timezone or "UTC"))
    return format_date(moment.date(), "d MMMM y", locale="id")


def _bank_text(allowance: Allowance | None) -> str:
    if allowance is None or not allowance.account_number:
        return ""
    return f"{allowance.bank_name} {allowance.account_number} a.n. {allowance.account_holder}".strip()


def payment_list(session: Session, event: Event, by: str = "province", status: str = "",
                 now: datetime | None = None):
    """The daftar nominatif as plain data: everyone owed something or paid, grouped, with the bank details."""
    from babel.dates import format_date

    from plm.allowances import documents
    from plm.labels import PARTICIPANT_ROLE_TEXTS, label_in

    groups, _ = grouped(lines(session, event, status=status), by)
    settings = settings_for(session, event)
    treasurer = ""
    out = []
    for group in groups:
        rows = []
        for line in group.lines:
            f, a, p = line.figures, line.allowance, line.participant
            rows.append(documents.ListRow(
                name=p.full_name, institution=p.institution, province=p.province,
                role=label_in(PARTICIPANT_ROLE_TEXTS[p.role], "id") if p.role in PARTICIPANT_ROLE_TEXTS else p.role, days=f.days, transport=f.transport, daily=f.daily,
                fee=f.fee, tax=f.tax, net=f.net, status="paid" if line.paid else "to_pay",
                method=a.method if line.paid and a is not None else "", bank=_bank_text(a),
                signature_svg=a.signature_svg if line.paid and a is not None else None))
        out.append(documents.ListGroup(group.name, tuple(rows)))
    by_label = "per provinsi" if by == "province" else "per instansi"
    dates = f"{format_date(event.starts_on, 'd MMMM y', locale='id')} – {format_date(event.ends_on, 'd MMMM y', locale='id')}"
    return documents.PaymentList(
        event_name=event.name, subtitle=" · ".join(x for x in (event.city, dates, by_label) if x), groups=tuple(out),
        place_date=f"{event.city or ''}, {_local_day(event, now)}".strip(", "), treasurer=treasurer,
        signatory_title=settings.signatory_title, signatory_name=settings.signatory_name,
        printed_at=f"Dicetak {_local_day(event, now)}")


def receipt(session: Session, event: Event, line: Line, verify_url: str = ""):
    """One kuitansi as plain data; before payment (for a wet signature) it carries no serial and no QR."""
    from plm.allowances import documents

    settings = settings_for(session, event)
    a, f, p = line.allowance, line.figures, line.participant
    paid = line.paid and a is not None
    purpose = settings.purpose or f"Transport dan uang harian peserta {event.name}"
    payer = session.get(User, a.paid_by_user_id) if paid and a.paid_by_user_id else None
    return documents.Receipt(
        serial=a.serial if paid else "…………", event_name=event.name,
        received_from=f"Panitia {event.name}", recipient_name=p.full_name, recipient_institution=p.institution,
        purpose=purpose, days=f.days, transport=f.transport, daily=f.daily, fee=f.fee, tax=f.tax,
        tax_percent=f.tax_percent, net=f.net,
        place_date=f"{event.city or ''}, {_local_day(event, a.paid_at if paid else None)}".strip(", "),
        payer_title=settings.signatory_title if not payer else "",
        payer_name=(payer.full_name if payer else settings.signatory_name) or "",
        method=a.method if paid else "", verify_url=verify_url if paid else "",
        signature_svg=a.signature_svg if paid else None)
