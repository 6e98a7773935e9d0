"""No hostile request gets a 500: the whole URL map, walked with what an attacker would send.

Every route gets NUL bytes, other control characters, overlong text and numbers no column can
hold: in each of its path parts (the others real), in every query name a view or form reads,
and in every field of every form the site's pages show (the other fields filled in as a person
would). On whichever database the suite runs on, SQLite or PostgreSQL.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from wtforms import Form as WTForm

from campaign.accounts.factors import totp
from campaign.accounts.models import Role, User
from campaign.content.models import LearnMoreLink
from campaign.db import utcnow
from campaign.donations.models import DonationStatus, Interval
from campaign.donations.receipts import manage_url
from campaign.extensions import limiter
from campaign.form_fields import Form
from campaign.images.library import add_image
from campaign.input_guard import MAX_ID
from campaign.mailer.compose import queue_email
from campaign.mailer.emails import transport_check
from campaign.outcomes.models import OutcomeKind
from campaign.outcomes.telling import record_outcome
from campaign.people.links import your_data_url
from campaign.petitions.signing import confirm_url as signature_confirm_url
from campaign.subscribers.subscriptions import confirm_url, unsubscribe_url
from campaign.updates.links import stop_news_links
from campaign.updates.models import UpdateStatus, UpdateTranslation
from tests.factories.accounts import make_user
from tests.factories.content import make_campaign, make_explainer
from tests.factories.donations import make_appeal, make_donation
from tests.factories.petitions import make_petition, make_signature
from tests.factories.subscribers import make_subscriber
from tests.factories.updates import make_update
from tests.images.uploads import png
from tests.odd_values import HOSTILE_FEW
from tests.page_forms import PageForm, forms_on

CONTROL_TEXT = ["\x00", "a\x00b", "\x01\x08\x0b\x1b[2J", "\x7f", "line\r\nbreak"]
ODD_TEXT = ["x" * 5000, "\u202e\u0000", "%", "' OR '1'='1", "<script>", "é" * 300]
HUGE_NUMBERS = [str(MAX_ID + 1), "99999999999999999999", "-99999999999999999999", "1e400"]
ODD_NUMBERS = ["0", "-1", "١٢٣", "\uff11\uff12", "9" * 5000, "NaN"]
HOSTILE = CONTROL_TEXT + ODD_TEXT + HUGE_NUMBERS + ODD_NUMBERS

# Query names views read directly, beside the fields of every GET form (added below).
QUERY_NAMES = [
    "q", "email", "status", "page", "next", "source", "utm_source", "utm_campaign",
    "session_id", "amount", "interval", "cancelled", "appeal", "petition", "campaign", "id",
    "token", "lang", "country", "since", "until", "format",
]  # fmt: skip

# What a person would type into a field the page leaves empty.
TYPED = {
    "name": "Ada Lovelace",
    "email": "walker@example.org",
    "country": "GB",
    "postcode": "N1 9GU",
    "comment": "Because it matters.",
    "title": "A title",
    "slug": "a-fresh-slug",
    "subject": "A subject",
    "body": "Some **words**.",
    "summary": "A summary.",
    "target": "The people in charge",
    "goal": "1000",
    "amount": "25",
    "other_amount": "12.50",
    "link_title": "A link",
    "link_url": "https://example.org/report",
    "url": "https://example.org/",
    "language": "en",
    "currency": "gbp",
    "preset_amounts": "10, 25, 50",
    "minimum_amount": "1",
    "maximum_amount": "1000",
    "to": "walker@example.org",
    "recipient": "walker@example.org",
}


@dataclass
class World:
    """One row of every kind a route can name, and the values each path part takes."""

    values: dict[tuple[str, str], str]
    organiser: User


def _path_values(app: Flask, world: dict) -> dict[tuple[str, str], str]:
    """(endpoint, argument) → a real value, for every argument of every rule."""
    by_name = {
        "campaign_id": world["campaign"].id,
        "explainer_id": world["explainer"].id,
        "link_id": world["link"].id,
        "user_id": world["other_user"].id,
        "factor_id": world["factor"].id,
        "appeal_id": world["appeal"].id,
        "donation_id": world["donation"].id,
        "message_id": world["message"].id,
        "petition_id": world["petition"].id,
        "signature_id": world["signature"].id,
        "update_id": world["update"].id,
        "translation_id": world["translation"].id,
        "outcome_id": world["outcome"].id,
        "kind_name": "petition",
        "record_id": world["petition"].id,
        "language": "ug",
        "filename": "style.css",
        "session_id": world["pending_donation"].checkout_session_id,
        "image_id": world["image"].id,
        "name": world["image"].largest,
        "colour": "8a1c1c",
        "kind": "petition",
    }
    slugs = {
        "content.campaign_hub": world["campaign"].slug,
        "content.explainer": world["explainer"].slug,
        "updates.update_page": world["published_update"].slug,
        "cards.card": world["petition"].slug,
    }
    tokens = {
        "audience.confirm": world["confirm_token"],
        "audience.unsubscribe": world["unsubscribe_token"],
        "petitions.confirm_signature": world["signature_token"],
        "petitions.stop_news": world["stop_news_token"],
        "donations.manage": world["manage_token"],
        **{
            f"people.{page}": world["your_data_token"]
            for page in ("your_data", "held", "download", "erase")
        },
    }
    values = {}
    for rule in app.url_map.iter_rules():
        for argument in rule.arguments:
            key = (rule.endpoint, argument)
            if argument == "slug":
                prefix = rule.endpoint.split(".")[0]
                default = {"petitions": world["petition"].slug, "donations": world["appeal"].slug}
                value = slugs.get(rule.endpoint, default.get(prefix))
            elif argument == "token":
                value = tokens.get(rule.endpoint)
            else:
                value = by_name.get(argument)
            if value is not None:
                values[key] = str(value)
    return values


@pytest.fixture
def world(app, session) -> World:
    campaign = make_campaign()
    explainer = make_explainer(campaign)
    link = LearnMoreLink(
        explainer=explainer, title="A report", url="https://example.org/", position=1
    )
    session.add(link)
    petition = make_petition(campaign)
    signature = make_signature(petition, comment="I care.")
    pending = make_signature(petition, confirmed=False)
    outcome = record_outcome(petition, OutcomeKind.RESPONSE, "They answered.")
    appeal = make_appeal(campaign)
    donation = make_donation(
        appeal,
        interval=Interval.MONTH,
        status=DonationStatus.PAID,
        donor_email="donor@example.org",
        subscription_id="sub_walker",
        customer_id="cus_walker",
        subscription_status="active",
    )
    pending_donation = make_donation(appeal)
    subscriber = make_subscriber(email="reader@example.org")
    update = make_update()
    translation = UpdateTranslation(language="ug", subject="A subject", body="Some words.")
    update.translations.append(translation)
    published_update = make_update(
        status=UpdateStatus.SENT, publish_on_site=True, published_at=utcnow()
    )
    message = queue_email(
        "transport_check", "reader@example.org", transport_check("walker@example.org"), None
    )
    organiser = make_user(role=Role.ADMIN, email="walker-admin@example.org")
    other_user = make_user()
    factor = totp.new_factor(organiser)  # being set up: its page shows the QR code
    image = add_image(png(), "A picture")
    session.flush()
    found = {
        "campaign": campaign,
        "explainer": explainer,
        "link": link,
        "petition": petition,
        "signature": signature,
        "outcome": outcome,
        "appeal": appeal,
        "donation": donation,
        "pending_donation": pending_donation,
        "update": update,
        "translation": translation,
        "published_update": published_update,
        "message": message,
        "other_user": other_user,
        "factor": factor,
        "image": image,
        "confirm_token": confirm_url(subscriber).rsplit("/", 1)[1],
        "unsubscribe_token": unsubscribe_url(subscriber).rsplit("/", 1)[1],
        "signature_token": signature_confirm_url(pending).rsplit("/", 1)[1],
        "stop_news_token": stop_news_links()(signature).rsplit("/", 1)[1],
        "manage_token": manage_url(donation).rsplit("/", 1)[1],
        "your_data_token": your_data_url("reader@example.org").rsplit("/", 1)[1],
    }
    return World(values=_path_values(app, found), organiser=organiser)


@pytest.fixture
def walker(client, auth, world) -> Iterator:
    """The client signed in as an admin, with rate limits off so every request reaches its view."""
    auth.sign_in(world.organiser)
    limiter.enabled = False
    try:
        yield client
    finally:
        limiter.enabled = True


def _rules(app: Flask):
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        yield rule, sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})


def _url(rule, values: dict[str, str]) -> str:
    """The rule's path with each part replaced by its value, percent-encoded, unchecked."""
    path = rule.rule
    for argument in rule.arguments:
        part = re.compile(rf"<(?:\w+(?:\([^)]*\))?:)?{argument}>")
        path = part.sub(quote(values[argument], safe=""), path)  # quoted: no backslash
    return path


