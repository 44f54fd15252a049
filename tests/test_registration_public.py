"""Public sign-up, confirmation, manage page: HTTP tests (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from plm.extensions import db
from plm.models import AuditLog, MailMessage, Participant, utcnow
from tests.conftest import csrf_token_from
from tests.helpers import form_data, manage_token, register


def test_form_renders_with_provinces_from_the_data_file(client, event):
    page = client.get(f"/e/{event.slug}/register").get_data(as_text=True)
    assert page.count("<option value=") >= 38 + 5
    assert "Papua Barat Daya" in page and "Kalimantan Utara" in page
    assert 'name="website"' in page  # honeypot present
    assert "<script" not in page  # works without JavaScript
    assert 'name="role"' not in page  # the event does not allow role requests


def test_register_gives_a_seat_ticket_and_a_link_shown_once(client, event):
    response = register(client, event)
    assert response.status_code == 302
    assert re.fullmatch(rf"/e/{event.slug}/me/[A-Za-z0-9_-]+/registered", response.headers["Location"])
    participant = db.session.scalar(select(Participant))
    assert participant.status == "registered" and participant.phone == "+6281234567890"
    assert participant.name_on_badge == participant.full_name and participant.consent_at is not None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    token = re.search(rf"/e/{event.slug}/me/([A-Za-z0-9_-]+)", page).group(1)
    assert len(token) >= 22  # >= 128 bits of urlsafe base64
    assert participant.manage_token_hash != token and token not in str(participant.manage_token_hash)
    assert "https://wa.me/?text=" in page and "<svg" in page
    # the old confirmation address shows no link (it used to read it from the session cookie)
    again = client.get(f"/e/{event.slug}/registered")
    assert again.status_code == 302 and token not in again.headers["Location"]
    assert client.get(f"/e/{event.slug}/me/{token}").status_code == 200
    mail = db.session.scalar(select(MailMessage))
    assert mail.recipient == "ayu@example.id" and mail.status == "logged" and token in mail.body_text


@pytest.mark.parametrize("phone, expected", [
    ("08123456789", "+628123456789"), ("+62 812-3456-789", "+628123456789"), ("628123456789", "+628123456789"),
    ("(0361) 123456", "+62361123456"),
])
def test_indonesian_phone_formats_are_normalised(client, event, phone, expected):
    assert register(client, event, phone=phone).status_code == 302
    assert db.session.scalar(select(Participant.phone)) == expected


@pytest.mark.parametrize("phone", ["12", "08abc", "0812345678901234567", "+1 555"])
def test_malformed_phone_is_refused_next_to_the_field_and_input_kept(client, event, phone):
    response = register(client, event, phone=phone, full_name="Komang Ayu")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'id="phone"[^>]*aria-invalid="true"', page) or 'aria-invalid="true"' in page
    assert "Nomor telepon tidak valid" in page or "valid" in page
    assert 'value="Komang Ayu"' in page
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 0


@pytest.mark.parametrize("name", [
    "Ida Bagus Made " + "Sudharma " * 8 + "Putra",  # a very long Balinese name (92 characters)
    "I Ketut Sudarsana O'Neil",
    "Soekarno",
    "Nguyễn Thị Minh Khai",
    "محمد عبد الله",  # right-to-left
    "x" * 100,
])
def test_names_the_fonts_can_print_are_accepted(client, event, name):
    response = register(client, event, full_name=name, email="n@example.id")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    participant = db.session.scalar(select(Participant))
    assert participant.full_name == name.strip()
    token = manage_token(client, event)
    assert name in client.get(f"/e/{event.slug}/me/{token}").get_data(as_text=True).replace("&#39;", "'")


def test_101_character_name_is_refused(client, event):
    page = register(client, event, full_name="y" * 101).get_data(as_text=True)
    assert "Paling banyak 100 karakter" in page and "(sekarang 101)" in page
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 0


def test_control_characters_and_outer_whitespace_are_cleaned(client, event):
    register(client, event, full_name="  Made\x00 \x07Wirawan\u200b  ", institution="\tTBM  Sari\n")
    participant = db.session.scalar(select(Participant))
    assert participant.full_name == "Made Wirawan" and participant.institution == "TBM Sari"


def test_html_in_any_field_is_shown_escaped(client, event, login):
    script = "<script>alert('x')</script>"
    register(client, event, institution=script, full_name="<b>Bold</b> Name", diet="<img src=x onerror=alert(1)>")
    token = manage_token(client, event)
    page = client.get(f"/e/{event.slug}/me/{token}").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "<b>Bold</b>" not in page and "<img src=x" not in page
    mail = db.session.scalar(select(MailMessage))
    assert "<b>Bold</b>" not in mail.body_html and "&lt;b&gt;Bold" in mail.body_html
    login("admin")
    participant = db.session.scalar(select(Participant))
    staff = client.get(f"/staff/events/{event.slug}/participants").get_data(as_text=True)
    assert "<script>alert" not in staff and "&lt;script&gt;" in staff
    detail = client.get(f"/staff/events/{event.slug}/participants/{participant.public_id}").get_data(as_text=True)
    assert "<script>alert" not in detail and "<img src=x" not in detail


def test_required_fields_and_consent(client, event):
    page = client.post(f"/e/{event.slug}/register", data={"email": "not-an-email"}).get_data(as_text=True)
    assert page.count('class="error"') >= 5
    assert "Harap setujui" in page or "agree" in page
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 0


def test_english_messages_when_english_is_chosen(client, event):
    client.get("/lang/en")
    page = register(client, event, email="nope").get_data(as_text=True)
    assert "Invalid email address." in page


def test_duplicate_email_case_insensitive_offers_resend_without_revealing(client, event):
    register(client, event)
    client.get(client.registered_page)
    response = register(client, event, email="AYU@Example.ID", full_name="Someone Else", institution="Secret Lib X")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 1
    assert f"/e/{event.slug}/resend-link" in page
    assert "Perpustakaan Desa Ungasan" not in page  # nothing of the existing registration shown
    old_hash = db.session.scalar(select(Participant.manage_token_hash))
    resend = client.post(f"/e/{event.slug}/resend-link", data={"email": "AYU@example.id"}, follow_redirects=True)
    assert resend.status_code == 200
    db.session.expire_all()
    # the working link stays until the new one is opened (issue 12)
    assert db.session.scalar(select(Participant.manage_token_hash)) == old_hash
    assert db.session.scalar(select(Participant.pending_manage_token_hash)) not in (None, old_hash)
    mail = db.session.scalars(select(MailMessage).order_by(MailMessage.id.desc())).first()
    assert mail.recipient == "ayu@example.id"
    assert "menggantikan" in mail.body_text or "replaces" in mail.body_text
    # an unknown address gets the same answer and no mail
    unknown = client.post(f"/e/{event.slug}/resend-link", data={"email": "nobody@example.id"}, follow_redirects=True)
    assert unknown.get_data(as_text=True).count("flash-info") == resend.get_data(as_text=True).count("flash-info")
    assert db.session.scalar(select(func.count()).select_from(MailMessage)) == 2


def test_honeypot_refuses_quietly(client, event):
    response = register(client, event, website="http://spam.example")
    assert response.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 0


def test_rate_limit_on_registration(make_app, event):
    app = make_app(RATELIMIT_ENABLED=True, REGISTRATION_RATE_LIMIT="3 per minute")
    client = app.test_client()
    codes = [client.post(f"/e/{event.slug}/register", data=form_data(email=f"r{i}@example.id")).status_code
             for i in range(5)]
    assert codes[:3] == [302, 302, 302] and codes[3:] == [429, 429]
    assert client.get(f"/e/{event.slug}/register").status_code == 200  # reading is not limited


def test_csrf_is_enforced(make_app, event):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    refused = client.post(f"/e/{event.slug}/register", data=form_data())
    assert refused.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Participant)) == 0
    token = csrf_token_from(client.get(f"/e/{event.slug}/register").get_data(as_text=True))
    accepted = client.post(f"/e/{event.slug}/register", data=form_data(csrf_token=token))
    assert accepted.status_code == 302


def test_registration_window(frozen_time, client, event):
    event.registration_opens_at = utcnow() + timedelta(days=2)
    db.session.commit()
    page = client.get(f"/e/{event.slug}/register").get_data(as_text=True)
    assert 'name="full_name"' not in page
    register(client, event)
    event.registration_opens_at = None
    event.registration_closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    register(client, event)
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 0


def test_role_request_only_when_the_event_allows_it(client, event):
    register(client, event, role="speaker")
    assert db.session.scalar(select(Participant.role)) == "participant"
    event.allow_role_request = True
    db.session.commit()
    assert 'name="role"' in client.get(f"/e/{event.slug}/register").get_data(as_text=True)
    register(client, event, role="speaker", email="s@example.id")
    assert db.session.scalar(select(Participant.role).where(Participant.email == "s@example.id")) == "speaker"
    register(client, event, role="committee", email="c@example.id")  # not requestable
    assert db.session.scalar(select(func.count()).select_from(Participant).where(Participant.email == "c@example.id")) == 0


def test_capacity_waitlist_position_and_promotion_on_cancel(client, event):
    event.capacity = 2
    db.session.commit()
    tokens = {}
    for name in ("a", "b", "c", "d"):
        register(client, event, email=f"{name}@example.id", full_name=f"Person {name}")
        tokens[name] = manage_token(client, event)
    statuses = dict(db.session.execute(select(Participant.email, Participant.status)).all())
    assert statuses == {"a@example.id": "registered", "b@example.id": "registered",
                        "c@example.id": "waitlisted", "d@example.id": "waitlisted"}
    page_d = client.get(f"/e/{event.slug}/me/{tokens['d']}").get_data(as_text=True)
    assert "nomor 2" in page_d  # position on the waiting list
    assert "<svg" not in page_d  # no ticket while waiting
    waitlist_mail = db.session.scalar(select(MailMessage).where(MailMessage.recipient == "c@example.id"))
    assert "tunggu" in waitlist_mail.subject.lower()
    # cancelling needs the confirmation box
    client.post(f"/e/{event.slug}/me/{tokens['a']}/cancel", data={})
    assert db.session.scalar(select(Participant.status).where(Participant.email == "a@example.id")) == "registered"
    client.post(f"/e/{event.slug}/me/{tokens['a']}/cancel", data={"confirm": "y"})
    db.session.expire_all()
    statuses = dict(db.session.execute(select(Participant.email, Participant.status)).all())
    assert statuses["a@example.id"] == "cancelled" and statuses["c@example.id"] == "registered"
    assert statuses["d@example.id"] == "waitlisted"
    assert "nomor 1" in client.get(f"/e/{event.slug}/me/{tokens['d']}").get_data(as_text=True)
    promoted = db.session.scalars(select(MailMessage).where(MailMessage.recipient == "c@example.id")
                                  .order_by(MailMessage.id)).all()
    assert len(promoted) == 2 and promoted[1].attachments and "<svg" not in promoted[1].body_html
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "participant.promote")) == 1
    # a cancelled participant may register again: the seat is taken, so the waiting list
    client.post(f"/e/{event.slug}/me/{tokens['a']}/reinstate")
    db.session.expire_all()
    assert db.session.scalar(select(Participant.status).where(Participant.email == "a@example.id")) == "waitlisted"


def test_wrong_or_foreign_token_is_404(client, event):
    register(client, event)
    token = manage_token(client, event)
    assert client.get(f"/e/{event.slug}/me/{token[:-2]}{'AB' if not token.endswith('AB') else 'CD'}").status_code == 404
    assert client.get(f"/e/{event.slug}/me/{'a' * 200}").status_code == 404
    assert client.get(f"/e/nope/me/{token}").status_code == 404
    from plm.models import Event

    other = Event(slug="plm-other", name="Other", starts_on=event.starts_on, ends_on=event.ends_on)
    db.session.add(other)
    db.session.commit()
    assert client.get(f"/e/plm-other/me/{token}").status_code == 404


def test_manage_page_edits_details_but_not_email(client, event):
    register(client, event)
    token = manage_token(client, event)
    page = client.get(f"/e/{event.slug}/me/{token}").get_data(as_text=True)
    assert 'name="email"' in page  # the email-change form, separate from the details
    data = form_data(full_name="Ni Luh Ayu", phone="+62 811 222 333", province="Jawa Timur", email="evil@example.id")
    response = client.post(f"/e/{event.slug}/me/{token}", data=data)
    assert response.status_code == 302
    participant = db.session.scalar(select(Participant))
    db.session.refresh(participant)
    assert participant.full_name == "Ni Luh Ayu" and participant.province == "Jawa Timur"
    assert participant.phone == "+62811222333" and participant.email == "ayu@example.id"
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "participant.update"))
    assert entry.detail["changes"]["full_name"] == ["Ni Luh Putu Ayu Sri Wahyuni", "Ni Luh Ayu"]
    bad = client.post(f"/e/{event.slug}/me/{token}", data=form_data(phone="123"))
    assert bad.status_code == 200 and 'aria-invalid="true"' in bad.get_data(as_text=True)


def test_email_change_needs_confirmation_from_the_new_address(client, event):
    register(client, event)
    token = manage_token(client, event)
    client.post(f"/e/{event.slug}/me/{token}/email", data={"email": "Baru@Example.id"})
    participant = db.session.scalar(select(Participant))
    assert participant.email == "ayu@example.id"
    mail = db.session.scalar(select(MailMessage).where(MailMessage.recipient == "Baru@Example.id"))
    link = re.search(r"(/e/[^\s]+/confirm-email/[^\s]+)", mail.body_text).group(1)
    page = client.get(link)  # opening the link (or a mail scanner's preview) changes nothing...
    assert page.status_code == 200 and 'data-auto-submit' in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(Participant.email)) == "ayu@example.id"
    assert client.post(link).status_code == 200  # ...the form it shows (sent by its script) does
    db.session.expire_all()
    assert db.session.scalar(select(Participant.email)) == "Baru@Example.id"
    assert client.get(link).status_code == 410  # used once
    assert client.post(link).status_code == 410
    assert client.get(link[:-3] + "xyz").status_code == 404


@pytest.mark.parametrize("name", ["Made", "W" * 100, "Ida Bagus " + "Sudharma " * 10])
def test_ticket_downloads(client, event, name):
    register(client, event, full_name=name, institution="Perpustakaan Desa " * 5)
    token = manage_token(client, event)
    png = client.get(f"/e/{event.slug}/me/{token}/ticket.png")
    assert png.status_code == 200 and png.data[:8] == b"\x89PNG\r\n\x1a\n"
    pdf = client.get(f"/e/{event.slug}/me/{token}/ticket.pdf")
    assert pdf.status_code == 200 and pdf.data[:5] == b"%PDF-"
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf.data))
    assert len(reader.pages) == 1
    participant = db.session.scalar(select(Participant))
    assert participant.public_id in reader.pages[0].extract_text()


@pytest.fixture
def short_tmp():
    """A short folder: the name and institution hold at most 100 characters, pytest's tmp_path is longer."""
    import shutil
    import tempfile
    from pathlib import Path

    folder = tempfile.mkdtemp(prefix="s", dir="/tmp")
    yield Path(folder)
    shutil.rmtree(folder, ignore_errors=True)


