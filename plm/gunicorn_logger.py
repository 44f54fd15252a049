"""Gunicorn access log without secrets: manage-link tokens are redacted from logged paths."""

from gunicorn.glogging import Logger

from plm.request_log import redact


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms
