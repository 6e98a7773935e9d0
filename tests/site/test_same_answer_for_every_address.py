"""Hostile sign-ups and subscriptions get the same answer whoever the address belongs to.

A prober who sends the same odd post twice, once with an address that signed (or subscribed)
and once with one that never did, must not be able to tell them apart: same status, same
headers, same body byte for byte once form tokens are set aside.
"""

import itertools
import re

import pytest

from campaign.extensions import limiter
from tests.factories.petitions import make_petition, make_signature
from tests.factories.subscribers import make_subscriber
from tests.odd_values import HOSTILE_FEW

HOSTILE = [*HOSTILE_FEW, "line\r\nbreak", "\u202e", "", " "]
KNOWN = "known@example.org"
_fresh = itertools.count(1)
_TOKEN = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+(")')
# Headers that differ between any two responses, whoever asks; the length follows the address
# echoed in the form, and the bodies are compared anyway.
_VARYING_HEADERS = {"Date", "Set-Cookie", "Content-Length"}

SIGN_FIELDS = {
    "name": "Ada Lovelace",
    "country": "GB",
    "postcode": "N1 9GU",
    "comment": "Because it matters.",
    "show_name": "y",
    "subscribe": "y",
    "source": "newsletter",
    "utm_source": "mastodon",
    "utm_medium": "social",
    "utm_campaign": "launch",
    "utm_term": "cables",
    "utm_content": "post",
}
SUBSCRIBE_FIELDS = {"name": "Ada Lovelace", "campaign": "", "language": "en"}


@pytest.fixture
def unlimited(client):
    """Rate limits off: the two posts of a pair must both reach the view."""
    limiter.enabled = False
    yield client
    limiter.enabled = True


def _answer(response, address: str) -> tuple:
    body = response.get_data(as_text=True).replace(address, "ADDRESS")
    headers = tuple(
        sorted((name, value) for name, value in response.headers if name not in _VARYING_HEADERS)
    )
    return response.status_code, headers, _TOKEN.sub(r"\1TOKEN\2", body)


def _post(client, url: str, data: dict, address: str) -> tuple:
    response = client.post(
        url, data=data | {"email": address}, headers={"Sec-Fetch-Site": "same-origin"}
    )
    return _answer(response, address)


def _pair(client, url: str, data: dict) -> tuple[tuple, tuple]:
    """The answers to `data` from a known address and from one never seen before."""
    stranger = f"stranger{next(_fresh)}@example.org"
    return _post(client, url, data, KNOWN), _post(client, url, data, stranger)


def _variants(fields: dict) -> list[tuple[str, dict]]:
    cases = [("as typed", fields)]
    for name in fields:
        cases += [(f"{name}={value[:12]!r}", fields | {name: value}) for value in HOSTILE]
        cases.append((f"without {name}", {k: v for k, v in fields.items() if k != name}))
    return cases


@pytest.mark.parametrize(
    ("known_state", "asks_postcode"),
    [("pending", False), ("confirmed", True)],
    ids=["pending-signer", "confirmed-signer-postcode-asked"],
)
def test_a_hostile_sign_up_gets_the_same_answer_for_a_signer_and_a_stranger(
    unlimited, session, known_state, asks_postcode
):
    petition = make_petition(ask_postcode=asks_postcode)
    make_signature(petition, confirmed=known_state == "confirmed", email=KNOWN)
    url = f"/petitions/{petition.slug}/sign"

    differing = [
        described
        for described, data in _variants(SIGN_FIELDS)
        if len(set(_pair(unlimited, url, data))) != 1
    ]

    assert differing == []


@pytest.mark.parametrize("known_state", ["pending", "active", "unsubscribed"])
def test_a_hostile_subscription_gets_the_same_answer_for_a_subscriber_and_a_stranger(
    unlimited, session, known_state
):
    make_subscriber(status=known_state, email=KNOWN)

    differing = [
        described
        for described, data in _variants(SUBSCRIBE_FIELDS)
        if len(set(_pair(unlimited, "/subscribe", data))) != 1
    ]

    assert differing == []


def test_the_comparison_can_tell_two_different_answers_apart(unlimited, session):
    """The check above is not blind: a post that differs only in its validity is told apart."""
    petition = make_petition()
    url = f"/petitions/{petition.slug}/sign"

    good = _post(unlimited, url, SIGN_FIELDS, "a@example.org")
    bad = _post(unlimited, url, SIGN_FIELDS, "not an address")

    assert good != bad
