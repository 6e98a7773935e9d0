"""The demo petition, with a few hundred generated confirmed signatures so the page looks alive."""

import random
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, select

from campaign.content.models import Campaign
from campaign.db import utcnow
from campaign.extensions import db
from campaign.petitions.counting import recount
from campaign.petitions.models import (
    CommentStatus,
    Petition,
    PetitionStatus,
    Signature,
    SignatureStatus,
)

HERE = Path(__file__).resolve().parent

FIRST_NAMES = (
    "Aisha", "Alex", "Amina", "Ana", "Arslan", "Ayse", "Ben", "Carlos", "Chen", "Dilnur", "Elif",
    "Emma", "Farid", "Gulnar", "Hana", "Ilham", "Ines", "Jakob", "Jamal", "Kamila", "Lea",
    "Leila", "Lucas", "Mahmut", "Maria", "Mehmet", "Mihrigul", "Noah", "Nur", "Omar", "Priya",
    "Rahima", "Sam", "Sara", "Tahir", "Tom", "Yusuf", "Zainab", "Zumret",
)  # fmt: skip
COUNTRIES = ("GB", "US", "DE", "FR", "TR", "KZ", "NL", "SE", "CA", "AU", "JP", "IN", "NO", "BE")
COMMENTS = (
    "Nobody should be locked up for an app on their phone.",
    "My family lost touch with relatives in Xinjiang years ago.",
    "Independent investigators should see for themselves.",
)


def load_petition(campaign: Campaign, fields: dict, created: list[str], kept: list[str]) -> None:
    """Create the demo petition and its signatures unless a petition with its slug exists."""
    if db.session.scalar(select(Petition.id).where(Petition.slug == fields["slug"])):
        kept.append(f"petition {fields['slug']}")
        return
    petition = Petition(
        campaign=campaign,
        slug=fields["slug"],
        title=fields["title"],
        target=fields["target"],
        body=(HERE / "petitions" / fields["body"]).read_text(encoding="utf-8"),
        goal=fields["goal"],
        thank_you_text=fields["thank_you_text"],
        status=PetitionStatus.OPEN,
    )
    db.session.add(petition)
    db.session.flush()
    _generate_signatures(petition, fields["demo_signatures"])
    recount(petition)
    created.append(f"petition {petition.slug} with {fields['demo_signatures']} signatures")


def _generate_signatures(petition: Petition, how_many: int) -> None:
    chooser = random.Random(2019)  # the same demo every time
    now = utcnow()
    rows = []
    for number in range(how_many):
        confirmed_at = now - timedelta(minutes=chooser.randint(5, 60 * 24 * 30))
        comment = chooser.choice(COMMENTS) if number % 40 == 0 else ""
        rows.append(
            {
                "petition_id": petition.id,
                "name": f"{chooser.choice(FIRST_NAMES)} {chr(chooser.randint(65, 90))}.",
                "email": f"demo-signer-{number}@example.org",
                "country": chooser.choice(COUNTRIES),
                "show_name": chooser.random() < 0.6,
                "comment": comment,
                "comment_status": CommentStatus.APPROVED if comment else CommentStatus.NONE,
                "source": chooser.choice(("", "", "newsletter", "twitter", "partner")),
                "status": SignatureStatus.CONFIRMED,
                "created_at": confirmed_at - timedelta(minutes=3),
                "confirmed_at": confirmed_at,
            }
        )
    db.session.execute(insert(Signature), rows)
