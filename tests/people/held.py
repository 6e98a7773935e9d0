"""One supporter with something in every table that can hold them, beside other supporters,
made the way the site makes it (signing, confirming, giving, an update, the outbox sent)."""

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import String, cast, func, inspect, select, table
from sqlalchemy import column as column_named

from campaign.db import utcnow
from campaign.donations.models import Appeal, DonationStatus
from campaign.donations.queries import raised
from campaign.donations.receipts import send_receipt
from campaign.mailer.dispatch import dispatch_due
from campaign.mailer.models import Suppression
from campaign.mailer.transports.outbox import FileTransport
from campaign.petitions.counting import counts_by_country, signature_count, tally_petition
from campaign.petitions.models import Petition, Signature
from campaign.subscribers.models import Subscriber
from campaign.updates.models import Delivery, Update
from campaign.updates.sending import run, start
from campaign.webhooks.models import WebhookEvent
from tests.factories.content import make_campaign
from tests.factories.donations import make_appeal, make_donation
from tests.factories.petitions import confirm_path, make_petition, make_signature, press_confirm
from tests.factories.petitions import sign as sign_form
from tests.factories.subscribers import make_subscriber
from tests.factories.updates import make_update, statuses

EMAIL = "z.t.1987@example.org"
NAME = "Zumrat Tursunova"
POSTCODE = "N1 9GU"
COMMENT = "For my family in Ghulja, who I cannot call."
# What must be nowhere after the erasure: the address, the name (whole and in part), the
# postcode, the comment, and the digest of the network address the person signed from.
NEEDLES = (EMAIL, NAME, "Tursunova", POSTCODE, "family in Ghulja")


@dataclass
class Counts:
    """What the public sees, and the organisers' delivery counts: nothing may move."""

    signatures: int
    by_country: dict
    raised: int
    donors: int
    deliveries: dict

    @classmethod
    def now(cls, petition: Petition, appeal: Appeal, update: Update) -> "Counts":
        money = raised(appeal)
        return cls(
            signatures=signature_count(petition),
            by_country=counts_by_country(petition),
            raised=money.amount,
            donors=money.donors,
            deliveries=statuses(update),
        )


@dataclass
class Held:
    petition: Petition
    other_petition: Petition
    appeal: Appeal
    update: Update
    mail_dir: Path
    ip_hash: str

    def counts(self) -> Counts:
        return Counts.now(self.petition, self.appeal, self.update)


def hold_everything(client, session, mail_dir: Path) -> Held:
    """The supporter EMAIL signed, confirmed (and so subscribed), signed another petition
    without confirming, gave (one paid gift and one left at the checkout), got an update and
    every transactional email as .eml files in `mail_dir`; a provider suppressed and
    reported on them. Others signed, gave and got the update too."""
    campaign = make_campaign()
    petition = make_petition(campaign, ask_postcode=True)
    other_petition = make_petition(campaign)
    appeal = make_appeal(campaign)
    for number in range(3):
        make_signature(petition, country="DE", email=f"other{number}@example.org")
        make_subscriber(email=f"reader-other{number}@example.org", name=f"Other {number}")
    make_donation(appeal, status=DonationStatus.PAID, paid_at=utcnow(), amount=1500)
    session.commit()  # for the requests below, which may have a connection of their own

    sign_form(
        client,
        petition,
        name=NAME,
        email=EMAIL,
        country="GB",
        postcode=POSTCODE,
        comment=COMMENT,
        show_name="y",
        subscribe="y",
        utm_source="newsletter",
    )
    signature = session.scalar(select(Signature).where(Signature.email == EMAIL))
    assert press_confirm(client, confirm_path(signature)).status_code == 200
    sign_form(client, other_petition, name=NAME, email=EMAIL, country="GB")
    tally_petition(petition.id)  # some of the count folded in, some not yet

    paid = make_donation(
        appeal,
        status=DonationStatus.PAID,
        paid_at=utcnow(),
        amount=5000,
        donor_name=NAME,
        donor_email=EMAIL.upper(),  # as the donor typed it at the checkout
    )
    send_receipt(paid)
    make_donation(appeal, donor_name=NAME, donor_email=EMAIL)

    update = make_update(body="Dear friend[%name%], thank you.")
    session.commit()
    start(update)
    transport = FileTransport(mail_dir)
    run(update.id, transport=transport)
    dispatch_due(transport=transport)

    # A provider's refusal that quotes the address, as some do.
    _delivery_of(session, EMAIL).error = f"452 4.2.2 <{EMAIL}>: mailbox full"
    session.add(Suppression(email=EMAIL, reason="unsubscribe", detail=f"group unsubscribe {EMAIL}"))
    session.add(
        WebhookEvent(
            provider="sendgrid",
            event_id="sg-event-1",
            event_type="unsubscribe",
            reason=f"events[0].email {EMAIL} names no subscriber",
        )
    )
    session.commit()
    signed = session.scalar(
        select(Signature).where(Signature.petition_id == petition.id, Signature.email == EMAIL)
    )
    assert signed.ip_hash, "the sign form keeps a digest of the network address"
    return Held(petition, other_petition, appeal, update, mail_dir, signed.ip_hash)


def _delivery_of(session, email: str) -> Delivery:
    return session.scalar(
        select(Delivery)
        .join(Subscriber, Subscriber.id == Delivery.subscriber_id)
        .where(Subscriber.email == email)
    )


def columns_holding(session, needles) -> list[str]:
    """Every "table.column" of the database (read from the database itself, not the models)
    whose text, in any row, contains one of `needles`, ignoring case."""
    inspector = inspect(session.connection())
    found = []
    for table_name in inspector.get_table_names():
        names = [each["name"] for each in inspector.get_columns(table_name)]
        shape = table(table_name, *(column_named(name) for name in names))
        for name in names:
            text = func.lower(cast(shape.c[name], String))
            for needle in needles:
                hits = session.scalar(
                    select(func.count())
                    .select_from(shape)
                    .where(text.contains(needle.lower(), autoescape=True))
                )
                if hits:
                    found.append(f"{table_name}.{name} holds {needle!r}")
    return found


def files_holding(folder: Path, needles) -> list[str]:
    """The files in `folder` whose bytes contain one of `needles`, ignoring case."""
    found = []
    for path in sorted(folder.iterdir()):
        content = path.read_bytes().lower()
        found += [f"{path.name} holds {n!r}" for n in needles if n.lower().encode() in content]
    return found
