"""Helpers shared by test modules (no test module imports another): people, checkpoints and scans for the
check-in API, the public registration form, and the door page in a browser. Fixtures live in conftest.py."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select

from plm.extensions import db
from plm.models import CheckIn, Checkpoint, Participant

SECRET = "test-secret-key"  # the apps' SECRET_KEY in tests (conftest.base_config): signs ticket codes
STAFF_PASSWORD = "correct-horse-battery"


# ---- check-in ----

def add_participant(event, name="Ni Luh Putu Ayu", email=None, status="registered", **kw):
    p = Participant(event_id=event.id, full_name=name, email=email or f"{uuid.uuid4().hex[:8]}@x.example",
                    institution=kw.pop("institution", "Perpustakaan Desa Ungasan"),
                    province=kw.pop("province", "Bali"), status=status, **kw)
    db.session.add(p)
    db.session.commit()
    return p


def day_checkpoint(event, index=0):
    return db.session.scalars(select(Checkpoint).where(Checkpoint.event_id == event.id, Checkpoint.kind == "day")
                              .order_by(Checkpoint.day)).all()[index]


def scan(client, event, code, checkpoint, **extra):
    body = {"code": code, "checkpoint": checkpoint.id if hasattr(checkpoint, "id") else checkpoint,
            "client_uuid": extra.pop("client_uuid", str(uuid.uuid4()))}
    body.update(extra)
    return client.post(f"/api/v1/events/{event.slug}/checkins", json=body)


def count_checkins():
    db.session.expire_all()
    return db.session.scalar(select(func.count(CheckIn.id)))


def token_for(participant):
    """A fresh manage-page token for a participant made in the test."""
    token = participant.issue_manage_token()
    db.session.commit()
    return token


def signups(session_id=None):
    """How many session sign-ups there are (for one session, or in all)."""
    from plm.models import SessionSignup

    db.session.expire_all()
    query = select(func.count()).select_from(SessionSignup)
    if session_id is not None:
        query = query.where(SessionSignup.session_id == session_id)
    return db.session.scalar(query)


# ---- public registration ----

def form_data(**overrides):
    data = {
        "full_name": "Ni Luh Putu Ayu Sri Wahyuni",
        "name_on_badge": "",
        "email": "ayu@example.id",
        "phone": "0812-3456-7890",
        "institution": "Perpustakaan Desa Ungasan",
        "institution_type": "village",
        "province": "Bali",
        "diet": "vegetarian",
        "access_needs": "",
        "consent": "y",
    }
    data.update(overrides)
    return data


def register(client, event, **overrides):
    response = client.post(f"/e/{event.slug}/register", data=form_data(**overrides))
    client.registered_page = response.headers.get("Location")
    return response


def manage_token(client, event):
    """Follow the confirmation page of the last register() and return the manage token shown there."""
    page = client.get(client.registered_page).get_data(as_text=True)
    match = re.search(rf"/e/{event.slug}/me/([A-Za-z0-9_-]+)", page)
    assert match, page[:2000]
    return match.group(1)


# ---- the door page in a browser (Playwright) ----

def log_in(page, base, email):
    page.goto(base + "/staff/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", STAFF_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/")


def fill_registration(page):
    """The public registration form, filled as Ayu from Bali up to her institution (consent not yet given)."""
    page.fill("#full_name", "Ni Luh Putu Ayu Sri Wahyuni")
    page.fill("#email", "ayu@example.id")
    page.fill("#phone", "0812 3456 7890")
    page.fill("#institution", "Perpustakaan Desa Ungasan")
    page.select_option("#province", "Bali")


def open_door(page, base, event, checkpoint, door_name="Pintu 1"):
    from playwright.sync_api import expect

    page.goto(f"{base}/staff/events/{event.slug}/door?checkpoint={checkpoint.id}")
    page.wait_for_function("window.plmDoor")
    if page.is_visible("#door-confirm"):  # the checkpoint is not today (see door_clock): confirm it, as a volunteer would
        page.click("#door-confirm-yes")
    page.fill("#door-name", door_name)
    page.dispatch_event("#door-name", "change")
    expect(page.locator("#door-snap")).to_contain_text(re.compile(r"\d+ peserta"))


def set_door_clock(monkeypatch, event, day_index=0, hour=9, minute=0, days_before=0):
    """The server's clock for the door page: `hour` o'clock in the event's timezone on day `day_index`."""
    from datetime import datetime, time, timedelta
    from zoneinfo import ZoneInfo

    import plm.checkin.routes

    local = datetime.combine(event.starts_on + timedelta(days=day_index - days_before), time(hour, minute),
                             tzinfo=ZoneInfo(event.timezone))
    monkeypatch.setattr(plm.checkin.routes, "utcnow", lambda: local.astimezone(ZoneInfo("UTC")))
    return local


