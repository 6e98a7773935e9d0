"""What the petition's page reads of its outcomes: each in the page's language where it is
translated, newest first."""

import hashlib

from sqlalchemy import func, select

from campaign.extensions import db
from campaign.i18n.translating import Localised, in_page_language_all
from campaign.outcomes.models import PetitionOutcome
from campaign.petitions.models import Petition, Signature
from campaign.updates.audience import signer_reachable


def outcomes_of(petition: Petition) -> list[PetitionOutcome]:
    """The petition's outcomes, newest first."""
    query = select(PetitionOutcome).where(PetitionOutcome.petition_id == petition.id)
    return list(
        db.session.scalars(
            query.order_by(PetitionOutcome.created_at.desc(), PetitionOutcome.id.desc())
        )
    )


def signers_to_tell(petition: Petition) -> int:
    """How many of the petition's signers an outcome's email would reach now."""
    return db.session.scalar(
        select(func.count())
        .select_from(Signature)
        .where(Signature.petition_id == petition.id, signer_reachable())
    )


def shown_outcomes(petition: Petition) -> list[Localised]:
    """The outcomes as this page's language shows them."""
    outcomes = outcomes_of(petition)
    return in_page_language_all(outcomes) if outcomes else []


def fingerprint(outcomes: list[Localised]) -> str:
    """The shown outcomes in a few characters, for the page's validator: a translation saved
    later changes the page without changing the petition."""
    if not outcomes:
        return "none"
    words = "\0".join(
        f"{each.id}:{each.kind}:{each.language}:{each.text_html}" for each in outcomes
    )
    return hashlib.blake2b(words.encode(), digest_size=8).hexdigest()
