"""Find untranslated text in rendered pages: raw field names (full_name) and English status words (queued).

The catalogue check (scripts/check-translations) proves every marked string has a translation; it cannot see a
stored code printed as is (`{{ m.status }}`) or a message built from field names. This renders every staff and
participant page in Indonesian and scans what a reader sees. Used by scripts/check-translations and the tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

from plm.vocabulary import CheckpointKind, JobStatus, MailStatus, ParticipantStatus

# A word with an underscore is a code, never Indonesian (full_name, regency_city, access_needs).
RAW_FIELD = re.compile(r"(?<![\w@./:-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@./-])")
# Stored English vocabularies that must be shown through a label.
ENGLISH_WORDS = re.compile(r"\b(queued|sent|failed|logged|waitlisted|registered|cancelled|pending|running)\b")
# Text inside these is code or typed data, not prose.
SKIP_TAGS = {"script", "style", "code", "pre", "kbd", "samp", "textarea", "noscript", "template"}
VISIBLE_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
# Routes that are files, never HTML: not fetched at all (a rooming list PDF takes seconds to make).
DOWNLOADS = re.compile(r"\.(pdf|xlsx|csv|ics|zip|png)$")


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIP_TAGS:
            self._skip += 1
        attributes = dict(attrs)
        if attributes.get("translate") == "no":
            return
        for name in VISIBLE_ATTRIBUTES:
            if attributes.get(name):
                self.parts.append(str(attributes[name]))

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_TAGS and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def findings_in(html: str) -> list[str]:
    """The raw field names and English status words a reader of this page would see."""
    text = visible_text(html)
    found = [m.group(0) for m in RAW_FIELD.finditer(text)] + [m.group(0) for m in ENGLISH_WORDS.finditer(text)]
    return sorted(set(found))


@dataclass
class Finding:
    url: str
    words: list[str]


def sample_values(session: Any, event: Any, user: Any) -> dict[str, Any]:
    """Values for every URL argument of the app's pages, made on `event` (a loaded demo) when missing."""
    from sqlalchemy import select

    from plm import jobs
    from plm.models import Certificate, Checkpoint, EventSession, MailMessage, Participant, Room, Track, utcnow
    from plm.questions.models import RegistrationQuestion

    person = session.scalar(select(Participant).where(Participant.event_id == event.id,
                                                      Participant.status == ParticipantStatus.REGISTERED).order_by(Participant.id))
    token = person.issue_manage_token()
    # A history worth reading on the participant's page: an edit and two status changes.
    from plm.registration import service as registration

    registration.update_details(session, person, {"institution": (person.institution or "TBM") + " Baru"}, user=user)
    registration.set_status(session, person, ParticipantStatus.WAITLISTED, user)
    registration.set_status(session, person, ParticipantStatus.REGISTERED, user)
    workshop = session.scalar(select(EventSession).where(EventSession.event_id == event.id)
                              .order_by(EventSession.signup_required.desc(), EventSession.id))
    room = session.scalar(select(Room).where(Room.event_id == event.id))
    track = session.scalar(select(Track).where(Track.event_id == event.id))
    mails = [MailMessage(event_id=event.id, participant_id=person.id, recipient=person.email, subject="Tiket",
                         body_text="Tiket Anda", status=status) for status in MailStatus]
    session.add_all(mails)
    certificate = person.certificate or Certificate(participant_id=person.id, serial="PLM-AUDIT-0001", hours=8)
    session.add(certificate)
    job = jobs.enqueue(session, "badges", event, user, {"ids": [person.public_id]}, total=1)
    job.status, job.progress, job.finished_at = JobStatus.DONE, 1, utcnow() + timedelta(seconds=1)
    invite_token, institution_id = delegation_sample_values(session, event, person)
    from plm.evaluations import service as evaluations
    from plm.evaluations.models import Questionnaire

    form = session.scalar(select(Questionnaire).where(Questionnaire.event_id == event.id).order_by(Questionnaire.id)) \
        or evaluations.create_from_starter(session, event, "test", user=user)
    from plm.lodging.models import Hotel, HotelRoom

    hotel = session.scalar(select(Hotel).where(Hotel.event_id == event.id).order_by(Hotel.id))
    hotel_room_id = session.scalar(select(HotelRoom.id).where(HotelRoom.hotel_id == hotel.id).order_by(HotelRoom.id)) \
        if hotel else None
    session.commit()
    return {"slug": event.slug, "public_id": person.public_id, "hotel_id": hotel.id if hotel else None,
            "hotel_room_id": hotel_room_id, "token": token, "form_id": form.id, "code": form.code,
            "session_id": workshop.id if workshop else None, "room_id": room.id if room else None,
            "track_id": track.id if track else None, "message_id": mails[0].id, "serial": certificate.serial,
            "job_id": job.id, "fmt": "csv", "user_id": user.id, "invite_token": invite_token,
            "institution_id": institution_id,
            "question_id": session.scalar(select(RegistrationQuestion.id).where(RegistrationQuestion.event_id == event.id)
                                          .order_by(RegistrationQuestion.position)),
            "checkpoint_id": session.scalar(select(Checkpoint.id).where(Checkpoint.event_id == event.id,
                                                                        Checkpoint.kind == CheckpointKind.DAY))}


def delegation_sample_values(session: Any, event: Any, person: Any) -> tuple[str, int]:
    """An invitation link whose delegation includes `person` (so its replace/free pages open)."""
    from flask import current_app
    from sqlalchemy import select

    from plm.delegations.models import Institution

    institution = session.scalar(select(Institution).where(Institution.event_id == event.id).order_by(Institution.id))
    if institution is None:
        institution = Institution(event_id=event.id, name=person.institution or "TBM", seats=3, province=person.province)
        session.add(institution)
        session.flush()
    person.institution_id = institution.id
    return institution.issue_invite(current_app.config["SECRET_KEY"]), institution.id


def audit_pages(app: Any, client: Any, values: dict[str, Any], *,
                language: str = "id") -> tuple[list[Finding], list[str], list[str]]:
    """GET every HTML page the values can address with `client` (logged in as an admin) in `language`.

    Returns the pages with findings, the URLs checked, and the rules that were not checked (an argument
    without a value, or not an HTML page) so a caller can see what the scan covered.
    """
    client.get(f"/lang/{language}")
    adapter = app.url_map.bind("localhost")
    findings: list[Finding] = []
    skipped: list[str] = []
    checked: list[str] = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static" or rule.rule.startswith("/api/") \
                or rule.endpoint in ("set_language",):
            continue
        if DOWNLOADS.search(rule.rule):
            skipped.append(f"{rule.rule} (download)")
            continue
        arguments = {name: values.get(name) for name in rule.arguments}
        if any(value is None for value in arguments.values()):
            skipped.append(rule.rule)
            continue
        url = adapter.build(rule.endpoint, arguments)
        response = client.get(url)
        if response.status_code >= 300 or not response.mimetype == "text/html":
            skipped.append(f"{rule.rule} ({response.status_code} {response.mimetype})")
            continue
        checked.append(url)
        words = findings_in(response.get_data(as_text=True))
        if words:
            findings.append(Finding(url, words))
    return findings, checked, skipped


def report(findings: Iterable[Finding]) -> list[str]:
    return [f"untranslated on {f.url}: {', '.join(f.words)}" for f in findings]
