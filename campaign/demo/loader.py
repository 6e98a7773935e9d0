"""Load the demo campaign from china_cables.toml and the Markdown beside it.

Idempotent: what already exists (matched by slug) is left as the organisers may have edited it;
only what is missing is created. Its translations (china_cables.<language>.toml, see
translations.py) follow their files instead.
"""

import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from campaign.accounts.models import Role, User
from campaign.accounts.service import create_user, generate_password
from campaign.content.models import Campaign, CampaignStatus, Explainer, ExplainerStatus
from campaign.content.publishing import add_link
from campaign.demo.appeals import load_appeal
from campaign.demo.look import load_look
from campaign.demo.petitions import load_petition
from campaign.demo.translations import load_translations
from campaign.demo.updates import load_subscribers, load_update
from campaign.extensions import db

HERE = Path(__file__).resolve().parent
DEMO_ORGANISER_EMAIL = "organiser@example.org"


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    organiser_password: str | None = None


def site_is_empty() -> bool:
    return db.session.scalar(select(func.count()).select_from(Campaign)) == 0


def load_demo() -> LoadReport:
    """Create whatever part of the demo campaign is missing; flushes, the caller commits."""
    data = tomllib.loads((HERE / "china_cables.toml").read_text(encoding="utf-8"))
    report = LoadReport()
    campaign = _campaign(data["campaign"], report)
    for position, item in enumerate(data["explainers"]):
        _explainer(campaign, item, position, report)
    for item in data.get("petitions", []):
        load_petition(campaign, item, report.created, report.kept)
    for item in data.get("appeals", []):
        load_appeal(campaign, item, report.created, report.kept)
    # The look first: its images' descriptions are translated with the rest.
    load_look(campaign, data.get("look", {}), report.created, report.kept)
    load_translations(campaign, report.created, report.kept, report.updated)
    if "subscribers" in data:
        load_subscribers(campaign, data["subscribers"]["count"], report.created, report.kept)
    for item in data.get("updates", []):
        load_update(campaign, item, report.created, report.kept)
    report.organiser_password = _first_organiser()
    db.session.flush()
    return report


def _campaign(fields: dict, report: LoadReport) -> Campaign:
    campaign = db.session.scalar(select(Campaign).where(Campaign.slug == fields["slug"]))
    if campaign is not None:
        report.kept.append(f"campaign {campaign.slug}")
        return campaign
    campaign = Campaign(
        slug=fields["slug"],
        title=fields["title"],
        summary=fields["summary"],
        tagline=fields.get("tagline", ""),
        language=fields["language"],
        status=CampaignStatus.LIVE,
    )
    db.session.add(campaign)
    db.session.flush()
    report.created.append(f"campaign {campaign.slug}")
    return campaign


def _explainer(campaign: Campaign, fields: dict, position: int, report: LoadReport) -> None:
    if db.session.scalar(select(Explainer.id).where(Explainer.slug == fields["slug"])):
        report.kept.append(f"explainer {fields['slug']}")
        return
    published = datetime.fromisoformat(fields["published_at"]).replace(tzinfo=UTC)
    explainer = Explainer(
        campaign=campaign,
        slug=fields["slug"],
        title=fields["title"],
        summary=fields["summary"],
        body=(HERE / "explainers" / fields["body"]).read_text(encoding="utf-8"),
        language=campaign.language,
        position=position,
        status=ExplainerStatus.PUBLISHED,
        published_at=published,
    )
    db.session.add(explainer)
    for link in fields.get("links", []):
        add_link(explainer, link["title"], link["url"])
    report.created.append(f"explainer {explainer.slug}")


def _first_organiser() -> str | None:
    """On a site with no organiser yet, make one with a one-time password and return it."""
    if db.session.scalar(select(func.count()).select_from(User)):
        return None
    password = generate_password()
    create_user(DEMO_ORGANISER_EMAIL, password, role=Role.ADMIN, must_change_password=True)
    return password
