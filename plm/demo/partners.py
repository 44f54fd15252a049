"""The demo's partner institutions (plm/demo/partners.json): records with seats for the libraries and TBM
that sent demo participants, their delegates linked, invitation links issued, a few behind, one pending."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from plm.delegations.models import DelegationCap, Institution
from plm.models import Event, Participant, utcnow
from plm.vocabulary import ParticipantRole, ParticipantStatus

RULES = json.loads((Path(__file__).resolve().parent / "partners.json").read_text(encoding="utf-8"))


def load_partners(session: Session, event: Event, participants: list[Participant], secret_key: str) -> list[Institution]:
    """Institutions in the order their first delegate appears (deterministic), seats = delegates, except
    every `behind_every`-th, which still has empty seats; of those, every `not_used_every`-th never used its link."""
    groups: dict[tuple[str, str], list[Participant]] = {}
    for person in participants:
        if person.role == ParticipantRole.PARTICIPANT and person.institution_type in RULES["types"]:
            groups.setdefault((person.institution, person.institution_type), []).append(person)
    now = utcnow()
    institutions = []
    for index, ((name, kind), people) in enumerate(groups.items()):
        contact = people[0]
        behind = index % RULES["behind_every"] == RULES["behind_every"] - 1
        extra = RULES["behind_extra_seats"][index % len(RULES["behind_extra_seats"])] if behind else 0
        institution = Institution(
            event_id=event.id, name=name, institution_type=kind, province=contact.province,
            regency=_regency(name),
            contact_name=contact.full_name, contact_whatsapp=contact.phone, contact_email=contact.email,
            seats=len(people) + extra)
        session.add(institution)
        institutions.append((institution, people, behind, index))
    session.flush()
    linked: list[list[Participant]] = []
    for institution, people, behind, index in institutions:
        institution.issue_invite(secret_key)
        institution.invite_issued_at = now - timedelta(days=30)
        if behind and (index // RULES["behind_every"]) % RULES["not_used_every"] == 0:
            continue  # never used its link: its people registered on the open form (free text, to match)
        institution.first_active_at = now - timedelta(days=20 - index % 10)
        institution.first_opened_at = institution.first_active_at - timedelta(hours=2)  # read it, then acted
        institution.last_opened_at = now - timedelta(days=index % 7, hours=index % 5)
        for person in people:
            person.institution_id = institution.id
        linked.append(people)
    if linked:  # a smaller demo (count=30) has fewer institutions: the last one then
        linked[min(RULES["pending_institution"], len(linked) - 1)][-1].status = ParticipantStatus.PENDING
    for cap in RULES["caps"]:
        session.add(DelegationCap(event_id=event.id, **cap))
    session.flush()
    return [item[0] for item in institutions]


def _regency(name: str) -> str:
    """'Kab. Gianyar' or 'Kota Denpasar' from a library's name, when it has one."""
    for marker in ("Kab. ", "Kabupaten ", "Kota "):
        if marker in name:
            return name[name.index(marker):][:120]
    return ""
