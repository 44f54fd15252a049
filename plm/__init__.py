"""PLM: run a Peer Learning Meeting end to end."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, g, request
from flask_login import current_user
from sqlalchemy import event as sa_event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine

from plm.extensions import babel, csrf, db, limiter, login_manager, mail, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """The app cannot start with this configuration."""


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then instance/config.py, then PLM_* env vars, then `config`."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("PLM_INSTANCE_PATH") or str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    from plm.forms import RowIdConverter, TextSegmentConverter

    # Before any route is added: an id past the database's integer, or a control character in a path, is a 404.
    app.url_map.converters.update(int=RowIdConverter, default=TextSegmentConverter, string=TextSegmentConverter)
    app.config.from_object("plm.config")
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("PLM")
    if config:
        app.config.update(config)
    _finish_config(app)

    _init_extensions(app)
    from plm import (
        admin,
        allowances,
        api,
        attendance,
        auth,
        checkin,
        cli,
        delegations,
        demo,
        documents,
        errors,
        evaluations,
        health,
        i18n,
        jobs,
        lodging,
        navigation,
        outbox,
        participants,
        privacy,
        questions,
        registration,
        reports,
        request_log,
        schedule,
        security,
        transactions,
        travel,
        venue,
    )

    # Each part plugs in through its init_app: blueprints, links, template globals, CLI commands, job kinds.
    cli.init_app(app)  # the `flask plm` group first: the features add their commands to it
    jobs.init_app(app)  # the job worker; the features register their job kinds
    registration.init_app(app)
    auth.init_app(app)
    admin.init_app(app)
    api.init_app(app)
    health.init_app(app)
    schedule.init_app(app)
    participants.init_app(app)
    checkin.init_app(app)
    privacy.init_app(app)
    documents.init_app(app)
    venue.init_app(app)
    attendance.init_app(app)
    delegations.init_app(app)
    evaluations.init_app(app)
    demo.init_app(app)
    questions.init_app(app)
    allowances.init_app(app)
    travel.init_app(app)
    lodging.init_app(app)
    reports.init_app(app)
    transactions.init_app(app)  # one commit per request (plm/transactions.py)
    outbox.init_app(app)  # the mail sender thread
    security.init_app(app)
    request_log.init_app(app)
    navigation.init_app(app)
    errors.init_app(app)
    i18n.init_app(app)

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


def ping_idle_connections(engine: Engine, idle_seconds: float) -> None:
    """Ping a pooled PostgreSQL connection before use when it sat idle longer than *idle_seconds*; a dead one
    (the server restarted, a firewall dropped it) is replaced before the request sees it.

    SQLAlchemy's ``pool_pre_ping`` pings on every checkout: one more round trip on every door scan, which at
    hundreds of scans a second costs more than the scan's own queries. A connection used moments ago is alive
    (and if the server went away since, the request's error invalidates the whole pool: 503, and the door
    retries)."""

    @sa_event.listens_for(engine, "checkin")
    def _idle_since(dbapi_connection, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @sa_event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, proxy) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < idle_seconds:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # the dialect's own disconnect test decides below
            alive = not engine.dialect.is_disconnect(exc, dbapi_connection, None)
            if alive:
                raise
        if not alive:
            raise sa_exc.DisconnectionError("idle connection did not answer the ping")


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql") and not app.config["SQLALCHEMY_ENGINE_OPTIONS"].get(
            "pool_pre_ping"):
        with app.app_context():
            ping_idle_connections(db.engine, float(app.config["DATABASE_PING_AFTER_IDLE_SECONDS"]))
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)
    from plm.i18n import select_locale

    babel.init_app(app, locale_selector=select_locale, default_translation_directories="translations")
