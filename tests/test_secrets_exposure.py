"""Exports, backups and logs never contain API tokens or passwords (nor manage links in logs and exports).

One realistic run: a participant registers, staff log in (once with a wrong password), create an API token
on their profile page, use it (and a forged one, and one pasted into a URL), export the participant list as
CSV and XLSX, the participant downloads their data, and an admin takes a backup. Then every byte written
to the logs (JSON lines with request logging on), the exports and the backup is searched for the secrets.
"""

from __future__ import annotations

import io
import json
import re
import zipfile

from sqlalchemy import select

from plm.extensions import db
from plm.models import ApiToken, Participant, User, hash_token
from tests.conftest import STAFF_PASSWORD, csrf_token_from
from tests.helpers import form_data

WRONG_PASSWORD = "Salah-Sandi-Rahasia-42"


def _all_text(blob: bytes) -> str:
    """The text of a file, or of every member of a zip (XLSX and backups are zips)."""
    if blob[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(blob)) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return blob.decode("utf-8", "replace")


def test_no_token_or_password_in_exports_backup_or_logs(make_app, event, tmp_path, capfd):
    app = make_app(LOG_FORMAT="json", LOG_REQUESTS=True, LOG_LEVEL="DEBUG", WTF_CSRF_ENABLED=True)
    with app.app_context():
        from plm.auth.service import create_user

        create_user(db.session, "admin-secret@test.example", "admin", STAFF_PASSWORD)
        db.session.commit()
        public = app.test_client()
        page = public.get(f"/e/{event.slug}/register").get_data(as_text=True)
        registered = public.post(f"/e/{event.slug}/register", data=form_data(csrf_token=csrf_token_from(page)))
        assert registered.status_code == 302
        manage_token = re.search(rf"/e/{event.slug}/me/([A-Za-z0-9_-]+)",
                                 public.get(registered.headers["Location"]).get_data(as_text=True)).group(1)
        assert public.get(f"/e/{event.slug}/me/{manage_token}").status_code == 200
        my_data = public.get(f"/e/{event.slug}/me/{manage_token}/my-data.json").get_data()

        staff = app.test_client()
        token = csrf_token_from(staff.get("/staff/login").get_data(as_text=True))
        refused = staff.post("/staff/login", data={"email": "admin-secret@test.example", "password": WRONG_PASSWORD,
                                                   "csrf_token": token})
        assert refused.status_code == 200
        assert staff.post("/staff/login", data={"email": "admin-secret@test.example", "password": STAFF_PASSWORD,
                                                "csrf_token": token}).status_code == 302
        profile = staff.get("/staff/profile").get_data(as_text=True)
        created = staff.post("/staff/profile", data={"name": "Pintu 1", "csrf_token": csrf_token_from(profile)})
        api_token = re.search(r"(plm_[A-Za-z0-9_-]{20,})", created.get_data(as_text=True)).group(1)
        assert public.get("/api/v1/me", headers={"Authorization": f"Bearer {api_token}"}).status_code == 200
        assert public.get("/api/v1/me", headers={"Authorization": f"Bearer {api_token}x"}).status_code == 401
        assert public.get(f"/api/v1/me?token={api_token}&password={STAFF_PASSWORD}").status_code == 401
        csv = staff.get(f"/staff/events/{event.slug}/participants/export.csv").get_data()
        xlsx = staff.get(f"/staff/events/{event.slug}/participants/export.xlsx").get_data()
        runner = app.test_cli_runner()
        cli_csv = tmp_path / "peserta.csv"
        assert runner.invoke(args=["plm", "export-participants", "--event", event.slug, "--format", "csv",
                                   "-o", str(cli_csv)]).exit_code == 0
        backup = tmp_path / "plm.backup"
        assert runner.invoke(args=["plm", "backup", "-o", str(backup)]).exit_code == 0

        # What is stored is hashed: a werkzeug password hash, SHA-256 of the tokens.
        user = db.session.scalar(select(User).where(User.email == "admin-secret@test.example"))
        assert user.password_hash.startswith(("scrypt:", "pbkdf2:")) and STAFF_PASSWORD not in user.password_hash
        assert db.session.scalar(select(ApiToken.token_hash)) == hash_token(api_token)
        assert db.session.scalar(select(Participant.manage_token_hash)) == hash_token(manage_token)
        ticket_secret = db.session.scalar(select(Participant.ticket_secret))

    logs = capfd.readouterr()
    log_text = logs.out + logs.err
    request_lines = [json.loads(line) for line in log_text.splitlines() if line.startswith("{")]
    assert len([line for line in request_lines if line.get("path")]) >= 12  # the requests really were logged
    assert any(line.get("path") == "/api/v1/me" and line["status"] == 401 for line in request_lines)

    never_anywhere = {"password": STAFF_PASSWORD, "wrong password": WRONG_PASSWORD, "API token": api_token,
                      "secret key": "test-secret-key"}
    documents = {"logs": log_text, "CSV export": _all_text(csv), "XLSX export": _all_text(xlsx),
                 "CLI CSV export": _all_text(cli_csv.read_bytes()), "participant's JSON": _all_text(my_data),
                 "backup": _all_text(backup.read_bytes())}
    assert "Wahyuni" in documents["XLSX export"] and "Wahyuni" in documents["backup"]  # the search can see inside
    for where, blob in documents.items():
        for what, secret in never_anywhere.items():
            assert secret not in blob, f"the {what} is in the {where}"
    # The manage link and the ticket secret are not in the logs or the exports either. (The backup keeps the
    # ticket secret, which signs the QR codes, and the outbox keeps sent mails, which carry the link.)
    for where in ("logs", "CSV export", "XLSX export", "CLI CSV export", "participant's JSON"):
        assert manage_token not in documents[where], f"the manage link is in the {where}"
        assert ticket_secret not in documents[where], f"the ticket secret is in the {where}"
    # In the backup, the only trace of the API token and password is their hashes.
    assert hash_token(api_token) in documents["backup"] and user.password_hash in documents["backup"]


def test_database_errors_in_production_logs_do_not_carry_the_row_values(make_app):
    """SQLAlchemy puts statement parameters (names, emails, phone numbers) into its error messages, which
    the error handler logs; in production they are hidden."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    app = make_app(TESTING=False)
    with app.app_context():
        try:
            db.session.execute(text("INSERT INTO no_such_table (x) VALUES (:x)"), {"x": "0812-RAHASIA-99"})
        except DBAPIError as exc:
            assert "0812-RAHASIA-99" not in str(exc)
        else:
            raise AssertionError("the insert should fail")
        db.session.rollback()
    debug = make_app()
    with debug.app_context():
        assert not db.engine.hide_parameters  # tests and debug runs keep them, for the developer

