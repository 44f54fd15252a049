"""The funders' report: what the event reached, by province, institution type, role and day, as plain data.

Every figure counts participants whose registration stands (status "registered"); "attended" means
checked in at least once, at the door or in a session; a no-show is registered and never checked in.
The renderers (:mod:`.pdf`, :mod:`.xlsx`) take the :class:`Report` built here, never models.

Events of one programme (the PLM of 2015, 2016, ...) are linked by their slug: the slug without a
trailing year (``plm-2015`` and ``plm-2016`` are programme ``plm``). No column, no setting: naming the
slugs that way is the whole convention, and an event whose slug has no year stands alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from sqlalchemy import and_, distinct, func, select
from sqlalchemy.orm import Session

from plm.labels import N_, PARTICIPANT_ROLE_TEXTS, label_in
from plm.models import (
    Certificate,
    CheckIn,
    Checkpoint,
    Event,
    EventSession,
    Participant,
    SessionSignup,
    session_facilitators,
    utcnow,
)
from plm.vocabulary import NON_PROGRAMME_KINDS, InstitutionType, ParticipantRole, ParticipantStatus

LANGUAGES = ("id", "en")
INSTITUTION_TYPE_TEXTS = {
    "provincial": N_("Provincial library"),
    "regency_city": N_("Regency/city library"),
    "village": N_("Village library"),
    "tbm": N_("Reading garden (TBM)"),
    "other": N_("Other"),
}
SESSION_KIND_TEXTS = {"plenary": N_("Plenary"), "sharing": N_("Sharing session"), "workshop": N_("Workshop")}
GENDER_TEXTS = {"female": N_("Female"), "male": N_("Male")}
NO_PROVINCE = N_("Not given")
_YEAR_SUFFIX = re.compile(r"[-_]?(19|20)\d{2}$")


class _Turnout:
    """Who of the registered came: for a "by ..." line and for the whole report."""

    registered: int
    attended: int

    @property
    def no_shows(self) -> int:
        return self.registered - self.attended

    @property
    def percent(self) -> float | None:
        return round(100 * self.attended / self.registered, 1) if self.registered else None


@dataclass(frozen=True)
class Row(_Turnout):
    """One line of a "by ..." table."""

    key: str
    label: str
    registered: int
    attended: int


@dataclass(frozen=True)
class DayRow:
    number: int
    day: date
    label: str
    checked_in: int


@dataclass(frozen=True)
class SessionRow:
    title: str
    kind: str
    kind_label: str
    starts_local: str
    room: str
    signups: int
    expected: int | None
    checked_in: int


@dataclass(frozen=True)
class YearRow:
    slug: str
    name: str
    year: int
    city: str
    registered: int
    attended: int
    provinces: int
    sessions: int
    certificates: int
    current: bool


@dataclass(frozen=True)
class EvaluationRow:
    """One evaluation form, its ratings averaged (the detail per question is in the XLSX)."""

    title: str
    responses: int
    eligible: int
    response_rate: float | None  # 0..1
    mean_rating: float | None


@dataclass(frozen=True)
class QuestionRow:
    """One rating question across the forms that ask it: the mean of the forms' means."""

    text: str
    forms: int
    mean: float | None


@dataclass(frozen=True)
class Certificates:
    issued: int
    revoked: int
    under_review: int


@dataclass
class Report(_Turnout):
    lang: str
    slug: str
    event_name: str
    theme: str
    venue: str
    city: str
    dates: str
    generated_at: str
    logo_paths: tuple[str, ...]
    status_counts: dict[str, int]
    registered: int
    attended: int
    provinces: int
    institutions: int
    programme: list[tuple[str, int]]
    by_province: list[Row]
    by_institution_type: list[Row]
    by_role: list[Row]
    days: list[DayRow]
    sessions: list[SessionRow]
    certificates: Certificates
    years: list[YearRow]
    by_institution: list[tuple[str, str, str, int, int]] = field(default_factory=list)
    by_gender: list[Row] | None = None
    evaluation: Any = None
    gains: Any = None
    evaluation_rows: list[EvaluationRow] = field(default_factory=list)
    evaluation_questions: list[QuestionRow] = field(default_factory=list)

    @property
    def gains_in_detail(self) -> list[Any]:
        """The pre/post tests the PDF breaks down by province and type of institution: those of the whole
        event (no session, no day), else the one most people took. A page per test would make a long
        programme's report dozens of pages (and seconds) longer; the XLSX holds every test's breakdown."""
        tests = self.gains or []
        whole_event = [t for t in tests if t.session_title is None and t.day is None]
        return whole_event or sorted(tests, key=lambda t: -t.overall.paired)[:1]


