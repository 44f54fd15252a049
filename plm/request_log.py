"""Logging with a request id on every line, optionally as JSON lines, with secrets kept out."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

from flask import Flask, g, has_request_context, request

# URL path parameters that are secrets: manage links (/e/<slug>/me/<token>), the personal calendar
# key (/e/<slug>/calendar/<public_id>/<key>.ics), the e-mail confirmation (/e/<slug>/confirm-email/<signed>).
# Every parameter of every route is either here or in PUBLIC_URL_PARAMS (tests/test_request_log.py).
SECRET_URL_PARAMS = frozenset({"token", "key", "signed", "invite_token"})
PUBLIC_URL_PARAMS = frozenset({
    "slug", "public_id", "serial", "code", "filename", "fmt", "session_id", "checkin_id", "job_id",
    "message_id", "room_id", "track_id", "token_id", "user_id", "checkpoint_id", "batch_id", "index", "form_id",
    "participant_id", "institution_id", "question_id", "hotel_id", "hotel_room_id",
})

# Before an app registers its routes (and for gunicorn's master): the known secret-bearing paths.
_BASE_PATTERNS = [
    re.compile(r"(/me/)[^/?#\s\"]+"),
    re.compile(r"(/confirm-email/)[^/?#\s\"]+"),
    re.compile(r"(/delegation/)[^/?#\s\"]+"),
    re.compile(r"(/calendar/[^/?#\s\"]+/)[^/?#\s\"]+?(?=\.ics)"),
]
_rule_patterns: dict[str, re.Pattern] = {}
_SECRET_QUERY = re.compile(r"((?:token|password|secret|key|signed)=)[^&\s\"]+", re.IGNORECASE)
_PARAM = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
_SEGMENT = r"[^/?#\s\"]+?"


def _rule_pattern(rule: str) -> re.Pattern:
    """A regex for one URL rule whose secret parameters are the capturing groups."""
    parts, position = [], 0
    for match in _PARAM.finditer(rule):
        parts.append(re.escape(rule[position:match.start()]))
        converter, name = match.group(1), match.group(2)
        segment = r"[^?#\s\"]+?" if converter == "path" else _SEGMENT
        parts.append(f"({segment})" if name in SECRET_URL_PARAMS else f"(?:{segment})")
        position = match.end()
    parts.append(re.escape(rule[position:]))
    return re.compile(r"(?<![^\s\"])" + "".join(parts) + r"(?=[?#\s\"]|$)")


def learn_secret_routes(rules) -> None:
    """Redact the secret parameters of these URL rules (werkzeug Rule objects) from now on."""
    for rule in rules:
        if SECRET_URL_PARAMS & set(rule.arguments) and rule.rule not in _rule_patterns:
            _rule_patterns[rule.rule] = _rule_pattern(rule.rule)


def _redact_groups(match: re.Match) -> str:
    text, start = [], match.start()
    for index in range(1, (match.lastindex or 0) + 1):
        text.append(match.string[start:match.start(index)] + "[redacted]")
        start = match.end(index)
    text.append(match.string[start:match.end()])
    return "".join(text)


def redact(path: str) -> str:
    """A path, query or request line with every secret-bearing part replaced by [redacted]."""
    for pattern in _rule_patterns.values():
        path = pattern.sub(_redact_groups, path)
    for pattern in _BASE_PATTERNS:
        path = pattern.sub(r"\1[redacted]", path)
    return _SECRET_QUERY.sub(r"\1[redacted]", path)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


class JsonLinesFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        for key in ("method", "path", "status", "duration_ms", "remote"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def init_app(app: Flask) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    if app.config.get("LOG_FORMAT") == "json":
        handler.setFormatter(JsonLinesFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"))
    logger = logging.getLogger("plm")
    logger.handlers[:] = [handler]
    logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    logger.propagate = False
    app.logger.handlers[:] = [handler]
    request_logger = logging.getLogger("plm.requests")
    # Every blueprint is registered by now (create_app registers logging after them).
    learn_secret_routes(app.url_map.iter_rules())

    @app.before_request
    def assign_request_id() -> None:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if re.fullmatch(r"[A-Za-z0-9._-]{8,64}", incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        if app.config.get("LOG_REQUESTS"):
            started = g.get("request_started")
            request_logger.info(
                "%s %s %s", request.method, redact(request.path), response.status_code,
                extra={"method": request.method, "path": redact(request.path), "status": response.status_code,
                       "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
                       "remote": request.remote_addr},
            )
        return response
