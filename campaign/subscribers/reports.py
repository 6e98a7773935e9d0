"""What the console reads about subscribers: the list searched and counted, and the CSV export."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import Select, or_, select

from campaign.admin.helpers import counts_by_status
from campaign.content.models import Campaign
from campaign.extensions import db
from campaign.subscribers.models import Subscriber, SubscriberStatus

EXPORT_BATCH = 500
CSV_COLUMNS = (
    "email",
    "name",
    "language",
    "status",
    "campaign",
    "consent_source",
    "consent_text",
    "consent_at",
    "confirmed_at",
    "unsubscribed_at",
    "created_at",
)


@dataclass(frozen=True)
class SubscriberSearch:
    """What the organiser searches subscribers by; empty parts match everything."""

    text: str = ""  # in the email or the name
    status: str = ""


def _matching(query: Select, search: SubscriberSearch) -> Select:
    if search.text:
        query = query.where(
            or_(
                Subscriber.email.icontains(search.text, autoescape=True),
                Subscriber.name.icontains(search.text, autoescape=True),
            )
        )
    if search.status:
        query = query.where(Subscriber.status == search.status)
    return query


def search_subscribers(search: SubscriberSearch) -> Select:
    """Subscribers matching a search, newest first."""
    query = _matching(select(Subscriber), search)
    return query.order_by(Subscriber.created_at.desc(), Subscriber.id.desc())


def campaign_titles(subscribers: Iterable[Subscriber]) -> dict[int, str]:
    """The titles of the campaigns these subscribers joined on, by campaign id."""
    campaign_ids = {each.campaign_id for each in subscribers if each.campaign_id}
    query = select(Campaign.id, Campaign.title).where(Campaign.id.in_(campaign_ids))
    return dict(db.session.execute(query).all())


def status_counts() -> dict[str, int]:
    """How many subscribers are in each status, every status present."""
    return counts_by_status(Subscriber.status, SubscriberStatus)


def subscriber_rows(search: SubscriberSearch) -> Iterator[tuple]:
    """One row a subscriber matching the search, oldest first, consent record included.

    The query is built now, the rows read as they stream (after the request has ended).
    """
    query = (
        _matching(
            select(Subscriber, Campaign.slug).outerjoin(
                Campaign, Campaign.id == Subscriber.campaign_id
            ),
            search,
        )
        .order_by(Subscriber.id)
        .execution_options(yield_per=EXPORT_BATCH)
    )
    return _rows(query)


def _rows(query: Select) -> Iterator[tuple]:
    # A download cut short closes these rows: the cursor with them, not later in a collection.
    with db.session.execute(query) as result:
        for subscriber, campaign_slug in result:
            yield (
                subscriber.email,
                subscriber.name,
                subscriber.language,
                subscriber.status,
                campaign_slug,
                subscriber.consent_source,
                subscriber.consent_text,
                subscriber.consent_at,
                subscriber.confirmed_at,
                subscriber.unsubscribed_at,
                subscriber.created_at,
            )
