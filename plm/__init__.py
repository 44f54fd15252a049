"""PLM: run a Peer Learning Meeting end to end."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping, Optional

from flask import Flask, request
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

    from plm import cli, errors, i18n, navigation, request_log, security

    security.register(app)
    request_log.register(app)
    navigation.register(app)
    errors.register(app)
    i18n.register(app)
    cli.register(app)

    @app.before_request
    def csrf_unless_bearer() -> None:
        # Door scanners authenticate with a Bearer token, which a browser never sends on its own.
        if not app.config.get("WTF_CSRF_ENABLED", True) or request.method not in ("POST", "PUT", "PATCH", "DELETE"):
            return
        if not request.headers.get("Authorization", "").startswith("Bearer "):
            csrf.protect()

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
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "plm.sqlite3")
    if not app.config.get("UPLOAD_FOLDER"):
        app.config["UPLOAD_FOLDER"] = os.path.join(app.instance_path, "uploads")
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # checked in csrf_unless_bearer()
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        options.setdefault("pool_pre_ping", True)
    if not (app.debug or app.testing):
        # Error messages would otherwise quote the row values (names, emails, phones) into the logs.
        options.setdefault("hide_parameters", True)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


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
    from plm.participants.routes import bp as participants_bp
    from plm.checkin import register as register_checkin
    from plm.privacy.routes import register as register_privacy
    from plm.documents.routes import bp as documents_bp
    from plm.registration.routes import bp as registration_bp
    from plm.schedule.routes import bp as schedule_bp

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
    from plm.attendance import init_app as init_attendance

    init_attendance(app)
