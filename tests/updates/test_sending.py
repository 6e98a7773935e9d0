"""Sending an update: the audience, batches, personalisation, and never twice."""

from pathlib import Path

import pytest
from sqlalchemy import select

from campaign.db import utcnow
from campaign.mailer.transports.outbox import FileTransport
from campaign.subscribers.models import Subscriber, SubscriberStatus
from campaign.updates.audience import audience_size, queue_deliveries
from campaign.updates.models import AudienceKind, Delivery, DeliveryStatus, UpdateStatus
from campaign.updates.sending import claim_batch, run, start
from tests.factories.content import make_campaign
from tests.factories.subscribers import make_subscriber
from tests.factories.updates import emails_in, make_update, statuses


def test_audience_counts_follow_the_segment(session):
    campaign = make_campaign()
    make_subscriber(email="a@example.org", campaign_id=campaign.id, language="ug")
    make_subscriber(email="b@example.org", language="en")
    make_subscriber(email="c@example.org", status=SubscriberStatus.UNSUBSCRIBED)
    make_subscriber(email="d@example.org", status=SubscriberStatus.PENDING)

    assert audience_size(make_update()) == 2
    assert (
        audience_size(
            make_update(audience_kind=AudienceKind.CAMPAIGN, audience_campaign_id=campaign.id)
        )
        == 1
    )
    assert audience_size(make_update(audience_language="ug")) == 1


def test_deliveries_are_created_once_however_often_queued(session):
    for number in range(5):
        make_subscriber(email=f"p{number}@example.org")
    update = make_update()
    session.commit()

    assert queue_deliveries(update, chunk=2) == 5
    assert queue_deliveries(update, chunk=2) == 0
    assert statuses(update) == {"queued": 5}


def test_each_active_subscriber_gets_one_personal_email(app_settings, session, tmp_path):
    make_subscriber(email="maya@example.org", name="Maya <b>")
    make_subscriber(email="omar@example.org", name="")
    update = make_update(subject="The cables are out", body="Read **this**.")
    session.commit()
    app_settings(MAIL_BATCH_SIZE=1)

    start(update)
    report = run(update.id, transport=FileTransport(tmp_path))

    assert report.stopped_because == "done"
    assert update.status == UpdateStatus.SENT
    assert statuses(update) == {"sent": 2}
    emails = emails_in(tmp_path)
    assert len(emails) == 2
    messages = {m["To"]: m for m in emails}
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
    make_subscriber(email="stay@example.org")
    leaving = make_subscriber(email="leave@example.org")
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
        make_subscriber(email=f"r{number}@example.org")
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
    make_subscriber(email="x@example.org")
    update = make_update()
    session.commit()
    start(update)
    update.status = status
    session.commit()

    report = run(update.id, transport=FileTransport(tmp_path))

    assert report.stopped_because == status
    assert list(Path(tmp_path).glob("*.eml")) == []


