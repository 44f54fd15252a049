"""Every page at 360 px, in Indonesian and English, as the public, a participant (manage link) and each
staff role: no horizontal overflow, no word broken across two lines, and no WCAG 2.1 AA violation (axe-core).

The routes come from app.url_map, so a new page is walked without anyone remembering to add it here;
a route the walker cannot fill in or that is not an HTML page is named in SKIP with the reason.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.browser.conftest import screenshot
from tests.conftest import STAFF_PASSWORD

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
WIDTH = 360

# Not HTML pages (files, feeds, JSON, scripts) or pages that only redirect: nothing to lay out.
NOT_PAGES = re.compile(r"(\.(pdf|png|ics|json|webmanifest|csv|css|js|xlsx|<fmt>)$|/download$|/logo$|^/api/|^/static/|^/lang/"
                       r"|^/healthz$|^/readyz$|/confirm-email/)")

# Finds, in one pass over the page's text nodes, every word whose letters sit on more than one line.
# A word is a run of non-space characters; a break right after a hyphen or a slash is a legal break
# ("check-/in"), so those split a word too. Elements marked .breakable (tokens, long links) may break.
BROKEN_WORDS_JS = r"""
() => {
  const broken = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('script,style,noscript,template,textarea,select,.breakable')) continue;
    const text = node.nodeValue;
    const re = /[^\s\-\/\u2013\u2014]+[\-\/\u2013\u2014]?/g;
    let m;
    while ((m = re.exec(text)) !== null) {
      if (m[0].length < 2) continue;
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const rects = Array.from(range.getClientRects()).filter(r => r.width > 0 && r.height > 0);
      if (rects.length < 2) continue;
      const tops = new Set(rects.map(r => Math.round(r.bottom)));
      if (tops.size > 1) broken.push(m[0] + ' in <' + parent.tagName.toLowerCase() + (parent.className ? '.' + parent.className : '') + '>');
    }
  }
  return broken;
}
"""

# The innermost elements sticking out on the right: what makes a page wider than the phone.
WIDEST_JS = r"""
(width) => Array.from(document.querySelectorAll('body *')).filter(el => {
  const r = el.getBoundingClientRect();
  return r.right > width + 1 && r.width > 0 && !Array.from(el.children).some(c => c.getBoundingClientRect().right > width + 1);
}).slice(0, 5).map(el => '<' + el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') + '>')
"""

# Elements that scroll sideways inside the page (a table in a scroll box): on a phone a table is cards.
SIDE_SCROLL_JS = r"""
() => Array.from(document.querySelectorAll('body *')).filter(el => {
  const style = getComputedStyle(el);
  return ['auto', 'scroll'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1
         && !el.closest('.side-scroll-ok');
}).map(el => '<' + el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') + '>')
"""


@pytest.fixture
def walk_event(app):
    """A small but complete event: the demo schedule with 30 participants, attendance, a certificate,
    a sign-up, a mail in the outbox and a finished job: every page has real rows to show."""
    from plm.checkin.commands import simulate_attendance
    from plm.demo import load_demo
    from plm.documents import service as documents
    from plm.extensions import db
    from plm.models import Event, EventSession, Job, SessionSignup, User
    from plm.outbox import queue
    from plm.questions.models import RegistrationQuestion

    summary = load_demo(db.session, date.today() - timedelta(days=1), count=30)
    event = db.session.scalar(select(Event).where(Event.slug == "plm-2015"))
    simulate_attendance(db.session, event)
    from plm.demo.evaluations import simulate_evaluations
    from plm.evaluations.models import Questionnaire

    simulate_evaluations(db.session, event)
    test_form = db.session.scalar(select(Questionnaire).where(Questionnaire.kind == "test"))
    people = [p for p in event.participants if p.role == "participant"]
    person = people[0]
    token = person.issue_manage_token()
    signup_session = db.session.scalar(select(EventSession).where(EventSession.event_id == event.id,
                                                                  EventSession.signup_required.is_(True)))
    db.session.add(SessionSignup(session_id=signup_session.id, participant_id=person.id))
    certificate = documents.issue_certificate(db.session, event, person, 24.0)
    queue(db.session, recipient=person.email, subject="Tiket PLM", body_text="Halo")
    admin = db.session.scalar(select(User).where(User.role == "admin"))
    job = Job(kind="badges", event_id=event.id, user_id=admin.id, params={}, status="done", total=30, progress=30)
    db.session.add(job)
    from plm.i18n_audit import delegation_sample_values

    invite_token, institution_id = delegation_sample_values(db.session, event, person)
    db.session.commit()
    from plm.lodging.models import Hotel, HotelRoom
    from plm.models import Checkpoint, MailMessage, Room, Track

    return {
        "event": event, "slug": event.slug, "public_id": person.public_id, "token": token,
        "session_id": signup_session.id, "serial": certificate.serial,
        "room_id": db.session.scalar(select(Room.id).where(Room.event_id == event.id)),
        "track_id": db.session.scalar(select(Track.id).where(Track.event_id == event.id)),
        "message_id": db.session.scalar(select(MailMessage.id)),
        "job_id": job.id, "user_id": admin.id, "form_id": test_form.id, "code": test_form.code,
        "invite_token": invite_token, "institution_id": institution_id,
        "question_id": db.session.scalar(select(RegistrationQuestion.id).where(RegistrationQuestion.event_id == event.id).order_by(RegistrationQuestion.position)),
        "passwords": {login["email"]: login["password"] for login in summary["logins"]},
        "checkpoint_id": db.session.scalar(select(Checkpoint.id).where(Checkpoint.event_id == event.id,
                                                                      Checkpoint.kind == "day")),
        "hotel_id": db.session.scalar(select(Hotel.id).where(Hotel.event_id == event.id)),
        "hotel_room_id": db.session.scalar(select(HotelRoom.id).join(Hotel).where(Hotel.event_id == event.id)
                                           .order_by(HotelRoom.id)),
    }


def page_urls(app, values: dict) -> list[str]:
    urls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or NOT_PAGES.search(rule.rule):
            continue
        missing = [name for name in rule.arguments if name not in values]
        assert not missing, f"the walker cannot fill {missing} in {rule.rule}: add a value to walk_event"
        path = rule.rule
        for name in rule.arguments:
            path = re.sub(rf"<(?:[a-z]+:)?{name}>", str(values[name]), path)
        urls.append(path)
    return urls


def check_page(page, axe_source: str | None) -> list[str]:
    problems = []
    width = page.evaluate("window.innerWidth")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        problems.append(f"page is {scroll_width}px wide: " + ", ".join(page.evaluate(WIDEST_JS, width)))
    problems += [f"scrolls sideways: {el}" for el in page.evaluate(SIDE_SCROLL_JS)]
    problems += [f"word broken: {word}" for word in page.evaluate(BROKEN_WORDS_JS)]
    if axe_source is None:
        return problems
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source + "\n;true")
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                                           resultTypes: ['violations']});
        return r.violations.map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
    }""")
    problems += [f"axe {v}" for v in result]
    return problems


#: (language, the widths each page is measured at). Each page is opened once, at the first width, where
#: everything is checked (axe included); the window is then resized to each further width (a laptop's 1280
#: px) for the overflow and broken-word checks only ("Terdafta/r" in a status pill was seen at 1280 too).
WALKS = {"id": (WIDTH, 1280), "en": (WIDTH,)}
HEIGHTS = {WIDTH: 740, 1280: 900}


@pytest.mark.parametrize("lang", list(WALKS))
def test_every_page_fits_a_phone_keeps_words_whole_and_passes_axe(app, live_server, browser, walk_event, lang):
    axe_source = AXE.read_text(encoding="utf-8")
    width, *wider = WALKS[lang]
    urls = page_urls(app, walk_event)
    slug, token = walk_event["slug"], walk_event["token"]
    staff = [u for u in urls if u.startswith("/staff/") and u != "/staff/login"]
    public = [u for u in urls if u not in staff and f"/me/{token}" not in u]
    participant = [u for u in urls if f"/me/{token}" in u]
    from plm.demo.data import DEMO_STAFF

    passwords = walk_event["passwords"]
    emails = {s["role"]: s["email"] for s in DEMO_STAFF}
    failures: dict[str, list[str]] = {}
    walked = 0

    def walk(context, who: str, paths: list[str], only_allowed: bool) -> None:
        nonlocal walked
        page = context.new_page()
        for path in paths:
            response = page.goto(live_server + path)
            status = response.status if response else 0
            assert status < 500, f"{who} {path} answered {status}"
            if only_allowed and status != 200:
                continue
            walked += 1
            if problems := check_page(page, axe_source):
                failures[f"{lang} {width}px {who} {path}"] = problems
            for other in wider:
                page.set_viewport_size({"width": other, "height": HEIGHTS[other]})
                if problems := check_page(page, None):
                    failures[f"{lang} {other}px {who} {path}"] = problems
                page.set_viewport_size({"width": width, "height": HEIGHTS[width]})
        page.close()

    def new_context():
        context = browser.new_context(viewport={"width": width, "height": HEIGHTS[width]}, locale=f"{lang}-ID")
        context.new_page().goto(live_server + f"/lang/{lang}?next=/")
        return context

    context = new_context()
    walk(context, "public", public, only_allowed=False)
    walk(context, "participant", participant + [f"/e/{slug}/schedule?token={token}"], only_allowed=False)
    context.close()
    for role in ("admin", "organizer", "facilitator"):
        context = new_context()
        page = context.new_page()
        page.goto(live_server + "/staff/login")
        page.fill("input[name=email]", emails[role])
        page.fill("input[name=password]", passwords.get(emails[role], STAFF_PASSWORD))
        page.click("main button[type=submit]")
        page.wait_for_url("**/staff/**")
        page.close()
        # Admins see every page; the other roles walk the pages they may open (a refusal is one error page).
        walk(context, role, staff, only_allowed=role != "admin")
        context.close()
    assert walked > 50
    assert failures == {}, "\n".join(f"{where}:\n    " + "\n    ".join(problems) for where, problems in failures.items())


SCREENSHOTS = {
    "participants": "/staff/events/{slug}/participants",
    "facilitator-sessions": "/staff/events/{slug}/my-sessions",
    "schedule": "/e/{slug}/schedule",
    "dashboard": "/staff/",
    "certificates": "/staff/events/{slug}/certificates",
}


def test_screenshots_of_the_busy_pages_at_360(live_server, new_page, walk_event):
    """PLM_SCREENSHOT_DIR=... keeps them for a look by eye."""
    from plm.demo.data import DEMO_STAFF

    page = new_page(width=WIDTH)
    admin = next(s for s in DEMO_STAFF if s["role"] == "admin")
    page.goto(live_server + "/staff/login")
    page.fill("input[name=email]", admin["email"])
    page.fill("input[name=password]", walk_event["passwords"][admin["email"]])
    page.click("main button[type=submit]")
    page.wait_for_url("**/staff/**")
    for name, path in SCREENSHOTS.items():
        page.goto(live_server + path.format(slug=walk_event["slug"]))
        screenshot(page, f"walker-{name}-360")
        # The admin header (brand, five links) takes at most two lines on a phone, not three.
        assert page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height") < 100, path


def test_the_walker_sees_a_word_broken_in_the_middle_and_nothing_else(new_page):
    """The detector itself: "Terdafta/r" in a narrow pill is caught; words wrapped between them, or after
    a hyphen, are not; a .breakable token may break."""
    page = new_page(width=WIDTH)
    page.set_content("""<body style="font:16px sans-serif">
      <p id="broken" style="width:50px;overflow-wrap:anywhere">Terdaftar</p>
      <p style="width:90px">Sudah hadir hari ini</p>
      <p style="width:70px">check-in pintu</p>
      <p class="breakable" style="width:50px;overflow-wrap:anywhere">plm-77243d50f8e74be3.ics</p>
    </body>""")
    assert page.evaluate(BROKEN_WORDS_JS) == ["Terdaftar in <p>"]
    page.set_content('<body><div style="width:500px">wide</div></body>')
    assert page.evaluate("document.documentElement.scrollWidth") > WIDTH