def programme_key(slug: str) -> str:
    """The programme an event belongs to: its slug without a trailing year ("plm-2015" -> "plm")."""
    return _YEAR_SUFFIX.sub("", slug) or slug


def programme_events(session: Session, event: Event) -> list[Event]:
    """This event and the other events of its programme, oldest first."""
    key = programme_key(event.slug)
    if key == event.slug:
        return [event]
    candidates = session.scalars(select(Event).where(Event.slug.like(f"{key}%")).order_by(Event.starts_on, Event.id))
    return [e for e in candidates if programme_key(e.slug) == key]


def _attended_ids(event_id: int):
    """Participants with at least one check-in at one of the event's checkpoints."""
    return (select(CheckIn.participant_id).join(Checkpoint, Checkpoint.id == CheckIn.checkpoint_id)
            .where(Checkpoint.event_id == event_id).distinct().subquery())


def breakdown(session: Session, event_id: int, column: Any) -> dict[str, tuple[int, int]]:
    """value -> (registered, attended) over the registered participants."""
    attended = _attended_ids(event_id)
    rows = session.execute(
        select(column, func.count(Participant.id), func.count(attended.c.participant_id))
        .select_from(Participant)
        .outerjoin(attended, attended.c.participant_id == Participant.id)
        .where(Participant.event_id == event_id, Participant.status == "registered")
        .group_by(column)).all()
    return {value or "": (registered, checked) for value, registered, checked in rows}


def _rows(counts: dict[str, tuple[int, int]], order: list[str], texts: dict[str, str], lang: str) -> list[Row]:
    """Rows in vocabulary order (every value shown, zeros too), then any stored value outside it."""
    keys = list(order) + sorted(k for k in counts if k not in order)
    return [Row(k, label_in(texts[k], lang) if k in texts else k, *counts.get(k, (0, 0))) for k in keys]


def province_rows(counts: dict[str, tuple[int, int]], lang: str) -> list[Row]:
    """Provinces with anyone registered, most registered first (the long list is read from the top)."""
    rows = [Row(k, k or label_in(NO_PROVINCE, lang), registered, attended)
            for k, (registered, attended) in counts.items() if registered]
    return sorted(rows, key=lambda r: (-r.registered, -r.attended, r.label))


def totals(session: Session, event_id: int) -> tuple[int, int]:
    """(registered, attended) for one event."""
    attended = _attended_ids(event_id)
    registered, checked = session.execute(
        select(func.count(Participant.id), func.count(attended.c.participant_id))
        .select_from(Participant).outerjoin(attended, attended.c.participant_id == Participant.id)
        .where(Participant.event_id == event_id, Participant.status == "registered")).one()
    return registered, checked


def _programme_sessions(event_id: int):
    return and_(EventSession.event_id == event_id, EventSession.cancelled_at.is_(None),
                EventSession.kind.not_in(NON_PROGRAMME_KINDS))


def _registered_checkins_by(session: Session, event: Event, kind: str, column) -> dict:
    """Check-ins of registered participants at the event's checkpoints of *kind*, counted by *column*."""
    return dict(session.execute(
        select(column, func.count(CheckIn.id))
        .join(CheckIn, CheckIn.checkpoint_id == Checkpoint.id)
        .join(Participant, Participant.id == CheckIn.participant_id)
        .where(Checkpoint.event_id == event.id, Checkpoint.kind == kind, Participant.status == "registered")
        .group_by(column)).all())


def day_rows(session: Session, event: Event, lang: str) -> list[DayRow]:
    """Check-ins of registered participants at each day's door checkpoint."""
    counts = _registered_checkins_by(session, event, "day", Checkpoint.day)
    return [DayRow(n, day, format_date(day, "EEE d MMM", locale=lang), counts.get(day, 0))
            for n, day in enumerate(event.days, start=1)]


def session_rows(session: Session, event: Event, lang: str) -> list[SessionRow]:
    """Every programme session (breaks and the registration desk left out) with its check-ins."""
    checked = _registered_checkins_by(session, event, "session", Checkpoint.session_id)
    signups = dict(session.execute(
        select(SessionSignup.session_id, func.count(SessionSignup.id))
        .join(EventSession, EventSession.id == SessionSignup.session_id)
        .where(EventSession.event_id == event.id).group_by(SessionSignup.session_id)).all())
    tz = ZoneInfo(event.timezone)
    out = []
    for item in session.scalars(select(EventSession).where(_programme_sessions(event.id))
                                .order_by(EventSession.starts_at, EventSession.id)):
        start = item.starts_at.astimezone(tz)
        signed = signups.get(item.id, 0)
        out.append(SessionRow(
            title=item.title, kind=item.kind,
            kind_label=label_in(SESSION_KIND_TEXTS[item.kind], lang) if item.kind in SESSION_KIND_TEXTS else item.kind,
            starts_local=format_datetime(start, "EEE d MMM HH:mm", locale=lang),
            room=item.room.name if item.room else "", signups=signed,
            expected=signed if item.signup_required else item.capacity,
            checked_in=checked.get(item.id, 0)))
    return out


