"""The emails a signer gets: each returns its template's context."""

from campaign.petitions.models import Petition
from campaign.templating import site_url_for


def _common(petition: Petition, language: str) -> dict:
    # No name typed into the form goes into the email: the form must not be a way to send
    # someone else's words to a stranger's inbox.
    return {
        "petition_title": petition.title,
        "petition_target": petition.target,
        "petition_url": site_url_for("petitions.petition", slug=petition.slug),
        "language": language,
    }


def confirm_signature(petition: Petition, language: str, confirm_url: str) -> dict:
    """The link that makes a signature count."""
    return _common(petition, language) | {"confirm_url": confirm_url}


def already_signed(petition: Petition, language: str) -> dict:
    """Someone used this address to sign again: tell the owner it already counts."""
    return _common(petition, language)
