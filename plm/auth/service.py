"""Staff account use cases: plain functions over a database session."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from plm.models import ApiToken, AuditLog, LoginThrottle, User, audit, hash_token, new_token, random_code, utcnow
from plm.vocabulary import Role

MIN_PASSWORD_LENGTH = 8
RESET_LINK_HOURS = 24
# Per-account back-off: after this many failed logins for one email, a lock that doubles each time.
LOGIN_FAILURES_BEFORE_LOCK = 5
LOGIN_LOCK_FIRST_SECONDS = 60
LOGIN_LOCK_MAX_SECONDS = 60 * 60


class AccountError(ValueError):
    """A refused account change: str() is the English text for the CLI, `code` picks the web page's message."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == normalize_email(email)))


def create_user(session: Session, email: str, role: str, password: str, full_name: str = "", *,
                actor: User | None = None) -> User:
    email = normalize_email(email)
    if "@" not in email or len(email) > 254:
        raise AccountError("invalid email address", "bad_email")
    if not Role.has(role):
        raise AccountError(f"role must be one of: {', '.join(Role)}", "bad_role")
    check_password_rules(password)
    if find_user(session, email):
        raise AccountError(f"a user with email {email} already exists", "exists")
    user = User(email=email, role=role, full_name=full_name[:200])
    user.set_password(password)
    session.add(user)
    session.flush()
    if actor is not None:
        audit(session, "user.create", user=actor, target=user, role=role)
    return user


def check_password_rules(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password must have at least {MIN_PASSWORD_LENGTH} characters", "short_password")
    if len(password) > 200:
        raise AccountError("password must have at most 200 characters", "long_password")


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with these credentials, or None (same answer for unknown email and wrong password)."""
    user = find_user(session, email)
    if user is None:
        # Spend the same time hashing so response timing does not reveal which emails exist.
        User(password_hash="").set_password(password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    user.last_login_at = utcnow()
    return user


def create_api_token(session: Session, user: User, name: str = "") -> str:
    """Make a token for a door scanner; the plain value is returned once and never stored."""
    token = "plm_" + new_token()
    session.add(ApiToken(user=user, name=name[:100], token_hash=hash_token(token), prefix=token[4:12]))
    session.add(AuditLog(user_id=user.id, action="api_token.create", target_type="user", target_id=user.id,
                         detail={"name": name[:100]}))
    session.flush()
    return token


# The user, with only the token's id and last use: one ORM entity to build on every door scan, not two.
_TOKEN_USER = (
    select(User, ApiToken.id, ApiToken.last_used_at).join(ApiToken, ApiToken.user_id == User.id)
    .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked_at.is_(None))
)


def user_for_token(session: Session, token: str, *, record_use: bool = True) -> User | None:
    """The active user a door token belongs to. *record_use* (the caller passes False for GET, which never
    writes) touches the token's last use, at most once a minute."""
    if not token or len(token) > 200:
        return None
    # Token and user in one prebuilt query: door scanners send this on every scan.
    row = session.execute(_TOKEN_USER, {"token_hash": hash_token(token)}).first()
    if row is None or not row[0].active:
        return None
    user, token_id, last_used_at = row
    now = utcnow()
    # Touch at most once a minute: a door scanning 5 badges a second must not write on every scan.
    if record_use and (last_used_at is None or (now - last_used_at).total_seconds() > 60):
        session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
        session.commit()
    return user


def revoke_api_token(session: Session, user: User, token_id: int) -> bool:
    api_token = session.get(ApiToken, token_id)
    if api_token is None or (api_token.user_id != user.id and user.role != Role.ADMIN):
        return False
    api_token.revoked_at = utcnow()
    session.add(AuditLog(user_id=user.id, action="api_token.revoke", target_type="api_token", target_id=token_id))
    return True


# ---------------------------------------------------------------------------------------------
# Staff accounts page and `flask plm set-password / disable-user`
# ---------------------------------------------------------------------------------------------

@dataclass
class AccountRow:
    user: User
    active_tokens: int


def list_accounts(session: Session) -> list[AccountRow]:
    counts = dict(session.execute(select(ApiToken.user_id, func.count()).where(ApiToken.revoked_at.is_(None))
                                  .group_by(ApiToken.user_id)).all())
    users = session.scalars(select(User).order_by(User.active.desc(), User.role, User.email)).all()
    return [AccountRow(u, counts.get(u.id, 0)) for u in users]


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc())))


def _other_active_admins(session: Session, user: User) -> int:
    return session.scalar(select(func.count()).select_from(User).where(
        User.role == Role.ADMIN, User.active.is_(True), User.id != user.id)) or 0


def _keep_an_admin(session: Session, user: User) -> None:
    """Nobody may take away the last active admin: nobody could manage accounts any more."""
    if user.role == Role.ADMIN and user.active and _other_active_admins(session, user) == 0:
        raise AccountError(f"{user.email} is the last active admin", "last_admin")


def set_role(session: Session, user: User, role: str, *, actor: User | None = None) -> bool:
    if not Role.has(role):
        raise AccountError(f"role must be one of: {', '.join(Role)}", "bad_role")
    if role == user.role:
        return False
    if role != Role.ADMIN:
        _keep_an_admin(session, user)
    before = user.role
    user.role = role
    audit(session, "user.role", user=actor, target=user, before=before, after=role)
    return True


