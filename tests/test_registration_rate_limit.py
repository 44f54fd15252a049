"""Registration limits count abuse, not delegations (issue 14, item 2): successful registrations per
client address with a NAT-sized allowance, valid submissions per email address, and a refused POST keeps
what was typed (429, in Indonesian)."""

from sqlalchemy import func, select

from plm.extensions import db
from plm.models import Participant
from tests.helpers import form_data


def _count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Participant))


def test_a_delegation_of_sixty_registers_from_one_address_within_an_hour(make_app, event):
    app = make_app(RATELIMIT_ENABLED=True)  # the shipped limits
    client = app.test_client()
    codes = []
    for i in range(60):
        # every third person first mistypes the phone number: failed form checks do not count
        if i % 3 == 0:
            bad = client.post(f"/e/{event.slug}/register", data=form_data(email=f"d{i}@example.id", phone="12"))
            assert bad.status_code == 200
        codes.append(client.post(f"/e/{event.slug}/register",
                                 data=form_data(email=f"d{i}@example.id", full_name=f"Peserta {i}")).status_code)
    assert codes == [302] * 60
    assert _count(app) == 60


def test_a_refused_registration_keeps_the_typed_form_and_says_why(make_app, event):
    app = make_app(RATELIMIT_ENABLED=True, REGISTRATION_RATE_LIMIT="3 per hour")
    client = app.test_client()
    for i in range(10):  # form errors are not counted
        assert client.post(f"/e/{event.slug}/register", data=form_data(email=f"x{i}@example.id", consent="")).status_code == 200
    for i in range(3):
        assert client.post(f"/e/{event.slug}/register", data=form_data(email=f"ok{i}@example.id")).status_code == 302
    refused = client.post(f"/e/{event.slug}/register",
                          data=form_data(email="late@example.id", full_name="Made Wirawan", institution="TBM Lentera"))
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429 and refused.headers.get("Retry-After")
    assert "Terlalu banyak pendaftaran" in page
    assert 'value="Made Wirawan"' in page and 'value="late@example.id"' in page and 'value="TBM Lentera"' in page
    assert '<form method="post"' in page
    assert _count(app) == 3


def test_one_email_address_hammered_is_limited(make_app, event):
    app = make_app(RATELIMIT_ENABLED=True, REGISTRATION_EMAIL_RATE_LIMIT="3 per hour")
    client = app.test_client()
    codes = [client.post(f"/e/{event.slug}/register", data=form_data(email="same@example.id")).status_code
             for _ in range(5)]
    assert codes == [302, 200, 200, 429, 429]  # one registration, two "already registered", then refused
    other = client.post(f"/e/{event.slug}/register", data=form_data(email="other@example.id"))
    assert other.status_code == 302  # other people on the same address are not affected
