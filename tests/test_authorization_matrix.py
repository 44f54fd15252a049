"""Every staff and API route, for every role: anonymous → login or 401; wrong role → 403.

The routes are enumerated from app.url_map, so a new route is checked without editing this test.
"""



from tests.conftest import STAFF_PASSWORD
from tests.helpers import rule_url

# The door service worker is a static script (no data) that must live under /staff/ for its scope;
# the OpenAPI document describes the API and holds no data; a password reset link is its own credential;
# the door's web app manifest is fetched by browsers without cookies and names only the event.
PUBLIC_STAFF_ENDPOINTS = {"auth.login", "auth.logout", "checkin.door_service_worker", "api.openapi",
                          "auth.reset_password", "checkin.door_manifest"}
ROLES = ("organizer", "facilitator", "finance", "admin")
# Lists that a facilitator reaches only for one of their own sessions' checkpoints: without one, 403 JSON.
FACILITATOR_NEEDS_OWN_CHECKPOINT = {"checkin_api.checkin_snapshot"}


def _protected_rules(app):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(("/staff", "/api/")) or rule.endpoint in PUBLIC_STAFF_ENDPOINTS:
            continue
        if rule.endpoint == "static":
            continue
        yield rule


def _method(rule):
    return "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]


def test_matrix(app, make_user, event):
    rules = list(_protected_rules(app))
    assert len(rules) >= 8
    checked = 0
    anonymous = app.test_client()
    for rule in rules:
        response = anonymous.open(rule_url(rule, event.slug), method=_method(rule))
        if rule.rule.startswith("/api/"):
            assert response.status_code == 401 and response.is_json, rule.rule
        else:
            assert response.status_code == 302 and "/staff/login" in response.headers["Location"], rule.rule
        checked += 1
    for role in ROLES:
        user = make_user(role, f"{role}-matrix@test.example")
        client = app.test_client()
        assert client.post("/staff/login", data={"email": user.email, "password": STAFF_PASSWORD}).status_code == 302
        for rule in rules:
            view = app.view_functions[rule.endpoint]
            allowed = getattr(view, "allowed_roles", None)
            response = client.open(rule_url(rule, event.slug), method=_method(rule))
            if role == "facilitator" and rule.endpoint in FACILITATOR_NEEDS_OWN_CHECKPOINT:
                assert response.status_code == 403 and response.is_json, f"{role} {rule.rule} -> {response.status_code}"
            elif allowed is not None and role != "admin" and role not in allowed:
                assert response.status_code == 403, f"{role} {rule.rule} -> {response.status_code}"
                if rule.rule.startswith("/api/"):
                    assert response.is_json
            else:
                assert response.status_code not in (401, 403, 500), f"{role} {rule.rule} -> {response.status_code}"
            checked += 1
    print(f"authorization matrix: {len(rules)} routes x {len(ROLES) + 1} roles = {checked} checks")


def test_every_staff_view_declares_its_roles(app):
    """A staff route without a role decorator would be open to any logged-in account; list them here on purpose."""
    open_to_any_staff = {"auth.profile", "auth.revoke_token", "auth.change_password"}
    for rule in _protected_rules(app):
        view = app.view_functions[rule.endpoint]
        if rule.endpoint in open_to_any_staff:
            continue
        assert getattr(view, "allowed_roles", None) is not None, f"{rule.endpoint} has no role_required"