def certificate_counts(session: Session, event_id: int) -> Certificates:
    issued, revoked, review = session.execute(
        select(func.count(Certificate.id).filter(Certificate.revoked_at.is_(None)),
               func.count(Certificate.id).filter(Certificate.revoked_at.is_not(None)),
               func.count(Certificate.id).filter(Certificate.revoked_at.is_(None), Certificate.review_at.is_not(None)))
        .join(Participant, Participant.id == Certificate.participant_id)
        .where(Participant.event_id == event_id)).one()
    return Certificates(issued, revoked, review)


def programme_summary(session: Session, event: Event, lang: str) -> list[tuple[str, int]]:
    """(what, how many): days, sessions per kind, rooms used, session leaders."""
    kinds = dict(session.execute(select(EventSession.kind, func.count(EventSession.id))
                                 .where(_programme_sessions(event.id)).group_by(EventSession.kind)).all())
    rooms = session.scalar(select(func.count(distinct(EventSession.room_id))).where(_programme_sessions(event.id))) or 0
    leaders = session.scalar(
        select(func.count(distinct(session_facilitators.c.participant_id)))
        .join(EventSession, EventSession.id == session_facilitators.c.session_id)
        .where(_programme_sessions(event.id))) or 0
    out = [(label_in(N_("Days"), lang), len(event.days)),
           (label_in(N_("Sessions"), lang), sum(kinds.values()))]
    out += [(label_in(text, lang), kinds.get(kind, 0)) for kind, text in SESSION_KIND_TEXTS.items()]
    out += [(label_in(N_("Rooms used"), lang), rooms), (label_in(N_("Session leaders"), lang), leaders)]
    return out


def year_rows(session: Session, event: Event) -> list[YearRow]:
    """The same headline figures for every event of the programme, oldest first."""
    out = []
    for other in programme_events(session, event):
        registered, attended = totals(session, other.id)
        provinces = session.scalar(select(func.count(distinct(Participant.province))).where(
            Participant.event_id == other.id, Participant.status == "registered", Participant.province != "")) or 0
        sessions = session.scalar(select(func.count(EventSession.id)).where(_programme_sessions(other.id))) or 0
        out.append(YearRow(other.slug, other.name, other.starts_on.year, other.city, registered, attended, provinces,
                           sessions, certificate_counts(session, other.id).issued, other.id == event.id))
    return out


def institution_rows(session: Session, event_id: int) -> list[tuple[str, str, str, int, int]]:
    """(institution, type, province, registered, attended) per institution, most registered first."""
    attended = _attended_ids(event_id)
    rows = session.execute(
        select(Participant.institution, Participant.institution_type, Participant.province,
               func.count(Participant.id), func.count(attended.c.participant_id))
        .select_from(Participant).outerjoin(attended, attended.c.participant_id == Participant.id)
        .where(Participant.event_id == event_id, Participant.status == "registered")
        .group_by(Participant.institution, Participant.institution_type, Participant.province)).all()
    return sorted(((i or "", t or "", p or "", r, a) for i, t, p, r, a in rows), key=lambda x: (-x[3], x[0], x[2]))


def gender_rows(session: Session, event: Event, lang: str) -> list[Row] | None:
    """Registered and attended by gender when the event asked for it (custom questions), else None."""
    try:
        from plm.questions.service import answers_by_key  # type: ignore[import-not-found]
    except ImportError:
        return None
    answers = answers_by_key(session, event.id, "gender") or {}
    if not answers:
        return None
    attended = _attended_ids(event.id)
    people = session.execute(
        select(Participant.id, attended.c.participant_id).select_from(Participant)
        .outerjoin(attended, attended.c.participant_id == Participant.id)
        .where(Participant.event_id == event.id, Participant.status == "registered")).all()
    counts: dict[str, list[int]] = {}
    for pid, checked in people:
        key = answers.get(pid) or ""
        entry = counts.setdefault(key, [0, 0])
        entry[0] += 1
        entry[1] += 1 if checked is not None else 0
    texts = dict(GENDER_TEXTS, **{"": NO_PROVINCE})
    order = ["female", "male"] + ([""] if "" in counts else [])
    return _rows({k: (v[0], v[1]) for k, v in counts.items()}, order, texts, lang)


