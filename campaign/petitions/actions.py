"""A campaign's open petitions, offered at the end of its pages."""

from flask import Flask

from campaign.content.calls_to_action import CallToAction
from campaign.content.models import Campaign
from campaign.petitions.queries import open_petitions
from campaign.templating import site_url_for


def sign_petitions(app: Flask, campaign: Campaign) -> list[CallToAction]:
    """A "sign" box for each open petition of the campaign."""
    return [
        CallToAction(
            kind="sign",
            heading=petition.title,
            text=f"Addressed to {petition.target}.",
            url=site_url_for("petitions.petition", slug=petition.slug),
            label="Sign the petition",
        )
        for petition in open_petitions(campaign)
    ]
