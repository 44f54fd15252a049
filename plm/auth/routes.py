"""Staff login/logout, profile (own password, API tokens), password reset links and the admins'
staff accounts page, under /staff/."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from plm.auth import service
from plm.auth.decorators import admin_required
from plm.auth.forms import (
    LoginForm,
    NewAccountForm,
    PasswordChangeForm,
    ResetChoiceForm,
    ResetPasswordForm,
    RoleForm,
    TokenForm,
)
from plm.extensions import db, limiter, login_manager
from plm.i18n import safe_next
from plm.models import ApiToken, User
from plm.transactions import WRITE_METHODS, fail

bp = Blueprint("auth", __name__, url_prefix="/staff")

login_manager.login_view = "auth.login"
login_manager.login_message = None


ACCOUNT_ERRORS = {
    "bad_email": _l("Not a valid email address."),
    "bad_role": _l("Unknown role."),
    "short_password": _l("The password needs at least 8 characters."),
    "long_password": _l("The password may have at most 200 characters."),
    "exists": _l("An account with this email already exists."),
    "last_admin": _l("This is the last active admin: make another admin first, or nobody could manage accounts."),
    "wrong_password": _l("The current password is not correct."),
    "bad_link": _l("This link is not valid any more. Ask an admin for a new one."),
}


def account_error(exc: service.AccountError) -> str:
    return str(ACCOUNT_ERRORS.get(exc.code, _l("This change is not possible.")))


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The session and remember cookies carry "<id>:<generation>"; a raised generation ends them all."""
    ident, _sep, generation = user_id.partition(":")
    if not (ident.isdigit() and generation.isdigit()) or len(user_id) > 40:
        return None
    user = db.session.get(User, int(ident))
    if user is None or not user.active or user.session_generation != int(generation):
        return None
    return user


@login_manager.request_loader
def load_user_from_bearer(req) -> User | None:
    """A Bearer token logs in to the JSON API only (/api/v1/...), never to staff pages and forms.

    Flask-Login asks this only when no session (or remember) cookie names a user, so a token never
    overrides a cookie; ``g.token_auth`` tells the CSRF check that this request carries no cookie login.
    """
    header = req.headers.get("Authorization", "")
    if not (header.startswith("Bearer ") and req.path.startswith("/api/v1/")):
        return None
    # The token's last use is recorded on the door's writes (scans, undos), never on a GET.
    user = service.user_for_token(db.session, header[7:].strip(), record_use=req.method in WRITE_METHODS)
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
        email = form.email.data
        # The same lock for every typed email, account or not, so it reveals nothing about which exist.
        wait = service.login_locked_seconds(db.session, email)
        if wait:
            fail(db.session)
            flash(_locked_message(wait), "error")
            return render_template("auth/login.html", form=form), 429
        user = service.authenticate(db.session, email, form.password.data)
        if user is None:
            db.session.rollback()
            lock = service.record_login_failure(db.session, email)
            # One message for unknown email, wrong password and disabled account.
            flash(_locked_message(lock) if lock else _("Email or password is not correct."), "error")
        else:
            service.clear_login_failures(db.session, email)
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next"), url_for("admin.dashboard")))
    return render_template("auth/login.html", form=form)


def _locked_message(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return _("Too many failed logins for this email. Try again in %(minutes)d minutes, or ask an admin to "
             "reset the password.", minutes=minutes)


@bp.route("/logout", methods=["POST"])
def logout():
    """Ends every session and remember cookie of this user, not only this browser's."""
    if current_user.is_authenticated:
        user = db.session.get(User, current_user.id)
        user.end_sessions()
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
        flash(_("Token created. Copy it now: it will not be shown again."), "success")
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.created_at.desc())
    ).all()
    return render_template("auth/profile.html", form=form, tokens=tokens, new_token=new_token,
                           password_form=PasswordChangeForm(formdata=None))


