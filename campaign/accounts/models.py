"""Organiser accounts: who may sign in to the console, and with which role."""

import secrets
from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, String, false
from sqlalchemy.orm import Mapped, mapped_column

from campaign.db import Timestamped, UTCDateTime
from campaign.extensions import db


class Role(StrEnum):
    ADMIN = "admin"  # everything, including organiser accounts
    EDITOR = "editor"  # content only


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, Timestamped, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=Role.EDITOR)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    # What the session cookie names instead of the id: a new token signs out every session.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # An editor an admin allowed to find, export and erase supporters' data (/admin/people).
    may_manage_people: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    def get_id(self) -> str:
        return self.session_token

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def can_manage_people(self) -> bool:
        """Admins always; editors when an admin allowed them."""
        return self.is_admin or self.may_manage_people
