"""Issue 12: a "send my link again" by anyone who knows an address does not lock its owner out, and the
manage token never sits in the session cookie."""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.request

from sqlalchemy import func, select

from plm.extensions import db
from plm.models import MailMessage, Participant, hash_token
from tests.helpers import form_data, manage_token, register


def _resend(client, event, email="ayu@example.id", **kwargs):
    return client.post(f"/e/{event.slug}/resend-link", data={"email": email}, **kwargs)


def _open(client, event, token: str, path: str = ""):
    """Open a mailed link as a browser does: the GET shows a form (it writes nothing), the form POSTs."""
    page = client.get(f"/e/{event.slug}/me/{token}{path}")
    assert page.status_code == 200 and f'action="/e/{event.slug}/me/{token}/open"' in page.get_data(as_text=True)
    return client.post(f"/e/{event.slug}/me/{token}/open", data={"next": f"/e/{event.slug}/me/{token}{path}"})


def _mailed_token(event) -> str:
    mail = db.session.scalars(select(MailMessage).order_by(MailMessage.id.desc())).first()
    return re.search(rf"/e/{event.slug}/me/([A-Za-z0-9_-]+)", mail.body_text).group(1)


def test_resend_keeps_the_working_link_until_the_new_one_is_used(client, event):
    register(client, event)
    old = manage_token(client, event)
    stranger = client.application.test_client()  # someone else who only knows the address
    assert _resend(stranger, event).status_code == 302
    new = _mailed_token(event)
    assert new != old
    assert client.get(f"/e/{event.slug}/me/{old}").status_code == 200  # not locked out
    assert client.get(f"/e/{event.slug}/me/{old}/sessions").status_code == 200
    # opening the new link writes nothing yet (a GET, or a mail scanner's preview)...
    assert client.get(f"/e/{event.slug}/me/{new}").status_code == 200
    assert client.get(f"/e/{event.slug}/me/{old}").status_code == 200
    # ...its first use (the POST its page sends) retires the old one
    opened = _open(client, event, new)
    assert opened.status_code == 303 and opened.headers["Location"].endswith(f"/e/{event.slug}/me/{new}")
    retired = client.get(f"/e/{event.slug}/me/{old}")
    assert retired.status_code == 404
    # The retired link says why it may have stopped and leads on to asking for the link again (no dead end).
    page = retired.get_data(as_text=True)
    assert "Tautan pribadi ini tidak berfungsi" in page and f'href="/e/{event.slug}/resend-link"' in page
    assert client.get(f"/e/{event.slug}/me/{new}").status_code == 200
    db.session.expire_all()
    participant = db.session.scalar(select(Participant))
    assert participant.manage_token_hash == hash_token(new) and participant.pending_manage_token_hash is None


def test_repeated_resends_never_kill_the_working_link(client, event):
    register(client, event)
    old = manage_token(client, event)
    offered = []
    for _ in range(3):
        _resend(client, event)
        offered.append(_mailed_token(event))
    assert client.get(f"/e/{event.slug}/me/{old}").status_code == 200
    # only the latest offer works; an earlier one that was never opened is gone
    assert client.get(f"/e/{event.slug}/me/{offered[0]}").status_code == 404
    opened = _open(client, event, offered[-1], "/sessions")  # any page under the link
    assert opened.headers["Location"].endswith(f"/e/{event.slug}/me/{offered[-1]}/sessions")
    assert client.get(f"/e/{event.slug}/me/{offered[-1]}/sessions").status_code == 200
    assert client.get(f"/e/{event.slug}/me/{old}").status_code == 404


def test_staff_resend_still_revokes_at_once(client, event, login):
    """Staff use it when a link leaked: the old link stops immediately."""
    register(client, event)
    old = manage_token(client, event)
    public_id = db.session.scalar(select(Participant.public_id))
    login("organizer")
    client.post(f"/staff/events/{event.slug}/participants/{public_id}/resend")
    assert client.get(f"/e/{event.slug}/me/{old}").status_code == 404
    assert client.get(f"/e/{event.slug}/me/{_mailed_token(event)}").status_code == 200


