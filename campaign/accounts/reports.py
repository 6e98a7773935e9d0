"""What the console reads about organiser accounts."""

from sqlalchemy import select

from campaign.accounts.models import User
from campaign.extensions import db


def organisers() -> list[User]:
    """Every organiser account by email."""
    return list(db.session.scalars(select(User).order_by(User.email)))
