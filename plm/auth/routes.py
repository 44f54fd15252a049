"""Staff login/logout and profile (API tokens) under /staff/."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from plm.auth import service
from plm.auth.forms import LoginForm, TokenForm
from plm.extensions import db, limiter, login_manager
from plm.i18n import safe_next
from plm.models import ApiToken, User

bp = Blueprint("auth", __name__, url_prefix="/staff")

login_manager.login_view = "auth.login"
login_manager.login_message = None


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user and user.active else None


@login_manager.request_loader
def load_user_from_bearer(req) -> User | None:
    """A Bearer token logs in to the JSON API only (/api/v1/...), never to staff pages and forms.

    Flask-Login asks this only when no session (or remember) cookie names a user, so a token never
    overrides a cookie; ``g.token_auth`` tells the CSRF check that this request carries no cookie login.
    """
    header = req.headers.get("Authorization", "")
    if not (header.startswith("Bearer ") and req.path.startswith("/api/v1/")):
        return None
    user = service.user_for_token(db.session, header[7:].strip())
    g.token_auth = user is not None
    return user


@login_manager.unauthorized_handler
def unauthorized():
    if request.path.startswith("/api/"):
        return jsonify(error="unauthorized", message=_("Log in or send a valid Bearer token.")), 401
    return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("admin.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = service.authenticate(db.session, form.email.data, form.password.data)
        if user is None:
            db.session.rollback()
            # One message for unknown email, wrong password and disabled account.
            flash(_("Email or password is not correct."), "error")
        else:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next"), url_for("admin.dashboard")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        new_token = service.create_api_token(db.session, current_user, form.name.data.strip())
        db.session.commit()
        flash(_("Token created. Copy it now: it will not be shown again."), "success")
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.created_at.desc())
    ).all()
    return render_template("auth/profile.html", form=form, tokens=tokens, new_token=new_token)


@bp.route("/profile/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    if service.revoke_api_token(db.session, current_user, token_id):
        db.session.commit()
        flash(_("Token revoked."), "info")
    return redirect(url_for("auth.profile"))
