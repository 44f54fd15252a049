"""Staff account use cases: plain functions over a database session."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from plm.models import STAFF_ROLES, ApiToken, AuditLog, User, hash_token, new_token, utcnow


class AccountError(ValueError):
    """A refused account change, with a message for the user."""


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user(session: Session, email: str) -> Optional[User]:
    return session.scalar(select(User).where(func.lower(User.email) == normalize_email(email)))


def create_user(session: Session, email: str, role: str, password: str, full_name: str = "") -> User:
    email = normalize_email(email)
    if "@" not in email or len(email) > 254:
        raise AccountError("invalid email address")
    if role not in STAFF_ROLES:
        raise AccountError(f"role must be one of: {', '.join(STAFF_ROLES)}")
    if len(password) < 8:
        raise AccountError("password must have at least 8 characters")
    if find_user(session, email):
        raise AccountError(f"a user with email {email} already exists")
    user = User(email=email, role=role, full_name=full_name)
    user.set_password(password)
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> Optional[User]:
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


_TOKEN_USER = (
    select(ApiToken, User).join(User, User.id == ApiToken.user_id)
    .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked_at.is_(None))
)


def user_for_token(session: Session, token: str) -> Optional[User]:
    if not token or len(token) > 200:
        return None
    # Token and user in one prebuilt query: door scanners send this on every scan.
    row = session.execute(_TOKEN_USER, {"token_hash": hash_token(token)}).first()
    if row is None or not row[1].active:
        return None
    api_token = row[0]
    now = datetime.now(timezone.utc)
    # Touch at most once a minute: a door scanning 5 badges a second must not write on every scan.
    if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 60:
        api_token.last_used_at = now
        session.commit()
    return api_token.user


def revoke_api_token(session: Session, user: User, token_id: int) -> bool:
    api_token = session.get(ApiToken, token_id)
    if api_token is None or (api_token.user_id != user.id and user.role != "admin"):
        return False
    api_token.revoked_at = utcnow()
    session.add(AuditLog(user_id=user.id, action="api_token.revoke", target_type="api_token", target_id=token_id))
    return True
