"""An update as bulk messages: rendered once per version and language, personalised by
markers per recipient.

The name, the unsubscribe link and the "Your data" link differ per person; everything else
is rendered once per sending run for each language its readers read (`Letters`), so a batch
of a thousand costs no template render and one provider request for each version in it.
"""

import html
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Protocol
from urllib.parse import urlsplit

from flask import current_app

from campaign.extensions import db
from campaign.i18n.languages import same_language
from campaign.i18n.site import default_language
from campaign.mailer.compose import render_email, unsubscribe_headers
from campaign.mailer.transports import BulkMessage, Recipient
from campaign.people.links import YourDataLinks
from campaign.petitions.models import Petition
from campaign.templating import site_url_for
from campaign.updates.links import SignedLinks, stop_news_links, unsubscribe_links
from campaign.updates.models import AudienceKind, Update, version_for

NAME_TEXT = "[%name%]"
NAME_HTML = "[%name_html%]"
UNSUBSCRIBE = "[%unsubscribe_url%]"
YOUR_DATA = "[%your_data_url%]"


def list_id(update: Update) -> str:
    """RFC 2919 List-Id: one list per campaign (or the whole site)."""
    host = urlsplit(current_app.config["SITE_URL"]).hostname or "localhost"
    if update.campaign is not None:
        return f"{update.campaign.title} <{update.campaign.slug}.updates.{host}>"
    return f"{current_app.config['SITE_NAME']} <updates.{host}>"


@dataclass(frozen=True)
class Text:
    """One version of an update as read when sending began: it no longer changes."""

    language: str
    subject: str
    preheader: str
    body: str
    body_html: str


class Person(Protocol):
    """A subscriber row or object: what an update needs of a recipient."""

    id: int
    email: str
    name: str
    language: str | None


# Compared by identity: each is rendered once, and batches are grouped by the one they get.
@dataclass(frozen=True, eq=False)
class Letter:
    """An update rendered for every reader of one language: a bulk message without them."""

    message: BulkMessage
    language: str  # what its words are in; its links lead to pages in it
    to_signers: bool = False  # people are signatures: their link stops the petition's news

    def to(self, people: Iterable[tuple[int, Person]]) -> BulkMessage:
        """The batch for these (delivery id, person) pairs."""
        links = (stop_news_links if self.to_signers else unsubscribe_links)(self.language)
        data_links = YourDataLinks(self.language)
        return replace(
            self.message,
            recipients=[
                recipient(delivery_id, person, links, data_links) for delivery_id, person in people
            ],
        )


class Letters:
    """An update's versions, each rendered once for each language its readers read.

    The versions and what the email links to are read from the database once, when this is
    made; rendering and choosing a reader's letter read nothing more, so a batch of a thousand
    costs no query per person and at most one render per language in it.
    """

    def __init__(self, update: Update) -> None:
        self._versions = [
            Text(each.language, each.subject, each.preheader, each.body, each.body_html)
            for each in update.versions()
        ]
        cta = update.cta_petition
        self._cta_slug = cta.slug if cta else None
        self._page_slug = update.slug if update.publish_on_site else None
        # An outcome told to a petition's signers: its own email, about the petition they
        # signed, whose link stops that petition's news rather than unsubscribing.
        self._to_signers = update.audience_kind == AudienceKind.SIGNERS
        signed = (
            db.session.get(Petition, update.audience_petition_id or 0) if self._to_signers else None
        )
        self._signed_slug = signed.slug if signed else None
        self._headers = {"List-Id": list_id(update)}
        self._rendered: dict[tuple[Text, str], Letter] = {}
        self._by_reader: dict[str | None, Letter] = {}

    def for_reader(self, language: str | None) -> Letter:
        """The letter for a reader of `language`: their version (else the original), with
        the rest of the email in their language (else the site's)."""
        letter = self._by_reader.get(language)
        if letter is None:
            reading = reading_language(language)
            version = version_for(self._versions, language or reading)
            letter = self._rendered.get((version, reading))
            if letter is None:
                letter = self._rendered[(version, reading)] = self._render(version, reading)
            self._by_reader[language] = letter
        return letter

    def split(
        self, people: Iterable[tuple[int, Person]]
    ) -> list[tuple[BulkMessage, list[tuple[int, Person]]]]:
        """One bulk message for each letter these people get, with the people it is for."""
        groups: dict[Letter, list[tuple[int, Person]]] = {}
        for delivery_id, person in people:
            groups.setdefault(self.for_reader(person.language), []).append((delivery_id, person))
        return [(letter.to(group), group) for letter, group in groups.items()]

    def _render(self, version: Text, language: str) -> Letter:
        context = {
            "subject": version.subject,
            "preheader": version.preheader,
            "body_text": version.body,
            "body_html": version.body_html,
            "content_language": version.language,
            "name_marker": NAME_TEXT,
            "name_marker_html": NAME_HTML,
            "cta_url": self._link("petitions.petition", self._cta_slug, language),
            "web_url": self._link("updates.update_page", self._page_slug, language),
        }
        if self._to_signers:
            context["petition_url"] = self._link("petitions.petition", self._signed_slug, language)
            context["stop_url"] = UNSUBSCRIBE
        rendered = render_email(
            "petition_outcome" if self._to_signers else "update",
            context,
            unsubscribe_url=None if self._to_signers else UNSUBSCRIBE,
            language=language,
            your_data_url=YOUR_DATA,
        )
        # A name marker the organiser wrote into the subject or body gets the escaped name in
        # HTML.
        html_part = rendered.html.replace(NAME_TEXT, NAME_HTML)
        message = BulkMessage(
            sender=current_app.config["MAIL_FROM"],
            subject=rendered.subject,
            text=rendered.text,
            html=html_part,
            headers=dict(self._headers),
            recipients=[],
        )
        return Letter(message, language, self._to_signers)

    @staticmethod
    def _link(endpoint: str, slug: str | None, language: str) -> str | None:
        return site_url_for(endpoint, language=language, slug=slug) if slug else None


def reading_language(language: str | None) -> str:
    """The site's language closest to a reader's: the same tag, the same language, or else
    the default one."""
    shipped = current_app.config["LANGUAGES"]
    for tag in shipped:
        if language and tag.lower() == language.lower():
            return tag
    for tag in shipped:
        if language and same_language(tag, language):
            return tag
    return default_language()


def letter(update: Update, language: str | None = None) -> Letter:
    """The update as a reader of `language` (default: the original's) gets it."""
    return Letters(update).for_reader(language or update.language)


def recipient(
    delivery_id: int, person: Person, links: SignedLinks, data_links: YourDataLinks
) -> Recipient:
    """One person's markers (their name and two links), unsubscribe headers and our delivery
    id."""
    link = links(person)
    name = person.name.strip()
    return Recipient(
        to=person.email,
        substitutions={
            NAME_TEXT: f" {name}" if name else "",
            NAME_HTML: f" {html.escape(name)}" if name else "",
            UNSUBSCRIBE: link,
            YOUR_DATA: data_links(person.email),
        },
        headers=unsubscribe_headers(link),
        custom_args={"delivery_id": str(delivery_id)},
    )


def bulk_message(
    update: Update, people: list[tuple[int, Person]], language: str | None = None
) -> BulkMessage:
    """The batch for these (delivery id, person) pairs, in the version for readers of
    `language` (default: the original), rendered for them alone."""
    return letter(update, language).to(people)
