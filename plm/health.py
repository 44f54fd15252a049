"""Liveness and readiness probes for a process manager or load balancer."""

from __future__ import annotations

from flask import Blueprint, jsonify
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
    """The database answers too; 503 while it does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means "not ready", never a 500
        db.session.rollback()
        return jsonify(status="unavailable", database=type(exc).__name__), 503
    return jsonify(status="ok", database="ok")
