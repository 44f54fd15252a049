"""Export, erase and anonymise personal data while keeping what certificates and counts need."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from plm import clock
from plm.evaluations import service as evaluations
from plm.models import (
    AuditLog,
    CheckIn,
    CheckInSignature,
    Checkpoint,
    Event,
    EventSession,
    MailMessage,
    Participant,
    SessionSignup,
    User,
    audit,
    utcnow,
)
from plm.questions.models import RegistrationAnswer, RegistrationQuestion
from plm.vocabulary import ParticipantStatus

PERSONAL_FIELDS = ("full_name", "name_on_badge", "email", "phone", "institution", "institution_type", "province",
                   "role", "status", "diet", "access_needs")


class PrivacyError(ValueError):
    """A refused privacy action, with a code the page turns into a message."""


def export_participant_data(session: Session, participant: Participant, lang: str = "id") -> dict[str, Any]:
    """Everything PLM holds about one participant, as plain JSON-ready data (form texts in *lang*)."""
    event = participant.event
    checkins = session.execute(
        select(CheckIn.checked_in_at, Checkpoint.kind, Checkpoint.day, Checkpoint.name)
        .join(Checkpoint, CheckIn.checkpoint_id == Checkpoint.id)
        .where(CheckIn.participant_id == participant.id).order_by(CheckIn.checked_in_at)
    ).all()
    signups = session.scalars(
        select(EventSession.title).join(SessionSignup, SessionSignup.session_id == EventSession.id)
        .where(SessionSignup.participant_id == participant.id)
    ).all()
    mails = session.execute(
        select(MailMessage.created_at, MailMessage.subject, MailMessage.status)
        .where(MailMessage.participant_id == participant.id).order_by(MailMessage.created_at)
    ).all()
    from plm.delegations import service as delegations

    certificate = participant.certificate
    answers = {question.key: answer.value for question, answer in session.execute(
        select(RegistrationQuestion, RegistrationAnswer).join(RegistrationAnswer, RegistrationAnswer.question_id == RegistrationQuestion.id)
        .where(RegistrationAnswer.participant_id == participant.id).order_by(RegistrationQuestion.position, RegistrationQuestion.id))}
    return {
        "event": {"slug": event.slug, "name": event.name},
        "participant": {
            "public_id": participant.public_id,
            **{field: getattr(participant, field) for field in PERSONAL_FIELDS},
            "consent_at": _iso(participant.consent_at),
            "registered_at": _iso(participant.created_at),
            "cancelled_at": _iso(participant.cancelled_at),
            "badge_printed_at": _iso(participant.badge_printed_at),
        },
        "answers": {key: value.isoformat() if isinstance(value, date) else value for key, value in answers.items()},
        "checkins": [{"at": _iso(at), "checkpoint": kind, "day": day.isoformat() if day else None, "name": name}
                     for at, kind, day, name in checkins],
        "session_signups": list(signups),
        "certificate": {"serial": certificate.serial, "issued_at": _iso(certificate.issued_at),
                        "revoked": certificate.revoked_at is not None} if certificate else None,
        "mails": [{"at": _iso(at), "subject": subject, "status": status} for at, subject, status in mails],
        "evaluations": evaluations.export_answers(session, participant, lang),
        "institution_contact": [delegations.contact_data(institution)
                                for institution in delegations.contacted_institutions(session, participant)],
    }


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _strip_personal_data(session: Session, participant: Participant) -> None:
    """Remove name and contacts; keep public id, province, institution type, role and attendance."""
    participant.full_name = f"({participant.public_id})"
    participant.name_on_badge = participant.full_name
    participant.email = f"anonymised-{participant.public_id.lower()}@anonymised.invalid"
    participant.phone = ""
    participant.institution = ""
    participant.diet = ""
    participant.access_needs = ""
    participant.manage_token_hash = None
    participant.pending_manage_token_hash = None
    participant.ticket_secret = "anonymised"
    session.execute(delete(MailMessage).where(MailMessage.participant_id == participant.id))
    # Answers to the event's own questions (NIP, gender, position...) are personal data.
    session.execute(delete(RegistrationAnswer).where(RegistrationAnswer.participant_id == participant.id))
    # A drawn signature is personal data too; the check-in it belonged to stays.
    session.execute(delete(CheckInSignature).where(CheckInSignature.checkin_id.in_(
        select(CheckIn.id).where(CheckIn.participant_id == participant.id))))
    # Named evaluation answers and test scores lose their link; anonymous ones never had one.
    evaluations.unlink_answers(session, participant)
    session.execute(update(AuditLog).where(AuditLog.target_type == "participant", AuditLog.target_id == participant.id)
                    .values(detail={}))


def erase_participant(session: Session, participant: Participant, *, by: User | None = None) -> None:
    """The participant's own deletion request: their registration ends and their personal data goes.

    Attendance and a certificate serial stay (anonymous) so event counts remain right.
    """
    from plm.delegations import service as delegations
    from plm.registration.service import release_signups

    if participant.status != ParticipantStatus.CANCELLED:
        participant.status = ParticipantStatus.CANCELLED
        participant.cancelled_at = utcnow()
    release_signups(session, participant)
    # Named as their institution's contact: that goes too (staff see the contact is missing and add another).
    for institution in delegations.contacted_institutions(session, participant):
        delegations.forget_contact(session, institution)
    _strip_personal_data(session, participant)
    audit(session, "participant.erase", user=by, event_id=participant.event_id, target=participant)


def anonymise_event(session: Session, event: Event, *, by: User | None = None, today: date | None = None) -> int:
    """After the event: remove every participant's name and contacts, and every institution contact's.
    Returns how many participants were anonymised."""
    if (today or clock.today()) <= event.ends_on:
        raise PrivacyError("event_not_over")
    participants = session.scalars(select(Participant).where(Participant.event_id == event.id)).all()
    from plm.delegations import service as delegations
    from plm.registration.service import release_signups

    for participant in participants:
        if participant.status != ParticipantStatus.REGISTERED:  # attendees keep theirs: certificate rules count them
            release_signups(session, participant)
        _strip_personal_data(session, participant)
    # Institution contacts (name, WhatsApp, e-mail) are personal data too; mails to them go with the event's.
    institution_count = delegations.anonymise_contacts(session, event)
    session.execute(delete(MailMessage).where(MailMessage.event_id == event.id))
    audit(session, "event.anonymise", user=by, event_id=event.id, target=event, participants=len(participants),
          institutions=institution_count)
    return len(participants)
