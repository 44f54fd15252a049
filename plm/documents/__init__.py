"""The documents feature: name badges and certificates (pages, batch jobs, eligibility, verification).

The renderers are pure functions: plain data in (:class:`EventInfo`, :class:`BadgeData`,
:class:`CertificateData`, :class:`Signatory`), PDF bytes out, through the app's PDF engine
(:mod:`plm.pdf`).  No Flask, no request state; WeasyPrint is imported only when a renderer is first used.

    from plm.documents import EventInfo, BadgeData, render_badges
    pdf = render_badges(event, badges, layout="a6")
"""

from .data import (  # noqa: F401  (light: no WeasyPrint import)
    DEFAULT_ROLE_COLOURS,
    ROLES,
    BadgeData,
    CertificateData,
    EventInfo,
    Signatory,
    role_colour,
    role_label,
)

_LAZY = {
    "render_badges": ".badges",
    "render_single_badge": ".badges",
    "LAYOUTS": ".badges",
    "render_certificates": ".certificates",
}

__all__ = [
    "BadgeData", "CertificateData", "DEFAULT_ROLE_COLOURS", "EventInfo", "ROLES",
    "Signatory", "role_colour", "role_label", *_LAZY,
]


def init_app(app):
    """Badge and certificate pages and links, their batch job kinds, `flask plm badges | certificates`."""
    from flask_babel import lazy_gettext as _l

    from plm import cli
    from plm.documents import commands, jobs, routes
    from plm.navigation import add_manage_link, add_staff_link
    from plm.vocabulary import Role

    app.register_blueprint(routes.bp)
    jobs.register_handlers()
    add_staff_link(app, "documents.badges", _l("Badges"), roles=(Role.ORGANIZER,), order=40)
    add_staff_link(app, "documents.certificates", _l("Certificates"), roles=(Role.FACILITATOR,), order=41, moment="after")
    add_staff_link(app, "documents.certificate_settings", _l("Certificate settings"), roles=(Role.ADMIN,), order=42,
                   moment="after")
    add_manage_link(app, "documents.my_documents", _l("Badge and certificate"), order=30)
    cli.add_commands(commands.COMMANDS)


def __getattr__(name):
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
