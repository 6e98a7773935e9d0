"""The emails a signer gets: each returns its template's context, in the signer's language."""

from campaign.i18n.translating import in_page_language
from campaign.petitions.models import Petition
from campaign.petitions.queries import field_languages
from campaign.templating import site_url_for


def _common(petition: Petition, language: str) -> dict:
    # No name typed into the form goes into the email: the form must not be a way to send
    # someone else's words to a stranger's inbox. The petition's words are the organisers'
    # translation into the email's language where they wrote one.
    shown = in_page_language(petition, language)
    words_in = field_languages(shown)
    return {
        "petition_title": shown.title,
        "petition_title_language": words_in["title"],
        "petition_target": shown.target,
        "petition_target_language": words_in["target"],
        "petition_url": site_url_for("petitions.petition", slug=petition.slug, language=language),
    }


def confirm_signature(petition: Petition, language: str, confirm_url: str) -> dict:
    """The link that makes a signature count."""
    return _common(petition, language) | {"confirm_url": confirm_url}


def already_signed(petition: Petition, language: str) -> dict:
    """Someone used this address to sign again: tell the owner it already counts."""
    return _common(petition, language)
