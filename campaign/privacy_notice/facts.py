"""What the privacy notice says, read from the settings, so it cannot drift from what runs."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PrivacyFacts:
    """The settings behind each promise the privacy notice makes."""

    organisation_name: str
    organisation_address: str
    retention_days: int  # after a petition closes
    mail_body_days: int
    confirm_token_days: int
    breakdown_min: int  # public country figures name a country only from this many signers
    stripe: bool  # gifts are paid through Stripe
    mail_service: str  # "sendgrid", "smtp" or "file"


def privacy_facts(config: Any) -> PrivacyFacts:
    """The facts for this site, from its config (`current_app.config`)."""
    transport = config["MAIL_TRANSPORT"]
    return PrivacyFacts(
        organisation_name=config["ORGANISATION_NAME"],
        organisation_address=config["ORGANISATION_ADDRESS"],
        retention_days=config["RETENTION_DAYS"],
        mail_body_days=config["MAIL_BODY_DAYS"],
        confirm_token_days=config["CONFIRM_TOKEN_DAYS"],
        breakdown_min=config["PUBLIC_BREAKDOWN_MIN"],
        stripe=bool(config.get("STRIPE_SECRET_KEY")),
        mail_service=transport if transport in ("sendgrid", "smtp") else "file",
    )
