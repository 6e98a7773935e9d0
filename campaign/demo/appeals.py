"""The demo appeals: one through the (test) checkout, one that links to a partner."""

from pathlib import Path

from sqlalchemy import select

from campaign.content.models import Campaign
from campaign.donations.models import Appeal, AppealStatus
from campaign.extensions import db

HERE = Path(__file__).resolve().parent


def load_appeal(campaign: Campaign, fields: dict, created: list[str], kept: list[str]) -> None:
    """Create a demo appeal unless one with its slug exists."""
    if db.session.scalar(select(Appeal.id).where(Appeal.slug == fields["slug"])):
        kept.append(f"appeal {fields['slug']}")
        return
    db.session.add(
        Appeal(
            campaign=campaign,
            slug=fields["slug"],
            title=fields["title"],
            body=(HERE / "appeals" / fields["body"]).read_text(encoding="utf-8"),
            currency=fields["currency"],
            preset_amounts=fields.get("preset_amounts", []),
            goal=fields.get("goal"),
            allow_monthly=fields.get("allow_monthly", False),
            external_url=fields.get("external_url"),
            status=AppealStatus.OPEN,
        )
    )
    db.session.flush()
    created.append(f"appeal {fields['slug']}")
