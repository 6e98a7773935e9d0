"""The emails a signer gets: each returns its template's context."""

from campaign.petitions.models import Signature
from campaign.templating import site_url_for


def _common(signature: Signature, language: str) -> dict:
    # No name typed into the form goes into the email: the form must not be a way to send
    # someone else's words to a stranger's inbox.
    petition = signature.petition
    return {
        "petition_title": petition.title,
        "petition_target": petition.target,
        "petition_url": site_url_for("petitions.petition", slug=petition.slug),
        "language": language,
    }


def confirm_signature(signature: Signature, language: str) -> dict:
    """The link that makes a signature count."""
    from campaign.petitions.signing import confirm_url

    return _common(signature, language) | {"confirm_url": confirm_url(signature)}


def already_signed(signature: Signature, language: str) -> dict:
    """Someone used this address to sign again: tell the owner it already counts."""
    return _common(signature, language)
