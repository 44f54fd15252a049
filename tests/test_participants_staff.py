"""Staff participant pages: list, search, filters, sort, pagination, counts, edit with audit, status, walk-in."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from plm.extensions import db
from plm.models import AuditLog, CheckIn, Checkpoint, MailMessage, Participant


def add(event, name, email, **values):
    participant = Participant(event_id=event.id, full_name=name, email=email, **values)
    db.session.add(participant)
    db.session.commit()
    return participant


@pytest.fixture
def people(event):
    rows = [
        add(event, "Ni Luh Ayu", "ayu@example.id", institution="Perpustakaan Desa Ungasan", province="Bali",
            institution_type="village"),
        add(event, "Siti Rahma", "siti@example.id", institution="Dinas Perpustakaan Jatim", province="Jawa Timur",
            institution_type="provincial", role="speaker"),
        add(event, "Yohanes Bria", "yo@example.id", institution="TBM Flobamora", province="Nusa Tenggara Timur",
            institution_type="tbm", status="waitlisted"),
        add(event, "Désiré Made", "made@example.id", institution="Perpustakaan Kota Denpasar", province="Bali",
            institution_type="regency_city", status="cancelled"),
    ]
    checkpoint = db.session.scalar(select(Checkpoint).where(Checkpoint.event_id == event.id))
    db.session.add(CheckIn(participant_id=rows[0].id, checkpoint_id=checkpoint.id, source="qr"))
    db.session.commit()
    return rows


def names(page: str) -> list[str]:
    return re.findall(r'/participants/[A-Z0-9]{10}">([^<]+)</a>', page)


def test_list_search_filters_and_counts(client, event, people, login):
    login("organizer")
    url = f"/staff/events/{event.slug}/participants"
    page = client.get(url).get_data(as_text=True)
    assert names(page) == ["Désiré Made", "Ni Luh Ayu", "Siti Rahma", "Yohanes Bria"]
    assert sorted(names(client.get(url + "?q=desire").get_data(as_text=True))) == ["Désiré Made"]  # accents folded
    assert names(client.get(url + "?q=flobamora").get_data(as_text=True)) == ["Yohanes Bria"]
    assert names(client.get(url + "?q=SITI@example").get_data(as_text=True)) == ["Siti Rahma"]
    assert names(client.get(url + "?q=jawa timur").get_data(as_text=True)) == ["Siti Rahma"]
    assert names(client.get(url + "?q=100%25").get_data(as_text=True)) == []
    assert names(client.get(url + "?status=waitlisted").get_data(as_text=True)) == ["Yohanes Bria"]
    assert names(client.get(url + "?role=speaker").get_data(as_text=True)) == ["Siti Rahma"]
    assert names(client.get(url + "?institution_type=tbm").get_data(as_text=True)) == ["Yohanes Bria"]
    assert names(client.get(url + "?province=Bali").get_data(as_text=True)) == ["Désiré Made", "Ni Luh Ayu"]
    assert names(client.get(url + "?checked_in=yes").get_data(as_text=True)) == ["Ni Luh Ayu"]
    assert "Ni Luh Ayu" not in names(client.get(url + "?checked_in=no").get_data(as_text=True))
    assert names(client.get(url + "?sort=-name").get_data(as_text=True))[0] == "Yohanes Bria"
    assert names(client.get(url + "?sort=bogus&page=abc").get_data(as_text=True))[0] == "Désiré Made"
    # counts per province and institution type leave out cancelled registrations
    assert re.search(r"<td>Bali</td><td class=\"num\">1</td>", page)
    assert re.search(r"<td>Jawa Timur</td><td class=\"num\">1</td>", page)


def test_pagination_and_search_at_5000_rows(client, event, login):
    """Right pages on 5,000 rows; their speed is measured by bench/search.py (no wall clock in tests)."""
    db.session.execute(Participant.__table__.insert(), [
        {"event_id": event.id, "public_id": f"P{i:09d}", "full_name": f"Peserta {i:05d}", "name_on_badge": "",
         "email": f"p{i}@example.id", "email_normalized": f"p{i}@example.id", "search_text": f"peserta {i:05d}",
         "province": "Bali", "status": "registered", "role": "participant", "institution_type": "village",
         "ticket_secret": f"s{i}", "source": "import", "phone": "", "institution": "Lib", "diet": "",
         "access_needs": "", "certificate_override_reason": ""}
        for i in range(5000)])
    db.session.commit()
    login("organizer")
    url = f"/staff/events/{event.slug}/participants"
    last = client.get(url + "?page=100").get_data(as_text=True)
    searched = client.get(url + "?q=peserta 049&province=Bali&checked_in=no").get_data(as_text=True)
    assert names(last)[-1] == "Peserta 04999" and len(names(last)) == 50
    assert "Halaman 100 dari 100" in last or "Page 100 of 100" in last
    assert len(names(searched)) == 50


def test_edit_is_audited_with_who_and_what(client, event, people, login):
    user = login("organizer")
    ayu = people[0]
    url = f"/staff/events/{event.slug}/participants/{ayu.public_id}"
    data = {"full_name": "Ni Luh Ayu Lestari", "name_on_badge": "Ayu", "email": "ayu@example.id",
            "phone": "0812 3456 7890", "institution": "Perpustakaan Desa Ungasan", "institution_type": "village",
            "province": "Bali", "role": "committee", "diet": "", "access_needs": ""}
    assert client.post(url, data=data).status_code == 302
    db.session.refresh(ayu)
    assert ayu.full_name == "Ni Luh Ayu Lestari" and ayu.role == "committee" and ayu.phone == "+6281234567890"
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "participant.update"))
    assert entry.user_id == user.id and entry.detail["changes"]["role"] == ["participant", "committee"]
    page = client.get(url).get_data(as_text=True)
    assert "Data diubah" in page and "participant.update" not in page and user.email in page
    # another participant's email is refused next to the field
    taken = client.post(url, data=dict(data, email="SITI@example.id"))
    assert taken.status_code == 200 and "class=\"error\"" in taken.get_data(as_text=True)
    db.session.refresh(ayu)
    assert ayu.email == "ayu@example.id"


def test_status_change_moves_from_waitlist_and_mails(client, event, people, login):
    login("organizer")
    yo = people[2]
    response = client.post(f"/staff/events/{event.slug}/participants/{yo.public_id}/status", data={"status": "registered"})
    assert response.status_code == 302
    db.session.refresh(yo)
    assert yo.status == "registered"
    assert db.session.scalar(select(MailMessage.recipient)) == "yo@example.id"
    assert db.session.scalar(select(AuditLog.detail).where(AuditLog.action == "participant.status")) == {
        "previous": "waitlisted", "status": "registered"}
    assert client.post(f"/staff/events/{event.slug}/participants/{yo.public_id}/status",
                       data={"status": "king"}).status_code == 400


def test_staff_cancel_promotes_the_first_waitlisted(client, event, people, login):
    event.capacity = 2  # ayu and siti hold the two seats; yohanes waits
    db.session.commit()
    login("organizer")
    client.post(f"/staff/events/{event.slug}/participants/{people[0].public_id}/status", data={"status": "cancelled"})
    db.session.expire_all()
    assert db.session.get(Participant, people[2].id).status == "registered"


def test_history_shows_mails_and_checkins(client, event, people, login):
    login("admin")
    page = client.get(f"/staff/events/{event.slug}/participants/{people[0].public_id}").get_data(as_text=True)
    assert "day-1" in page and "qr" in page


def test_facilitators_and_anonymous_cannot_see_participants(client, event, people, login):
    url = f"/staff/events/{event.slug}/participants"
    assert client.get(url).status_code == 302
    login("facilitator")
    assert client.get(url).status_code == 403
    assert client.get(f"/staff/events/{event.slug}/walk-in").status_code == 403


def test_unknown_participant_is_404(client, event, login):
    login("organizer")
    assert client.get(f"/staff/events/{event.slug}/participants/NOPE234567").status_code == 404
    assert client.get(f"/staff/events/{event.slug}/participants/{'X' * 40}").status_code == 404


def test_walk_in_without_email_gets_a_placeholder_and_a_ticket_at_once(client, event, login):
    user = login("organizer")
    event.capacity = 0 + 1
    db.session.commit()
    add(event, "Seat Taker", "taker@example.id")
    response = client.post(f"/staff/events/{event.slug}/walk-in",
                           data={"full_name": "Wayan Walk", "institution": "TBM Sari", "province": "Bali",
                                 "phone": "0813 1111 2222", "email": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<svg" in page and "Wayan Walk" in page
    participant = db.session.scalar(select(Participant).where(Participant.full_name == "Wayan Walk"))
    assert participant.source == "walk-in" and participant.status == "registered"  # staff admit over capacity
    assert participant.email == f"walkin-{participant.public_id.lower()}@walk-in.invalid"
    assert participant.phone == "+6281311112222"
    assert "https://wa.me/6281311112222?text=" in page
    assert db.session.scalar(select(func.count()).select_from(MailMessage)) == 0  # nobody to mail
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "participant.register"))
    assert entry.user_id == user.id and entry.detail["source"] == "walk-in"
    # a second walk-in without email gets its own placeholder
    client.post(f"/staff/events/{event.slug}/walk-in", data={"full_name": "Ketut Walk"})
    assert db.session.scalar(select(func.count()).select_from(Participant).where(Participant.source == "walk-in")) == 2


def test_walk_in_returns_to_the_door(client, event, login):
    login("organizer")
    response = client.post(f"/staff/events/{event.slug}/walk-in?return_to=door&checkpoint=7",
                           data={"full_name": "Door Person", "return_to": "door", "checkpoint": "7"})
    participant = db.session.scalar(select(Participant))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/events/{event.slug}/door?checkin={participant.public_id}&checkpoint=7"
    page = client.get(f"/staff/events/{event.slug}/walk-in?return_to=door&checkpoint=7").get_data(as_text=True)
    assert 'name="return_to" type="hidden" value="door"' in page
    evil = client.post(f"/staff/events/{event.slug}/walk-in",
                       data={"full_name": "Other", "return_to": "door", "checkpoint": "7&x=https://evil"})
    assert evil.status_code == 200  # no redirect with a checkpoint that is not a number


def test_walk_in_with_an_email_already_registered_is_refused(client, event, login):
    login("organizer")
    add(event, "Known", "known@example.id")
    page = client.post(f"/staff/events/{event.slug}/walk-in",
                       data={"full_name": "Known Again", "email": "KNOWN@example.id"}).get_data(as_text=True)
    assert 'class="error"' in page
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 1


def test_register_walk_in_service(app, event, make_user):
    from plm.registration.service import register_walk_in

    user = make_user("organizer")
    participant = register_walk_in(db.session, event, {"full_name": "Made", "phone": "08121234567"}, user)
    db.session.commit()
    assert participant.id and participant.source == "walk-in" and participant.new_manage_token


def test_rotate_ticket_key_reissues_every_ticket(client, event, people, login):
    from plm.registration.ticket import ticket_code

    before = ticket_code(people[0])
    login("admin")
    client.post(f"/staff/events/{event.slug}/rotate-ticket-key", data={})
    db.session.refresh(event)
    assert ticket_code(people[0]) == before
    client.post(f"/staff/events/{event.slug}/rotate-ticket-key", data={"confirm": "yes"})
    db.session.refresh(event)
    assert event.ticket_key_version == 2 and ticket_code(people[0]) != before


def test_reissue_one_ticket(client, event, people, login):
    from plm.registration.ticket import ticket_code

    before = ticket_code(people[0])
    login("organizer")
    client.post(f"/staff/events/{event.slug}/participants/{people[0].public_id}/reissue")
    db.session.refresh(people[0])
    assert ticket_code(people[0]) != before
    pdf = client.get(f"/staff/events/{event.slug}/participants/{people[0].public_id}/ticket.pdf")
    assert pdf.data[:5] == b"%PDF-"


def test_dashboard_links_to_participants(client, event, login):
    login("organizer")
    page = client.get("/staff/").get_data(as_text=True)
    assert f"/staff/events/{event.slug}/participants" in page and f"/staff/events/{event.slug}/walk-in" in page


def test_each_status_button_says_what_it_does(client, event, people, login):
    """A registered person's page used to show "Move to waiting list" twice, the second one making them
    "waiting for approval" (no ticket) without a word; that choice is offered, with its own label, only
    where approval is how people get in."""
    login("organizer")
    page_of = lambda person: client.get(f"/staff/events/{event.slug}/participants/{person.public_id}").get_data(as_text=True)  # noqa: E731
    page = page_of(people[0])
    assert page.count("Pindahkan ke daftar tunggu") == 1 and 'name="status" value="pending"' not in page
    event.registration_mode = "approval"
    db.session.commit()
    page = page_of(people[0])
    assert page.count("Pindahkan ke daftar tunggu") == 1 and "Kembali menunggu persetujuan" in page
    people[1].status = "pending"
    db.session.commit()
    assert "Setujui</button>" in page_of(people[1])
