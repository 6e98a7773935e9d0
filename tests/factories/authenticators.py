"""A software authenticator: a real P-256 key answering WebAuthn ceremonies as a browser would.

It reads the options the site hands the browser (the JSON given to
navigator.credentials.create/get) and returns what the browser posts back, signed for real,
so the server's verification is tested on the same bytes a security key would produce.
"""

import hashlib
import json
import os
import struct
from base64 import urlsafe_b64decode, urlsafe_b64encode

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from campaign.accounts.factors.models import SecondFactor
from campaign.accounts.factors.passkeys import KIND
from campaign.accounts.factors.passkeys.models import Passkey
from campaign.db import utcnow
from campaign.extensions import db

UP, UV, BE, BS, AT = 0x01, 0x04, 0x08, 0x10, 0x40  # authenticator data flags
NO_AAGUID = bytes(16)  # what an authenticator sends with attestation "none"


def b64url(data: bytes) -> str:
    return urlsafe_b64encode(data).rstrip(b"=").decode()


def from_b64url(text: str) -> bytes:
    return urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SoftwareAuthenticator:
    """One credential on one authenticator, for the origin it is told it runs on."""

    def __init__(
        self,
        origin: str,
        *,
        verifies_user: bool = True,
        counts: bool = True,
        transports: tuple[str, ...] = ("usb",),
    ) -> None:
        self.origin = origin
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.sign_count = 0
        self.verifies_user = verifies_user
        self.counts = counts  # passkeys in sync services often keep the count at 0
        self.transports = list(transports)
        self.user_handle = b""

    @property
    def id(self) -> str:
        return b64url(self.credential_id)

    def create(self, options: dict, *, origin: str | None = None, **client_data) -> dict:
        """The browser's answer to navigator.credentials.create(options), as JSON."""
        self.user_handle = from_b64url(options["user"]["id"])
        data = self._client_data("webauthn.create", options["challenge"], origin, client_data)
        auth_data = self._auth_data(options["rp"]["id"], attested=True)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {
            "id": self.id,
            "rawId": self.id,
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(data),
                "attestationObject": b64url(attestation),
                "transports": self.transports,
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "cross-platform",
        }

    def get(
        self, options: dict, *, origin: str | None = None, rp_id: str | None = None, **client_data
    ) -> dict:
        """The browser's answer to navigator.credentials.get(options), as JSON."""
        allowed = [item["id"] for item in options.get("allowCredentials", [])]
        assert not allowed or self.id in allowed, "the site did not ask for this credential"
        data = self._client_data("webauthn.get", options["challenge"], origin, client_data)
        auth_data = self._auth_data(rp_id or options["rpId"], attested=False)
        signed = auth_data + hashlib.sha256(data).digest()
        signature = self.key.sign(signed, ec.ECDSA(hashes.SHA256()))
        return {
            "id": self.id,
            "rawId": self.id,
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
                "userHandle": b64url(self.user_handle),
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "cross-platform",
        }

    def _client_data(self, kind: str, challenge: str, origin: str | None, extra: dict) -> bytes:
        fields = {"type": kind, "challenge": challenge, "origin": origin or self.origin}
        return json.dumps(fields | {"crossOrigin": False} | extra).encode()

    def _auth_data(self, rp_id: str, *, attested: bool) -> bytes:
        if self.counts:
            self.sign_count += 1
        flags = UP | (UV if self.verifies_user else 0) | (AT if attested else 0)
        data = hashlib.sha256(rp_id.encode()).digest() + bytes([flags])
        data += struct.pack(">I", self.sign_count)
        if attested:
            data += NO_AAGUID + struct.pack(">H", len(self.credential_id)) + self.credential_id
            data += cbor2.dumps(self.cose_key())
        return data

    def cose_bytes(self) -> bytes:
        """The public key as the site stores it: a COSE_Key in CBOR."""
        return cbor2.dumps(self.cose_key())

    def cose_key(self) -> dict:
        numbers = self.key.public_key().public_numbers()
        # kty EC2, alg ES256, crv P-256, x, y (RFC 9053)
        x, y = numbers.x.to_bytes(32, "big"), numbers.y.to_bytes(32, "big")
        return {1: 2, 3: -7, -1: 1, -2: x, -3: y}


def make_passkey(user, authenticator: SoftwareAuthenticator, name: str = "blue key"):
    """A passkey of `user` held by `authenticator`, as if added on the Security page."""
    factor = SecondFactor(user_id=user.id, kind=KIND, name=name, confirmed_at=utcnow())
    factor.passkey = Passkey(
        credential_id=authenticator.id,
        public_key=authenticator.cose_bytes(),
        sign_count=authenticator.sign_count,
        transports=",".join(authenticator.transports),
    )
    db.session.add(factor)
    db.session.flush()
    return factor
