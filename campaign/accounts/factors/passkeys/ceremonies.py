"""Passkeys and security keys (WebAuthn): the second factor a phishing site cannot use.

The key signs our challenge together with the origin the browser is really on, and only for the
relying party it was made for (our SITE_URL's host): a look-alike site gets an answer that is
worthless here, and nothing the organiser could be tricked into typing. Only the public key is
stored. Each ceremony's challenge is a row bound to one organiser and one browser session,
deleted as it is answered and refused once expired.
"""

import hashlib
import hmac
import json
import logging
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, session
from flask_babel import gettext as _
from sqlalchemy import and_, delete, or_, select
from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    bytes_to_base64url,
    parse_authentication_credential_json,
    parse_registration_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from campaign.accounts.factors import recovery
from campaign.accounts.factors.models import SecondFactor
from campaign.accounts.factors.passkeys import KIND
from campaign.accounts.factors.passkeys.models import Passkey, PasskeyChallenge
from campaign.accounts.models import User
from campaign.audit.trail import record
from campaign.db import utcnow
from campaign.extensions import db

log = logging.getLogger(__name__)

REGISTER, CONFIRM = "register", "confirm"  # what a challenge is for
CHALLENGE_SECONDS = 5 * 60
BROWSER_TIMEOUT_MS = 3 * 60 * 1000  # a hint: how long the browser waits for a key
MAX_ANSWER_LENGTH = 16 * 1024  # a key's answer is a few kilobytes at most
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SESSION_KEY = "passkey_challenge"  # the id of this browser's open ceremony
# Whatever a malformed answer makes the library or its parsers raise.
_BAD_ANSWER = (WebAuthnException, ValueError, TypeError, KeyError, IndexError, AttributeError)


class PasskeyError(ValueError):
    """A passkey ceremony that did not succeed; the message is for the organiser."""


def relying_party() -> tuple[str, str]:
    """Our relying party id (SITE_URL's host) and the origin browsers must report."""
    parts = urlsplit(current_app.config["SITE_URL"])
    host, scheme = (parts.hostname or "").lower(), parts.scheme.lower()
    origin = f"{scheme}://{host}"
    if parts.port is not None and parts.port != _DEFAULT_PORTS.get(scheme):
        origin += f":{parts.port}"  # browsers leave a scheme's own port out of the origin
    return host, origin


def works_here() -> bool:
    """Browsers refuse passkeys for a site addressed by an IP address rather than a name."""
    host, _origin = relying_party()
    return bool(host) and not host.replace(".", "").isdigit() and ":" not in host


def passkeys_of(user: User) -> list[SecondFactor]:
    """The organiser's passkeys and security keys, oldest first."""
    return list(
        db.session.scalars(
            select(SecondFactor)
            .join(Passkey)
            .where(SecondFactor.user_id == user.id, SecondFactor.kind == KIND)
            .order_by(SecondFactor.id)
        )
    )


def has_passkey(user: User) -> bool:
    return bool(passkeys_of(user))


def _user_handle(user: User) -> bytes:
    # A stable handle for the account on the key, which says nothing about who it is.
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"passkey user handle %d" % user.id, hashlib.sha256).digest()


def _descriptor(factor: SecondFactor) -> PublicKeyCredentialDescriptor:
    transports = []
    for name in factor.passkey.transport_list:
        try:
            transports.append(AuthenticatorTransport(name))
        except ValueError:
            continue  # a kind this library does not know yet
    return PublicKeyCredentialDescriptor(
        id=base64url_to_bytes(factor.passkey.credential_id), transports=transports or None
    )


# Registration: from the organiser's Security page.


def registration_options(user: User) -> dict:
    """What navigator.credentials.create() needs to make a new key for this organiser."""
    rp_id, _origin = relying_party()
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=current_app.config["SITE_NAME"],
        user_id=_user_handle(user),
        user_name=user.email,
        timeout=BROWSER_TIMEOUT_MS,
        attestation=AttestationConveyancePreference.NONE,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        # The same key twice would look like two; the browser says it already has one.
        exclude_credentials=[_descriptor(factor) for factor in passkeys_of(user)],
    )
    _keep_challenge(user, REGISTER, options.challenge)
    return json.loads(options_to_json(options))


