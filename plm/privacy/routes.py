"""The participant's privacy rights from their manage link: download their data, ask for deletion (UU PDP 2022)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, render_template
from flask_babel import get_locale
from flask_babel import gettext as _

from plm.events import get_event_or_404, get_participant_by_token_or_404
from plm.extensions import db
from plm.privacy.forms import EraseForm
from plm.privacy.service import erase_participant, export_participant_data
from plm.registration import mails
from plm.registration import service as registration_service

bp = Blueprint("privacy", __name__)

NO_STORE = {"Cache-Control": "private, no-store"}


@bp.route("/e/<slug>/me/<token>/my-data.json")
def download_my_data(slug: str, token: str):
    event = get_event_or_404(slug, public=True)
    participant = get_participant_by_token_or_404(event, token)
    data = export_participant_data(db.session, participant, str(get_locale() or "id")[:2])
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        **NO_STORE, "Content-Disposition": f'attachment; filename="plm-{event.slug}-{participant.public_id}.json"'})


@bp.route("/e/<slug>/me/<token>/delete", methods=["GET", "POST"])
def delete_my_data(slug: str, token: str):
    event = get_event_or_404(slug, public=True)
    participant = get_participant_by_token_or_404(event, token)
    form = EraseForm()
    if form.validate_on_submit():
        # Cancel first so that a freed seat goes to the waiting list, then remove the personal data.
        promoted = registration_service.cancel(db.session, participant)
        for person in promoted:
            mails.queue_ticket_mail(db.session, person, "promoted")
        erase_participant(db.session, participant)
        response = render_template("registration/message.html", event=event, title=_("Your data is deleted"),
                                   message=_("Your name, contacts and registration details for this event have been "
                                             "deleted and your personal link no longer works. Only anonymous counts "
                                             "remain."))
        return response, 200, NO_STORE
    return render_template("privacy/delete.html", event=event, participant=participant, token=token, form=form), \
        200, NO_STORE
