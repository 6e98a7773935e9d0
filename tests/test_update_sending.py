"""Sending an update: the audience, batches, personalisation, and never twice."""

from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import func, select

from campaign.audience.models import Subscriber, SubscriberStatus
from campaign.db import utcnow
from campaign.mailer.transports.outbox import FileTransport
from campaign.updates.audience import audience_size, queue_deliveries
from campaign.updates.models import AudienceKind, Delivery, DeliveryStatus, Update, UpdateStatus
from campaign.updates.sending import claim_batch, run, start
from tests.factories import make_campaign


def make_subscriber(email: str, status=SubscriberStatus.ACTIVE, **fields) -> Subscriber:
    from campaign.extensions import db

    subscriber = Subscriber(email=email, status=status, **fields)
    db.session.add(subscriber)
    db.session.flush()
    return subscriber


def make_update(**fields) -> Update:
    from campaign.extensions import db

    values = {"slug": f"update-{utcnow().timestamp()}", "subject": "News", "body": "**Hi**"}
    update = Update(**(values | fields))
    db.session.add(update)
    db.session.flush()
    return update


def statuses(update: Update) -> dict[str, int]:
    from campaign.extensions import db

    rows = db.session.execute(
        select(Delivery.status, func.count())
        .where(Delivery.update_id == update.id)
        .group_by(Delivery.status)
    ).all()
    return dict(rows)


def test_audience_counts_follow_the_segment(session):
    campaign = make_campaign()
    make_subscriber("a@example.org", campaign_id=campaign.id, language="ug")
    make_subscriber("b@example.org", language="en")
    make_subscriber("c@example.org", status=SubscriberStatus.UNSUBSCRIBED)
    make_subscriber("d@example.org", status=SubscriberStatus.PENDING)

    assert audience_size(make_update()) == 2
    assert audience_size(make_update(audience_kind=AudienceKind.CAMPAIGN,
                                     audience_campaign_id=campaign.id)) == 1  # fmt: skip
    assert audience_size(make_update(audience_language="ug")) == 1


def test_deliveries_are_created_once_however_often_queued(session):
    for number in range(5):
        make_subscriber(f"p{number}@example.org")
    update = make_update()
    session.commit()

    assert queue_deliveries(update, chunk=2) == 5
    assert queue_deliveries(update, chunk=2) == 0
    assert statuses(update) == {"queued": 5}


def test_each_active_subscriber_gets_one_personal_email(app_settings, session, tmp_path):
    make_subscriber("maya@example.org", name="Maya <b>")
    make_subscriber("omar@example.org")
    update = make_update(subject="The cables are out", body="Read **this**.")
    session.commit()
    app_settings(MAIL_BATCH_SIZE=1)

    start(update)
    report = run(update.id, transport=FileTransport(tmp_path))

    assert report.stopped_because == "done"
    assert update.status == UpdateStatus.SENT
    assert statuses(update) == {"sent": 2}
    files = sorted(Path(tmp_path).glob("*.eml"))
    assert len(files) == 2
    messages = {m["To"]: m for m in (message_from_bytes(f.read_bytes(), policy=policy.default) for f in files)}
    maya = messages["maya@example.org"]
    text = maya.get_body(("plain",)).get_content()
    html = maya.get_body(("html",)).get_content()
    assert "Hello Maya <b>," in text
    assert "Hello Maya &lt;b&gt;," in html
    assert maya["List-Unsubscribe"].startswith("<http://campaign.test/unsubscribe/")
    assert maya["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert maya["List-Id"] == "Campaign <updates.campaign.test>"
    assert "[%" not in text + html
    assert "Hello," in messages["omar@example.org"].get_body(("plain",)).get_content()


def test_who_left_after_the_audience_was_counted_gets_nothing(session, tmp_path):
    make_subscriber("stay@example.org")
    leaving = make_subscriber("leave@example.org")
    update = make_update()
    session.commit()
    start(update)

    leaving.status = SubscriberStatus.UNSUBSCRIBED
    session.commit()
    run(update.id, transport=FileTransport(tmp_path))

    assert statuses(update) == {"sent": 1, "skipped": 1}
    assert [f.name for f in Path(tmp_path).glob("*.eml")] != []
    assert len(list(Path(tmp_path).glob("*.eml"))) == 1


def test_a_batch_left_by_a_dead_sender_becomes_uncertain_never_resent(
    app_settings, session, tmp_path
):
    for number in range(4):
        make_subscriber(f"r{number}@example.org")
    update = make_update()
    session.commit()
    app_settings(MAIL_BATCH_SIZE=2, UPDATE_BATCH_LEASE_SECONDS=0)
    start(update)
    claim_batch(update.id, 2, utcnow())  # a sender claimed this batch, then died

    report = run(update.id, transport=FileTransport(tmp_path))

    assert report.stopped_because == "done"
    assert statuses(update) == {"sent": 2, "uncertain": 2}
    assert len(list(Path(tmp_path).glob("*.eml"))) == 2


@pytest.mark.parametrize("status", [UpdateStatus.PAUSED, UpdateStatus.CANCELLED])
def test_a_paused_or_cancelled_update_sends_nothing_more(status, session, tmp_path):
    make_subscriber("x@example.org")
    update = make_update()
    session.commit()
    start(update)
    update.status = status
    session.commit()

    report = run(update.id, transport=FileTransport(tmp_path))

    assert report.stopped_because == status
    assert list(Path(tmp_path).glob("*.eml")) == []
