"""Issue 14's small items: the badge prints the readable ticket number, the job page counts badges and
pages, the schedule PDF has a legend and track colours, the demo says it is a demo, the demo logins use
the configured address."""

import io
import re

from pypdf import PdfReader

from plm.extensions import db
from plm.models import Job, utcnow


def _text(data: bytes) -> str:
    return re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def test_badge_prints_the_ticket_number_not_the_long_code(client, event, schedule_factory, login):
    from plm.documents.service import participant_code

    sri = schedule_factory.person("Sri Wahyuni")
    login("organizer")
    text = _text(client.get(f"/staff/events/{event.slug}/participants/{sri.public_id}/badge.pdf").data)
    code = participant_code(client.application.config["SECRET_KEY"], sri)
    assert len(code) > 20
    assert sri.public_id in text.replace(" ", "")
    assert code not in text.replace(" ", "") and code.split(":")[-1] not in text.replace(" ", "")


def test_job_page_counts_badges_and_pages(client, event, login):
    admin = login("admin")
    job = Job(kind="badges", event_id=event.id, user_id=admin.id, params={"layout": "a6"}, status="done",
              total=366, progress=366, finished_at=utcnow())
    cert = Job(kind="certificates", event_id=event.id, user_id=admin.id, params={}, status="done", total=12,
               progress=12, finished_at=utcnow())
    db.session.add_all([job, cert])
    db.session.commit()
    page = client.get(f"/staff/jobs/{job.id}").get_data(as_text=True)
    assert "366 badge di 92 halaman A4" in page and "dokumen" not in page
    assert client.get(f"/staff/jobs/{job.id}/status.json").json["pages"] == 92
    assert "12 sertifikat" in client.get(f"/staff/jobs/{cert.id}").get_data(as_text=True)


def test_schedule_pdf_has_a_legend_and_track_colours(client, event, schedule_factory, login, monkeypatch):
    import plm.pdf
    from plm.schedule.pdf import printable_schedule

    track = schedule_factory.track("Layanan TIK", colour="#1f5fad")
    schedule_factory.session("Pembukaan", kind="plenary")
    schedule_factory.session("SLiMS untuk Desa", kind="sharing", track=track, start="13:00", end="14:00")
    schedule_factory.publish()
    with client.application.test_request_context():
        text = _text(printable_schedule(db.session, event))
        monkeypatch.setattr(plm.pdf, "render_html", lambda html, *args, **kwargs: html.encode())  # the HTML it renders
        html = printable_schedule(db.session, event).decode()
    assert "Layanan TIK" in text and "Pleno" in text  # the legend: the track, and the kind of untracked sessions
    assert 'class="legend"' in html and "background: #1f5fad" in html
    assert 'style="border-left-color: #1f5fad"' in html  # the tracked session takes its track's colour


def test_demo_is_named_as_a_demo_and_logins_follow_the_configured_address(make_app):
    from plm.demo.data import DEMO_EVENT

    assert DEMO_EVENT["slug"] == "plm-2015" and "Demo" in DEMO_EVENT["name"] and "2015" in DEMO_EVENT["name"]
    app = make_app(PUBLIC_BASE_URL="http://127.0.0.1:5610")
    result = app.test_cli_runner().invoke(args=["plm", "demo-logins"])
    assert "http://127.0.0.1:5610/staff/login" in result.output and ":5000" not in result.output
