"""HTTP hardening: security headers with a strict script policy, Secure cookies over HTTPS, proxies."""

from __future__ import annotations

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


def register(app: Flask) -> None:
    app.session_interface = HttpsAwareSessionInterface()
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

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
