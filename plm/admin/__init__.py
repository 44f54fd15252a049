"""Admin: event set-up, staff dashboard."""

from flask import Flask


def init_app(app: Flask) -> None:
    """The staff dashboard and event set-up pages."""
    from plm.admin import routes

    app.register_blueprint(routes.bp)
