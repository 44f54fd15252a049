"""Badges, certificates, batch jobs and the public verification page."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select
from wtforms.fields.choices import SelectChoice

from plm import jobs, links
from plm.auth.decorators import admin_required, role_required
from plm.documents import service
from plm.documents.forms import (
    BadgeForm,
    BadgePrintForm,
    CertificateJobForm,
    IssueCertificateForm,
    OverrideForm,
    ReinstateForm,
    RevokeForm,
    SettingsForm,
)
from plm.events import get_event_or_404, get_participant_by_token_or_404
from plm.extensions import db, limiter
from plm.labels import PARTICIPANT_ROLE_LABELS, STATUS_LABELS
from plm.models import Event, EventSession, Job, Participant
from plm.transactions import change_and_redirect
from plm.vocabulary import JobStatus, ParticipantRole, ParticipantStatus, Role

bp = Blueprint("documents", __name__)

organizer_required = role_required(Role.ORGANIZER)
facilitator_required = role_required(Role.FACILITATOR)
any_staff = role_required(Role.ORGANIZER, Role.FACILITATOR)
PDF_HEADERS = {"Cache-Control": "private, no-store"}

ERRORS = {
    "bad_role": _l("Unknown role."),
    "bad_status": _l("Unknown status."),
    "bad_layout": _l("Unknown layout."),
    "empty": _l("Nobody matches: no PDF was made."),
    "forbidden": _l("You may print certificates only for your own sessions."),
    "no_session": _l("No such session."),
    "no_event": _l("The event no longer exists."),
    "reason_required": _l("Give a reason."),
    "no_certificate": _l("No certificate has been issued yet."),
    "already_revoked": _l("The certificate is already revoked."),
    "not_revoked": _l("The certificate is not revoked."),
    "signature_empty": _l("The signature file is empty."),
    "signature_too_large": _l("The signature image is larger than 2 MB."),
    "signature_invalid": _l("The signature is not a readable PNG or JPEG image."),
    "bad_colour": _l("A colour like #1F5FAD."),
    "interrupted": _l("The job was interrupted (the server restarted). Start it again."),
    "error": _l("The PDF could not be made. The error is in the server log."),
}


def participant_role_label(value: str) -> str:
    return str(PARTICIPANT_ROLE_LABELS.get(value, value))


def status_label(value: str) -> str:
    return str(STATUS_LABELS.get(value, value))


def error_text(code: str) -> str:
    return str(ERRORS.get(code, ERRORS["error"]))


def check_text(check: service.Check, staff: bool = True) -> str:
    p = check.params
    if check.code == "days":
        return _("attended %(n)s of %(total)s days (at least %(need)s needed)", **p)
    if check.code == "any_day":
        return _("attended %(n)s of %(total)s days (at least 1 needed)", n=p["n"], total=p["total"])
    if check.code == "session_percent":
        from babel.numbers import format_percent
        from flask_babel import get_locale

        locale = str(get_locale())
        return _("attended %(n)s of %(total)s signed-up sessions, %(pct)s (at least %(need)s needed)", n=p["n"],
                 total=p["total"], pct=format_percent(p["pct"] / 100, locale=locale),
                 need=format_percent(p["need"] / 100, locale=locale))
    if check.code == "sessions":
        return _("attended %(n)s of %(total)s signed-up sessions (at least %(need)s needed)", **p)
    if check.code == "role":
        return _("eligible as %(role)s", role=participant_role_label(p["role"]))
    if check.code == "status":
        return _("registration is %(status)s", status=status_label(p["status"]))
    if check.code == "override":
        if staff:
            text = _("eligible by the committee's decision") if check.ok else _("not eligible by the committee's decision")
            return f"{text}: {p['reason']}" if p.get("reason") else text
        return _("decided by the committee")
    return check.code


def rule_text(event) -> str:
    rule = service.rule_of(event)
    parts = []
    if rule["min_days"]:
        parts.append(_("at least %(n)s days at the door", n=rule["min_days"]))
    if rule["min_session_percent"]:
        parts.append(_("at least %(n)s%% of the sessions signed up for", n=rule["min_session_percent"]))
    if rule["min_sessions"]:
        parts.append(_("at least %(n)s of the sessions signed up for", n=rule["min_sessions"]))
    return " · ".join(parts) if parts else _("at least one day at the door")


def _pdf(data: bytes, filename: str, inline: bool = True) -> Response:
    disposition = "inline" if inline else "attachment"
    return Response(data, mimetype="application/pdf", headers={
        **PDF_HEADERS, "Content-Disposition": f'{disposition}; filename="{filename}"'})


def _participant_or_404(event, public_id: str) -> Participant:
    participant = db.session.scalar(select(Participant).where(
        Participant.event_id == event.id, Participant.public_id == public_id.upper())) if len(public_id) <= 16 else None
    if participant is None:
        abort(404)
    return participant


# ------------------------------------------------------------------ badges

@bp.route("/staff/events/<slug>/participants/<public_id>/badge.pdf")
@organizer_required
def single_badge(slug: str, public_id: str):
    """One badge on its own page for the printer at the door. Only reads: printing is recorded by
    `print_badge`, the POST the door's button sends before it lands here."""
    event = get_event_or_404(slug)
    participant = _participant_or_404(event, public_id)
    pdf = service.render_one_badge(db.session, event, participant, secret=current_app.config["SECRET_KEY"],
                                   upload_folder=current_app.config["UPLOAD_FOLDER"], mark_printed=False)
    return _pdf(pdf, f"badge-{participant.public_id}.pdf")


