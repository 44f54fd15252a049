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


def __getattr__(name):
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