def _every_form(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _every_form(sub)


def _send(client, method: str, url: str, **kwargs):
    # Same-origin, as our own pages' forms are: public forms then go past their origin check.
    response = client.open(url, method=method, headers={"Sec-Fetch-Site": "same-origin"}, **kwargs)
    response.get_data()  # a streamed body runs only as it is read
    response.close()  # a file sent as it is (the site icon) is closed only then
    return response


def test_every_path_part_of_every_route_has_a_real_value(app, world):
    """A new route whose path parts the walk cannot fill must be added to it, not skipped."""
    missing = [
        f"{rule.endpoint}: <{argument}>"
        for rule, _methods in _rules(app)
        for argument in rule.arguments
        if (rule.endpoint, argument) not in world.values
    ]

    assert missing == []


def test_hostile_path_parts_never_give_a_500(app, walker, world):
    failures = []
    for rule, methods in _rules(app):
        if rule.endpoint == "accounts.logout":
            continue  # it would end the walk's session
        real = {argument: world.values[(rule.endpoint, argument)] for argument in rule.arguments}
        for argument in rule.arguments:
            for value in HOSTILE:
                url = _url(rule, real | {argument: value})
                for method in methods:
                    response = _send(walker, method, url)
                    if response.status_code >= 500:
                        failures.append(f"{method} {url[:120]} → {response.status_code}")

    assert not failures, "\n".join(failures)


def _query_names() -> list[str]:
    fields = {
        name
        for form in _every_form(Form)
        for name in dir(form)
        if not name.startswith("_") and hasattr(getattr(form, name), "field_class")
    }
    return sorted(set(QUERY_NAMES) | fields)


def test_hostile_query_values_never_give_a_500(app, walker, world):
    names = _query_names()
    failures = []
    for rule, methods in _rules(app):
        if "GET" not in methods:
            continue
        url = _url(rule, {a: world.values[(rule.endpoint, a)] for a in rule.arguments})
        for value in HOSTILE_FEW:
            query = urlencode({name: value for name in names})
            response = _send(walker, "GET", f"{url}?{query}")
            if response.status_code >= 500:
                failures.append(f"GET {url}?…={value[:20]!r} → {response.status_code}")

    assert not failures, "\n".join(failures)


def test_control_characters_in_a_path_are_a_404_in_the_site_layout(client, world):
    response = client.get(f"/petitions/{quote(chr(0))}")

    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "There is no page at this address." in page
    assert '<link rel="stylesheet"' in page


@pytest.mark.parametrize("query", ["q=%00", "email=a%00b", "page=%1b", "%00=x"])
def test_control_characters_in_a_query_are_a_400_with_a_reason(client, world, query):
    response = client.get(f"/admin/subscribers/?{query}")

    assert response.status_code == 400
    assert "control characters" in response.get_data(as_text=True)


@pytest.mark.parametrize("number", [str(MAX_ID + 1), "99999999999999999999"])
def test_an_id_no_column_can_hold_is_a_404(walker, number):
    assert walker.get(f"/admin/mail/{number}").status_code == 404
    assert walker.get(f"/admin/users/{number}").status_code == 404


def _crawl_forms(client, app: Flask, world: World) -> list[PageForm]:
    """Every distinct form on every page the walk can open."""
    forms: dict[tuple[str, str], PageForm] = {}
    for rule, methods in _rules(app):
        if "GET" not in methods or rule.endpoint == "static":
            continue
        url = _url(rule, {a: world.values[(rule.endpoint, a)] for a in rule.arguments})
        response = _send(client, "GET", url)
        if response.status_code != 200 or "html" not in response.content_type:
            continue
        for form in forms_on(url, response.get_data(as_text=True)):
            forms.setdefault((form.method, form.action.split("?")[0]), form)
    return list(forms.values())


def _filled(form: PageForm) -> dict[str, str]:
    return {
        name: value or TYPED.get(name, "")
        for name, value in form.fields.items()
        if name != "website"  # the honeypot: a filled one ends the sign-up before any check
    }


@pytest.mark.parametrize("signed_in", [False, True], ids=["public", "console"])
def test_hostile_form_fields_never_give_a_500(app, client, auth, world, signed_in):
    if signed_in:
        auth.sign_in(world.organiser)
    limiter.enabled = False
    try:
        forms = [
            form for form in _crawl_forms(client, app, world) if form.action != "/admin/logout"
        ]
        assert len(forms) > (40 if signed_in else 3), "the crawl found too few forms"
        failures = []
        for form in forms:
            base = _filled(form)
            # Hostile first: sent as shown, many forms change what the page offers next.
            variants = [
                ({field: value}, f"{field}={value[:20]!r}")
                for field in base
                if field != "csrf_token"
                for value in HOSTILE_FEW
            ] + [({}, "as shown")]
            for change, described in variants:
                for button, pressed in form.buttons or [(None, None)]:
                    data = base | change | ({button: pressed} if button else {})
                    response = _send(client, form.method, form.action, data=data)
                    if response.status_code >= 500:
                        failures.append(f"{form.method} {form.action} {described} → 500")
        if signed_in:
            assert client.get("/admin/").status_code == 200, "the walk lost its session"
    finally:
        limiter.enabled = True

    assert not failures, "\n".join(failures)


def test_every_form_of_the_site_refuses_control_characters(app):
    """Every form class stands on `Form`, the one place where control characters are refused."""
    strays = [
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in _every_form(WTForm)
        if cls.__module__.startswith("campaign.") and not issubclass(cls, Form)
    ]

    assert strays == []