CHECKINS = "**/api/v1/events/*/checkins"


def door_url(base, event, checkpoint=None):
    return f"{base}/staff/events/{event.slug}/door" + (f"?checkpoint={checkpoint.id}" if checkpoint else "")


def ready(page):
    page.wait_for_function("window.plmDoor")


def wait_until(page, script: str, timeout_ms: int = 10000) -> None:
    """Poll a JS expression from Python (the page's CSP forbids the eval wait_for_function polls with)."""
    for _ in range(timeout_ms // 50):
        if page.evaluate(script):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"still false: {script}")


def wedge(page, code):
    page.click("#door-code")
    page.keyboard.type(code)
    page.keyboard.press("Enter")


# ---- staff pages ----

EVENT_FORM = {
    "name": "PLM Regional Kalimantan", "slug": "plm-kalimantan-2026", "theme": "Perpustakaan untuk semua",
    "venue": "Hotel Banjarmasin", "address": "Jl. A. Yani", "city": "Banjarmasin", "timezone": "Asia/Makassar",
    "starts_on": "2026-09-01", "ends_on": "2026-09-03", "registration_opens_at": "2026-07-01T08:00",
    "registration_closes_at": "2026-08-25T17:00", "capacity": "120", "contact_email": "panitia@plm.example",
    "contact_phone": "+62 811 000 000",
}


def rule_url(rule, slug):
    """A URL for a Werkzeug rule with `slug` and placeholder values for its other arguments."""
    from werkzeug.routing import IntegerConverter

    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        if name == "slug":
            values[name] = slug
        elif isinstance(converter, IntegerConverter):
            values[name] = 1
        else:
            values[name] = "x1"
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: str(values[m.group(1)]), rule.rule)


# ---- PDFs: rasterise with poppler, read QR codes with zbar ----

def require_tool(tool: str) -> str:
    path = shutil.which(tool)
    if not path:
        pytest.fail(f"{tool} is missing: install poppler-utils (make test does)")
    return path


def zbar():
    try:
        from pyzbar import pyzbar
    except Exception as exc:  # ImportError when libzbar0 is missing
        pytest.fail(f"pyzbar/libzbar0 unavailable ({exc}): install libzbar0 (make test does)")
    return pyzbar


def rasterise_pdf(pdf: bytes, dpi: int, gray=False) -> list:
    require_tool("pdftoppm")
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "doc.pdf"
        src.write_bytes(pdf)
        args = ["pdftoppm", "-r", str(dpi), "-png"] + (["-gray"] if gray else []) + [str(src), str(Path(tmp) / "p")]
        subprocess.run(args, check=True, capture_output=True, timeout=120)
        pages = sorted(Path(tmp).glob("p-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
        images = []
        for page in pages:
            with Image.open(page) as im:
                images.append(im.copy())
        return images


def decode_qr(image) -> list[str]:
    pyzbar = zbar()
    return sorted(sym.data.decode("utf-8") for sym in pyzbar.decode(image) if sym.type == "QRCODE")


# ---- spies ----

@contextmanager
def spying(owner, name: str):
    """Record the arguments of every call to owner.name while the block runs (the calls still happen)."""
    calls = []
    original = getattr(owner, name)
    setattr(owner, name, lambda *args: calls.append(args) or original(*args))
    try:
        yield calls
    finally:
        setattr(owner, name, original)


# ---- servers in subprocesses ----

def listening_socket():
    """A socket on 127.0.0.1 whose port the kernel picked (port 0), for a server started with
    `--bind fd://N` (gunicorn): the port is held from the start, never probed, closed and reused."""
    import socket

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.set_inheritable(True)
    return sock
