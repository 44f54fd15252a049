"""Absolute links (mails, QR codes, iCal, WhatsApp texts) from the configured PUBLIC_BASE_URL only.

Never from the request: a forged Host header would otherwise put an attacker's address in a
participant's mail while the token in it works on the real site. Every absolute URL in PLM is
built here; tests/test_links.py fails when a module or template builds one another way.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from flask import Flask, current_app

# What `make run` and the tests use when nothing is configured (debug and testing only).
DEV_BASE_URL = "http://127.0.0.1:5000"


def normalise_base_url(value: object) -> str | None:
    """`value` as 'scheme://host[:port][/path]' without a trailing slash, or None when it is not one."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().rstrip("/")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        return None
    return text


def base_url(app: Flask | None = None) -> str:
    """The configured public address, e.g. 'https://plm.example.org' (no trailing slash)."""
    app = app or current_app
    return app.config["PUBLIC_BASE_URL"]


def absolute_url(endpoint: str, *, app: Flask | None = None, **values) -> str:
    """url_for(endpoint, **values) as an absolute URL on PUBLIC_BASE_URL, with or without a request."""
    app = app or current_app
    parts = urlsplit(base_url(app))
    values = dict(values)
    app.inject_url_defaults(endpoint, values)
    adapter = app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
    return adapter.build(endpoint, values, force_external=True)


def is_local_address(url: str | None) -> bool:
    """True when a printed link to `url` could only work on this machine (unset, localhost, loopback)."""
    host = (urlsplit(url).hostname or "") if url else ""
    if not host or host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def print_warning_context() -> dict:
    """Template values for the 'links would point at this machine' banner on print pages."""
    url = base_url()
    return {"public_base_url": url, "public_base_url_is_local": is_local_address(url)}
