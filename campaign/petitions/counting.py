"""Signature counts that stay exact under a surge without one hot row.

A confirmation touches only its own signature row. The petition keeps `counted_signatures`
(and `petition_country_counts` by country): what a periodic tally has folded in. The tally
folds in confirmed signatures not yet counted (+1) and folds out counted ones since
invalidated (-1), a batch at a time, in one transaction with the counter update, so a reader
always sees a consistent pair. The count shown adds the small not-yet-folded difference, so it
is exact, never behind; `recount` rebuilds everything from the signatures when in doubt.
"""

from collections import Counter

from flask import Flask, current_app
from sqlalchemy import and_, case, delete, func, insert, or_, select, union_all, update

from campaign import page_cache
from campaign.db import insert_with_conflicts
from campaign.extensions import db
from campaign.petitions.models import CountryCount, Petition, Signature, SignatureStatus

TALLY_BATCH = 5000

_CONFIRMED = Signature.status == SignatureStatus.CONFIRMED
# Rows whose `counted` flag disagrees with whether they should count.
_UNFOLDED = or_(
    and_(_CONFIRMED, Signature.counted.is_(False)),
    and_(Signature.status != SignatureStatus.CONFIRMED, Signature.counted.is_(True)),
)
_DELTA = func.coalesce(func.sum(case((_CONFIRMED, 1), else_=-1)), 0)


def signature_count(petition: Petition) -> int:
    """Confirmed, valid signatures right now."""
    # One statement: a tally committing between two reads could not make it miss a batch.
    pending = (
        select(_DELTA).where(Signature.petition_id == petition.id, _UNFOLDED).scalar_subquery()
    )
    return db.session.scalar(
        select(Petition.counted_signatures + pending).where(Petition.id == petition.id)
    )


def shown_count(petition: Petition) -> tuple[int, float]:
    """The count public pages show, and when it was read (time.monotonic()).

    Read at most once per PAGE_CACHE_SECONDS in each process: during a surge every page view
    and confirmation would otherwise count again. Pages built from it are as old as it is.
    """
    return page_cache.kept_for_a_moment(
        "shown_counts", petition.id, lambda: signature_count(petition)
    )


def counts_by_country(petition: Petition) -> dict[str, int]:
    """Confirmed, valid signatures by ISO country code, largest first."""
    folded = select(CountryCount.country, CountryCount.signatures.label("n")).where(
        CountryCount.petition_id == petition.id
    )
    pending = (
        select(Signature.country, _DELTA.label("n"))
        .where(Signature.petition_id == petition.id, _UNFOLDED)
        .group_by(Signature.country)
    )
    counts = Counter()
    # Both halves in one statement, for the same reason as above.
    for country, n in db.session.execute(union_all(folded, pending)):
        counts[country] += n
    return {country: n for country, n in counts.most_common() if n > 0}


OTHER_COUNTRIES = "other"


def public_counts_by_country(petition: Petition) -> dict[str, int]:
    """The breakdown anyone may see: countries with fewer than PUBLIC_BREAKDOWN_MIN signers are
    folded into one "other" figure, so no number can point at one person in a small country."""
    least = current_app.config["PUBLIC_BREAKDOWN_MIN"]
    shown, other = {}, 0
    for country, n in counts_by_country(petition).items():
        if n >= least:
            shown[country] = n
        else:
            other += n
    return shown | ({OTHER_COUNTRIES: other} if other else {})


def _add_to_country_counts(petition_id: int, deltas: Counter) -> None:
    make_insert = insert_with_conflicts(db.session)
    for country, delta in deltas.items():
        if delta == 0:
            continue
        statement = make_insert(CountryCount).values(
            petition_id=petition_id, country=country, signatures=delta
        )
        db.session.execute(
            statement.on_conflict_do_update(
                index_elements=[CountryCount.petition_id, CountryCount.country],
                set_={"signatures": CountryCount.signatures + delta},
            )
        )


def lock_petition(petition_id: int) -> None:
    """Take the petition's row for this transaction (PostgreSQL), before any of its signatures."""
    # Tally, recount and retention all take the petition row first, then signatures: one lock
    # order, so they wait for each other instead of deadlocking. FOR NO KEY UPDATE, not FOR UPDATE:
    # a new signature's foreign key takes a KEY SHARE lock on the petition, which FOR UPDATE
    # would make every sign-up wait for the tally or a whole recount.
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            select(Petition.id).where(Petition.id == petition_id).with_for_update(key_share=True)
        )


def tally_petition(petition_id: int, limit: int = TALLY_BATCH) -> int:
    """Fold up to `limit` unfolded signatures of one petition into its counters (commits)."""
    lock_petition(petition_id)
    candidates = (
        select(Signature.id).where(Signature.petition_id == petition_id, _UNFOLDED).limit(limit)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(candidates))
    if not ids:
        db.session.commit()
        return 0
    # The WHERE is checked again as each row is updated, and RETURNING says what changed,
    # so the counters move by exactly what was folded even if a row changed meanwhile.
    folded = db.session.execute(
        update(Signature)
        .where(Signature.id.in_(ids), _UNFOLDED)
        .values(counted=_CONFIRMED)
        .returning(Signature.country, Signature.status)
    ).all()
    deltas = Counter()
    for country, status in folded:
        deltas[country] += 1 if status == SignatureStatus.CONFIRMED else -1
    total = sum(deltas.values())
    if deltas:
        db.session.execute(
            update(Petition)
            .where(Petition.id == petition_id)
            .values(counted_signatures=Petition.counted_signatures + total)
        )
        _add_to_country_counts(petition_id, deltas)
    db.session.commit()
    return len(folded)


def tally_all() -> int:
    """Fold every petition's new confirmations and invalidations; returns rows folded."""
    petition_ids = db.session.scalars(
        select(Signature.petition_id).where(_UNFOLDED).distinct()
    ).all()
    db.session.commit()
    folded = 0
    for petition_id in petition_ids:
        while batch := tally_petition(petition_id):
            folded += batch
    return folded


def tally_sweep(app: Flask) -> int:
    """The tally on every sweep (`signals.sweep`); it needs nothing of the app's."""
    return tally_all()


def recount(petition: Petition) -> tuple[int, int]:
    """Rebuild a petition's counters from its signatures; returns (before, after)."""
    lock_petition(petition.id)
    before = petition.counted_signatures
    db.session.execute(
        update(Signature).where(Signature.petition_id == petition.id).values(counted=_CONFIRMED)
    )
    # Count the flags just set, not the statuses: a signature confirmed by another request
    # since that UPDATE is still unflagged, so the tally folds it in later (counting it here
    # as well would count it twice).
    by_country = db.session.execute(
        select(Signature.country, func.count())
        .where(Signature.petition_id == petition.id, Signature.counted.is_(True))
        .group_by(Signature.country)
    ).all()
    db.session.execute(delete(CountryCount).where(CountryCount.petition_id == petition.id))
    if by_country:
        db.session.execute(
            insert(CountryCount),
            [
                {"petition_id": petition.id, "country": country, "signatures": n}
                for country, n in by_country
            ],
        )
    after = sum(n for _country, n in by_country)
    petition.counted_signatures = after
    db.session.flush()
    return before, after
