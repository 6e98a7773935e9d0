"""Subscribing with double opt-in, confirming, unsubscribing: the rules, not the pages.

Every function flushes and leaves the commit to the request or command that called it. The
person on the web page is never told which case applied: whether the address is new, waiting,
subscribed or gone, they see the same "check your inbox" page, and only the owner of the
mailbox learns the rest from the email itself.
"""

import hashlib
import hmac
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from campaign.addresses import checked_email, normalise_email
from campaign.content.models import Campaign
from campaign.db import utcnow
from campaign.extensions import db
from campaign.i18n.languages import N_, same_language
from campaign.i18n.site import shipped_language
from campaign.mailer.compose import queue_email
from campaign.mailer.models import OutboundEmail
from campaign.people import erased
from campaign.subscribers import emails
from campaign.subscribers.models import Subscriber, SubscriberStatus
from campaign.templating import site_url_for
from campaign.tokens import TokenError, make_token, read_token_issued

# The words beside "email me updates" where people sign or give: stored as their consent in
# English, as written here, and shown in the page's language (`_l(CAMPAIGN_UPDATES_CONSENT)`).
CAMPAIGN_UPDATES_CONSENT = N_(
    "Email me updates about this campaign. I can unsubscribe at any time with one click."
)

CONFIRM_PURPOSE = "subscribe-confirm"
UNSUBSCRIBE_PURPOSE = "unsubscribe"

# Anyone can type anyone's address into the form: cap what this path sends to one mailbox.
SUBSCRIPTION_TEMPLATES = ("subscribe_confirm", "already_subscribed")
MAX_EMAILS_PER_DAY = 3

UNREACHABLE = frozenset({SubscriberStatus.BOUNCED, SubscriberStatus.COMPLAINED})


class SubscriptionLinkError(TokenError):
    """A confirm or unsubscribe link that no longer matches a subscriber."""


def find_subscriber(email: str) -> Subscriber | None:
    """The subscriber with this address (compared in its normalised form), if any."""
    return db.session.scalar(select(Subscriber).where(Subscriber.email == normalise_email(email)))


def _find_or_add(address: str) -> Subscriber:
    subscriber = find_subscriber(address)
    if subscriber is not None:
        return subscriber
    subscriber = Subscriber(email=address, status=SubscriberStatus.PENDING)
    try:
        with db.session.begin_nested():
            db.session.add(subscriber)
    except IntegrityError:
        # A second request for the same address (a double click) added it a moment ago.
        subscriber = find_subscriber(address)
    return subscriber


def _record_consent(subscriber: Subscriber, source: str, consent_text: str) -> None:
    subscriber.consent_source = source[:200]
    subscriber.consent_text = consent_text
    subscriber.consent_at = utcnow()


def _emails_sent_today(address: str) -> int:
    since = utcnow() - timedelta(days=1)
    return db.session.scalar(
        select(func.count())
        .select_from(OutboundEmail)
        .where(
            OutboundEmail.to_address == address,
            OutboundEmail.template.in_(SUBSCRIPTION_TEMPLATES),
            OutboundEmail.created_at >= since,
        )
    )


def request_subscription(
    email: str,
    name: str,
    *,
    source: str,
    language: str,
    campaign: Campaign | None = None,
    consent_text: str,
) -> None:
    """Start (or restart) double opt-in for an address; what happens depends on its state.

    New or waiting: a confirmation email. Subscribed: an "already subscribed" email. Left
    earlier: a confirmation email to come back (they stay unsubscribed until they confirm).
    Bounced or complained: nothing. Raises InvalidEmail for an address that is not one.
    """
    address = checked_email(email)
    subscriber = _find_or_add(address)
    if subscriber.status in UNREACHABLE:
        return
    if subscriber.status != SubscriberStatus.ACTIVE:
        # Their latest request is what they will confirm. An active subscriber's record stays
        # as it is: a stranger typing their address must not change it.
        subscriber.name = name.strip()[:200]
        subscriber.language = language
        subscriber.campaign_id = campaign.id if campaign else None
        _record_consent(subscriber, source, consent_text)
    db.session.flush()
    if _emails_sent_today(address) >= MAX_EMAILS_PER_DAY:
        return
    # In the subscriber's language, whatever page (or webhook) asked: an active subscriber's
    # stays the one they chose, a new request's is the page's it came from.
    language = email_language(subscriber)
    if subscriber.status == SubscriberStatus.ACTIVE:
        queue_email(
            "already_subscribed",
            address,
            emails.already_subscribed(),
            unsubscribe_url=unsubscribe_url(subscriber, language),
            language=language,
        )
    else:
        queue_email(
            "subscribe_confirm",
            address,
            emails.subscribe_confirm(
                confirm_url(subscriber, language),
                campaign,
                coming_back=subscriber.unsubscribed_at is not None,
                language=language,
            ),
            language=language,
        )