@bp.route("/staff/events/<slug>/participants/<public_id>/badge/print", methods=["POST"])
@organizer_required
def print_badge(slug: str, public_id: str):
    """"Print badge" at the door or on the participant's page: records that the badge was printed, then
    sends the same tap on to the PDF (303), so one tap still opens it."""
    event = get_event_or_404(slug)
    participant = _participant_or_404(event, public_id)
    if not BadgePrintForm().validate_on_submit():
        abort(400)
    service.mark_badges_printed(db.session, [participant.id])
    return redirect(url_for("documents.single_badge", slug=event.slug, public_id=participant.public_id), 303)


def _badge_form(event) -> BadgeForm:
    form = BadgeForm()
    form.roles.choices = [SelectChoice(r, participant_role_label(r)) for r in ParticipantRole]
    form.statuses.choices = [SelectChoice(s, status_label(s)) for s in ParticipantStatus]
    provinces = db.session.scalars(select(Participant.province).where(
        Participant.event_id == event.id, Participant.province != "").distinct().order_by(Participant.province))
    form.provinces.choices = [SelectChoice(p, p) for p in provinces]
    if request.method == "GET":
        form.statuses.data = [ParticipantStatus.REGISTERED.value]
    return form


@bp.route("/staff/events/<slug>/badges", methods=["GET", "POST"])
@organizer_required
def badges(slug: str):
    event = get_event_or_404(slug)
    form = _badge_form(event)
    if form.validate_on_submit():
        selection = service.BadgeSelection(
            roles=form.roles.data or [], provinces=form.provinces.data or [], statuses=form.statuses.data or [],
            unprinted=form.unprinted.data, ids=[i for i in re.split(r"[\s,;]+", form.ids.data or "") if i],
            sort=form.sort.data)
        people = service.select_badges(db.session, event, selection)
        if not people:
            form.roles.errors = list(form.roles.errors) + [error_text("empty")]
        else:
            job = jobs.enqueue(db.session, "badges", event, current_user,
                               {"selection": selection.to_params(), "layout": form.layout.data}, total=len(people))
            jobs.wake_after_commit(db.session, current_app)
            return redirect(url_for("documents.job_page", job_id=job.id))
    base = select(func.count()).select_from(Participant).where(
        Participant.event_id == event.id, Participant.status == ParticipantStatus.REGISTERED)
    stats = {"registered": db.session.scalar(base),
             "unprinted": db.session.scalar(base.where(Participant.badge_printed_at.is_(None)))}
    recent = db.session.scalars(select(Job).where(Job.event_id == event.id, Job.kind == "badges")
                                .order_by(Job.id.desc()).limit(5)).all()
    jobs.warm_runner_soon(current_app)  # the batch this page starts will not wait for the renderer's imports
    return render_template("documents/pages/badges.html", event=event, form=form, stats=stats, recent=recent,
                           **links.print_warning_context())


