"""QR check-in at the door: scanner page, JSON API, offline door, live counts."""

from flask import Flask


def register(app: Flask) -> None:
    """The API and page blueprints, and the staff dashboard links."""
    from plm.checkin import api, routes

    app.register_blueprint(api.bp)
    app.register_blueprint(routes.bp)
    routes.register_links(app)
