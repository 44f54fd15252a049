"""A double tap on a slow phone sends a form once (static/js/submit-once.js): the door's walk-in form
submitted twice in a row registers one person."""

from __future__ import annotations

from sqlalchemy import func, select

from plm.extensions import db
from plm.models import Participant
from tests.helpers import log_in


def test_a_double_tap_on_the_walk_in_form_registers_one_person(live_server, event, make_user, new_page):
    make_user("organizer", "pintu@test.example")
    page = new_page(width=360)
    log_in(page, live_server, "pintu@test.example")
    page.goto(f"{live_server}/staff/events/{event.slug}/walk-in")
    page.fill("#full_name", "Wayan Dua Kali")
    page.fill("#phone", "0813 1111 2222")
    with page.expect_navigation():
        sent = page.evaluate("""() => {
          let sent = 0;
          window.addEventListener('submit', (e) => { if (!e.defaultPrevented) sent += 1; });
          const form = document.querySelector('main form');
          form.requestSubmit(); form.requestSubmit();
          return sent;
        }""")
    assert sent == 1
    assert page.locator(".ticket-qr svg").count() == 1
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Participant).where(
        Participant.full_name == "Wayan Dua Kali")) == 1
