"""The staff certificates page grows with the event: paginated and searchable (issue 14)."""

from plm.extensions import db
from plm.models import Participant


def add_people(event, count):
    people = [Participant(event_id=event.id, full_name=f"Peserta {i:04d}", email=f"p{i}@test.example",
                          institution="Perpustakaan Desa Sukamaju", province="Bali", status="registered")
              for i in range(count)]
    people.append(Participant(event_id=event.id, full_name="Ni Luh Ayu Saraswati", email="ayu@test.example",
                              institution="TBM Pelangi", province="Nusa Tenggara Timur", status="registered"))
    db.session.add_all(people)
    db.session.commit()


def test_certificates_page_shows_fifty_people_a_page(client, login, event):
    add_people(event, 120)
    login("admin")
    html = client.get(f"/staff/events/{event.slug}/certificates").get_data(as_text=True)
    assert html.count('class="is-eligible"') + html.count('class="not-eligible"') == 50
    assert "Halaman 1 dari 3" in html or "Page 1 of 3" in html
    assert "121" in html  # the counts still cover everyone
    last = client.get(f"/staff/events/{event.slug}/certificates?page=3").get_data(as_text=True)
    assert last.count('class="not-eligible"') + last.count('class="is-eligible"') == 21
    beyond = client.get(f"/staff/events/{event.slug}/certificates?page=99&show=bogus").get_data(as_text=True)
    assert beyond.count('class="not-eligible"') + beyond.count('class="is-eligible"') == 21


def test_certificates_page_search_ignores_case_and_accents(client, login, event):
    add_people(event, 60)
    login("admin")
    html = client.get(f"/staff/events/{event.slug}/certificates?q=SARASWATÍ&show=not").get_data(as_text=True)
    assert html.count('class="not-eligible"') == 1
    assert "Ni Luh Ayu Saraswati" in html and "Peserta 0001" not in html
    assert 'value="SARASWATÍ"' in html


def test_summary_judges_everyone_as_the_full_rows_do(frozen_time, app):
    """The page's aggregate query and the per-person evaluation (used to print) agree on every person."""
    from datetime import timedelta

    from sqlalchemy import select

    from plm import clock
    from plm.checkin.commands import simulate_attendance
    from plm.demo import load_demo
    from plm.documents import service
    from plm.models import Event, EventSession, SessionSignup

    load_demo(db.session, clock.today() - timedelta(days=5), count=60)
    event = db.session.scalar(select(Event).where(Event.slug == "plm-2015"))
    event.certificate_min_session_percent = 50
    simulate_attendance(db.session, event)
    people = service.event_participants(db.session, event)
    people[0].certificate_override, people[0].certificate_override_reason = False, "tidak hadir"
    people[1].status = "cancelled"
    workshop = db.session.scalar(select(EventSession).where(EventSession.event_id == event.id,
                                                            EventSession.signup_required.is_(True)))
    if db.session.scalar(select(SessionSignup).filter_by(session_id=workshop.id, participant_id=people[2].id)) is None:
        db.session.add(SessionSignup(session_id=workshop.id, participant_id=people[2].id))
    db.session.commit()
    full = {r.participant.id: r.eligibility.eligible for r in service.eligibility_rows(db.session, event)}
    summary = {line.id: line.eligible for line in service.eligibility_summary(db.session, event)}
    assert summary == full
    assert set(full.values()) == {True, False}
    assert summary[people[0].id] is False and people[1].id not in summary
