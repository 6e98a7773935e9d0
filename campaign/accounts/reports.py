"""What the console reads about organiser accounts."""

from sqlalchemy import select

from campaign.accounts.factors.models import SecondFactor
from campaign.accounts.models import User
from campaign.extensions import db


def organisers() -> list[User]:
    """Every organiser account by email."""
    return list(db.session.scalars(select(User).order_by(User.email)))


def organisers_with_a_second_factor() -> set[int]:
    """The ids of the organisers who have a confirmed second factor."""
    query = select(SecondFactor.user_id).where(SecondFactor.confirmed_at.is_not(None)).distinct()
    return set(db.session.scalars(query))
