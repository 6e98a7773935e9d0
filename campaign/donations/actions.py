"""A campaign's open appeals, offered at the end of its pages."""

from flask import Flask, url_for
from flask_babel import gettext as _

from campaign.content.calls_to_action import CallToAction
from campaign.content.models import Campaign
from campaign.donations.queries import open_appeals
from campaign.i18n.translating import in_page_language_all


def give(app: Flask, campaign: Campaign) -> list[CallToAction]:
    """A "give" box for each open appeal of the campaign."""
    return [
        CallToAction(
            kind="give",
            heading=appeal.title,
            text=_("Give once or every month.")
            if appeal.allow_monthly and not appeal.external_url
            else _("Give through our partner.")
            if appeal.external_url
            else _("Give to the campaign."),
            url=url_for("donations.appeal", slug=appeal.slug),
            label=_("Donate"),
            language=appeal.language,
        )
        for appeal in in_page_language_all(open_appeals(campaign))
    ]
