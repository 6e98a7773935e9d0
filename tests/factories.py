"""Small builders for test rows; each flushes and returns what it made."""

import itertools

from campaign.accounts.models import Role
from campaign.accounts.service import create_user
from campaign.content.models import Campaign, CampaignStatus, Explainer, ExplainerStatus
from campaign.content.publishing import next_explainer_position
from campaign.db import utcnow
from campaign.extensions import db
from campaign.petitions.models import (
    CommentStatus,
    Petition,
    PetitionStatus,
    Signature,
    SignatureStatus,
)

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


def make_campaign(**fields) -> Campaign:
    number = next(_numbers)
    values = {
        "slug": f"campaign-{number}",
        "title": f"Campaign {number}",
        "summary": "A campaign for testing.",
        "status": CampaignStatus.LIVE,
    } | fields
    campaign = Campaign(**values)
    db.session.add(campaign)
    db.session.flush()
    return campaign


def make_explainer(campaign: Campaign | None = None, **fields) -> Explainer:
    campaign = campaign or make_campaign()
    number = next(_numbers)
    values = {
        "campaign": campaign,
        "slug": f"explainer-{number}",
        "title": f"Explainer {number}",
        "summary": "What this explainer is about.",
        "body": "## First part\n\nSome words.",
        "language": campaign.language,
        "status": ExplainerStatus.PUBLISHED,
        "published_at": utcnow(),
        "position": next_explainer_position(campaign),
    } | fields
    explainer = Explainer(**values)
    db.session.add(explainer)
    db.session.flush()
    return explainer


def make_user(role: str = Role.EDITOR, email: str | None = None, **fields):
    email = email or f"organiser{next(_numbers)}@example.org"
    user = create_user(email, PASSWORD, role=role, **fields)
    return user


def make_petition(campaign: Campaign | None = None, **fields) -> Petition:
    """An open petition of a live campaign; flushed."""
    number = next(_numbers)
    values = {
        "campaign": campaign or make_campaign(),
        "slug": f"petition-{number}",
        "title": f"Petition {number}",
        "target": "The people in charge",
        "body": "Please do the right thing.",
        "goal": 100,
        "status": PetitionStatus.OPEN,
    } | fields
    petition = Petition(**values)
    db.session.add(petition)
    db.session.flush()
    return petition


def make_signature(petition: Petition, confirmed: bool = True, **fields) -> Signature:
    """A signature, confirmed (counting) unless asked otherwise; flushed, not yet tallied."""
    number = next(_numbers)
    now = utcnow()
    values = {
        "petition": petition,
        "name": f"Signer {number}",
        "email": f"signer{number}@example.org",
        "country": "GB",
        "status": SignatureStatus.CONFIRMED if confirmed else SignatureStatus.PENDING,
        "confirmed_at": now if confirmed else None,
    } | fields
    if values.get("comment") and "comment_status" not in fields:
        values["comment_status"] = CommentStatus.PENDING if confirmed else CommentStatus.NONE
    signature = Signature(**values)
    db.session.add(signature)
    db.session.flush()
    return signature