def subscribe_confirmed(
    email: str,
    name: str,
    *,
    source: str,
    language: str,
    campaign: Campaign | None = None,
    consent_text: str,
) -> Subscriber:
    """Subscribe an address its owner has just proved (a confirmed petition signature, say)."""
    address = checked_email(email)
    subscriber = _find_or_add(address)
    if subscriber.status == SubscriberStatus.ACTIVE or subscriber.status in UNREACHABLE:
        db.session.flush()
        return subscriber
    subscriber.name = name.strip()[:200] or subscriber.name
    subscriber.language = language
    subscriber.campaign_id = campaign.id if campaign else subscriber.campaign_id
    _record_consent(subscriber, source, consent_text)
    confirm(subscriber)
    return subscriber


def confirm(subscriber: Subscriber) -> bool:
    """Make a waiting or departed subscriber active; True if they are active now. Idempotent."""
    if subscriber.status in (SubscriberStatus.PENDING, SubscriberStatus.UNSUBSCRIBED):
        subscriber.status = SubscriberStatus.ACTIVE
        subscriber.confirmed_at = utcnow()
        # Their own confirmed sign-up: an address they once had erased may be reached again.
        erased.forget(subscriber.email)
        db.session.flush()
    return subscriber.status == SubscriberStatus.ACTIVE


def unsubscribe(subscriber: Subscriber) -> None:
    """Stop all updates to this subscriber at once. Idempotent."""
    if subscriber.status in (SubscriberStatus.PENDING, SubscriberStatus.ACTIVE):
        subscriber.status = SubscriberStatus.UNSUBSCRIBED
        subscriber.unsubscribed_at = utcnow()
        db.session.flush()


def email_language(subscriber: Subscriber) -> str:
    """The site's language a subscriber's emails and links are in: theirs, the same language in
    the site's spelling ("zh" -> "zh-Hans"), or else the default (an import may name any)."""
    shipped = shipped_language(subscriber.language)
    if shipped.lower() == (subscriber.language or "").lower():
        return shipped
    for tag in current_app.config["LANGUAGES"]:
        if subscriber.language and same_language(tag, subscriber.language):
            return tag
    return shipped


def _address_check(email: str) -> str:
    # Links end up in server logs and browser history, so a token carries a keyed digest of the
    # address rather than the address itself: enough to refuse a row whose address changed.
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"subscriber-email:{email}".encode(), hashlib.sha256).hexdigest()[:20]


def token_payload(subscriber: Subscriber) -> dict:
    """What a subscriber's confirm and unsubscribe tokens carry."""
    return {"id": subscriber.id, "check": _address_check(subscriber.email)}


def confirm_url(subscriber: Subscriber, language: str | None = None) -> str:
    """The absolute link in a confirmation email (it expires after CONFIRM_TOKEN_DAYS), to the
    page in `language` (by default the subscriber's)."""
    token = make_token(CONFIRM_PURPOSE, token_payload(subscriber))
    language = language or email_language(subscriber)
    return site_url_for("audience.confirm", token=token, language=language)


def unsubscribe_url(subscriber: Subscriber, language: str | None = None) -> str:
    """The absolute one-click unsubscribe link for every email after confirmation, to the page
    in `language` (by default the subscriber's)."""
    token = make_token(UNSUBSCRIBE_PURPOSE, token_payload(subscriber))
    language = language or email_language(subscriber)
    return site_url_for("audience.unsubscribe", token=token, language=language)


def _subscriber_for(payload: dict) -> Subscriber:
    subscriber = db.session.get(Subscriber, payload.get("id")) if payload.get("id") else None
    expected = _address_check(subscriber.email) if subscriber else ""
    if subscriber is None or not hmac.compare_digest(expected, str(payload.get("check"))):
        raise SubscriptionLinkError("This link is not valid any more.")
    return subscriber


def subscriber_to_confirm(token: str) -> Subscriber:
    """The subscriber a confirmation link names; TokenExpired when old, TokenError when bad."""
    max_age = current_app.config["CONFIRM_TOKEN_DAYS"] * 24 * 60 * 60
    payload, issued_at = read_token_issued(CONFIRM_PURPOSE, token, max_age=max_age)
    subscriber = _subscriber_for(payload)
    # A link sent before they unsubscribed must not bring them back: leaving is final until
    # they ask again (which sends a new link). Tokens count whole seconds, hence the rounding.
    left = subscriber.unsubscribed_at
    if left is not None and issued_at < left.replace(microsecond=0):
        raise SubscriptionLinkError("This link was sent before you unsubscribed.")
    return subscriber


def subscriber_to_unsubscribe(token: str) -> Subscriber:
    """The subscriber an unsubscribe link names (these links never expire); TokenError if bad."""
    payload, _issued_at = read_token_issued(UNSUBSCRIBE_PURPOSE, token)
    return _subscriber_for(payload)
