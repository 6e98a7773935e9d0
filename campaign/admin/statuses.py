"""The words the console shows for a row's status, whichever feature's row it is."""

from flask_babel import gettext

from campaign.i18n.languages import N_

# Every status of every feature's rows (a campaign, an explainer, a petition, a signature, an
# appeal, a donation, a subscriber, an update, a delivery, an email), stored in English, shown
# in the console's language. One word may name the status of several kinds of row.
STATUS_WORDS = {
    "active": N_("Active"),
    "approved": N_("Approved"),
    "archived": N_("Archived"),
    "bounced": N_("Bounced"),
    "cancelled": N_("Cancelled"),
    "closed": N_("Closed"),
    "complained": N_("Complained"),
    "confirmed": N_("Confirmed"),
    "deferred": N_("Deferred"),
    "delivered": N_("Delivered"),
    "disputed": N_("Disputed"),
    "draft": N_("Draft"),
    "failed": N_("Failed"),
    "invalidated": N_("Invalidated"),
    "live": N_("Live"),
    "none": N_("None"),
    "open": N_("Open"),
    "paid": N_("Paid"),
    "past_due": N_("Past due"),
    "paused": N_("Paused"),
    "pending": N_("Pending"),
    "published": N_("Published"),
    "queued": N_("Queued"),
    "refunded": N_("Refunded"),
    "rejected": N_("Rejected"),
    "scheduled": N_("Scheduled"),
    "sending": N_("Sending"),
    "sent": N_("Sent"),
    "skipped": N_("Skipped"),
    "suppressed": N_("Suppressed"),
    "uncertain": N_("Uncertain"),
    "unsubscribed": N_("Unsubscribed"),
}


def status_label(status: str) -> str:
    """A status as the console names it: "past_due" -> "Past due" (a new status shows as is)."""
    words = STATUS_WORDS.get(status)
    return gettext(words) if words else str(status).replace("_", " ").capitalize()
