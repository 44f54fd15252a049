"""Shared set-up for the delegation tests: an institution with an invitation link."""

from __future__ import annotations

from plm.delegations.models import Institution
from plm.extensions import db
from tests.helpers import SECRET, form_data


def make_institution(event, name="Perpustakaan Umum Daerah Kabupaten Gianyar", seats=3, **kw) -> tuple[Institution, str]:
    """An institution of `event` with `seats` and a fresh invitation link; returns it and the link's token."""
    institution = Institution(event_id=event.id, name=name, seats=seats,
                              institution_type=kw.pop("institution_type", "regency_city"),
                              province=kw.pop("province", "Bali"), contact_name=kw.pop("contact_name", "Made Sudarsana"),
                              contact_whatsapp=kw.pop("contact_whatsapp", "+6281234567890"),
                              contact_email=kw.pop("contact_email", "kontak@gianyar.example"), **kw)
    db.session.add(institution)
    db.session.flush()
    token = institution.issue_invite(SECRET)
    db.session.commit()
    return institution, token


def delegate_data(**overrides) -> dict:
    """What a contact types for one delegate (the institution's fields come from the link)."""
    data = form_data(**overrides)
    for key in ("institution", "institution_type", "province"):
        data.pop(key)
    return data
