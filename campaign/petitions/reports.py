"""What the console reads about petitions: the list, a petition's numbers, signers, comments."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import contains_eager

from campaign.admin.helpers import counts_by_status
from campaign.extensions import db
from campaign.petitions.counting import signature_count
from campaign.petitions.models import CommentStatus, Petition, Signature, SignatureStatus
from campaign.utc_days import as_date, last_days, utc_day

STATS_DAYS = 30

WAITING_COMMENT = (Signature.status == SignatureStatus.CONFIRMED) & (
    Signature.comment_status == CommentStatus.PENDING
)


@dataclass(frozen=True)
class PetitionRow:
    petition: Petition
    count: int
    waiting_comments: int


def console_petitions() -> list[PetitionRow]:
    """Every petition, drafts included, newest first, with its live count and waiting comments."""
    waiting = dict(
        db.session.execute(
            select(Signature.petition_id, func.count())
            .where(WAITING_COMMENT)
            .group_by(Signature.petition_id)
        ).all()
    )
    petitions = db.session.scalars(
        select(Petition)
        .join(Petition.campaign)
        .options(contains_eager(Petition.campaign))
        .order_by(Petition.created_at.desc(), Petition.id.desc())
    )
    # One count query a petition: organisers run a handful of petitions, not thousands.
    return [
        PetitionRow(petition, signature_count(petition), waiting.get(petition.id, 0))
        for petition in petitions
    ]


def status_counts(petition: Petition) -> dict[str, int]:
    """How many signatures a petition holds in each status (confirmed includes unfolded ones)."""
    return counts_by_status(Signature.status, SignatureStatus, Signature.petition_id == petition.id)


def waiting_comments(petition: Petition) -> Select:
    """Comments of confirmed signers that wait for a moderator, oldest first."""
    return (
        select(Signature)
        .where(Signature.petition_id == petition.id, WAITING_COMMENT)
        .order_by(Signature.confirmed_at, Signature.id)
    )


def waiting_comment_count(petition: Petition) -> int:
    """How many comments wait for a moderator."""
    return db.session.scalar(
        select(func.count()).where(Signature.petition_id == petition.id, WAITING_COMMENT)
    )


def confirmed_by_day(
    petition: Petition | None, days: int = STATS_DAYS, now: datetime | None = None
) -> list[tuple[date, int]]:
    """Confirmations per UTC day over the last `days` days, oldest first, empty days as 0;
    of one petition, or of every petition when `petition` is None."""
    every_day, since = last_days(days, now)
    day = utc_day(Signature.confirmed_at)
    query = select(day, func.count()).where(
        Signature.status == SignatureStatus.CONFIRMED, Signature.confirmed_at >= since
    )
    if petition is not None:
        query = query.where(Signature.petition_id == petition.id)
    counts = {as_date(value): n for value, n in db.session.execute(query.group_by(day))}
    return [(each, counts.get(each, 0)) for each in every_day]


def confirmed_by_source(petition: Petition) -> list[tuple[str, int]]:
    """Confirmed signatures by the `source` they came with, largest first."""
    return _grouped(petition, Signature.source)


def confirmed_by_utm_source(petition: Petition) -> list[tuple[str, int]]:
    """Confirmed signatures by their utm_source, largest first."""
    return _grouped(petition, Signature.utm["utm_source"].as_string())


def _grouped(petition: Petition, column) -> list[tuple[str, int]]:
    rows = db.session.execute(
        select(column, func.count().label("n"))
        .where(Signature.petition_id == petition.id, Signature.status == SignatureStatus.CONFIRMED)
        .group_by(column)
        .order_by(func.count().desc(), column)
    )
    return [(value or "", n) for value, n in rows]


@dataclass(frozen=True)
class SignatureSearch:
    """What the organiser searches signatures by; empty parts match everything."""

    email: str = ""
    name: str = ""
    country: str = ""
    status: str = ""


def search_signatures(petition: Petition, search: SignatureSearch) -> Select:
    """A petition's signatures matching a search, newest first."""
    query = select(Signature).where(Signature.petition_id == petition.id)
    if search.email:
        # Emails are stored lower-cased; a substring also finds the exact address.
        query = query.where(Signature.email.contains(search.email.lower(), autoescape=True))
    if search.name:
        query = query.where(Signature.name.icontains(search.name, autoescape=True))
    if search.country:
        query = query.where(Signature.country == search.country)
    if search.status:
        query = query.where(Signature.status == search.status)
    return query.order_by(Signature.created_at.desc(), Signature.id.desc())
