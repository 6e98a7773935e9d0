"""The markup of pages, checked where the Nu HTML checker and keyboard users found faults: every
console page, reached by following the console's own links over a site with some of everything."""

import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest

from campaign.content.publishing import add_link
from campaign.db import utcnow
from campaign.extensions import db
from campaign.mailer.compose import queue_email
from campaign.updates.models import Delivery, DeliveryStatus, UpdateStatus
from tests.factories.content import make_explainer
from tests.factories.donations import make_appeal, make_donation
from tests.factories.petitions import make_petition, make_signature
from tests.factories.subscribers import make_subscriber
from tests.factories.updates import make_update
from tests.helpers import csrf_token, post_form

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
# Elements that may hold only phrasing content, so never a <form>.
PHRASING_ONLY = {"a", "b", "button", "em", "i", "label", "p", "small", "span", "strong"}
# HTML's valid date, or date and time (seconds with at most three decimals, then a zone).
MACHINE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
# A moment with microseconds, as Python writes it unless told otherwise.
WITH_MICROSECONDS = datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)


@dataclass
class Element:
    tag: str
    attributes: dict[str, str]
    parent: "Element | None"
    text: str = ""


@dataclass
class Faults:
    """What the page does wrong, one sentence a fault."""

    found: list[str] = field(default_factory=list)
    regions: set[str] = field(default_factory=set)  # the names of the tables' scroll regions


class StructureReader(HTMLParser):
    """Walks a page keeping its open elements, and notes each fault these tests look for."""

    def __init__(self) -> None:
        super().__init__()
        self.open: Element | None = None
        self.faults = Faults()
        self.times: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = {name: value or "" for name, value in attrs}
        element = Element(tag, attributes, self.open)
        self._check(element)
        if tag not in VOID:
            self.open = element

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self._check(Element(tag, {name: value or "" for name, value in attrs}, self.open))

    def handle_data(self, data: str) -> None:
        element = self.open
        while element is not None:
            element.text += data
            element = element.parent

    def handle_endtag(self, tag: str) -> None:
        element = self.open
        while element is not None and element.tag != tag:
            element = element.parent
        if element is None:
            return
        if tag == "th" and not element.text.strip() and not element.attributes.get("aria-label"):
            self.faults.found.append("a <th> without text")
        self.open = element.parent

    def _check(self, element: Element) -> None:
        tag, attributes = element.tag, element.attributes
        if tag == "form":
            holder = _ancestor(element, PHRASING_ONLY)
            if holder is not None:
                self.faults.found.append(f"a <form> inside a <{holder.tag}>")
        elif tag == "time" and "datetime" in attributes:
            self.times.append(attributes["datetime"])
            if not MACHINE_TIME.fullmatch(attributes["datetime"]):
                self.faults.found.append(f"<time datetime={attributes['datetime']!r}>")
        elif tag == "iframe" and not attributes.get("width", "0").isdigit():
            self.faults.found.append(f"<iframe width={attributes['width']!r}>")
        elif tag == "table":
            region = element.parent or Element("", {}, None)
            name = region.attributes.get("aria-label", "").strip()
            focusable = region.attributes.get("tabindex") == "0"
            if region.tag == "div" and region.attributes.get("role") == "region" and focusable:
                self.faults.regions.add(name)
            if not (name and focusable):
                self.faults.found.append("a <table> outside a named, focusable scroll region")


def _ancestor(element: Element, tags: set[str]) -> Element | None:
    parent = element.parent
    while parent is not None and parent.tag not in tags:
        parent = parent.parent
    return parent


def read(html: str) -> StructureReader:
    reader = StructureReader()
    reader.feed(html)
    return reader


@pytest.fixture
def everything(session):
    """A site with a row behind every console table: links, signatures, gifts, deliveries…"""
    explainer = make_explainer()
    add_link(explainer, "ICIJ: the China Cables", "https://www.icij.org/investigations/")
    add_link(explainer, "Amnesty International", "https://www.amnesty.org/")
    petition = make_petition(explainer.campaign, closes_at=WITH_MICROSECONDS + timedelta(days=3650))
    make_signature(petition, comment="Because nobody should vanish.", source="newsletter")
    appeal = make_appeal(explainer.campaign)
    make_donation(appeal, status="paid", donor_name="A donor", paid_at=utcnow())
    subscribers = [make_subscriber() for _ in range(3)]
    queue_email("transport_check", "organiser@example.org", {})
    update = make_update(status=UpdateStatus.SENT, started_at=WITH_MICROSECONDS)
    update.finished_at = WITH_MICROSECONDS + timedelta(minutes=1)
    outcomes = [DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.UNCERTAIN]
    for subscriber, status in zip(subscribers, outcomes, strict=True):
        db.session.add(Delivery(update_id=update.id, subscriber_id=subscriber.id, status=status))
    make_update(
        slug="later",
        status=UpdateStatus.SCHEDULED,
        scheduled_at=WITH_MICROSECONDS.replace(year=2099),
    )
    db.session.commit()
    return {"explainer": explainer, "petition": petition, "update": update}


