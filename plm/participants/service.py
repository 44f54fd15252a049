"""Staff participant list: search, filters, sort, pagination and counts; history of one participant."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from plm.models import AuditLog, CheckIn, Checkpoint, Event, MailMessage, Participant
from plm.questions.service import filter_conditions
from plm.text import fold_for_search
from plm.vocabulary import ParticipantStatus

PAGE_SIZE = 50
SORTS = {
    "name": (Participant.full_name, Participant.id),
    "-name": (Participant.full_name.desc(), Participant.id.desc()),
    "newest": (Participant.created_at.desc(), Participant.id.desc()),
    "oldest": (Participant.created_at, Participant.id),
    "province": (Participant.province, Participant.full_name, Participant.id),
    "institution": (Participant.institution, Participant.full_name, Participant.id),
    "status": (Participant.status, Participant.full_name, Participant.id),
}
FILTERS = ("status", "role", "institution_type", "province")


@dataclass
class ListQuery:
    q: str = ""
    status: str = ""
    role: str = ""
    institution_type: str = ""
    province: str = ""
    checked_in: str = ""  # "yes", "no" or ""
    sort: str = "name"
    page: int = 1
    answers: dict[str, str] = field(default_factory=dict)  # ?q_<key>=<value>: the event's own questions

    @classmethod
    def from_args(cls, args: Any) -> ListQuery:
        try:
            page = max(1, min(int(args.get("page", 1)), 100000))
        except (TypeError, ValueError):
            page = 1
        sort = args.get("sort", "name")
        return cls(q=(args.get("q") or "")[:200].strip(), status=args.get("status", ""), role=args.get("role", ""),
                   institution_type=args.get("institution_type", ""), province=args.get("province", "")[:60],
                   checked_in=args.get("checked_in", "") if args.get("checked_in") in ("yes", "no") else "",
                   sort=sort if sort in SORTS else "name", page=page, answers=answer_filters(args))

    def args(self, **override: Any) -> dict[str, Any]:
        values = {k: v for k, v in self.__dict__.items() if v not in ("", None) and k != "answers"}
        values.update({f"q_{key}": value for key, value in self.answers.items()})
        values.update(override)
        return {k: v for k, v in values.items() if v not in ("", None) and not (k == "page" and v == 1)}


def answer_filters(args: Any) -> dict[str, str]:
    """The ?q_<key>=<value> filters on answers (at most 10, keys and values bounded)."""
    filters = {}
    for name in list(args.keys()):
        if name.startswith("q_") and len(name) <= 42 and args.get(name):
            filters[name[2:]] = str(args.get(name))[:40]
            if len(filters) == 10:
                break
    return filters


def list_conditions(event: Event, query: ListQuery) -> list:
    """The WHERE clause of the staff list; the export uses the same, so it writes what the list shows."""
    conditions = [Participant.event_id == event.id]
    if query.q:
        words = fold_for_search(query.q).split()
        for word in words[:6]:
            pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            conditions.append(or_(
                Participant.search_text.like(pattern, escape="\\"),
                Participant.email_normalized.like(pattern, escape="\\"),
                func.lower(Participant.province).like(pattern, escape="\\"),
                Participant.public_id == word.upper(),
            ))
    for name in FILTERS:
        value = getattr(query, name)
        if value:
            conditions.append(getattr(Participant, name) == value)
    if query.checked_in:
        checked = exists().where(CheckIn.participant_id == Participant.id)
        conditions.append(checked if query.checked_in == "yes" else ~checked)
    conditions.extend(filter_conditions(event.id, query.answers))
    return conditions


def list_participants(session: Session, event: Event, query: ListQuery) -> tuple[list[Participant], int]:
    conditions = list_conditions(event, query)
    total = session.scalar(select(func.count()).select_from(Participant).where(*conditions)) or 0
    rows = session.scalars(
        select(Participant).where(*conditions).order_by(*SORTS[query.sort])
        .limit(PAGE_SIZE).offset((query.page - 1) * PAGE_SIZE)
    ).all()
    return list(rows), total


def checked_in_ids(session: Session, participant_ids: list[int]) -> set[int]:
    if not participant_ids:
        return set()
    return set(session.scalars(select(CheckIn.participant_id).where(
        CheckIn.participant_id.in_(participant_ids)).distinct()))


def counts(session: Session, event: Event) -> dict[str, Any]:
    """Counts of active (not cancelled) participants per province and institution type, and per status."""
    active = [Participant.event_id == event.id, Participant.status != ParticipantStatus.CANCELLED]
    by_province = session.execute(
        select(Participant.province, func.count()).where(*active).group_by(Participant.province)
        .order_by(func.count().desc(), Participant.province)).all()
    by_type = session.execute(
        select(Participant.institution_type, func.count()).where(*active).group_by(Participant.institution_type)
        .order_by(func.count().desc())).all()
    by_status = dict(session.execute(
        select(Participant.status, func.count()).where(Participant.event_id == event.id)
        .group_by(Participant.status)).all())
    checked = session.scalar(select(func.count(func.distinct(CheckIn.participant_id))).join(
        Participant, CheckIn.participant_id == Participant.id).where(Participant.event_id == event.id)) or 0
    return {"province": by_province, "institution_type": by_type, "status": by_status, "checked_in": checked}


def history(session: Session, participant: Participant) -> dict[str, list]:
    mails = session.scalars(select(MailMessage).where(MailMessage.participant_id == participant.id)
                            .order_by(MailMessage.created_at.desc())).all()
    checkins = session.execute(select(CheckIn, Checkpoint).join(Checkpoint, CheckIn.checkpoint_id == Checkpoint.id)
                               .where(CheckIn.participant_id == participant.id)
                               .order_by(CheckIn.checked_in_at)).all()
    audits = session.scalars(select(AuditLog).where(AuditLog.target_type == "participant",
                                                    AuditLog.target_id == participant.id)
                             .order_by(AuditLog.created_at.desc(), AuditLog.id.desc())).all()
    return {"mails": list(mails), "checkins": list(checkins), "audit": list(audits)}


def get_participant(session: Session, event: Event, public_id: str) -> Participant | None:
    if len(public_id) > 16:
        return None
    return session.scalar(select(Participant).where(Participant.event_id == event.id,
                                                    Participant.public_id == public_id.upper()))
