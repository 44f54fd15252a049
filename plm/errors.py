"""Error pages in the user's language, and JSON bodies under /api/."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound


class DeadLink(NotFound):
    """A personal or invitation link that does not (or no longer) work: a 404 page that says why it may have
    stopped and what to do next, instead of the generic dead end. *action* is (url, label) for the way on."""

    def __init__(self, message: str, action: tuple[str, str] | None = None):
        super().__init__()
        self.message = message
        self.action = action


def wants_json() -> bool:
    return request.path.startswith("/api/")


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood. Please check what you sent and try again.")),
        401: (_("Login required"), _("Please log in to continue.")),
        403: (_("Not allowed"), _("Your account is not allowed to open this page.")),
        404: (_("Page not found"), _("The page you asked for does not exist or has been moved.")),
        405: (_("Not allowed"), _("This action is not available here.")),
        413: (_("Too large"), _("What you sent is too large.")),
        422: (_("Invalid data"), _("Some of the data you sent is not valid.")),
        429: (_("Too many requests"), _("Too many attempts. Please wait a minute and try again.")),
        500: (_("Something went wrong"), _("An unexpected error happened on our side. Nothing you typed was lost; please try again.")),
        503: (_("Temporarily unavailable"), _("The service is busy or the database is unreachable. Please try again shortly.")),
    }


def error_response(code: int, error: str | None = None, detail: str | None = None):
    title, message = _messages().get(code, (str(code), ""))
    if wants_json():
        body = {"error": error or _default_error_code(code), "message": detail or message}
        return jsonify(body), code
    return render_template("errors/error.html", code=code, title=title, message=detail or message), code


def _default_error_code(code: int) -> str:
    return {
        400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
        405: "method_not_allowed", 413: "too_large", 422: "invalid", 429: "rate_limited",
        500: "server_error", 503: "unavailable",
    }.get(code, "error")


def database_unavailable(exc: BaseException) -> bool:
    """The database cannot be reached (down, restarting, connection cut), as opposed to a bug.

    SQLAlchemy wraps the driver's errors: OperationalError for a refused or cut connection
    (psycopg's AdminShutdown when PostgreSQL stops is one), InterfaceError when a pooled connection
    was already closed, any DBAPIError flagged `connection_invalidated`; and a session whose connection
    failed earlier in the request raises PendingRollbackError.
    """
    from sqlalchemy import exc as sa_exc

    if isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError,
                        sa_exc.PendingRollbackError)):
        return True
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a runtime dependency
        return False
    return isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError))


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return error_response(400, "csrf_failed", _("The form expired or was sent from elsewhere. Please reload the page and try again."))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = exc.code or 500
        if code < 400:
            return exc
        if isinstance(exc, DeadLink) and not wants_json():
            return render_template("errors/error.html", code=code, title=_("This link does not work"),
                                   message=exc.message, action=exc.action), code
        if code == 429 and getattr(exc, "response", None) is not None:
            return exc.response  # a page's own answer to a limit, e.g. the form kept with what was typed
        response = error_response(code)
        if code == 429 and exc.get_response().headers.get("Retry-After"):
            body, status = response
            return body, status, {"Retry-After": exc.get_response().headers["Retry-After"]}
        return response

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception):
        from plm.extensions import db

        if isinstance(exc, HTTPException):
            return http_error(exc)
        if database_unavailable(exc):
            app.logger.error("Database unavailable on %s %s: %s", request.method, request.path,
                             str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            try:
                db.session.rollback()
            except Exception:  # the connection is gone; the pool replaces it on the next checkout
                db.session.close()
            return error_response(503, "database_unavailable")
        if app.testing and not app.config.get("PLM_RENDER_500_IN_TESTS"):
            raise exc
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return error_response(InternalServerError.code)