@bp.route("/profile/password", methods=["POST"])
@login_required
def change_password():
    """Own password: every other session of this user ends; this browser stays logged in."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = db.session.get(User, current_user.id)
        try:
            service.change_own_password(db.session, user, form.current_password.data, form.new_password.data)
        except service.AccountError as exc:
            fail(db.session)
            form.current_password.errors = [account_error(exc)]
        else:
            login_user(user)
            flash(_("Password changed. You were logged out everywhere else."), "success")
            return redirect(url_for("auth.profile"))
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == current_user.id)
                                .order_by(ApiToken.created_at.desc())).all()
    return render_template("auth/profile.html", form=TokenForm(formdata=None), tokens=tokens, new_token=None,
                           password_form=form), 400


@bp.route("/profile/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    if service.revoke_api_token(db.session, current_user, token_id):
        flash(_("Token revoked."), "info")
    back = request.form.get("next") or ""
    return redirect(back if back.startswith("/staff/accounts") else url_for("auth.profile"))


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset_password(token: str):
    """The one-time link an admin made: choose a new password, then log in with it."""
    user = service.user_for_reset_token(db.session, token)
    if user is None:
        return render_template("auth/reset.html", form=None), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            service.use_reset_token(db.session, token, form.new_password.data)
        except service.AccountError as exc:
            fail(db.session)
            form.new_password.errors = [account_error(exc)]
        else:
            if current_user.is_authenticated:
                logout_user()
            flash(_("Your new password is saved. Log in with it."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form, user=user)


# ------------------------------------------------------------------ staff accounts (admins)

def _account_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/accounts", methods=["GET", "POST"])
@admin_required
def accounts():
    form = NewAccountForm()
    created = None
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        # A temporary password shown once to the admin; the owner changes it on their profile page.
        password = service.temporary_password()
        try:
            user = service.create_user(db.session, form.email.data, form.role.data, password, form.full_name.data or "",
                                       actor=current_user)
        except service.AccountError as exc:
            fail(db.session)
            form.email.errors = [account_error(exc)]
        else:
            created, status = (user, password), 200
            form = NewAccountForm(formdata=None)
    return render_template("auth/accounts.html", rows=service.list_accounts(db.session), form=form,
                           created=created), status


def _account_page(user: User, *, shown_password=None, reset_link=None, status: int = 200, role_form=None):
    return render_template(
        "auth/account.html", account=user, tokens=service.tokens_of(db.session, user),
        role_form=role_form or RoleForm(formdata=None, role=user.role), reset_form=ResetChoiceForm(formdata=None),
        shown_password=shown_password, reset_link=reset_link,
    ), status


@bp.route("/accounts/<int:user_id>")
@admin_required
def account(user_id: int):
    return _account_page(_account_or_404(user_id))


def _refused(user: User, exc: service.AccountError, **kwargs):
    fail(db.session)
    flash(account_error(exc), "error")
    return _account_page(user, status=400, **kwargs)


@bp.route("/accounts/<int:user_id>/role", methods=["POST"])
@admin_required
def account_role(user_id: int):
    user = _account_or_404(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        return _account_page(user, status=400, role_form=form)
    try:
        changed = service.set_role(db.session, user, form.role.data, actor=current_user)
    except service.AccountError as exc:
        return _refused(user, exc)
    flash(_("Role changed.") if changed else _("Nothing was changed."), "success")
    return redirect(url_for("auth.account", user_id=user.id))


@bp.route("/accounts/<int:user_id>/active", methods=["POST"])
@admin_required
def account_active(user_id: int):
    user = _account_or_404(user_id)
    active = request.form.get("active") == "1"
    try:
        service.set_active(db.session, user, active, actor=current_user)
    except service.AccountError as exc:
        return _refused(user, exc)
    flash(_("The account is active again.") if active else
          _("The account is disabled: its sessions and API tokens stopped working."), "success")
    return redirect(url_for("auth.account", user_id=user.id))


@bp.route("/accounts/<int:user_id>/reset", methods=["POST"])
@admin_required
def account_reset(user_id: int):
    """A new password by a one-time link or a temporary one shown once; either ends the user's sessions."""
    user = _account_or_404(user_id)
    form = ResetChoiceForm()
    if not form.validate_on_submit():
        abort(400)
    if form.how.data == "temporary":
        password = service.reset_with_temporary_password(db.session, user, actor=current_user)
        _stay_logged_in(user)
        return _account_page(user, shown_password=password)
    token = service.make_reset_link_token(db.session, user, actor=current_user)
    _stay_logged_in(user)
    link = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for("auth.reset_password", token=token)
    return _account_page(user, reset_link=link)


def _stay_logged_in(user: User) -> None:
    """An admin resetting their own password keeps this browser's session (the others end)."""
    if user.id == current_user.id:
        login_user(user)


@bp.route("/accounts/<int:user_id>/tokens/revoke", methods=["POST"])
@admin_required
def account_revoke_tokens(user_id: int):
    user = _account_or_404(user_id)
    count = service.revoke_tokens_of(db.session, user, actor=current_user)
    flash(_("%(count)d tokens revoked.", count=count), "info")
    return redirect(url_for("auth.account", user_id=user.id))