def add_passkey(user: User, answer: str, name: str) -> tuple[SecondFactor, list[str]]:
    """Check a new key's answer to our challenge and keep its public key under `name`.

    Returns the factor and the new recovery codes when the organiser had none left (their
    first factor, or all used), else an empty list, as setting up an app does.
    """
    _check_length(answer)
    challenge = _take_challenge(user, REGISTER)
    rp_id, origin = relying_party()
    try:
        credential = parse_registration_credential_json(answer)
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
            require_user_verification=False,  # preferred, not required: the password came first
        )
    except _BAD_ANSWER as error:
        log.info("passkey registration refused for user %s: %s", user.id, error)
        raise PasskeyError(_("The key's answer could not be checked. Try again.")) from None
    credential_id = bytes_to_base64url(verified.credential_id)
    if db.session.scalar(select(Passkey.id).where(Passkey.credential_id == credential_id)):
        raise PasskeyError(_("That key is already added."))
    now = utcnow()
    factor = SecondFactor(user_id=user.id, kind=KIND, name=name, confirmed_at=now)
    factor.passkey = Passkey(
        credential_id=credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=",".join(transport.value for transport in credential.response.transports or []),
    )
    db.session.add(factor)
    record("second factor added", object_kind="user", object_id=user.id, detail=KIND, actor=user)
    codes = recovery.replace_codes(user) if recovery.codes_left(user) == 0 else []
    db.session.flush()
    return factor, codes


# Proving it is them: the second step of signing in, and the check before sensitive actions.


def confirmation_options(user: User) -> dict:
    """What navigator.credentials.get() needs to ask one of this organiser's keys to sign."""
    rp_id, _origin = relying_party()
    options = generate_authentication_options(
        rp_id=rp_id,
        timeout=BROWSER_TIMEOUT_MS,
        allow_credentials=[_descriptor(factor) for factor in passkeys_of(user)],
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    _keep_challenge(user, CONFIRM, options.challenge)
    return json.loads(options_to_json(options))


def confirm(user: User, answer: str) -> SecondFactor:
    """The organiser's key that signed our challenge, its use noted; PasskeyError otherwise."""
    _check_length(answer)
    challenge = _take_challenge(user, CONFIRM)
    rp_id, origin = relying_party()
    try:
        credential = parse_authentication_credential_json(answer)
    except _BAD_ANSWER:
        raise PasskeyError(_("The key's answer could not be checked. Try again.")) from None
    factor = db.session.scalar(
        select(SecondFactor)
        .join(Passkey)
        .where(SecondFactor.user_id == user.id, Passkey.credential_id == credential.id)
    )
    if factor is None:
        raise PasskeyError(_("That key is not one of this account's keys."))
    passkey = factor.passkey
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=passkey.public_key,
            # Compared below, once the signature is known to be the key's own.
            credential_current_sign_count=0,
            require_user_verification=False,
        )
    except _BAD_ANSWER as error:
        log.info("passkey %s refused for user %s: %s", factor.id, user.id, error)
        raise PasskeyError(_("The key's answer could not be checked. Try again.")) from None
    if (verified.new_sign_count or passkey.sign_count) and (
        verified.new_sign_count <= passkey.sign_count
    ):
        # A key that counts never counts backwards: two keys are answering with one secret.
        log.warning("passkey %s of user %s counted backwards: a copy?", factor.id, user.id)
        raise PasskeyError(
            _(
                "This key's counter went backwards, as happens when a key has been copied, so "
                "it was refused. Use another way to sign in, and remove this key."
            )
        )
    passkey.sign_count = verified.new_sign_count
    factor.last_used_at = utcnow()
    db.session.flush()
    return factor


# Challenges: one open ceremony per browser session.


def _keep_challenge(user: User, purpose: str, challenge: bytes) -> None:
    now = utcnow()
    db.session.execute(
        delete(PasskeyChallenge).where(
            or_(
                PasskeyChallenge.expires_at <= now,
                and_(PasskeyChallenge.user_id == user.id, PasskeyChallenge.purpose == purpose),
            )
        )
    )
    row = PasskeyChallenge(
        user_id=user.id,
        purpose=purpose,
        challenge=bytes_to_base64url(challenge),
        expires_at=now + timedelta(seconds=CHALLENGE_SECONDS),
    )
    db.session.add(row)
    db.session.flush()
    session[_SESSION_KEY] = row.id


def _take_challenge(user: User, purpose: str) -> bytes:
    """The challenge this session was given, now used up (the caller commits either way)."""
    challenge_id = session.pop(_SESSION_KEY, None)
    row = db.session.get(PasskeyChallenge, challenge_id) if isinstance(challenge_id, int) else None
    # Deleted by a statement of its own: of two requests answering one challenge, one wins.
    taken = row is not None and (
        db.session.execute(delete(PasskeyChallenge).where(PasskeyChallenge.id == row.id)).rowcount
        == 1
    )
    if not taken or row.user_id != user.id or row.purpose != purpose:
        raise PasskeyError(_("Start again: press the button, then use your key."))
    if row.expires_at <= utcnow():
        raise PasskeyError(_("That took too long. Press the button again, then use your key."))
    return base64url_to_bytes(row.challenge)


def _check_length(answer: str) -> None:
    if not answer:
        raise PasskeyError(
            _("Your browser sent no answer from a key. Passkeys need JavaScript turned on.")
        )
    if len(answer) > MAX_ANSWER_LENGTH:
        raise PasskeyError(_("The key's answer could not be checked. Try again."))
