"""The JSON API root (/api/v1). Feature packages add their own API blueprints under it."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Flask, Response, jsonify
from flask_login import current_user

from plm.auth.decorators import staff_required
from plm.extensions import limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")

OPENAPI_FILE = Path(__file__).with_name("openapi.json")


@lru_cache(maxsize=1)
def openapi_document() -> bytes:
    """plm/openapi.json, read and checked once per process (it describes every /api/v1 route)."""
    raw = OPENAPI_FILE.read_bytes()
    json.loads(raw)
    return raw


@bp.route("/openapi.json")
@limiter.exempt
def openapi():
    """The OpenAPI 3.1 description of this API; public: it holds no data."""
    return Response(openapi_document(), mimetype="application/json",
                    headers={"Cache-Control": "public, max-age=3600", "Access-Control-Allow-Origin": "*"})


@bp.route("/me")
@staff_required
def me():
    """Who the token or session belongs to: door scanners call it to check their token."""
    return jsonify(email=current_user.email, role=current_user.role, name=current_user.full_name)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
