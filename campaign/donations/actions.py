"""A campaign's open appeals, offered at the end of its pages."""

from flask import Flask

from campaign.content.calls_to_action import CallToAction
from campaign.content.models import Campaign
from campaign.donations.queries import open_appeals
from campaign.templating import site_url_for


def give(app: Flask, campaign: Campaign) -> list[CallToAction]:
    """A "give" box for each open appeal of the campaign."""
    return [
        CallToAction(
            kind="give",
            heading=appeal.title,
            text="Give once or every month."
            if appeal.allow_monthly and not appeal.external_url
            else "Give through our partner."
            if appeal.external_url
            else "Give to the campaign.",
            url=site_url_for("donations.appeal", slug=appeal.slug),
            label="Donate",
        )
        for appeal in open_appeals(campaign)
    ]
