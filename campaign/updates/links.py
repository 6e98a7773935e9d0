"""Unsubscribe links for a whole batch: the tokens `unsubscribe_url` makes, signed faster (and
the "stop emails about this petition" links an outcome's email carries, the same way).

An update carries one link per person, a hundred thousand of them for a large list. Building
each through `unsubscribe_url` derives the signing key, builds a serializer, tries to compress
a forty-byte payload and builds the URL from the route map again every time: most of the cost
of sending. Here that is done once per batch, and each link costs one HMAC of its own payload.
The token is the one `campaign.tokens` makes (same payload, salt, key and format), so
`subscriber_to_unsubscribe` reads it like any other; only the compression, which never
shortens so small a payload, is not tried.
"""

import hmac
import json
from collections.abc import Callable
from typing import Protocol

from itsdangerous import base64_encode, want_bytes
from itsdangerous.encoding import int_to_bytes

from campaign.petitions import news
from campaign.subscribers.subscriptions import UNSUBSCRIBE_PURPOSE, token_payload
from campaign.templating import site_url_for
from campaign.tokens import serializer_for

# URL-safe, so the route builds it unchanged and it can be cut out again.
_PLACEHOLDER = "0token0"
_compact = json.JSONEncoder(separators=(",", ":")).encode


class Addressee(Protocol):
    id: int
    email: str


class SignedLinks:
    """Makes one purpose's link for each person of a batch, each leading to `endpoint` in
    `language` (default: the one being rendered in), its token carrying `payload(person)`."""

    def __init__(
        self,
        purpose: str,
        endpoint: str,
        payload: Callable[[Addressee], dict],
        language: str | None = None,
    ) -> None:
        self._payload = payload
        signer = serializer_for(purpose).make_signer()
        self._mac = hmac.new(signer.derive_key(), digestmod=signer.digest_method)
        self._sep = want_bytes(signer.sep)
        # Whole seconds, as the tokens count them: one stamp serves the whole batch.
        self._stamp = self._sep + base64_encode(int_to_bytes(signer.get_timestamp()))
        url = site_url_for(endpoint, language=language, token=_PLACEHOLDER)
        self._before, _, self._after = url.rpartition(_PLACEHOLDER)

    def __call__(self, person: Addressee) -> str:
        """The absolute link for this person."""
        value = base64_encode(_compact(self._payload(person)).encode()) + self._stamp
        mac = self._mac.copy()
        mac.update(value)
        token = (value + self._sep + base64_encode(mac.digest())).decode("ascii")
        return self._before + token + self._after


def unsubscribe_links(language: str | None = None) -> SignedLinks:
    """The one-click unsubscribe link of each subscriber of a batch."""
    return SignedLinks(UNSUBSCRIBE_PURPOSE, "audience.unsubscribe", token_payload, language)


def stop_news_links(language: str | None = None) -> SignedLinks:
    """The one-click "stop emails about this petition" link of each signature of a batch."""
    return SignedLinks(news.STOP_PURPOSE, "petitions.stop_news", news.token_payload, language)
