"""Liveness and readiness probes for a process manager or load balancer."""

from __future__ import annotations

from flask import Blueprint, Flask, jsonify
from sqlalchemy import text

from plm.extensions import db, limiter

bp = Blueprint("health", __name__)


@bp.route("/healthz")
@limiter.exempt
def healthz():
    """The process is up and answering."""
    return jsonify(status="ok")


@bp.route("/readyz")
@limiter.exempt
def readyz():
    """The database answers and takes writes; 503 while it does not.

    A read-only database (a full disk remounted read-only, a PostgreSQL standby, a SQLite file that
    lost its write permission) would answer SELECT 1 while every registration and scan fails, so
    the probe also writes: a no-op UPDATE of Alembic's one-row table, rolled back at once.
    """
    try:
        db.session.execute(text("SELECT 1"))
        db.session.execute(text("UPDATE alembic_version SET version_num = version_num"))
    except Exception as exc:  # any driver error means "not ready", never a 500
        db.session.rollback()
        return jsonify(status="unavailable", database=type(exc).__name__), 503
    db.session.rollback()
    return jsonify(status="ok", database="ok")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
