"""Allowance pages under /staff/events/<slug>/allowances (finance and admins only: amounts and bank details
are theirs), and the public receipt check /verify/kuitansi/<serial>."""

from __future__ import annotations

import json
import os

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from plm.allowances import documents, service
from plm.allowances.forms import BankForm, ExportForm, OverrideForm, PayForm, RatesForm, ReceiptForm, TransportForm
from plm.attendance import signatures
from plm.auth.decorators import role_required
from plm.events import get_event_or_404
from plm.extensions import db, limiter
from plm.links import absolute_url
from plm.transactions import change_and_redirect, fail, fail_and_redirect
from plm.vocabulary import ParticipantRole

bp = Blueprint("allowances", __name__, url_prefix="/staff/events/<slug>/allowances")
public = Blueprint("allowances_public", __name__)

finance = role_required("finance")
DESK_RESULTS = 30


def error_text(code: str, **detail) -> str:
    texts = {
        "bad_amount": _l("That is not an amount in rupiah: %(value)s"),
        "bad_rate_line": _l("Transport rates, line %(line)s: write “Province; amount” or “Province; Regency/City; amount”."),
        "too_many_rates": _l("Too many transport rates: at most 600 lines."),
        "bad_tax": _l("PPh must be between 0 and 50 percent."),
        "unknown_participant": _l("That participant is not in this event."),
        "already_paid": _l("This person was already paid; the figures can no longer change."),
        "bad_account_number": _l("The account number must be 5 to 30 digits."),
        "bad_basis": _l("Choose how transport is paid."),
        "actual_cost_missing": _l("Enter the actual cost."),
        "receipt_photo_missing": _l("Add a photo of the ticket or receipt for the actual cost."),
        "photo_too_large": _l("The photo is larger than 8 MB."),
        "photo_invalid": _l("That file is not a PNG, JPEG, WebP or GIF image."),
        "reason_required": _l("Give a reason (at least 5 characters)."),
        "bad_method": _l("Choose cash or transfer."),
        "not_registered": _l("Only registered participants are paid."),
        "nothing_to_pay": _l("Nothing to pay: no day attended at the door (or an amount of 0)."),
        "bank_missing": _l("Enter the bank details before paying by transfer."),
        "bad_grouping": _l("Choose how to group the list."),
        "signature_invalid": _l("The signature could not be read; please sign again."),
    }
    text = texts.get(code, _l("That did not work."))
    return str(text) % detail if detail and "%(" in str(text) else str(text)


def _participant_or_404(event, public_id: str):
    try:
        return service.participant_by_public_id(db.session, event, public_id)
    except service.AllowanceError:
        abort(404)


def _person_url(event, participant, anchor: str = "") -> str:
    return url_for(".person", slug=event.slug, public_id=participant.public_id) + anchor


# ---------------------------------------------------------------------------------------------
# Overview and the rate table
# ---------------------------------------------------------------------------------------------

@bp.route("/")
@finance
def index(slug: str):
    event = get_event_or_404(slug)
    group = request.args.get("group", "province")
    if group not in service.GROUPINGS:
        group = "province"
    groups, total = service.grouped(service.lines(db.session, event), group)
    return render_template("allowances/index.html", event=event, groups=groups, total=total, group=group,
                           settings=service.settings_for(db.session, event),
                           export_form=ExportForm(formdata=None, group=group))


@bp.route("/rates", methods=["GET", "POST"])
@finance
def rates(slug: str):
    event = get_event_or_404(slug)
    settings = service.settings_for(db.session, event)
    form = RatesForm()
    if request.method == "GET":
        form.daily_amount.data = settings.daily_amount
        form.actual_cost_cap.data = settings.actual_cost_cap
        form.transport.data = service.transport_lines_text(service.transport_rates(db.session, event))
        form.purpose.data = settings.purpose
        form.signatory_title.data = settings.signatory_title
        form.signatory_name.data = settings.signatory_name
        form.serial_prefix.data = settings.serial_prefix
        for role in ParticipantRole:
            form[f"{role}_daily"].data = (settings.daily_by_role or {}).get(role)
            form[f"{role}_fee"].data = (settings.fee_by_role or {}).get(role)
            form[f"{role}_tax"].data = (settings.tax_percent_by_role or {}).get(role)
    elif form.validate():
        roles = {role: service.RoleRates(
            daily=form[f"{role}_daily"].data, fee=form[f"{role}_fee"].data,
            tax_percent=float(form[f"{role}_tax"].data) if form[f"{role}_tax"].data is not None else None)
            for role in ParticipantRole}
        try:
            service.save_settings(
                db.session, event, current_user, daily_amount=form.daily_amount.data or 0,
                actual_cost_cap=form.actual_cost_cap.data or 0, purpose=form.purpose.data or "",
                signatory_title=form.signatory_title.data or "", signatory_name=form.signatory_name.data or "",
                serial_prefix=form.serial_prefix.data or "", roles=roles, transport_text=form.transport.data or "")
        except service.AllowanceError as exc:
            fail(db.session)
            flash(error_text(exc.code, **exc.detail), "error")
        else:
            flash(_("Rates saved."), "success")
            return redirect(url_for(".rates", slug=event.slug))
    return render_template("allowances/rates.html", event=event, form=form, roles=ParticipantRole)


