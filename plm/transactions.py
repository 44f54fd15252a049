"""The unit of work: one commit per request, CLI command or job, and hooks that run after it.

* A request's changes are committed once, by `register()`'s after-request hook, when the method
  changes state (POST, PUT, PATCH, DELETE) and the answer is not an error (status < 400). Any other
  answer, and every GET/HEAD, ends with a rollback: a GET cannot write even by accident, and a route that
  refuses bad input (4xx) leaves nothing behind. An exception that escapes rolls back too.
* Routes and services never call `commit()`. A service that must refuse after it has written calls
  `session.rollback()` itself or raises. A route that refuses but still answers below 400 (a redirect
  back with a flashed error, a form shown again) calls `fail(db.session)` (or `fail_and_redirect`): its
  changes are undone at once and the boundary rolls back instead of committing. The documented exceptions are listed, with their reasons, in
  tests/test_architecture.py (e.g. the door's check-in commits before it answers, so a scan is written
  exactly once even if the answer is lost).
* `after_commit(session, callback)` runs *callback* once the current transaction has committed and is
  dropped if it rolls back: a queued mail wakes the mail sender only when its row is really there.
* CLI commands and job handlers end with `commit_unit(session)`, the same commit the request boundary
  makes (so the same hooks run).

The model is Indico's request handler (`RH`, with its `commit` flag): the handler runs, then one
`db.session.commit()`; an exception rolls back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, flash, redirect, request
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from plm.extensions import db

log = logging.getLogger(__name__)

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_HOOKS = "plm_after_commit"
_FAILED = "plm_request_failed"


def after_commit(session, callback: Callable[[], None]) -> None:
    """Run *callback* after the session's current transaction commits; forget it if it rolls back.

    *session* may be `db.session` (the scoped session) or a plain Session. The same callback added twice
    in one transaction runs once."""
    target = _target(session)
    if not target.in_transaction():
        target.begin()  # the hook belongs to this transaction: a rollback now must drop it
    hooks = target.info.setdefault(_HOOKS, [])
    if callback not in hooks:
        hooks.append(callback)


@event.listens_for(Session, "after_commit")
def _run_hooks(session: Session) -> None:
    for callback in session.info.pop(_HOOKS, []):
        try:
            callback()
        except Exception:  # the data is committed; a failed wake-up must not turn the answer into a 500
            log.exception("after-commit hook %r failed", callback)


@event.listens_for(Session, "after_soft_rollback")
def _drop_hooks(session: Session, previous_transaction: SessionTransaction) -> None:
    if previous_transaction.parent is None:  # the outer transaction: nothing it queued happened
        session.info.pop(_HOOKS, None)


def _target(session) -> Session:
    return session() if callable(session) and not isinstance(session, Session) else session


def fail(session) -> None:
    """This request failed: undo its changes now, and let the boundary roll back what comes after.

    For a refusal that answers below 400 (a redirect, a form shown again), which the boundary would
    otherwise commit. What the page shows next is then what is stored."""
    target = _target(session)
    target.rollback()
    target.info[_FAILED] = True


def fail_and_redirect(message: str, location: str, code: int = 302) -> Response:
    """The staff pages' refusal: nothing of this request is kept, *message* is flashed as an error, and
    the browser goes to *location*."""
    fail(db.session)
    flash(message, "error")
    return redirect(location, code)


def change_and_redirect(change: Callable[[], str], refused: type[Exception] | tuple[type[Exception], ...],
                        explain: Callable[[Any], str], location: str) -> Response:
    """The staff pages' post-and-go-back: run *change*, which returns what to tell the user; if it raises
    *refused*, nothing is kept and explain(exc) is flashed as an error instead. Either way, to *location*."""
    try:
        message = change()
    except refused as exc:
        return fail_and_redirect(explain(exc), location)
    flash(message, "success")
    return redirect(location)


def commit_unit(session) -> None:
    """The one commit of a CLI command or a job step (the request boundary does the same)."""
    session.commit()


def init_app(app: Flask) -> None:
    @app.after_request
    def _end_request_transaction(response: Response) -> Response:
        failed = db.session.info.pop(_FAILED, False)
        if request.method in WRITE_METHODS and response.status_code < 400 and not failed:
            try:
                db.session.commit()
            except Exception:
                db.session.rollback()
                raise
        else:
            db.session.rollback()
        return response

    @app.teardown_request
    def _rollback_on_exception(exc: BaseException | None) -> None:
        db.session.info.pop(_FAILED, None)  # the mark is this request's alone
        if exc is not None:
            db.session.rollback()
