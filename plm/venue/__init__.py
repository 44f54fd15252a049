"""The venue set-up: HTTPS on the hotel LAN for the door phones' cameras (`make venue`), and the
public /door-setup page that hands the phones the local CA."""

from flask import Flask


def init_app(app: Flask) -> None:
    """The public /door-setup page."""
    from plm.venue import routes

    app.register_blueprint(routes.bp)