# ---------------------------------------------------------------------------------------------
# The payment desk and one person's page
# ---------------------------------------------------------------------------------------------

@bp.route("/desk")
@finance
def desk(slug: str):
    """Pay people one after another: search, open, pay, back here (phone-sized)."""
    event = get_event_or_404(slug)
    query = request.args.get("q", "")[:100]
    status = request.args.get("status", "to_pay")
    if status not in ("", "to_pay", "paid"):
        status = "to_pay"
    found = service.lines(db.session, event, query=query, status=status, limit=DESK_RESULTS + 1)
    return render_template("allowances/desk.html", event=event, lines=found[:DESK_RESULTS],
                           more=len(found) > DESK_RESULTS, query=query, status=status)


@bp.route("/people/<public_id>")
@finance
def person(slug: str, public_id: str):
    event = get_event_or_404(slug)
    participant = _participant_or_404(event, public_id)
    line = service.line_for(db.session, event, participant)
    a = line.allowance
    return render_template(
        "allowances/person.html", event=event, line=line, p=participant,
        transport_form=TransportForm(formdata=None, regency=a.origin_regency if a else "",
                                     basis=a.transport_basis if a else "rate", actual_cost=a.actual_cost if a else None),
        bank_form=BankForm(formdata=None, bank_name=a.bank_name if a else "", account_number=a.account_number if a else "",
                           account_holder=a.account_holder if a else ""),
        override_form=OverrideForm(formdata=None, amount=a.override_amount if a else None),
        pay_form=PayForm(formdata=None), receipt_form=ReceiptForm(),
        verify_url=absolute_url("allowances_public.verify", serial=a.serial) if line.paid and a else "")


def _apply(event, participant, form, change, anchor: str, done: str):
    """Validate, call the service (the request commits), come back to the person's page."""
    back = _person_url(event, participant, anchor)
    if not form.validate():
        messages = [m for errors in form.errors.values() for m in errors]
        flash(" ".join(str(m) for m in messages) or _("The form expired: please try again."), "error")
        return redirect(back)

    def run() -> str:
        change()
        return done

    return change_and_redirect(run, service.AllowanceError, lambda exc: error_text(exc.code, **exc.detail), back)


@bp.route("/people/<public_id>/transport", methods=["POST"])
@finance
def transport(slug: str, public_id: str):
    event = get_event_or_404(slug)
    participant = _participant_or_404(event, public_id)
    form = TransportForm()

    def change():
        upload = form.receipt_photo.data
        data = upload.read(service.MAX_PHOTO_BYTES + 1) if upload else b""
        path = service.store_receipt_photo(current_app.config["UPLOAD_FOLDER"], event, data) if data else None
        service.set_transport(db.session, event, participant, current_user, regency=form.regency.data or "",
                              basis=form.basis.data, actual_cost=form.actual_cost.data, receipt_path=path)

    return _apply(event, participant, form, change, "#transport", _("Transport saved."))