def test_facilitators_reach_only_their_own_sessions_at_the_door(app, make_user, event, schedule_factory):
    """Issue 10: a facilitator's door token or login sees and checks in only at their own sessions."""
    from sqlalchemy import select

    from plm.admin.service import ensure_day_checkpoints
    from plm.auth.service import create_api_token
    from plm.checkin.service import ensure_session_checkpoints
    from plm.extensions import db
    from plm.models import CheckIn, Checkpoint, Event, SessionSignup
    from plm.tickets import participant_code
    from tests.helpers import SECRET

    leader = schedule_factory.leader("Ayu Lestari", "ayu@test.example")
    mine = schedule_factory.session("Literasi digital", signup=True, facilitators=[leader])
    theirs = schedule_factory.session("Pojok baca", start="13:00", end="14:00", facilitators=[schedule_factory.leader("Budi", "budi@test.example")])
    signed = schedule_factory.person("Sri Wahyuni", "sri@test.example")
    outsider = schedule_factory.person("Made Oka", "made@test.example")
    db.session.add(SessionSignup(session_id=mine.id, participant_id=signed.id))
    other = Event(slug="plm-lain", name="Lain", starts_on=event.starts_on, ends_on=event.ends_on)
    db.session.add(other)
    db.session.flush()
    ensure_day_checkpoints(db.session, other)
    ensure_session_checkpoints(db.session, event)
    db.session.commit()
    cp = {c.session_id or ("day", c.event_id, c.day): c.id for c in db.session.scalars(select(Checkpoint))}
    my_cp, their_cp = cp[mine.id], cp[theirs.id]
    day_cp = cp[("day", event.id, event.starts_on)]
    other_day_cp = cp[("day", other.id, other.starts_on)]
    stranger = schedule_factory.person("Orang Lain", "lain@test.example")
    stranger.event_id = other.id
    db.session.commit()

    facilitator = make_user("facilitator", "ayu@test.example")
    organizer = make_user("organizer", "pintu@test.example")
    db.session.commit()
    fac = {"Authorization": "Bearer " + create_api_token(db.session, facilitator, "laptop")}
    org = {"Authorization": "Bearer " + create_api_token(db.session, organizer, "pintu")}
    db.session.commit()
    client = app.test_client()
    base = f"/api/v1/events/{event.slug}"

    listed = client.get(f"{base}/checkpoints", headers=fac).get_json()["checkpoints"]
    assert [c["id"] for c in listed] == [my_cp]
    assert len(client.get(f"{base}/checkpoints", headers=org).get_json()["checkpoints"]) == 4 + 2

    for query in ("", f"?checkpoint={day_cp}", f"?checkpoint={their_cp}"):
        response = client.get(f"{base}/checkin-snapshot{query}", headers=fac)
        assert response.status_code == 403 and response.get_json()["error"] == "forbidden_checkpoint", query
        response = client.get(f"{base}/participants?q=sri{query.replace('?', '&')}", headers=fac)
        assert response.status_code == 403, query
    snap = client.get(f"{base}/checkin-snapshot?checkpoint={my_cp}", headers=fac).get_json()
    assert [row[0] for row in snap["participants"]] == [signed.public_id]  # not the whole roster
    assert len(client.get(f"{base}/checkin-snapshot?checkpoint={my_cp}", headers=org).get_json()["participants"]) == 4
    assert client.get(f"{base}/participants?q=made&checkpoint={my_cp}", headers=fac).get_json()["results"] == []
    assert client.get(f"{base}/participants?q=made&checkpoint={my_cp}", headers=org).get_json()["results"]

    def post(slug, code, checkpoint, headers):
        return client.post(f"/api/v1/events/{slug}/checkins", json={"code": code, "checkpoint": checkpoint}, headers=headers)

    for slug, code, checkpoint in ((event.slug, participant_code(SECRET, signed), day_cp),
                                   (event.slug, participant_code(SECRET, signed), their_cp),
                                   (other.slug, participant_code(SECRET, stranger), other_day_cp)):
        response = post(slug, code, checkpoint, fac)
        assert response.status_code == 403 and response.get_json()["error"] == "forbidden_checkpoint", checkpoint
        assert response.get_json()["message"].startswith("Fasilitator hanya")  # read at the door, in Indonesian
    assert db.session.scalar(select(db.func.count(CheckIn.id))) == 0
    assert post(event.slug, participant_code(SECRET, signed), my_cp, fac).status_code == 201
    assert post(event.slug, participant_code(SECRET, outsider), day_cp, org).status_code == 201

    stats = client.get(f"{base}/stats", headers=fac).get_json()
    assert [c["id"] for c in stats["checkpoints"]] == [my_cp]
    assert {s["checkpoint"] for s in stats["last_scans"]} == {my_cp}
    assert stats["current_day"] is None and stats["provinces"] == [] and stats["arrivals"] == []
    assert len(client.get(f"{base}/stats", headers=org).get_json()["checkpoints"]) == 6

    # The staff pages (cookie login) show the facilitator only their own checkpoint too.
    from tests.conftest import STAFF_PASSWORD

    page = app.test_client()
    page.post("/staff/login", data={"email": facilitator.email, "password": STAFF_PASSWORD})
    door = page.get(f"/staff/events/{event.slug}/door").get_data(as_text=True)
    assert "Literasi digital" in door and "Pojok baca" not in door


def test_delegation_pages_open_only_with_a_working_invitation_link(app, client, event):
    """The public delegation routes have no login: the invitation token is the credential. Every one of
    them answers 404 to a wrong token, also to a logged-in admin, and never writes on GET."""
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("delegations.")]
    assert len(rules) >= 4
    for rule in rules:
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(rule_url(rule, event.slug), method=method)
            assert response.status_code == 404, f"{method} {rule.rule} -> {response.status_code}"


