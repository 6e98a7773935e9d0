"""Petitions and signatures: rows made directly, and the sign form posted as a browser does."""

import itertools

from campaign.content.models import Campaign
from campaign.db import utcnow
from campaign.petitions.models import (
    CommentStatus,
    Petition,
    PetitionStatus,
    Signature,
    SignatureStatus,
)
from campaign.petitions.signing import confirm_url
from tests.factories import flushed
from tests.factories.content import make_campaign
from tests.factories.subscribers import local

_numbers = itertools.count(1)

# A post from one of our own pages, as a browser marks it (the sign form carries no token).
OURS = {"Sec-Fetch-Site": "same-origin"}
VALID = {"name": "Ana Lima", "email": "ana@example.org", "country": "PT"}


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
    return flushed(Petition(**values))


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
    return flushed(Signature(**values))


def sign(client, petition: Petition, headers: dict | None = None, **fields):
    """Post the sign form as a browser on the petition page does."""
    data = VALID | fields
    return client.post(
        f"/petitions/{petition.slug}/sign", data=data, headers=OURS if headers is None else headers
    )


def confirm_path(signature: Signature) -> str:
    return local(confirm_url(signature))


def press_confirm(client, path: str, headers: dict | None = None):
    return client.post(path, headers=OURS if headers is None else headers)
