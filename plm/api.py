"""The JSON API root (/api/v1). Feature packages add their own API blueprints under it."""

from flask import Blueprint, jsonify
from flask_login import current_user

from plm.auth.decorators import staff_required

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.route("/me")
@staff_required
def me():
    """Who the token or session belongs to: door scanners call it to check their token."""
    return jsonify(email=current_user.email, role=current_user.role, name=current_user.full_name)
