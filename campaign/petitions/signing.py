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
from flask_babel import gettext as _
from sqlalchemy import bindparam, select, text, update
from sqlalchemy.orm import joinedload

from campaign.addresses import normalise_email
from campaign.db import UTCDateTime, utcnow
from campaign.extensions import db
from campaign.i18n.site import shipped_language
from campaign.mailer.compose import queue_email
from campaign.petitions import emails
from campaign.petitions.models import CommentStatus, Petition, Signature, SignatureStatus
from campaign.subscribers.subscriptions import (
    CAMPAIGN_UPDATES_CONSENT,
    find_subscriber,
    subscribe_confirmed,
)
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


# A new address in one statement, written out: SQLAlchemy compiles a dialect's ON CONFLICT
# insert again on every call (it has no cache key), and this runs once per sign-up. Both of our
# databases (PostgreSQL, SQLite 3.35+) take it as it is.
_NEW_SIGNATURE = text(
    """
    INSERT INTO signatures (petition_id, name, email, country, postcode, comment, comment_status,
        show_name, subscribe, consent_text, source, utm, ip_hash, language, status, counted,
        emails_sent, created_at)
    VALUES (:petition_id, :name, :email, :country, :postcode, :comment, :comment_status,
        :show_name, :subscribe, :consent_text, :source, :utm, :ip_hash, :language, :status, false,
        1, :created_at)
    ON CONFLICT (petition_id, email) DO NOTHING
    RETURNING id
    """
).bindparams(
    bindparam("utm", type_=Signature.utm.type), bindparam("created_at", type_=UTCDateTime())
)


def sign(petition: Petition, request: SignatureRequest) -> None:
    """Record a pending signature and email its confirmation link (or remind an earlier one)."""
    if petition.is_closed():
        raise SigningError(_("This petition is closed and no longer takes signatures."))
    email = normalise_email(request.email)
    # One statement for the common case, a new address: the unique (petition, email) pair
    # decides, also between two requests with one address at the same moment.
    # Its first email is claimed with the row (emails_sent 1): nobody else can see the row
    # before it commits, so the claim in `_email` is only needed for repeats.
    signature_id = db.session.scalar(
        _NEW_SIGNATURE,
        {
            "petition_id": petition.id,
            "name": request.name.strip(),
            "email": email,
            "country": request.country,
            "postcode": request.postcode.strip(),
            "comment": request.comment.strip(),
            "comment_status": CommentStatus.NONE,
            "show_name": request.show_name,
            "subscribe": request.subscribe,
            "consent_text": CONSENT_WORDING if request.subscribe else "",
            "source": request.source[:100],
            "utm": request.utm,
            "ip_hash": request.ip_hash,
            "language": request.language,
            "status": SignatureStatus.PENDING,
            "created_at": utcnow(),
        },
    )
    if signature_id is None:
        _remind(_find(petition, email))
        return
    link = _confirm_url(petition, signature_id, email, request.language)
    queue_email(
        "petition_confirm",
        email,
        emails.confirm_signature(petition, request.language, link),
        language=request.language,
    )


def _remind(signature: Signature) -> None:
    # In the language the address first signed in, whatever page this form came from: whoever
    # typed the address again need not be its owner, and the owner chose that language.
    petition = signature.petition
    language = _language_of(signature)
    if signature.status == SignatureStatus.PENDING:
        context = emails.confirm_signature(petition, language, confirm_url(signature))
        _email(signature, "petition_confirm", context)
    elif signature.status == SignatureStatus.CONFIRMED:
        _email(signature, "petition_already_signed", emails.already_signed(petition, language))


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
    queue_email(template, signature.email, context, language=_language_of(signature))
    db.session.flush()


def confirm(signature: Signature, now: datetime | None = None, *, locked: bool = False) -> bool:
    """Count a signature; True if this call confirmed it, False if it already was.

    `locked` says the caller read it under a lock in this transaction
    (`signature_to_confirm(..., for_update=True)`); otherwise it is read again under one here.
    """
    now = now or utcnow()
    if not locked:
        # Under a lock: a second press of the same link, or an organiser's removal, may have
        # committed since the link was read (the second one waits here).
        db.session.refresh(signature, with_for_update=True)
    if signature.status == SignatureStatus.CONFIRMED:
        return False
    if signature.status == SignatureStatus.INVALIDATED:
        raise SigningError(_("This signature was removed by the petition's organisers."))
    closed_since = signature.petition.closed_since()
    if closed_since is not None and (
        signature.created_at >= closed_since or now > closed_since + LATE_CONFIRMATION
    ):
        raise SigningError(_("This petition closed before your signature could be confirmed."))
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
            language=_language_of(signature),  # updates in the language they signed in
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


def _address_check(signature_id: int, email: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    message = f"signature:{signature_id}:{email}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:20]


def _confirm_url(petition: Petition, signature_id: int, email: str, language: str) -> str:
    check = _address_check(signature_id, email)
    token = make_token(CONFIRM_PURPOSE, {"id": signature_id, "check": check})
    return site_url_for(
        "petitions.confirm_signature", slug=petition.slug, token=token, language=language
    )


def confirm_url(signature: Signature) -> str:
    """The absolute confirmation link for a signature's email, on a page in its language."""
    return _confirm_url(signature.petition, signature.id, signature.email, _language_of(signature))


def _language_of(signature: Signature) -> str:
    # The language signed in, as long as the site still has it; else the default one.
    return shipped_language(signature.language)


def signature_to_confirm(petition: Petition, token: str, *, for_update: bool = False) -> Signature:
    """The signature a confirmation link names; TokenError when the link is bad or old.

    `for_update` reads it under a lock, with its petition's row, as `confirm` needs it: one
    statement where there would be three.
    """
    max_age = current_app.config["CONFIRM_TOKEN_DAYS"] * 24 * 60 * 60
    payload = read_token(CONFIRM_PURPOSE, token, max_age=max_age)
    signature = (
        db.session.get(
            Signature,
            payload["id"],
            options=[joinedload(Signature.petition)],
            # Only the signature's row: every confirmation shares the petition's.
            with_for_update={"of": Signature} if for_update else None,
        )
        if payload.get("id")
        else None
    )
    if (
        signature is None
        or signature.petition_id != petition.id
        or not hmac.compare_digest(
            _address_check(signature.id, signature.email), str(payload.get("check"))
        )
    ):
        raise TokenError("This link is not valid.")
    return signature
