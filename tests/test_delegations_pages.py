"""The public delegation page behind an invitation link: hashed and re-issuable token, adding, replacing
and withdrawing delegates, the substitution deadline, and that GET writes nothing."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from plm.delegations.models import Institution
from plm.extensions import db
from plm.models import AuditLog, MailMessage, Participant, hash_token, utcnow
from plm.tickets import participant_code
from tests.delegation_helpers import delegate_data, make_institution
from tests.helpers import SECRET, day_checkpoint, scan


def _add(client, event, token, **overrides):
    return client.post(f"/e/{event.slug}/delegation/{token}/add", data=delegate_data(**overrides))


def test_only_the_hash_of_the_link_is_stored_and_a_new_link_kills_the_old(client, event, login):
    institution, token = make_institution(event)
    assert institution.invite_token_hash == hash_token(token)
    stored = db.session.execute(select(Institution.__table__)).mappings().one()
    assert token not in {str(v) for v in stored.values()}
    assert client.get(f"/e/{event.slug}/delegation/{token}").status_code == 200
    assert client.get(f"/e/{event.slug}/delegation/{token[:-1]}x").status_code == 404
    login("organizer")
    assert client.post(f"/staff/events/{event.slug}/delegations/{institution.id}/invite").status_code == 302
    db.session.expire_all()
    old_link = client.get(f"/e/{event.slug}/delegation/{token}")
    assert old_link.status_code == 404
    assert "Panitia mungkin sudah membuat tautan baru" in old_link.get_data(as_text=True)  # says why, not a bare 404
    new_token = db.session.get(Institution, institution.id).invite_token(SECRET)
    assert new_token != token
    assert client.get(f"/e/{event.slug}/delegation/{new_token}").status_code == 200
    # another event's slug with this token: not found
    assert client.get(f"/e/other-event/delegation/{new_token}").status_code == 404


def test_the_page_shows_seats_and_writes_nothing_on_get(client, event):
    institution, token = make_institution(event, seats=3)
    before = db.session.scalar(select(func.count()).select_from(AuditLog))
    page = client.get(f"/e/{event.slug}/delegation/{token}").get_data(as_text=True)
    assert "0</strong> / 3" in page and institution.name in page
    db.session.expire_all()
    assert db.session.get(Institution, institution.id).first_active_at is None
    assert db.session.scalar(select(func.count()).select_from(AuditLog)) == before


def test_adding_delegates_up_to_the_seats(client, event):
    institution, token = make_institution(event, seats=2)
    assert _add(client, event, token, email="a@gianyar.example", full_name="I Wayan Sudirta").status_code == 302
    assert _add(client, event, token, email="b@gianyar.example", full_name="Ni Made Sari").status_code == 302
    third = _add(client, event, token, email="c@gianyar.example", full_name="I Ketut Arsa")
    assert third.status_code == 200 and "Semua kursi lembaga Anda sudah terisi" in third.get_data(as_text=True)
    people = db.session.scalars(select(Participant).where(Participant.institution_id == institution.id)).all()
    assert {p.email for p in people} == {"a@gianyar.example", "b@gianyar.example"}
    assert all(p.institution == institution.name and p.province == "Bali" and p.source == "delegation" for p in people)
    mails = db.session.scalars(select(MailMessage).where(MailMessage.recipient == "a@gianyar.example")).all()
    assert len(mails) == 1 and re.search(rf"/e/{event.slug}/me/", mails[0].body_text)
    db.session.expire_all()
    assert db.session.get(Institution, institution.id).first_active_at is not None
    page = client.get(f"/e/{event.slug}/delegation/{token}").get_data(as_text=True)
    assert "I Wayan Sudirta" in page and 'id="add-delegate"' not in page


def test_replacing_a_delegate_kills_the_old_ticket(client, event, login):
    institution, token = make_institution(event, seats=2)
    _add(client, event, token, email="lama@gianyar.example", full_name="I Gede Lama")
    old = db.session.scalar(select(Participant).where(Participant.email == "lama@gianyar.example"))
    old_code = participant_code(SECRET, old)
    response = client.post(f"/e/{event.slug}/delegation/{token}/replace/{old.public_id}",
                           data=delegate_data(email="baru@gianyar.example", full_name="Ni Komang Baru"))
    assert response.status_code == 302
    db.session.expire_all()
    old = db.session.get(Participant, old.id)
    new = db.session.scalar(select(Participant).where(Participant.email == "baru@gianyar.example"))
    assert old.status == "cancelled" and new.status == "registered" and new.institution_id == institution.id
    assert db.session.scalar(select(MailMessage).where(MailMessage.recipient == "baru@gianyar.example")) is not None
    login("organizer")
    refused = scan(client, event, old_code, day_checkpoint(event))
    assert refused.get_json()["result"] in ("cancelled", "invalid", "unknown")
    accepted = scan(client, event, participant_code(SECRET, new), day_checkpoint(event))
    assert accepted.get_json()["result"] == "ok"


def test_freeing_a_seat_needs_the_confirmation(client, event):
    institution, token = make_institution(event, seats=1)
    _add(client, event, token, email="x@gianyar.example")
    person = db.session.scalar(select(Participant).where(Participant.email == "x@gianyar.example"))
    url = f"/e/{event.slug}/delegation/{token}/free/{person.public_id}"
    assert client.get(url).status_code == 200
    assert client.post(url, data={}).status_code == 200
    db.session.expire_all()
    assert db.session.get(Participant, person.id).status == "registered"
    assert client.post(url, data={"confirm": "y"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Participant, person.id).status == "cancelled"
    assert _add(client, event, token, email="y@gianyar.example").status_code == 302  # the seat is free again


def test_after_the_substitution_deadline_nobody_is_replaced(client, event):
    institution, token = make_institution(event, seats=2)
    _add(client, event, token, email="tetap@gianyar.example")
    person = db.session.scalar(select(Participant).where(Participant.email == "tetap@gianyar.example"))
    event.substitution_deadline = utcnow() - timedelta(hours=1)
    db.session.commit()
    response = client.post(f"/e/{event.slug}/delegation/{token}/replace/{person.public_id}",
                           data=delegate_data(email="lain@gianyar.example"))
    assert response.status_code == 200 and "tidak dapat lagi diganti" in response.get_data(as_text=True)
    freed = client.post(f"/e/{event.slug}/delegation/{token}/free/{person.public_id}", data={"confirm": "y"})
    assert freed.status_code == 200
    db.session.expire_all()
    assert db.session.get(Participant, person.id).status == "registered"
    assert db.session.scalar(select(Participant).where(Participant.email == "lain@gianyar.example")) is None


def test_another_institutions_delegate_cannot_be_touched(client, event):
    _, token_a = make_institution(event, name="Perpustakaan A")
    _, token_b = make_institution(event, name="Perpustakaan B")
    _add(client, event, token_a, email="milik-a@x.example")
    person = db.session.scalar(select(Participant).where(Participant.email == "milik-a@x.example"))
    assert client.get(f"/e/{event.slug}/delegation/{token_b}/replace/{person.public_id}").status_code == 404
    assert client.post(f"/e/{event.slug}/delegation/{token_b}/free/{person.public_id}", data={"confirm": "y"}).status_code == 404


def test_invitation_only_events_refuse_the_open_form_but_not_the_link(client, event):
    event.registration_mode = "invitation"
    db.session.commit()
    _, token = make_institution(event)
    from tests.helpers import form_data

    response = client.post(f"/e/{event.slug}/register", data=form_data(email="terbuka@x.example"))
    assert response.status_code == 200 and "undangan" in response.get_data(as_text=True)
    assert db.session.scalar(select(Participant).where(Participant.email == "terbuka@x.example")) is None
    assert _add(client, event, token, email="diundang@x.example").status_code == 302


def test_the_token_is_redacted_from_logs(app):
    from plm.request_log import redact

    assert "abc123secret" not in redact("GET /e/plm-test/delegation/abc123secret/add 200")


def test_a_freed_delegate_cannot_take_the_seat_back_with_their_own_link(client, event):
    institution, token = make_institution(event, seats=1)
    response = _add(client, event, token, email="pergi@x.example")
    person = db.session.scalar(select(Participant).where(Participant.email == "pergi@x.example"))
    manage = db.session.scalar(select(MailMessage.body_text).where(MailMessage.recipient == "pergi@x.example"))
    manage_token = re.search(rf"/e/{event.slug}/me/([A-Za-z0-9_-]+)", manage).group(1)
    client.post(f"/e/{event.slug}/delegation/{token}/free/{person.public_id}", data={"confirm": "y"})
    _add(client, event, token, email="pengganti@x.example")
    client.post(f"/e/{event.slug}/me/{manage_token}/reinstate")
    db.session.expire_all()
    assert db.session.get(Participant, person.id).status == "cancelled"
    assert response.status_code == 302


def test_a_declined_person_cannot_reinstate_past_approval(client, event, login):
    from tests.helpers import form_data

    event.registration_mode = "approval"
    db.session.commit()
    response = client.post(f"/e/{event.slug}/register", data=form_data(email="ditolak@x.example"))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    manage_token = page.split(f"/e/{event.slug}/me/")[1].split('"')[0]
    person = db.session.scalar(select(Participant).where(Participant.email == "ditolak@x.example"))
    login("organizer")
    client.post(f"/staff/events/{event.slug}/approvals", data={"ids": [person.public_id], "decline": "1", "reason": "Penuh"})
    client.post(f"/e/{event.slug}/me/{manage_token}/reinstate")
    db.session.expire_all()
    assert db.session.get(Participant, person.id).status == "pending"


def test_the_per_link_limit_counts_posts_per_link_not_per_address(make_app):
    from datetime import date

    from plm.models import Event

    app = make_app(RATELIMIT_ENABLED=True, DELEGATION_TOKEN_RATE_LIMIT="2 per hour", REGISTRATION_FLOOD_LIMIT="1 per hour")
    with app.app_context():
        event = Event(slug="plm-limit", name="PLM", starts_on=date.today() + timedelta(days=20),
                      ends_on=date.today() + timedelta(days=21))
        db.session.add(event)
        db.session.commit()
        _, first = make_institution(event, name="Satu", seats=9)
        _, second = make_institution(event, name="Dua", seats=9)
        client = app.test_client()
        codes = [_add(client, event, first, email=f"a{i}@x.example").status_code for i in range(3)]
        assert codes == [302, 302, 429]
        # another link from the same address is not limited by the first (nor by the open form's flood limit)
        assert [_add(client, event, second, email=f"b{i}@x.example").status_code for i in range(2)] == [302, 302]
        db.session.remove()


def test_the_delegate_form_speaks_to_a_contact_registering_a_colleague(client, event):
    from tests.delegation_helpers import delegate_data as _data

    _institution, token = make_institution(event, seats=2)
    for lang, delegate, consent, not_there in (
            ("id", "sertifikat delegasi", "Delegasi sudah setuju", "sertifikat Anda"),
            ("en", "the delegate's certificate", "The delegate agreed", "your certificate")):
        client.get(f"/lang/{lang}")
        page = client.get(f"/e/{event.slug}/delegation/{token}/add").get_data(as_text=True)
        page = page.replace("&#39;", "'")
        assert delegate in page and consent in page, lang
        assert not_there not in page, lang
    # Without the tick nothing is registered, and the message asks for the colleague's agreement.
    client.get("/lang/en")
    refused = client.post(f"/e/{event.slug}/delegation/{token}/add", data=_data(email="rekan@x.example", consent=""))
    assert refused.status_code == 200 and "confirm that the delegate agreed" in refused.get_data(as_text=True)
    assert db.session.scalar(select(Participant).where(Participant.email == "rekan@x.example")) is None


def test_the_same_delegate_sent_twice_is_registered_once_and_the_second_send_says_so(client, event):
    """A double tap (or back and send again) on the delegate form: one registration, and the second answer
    leads back to the delegation page saying the person is already there, not to an error on the form."""
    institution, token = make_institution(event, seats=3)
    assert _add(client, event, token).status_code == 302
    again = _add(client, event, token)
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/e/{event.slug}/delegation/{token}")
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "sudah terdaftar untuk lembaga Anda" in page
    assert db.session.scalar(select(func.count()).select_from(Participant).where(
        Participant.institution_id == institution.id)) == 1
    # The same address registered through another institution is still refused on the form (nothing shown of them).
    other, other_token = make_institution(event, name="TBM Lain", seats=3)
    refused = _add(client, event, other_token)
    assert refused.status_code == 200 and "sudah terdaftar untuk acara ini" in refused.get_data(as_text=True)
