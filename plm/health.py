"""Liveness and readiness probes for a process manager or load balancer."""

from __future__ import annotations

import os

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
    """The database answers and would take writes; 503 while it does not. Reads only (GET never writes).

    A read-only database (a PostgreSQL standby or a read-only session, a SQLite file or folder that lost
    its write permission or sits on a file system remounted read-only after a disk error) answers
    SELECT 1 while every registration and scan fails, so the probe asks the database (PostgreSQL) or the
    file system (SQLite: access(2) on the file and its folder, which says EROFS for a read-only mount)
    whether a write could land, without making one.
    """
    try:
        db.session.execute(text("SELECT 1"))
        problem = _read_only_reason()
    except Exception as exc:  # any driver error means "not ready", never a 500
        db.session.rollback()
        return jsonify(status="unavailable", database=type(exc).__name__), 503
    db.session.rollback()
    if problem:
        return jsonify(status="unavailable", database=problem), 503
    return jsonify(status="ok", database="ok")


def _read_only_reason() -> str | None:
    """Why the database would refuse a write, found without writing; None when it would take one."""
    url = db.engine.url
    if url.get_backend_name() == "postgresql":
        standby, read_only = db.session.execute(
            text("SELECT pg_is_in_recovery(), current_setting('transaction_read_only')")).one()
        if standby:
            return "standby"
        return "read_only" if read_only == "on" else None
    if url.get_backend_name() == "sqlite":
        if db.session.execute(text("PRAGMA query_only")).scalar() or url.query.get("mode") == "ro" \
                or url.query.get("immutable") == "1":
            return "read_only"
        name = (url.database or "").removeprefix("file:")
        if name and name != ":memory:" and url.query.get("mode") != "memory":
            path = os.path.abspath(name)
            # SQLite writes its journal (or WAL) beside the file, so the folder must take writes too.
            if not (os.access(path, os.W_OK) and os.access(os.path.dirname(path), os.W_OK)):
                return "read_only"
    return None


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
