"""The documents feature's batch jobs: badge sheets and certificates, run by the generic runner
(:mod:`plm.jobs`) in its worker's child process. Registered when this module is imported (by the
feature's routes, so by every app the factory builds)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import Session

from plm import jobs, links
from plm.documents import service
from plm.jobs import JobError, progress_reporter, set_total
from plm.models import Event, Job, User
from plm.vocabulary import Role


def _badges(app: Flask, session: Session, job: Job, event: Event, processes: int) -> bytes:
    selection = service.BadgeSelection.from_params(job.params.get("selection") or {})
    layout = job.params.get("layout") or "a6"
    people = service.select_badges(session, event, selection)
    if not people:
        raise JobError("empty")
    job_id = job.id
    set_total(session, job_id, len(people))
    ids = [p.id for p in people]
    pdf = service.render_badge_pdf(session, event, people, secret=app.config["SECRET_KEY"],
                                   upload_folder=app.config["UPLOAD_FOLDER"], layout=layout,
                                   progress=progress_reporter(session, job_id), mark_printed=False,
                                   processes=processes)
    service.mark_badges_printed(session, ids)
    return pdf


def _certificates(app: Flask, session: Session, job: Job, event: Event, processes: int) -> bytes:
    user = session.get(User, job.user_id) if job.user_id else None
    if user is None or not user.active:
        raise JobError("forbidden")
    try:
        people = service.scoped_participants(session, event, user, job.params.get("session_id"))
    except service.DocumentError as exc:
        raise JobError(exc.code)
    chosen = service.certificates_to_print(session, event, people)
    if not chosen:
        raise JobError("empty")
    job_id = job.id
    certs = service.prepare_certificates(session, event, chosen, base_url=links.base_url(app))
    session.commit()  # serials are issued before the long render: no write lock held meanwhile
    set_total(session, job_id, len(certs))
    return service.render_certificate_pdf(event, certs, upload_folder=app.config["UPLOAD_FOLDER"],
                                          progress=progress_reporter(session, job_id), processes=processes,
                                          session=session)


# Organizers print badges at the desk: every badge job is theirs to follow; certificates stay with their owner.
def register_handlers() -> None:
    """The batch kinds this feature runs (called by plm.documents.init_app, in the web and the job child)."""
    jobs.register_handler("badges", _badges, shared_with=lambda user: user.role == Role.ORGANIZER)
    jobs.register_handler("certificates", _certificates)
