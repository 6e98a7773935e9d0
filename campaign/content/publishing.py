"""What organisers do to content: publish (now or at a time), order, translate, and manage
learn-more links.

Functions change objects and flush; the request (or command) commits once at its edge. The
exception is `publish_due_explainers`, a sweep, which commits its own work.

A scheduled explainer stays off every public page (they all read published explainers only)
until the sweep publishes it, as scheduled updates start: the dispatcher thread runs the sweeps
in the default set-up, Celery beat (`jobs.run_sweeps`) with Celery, so it goes public within a
sweep (SWEEP_SECONDS) of its time in both. The sweep moves the "content" revision on, so
pages and validators cached before it are not served after.
"""

from datetime import datetime

from flask import Flask
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from campaign.audit.publication import record_status_change
from campaign.caching import bump_revision
from campaign.content.models import (
    Campaign,
    Explainer,
    ExplainerStatus,
    LearnMoreLink,
)
from campaign.db import utcnow
from campaign.extensions import db


class ContentError(ValueError):
    """A change that would leave content inconsistent; the message is for the organiser."""


def new_explainer(campaign: Campaign) -> Explainer:
    """A draft explainer placed after the campaign's last one, added to the session."""
    explainer = Explainer(
        campaign=campaign,
        position=next_explainer_position(campaign),
        status=ExplainerStatus.DRAFT,
        language=campaign.language,
    )
    db.session.add(explainer)
    return explainer


def next_explainer_position(campaign: Campaign) -> int:
    """The position after the campaign's last explainer."""
    last = db.session.scalar(
        select(func.max(Explainer.position)).where(Explainer.campaign_id == campaign.id)
    )
    return 0 if last is None else last + 1


def publish(explainer: Explainer) -> None:
    """Make an explainer public now (a scheduled one too); the first publication sets its date."""
    explainer.status = ExplainerStatus.PUBLISHED
    explainer.publish_at = None
    if explainer.published_at is None:
        explainer.published_at = utcnow()
    db.session.flush()


def unpublish(explainer: Explainer) -> None:
    """Hide an explainer from the public again (or drop its schedule); its date is kept for a
    re-publication."""
    explainer.status = ExplainerStatus.DRAFT
    explainer.publish_at = None
    db.session.flush()


def schedule(explainer: Explainer, when: datetime, now: datetime | None = None) -> None:
    """Publish a draft (or move a scheduled explainer) at `when`, which must be in the future."""
    if explainer.is_published:
        raise ContentError(_("This explainer is published already: unpublish it first."))
    if when <= (now or utcnow()):
        raise ContentError(_("Choose a time in the future: that moment has already passed."))
    explainer.status = ExplainerStatus.SCHEDULED
    explainer.publish_at = when
    db.session.flush()


def unschedule(explainer: Explainer) -> None:
    """A scheduled explainer back to a draft that waits for the organiser."""
    if explainer.status != ExplainerStatus.SCHEDULED:
        raise ContentError(_("This explainer is not scheduled."))
    unpublish(explainer)


def publish_due_explainers(now: datetime | None = None) -> list[int]:
    """Publish every scheduled explainer whose time has come, audited (commits); their ids."""
    now = now or utcnow()
    due = select(Explainer.id).where(
        Explainer.status == ExplainerStatus.SCHEDULED, Explainer.publish_at <= now
    )
    published = []
    for explainer_id in db.session.scalars(due).all():
        # A compare-and-set per row: an organiser who unscheduled it a moment ago, or the
        # sweep of another process, wins, and the publication is audited once.
        changed = db.session.execute(
            update(Explainer)
            .where(
                Explainer.id == explainer_id,
                Explainer.status == ExplainerStatus.SCHEDULED,
                Explainer.publish_at <= now,
            )
            .values(
                status=ExplainerStatus.PUBLISHED,
                published_at=func.coalesce(Explainer.published_at, Explainer.publish_at),
                publish_at=None,
            )
            .execution_options(synchronize_session="fetch")
        ).rowcount
        if changed:
            record_status_change(
                "explainer", explainer_id, ExplainerStatus.SCHEDULED, ExplainerStatus.PUBLISHED
            )
            published.append(explainer_id)
    if published:
        bump_revision(db.session.connection(), "content")  # an UPDATE the flush cannot see
    db.session.commit()
    return published


def publish_due_explainers_sweep(app: Flask) -> None:
    """The sweep's receiver (see campaign.jobs)."""
    publish_due_explainers()


def _swap_with_neighbour(items: list, item, direction: int) -> None:
    index = items.index(item)
    other = index + direction
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    for position, each in enumerate(items):
        each.position = position
    db.session.flush()


def move_explainer(explainer: Explainer, direction: int) -> None:
    """Move an explainer one place up (-1) or down (+1) in its campaign's order."""
    siblings = list(
        db.session.scalars(
            select(Explainer)
            .where(Explainer.campaign_id == explainer.campaign_id)
            .order_by(Explainer.position, Explainer.id)
        )
    )
    _swap_with_neighbour(siblings, explainer, direction)


def set_translation_of(explainer: Explainer, original: Explainer | None) -> None:
    """Record that `explainer` translates `original` (or nothing, with None).

    Translations hang off one original, so a chain A <- B <- C is stored as A <- B, A <- C.
    """
    if original is None:
        # Its own translations stay in its group, where each language appears once.
        if any(other.language == explainer.language for other in _translations(explainer)):
            raise ContentError(
                f"A translation of this explainer is already in language “{explainer.language}”."
            )
        explainer.translation_of = None
        db.session.flush()
        return
    root = original.translation_of or original
    if root.id == explainer.id:
        raise ContentError("An explainer cannot be a translation of itself.")
    if explainer.translation_of_id is None and _has_translations(explainer):
        raise ContentError(
            "This explainer has translations of its own; link those to the other original first."
        )
    versions = [other for other in translation_group(root) if other.id != explainer.id]
    if any(other.language == explainer.language for other in versions):
        raise ContentError(
            f"That explainer already has a version in language “{explainer.language}”."
        )
    explainer.translation_of = root
    db.session.flush()


def _translations(explainer: Explainer) -> list[Explainer]:
    if explainer.id is None:
        return []  # not saved yet, so nothing can point at it
    query = select(Explainer).where(Explainer.translation_of_id == explainer.id)
    return list(db.session.scalars(query))


def _has_translations(explainer: Explainer) -> bool:
    return bool(_translations(explainer))


def translation_group(explainer: Explainer, published_only: bool = False) -> list[Explainer]:
    """The original and all its translations, ordered by language."""
    root_id = explainer.translation_of_id or explainer.id
    query = select(Explainer).where(
        (Explainer.id == root_id) | (Explainer.translation_of_id == root_id)
    )
    if published_only:
        query = query.where(Explainer.status == ExplainerStatus.PUBLISHED)
    return list(db.session.scalars(query.order_by(Explainer.language)))


def add_link(explainer: Explainer, title: str, url: str) -> LearnMoreLink:
    """Append a learn-more link to an explainer."""
    link = LearnMoreLink(title=title, url=url, position=len(explainer.links))
    explainer.links.append(link)
    db.session.flush()
    return link


def remove_link(link: LearnMoreLink) -> None:
    """Delete a learn-more link and close the gap in the order."""
    explainer = link.explainer
    explainer.links.remove(link)
    for position, each in enumerate(explainer.links):
        each.position = position
    db.session.flush()


def move_link(link: LearnMoreLink, direction: int) -> None:
    """Move a learn-more link one place up (-1) or down (+1)."""
    _swap_with_neighbour(list(link.explainer.links), link, direction)