def test_ticket_pdf_never_fetches_urls_from_user_text(client, event, short_tmp):
    secret = short_tmp / "s.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    register(client, event, full_name=f'<img src="file://{secret}"> Ayu',
             institution=f'<link rel="stylesheet" href="file://{secret}">')
    token = manage_token(client, event)
    pdf = client.get(f"/e/{event.slug}/me/{token}/ticket.pdf")
    assert pdf.status_code == 200
    import io

    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert "TOP-SECRET" not in text and "img src" in text  # shown as text, not loaded


def test_ticket_pdf_renders_through_the_pdf_engine_and_its_fetcher(client, event, monkeypatch):
    """One URL policy for every PDF: the ticket goes through plm.pdf, whose fetcher serves the shipped
    static files and refuses other files, the network and data: URLs."""
    from plm.pdf import engine
    from plm.pdf.fetcher import RefusedURL, SafeURLFetcher
    from plm.pdf.fonts import FONT_REGULAR

    for url in ("file:///etc/passwd", "http://example.org/logo.png", "data:image/png;base64,AAAA",
                f"{Path(FONT_REGULAR).parent.as_uri()}/../../plm/config.py"):
        with pytest.raises(RefusedURL):
            SafeURLFetcher().fetch(url)
    assert SafeURLFetcher().fetch(Path(FONT_REGULAR).as_uri()).read(4) == b"\x00\x01\x00\x00"
    calls = []
    real = engine.render_html
    monkeypatch.setattr(engine, "render_html", lambda html, *a, **k: calls.append(html) or real(html, *a, **k))
    register(client, event)
    token = manage_token(client, event)
    assert client.get(f"/e/{event.slug}/me/{token}/ticket.pdf").data.startswith(b"%PDF") and len(calls) == 1


def test_manage_links_registry_is_rendered(make_app, event):
    from flask import Blueprint

    from plm.navigation import add_manage_link

    app = make_app()
    extra = Blueprint("extra_test", __name__)

    @extra.route("/e/<slug>/me/<token>/extra")
    def extra_page(slug, token):
        return "extra"

    app.register_blueprint(extra)
    add_manage_link(app, "extra_test.extra_page", "Sesi saya")
    client = app.test_client()
    register(client, event)
    token = manage_token(client, event)
    page = client.get(f"/e/{event.slug}/me/{token}").get_data(as_text=True)
    assert f"/e/{event.slug}/me/{token}/extra" in page and "Sesi saya" in page
