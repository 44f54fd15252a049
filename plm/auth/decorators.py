"""Role checks: 401/redirect for anonymous, 403 for the wrong role (JSON under /api/)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user

from plm.extensions import login_manager
from plm.vocabulary import Role


def role_required(*roles: str) -> Callable:
    """Allow these staff roles (admins always pass)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles  # read by the authorisation-matrix test
        return wrapped

    return decorator


staff_required = role_required(Role.ORGANIZER, Role.FACILITATOR)
admin_required = role_required()