def build_report(session: Session, event: Event, *, upload_folder: str, lang: str = "id",
                 now: datetime | None = None) -> Report:
    """Everything the report shows, read in one go (a GET: nothing is written)."""
    from plm.documents.service import upload_path

    lang = lang if lang in LANGUAGES else "id"
    evaluation = _optional("plm.evaluations.service", "evaluation_summary", session, event, lang=lang) or None
    registered, attended = totals(session, event.id)
    statuses = dict(session.execute(select(Participant.status, func.count(Participant.id))
                                    .where(Participant.event_id == event.id).group_by(Participant.status)).all())
    provinces = breakdown(session, event.id, Participant.province)
    institutions = session.scalar(select(func.count(distinct(func.lower(Participant.institution)))).where(
        Participant.event_id == event.id, Participant.status == "registered", Participant.institution != "")) or 0
    logos = [upload_path(upload_folder, event.logo_path)]
    logos += [upload_path(upload_folder, p) for p in (event.partner_logos or [])[:3]]
    tz = ZoneInfo(event.timezone)
    start, end = event.starts_on, event.ends_on
    dates = (format_date(start, "long", locale=lang) if start == end else
             f"{format_date(start, 'd MMM', locale=lang)} – {format_date(end, 'long', locale=lang)}")
    return Report(
        lang=lang, slug=event.slug, event_name=event.name, theme=event.theme, venue=event.venue, city=event.city,
        dates=dates,
        generated_at=format_datetime((now or utcnow()).astimezone(tz), "d MMM yyyy HH:mm", locale=lang),
        logo_paths=tuple(p for p in logos if p),
        status_counts={s: statuses.get(s, 0) for s in ParticipantStatus.values()},
        registered=registered, attended=attended,
        provinces=sum(1 for k, (r, _) in provinces.items() if k and r),
        institutions=institutions,
        programme=programme_summary(session, event, lang),
        by_province=province_rows(provinces, lang),
        by_institution_type=_rows(breakdown(session, event.id, Participant.institution_type), InstitutionType.values(),
                                  INSTITUTION_TYPE_TEXTS, lang),
        by_role=_rows(breakdown(session, event.id, Participant.role), ParticipantRole.values(), PARTICIPANT_ROLE_TEXTS, lang),
        days=day_rows(session, event, lang),
        sessions=session_rows(session, event, lang),
        certificates=certificate_counts(session, event.id),
        years=year_rows(session, event),
        by_institution=institution_rows(session, event.id),
        by_gender=gender_rows(session, event, lang),
        evaluation=evaluation,
        evaluation_rows=evaluation_rows(evaluation or []),
        evaluation_questions=evaluation_questions(evaluation or []),
        gains=_gains(_optional("plm.evaluations.service", "test_gains", session, event, lang=lang), lang),
    )


def _optional(module: str, name: str, *args: Any, **kwargs: Any) -> Any:
    """A section another feature provides (evaluations: `evaluation_summary`, `test_gains`), or None while
    that feature is not installed."""
    from importlib import import_module

    try:
        function = getattr(import_module(module), name)
    except (ImportError, AttributeError):
        return None
    return function(*args, **kwargs)


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def evaluation_rows(summaries: list[Any]) -> list[EvaluationRow]:
    """A line per evaluation form: its answers and the mean of its rating questions' means."""
    return [EvaluationRow(f.title, f.responses, f.eligible, f.response_rate,
                          _mean([m for _, m in f.mean_ratings if m is not None])) for f in summaries]


def evaluation_questions(summaries: list[Any]) -> list[QuestionRow]:
    """A line per rating question (by its text, in first-asked order) over every form that asks it."""
    means: dict[str, list[float]] = {}
    asked: dict[str, int] = {}
    for f in summaries:
        for text, mean in f.mean_ratings:
            asked[text] = asked.get(text, 0) + 1
            if mean is not None:
                means.setdefault(text, []).append(mean)
    return [QuestionRow(text, n, _mean(means.get(text, []))) for text, n in asked.items()]


def _gains(tests: Any, lang: str) -> Any:
    """The pre/post tests with institution types in words (the evaluations feature gives the stored codes)."""
    if not tests:
        return None
    from dataclasses import replace

    return [replace(test, by_institution_type=[
        replace(g, label=label_in(INSTITUTION_TYPE_TEXTS[g.label], lang)) if g.label in INSTITUTION_TYPE_TEXTS else g
        for g in test.by_institution_type]) for test in tests]


def filename(event: Event, fmt: str) -> str:
    return f"laporan-{event.slug}.{fmt}"
