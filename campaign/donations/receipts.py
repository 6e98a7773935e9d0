"""The receipt a donor gets once a webhook confirms the payment, and the link that lets a
monthly donor manage or cancel the gift."""

import hashlib
import hmac

from flask import current_app

from campaign.donations.models import Donation, Interval
from campaign.donations.money import format_money
from campaign.extensions import db
from campaign.mailer.compose import queue_email
from campaign.templating import site_url_for
from campaign.tokens import TokenError, make_token, read_token

MANAGE_PURPOSE = "donation-manage"


def _check(donation: Donation) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    message = f"donation:{donation.id}:{donation.donor_email}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:20]


def manage_url(first: Donation, language: str | None = None) -> str:
    """A signed link to manage a monthly gift, on the page in `language` (by default the
    gift's); it never expires: the gift does not either."""
    token = make_token(MANAGE_PURPOSE, {"id": first.id, "check": _check(first)})
    return site_url_for("donations.manage", token=token, language=language or first.language)


def donation_to_manage(token: str) -> Donation:
    """The monthly gift a manage link names; TokenError when the link is not valid."""
    payload = read_token(MANAGE_PURPOSE, token)
    donation = db.session.get(Donation, payload.get("id")) if payload.get("id") else None
    if donation is None or not hmac.compare_digest(_check(donation), str(payload.get("check"))):
        raise TokenError("This link is not valid.")
    return donation


def receipt_context(donation: Donation) -> dict:
    """What the receipt says: amount, date, appeal, who received it, and how to manage it,
    in the language the donor gave in (a webhook sends it, from no page of theirs)."""
    appeal = donation.appeal
    first = (
        db.session.get(Donation, donation.first_donation_id)
        if donation.first_donation_id
        else donation
    )
    monthly = donation.interval == Interval.MONTH
    language = donation.language
    return {
        "amount": format_money(donation.amount, donation.currency, language),
        "paid_at": donation.paid_at,  # the template writes it in the email's language
        "appeal_title": appeal.title,
        "appeal_language": appeal.campaign.language,
        "appeal_url": site_url_for("donations.appeal", slug=appeal.slug, language=language),
        "monthly": monthly,
        "manage_url": manage_url(first, language) if monthly else None,
        "reference": f"D{donation.id:06d}",
    }


def send_receipt(donation: Donation) -> None:
    """Queue the receipt (in the webhook's transaction), if we know where to send it."""
    if donation.donor_email:
        queue_email(
            "donation_receipt",
            donation.donor_email,
            receipt_context(donation),
            language=donation.language,
        )
