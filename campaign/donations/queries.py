"""What appeal pages read: the appeal, and how much it has raised."""

from dataclasses import dataclass

from sqlalchemy import func, select

from campaign.content.models import Campaign
from campaign.content.queries import PUBLIC_CAMPAIGN
from campaign.donations.models import Appeal, AppealStatus, Donation, DonationStatus
from campaign.extensions import db


@dataclass(frozen=True)
class Raised:
    amount: int  # minor units of the appeal's currency, refunds taken off
    donors: int


def public_appeal(slug: str) -> Appeal | None:
    """An open or closed appeal of a public campaign; drafts are None."""
    return db.session.scalar(
        select(Appeal)
        .join(Appeal.campaign)
        .where(Appeal.slug == slug, Appeal.status != AppealStatus.DRAFT, PUBLIC_CAMPAIGN)
    )


def open_appeals(campaign: Campaign) -> list[Appeal]:
    return list(
        db.session.scalars(
            select(Appeal)
            .where(Appeal.campaign_id == campaign.id, Appeal.status == AppealStatus.OPEN)
            .order_by(Appeal.created_at)
        )
    )


def raised(appeal: Appeal) -> Raised:
    """Paid donations in the appeal's currency, refunds off, and how many people gave."""
    amount, donors = db.session.execute(
        select(
            func.coalesce(func.sum(Donation.amount - Donation.amount_refunded), 0),
            func.count(func.distinct(func.coalesce(Donation.first_donation_id, Donation.id))),
        ).where(
            Donation.appeal_id == appeal.id,
            Donation.status == DonationStatus.PAID,
            Donation.currency == appeal.currency,
        )
    ).one()
    return Raised(amount=int(amount), donors=int(donors))
