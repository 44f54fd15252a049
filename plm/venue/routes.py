"""/door-setup: what a door phone needs before its camera works on the venue LAN.

Public on purpose: it holds nothing secret (a CA certificate is public by nature) and a phone must
reach it before anyone can log in. GET only, it writes nothing."""

from __future__ import annotations

import os

from flask import Blueprint, Response, abort, current_app, render_template, url_for

from plm.extensions import limiter
from plm.qr import qr_svg

bp = Blueprint("venue", __name__)
CA_FILENAME = "plm-venue-ca.crt"


def ca_path() -> str | None:
    """The venue CA certificate made by `make venue` (VENUE_CA_CERT, default instance/venue/ca.crt)."""
    path = current_app.config.get("VENUE_CA_CERT") or os.path.join(current_app.instance_path, "venue", "ca.crt")
    return path if os.path.isfile(path) else None


@bp.route("/door-setup")
def door_setup():
    from pathlib import Path

    from plm.venue.tls import fingerprint

    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    setup_url = current_app.config.get("VENUE_SETUP_URL") or base + url_for("venue.door_setup")
    staff_url = base + url_for("admin.dashboard")
    ca = ca_path()
    return render_template(
        "venue/door_setup.html", ca=ca, staff_url=staff_url, setup_url=setup_url, secure=base.startswith("https:"),
        setup_qr=qr_svg(setup_url, css_class="qr", title=setup_url),
        staff_qr=qr_svg(staff_url, css_class="qr", title=staff_url),
        fingerprint=fingerprint(Path(ca)) if ca else "")


@bp.route(f"/door-setup/{CA_FILENAME}")
@limiter.exempt
def ca_certificate():
    ca = ca_path()
    if ca is None:
        abort(404)
    with open(ca, "rb") as handle:  # a few hundred bytes
        body = handle.read(64 * 1024)
    return Response(body, mimetype="application/x-x509-ca-cert", headers={
        "Content-Disposition": f'attachment; filename="{CA_FILENAME}"', "Cache-Control": "public, max-age=300"})
