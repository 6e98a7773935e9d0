"""What a passkey or security key leaves with the site: its credential's id and public key, and
the challenges the site asks keys to sign."""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from campaign.accounts.factors.models import SecondFactor
from campaign.db import UTCDateTime
from campaign.extensions import db

# A credential id is at most 1,023 bytes (WebAuthn level 3), 1,364 characters in base64url.
CREDENTIAL_ID_LENGTH = 1400


class Passkey(db.Model):
    """The WebAuthn part of a second factor of kind "passkey"; its name, when it was added and
    last used are the factor's. Only the public key is here: the private key never leaves the
    organiser's device or security key."""

    __tablename__ = "passkeys"

    id: Mapped[int] = mapped_column(primary_key=True)
    factor_id: Mapped[int] = mapped_column(
        ForeignKey("second_factors.id", ondelete="CASCADE"), unique=True
    )
    # base64url, as the browser names it in every answer.
    credential_id: Mapped[str] = mapped_column(String(CREDENTIAL_ID_LENGTH), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)  # COSE_Key
    # How many times the key says it has signed; a key that keeps no count says 0 throughout.
    sign_count: Mapped[int] = mapped_column(BigInteger, default=0)
    # How the browser reached it ("usb", "nfc", "internal", "hybrid"...), comma-separated,
    # given back at sign-in so the browser offers the right way first.
    transports: Mapped[str] = mapped_column(String(100), default="")

    factor: Mapped[SecondFactor] = relationship(
        backref=backref("passkey", uselist=False, cascade="all, delete-orphan")
    )

    @property
    def transport_list(self) -> list[str]:
        return [transport for transport in self.transports.split(",") if transport]


class PasskeyChallenge(db.Model):
    """A challenge handed to one organiser's browser for one ceremony. Kept here rather than in
    the session cookie, whose old copies a thief could send again: a challenge is deleted as it
    is answered, so it can be answered once, and only before it expires."""

    __tablename__ = "passkey_challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))  # "register" or "confirm"
    challenge: Mapped[str] = mapped_column(String(128))  # base64url
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
