"""Signing a petition with double opt-in: only confirmed signatures count.

The person on the page always sees the same "check your inbox" answer, whether the address is
new or has signed before; the mailbox's owner learns the rest from the email. One address signs
a petition once (unique per petition and normalised email), and one signature causes at most
MAX_EMAILS_PER_SIGNATURE emails, however often the form is sent.
"""

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from campaign.addresses import normalise_email
from campaign.audience.subscriptions import (
    CAMPAIGN_UPDATES_CONSENT,
    find_subscriber,
    subscribe_confirmed,
)
from campaign.db import insert_with_conflicts, utcnow
from campaign.extensions import db
from campaign.mailer.compose import queue_email
from campaign.petitions import emails
from campaign.petitions.models import CommentStatus, Petition, Signature, SignatureStatus
from campaign.templating import site_url_for
from campaign.tokens import TokenError, make_token, read_token

CONFIRM_PURPOSE = "petition-confirm"
MAX_EMAILS_PER_SIGNATURE = 3
LATE_CONFIRMATION = timedelta(hours=24)

# Stored with each signature that ticks the box: the consent record is these exact words.
CONSENT_WORDING = CAMPAIGN_UPDATES_CONSENT


class SigningError(ValueError):
    """Signing or confirming cannot happen; the message is for the signer."""


@dataclass
class SignatureRequest:
    name: str
    email: str
    country: str
    postcode: str = ""
    comment: str = ""
    show_name: bool = False
    subscribe: bool = False
    source: str = ""
    utm: dict[str, str] = field(default_factory=dict)
    ip_hash: str = ""
    language: str = "en"


def _find(petition: Petition, email: str) -> Signature | None:
    return db.session.scalar(
        select(Signature).where(Signature.petition_id == petition.id, Signature.email == email)
    )


def sign(petition: Petition, request: SignatureRequest) -> Signature:
    """Record a pending signature and email its confirmation link (or remind an earlier one)."""
    if petition.is_closed():
        raise SigningError("This petition is closed and no longer takes signatures.")
    email = normalise_email(request.email)
    # One statement for the common case, a new address: the unique (petition, email) pair
    # decides, also between two requests with one address at the same moment.
    signature = db.session.scalar(
        insert_with_conflicts(db.session)(Signature)
        .values(
            petition_id=petition.id,
            name=request.name.strip(),
            email=email,
            country=request.country,
            postcode=request.postcode.strip(),
            comment=request.comment.strip(),
            show_name=request.show_name,
            subscribe=request.subscribe,
            consent_text=CONSENT_WORDING if request.subscribe else "",
            source=request.source[:100],
            utm=request.utm,
            ip_hash=request.ip_hash,
            # Its first email is claimed with the row: nobody else can see the row before it
            # commits, so the claim in `_email` is only needed for repeats.
            emails_sent=1,
        )
        .on_conflict_do_nothing(index_elements=[Signature.petition_id, Signature.email])
        .returning(Signature)
    )
    if signature is None:
        existing = _find(petition, email)
        _remind(existing, request.language)
        return existing
    context = emails.confirm_signature(signature, request.language)
    queue_email("petition_confirm", signature.email, context)
    db.session.flush()
    return signature


def _remind(signature: Signature, language: str) -> None:
    if signature.status == SignatureStatus.PENDING:
        context = emails.confirm_signature(signature, language)
        _email(signature, "petition_confirm", context)
    elif signature.status == SignatureStatus.CONFIRMED:
        _email(signature, "petition_already_signed", emails.already_signed(signature, language))


def _email(signature: Signature, template: str, context: dict) -> None:
    # Claim one of the signature's emails in the database, not on this request's copy of the
    # row: sign-ups with one address at once would each see a free place and all send.
    db.session.flush()
    claimed = db.session.execute(
        update(Signature)
        .where(Signature.id == signature.id, Signature.emails_sent < MAX_EMAILS_PER_SIGNATURE)
        .values(emails_sent=Signature.emails_sent + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.expire(signature, ["emails_sent"])
    if not claimed:
        return
    queue_email(template, signature.email, context)
    db.session.flush()


def confirm(signature: Signature, now: datetime | None = None) -> bool:
    """Count a signature; True if this call confirmed it, False if it already was."""
    now = now or utcnow()
    # Read the row again under a lock: a second press of the same link, or an organiser's
    # removal, may have committed since the link was read (the second one waits here).
    db.session.refresh(signature, with_for_update=True)
    if signature.status == SignatureStatus.CONFIRMED:
        return False
    if signature.status == SignatureStatus.INVALIDATED:
        raise SigningError("This signature was removed by the petition's organisers.")
    closed_since = signature.petition.closed_since()
    if closed_since is not None and (
        signature.created_at >= closed_since or now > closed_since + LATE_CONFIRMATION
    ):
        raise SigningError("This petition closed before your signature could be confirmed.")
    signature.status = SignatureStatus.CONFIRMED
    signature.confirmed_at = now
    if signature.comment:
        signature.comment_status = CommentStatus.PENDING
    if signature.subscribe and not _left_since_signing(signature):
        petition = signature.petition
        subscribe_confirmed(
            signature.email,
            signature.name,
            source=f"petition:{petition.slug}",
            language=petition.campaign.language,
            campaign=petition.campaign,
            consent_text=signature.consent_text,
        )
    db.session.flush()
    return True


def _left_since_signing(signature: Signature) -> bool:
    """True when the signer unsubscribed after ticking the box: leaving is their latest word,
    so confirming this older signature must not bring them back."""
    subscriber = find_subscriber(signature.email)
    left = subscriber.unsubscribed_at if subscriber is not None else None
    return left is not None and left > signature.created_at


def _address_check(signature: Signature) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    message = f"signature:{signature.id}:{signature.email}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:20]


def confirm_url(signature: Signature) -> str:
    """The absolute confirmation link for a signature's email."""
    token = make_token(CONFIRM_PURPOSE, {"id": signature.id, "check": _address_check(signature)})
    return site_url_for("petitions.confirm_signature", slug=signature.petition.slug, token=token)


def signature_to_confirm(petition: Petition, token: str) -> Signature:
    """The signature a confirmation link names; TokenError when the link is bad or old."""
    max_age = current_app.config["CONFIRM_TOKEN_DAYS"] * 24 * 60 * 60
    payload = read_token(CONFIRM_PURPOSE, token, max_age=max_age)
    signature = db.session.get(Signature, payload.get("id")) if payload.get("id") else None
    if (
        signature is None
        or signature.petition_id != petition.id
        or not hmac.compare_digest(_address_check(signature), str(payload.get("check")))
    ):
        raise TokenError("This link is not valid.")
    return signature
