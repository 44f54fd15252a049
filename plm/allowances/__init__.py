"""Allowances for sponsored participants: rate table, amounts from door attendance, the payment desk,
receipts (kuitansi) with a public check, and the payment list (daftar nominatif) for the finance team."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from plm.vocabulary import Role


def init_app(app: Flask) -> None:
    """Blueprints (staff pages and the public receipt check), the money helpers for templates, the dashboard link."""
    from plm.allowances import routes
    from plm.allowances.documents import rupiah
    from plm.allowances.terbilang import terbilang_rupiah
    from plm.navigation import add_staff_link

    app.jinja_env.globals.update(rupiah=rupiah, terbilang_rupiah=terbilang_rupiah)
    app.register_blueprint(routes.bp)
    app.register_blueprint(routes.public)
    add_staff_link(app, "allowances.index", _l("Allowances and receipts"), roles=(Role.FINANCE,), order=30)
