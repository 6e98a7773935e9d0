"""What the public side of the site reads: only live campaigns and published explainers.

Lists of explainers show each translation group once, in the reader's language where it has
a published version in it (see `in_language`).
"""

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, selectinload

from campaign.content.models import Campaign, CampaignStatus, Explainer, ExplainerStatus
from campaign.extensions import db
from campaign.i18n.languages import same_language

PUBLIC_CAMPAIGN = Campaign.status.in_([CampaignStatus.LIVE, CampaignStatus.ARCHIVED])


def _published_explainers():
    return (
        select(Explainer)
        .join(Explainer.campaign)
        .options(contains_eager(Explainer.campaign))
        .where(Explainer.status == ExplainerStatus.PUBLISHED, PUBLIC_CAMPAIGN)
    )


def live_campaigns() -> list[Campaign]:
    """Campaigns that are running now, newest first."""
    query = (
        select(Campaign)
        .where(Campaign.status == CampaignStatus.LIVE)
        .order_by(Campaign.created_at.desc())
    )
    return list(db.session.scalars(query))


def latest_explainers(language: str, limit: int = 6) -> list[Explainer]:
    """The most recently published explainers across public campaigns, one per translation
    group (the newest publication in any language dates a group), each in `language` if it can."""
    published = _published_explainers().subquery()
    group = func.coalesce(published.c.translation_of_id, published.c.id)
    latest = (
        select(group)
        .group_by(group)
        .order_by(func.max(published.c.published_at).desc(), group.desc())
        .limit(limit)
    )
    versions = _published_versions(list(db.session.scalars(latest)))
    return [
        _version_in(found, group, language) or found[0]
        for group, found in versions.items()
        if found  # unpublished between the two reads
    ]


def public_campaign(slug: str) -> Campaign | None:
    """A live or archived campaign by slug; drafts are None."""
    return db.session.scalar(select(Campaign).where(Campaign.slug == slug, PUBLIC_CAMPAIGN))


def campaign_explainers(campaign: Campaign, language: str) -> list[Explainer]:
    """A campaign's published explainers in the organisers' order, one per translation group,
    each in `language` if it can (see `in_language`)."""
    query = (
        select(Explainer)
        .where(
            Explainer.campaign_id == campaign.id,
            Explainer.status == ExplainerStatus.PUBLISHED,
        )
        .order_by(Explainer.position, Explainer.id)
    )
    return in_language(list(db.session.scalars(query)), language)


def public_explainer(slug: str) -> Explainer | None:
    """A published explainer of a public campaign, with its links loaded."""
    query = (
        _published_explainers().where(Explainer.slug == slug).options(selectinload(Explainer.links))
    )
    return db.session.scalar(query)


def public_translations(explainer: Explainer) -> list[Explainer]:
    """The published versions of an explainer in public campaigns, itself too, by language."""
    query = _published_explainers().where(_in_groups([explainer.translation_of_id or explainer.id]))
    return list(db.session.scalars(query.order_by(Explainer.language)))


def in_language(explainers: list[Explainer], language: str) -> list[Explainer]:
    """Each translation group among `explainers` once, where its first member stands: its
    published version in `language`, else its original, else that first member.

    A reader of the Uyghur pages sees the Uyghur version where there is one, and otherwise the
    original (which the page marks as being in another language) rather than a random one.
    """
    first_of_group: dict[int, Explainer] = {}
    for explainer in explainers:
        first_of_group.setdefault(explainer.translation_of_id or explainer.id, explainer)
    versions = _published_versions(list(first_of_group))
    return [
        _version_in(versions[group], group, language) or first
        for group, first in first_of_group.items()
    ]


def _in_groups(groups: list[int]):
    # A group is named by its original's id; translations point at the original itself
    # (see publishing.set_translation_of), never at another translation.
    return Explainer.id.in_(groups) | Explainer.translation_of_id.in_(groups)


def _published_versions(groups: list[int]) -> dict[int, list[Explainer]]:
    """The published versions in public campaigns of each group (an original's id), newest
    first."""
    versions: dict[int, list[Explainer]] = {group: [] for group in groups}
    if groups:
        query = _published_explainers().where(_in_groups(groups))
        for version in db.session.scalars(query.order_by(Explainer.published_at.desc())):
            versions[version.translation_of_id or version.id].append(version)
    return versions


def _version_in(versions: list[Explainer], group: int, language: str) -> Explainer | None:
    """The version in `language` (an exact tag before a wider one: "zh-Hans", then "zh"),
    else the original, else None."""
    in_that_language = sorted(
        (version for version in versions if same_language(version.language, language)),
        key=lambda version: version.language.lower() != language.lower(),
    )
    original = [version for version in versions if version.id == group]
    return next(iter(in_that_language or original), None)
