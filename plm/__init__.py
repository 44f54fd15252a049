"""PLM: run a Peer Learning Meeting end to end."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping, Optional

from flask import Flask, g, request
from flask_login import current_user
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Engine

from plm.extensions import babel, csrf, db, limiter, login_manager, mail, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """The app cannot start with this configuration."""


def create_app(config: Optional[Mapping[str, Any]] = None) -> Flask:
    """Build the app: defaults, then instance/config.py, then PLM_* env vars, then `config`."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("PLM_INSTANCE_PATH") or str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_object("plm.config")
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("PLM")
    if config:
        app.config.update(config)
    _finish_config(app)

    _init_extensions(app)
    _register_blueprints(app)

    from plm import cli, errors, i18n, navigation, outbox, request_log, security, transactions

    transactions.register(app)  # one commit per request (plm/transactions.py)
    outbox.register(app)  # the mail sender thread
    security.register(app)
    request_log.register(app)
    navigation.register(app)
    errors.register(app)
    i18n.register(app)
    cli.register(app)

    @app.before_request
    def csrf_unless_token():
        """CSRF for every state change, except a JSON API call that a Bearer token (not a cookie) logged in.

        A browser never sends a token on its own, so such a call cannot be forged; but an Authorization
        header beside a session cookie proves nothing, and tokens do not log in outside /api/v1/.
        An anonymous API call answers 401 JSON here, before the CSRF check could call it a 400.
        """
        if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
            return None
        if request.path.startswith("/api/"):
            if not current_user.is_authenticated:  # loads the cookie login, else the token
                return login_manager.unauthorized()
            if g.get("token_auth"):
                return None
        if app.config.get("WTF_CSRF_ENABLED", True):
            csrf.protect()
        return None

    return app


def _finish_config(app: Flask) -> None:
    if not app.config.get("SECRET_KEY"):
        if app.debug or app.testing:
            app.config["SECRET_KEY"] = "dev-only-insecure-key"
        else:
            raise ConfigError(
                "SECRET_KEY is not set. Put SECRET_KEY = '...' in instance/config.py or set "
                "PLM_SECRET_KEY (e.g. python -c 'import secrets; print(secrets.token_hex(32))'). "
                "`make run` writes one for you on first run."
            )
    _finish_public_base_url(app)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "plm.sqlite3")
    _create_private_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])
    if not app.config.get("UPLOAD_FOLDER"):
        app.config["UPLOAD_FOLDER"] = os.path.join(app.instance_path, "uploads")
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # checked in csrf_unless_token()
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        options.setdefault("pool_pre_ping", True)
    if not (app.debug or app.testing):
        # Error messages would otherwise quote the row values (names, emails, phones) into the logs.
        options.setdefault("hide_parameters", True)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _create_private_sqlite_file(uri: str) -> None:
    """Create a new SQLite file readable by its owner only (0600): it holds names, contacts and
    password hashes. SQLite gives its -wal and -shm files the same mode. An existing file is left as is."""
    from sqlalchemy.engine import make_url

    if not uri.startswith("sqlite"):
        return
    url = make_url(uri)
    path = url.database
    if not path or path == ":memory:" or path.startswith("file:") or url.query.get("uri"):
        return
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    except OSError:
        return  # no such folder, or read-only: SQLite itself will say so on first use
    os.close(descriptor)


def _finish_public_base_url(app: Flask) -> None:
    from plm.links import DEV_BASE_URL, normalise_base_url

    configured = app.config.get("PUBLIC_BASE_URL")
    url = normalise_base_url(configured)
    if url is None and configured:
        raise ConfigError(
            f"PUBLIC_BASE_URL must be an address like https://plm.example.org, not {configured!r}.")
    if url is None:
        if not (app.debug or app.testing):
            raise ConfigError(
                "PUBLIC_BASE_URL is not set. Links in mails, tickets, certificates and calendars are built on it "
                "(never on the request's Host header). Set PLM_PUBLIC_BASE_URL=https://your.public.address or put "
                "PUBLIC_BASE_URL = '...' in instance/config.py. `make run` sets one for this machine.")
        url = DEV_BASE_URL
    app.config["PUBLIC_BASE_URL"] = url


@sa_event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """WAL, foreign keys and a busy timeout: SQLite as a real multi-reader server database."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)
    from plm.i18n import select_locale

    babel.init_app(app, locale_selector=select_locale, default_translation_directories="translations")


def _register_blueprints(app: Flask) -> None:
    from plm.admin.routes import bp as admin_bp
    from plm.api import bp as api_bp
    from plm.auth.routes import bp as auth_bp
    from plm.health import bp as health_bp
    from plm.jobs import register as register_jobs
    from plm.participants.routes import bp as participants_bp
    from plm.checkin import register as register_checkin
    from plm.privacy.routes import register as register_privacy
    from plm.documents.routes import bp as documents_bp
    from plm.registration.routes import bp as registration_bp
    from plm.schedule.routes import bp as schedule_bp
    from plm.venue.routes import register as register_venue

    register_jobs(app)  # the job worker thread; features register their job kinds
    app.register_blueprint(registration_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(schedule_bp)
    app.register_blueprint(participants_bp)
    register_checkin(app)
    register_privacy(app)
    app.register_blueprint(documents_bp)
    register_venue(app)
    from plm.attendance import init_app as init_attendance

    init_attendance(app)
    from plm.allowances import init_app as init_allowances

    init_allowances(app)
    from plm.travel import init_app as init_travel

    init_travel(app)
    from plm.reports import init_app as init_reports

    init_reports(app)
    from plm.delegations import init_app as init_delegations

    init_delegations(app)
    from plm.evaluations import init_app as init_evaluations

    init_evaluations(app)
    from plm.questions import init_app as init_questions

    init_questions(app)
    from plm.lodging import init_app as init_lodging

    init_lodging(app)