@bp.route("/people/<public_id>/transport-photo")
@finance
def transport_photo(slug: str, public_id: str):
    event = get_event_or_404(slug)
    participant = _participant_or_404(event, public_id)
    row = service.line_for(db.session, event, participant).allowance
    if row is None or not row.actual_receipt_path:
        abort(404)
    path = os.path.join(current_app.config["UPLOAD_FOLDER"], row.actual_receipt_path)
    if not os.path.isfile(path):
        abort(404)
    response = send_file(path, mimetype="image/png", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/people/<public_id>/bank", methods=["POST"])
@finance
def bank(slug: str, public_id: str):
    event = get_event_or_404(slug)
    participant = _participant_or_404(event, public_id)
    form = BankForm()
    return _apply(event, participant, form, lambda: service.set_bank(
        db.session, event, participant, current_user, bank_name=form.bank_name.data or "",
        account_number=form.account_number.data or "", account_holder=form.account_holder.data or ""),
        "#bank", _("Bank details saved."))


@bp.route("/people/<public_id>/override", methods=["POST"])
@finance
def override(slug: str, public_id: str):
    event = get_event_or_404(slug)
    participant = _participant_or_404(event, public_id)
    form = OverrideForm()
    return _apply(event, participant, form, lambda: service.set_override(
        db.session, event, participant, current_user, amount=form.amount.data, reason=form.reason.data or ""),
        "#override", _("Amount saved."))


@bp.route("/people/<public_id>/pay", methods=["POST"])
@finance
def pay(slug: str, public_id: str):
    event = get_event_or_404(slug)
    participant = _participant_or_404(event, public_id)
    form = PayForm()
    back = _person_url(event, participant)
    if not form.validate():
        flash(_("The form expired: please try again."), "error")
        return redirect(back)
    svg = None
    if form.signature.data:
        try:
            strokes, width, height = signatures.parse_strokes(json.loads(form.signature.data))
            svg = signatures.strokes_to_svg(strokes, width, height)
        except (ValueError, signatures.SignatureError):
            flash(error_text("signature_invalid"), "error")
            return redirect(back)
    try:
        row = service.pay(db.session, event, participant, current_user, method=form.method.data, signature_svg=svg)
    except service.AllowanceError as exc:
        return fail_and_redirect(error_text(exc.code, **exc.detail), back)
    flash(_("Paid: %(name)s, %(amount)s, receipt %(serial)s.", name=participant.full_name,
            amount=documents.rupiah(row.paid_figures["net"]), serial=row.serial), "success")
    return redirect(url_for(".desk", slug=event.slug, paid=participant.public_id))


@bp.route("/people/<public_id>/receipt.pdf", methods=["POST"])
@finance
def receipt_pdf(slug: str, public_id: str):
    """The kuitansi: signed on screen when paid that way, else printed for a wet signature. Audited."""
    event = get_event_or_404(slug)
    participant = _participant_or_404(event, public_id)
    if not ReceiptForm().validate():
        flash(_("The form expired: please try again."), "error")
        return redirect(_person_url(event, participant))
    line = service.line_for(db.session, event, participant)
    serial = line.allowance.serial if line.paid and line.allowance else None
    verify = absolute_url("allowances_public.verify", serial=serial) if serial else ""
    pdf = documents.render_receipts_pdf([service.receipt(db.session, event, line, verify)])
    service.log_export(db.session, event, current_user, "receipt", participant=participant.public_id, serial=serial)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="kuitansi-{serial or participant.public_id}.pdf"',
        "Cache-Control": "private, no-store"})


@bp.route("/export", methods=["POST"])
@finance
def export(slug: str):
    """The daftar nominatif as PDF (A4 landscape) or XLSX. Audited: it carries amounts and bank details."""
    event = get_event_or_404(slug)
    form = ExportForm()
    if not form.validate():
        flash(_("The form expired: please try again."), "error")
        return redirect(url_for(".index", slug=event.slug))
    data = service.payment_list(db.session, event, by=form.group.data, status=form.status.data)
    if form.format.data == "xlsx":
        body = documents.payment_list_xlsx(data)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body, mimetype = documents.render_payment_list_pdf(data), "application/pdf"
    service.log_export(db.session, event, current_user, "payment_list", format=form.format.data, group=form.group.data,
                       status=form.status.data, rows=sum(len(g.rows) for g in data.groups))
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="nominatif-{event.slug}.{form.format.data}"',
        "Cache-Control": "private, no-store"})


# ---------------------------------------------------------------------------------------------
# Public: is this receipt real?
# ---------------------------------------------------------------------------------------------

def _verify_limit() -> str:
    return current_app.config.get("VERIFY_RATE_LIMIT", "30 per minute")


@public.route("/verify/kuitansi/<serial>")
@limiter.limit(_verify_limit)
def verify(serial: str):
    row = service.find_receipt(db.session, serial)
    response = Response(render_template("allowances/verify.html", row=row, serial=serial[:40],
                                        participant=row.participant if row else None,
                                        event=row.participant.event if row else None,
                                        net=documents.rupiah(row.paid_figures.get("net", 0)) if row else ""),
                        status=200 if row else 404)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "no-store"
    return response