EVERY_CONSOLE_TABLE = {
    *("Campaigns", "Explainers", "Organiser accounts", "Your sessions", "Messages"),
    *("Subscribers by status", "Subscribers", "Refused"),
    *("Petitions", "Comments", "Signatures", "Signatures to invalidate"),
    *("Confirmations per day", "Signatures by country", "Signatures per day"),
    *("By the source link parameter", "By utm_source"),
    *("Updates", "Versions", "Deliveries by status", "Uncertain deliveries", "Failed deliveries"),
    *("Appeals", "Totals per currency", "Paid by day", "Donations"),
    "Audit entries",
}
SKIPPED = re.compile(r"/admin/logout|export|\.csv$|\.eml$|\.json$|/html$|\.html$")


def console_pages(client) -> dict[str, str]:
    """Every console page a GET reaches from the dashboard's links, by path."""
    pages: dict[str, str] = {}
    waiting = ["/admin/"]
    while waiting and len(pages) < 200:
        path = waiting.pop()
        if path in pages:
            continue
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 200, path
        pages[path] = html = response.get_data(as_text=True)
        for link in re.findall(r'href="(/admin/[^"#?]*)', html):
            if link not in pages and not SKIPPED.search(link):
                waiting.append(link)
    return pages


def test_console_pages_have_none_of_the_faults_found(client, admin, everything):
    pages = console_pages(client)
    petition = everything["petition"]
    # Pages that only a post shows: an import report, an invalidation preview.
    upload = {
        "csrf_token": csrf_token(client, "/admin/subscribers/import"),
        "file": (io.BytesIO(b"email,consent\nana@example.org,yes\nben@example.org,no\n"), "a.csv"),
    }
    posted = {
        "import report": client.post("/admin/subscribers/import", data=upload),
        "invalidation preview": post_form(
            client,
            f"/admin/petitions/{petition.id}/invalidate",
            {"source": "newsletter", "preview": "Preview"},
        ),
    }
    pages |= {name: response.get_data(as_text=True) for name, response in posted.items()}

    faults = {path: read(html).faults for path, html in pages.items()}

    for expected in ["/admin/subscribers/", "/admin/donations/", "/admin/users"]:
        assert expected in pages
    assert f"/admin/petitions/{petition.id}/signatures" in pages
    assert f"/admin/updates/{everything['update'].id}" in pages  # its progress, once sent
    assert set().union(*(each.regions for each in faults.values())) == EVERY_CONSOLE_TABLE
    assert {path: each.found for path, each in faults.items() if each.found} == {}


def test_learn_more_buttons_are_not_inside_an_inline_element(client, admin, everything):
    page = client.get(f"/admin/explainers/{everything['explainer'].id}/edit")

    html = page.get_data(as_text=True)
    assert html.count("Move down: link") == 1 and html.count("Remove link") == 2
    assert read(html).faults.found == []


def test_times_are_written_to_the_second(client, admin, everything):
    petition, update = everything["petition"], everything["update"]

    pages = [
        client.get(f"/admin/updates/{update.id}/progress"),
        client.get("/admin/petitions/"),
        client.get(f"/petitions/{petition.slug}"),
    ]

    for page in pages:
        reader = read(page.get_data(as_text=True))
        assert reader.times, page.request.path
        assert reader.faults.found == []
    assert "2026-03-04T05:06:07+00:00" in read(pages[0].get_data(as_text=True)).times


def test_the_site_icon_is_served_long_and_linked_from_every_page(client, session):
    with client.get("/favicon.ico") as icon:
        body = icon.get_data()
    with client.get("/favicon.ico", headers={"If-None-Match": icon.headers["ETag"]}) as again:
        pass

    assert icon.status_code == 200
    assert icon.content_type == "image/vnd.microsoft.icon"
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
    assert icon.cache_control.max_age >= 7 * 24 * 3600
    assert again.status_code == 304
    for page in ["/", "/admin/login"]:
        assert '<link rel="icon" href="/favicon.ico"' in client.get(page).get_data(as_text=True)
