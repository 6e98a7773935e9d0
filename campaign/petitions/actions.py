"""A campaign's open petitions, offered at the end of its pages."""

from flask import Flask, url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from campaign.content.calls_to_action import CallToAction
from campaign.content.models import Campaign
from campaign.i18n.site import other_language
from campaign.i18n.translating import in_page_language_all
from campaign.petitions.queries import field_languages, open_petitions


def sign_petitions(app: Flask, campaign: Campaign) -> list[CallToAction]:
    """A "sign" box for each open petition of the campaign, in the page's language where the
    organisers translated it."""
    actions = []
    for shown in in_page_language_all(open_petitions(campaign)):
        words_in = field_languages(shown)
        # The organisers' words sit isolated inside our sentence, marked with their language.
        target = Markup("<bdi{}>{}</bdi>").format(other_language(words_in["target"]), shown.target)
        actions.append(
            CallToAction(
                kind="sign",
                heading=shown.title,
                text=escape(_("Addressed to %(target)s.")) % {"target": target},
                url=url_for("petitions.petition", slug=shown.slug),
                label=_("Sign the petition"),
                language=words_in["title"],
            )
        )
    return actions
