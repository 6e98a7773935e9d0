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
# "Why I signed", one each for a dozen signers spread through the list: written for the demo,
# from what the China Cables show, so the page reads like people rather than a template.
COMMENTS = (
    "Nobody should be taken away for having a file-sharing app on their phone.",
    "My family lost touch with our relatives in Xinjiang in 2017. We still do not know where "
    "they are.",
    "The documents were examined and judged authentic. Investigators should be let in to see "
    "the rest for themselves.",
    "More than a million people held without trial is not vocational training.",
    "If the camps really are schools, independent monitors can visit them tomorrow.",
    "A computer flagged people for detention before they had done anything. That is not "
    "justice in any language.",
    "Ten years in prison for telling co-workers not to swear and talking to them about faith.",
    "I signed for my neighbour, who has not heard from her brother since he was taken.",
    "Former detainees have described torture and forced labour. We cannot say we did not know.",
    "I am not Uyghur, but everyone should be able to pray without being watched for it.",
    "Silence is what lets this go on. An independent inquiry is the least we owe them.",
    "The people who leaked these papers took a great risk. Signing is a small thing in return.",
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
    every = max(1, how_many // len(COMMENTS))
    comments = dict(zip(range(0, how_many, every), COMMENTS, strict=False))  # each said once
    rows = []
    for number in range(how_many):
        confirmed_at = now - timedelta(minutes=chooser.randint(5, 60 * 24 * 30))
        comment = comments.get(number, "")
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