def test_sendgrid_gets_one_request_per_batch_with_a_personalization_each(
    app_settings, sendgrid_api, session
):
    for number in range(5):
        make_subscriber(email=f"s{number}@example.org", name=f"Person {number}")
    update = make_update(subject="Sent in bulk")
    session.commit()
    app_settings(MAIL_BATCH_SIZE=3)

    start(update)
    report = run(update.id)

    assert report.requests == 2
    first, second = (request.json for request in sendgrid_api.requests)
    assert len(first["personalizations"]) == 3 and len(second["personalizations"]) == 2
    people = first["personalizations"] + second["personalizations"]
    assert sorted(p["to"][0]["email"] for p in people) == [f"s{n}@example.org" for n in range(5)]
    sample = people[0]
    assert sample["substitutions"]["[%name%]"] == " Person 0"
    assert sample["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert sample["custom_args"]["delivery_id"].isdigit()
    assert first["headers"]["List-Id"] == "Campaign <updates.campaign.test>"
    assert [c["type"] for c in first["content"]] == ["text/plain", "text/html"]
    assert statuses(update) == {"sent": 5}


def test_a_refused_batch_is_retried_then_released_back_to_the_queue(sendgrid_api, session):
    make_subscriber(email="t@example.org")
    update = make_update()
    session.commit()
    for _ in range(3):
        sendgrid_api.answer_next(429, {"errors": [{"message": "Too many requests"}]})

    start(update)
    report = run(update.id)

    assert report.requests == 3
    assert report.stopped_because.startswith("refused for now")
    assert statuses(update) == {"queued": 1}
    assert run(update.id).stopped_because == "done"
    assert statuses(update) == {"sent": 1}


def test_a_recipient_sendgrid_refuses_fails_and_the_others_still_go(sendgrid_api, session):
    make_subscriber(email="good@example.org")
    make_subscriber(email="bad@example.org")
    update = make_update()
    session.commit()
    sendgrid_api.answer_next(
        400,
        {"errors": [{"message": "Invalid address", "field": "personalizations.1.to.0.email"}]},
    )

    start(update)
    run(update.id)

    failed = session.execute(
        select(Subscriber.email, Delivery.error)
        .join(Delivery, Delivery.subscriber_id == Subscriber.id)
        .where(Delivery.status == DeliveryStatus.FAILED)
    ).all()
    assert [email for email, _error in failed] == ["bad@example.org"]
    assert "Invalid address" in failed[0].error
    assert statuses(update) == {"sent": 1, "failed": 1}
    assert len(sendgrid_api.requests[1].json["personalizations"]) == 1


def test_a_finished_update_chosen_for_the_site_is_published(session, tmp_path):
    make_subscriber(email="u@example.org")
    update = make_update(publish_on_site=True)
    kept_private = make_update(slug="private")
    session.commit()

    start(update)
    run(update.id, transport=FileTransport(tmp_path))
    start(kept_private)
    run(kept_private.id, transport=FileTransport(tmp_path))

    assert update.published_at is not None
    assert kept_private.published_at is None


def test_the_sweep_starts_a_scheduled_update_once_its_time_has_come(app_settings, session):
    from datetime import timedelta

    from campaign.updates.runner import start_due_updates

    make_subscriber(email="v@example.org")
    later = make_update(status=UpdateStatus.SCHEDULED, scheduled_at=utcnow() + timedelta(hours=1))
    due = make_update(status=UpdateStatus.SCHEDULED, scheduled_at=utcnow() - timedelta(seconds=5))
    session.commit()

    assert start_due_updates() == [due.id]
    assert due.status == UpdateStatus.SENDING
    assert later.status == UpdateStatus.SCHEDULED
    assert statuses(due) == {"queued": 1}


def test_provider_events_are_recorded_on_the_delivery(session, tmp_path):
    from campaign.mailer.sendgrid.events import apply_event

    make_subscriber(email="w@example.org")
    update = make_update()
    session.commit()
    start(update)
    run(update.id, transport=FileTransport(tmp_path))
    delivery = session.scalar(select(Delivery))

    for name in ("delivered", "deferred", "unsubscribe"):
        apply_event({"event": name, "email": "w@example.org", "delivery_id": str(delivery.id)})

    assert delivery.event == "unsubscribe"
    assert delivery.unsubscribed is True


def test_mailer_send_sends_in_the_foreground_and_refuses_an_unknown_update(
    app, app_settings, session, tmp_path
):
    make_subscriber(email="cli@example.org")
    make_update(slug="from-the-cli")
    session.commit()
    app_settings(MAIL_FILE_DIR=str(tmp_path))
    runner = app.test_cli_runner()

    result = runner.invoke(args=["mailer", "send", "from-the-cli"])
    unknown = runner.invoke(args=["mailer", "send", "no-such-update"])

    assert result.exit_code == 0, result.output
    assert "done: sent 1, failed 0, skipped 0, uncertain 0" in result.output
    assert len(list(Path(tmp_path).glob("*.eml"))) == 1
    assert unknown.exit_code == 2
    assert unknown.output.strip() == "Error: There is no update 'no-such-update'."


def test_the_donor_audience_is_donors_who_opted_in_and_confirmed(session):
    from campaign.donations.models import DonationStatus
    from tests.factories.donations import make_donation

    make_subscriber(email="giver@example.org")
    make_subscriber(email="quiet-giver@example.org")
    make_subscriber(email="reader@example.org")
    make_subscriber(email="unconfirmed-giver@example.org", status=SubscriberStatus.PENDING)
    for email, opted_in in [
        ("giver@example.org", True),
        ("quiet-giver@example.org", False),
        ("unconfirmed-giver@example.org", True),
    ]:
        make_donation(donor_email=email, subscribe=opted_in, status=DonationStatus.PAID)
    make_donation(donor_email="reader@example.org", subscribe=True, status=DonationStatus.FAILED)

    assert audience_size(make_update(audience_kind=AudienceKind.DONORS)) == 1


def test_a_batch_waiting_for_its_turn_under_the_rate_limit_is_not_declared_uncertain(
    app_settings, monkeypatch, session, tmp_path
):
    from datetime import timedelta

    from campaign.updates import sending

    for number in range(4):
        make_subscriber(email=f"paced{number}@example.org")
    update = make_update()
    session.commit()
    app_settings(MAIL_BATCH_SIZE=2, UPDATE_BATCH_LEASE_SECONDS=60)

    class SlowPacer:
        """MAIL_RATE_PER_SECOND low enough that a batch's turn comes after the lease."""

        def __init__(self, rate):
            pass

        def wait(self, count=1):
            # Meanwhile another sender (a second Celery task, another web process) starts.
            sending.mark_abandoned_uncertain(update.id, utcnow() + timedelta(seconds=61))

    monkeypatch.setattr(sending, "Pacer", SlowPacer)
    start(update)
    report = run(update.id, transport=FileTransport(tmp_path))

    assert report.stopped_because == "done"
    assert statuses(update) == {"sent": 4}
    assert len(list(Path(tmp_path).glob("*.eml"))) == 4


@pytest.mark.parametrize(
    ("before", "now"),
    [
        (UpdateStatus.SCHEDULED, UpdateStatus.DRAFT),  # unscheduled as the sweep picked it up
        (UpdateStatus.PAUSED, UpdateStatus.CANCELLED),  # cancelled as `mailer send` resumed it
    ],
)
def test_start_does_not_override_what_an_organiser_just_did(before, now, session, tmp_path):
    from sqlalchemy import update as sql_update

    from campaign.updates.models import Update

    make_subscriber(email="x@example.org")
    update = make_update(status=before, scheduled_at=utcnow())
    session.commit()
    assert update.status == before  # what this process read a moment ago
    # Another process (the organiser's click) changes it before this one writes.
    session.execute(
        sql_update(Update)
        .where(Update.id == update.id)
        .values(status=now)
        .execution_options(synchronize_session=False)
    )

    start(update)
    report = run(update.id, transport=FileTransport(tmp_path))

    assert update.status == now
    assert report.stopped_because == now
    assert list(Path(tmp_path).glob("*.eml")) == []


def test_a_recipient_refused_for_now_is_not_retried_in_a_tight_loop(session, tmp_path):
    from dataclasses import replace

    from campaign.mailer.transports import RecipientResult

    make_subscriber(email="full@example.org")
    make_subscriber(email="fine@example.org")
    update = make_update()
    session.commit()
    files = FileTransport(tmp_path)

    class MailboxFull:
        """The relay answers 452 for one address every time (greylisting, a full mailbox)."""

        def __init__(self):
            self.tries: list[str] = []

        def send_bulk(self, message):
            self.tries += [recipient.to for recipient in message.recipients]
            if len(self.tries) > 20:
                raise AssertionError(f"tried {len(self.tries)} times in one run")
            return [
                RecipientResult("retry", error="SMTP 452: mailbox full")
                if recipient.to == "full@example.org"
                else files.send_bulk(replace(message, recipients=[recipient]))[0]
                for recipient in message.recipients
            ]

    transport = MailboxFull()
    start(update)
    report = run(update.id, transport=transport)

    assert transport.tries.count("full@example.org") == 1
    assert transport.tries.count("fine@example.org") == 1
    assert report.stopped_because.startswith("refused for now")
    assert statuses(update) == {"sent": 1, "queued": 1}
    assert update.status == UpdateStatus.SENDING
    # A later run (the next sweep) tries again.
    run(update.id, transport=transport)
    assert transport.tries.count("full@example.org") == 2


def test_a_recipient_refused_too_often_fails_and_the_update_finishes(
    app_settings, session, tmp_path
):
    from campaign.mailer.transports import RecipientResult

    make_subscriber(email="full@example.org")
    update = make_update()
    session.commit()
    app_settings(MAIL_MAX_ATTEMPTS=3)

    class AlwaysFull:
        def send_bulk(self, message):
            return [RecipientResult("retry", error="SMTP 452: mailbox full")]

    start(update)
    reports = [run(update.id, transport=AlwaysFull()) for _ in range(4)]

    assert [r.stopped_because.split(":")[0] for r in reports] == [
        "refused for now",
        "refused for now",
        "done",
        "sent",
    ]
    assert statuses(update) == {"failed": 1}
    failed = session.scalar(select(Delivery))
    assert failed.attempts == 3
    assert failed.error == "Refused 3 times; given up."
    assert update.status == UpdateStatus.SENT


@pytest.mark.parametrize("reason", ["bounce", "dropped", "spamreport"])
def test_a_suppressed_address_gets_no_update_even_if_its_subscriber_is_active(
    reason, session, tmp_path
):
    from campaign.mailer.models import Suppression

    # Its petition confirmation bounced (or was reported as spam) before it was a subscriber;
    # an import then added it as active.
    session.add(Suppression(email="blocked@example.org", reason=reason))
    make_subscriber(email="blocked@example.org")
    make_subscriber(email="fine@example.org")
    update = make_update()
    session.commit()

    start(update)
    run(update.id, transport=FileTransport(tmp_path))

    assert [m["To"] for m in emails_in(tmp_path)] == ["fine@example.org"]
    assert statuses(update) == {"sent": 1, "skipped": 1}


def test_a_name_marker_written_into_the_update_is_escaped_in_the_html_part(session, tmp_path):
    make_subscriber(email="odd@example.org", name='<img src=x onerror="alert(1)">')
    update = make_update(subject="News for [%name%]", body="Dear [%name%], read on.")
    session.commit()

    start(update)
    run(update.id, transport=FileTransport(tmp_path))

    [message] = emails_in(tmp_path)
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert "<img" not in html
    assert "Dear  &lt;img src=x onerror=&quot;alert(1)&quot;&gt;, read on." in html
    assert 'Dear  <img src=x onerror="alert(1)">, read on.' in text
    assert "[%" not in html + text


def test_a_relay_that_took_the_message_but_answered_too_late_is_not_sent_again(
    app_settings, smtp_sink, session
):
    import asyncio

    make_subscriber(email="late@example.org")
    update = make_update()
    session.commit()
    app_settings(MAIL_TIMEOUT_SECONDS=1)
    accept = smtp_sink.handler.handle_DATA

    async def accept_then_answer_late(server, smtp_session, envelope):
        reply = await accept(server, smtp_session, envelope)  # the relay has the message
        await asyncio.sleep(1.5)  # content scanning: the 250 comes after our timeout
        return reply

    smtp_sink.handler.handle_DATA = accept_then_answer_late

    start(update)
    run(update.id)
    run(update.id)

    assert [mail.rcpt_tos for mail in smtp_sink.received] == [["late@example.org"]]
    assert statuses(update) == {"uncertain": 1}


def test_publishing_a_sent_update_refreshes_the_campaign_hub(client, session, tmp_path):
    campaign = make_campaign()
    make_subscriber(email="hub@example.org")
    update = make_update(campaign=campaign, publish_on_site=True, subject="Fresh news")
    session.commit()
    start(update)
    etag = client.get(f"/c/{campaign.slug}").headers["ETag"]

    run(update.id, transport=FileTransport(tmp_path))

    page = client.get(f"/c/{campaign.slug}", headers={"If-None-Match": etag})
    assert page.status_code == 200
    assert "Fresh news" in page.get_data(as_text=True)


def test_parallel_senders_share_the_send_rate(app_settings, session, tmp_path):
    import time

    for number in range(4):
        make_subscriber(email=f"rate{number}@example.org")
    update = make_update()
    session.commit()
    app_settings(MAIL_RATE_PER_SECOND=40, MAIL_BATCH_SIZE=1)
    start(update)

    started = time.monotonic()
    run(update.id, transport=FileTransport(tmp_path), share_of_rate=4)

    # 40 a second shared by 4 senders is 10 a second each: four sends need 0.3 s or more.
    assert time.monotonic() - started >= 0.3


def test_mailer_send_with_incomplete_transport_settings_starts_nothing(app, app_settings, session):
    update = make_update(slug="not-yet")
    session.commit()
    app_settings(MAIL_TRANSPORT="smtp", SMTP_URL=None)

    result = app.test_cli_runner().invoke(args=["mailer", "send", "not-yet"])

    assert result.exit_code == 1
    assert result.output.strip() == "Error: MAIL_TRANSPORT=smtp needs SMTP_URL."
    session.refresh(update)
    assert update.status == UpdateStatus.DRAFT