# ------------------------------------------------------------------ certificates (staff)

def _session_arg() -> int | None:
    value = request.values.get("session", "") or request.values.get("session_id", "")
    if not value:
        return None
    if not value.isdigit() or len(value) > 9:
        abort(404)
    return int(value)


def _scoped(event, session_id):
    try:
        return service.scoped_participants(db.session, event, current_user, session_id)
    except service.DocumentError as exc:
        abort(403 if exc.code == "forbidden" else 404)


@bp.route("/staff/events/<slug>/certificates")
@facilitator_required
def certificates(slug: str):
    event = get_event_or_404(slug)
    session_id = _session_arg()
    # Everyone in scope is judged from a few grouped queries (counts, filters, pages); full rows with
    # their checks are built for the one page shown.
    everyone = current_user.role == Role.ADMIN and session_id is None
    scope = None if everyone else [p.id for p in _scoped(event, session_id)]
    lines = service.eligibility_summary(db.session, event, scope)
    show = request.args.get("show", "all")
    if show not in ("eligible", "not"):
        show = "all"
    q = (request.args.get("q") or "")[:200].strip()
    shown = service.filter_summary(lines, show, q)
    pages = max(1, -(-len(shown) // service.CERTIFICATE_PAGE_SIZE))
    page = min(max(1, request.args.get("page", 1, type=int) or 1), pages)
    first = (page - 1) * service.CERTIFICATE_PAGE_SIZE
    page_ids = [line.id for line in shown[first:first + service.CERTIFICATE_PAGE_SIZE]]
    rows = service.eligibility_rows(db.session, event, service.participants_by_ids(db.session, page_ids))
    args = {k: v for k, v in (("session", session_id), ("show", show if show != "all" else None), ("q", q)) if v}
    sessions = service.sessions_led_by(db.session, event, current_user)
    chosen = db.session.get(EventSession, session_id) if session_id else None
    recent = db.session.scalars(select(Job).where(
        Job.event_id == event.id, Job.kind == "certificates",
        True if current_user.role == Role.ADMIN else Job.user_id == current_user.id).order_by(Job.id.desc()).limit(5)).all()
    jobs.warm_runner_soon(current_app)
    return render_template(
        "documents/pages/certificates.html", event=event, rows=rows,
        matching=len(shown), page=page, pages=pages, args=args, q=q, counts=service.summary_counts(lines), show=show,
        sessions=sessions, chosen=chosen, session_id=session_id, check_text=check_text, recent=recent,
        rule_text=rule_text(event), is_admin=current_user.role == Role.ADMIN,
        job_form=CertificateJobForm(formdata=None, session_id=session_id or ""),
        override_form=OverrideForm(formdata=None), revoke_form=RevokeForm(formdata=None),
        reinstate_form=ReinstateForm(formdata=None), **links.print_warning_context())


@bp.route("/staff/events/<slug>/certificates/print", methods=["POST"])
@facilitator_required
def certificate_job(slug: str):
    event = get_event_or_404(slug)
    form = CertificateJobForm()
    if not form.validate_on_submit():
        abort(400)
    raw = form.session_id.data or ""
    if raw and (not raw.isdigit() or len(raw) > 9):
        abort(404)
    session_id = int(raw) if raw else None
    people = _scoped(event, session_id)
    chosen = service.certificates_to_print(db.session, event, people)
    if not chosen:
        flash(error_text("empty"), "error")
        return redirect(url_for("documents.certificates", slug=slug, session=session_id))
    job = jobs.enqueue(db.session, "certificates", event, current_user, {"session_id": session_id}, total=len(chosen))
    jobs.wake_after_commit(db.session, current_app)
    return redirect(url_for("documents.job_page", job_id=job.id))


def _staff_certificate_scope(slug: str, public_id: str) -> tuple[Event, Participant]:
    event = get_event_or_404(slug)
    participant = _participant_or_404(event, public_id)
    if current_user.role != Role.ADMIN:
        allowed = {p.id for p in _scoped(event, None)}
        if participant.id not in allowed:
            abort(403)
    return event, participant


def _certificate_or_issue_page(event, participant: Participant, issue_url: str, filename: str, inline: bool):
    """The issued certificate's PDF, read only; a page with the "get my certificate" button (a POST to
    *issue_url*) while it is not issued yet or its hours are out of date. 404 when not eligible."""
    chosen = service.certificates_to_print(db.session, event, [participant])
    if not chosen:
        abort(404)
    data = service.issued_certificate(event, *chosen[0], base_url=links.base_url())
    if data is None:
        return render_template("documents/pages/certificate_issue.html", event=event, participant=participant,
                               issue_url=issue_url, form=IssueCertificateForm(formdata=None))
    pdf = service.render_certificate_pdf(event, [data], upload_folder=current_app.config["UPLOAD_FOLDER"])
    return _pdf(pdf, filename.format(serial=data.serial), inline=inline)


def _issue_one(event, participant: Participant) -> None:
    """Issue *participant*'s certificate if eligible (its serial never changes once issued); 404 if not."""
    if not IssueCertificateForm().validate_on_submit():
        abort(400)
    chosen = service.certificates_to_print(db.session, event, [participant])
    if not chosen:
        abort(404)
    service.prepare_certificates(db.session, event, chosen, base_url=links.base_url())


@bp.route("/staff/events/<slug>/certificates/<public_id>/certificate.pdf")
@facilitator_required
def staff_certificate_pdf(slug: str, public_id: str):
    """One participant's certificate, for staff who may see them; only reads (issuing is `issue_certificate`)."""
    event, participant = _staff_certificate_scope(slug, public_id)
    return _certificate_or_issue_page(
        event, participant, url_for("documents.issue_certificate", slug=slug, public_id=participant.public_id),
        "certificate-{serial}.pdf", inline=True)


@bp.route("/staff/events/<slug>/certificates/<public_id>/issue", methods=["POST"])
@facilitator_required
def issue_certificate(slug: str, public_id: str):
    """The list's PDF button: issues the certificate the first time, then on to its PDF."""
    event, participant = _staff_certificate_scope(slug, public_id)
    _issue_one(event, participant)
    return redirect(url_for("documents.staff_certificate_pdf", slug=slug, public_id=participant.public_id), 303)


def _back_url(slug: str) -> str:
    return request.form.get("next") if (request.form.get("next") or "").startswith("/staff/") \
        else url_for("documents.certificates", slug=slug)


def _decide(slug: str, decision: Callable[[], str]):
    """Run an admin's decision on a certificate: commit it and flash the message it returns, or roll back
    and flash why it was refused; either way back to the list."""
    return change_and_redirect(decision, service.DocumentError, lambda exc: error_text(exc.code), _back_url(slug))


@bp.route("/staff/events/<slug>/certificates/<public_id>/override", methods=["POST"])
@admin_required
def certificate_override(slug: str, public_id: str):
    event = get_event_or_404(slug)
    participant = _participant_or_404(event, public_id)
    form = OverrideForm()
    if not form.validate_on_submit():
        flash(_("Give a reason of at most 500 characters."), "error")
        return redirect(_back_url(slug))
    value = {"rule": None, "yes": True, "no": False}[form.decision.data]

    def override() -> str:
        service.set_override(db.session, event, participant, value, form.reason.data, current_user)
        return _("Saved for %(name)s.", name=participant.full_name)

    return _decide(slug, override)


@bp.route("/staff/events/<slug>/certificates/<public_id>/revoke", methods=["POST"])
@admin_required
def certificate_revoke(slug: str, public_id: str):
    event = get_event_or_404(slug)
    participant = _participant_or_404(event, public_id)
    form = RevokeForm()

    def revoke() -> str:
        if not form.validate_on_submit():
            raise service.DocumentError("reason_required")
        cert = service.revoke(db.session, event, participant, form.reason.data, current_user)
        return _("Certificate %(serial)s revoked.", serial=cert.serial)

    return _decide(slug, revoke)


@bp.route("/staff/events/<slug>/certificates/<public_id>/reinstate", methods=["POST"])
@admin_required
def certificate_reinstate(slug: str, public_id: str):
    event = get_event_or_404(slug)
    participant = _participant_or_404(event, public_id)
    if not ReinstateForm().validate_on_submit():
        abort(400)

    def reinstate() -> str:
        cert = service.reinstate(db.session, event, participant, current_user)
        return _("Certificate %(serial)s is valid again.", serial=cert.serial)

    return _decide(slug, reinstate)


@bp.route("/staff/events/<slug>/certificates/settings", methods=["GET", "POST"])
@admin_required
def certificate_settings(slug: str):
    event = get_event_or_404(slug)
    form = SettingsForm()
    current = list(event.signatories or [])
    upload = current_app.config["UPLOAD_FOLDER"]
    if request.method == "GET":
        form.min_days.data = event.certificate_min_days
        form.min_session_percent.data = event.certificate_min_session_percent
        form.min_sessions.data = event.certificate_min_sessions
        form.language.data = event.certificate_language or "id"
        form.serial_prefix.data = event.certificate_serial_prefix or "PLM"
        for role in ParticipantRole:
            form[f"colour_{role}"].data = (event.role_colours or {}).get(role, "")
        for i in range(service.MAX_SIGNATORIES):
            item = current[i] if i < len(current) else {}
            form[f"sig{i + 1}_name"].data = item.get("name", "")
            form[f"sig{i + 1}_title"].data = item.get("title", "")
    elif form.validate_on_submit():
        signatories, failed = [], False
        for i in range(service.MAX_SIGNATORIES):
            n = i + 1
            old = current[i] if i < len(current) else {}
            image = None if form[f"sig{n}_remove_image"].data else old.get("image")
            upload_field = form[f"sig{n}_image"]
            if upload_field.data and getattr(upload_field.data, "filename", ""):
                try:
                    with upload_field.data.stream as stream:
                        data = stream.read(service.MAX_SIGNATURE_BYTES + 1)
                    image = service.save_signature(upload, event, data)
                except service.DocumentError as exc:
                    upload_field.errors = list(upload_field.errors) + [error_text(exc.code)]
                    failed = True
            name = form[f"sig{n}_name"].data or ""
            if not name and (form[f"sig{n}_title"].data or (upload_field.data and getattr(upload_field.data, "filename", ""))):
                form[f"sig{n}_name"].errors = list(form[f"sig{n}_name"].errors) + [_("This field is required.")]
                failed = True
            signatories.append({"name": name, "title": form[f"sig{n}_title"].data or "", "image": image})
        if not failed:
            data = {"min_days": form.min_days.data, "min_session_percent": form.min_session_percent.data,
                    "min_sessions": form.min_sessions.data, "language": form.language.data,
                    "serial_prefix": form.serial_prefix.data,
                    "colours": {role: form[f"colour_{role}"].data for role in ParticipantRole}}
            service.save_settings(db.session, event, data, signatories, current_user)
            flash(_("Certificate settings saved."), "success")
            return redirect(url_for("documents.certificate_settings", slug=slug))
    images = [bool(service.upload_path(upload, (current[i] if i < len(current) else {}).get("image")))
              for i in range(service.MAX_SIGNATORIES)]
    return render_template("documents/pages/settings.html", event=event, form=form, images=images,
                           roles=ParticipantRole, count=service.MAX_SIGNATORIES)


# ------------------------------------------------------------------ jobs

def _job_or_404(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None:
        abort(404)
    if not jobs.can_see(current_user, job):
        abort(403)
    return job


def _job_pages(job: Job) -> int:
    """Sheets in the PDF: badges are several to an A4 page (by layout), a certificate is one page."""
    if job.kind != "badges":
        return job.total
    from plm.documents.badges import LAYOUTS

    layout = LAYOUTS.get((job.params or {}).get("layout") or "a6", LAYOUTS["a6"])
    return -(-job.total // layout.per_page)


def _job_json(job: Job) -> dict:
    done = job.status == JobStatus.DONE and jobs.result_file(current_app, job) is not None
    return {
        "id": job.id, "kind": job.kind, "status": job.status, "progress": job.progress, "total": job.total,
        "pages": _job_pages(job),
        "download_url": url_for("documents.job_download", job_id=job.id) if done else None,
        "message": error_text(job.error) if job.status == JobStatus.FAILED else "",
    }


@bp.route("/staff/jobs/<int:job_id>")
@any_staff
def job_page(job_id: int):
    job = _job_or_404(job_id)
    event = db.session.get(Event, job.event_id) if job.event_id else None
    return render_template("documents/pages/job.html", job=job, info=_job_json(job), event=event)


@bp.route("/staff/jobs/<int:job_id>/status.json")
@any_staff
def job_status(job_id: int):
    response = jsonify(_job_json(_job_or_404(job_id)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/staff/jobs/<int:job_id>/download")
@any_staff
def job_download(job_id: int):
    job = _job_or_404(job_id)
    path = jobs.result_file(current_app, job)
    if path is None:
        abort(404)
    response = send_file(path, mimetype="application/pdf", as_attachment=True,
                         download_name=f"{job.kind}-{job.id}.pdf", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ------------------------------------------------------------------ public

def _verify_limit() -> str:
    return current_app.config.get("VERIFY_RATE_LIMIT", "30 per minute")


@bp.route("/verify/<serial>")
@limiter.limit(_verify_limit)
def verify(serial: str):
    cert = service.find_certificate(db.session, serial)
    status = 200
    if cert is None:
        status = 404
    response = Response(render_template("documents/pages/verify.html", cert=cert, serial=serial[:40],
                                        participant=cert.participant if cert else None,
                                        event=cert.participant.event if cert else None), status=status)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/e/<slug>/me/<token>/documents")
def my_documents(slug: str, token: str):
    event = get_event_or_404(slug, public=True)
    participant = get_participant_by_token_or_404(event, token)
    eligibility = service.eligibility_for(db.session, event, participant)
    cert = participant.certificate
    return render_template("documents/pages/mine.html", event=event, participant=participant, token=token,
                           eligibility=eligibility, cert=cert, check_text=check_text)


@bp.route("/e/<slug>/me/<token>/certificate.pdf")
def my_certificate_pdf(slug: str, token: str):
    """The participant's certificate, read only; before it is issued, a page with the button that issues it."""
    event = get_event_or_404(slug, public=True)
    participant = get_participant_by_token_or_404(event, token)
    return _certificate_or_issue_page(
        event, participant, url_for("documents.issue_my_certificate", slug=slug, token=token),
        "sertifikat-{serial}.pdf", inline=False)


@bp.route("/e/<slug>/me/<token>/certificate", methods=["POST"])
def issue_my_certificate(slug: str, token: str):
    """The manage page's download button: issues the certificate if eligible, then on to the download."""
    event = get_event_or_404(slug, public=True)
    participant = get_participant_by_token_or_404(event, token)
    _issue_one(event, participant)
    return redirect(url_for("documents.my_certificate_pdf", slug=slug, token=token), 303)


@bp.route("/e/<slug>/me/<token>/badge.pdf")
def my_badge_pdf(slug: str, token: str):
    event = get_event_or_404(slug, public=True)
    participant = get_participant_by_token_or_404(event, token)
    if participant.status != ParticipantStatus.REGISTERED:
        abort(404)
    pdf = service.render_one_badge(db.session, event, participant, secret=current_app.config["SECRET_KEY"],
                                   upload_folder=current_app.config["UPLOAD_FOLDER"], mark_printed=False)
    return _pdf(pdf, f"badge-{participant.public_id}.pdf", inline=False)