def set_active(session: Session, user: User, active: bool, *, actor: User | None = None) -> bool:
    """Disable (sessions and API tokens stop at once: the loaders check `active`) or enable an account."""
    if bool(user.active) == active:
        return False
    if not active:
        _keep_an_admin(session, user)
        user.end_sessions()
        user.reset_token_hash = None
        user.reset_expires_at = None
    user.active = active
    audit(session, "user.enable" if active else "user.disable", user=actor, target=user)
    return True


def set_password(session: Session, user: User, password: str, *, actor: User | None = None,
                 how: str = "set") -> None:
    """A new password ends every session and remember cookie of the user (API tokens stay: revoke them apart)."""
    check_password_rules(password)
    user.set_password(password)
    user.end_sessions()
    user.reset_token_hash = None
    user.reset_expires_at = None
    audit(session, "user.password", user=actor, target=user, how=how)


def change_own_password(session: Session, user: User, current: str, new: str) -> None:
    if not user.check_password(current or ""):
        raise AccountError("the current password is not correct", "wrong_password")
    set_password(session, user, new, actor=user, how="own")


def temporary_password() -> str:
    """Twelve unambiguous characters (60 bits): read out over the phone or written on paper."""
    return "-".join(random_code(4) for _ in range(3))


def reset_with_temporary_password(session: Session, user: User, *, actor: User | None = None) -> str:
    password = temporary_password()
    set_password(session, user, password, actor=actor, how="temporary")
    return password


def make_reset_link_token(session: Session, user: User, *, actor: User | None = None,
                          now: datetime | None = None) -> str:
    """A one-time token for /staff/reset/<token>; the old password stops working at once."""
    token = new_token()
    user.set_password(secrets.token_urlsafe(32))  # nobody knows it: the link is the only way in
    user.end_sessions()
    user.reset_token_hash = hash_token(token)
    user.reset_expires_at = (now or utcnow()) + timedelta(hours=RESET_LINK_HOURS)
    audit(session, "user.password", user=actor, target=user, how="reset_link")
    return token


def user_for_reset_token(session: Session, token: str, now: datetime | None = None) -> User | None:
    if not token or len(token) > 100:
        return None
    user = session.scalar(select(User).where(User.reset_token_hash == hash_token(token)))
    if user is None or not user.active or user.reset_expires_at is None or user.reset_expires_at <= (now or utcnow()):
        return None
    return user


def use_reset_token(session: Session, token: str, password: str) -> User:
    user = user_for_reset_token(session, token)
    if user is None:
        raise AccountError("the link is not valid any more", "bad_link")
    set_password(session, user, password, actor=user, how="reset_link_used")
    return user


def revoke_tokens_of(session: Session, user: User, *, actor: User | None = None) -> int:
    count = 0
    for api_token in tokens_of(session, user):
        if api_token.revoked_at is None:
            api_token.revoked_at = utcnow()
            count += 1
    if count:
        audit(session, "api_token.revoke_all", user=actor, target=user, count=count)
    return count


# ---------------------------------------------------------------------------------------------
# Login back-off per email (on top of the per-address rate limit)
# ---------------------------------------------------------------------------------------------

def _throttle_key(email: str) -> str:
    # Keyed on what was typed, whether or not an account has it: the lock answers the same for both.
    return hash_token("login:" + normalize_email(email))


def login_locked_seconds(session: Session, email: str, now: datetime | None = None) -> int:
    """Seconds until this email may try again (0: it may try now)."""
    now = now or utcnow()
    row = session.scalar(select(LoginThrottle).where(LoginThrottle.key == _throttle_key(email)))
    if row is None or row.locked_until is None or row.locked_until <= now:
        return 0
    return max(1, int((row.locked_until - now).total_seconds() + 0.999))


def record_login_failure(session: Session, email: str, now: datetime | None = None) -> int:
    """Count a failed login; from the fifth on, lock the email for 1, 2, 4 ... minutes (at most an hour).
    Returns the seconds of the lock (0 if none)."""
    now = now or utcnow()
    key = _throttle_key(email)
    row = session.scalar(select(LoginThrottle).where(LoginThrottle.key == key).with_for_update())
    if row is None:
        row = LoginThrottle(key=key, failures=0, updated_at=now)
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError:  # another worker counted the first failure at the same moment
            row = session.scalar(select(LoginThrottle).where(LoginThrottle.key == key).with_for_update())
    if row.updated_at is not None and now - row.updated_at > timedelta(days=1):
        row.failures = 0  # old mistakes are forgiven after a quiet day
    row.failures += 1
    row.updated_at = now
    lock = 0
    if row.failures >= LOGIN_FAILURES_BEFORE_LOCK:
        lock = min(LOGIN_LOCK_FIRST_SECONDS * 2 ** (row.failures - LOGIN_FAILURES_BEFORE_LOCK), LOGIN_LOCK_MAX_SECONDS)
        row.locked_until = now + timedelta(seconds=lock)
    return lock


def clear_login_failures(session: Session, email: str) -> None:
    row = session.scalar(select(LoginThrottle).where(LoginThrottle.key == _throttle_key(email)))
    if row is not None:
        session.delete(row)
