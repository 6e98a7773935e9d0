"""Demo subscribers, a draft update ready to preview, test and send from the console, and an
update sent before and published on the site."""

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, insert, select

from campaign.content.models import Campaign
from campaign.db import utcnow
from campaign.extensions import db
from campaign.petitions.models import Petition
from campaign.subscribers.models import Subscriber, SubscriberStatus
from campaign.updates.models import AudienceKind, Update, UpdateStatus

HERE = Path(__file__).resolve().parent
NAMES = (
    "Aisha",
    "Ben",
    "Dilnur",
    "Elif",
    "Farid",
    "Gulnar",
    "Hana",
    "Ilham",
    "Jakob",
    "Kamila",
    "Leila",
    "Mehmet",
)


def load_subscribers(campaign: Campaign, count: int, created: list[str], kept: list[str]) -> None:
    """Confirmed demo subscribers at example.org, unless the demo already made them."""
    demo = Subscriber.email.like("demo-subscriber-%@example.org")
    if db.session.scalar(select(func.count()).where(demo)):
        kept.append("demo subscribers")
        return
    now = utcnow()
    db.session.execute(
        insert(Subscriber),
        [
            {
                "email": f"demo-subscriber-{number}@example.org",
                "name": NAMES[number % len(NAMES)],
                "status": SubscriberStatus.ACTIVE,
                "campaign_id": campaign.id,
                "language": campaign.language,
                "consent_source": "demo",
                "consent_text": "Demo data: generated, not a real person.",
                "consent_at": now,
                "confirmed_at": now,
            }
            for number in range(count)
        ],
    )
    created.append(f"{count} demo subscribers")


def load_update(campaign: Campaign, fields: dict, created: list[str], kept: list[str]) -> None:
    """An update to the campaign's subscribers, unless one with its slug exists: a draft, or,
    with `published_at`, one sent that day (to nobody: the demo subscribers came later) and
    published on the site."""
    if db.session.scalar(select(Update.id).where(Update.slug == fields["slug"])):
        kept.append(f"update {fields['slug']}")
        return
    # The demo's own petition only: a site may have another campaign's under the same slug.
    petition = db.session.scalar(
        select(Petition).where(
            Petition.slug == fields["call_to_action"], Petition.campaign_id == campaign.id
        )
    )
    update = Update(
        campaign=campaign,
        slug=fields["slug"],
        subject=fields["subject"],
        preheader=fields["preheader"],
        body=(HERE / "updates" / fields["body"]).read_text(encoding="utf-8"),
        cta_petition=petition,
        audience_kind=AudienceKind.CAMPAIGN,
        audience_campaign_id=campaign.id,
        publish_on_site=fields["publish_on_site"],
        status=UpdateStatus.DRAFT,
    )
    kind = "draft update"
    if "published_at" in fields:
        sent = datetime.fromisoformat(fields["published_at"]).replace(tzinfo=UTC)
        update.status = UpdateStatus.SENT
        update.started_at = update.audience_queued_at = update.finished_at = sent
        update.published_at = sent
        kind = "published update"
    db.session.add(update)
    db.session.flush()
    created.append(f"{kind} {fields['slug']}")