def test_deleting_my_data_also_drops_an_offered_link(client, event):
    from plm.privacy.service import erase_participant

    register(client, event)
    manage_token(client, event)
    _resend(client, event)
    offered = _mailed_token(event)
    erase_participant(db.session, db.session.scalar(select(Participant)))
    db.session.commit()
    assert client.get(f"/e/{event.slug}/me/{offered}").status_code == 404


def test_first_uses_of_a_new_link_at_once_leave_one_consistent_link(app, event, live_server):
    """Phones often open a mailed link twice (preview, then the browser): both work, and exactly the new
    link remains, also when the two first uses (the POSTs the link's page sends) promote it at once."""
    client = app.test_client()
    register(client, event)
    old = manage_token(client, event)
    _resend(client, event)
    new = _mailed_token(event)
    barrier = threading.Barrier(6)
    codes = []

    def open_link():
        barrier.wait()
        try:
            request = urllib.request.Request(f"{live_server}/e/{event.slug}/me/{new}/open", data=b"", method="POST")
            with urllib.request.urlopen(request, timeout=30) as response:  # follows the 303 to the page
                codes.append(response.status)
        except urllib.error.HTTPError as error:
            codes.append(error.code)

    threads = [threading.Thread(target=open_link) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert codes == [200] * 6
    db.session.expire_all()
    participant = db.session.scalar(select(Participant))
    assert participant.manage_token_hash == hash_token(new) and participant.pending_manage_token_hash is None
    assert client.get(f"/e/{event.slug}/me/{old}").status_code == 404


def test_a_newer_resend_between_lookup_and_promotion_is_not_overwritten(app, event):
    """The promotion is conditional: if another request offered a newer link meanwhile, it stays offered."""
    from plm.events import _promote_pending_token

    client = app.test_client()
    register(client, event)
    old = manage_token(client, event)
    participant = db.session.scalar(select(Participant))
    stale = participant.offer_manage_token()
    db.session.commit()
    newer = participant.offer_manage_token()  # the later request wins the column
    db.session.commit()
    _promote_pending_token(participant, hash_token(stale))
    assert participant.manage_token_hash == hash_token(old)
    assert participant.pending_manage_token_hash == hash_token(newer)


def test_resend_is_rate_limited_per_address_from_any_client(make_app, event):
    app = make_app(RATELIMIT_ENABLED=True, REGISTRATION_RATE_LIMIT="100 per hour",
                   RESEND_LINK_EMAIL_RATE_LIMIT="2 per hour")
    with app.app_context():
        client = app.test_client()
        register(client, event)
        codes = [_resend(client, event, environ_base={"REMOTE_ADDR": f"10.0.0.{i}"}).status_code for i in range(3)]
        assert codes == [302, 302, 429]
        assert _resend(client, event, email="other@example.id").status_code == 302  # another address
        mails = db.session.scalar(select(func.count()).select_from(MailMessage))
        assert mails == 3  # the confirmation and two links


# ---- the session cookie ---------------------------------------------------------------------------

def _session_payload(app, client) -> str:
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    if cookie is None:
        return ""
    return repr(app.session_interface.get_signing_serializer(app).loads(cookie.value)) + cookie.value


def test_the_manage_token_never_sits_in_the_session_cookie(client, event):
    app = client.application
    response = client.post(f"/e/{event.slug}/register", data=form_data())
    assert response.status_code == 302
    after_post = _session_payload(app, client)
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    token = re.search(rf"/e/{event.slug}/me/([A-Za-z0-9_-]+)", page.get_data(as_text=True)).group(1)
    after_page = _session_payload(app, client)
    assert token not in after_post and token not in after_page
    # the manage-page flow still works: the confirmation page links to it
    assert client.get(f"/e/{event.slug}/me/{token}").status_code == 200
    assert token not in _session_payload(app, client)