def test_delegation_staff_pages_are_for_organizers(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("delegations_staff."):
            assert app.view_functions[rule.endpoint].allowed_roles == ("organizer",), rule.endpoint
def test_evaluations_facilitators_see_only_their_own_sessions_forms(app, make_user, event, schedule_factory):
    """Issue 17: a facilitator reaches the forms, QR screens, results and reminders of their own sessions only;
    day and event forms are for admins and organizers; the participant pages need the link or a ticket."""
    from plm.evaluations import service
    from plm.extensions import db

    mine = schedule_factory.session("Literasi digital", facilitators=[schedule_factory.leader("Ayu", "ayu@test.example")])
    theirs = schedule_factory.session("Pojok baca", start="13:00", end="14:00",
                                      facilitators=[schedule_factory.leader("Budi", "budi@test.example")])
    own = service.create_from_starter(db.session, event, "evaluation", event_session=mine)
    other = service.create_from_starter(db.session, event, "evaluation", event_session=theirs)
    whole = service.create_from_starter(db.session, event, "test")
    person = schedule_factory.person("Sri Wahyuni", "sri@test.example")
    db.session.commit()
    make_user("facilitator", "ayu@test.example")
    make_user("organizer", "org@test.example")
    base = f"/staff/events/{event.slug}/evaluations"

    def client_for(email):
        client = app.test_client()
        assert client.post("/staff/login", data={"email": email, "password": STAFF_PASSWORD}).status_code == 302
        return client

    facilitator, organizer = client_for("ayu@test.example"), client_for("org@test.example")
    for page in ("", "/results", "/screen"):
        assert facilitator.get(f"{base}/{own.id}{page}").status_code == 200, page
        for form in (other, whole):
            assert facilitator.get(f"{base}/{form.id}{page}").status_code == 403, (form.title_id, page)
        for form in (own, other, whole):
            assert organizer.get(f"{base}/{form.id}{page}").status_code == 200, (form.title_id, page)
    assert facilitator.post(f"{base}/{other.id}/remind/{person.id}").status_code == 403
    assert facilitator.post(f"{base}/{other.id}", data={"title_id": "Diambil alih"}).status_code == 403
    assert facilitator.post(f"{base}/{own.id}/delete").status_code == 403
    assert organizer.post(f"{base}/{other.id}/delete").status_code == 302
    listing = facilitator.get(base).get_data(as_text=True)
    assert "Literasi digital" in listing and "Pojok baca" not in listing and "Tes: PLM Test" not in listing
    # A form of another event is a 404, whatever the role.
    from plm.models import Event

    elsewhere = Event(slug="plm-lain", name="Lain", starts_on=event.starts_on, ends_on=event.ends_on)
    db.session.add(elsewhere)
    db.session.commit()
    assert organizer.get(f"/staff/events/plm-lain/evaluations/{own.id}/results").status_code == 404
    assert app.test_client().get(f"/e/plm-lain/q/{own.code}").status_code == 404


def test_question_editor_with_a_real_question(app, make_user, event):
    """The question editor's routes on a question that exists: facilitators 403, organizers and admins in."""
    from plm.extensions import db
    from plm.questions import service

    event_id, slug = event.id, event.slug
    for role, allowed in (("facilitator", False), ("organizer", True), ("admin", True)):
        db.session.expunge_all()  # the last role's request deleted its question; SQLite may reuse the id
        question = service.add_question(db.session, event_id, {"kind": "short_text", "label_id": f"Q {role}"})
        db.session.commit()
        user = make_user(role, f"{role}-questions@test.example")
        client = app.test_client()
        assert client.post("/staff/login", data={"email": user.email, "password": STAFF_PASSWORD}).status_code == 302
        base = f"/staff/events/{slug}/questions"
        for method, url in (("GET", base), ("POST", f"{base}/preset"), ("GET", f"{base}/{question.id}"),
                            ("POST", f"{base}/{question.id}/move"), ("GET", f"{base}/{question.id}/delete"),
                            ("POST", f"{base}/{question.id}/delete")):
            status = client.open(url, method=method).status_code
            assert (status == 403) != allowed and status not in (401, 500), f"{role} {method} {url} -> {status}"


def test_lodging_staff_pages_are_for_organizers(app, client, make_user, event):
    """Issue 18 C: hotels, rooms, the allocation and the rooming list are the organisers' (admins pass);
    a facilitator gets 403 on every lodging route, GET or POST, and an anonymous visitor the login page."""
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("lodging.")]
    assert len(rules) >= 12
    for rule in rules:
        assert app.view_functions[rule.endpoint].allowed_roles == ("organizer",), rule.endpoint
    make_user("facilitator", "fac-rooms@test.example")
    assert client.post("/staff/login", data={"email": "fac-rooms@test.example", "password": STAFF_PASSWORD}).status_code == 302
    for rule in rules:
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(rule_url(rule, event.slug), method=method)
            assert response.status_code == 403, f"{method} {rule.rule} -> {response.status_code}"
