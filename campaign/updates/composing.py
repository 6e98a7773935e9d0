"""An update as one bulk message: rendered once, personalised by markers per recipient.

The name and the unsubscribe link differ per person; everything else is rendered once per
sending run (`Letter`), so a batch of a thousand costs no template render and one provider
request.
"""

import html
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Protocol
from urllib.parse import urlsplit

from flask import current_app

from campaign.mailer.compose import render_email, unsubscribe_headers
from campaign.mailer.transports import BulkMessage, Recipient
from campaign.templating import site_url_for
from campaign.updates.links import UnsubscribeLinks
from campaign.updates.models import Update

NAME_TEXT = "[%name%]"
NAME_HTML = "[%name_html%]"
UNSUBSCRIBE = "[%unsubscribe_url%]"


def list_id(update: Update) -> str:
    """RFC 2919 List-Id: one list per campaign (or the whole site)."""
    host = urlsplit(current_app.config["SITE_URL"]).hostname or "localhost"
    if update.campaign is not None:
        return f"{update.campaign.title} <{update.campaign.slug}.updates.{host}>"
    return f"{current_app.config['SITE_NAME']} <updates.{host}>"


def render_update(update: Update) -> tuple[str, str, str]:
    """Subject, text and HTML of an update with the per-person markers still in them."""
    cta = update.cta_petition
    rendered = render_email(
        "update",
        {
            "subject": update.subject,
            "preheader": update.preheader,
            "body_text": update.body,
            "body_html": update.body_html,
            "name_marker": NAME_TEXT,
            "name_marker_html": NAME_HTML,
            "cta_url": site_url_for("petitions.petition", slug=cta.slug) if cta else None,
            "cta_label": "Sign the petition" if cta else None,
            "web_url": site_url_for("updates.update_page", slug=update.slug)
            if update.publish_on_site
            else None,
        },
        unsubscribe_url=UNSUBSCRIBE,
    )
    # A name marker the organiser wrote into the subject or body gets the escaped name in HTML.
    html_part = rendered.html.replace(NAME_TEXT, NAME_HTML)
    return rendered.subject, rendered.text, html_part


class Person(Protocol):
    """A subscriber row or object: what an update needs of a recipient."""

    id: int
    email: str
    name: str


@dataclass(frozen=True)
class Letter:
    """An update rendered for every recipient at once: a bulk message still without them."""

    message: BulkMessage

    def to(self, people: Iterable[tuple[int, Person]]) -> BulkMessage:
        """The batch for these (delivery id, person) pairs."""
        links = UnsubscribeLinks()
        return replace(
            self.message,
            recipients=[recipient(delivery_id, person, links) for delivery_id, person in people],
        )


def letter(update: Update) -> Letter:
    """Render the update once, for as many batches as follow."""
    subject, text, body = render_update(update)
    return Letter(
        BulkMessage(
            sender=current_app.config["MAIL_FROM"],
            subject=subject,
            text=text,
            html=body,
            headers={"List-Id": list_id(update)},
            recipients=[],
        )
    )


def recipient(delivery_id: int, person: Person, links: UnsubscribeLinks) -> Recipient:
    """One person's markers, unsubscribe headers and our delivery id."""
    link = links(person)
    name = person.name.strip()
    return Recipient(
        to=person.email,
        substitutions={
            NAME_TEXT: f" {name}" if name else "",
            NAME_HTML: f" {html.escape(name)}" if name else "",
            UNSUBSCRIBE: link,
        },
        headers=unsubscribe_headers(link),
        custom_args={"delivery_id": str(delivery_id)},
    )


def bulk_message(update: Update, people: list[tuple[int, Person]]) -> BulkMessage:
    """The batch for these (delivery id, person) pairs, rendered for them alone."""
    return letter(update).to(people)
