"""HTTP hardening: security headers with a strict script policy, Secure cookies over HTTPS, proxies."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

# No inline scripts anywhere: every script is a file under /static. Styles may be inline
# (track colours, QR sizes); they cannot run code.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; connect-src 'self'; worker-src 'self' blob:; font-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class HttpsAwareSessionInterface(SecureCookieSessionInterface):
    """Mark the session cookie Secure whenever the request came over HTTPS (directly or via a trusted proxy)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or (bool(request) and request.is_secure)


def proxy_networks(value: Any) -> list:
    """TRUSTED_PROXY_ADDRESSES as networks: a list, or a string separated by commas or spaces."""
    from plm import ConfigError

    if value is not None and not isinstance(value, (list, tuple, set)):
        value = str(value)  # e.g. a bare number parsed from PLM_TRUSTED_PROXY_ADDRESSES
    items: Iterable[str] = value.replace(",", " ").split() if isinstance(value, str) else (value or [])
    networks = []
    for item in items:
        try:
            networks.append(ipaddress.ip_network(str(item).strip(), strict=False))
        except ValueError:
            raise ConfigError(f"TRUSTED_PROXY_ADDRESSES: {item!r} is not an IP address or network")
    return networks


class TrustedProxyFix:
    """ProxyFix only for requests whose direct peer is a configured proxy; everyone else's
    X-Forwarded-* headers are ignored (not a way to pick one's own address for rate limits and logs)."""

    def __init__(self, app: Callable, networks: list, count: int) -> None:
        self.app = app
        self.networks = networks
        self.fixed = ProxyFix(app, x_for=count, x_proto=count, x_host=count)

    def _trusted(self, peer: str) -> bool:
        if not peer or peer.startswith("/"):
            return True  # a Unix socket: only processes on this host can connect
        try:
            address = ipaddress.ip_address((peer or "").split("%", 1)[0])
        except ValueError:
            return False
        if address.version == 6 and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        return any(address in network for network in self.networks)

    def __call__(self, environ: dict, start_response: Callable) -> Any:
        if self._trusted(environ.get("REMOTE_ADDR", "")):
            return self.fixed(environ, start_response)
        return self.app(environ, start_response)


def init_app(app: Flask) -> None:
    app.session_interface = HttpsAwareSessionInterface()
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        networks = proxy_networks(app.config.get("TRUSTED_PROXY_ADDRESSES"))
        app.wsgi_app = TrustedProxyFix(app.wsgi_app, networks, proxies)

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        # Manage links carry a secret in the path: never send it to another site.
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if _carries_personal_data() and "no-store" not in headers.get("Cache-Control", ""):
            # Not in the browser's cache of a shared computer, nor in any proxy's.
            headers["Cache-Control"] = "no-store"
        return response


def _carries_personal_data() -> bool:
    """Staff pages, the JSON API, and every page under a secret link (manage, calendar key, confirmation)."""
    from plm.request_log import SECRET_URL_PARAMS

    if request.path.startswith(("/staff/", "/api/")):
        return True
    rule = request.url_rule
    return rule is not None and bool(SECRET_URL_PARAMS & set(rule.arguments))
