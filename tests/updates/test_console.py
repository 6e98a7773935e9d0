"""Updates in the console under /admin/updates, and on the public site."""

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from campaign.db import utcnow
from campaign.extensions import db
from campaign.mailer.sendgrid.events import apply_event
from campaign.mailer.transports import get_transport
from campaign.petitions.models import PetitionStatus
from campaign.subscribers.models import Subscriber, SubscriberStatus
from campaign.updates.models import AudienceKind, Delivery, Update, UpdateStatus
from campaign.updates.runner import send_updates
from campaign.updates.sending import (
    SendReport,
    claim_batch,
    mark_abandoned_uncertain,
    run,
    send_batch,
)
from tests.factories.content import make_campaign
from tests.factories.petitions import make_petition, make_signature
from tests.factories.subscribers import make_subscriber
from tests.factories.updates import (
    PREVIEW_POLICY,
    deliveries,
    emails_in,
    form_fields,
    make_update,
    statuses,
)
from tests.helpers import csrf_token, post_form


@pytest.fixture
def organiser_email():
    """The organiser's address here: a test send goes to it by default, and the tests look."""
    return "editor@example.org"


@pytest.fixture
def mail_dir(app_settings, tmp_path):
    app_settings(MAIL_FILE_DIR=str(tmp_path))
    return tmp_path


def audience_shown(page: str) -> int:
    match = re.search(r"This audience holds <strong>([\d,]+)</strong>", page)
    assert match, "no audience count on the page"
    return int(match.group(1).replace(",", ""))


def delivery_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Delivery))


# Access


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/admin/updates/"),
        ("get", "/admin/updates/new"),
        ("get", "/admin/updates/{id}/edit"),
        ("get", "/admin/updates/{id}/preview.html"),
        ("get", "/admin/updates/{id}/progress.json"),
        ("post", "/admin/updates/{id}/send"),
        ("post", "/admin/updates/{id}/test"),
    ],
)
def test_every_updates_page_needs_a_signed_in_organiser(client, session, method, path):
    make_subscriber()
    update = make_update()
    session.commit()

    url = path.format(id=update.id)
    if method == "post":  # with a valid token, so only the sign-in check can stop it
        response = client.post(url, data={"csrf_token": csrf_token(client, "/admin/login")})
    else:
        response = client.get(url)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login")
    assert update.status == UpdateStatus.DRAFT
    assert delivery_count() == 0


def test_the_console_nav_leads_to_updates(client, organiser):
    page = client.get("/admin/").get_data(as_text=True)

    assert 'href="/admin/updates/"' in page


# Writing


def test_an_editor_writes_a_draft_whose_body_is_sanitised(client, organiser):
    campaign = make_campaign(title="Free them")
    petition = make_petition(campaign, title="Close the camps")
    fields = form_fields(
        body="Read **this**.\n\n<script>alert(1)</script>",
        campaign=str(campaign.id),
        cta_petition=str(petition.id),
        audience_kind="campaign",
        audience_campaign=str(campaign.id),
        audience_petition=str(petition.id),  # ignored: the kind is "campaign"
        audience_language="ug",
        audience_country="KZ",
        publish_on_site="y",
    )

    response = post_form(client, "/admin/updates/new", fields)

    assert response.status_code == 303
    update = db.session.scalar(select(Update).where(Update.slug == "cables-out"))
    assert response.headers["Location"] == f"/admin/updates/{update.id}"
    assert update.status == UpdateStatus.DRAFT
    assert "<strong>this</strong>" in update.body_html
    assert "<script" not in update.body_html
    assert (update.campaign_id, update.cta_petition_id) == (campaign.id, petition.id)
    assert update.audience_kind == AudienceKind.CAMPAIGN
    assert update.audience_campaign_id == campaign.id
    assert update.audience_petition_id is None
    assert (update.audience_language, update.audience_country) == ("ug", "KZ")
    assert update.publish_on_site is True


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"subject": ""}, "subject", "Enter a subject."),
        ({"subject": "x" * 201}, "subject", "Keep the subject under 200 characters."),
        ({"preheader": "x" * 201}, "preheader", "Keep the preheader under 200 characters."),
        ({"slug": "Cables Out"}, "slug", "Use lowercase letters, digits and single hyphens"),
        ({"audience_kind": "campaign"}, "audience_campaign", "Choose whose subscribers"),
        ({"audience_kind": "petition"}, "audience_petition", "Choose which petition's signers"),
        ({"audience_language": "English!"}, "audience_language", "Use a language code"),
        ({"audience_country": "XX"}, "audience_country", "Not a valid choice"),
    ],
)
def test_a_wrong_field_is_refused_with_a_sentence_beside_it(
    client, organiser, changes, field, message
):
    response = post_form(client, "/admin/updates/new", form_fields(**changes))

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    error = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', page)
    assert error and message in html.unescape(error.group(1))
    assert db.session.scalar(select(func.count()).select_from(Update)) == 0


def test_a_slug_in_use_is_refused(client, organiser):
    make_update(slug="cables-out")

    response = post_form(client, "/admin/updates/new", form_fields())

    assert response.status_code == 400
    assert "Another update already uses this slug" in response.get_data(as_text=True)


def test_the_call_to_action_must_be_an_open_petition_of_the_update_campaign(client, organiser):
    campaign, other = make_campaign(), make_campaign()
    elsewhere = make_petition(other)
    draft = make_petition(campaign, status=PetitionStatus.DRAFT)

    wrong_campaign = post_form(
        client,
        "/admin/updates/new",
        form_fields(campaign=str(campaign.id), cta_petition=str(elsewhere.id)),
    )
    not_open = post_form(
        client,
        "/admin/updates/new",
        form_fields(campaign=str(campaign.id), cta_petition=str(draft.id)),
    )

    assert wrong_campaign.status_code == 400
    assert "Choose a petition of the update's campaign" in html.unescape(
        wrong_campaign.get_data(as_text=True)
    )
    assert not_open.status_code == 400
    assert "This petition is a draft" in not_open.get_data(as_text=True)


def test_an_edit_is_saved_while_scheduled_but_refused_once_sending(client, organiser):
    scheduled = make_update(status=UpdateStatus.SCHEDULED, scheduled_at=utcnow() + timedelta(1))
    sending = make_update(status=UpdateStatus.SENDING, subject="Already going")

    saved = post_form(
        client,
        f"/admin/updates/{scheduled.id}/edit",
        form_fields(subject="Better subject", slug=scheduled.slug),
    )
    refused_page = client.get(f"/admin/updates/{sending.id}/edit")
    refused_post = client.post(
        f"/admin/updates/{sending.id}/edit",
        data=form_fields(subject="Changed", csrf_token=csrf_token(client, "/admin/updates/new")),
    )

    assert saved.status_code == 303
    assert scheduled.subject == "Better subject"
    assert scheduled.status == UpdateStatus.SCHEDULED
    assert refused_page.status_code == 303
    assert refused_post.status_code == 303
    assert sending.subject == "Already going"


# The audience


@pytest.fixture
def segments(session):
    """Subscribers spread over campaigns, a petition, languages and countries."""
    campaign = make_campaign()
    petition = make_petition(campaign)
    ug = make_subscriber(email="ug@example.org", campaign_id=campaign.id, language="ug")
    en = make_subscriber(email="en@example.org", language="en")
    make_subscriber(email="joined@example.org", campaign_id=campaign.id, language="en")
    make_subscriber(email="left@example.org", campaign_id=campaign.id, status="unsubscribed")
    make_subscriber(email="pending@example.org", status=SubscriberStatus.PENDING)
    make_signature(petition, email=ug.email, subscribe=True, country="KZ")
    make_signature(petition, email=en.email, subscribe=False, country="TR")
    return campaign, petition


@pytest.mark.parametrize(
    "audience, expected",
    [
        ({}, 3),
        ({"audience_kind": AudienceKind.CAMPAIGN, "audience_campaign_id": "<campaign>"}, 2),
        ({"audience_kind": AudienceKind.PETITION, "audience_petition_id": "<petition>"}, 1),
        ({"audience_language": "ug"}, 1),
        ({"audience_country": "TR"}, 1),
        ({"audience_country": "KZ", "audience_language": "en"}, 0),
    ],
)
def test_the_edit_page_counts_the_audience_of_each_segment(
    client, organiser, segments, audience, expected
):
    campaign, petition = segments
    names = {"<campaign>": campaign.id, "<petition>": petition.id}
    update = make_update(**{key: names.get(value, value) for key, value in audience.items()})

    page = client.get(f"/admin/updates/{update.id}/edit").get_data(as_text=True)

    assert audience_shown(page) == expected


def test_the_audience_is_counted_again_on_every_view(client, organiser):
    make_subscriber()
    update = make_update()
    first = audience_shown(client.get(f"/admin/updates/{update.id}").get_data(as_text=True))

    make_subscriber()
    again = audience_shown(client.get(f"/admin/updates/{update.id}").get_data(as_text=True))

    assert (first, again) == (1, 2)


# Preview and test


def test_the_preview_shows_both_parts_with_the_markers_filled(client, organiser):
    campaign = make_campaign(title="Free them")
    update = make_update(
        subject="The cables are out", body="Read **this**.", campaign_id=campaign.id
    )

    page = client.get(f"/admin/updates/{update.id}/preview").get_data(as_text=True)
    framed = client.get(f"/admin/updates/{update.id}/preview.html")
    html = framed.get_data(as_text=True)

    assert "Hello Alex," in page  # the text part
    assert "[%" not in page and "[%" not in html
    assert f'src="/admin/updates/{update.id}/preview.html"' in page and "sandbox" in page
    assert "Hello Alex," in html and "<strong>this</strong>" in html
    assert "http://campaign.test/unsubscribe/" in html
    assert framed.headers["Content-Security-Policy"] == PREVIEW_POLICY
    assert framed.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "List-Unsubscribe" in page and "Free them &lt;" in page  # headers, List-Id


def test_a_test_goes_out_by_file_to_the_organiser_and_counts_as_nothing_sent(
    client, organiser, mail_dir
):
    make_subscriber(email="reader@example.org")
    update = make_update(subject="The cables are out")
    url = f"/admin/updates/{update.id}"

    page = client.get(url).get_data(as_text=True)
    response = post_form(client, f"{url}/test", {"email": "editor@example.org"}, form_url=url)

    assert 'value="editor@example.org"' in page  # the organiser's own address by default
    assert response.status_code == 303
    [message] = emails_in(mail_dir)
    assert message["To"] == "editor@example.org"
    assert message["Subject"] == "The cables are out"
    text = message.get_body(("plain",)).get_content()
    assert "Hello Alex," in text and "[%" not in text
    assert message["List-Unsubscribe"].startswith("<http://campaign.test/unsubscribe/")
    assert delivery_count() == 0
    assert update.status == UpdateStatus.DRAFT and update.started_at is None


def test_a_test_through_sendgrid_carries_no_delivery_id(client, organiser, sendgrid_api):
    update = make_update()
    url = f"/admin/updates/{update.id}"

    response = post_form(client, f"{url}/test", {"email": "someone@example.org"}, form_url=url)

    assert response.status_code == 303
    [request] = sendgrid_api.requests
    [person] = request.json["personalizations"]
    assert person["to"] == [{"email": "someone@example.org"}]
    assert "delivery_id" not in person.get("custom_args", {})
    assert person["substitutions"]["[%name%]"] == " Alex"
    assert delivery_count() == 0


def test_a_refused_test_shows_why_beside_the_address(client, organiser, sendgrid_api):
    update = make_update()
    url = f"/admin/updates/{update.id}"
    sendgrid_api.answer_next(400, {"errors": [{"message": "The from address is not verified"}]})

    response = post_form(client, f"{url}/test", {"email": "someone@example.org"}, form_url=url)

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    error = re.search(r'<p class="error" id="email-error">([^<]*)</p>', page)
    assert error and error.group(1).startswith("The test could not be sent:")
    assert "not verified" in error.group(1)


def test_a_test_to_a_malformed_address_is_refused(client, organiser, mail_dir):
    update = make_update()
    url = f"/admin/updates/{update.id}"

    response = post_form(client, f"{url}/test", {"email": "not an address"}, form_url=url)

    assert response.status_code == 400
    assert emails_in(mail_dir) == []


# Sending


def test_send_now_queues_the_audience_and_everyone_gets_it_once(client, organiser, mail_dir):
    for number in range(3):
        make_subscriber(email=f"reader-{number}@example.org")
    make_subscriber(email="gone@example.org", status=SubscriberStatus.UNSUBSCRIBED)
    update = make_update()
    url = f"/admin/updates/{update.id}"

    response = post_form(client, f"{url}/send", {}, form_url=url)

    assert response.status_code == 303
    assert response.headers["Location"] == f"{url}/progress"
    assert update.status == UpdateStatus.SENDING
    assert statuses(update) == {"queued": 3}
    run(update.id)  # MAIL_DISPATCHER is "manual" in tests: kick() wakes nothing
    assert statuses(update) == {"sent": 3}
    assert update.status == UpdateStatus.SENT
    assert sorted(m["To"] for m in emails_in(mail_dir)) == [
        f"reader-{n}@example.org" for n in range(3)
    ]
    again = post_form(client, f"{url}/send", {}, form_url=f"{url}/progress")
    assert again.status_code == 303
    assert len(deliveries(update)) == 3


def _five_minutes_ago() -> str:
    return (utcnow() - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize(
    ("typed", "error_says"),
    [
        (_five_minutes_ago, "Choose a time in the future"),
        (lambda: "2027-01-05", "Enter a date and time like 2026-12-31T18:00."),
        (lambda: "next tuesday", "Enter a date and time like 2026-12-31T18:00."),
        (lambda: "2027-13-01T10:00", "Enter a date and time like 2026-12-31T18:00."),
        (lambda: "9999-12-31T23:59-05:00", "Enter a date and time like 2026-12-31T18:00."),
    ],
)
def test_a_bad_send_time_is_refused_beside_the_field(client, organiser, typed, error_says):
    update = make_update()
    url = f"/admin/updates/{update.id}"

    response = post_form(client, f"{url}/schedule", {"send_at": typed()}, form_url=url)

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    error = re.search(r'<p class="error" id="send_at-error">([^<]*)</p>', page)
    assert error and error_says in error.group(1)
    assert update.status == UpdateStatus.DRAFT and update.scheduled_at is None


def test_a_scheduled_update_is_sent_by_the_sweep_once_its_time_has_come(
    app, client, organiser, mail_dir
):
    make_subscriber(email="reader@example.org")
    update = make_update()
    url = f"/admin/updates/{update.id}"
    soon = (utcnow() + timedelta(hours=1)).replace(second=0, microsecond=0)

    response = post_form(
        client, f"{url}/schedule", {"send_at": soon.strftime("%Y-%m-%dT%H:%M")}, form_url=url
    )
    assert response.status_code == 303
    assert (update.status, update.scheduled_at) == (UpdateStatus.SCHEDULED, soon)
    send_updates(app)
    assert update.status == UpdateStatus.SCHEDULED and emails_in(mail_dir) == []

    update.scheduled_at = utcnow() - timedelta(seconds=1)  # its time has come
    db.session.commit()
    send_updates(app)  # the sweep; outside Celery it sends a slice inline

    assert update.status == UpdateStatus.SENT
    assert statuses(update) == {"sent": 1}
    assert [m["To"] for m in emails_in(mail_dir)] == ["reader@example.org"]


def test_unscheduling_keeps_the_sweep_away(app, client, organiser, mail_dir):
    make_subscriber()
    update = make_update(status=UpdateStatus.SCHEDULED, scheduled_at=utcnow() + timedelta(1))
    url = f"/admin/updates/{update.id}"

    post_form(client, f"{url}/unschedule", {}, form_url=url)
    update.scheduled_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    send_updates(app)

    assert update.status == UpdateStatus.DRAFT
    assert emails_in(mail_dir) == []


# Progress


def test_progress_counts_each_status_and_refreshes_only_while_sending(
    app_settings, client, organiser, mail_dir
):
    for number in range(6):
        make_subscriber(email=f"reader-{number}@example.org")
    update = make_update()
    url = f"/admin/updates/{update.id}"
    app_settings(MAIL_BATCH_SIZE=2, UPDATE_BATCH_LEASE_SECONDS=0)
    post_form(client, f"{url}/send", {}, form_url=url)
    claim_batch(update.id, 2, utcnow() - timedelta(seconds=1))  # a sender died holding these
    mark_abandoned_uncertain(update.id, utcnow())
    token, _count = claim_batch(update.id, 2, utcnow())  # a live sender sends one batch
    send_batch(update, token, get_transport(), SendReport())

    page = client.get(f"{url}/progress").get_data(as_text=True)
    numbers = client.get(f"{url}/progress.json").get_json()

    expected = {"queued": 2, "sending": 0, "sent": 2, "failed": 0, "skipped": 0, "uncertain": 2}
    assert numbers["counts"] == expected
    assert (numbers["status"], numbers["total"], numbers["done"]) == ("sending", 6, 4)
    assert numbers["sent_last_minute"] == 2
    assert numbers["seconds_left"] == 60  # two left at two a minute
    assert numbers["started_at"] and numbers["finished_at"] is None
    for status, count in expected.items():
        assert f'<td data-count="{status}">{count}</td>' in page
    assert 'http-equiv="refresh" content="5"' in page
    assert "about 1 min" in page

    run(update.id)
    finished = client.get(f"{url}/progress").get_data(as_text=True)
    assert update.status == UpdateStatus.SENT
    assert 'http-equiv="refresh"' not in finished
    assert client.get(f"{url}/progress.json").get_json()["finished_at"]
    for row in deliveries(update):  # sent before the last minute: no longer the rate
        row.sent_at = row.sent_at and row.sent_at - timedelta(minutes=2)
    db.session.commit()
    assert client.get(f"{url}/progress.json").get_json()["sent_last_minute"] == 0


def test_pause_resume_and_cancel_from_the_progress_page(client, organiser, mail_dir):
    for number in range(3):
        make_subscriber(email=f"reader-{number}@example.org")
    update = make_update()
    url = f"/admin/updates/{update.id}"
    post_form(client, f"{url}/send", {}, form_url=url)

    post_form(client, f"{url}/pause", {}, form_url=f"{url}/progress")
    assert update.status == UpdateStatus.PAUSED
    assert run(update.id).stopped_because == "paused"
    assert 'http-equiv="refresh"' not in client.get(f"{url}/progress").get_data(as_text=True)

    post_form(client, f"{url}/resume", {}, form_url=f"{url}/progress")
    assert update.status == UpdateStatus.SENDING

    post_form(client, f"{url}/cancel", {}, form_url=f"{url}/progress")
    assert update.status == UpdateStatus.CANCELLED
    assert statuses(update) == {"skipped": 3}
    assert run(update.id).stopped_because == "cancelled"
    assert emails_in(mail_dir) == []

    refused = post_form(
        client, f"{url}/resume", {}, form_url=f"{url}/progress", follow_redirects=True
    )
    assert "This update is cancelled now, so that cannot be done." in refused.get_data(as_text=True)
    assert update.status == UpdateStatus.CANCELLED


def test_uncertain_rows_are_listed_and_can_be_resent_or_dropped(
    app_settings, client, organiser, mail_dir
):
    for number in range(4):
        make_subscriber(email=f"reader-{number}@example.org")
    update = make_update()
    url = f"/admin/updates/{update.id}"
    app_settings(MAIL_BATCH_SIZE=1, UPDATE_BATCH_LEASE_SECONDS=0)
    post_form(client, f"{url}/send", {}, form_url=url)
    for _ in range(2):  # two senders died, each holding one person
        claim_batch(update.id, 1, utcnow() - timedelta(seconds=1))
    db.session.commit()
    run(update.id)
    assert statuses(update) == {"sent": 2, "uncertain": 2}

    page = client.get(f"{url}/progress").get_data(as_text=True)
    assert "may have gone or may not" in " ".join(page.split())
    assert "<td>reader-0@example.org</td>" in page and "<td>reader-1@example.org</td>" in page
    assert "Resend uncertain" in page and "Drop uncertain" in page

    post_form(client, f"{url}/uncertain/drop", {}, form_url=f"{url}/progress")
    assert statuses(update) == {"sent": 2, "skipped": 2}
    assert "Resend uncertain" not in client.get(f"{url}/progress").get_data(as_text=True)
    assert len(emails_in(mail_dir)) == 2


def test_resending_uncertain_from_the_console_sends_them(app_settings, client, organiser, mail_dir):
    for number in range(3):
        make_subscriber(email=f"reader-{number}@example.org")
    update = make_update()
    url = f"/admin/updates/{update.id}"
    app_settings(MAIL_BATCH_SIZE=1, UPDATE_BATCH_LEASE_SECONDS=0)
    post_form(client, f"{url}/send", {}, form_url=url)
    claim_batch(update.id, 1, utcnow() - timedelta(seconds=1))
    db.session.commit()
    run(update.id)
    assert update.status == UpdateStatus.SENT

    post_form(client, f"{url}/uncertain/resend", {}, form_url=f"{url}/progress")
    assert statuses(update) == {"sent": 2, "queued": 1}
    run(update.id)

    assert statuses(update) == {"sent": 3}
    assert sorted(m["To"] for m in emails_in(mail_dir)) == [
        f"reader-{n}@example.org" for n in range(3)
    ]


def test_failed_rows_are_listed_with_their_reason(client, organiser, sendgrid_api):
    make_subscriber(email="good@example.org")
    make_subscriber(email="bad@example.org")
    update = make_update()
    url = f"/admin/updates/{update.id}"
    sendgrid_api.answer_next(
        400,
        {"errors": [{"message": "Invalid address", "field": "personalizations.1.to.0.email"}]},
    )
    post_form(client, f"{url}/send", {}, form_url=url)
    run(update.id)

    page = client.get(f"{url}/progress").get_data(as_text=True)

    assert statuses(update) == {"sent": 1, "failed": 1}
    assert "<td>bad@example.org</td>" in page and "Invalid address" in page
    assert "<td>good@example.org</td>" not in page


def test_after_sending_the_provider_reports_are_counted(client, organiser, mail_dir):
    for number in range(5):
        make_subscriber(email=f"reader-{number}@example.org")
    update = make_update()
    url = f"/admin/updates/{update.id}"
    post_form(client, f"{url}/send", {}, form_url=url)
    run(update.id)
    rows = deliveries(update)
    reports = [
        ("delivered",),
        ("delivered", "unsubscribe"),
        ("delivered", "spamreport"),
        ("bounce",),
        ("dropped",),
    ]
    for row, events in zip(rows, reports, strict=True):
        email = db.session.get(Subscriber, row.subscriber_id).email
        for name in events:
            apply_event(
                {"event": name, "email": email, "delivery_id": str(row.id), "type": "bounce"}
            )
    db.session.commit()

    page = client.get(f"{url}/progress").get_data(as_text=True)

    assert '<dd data-outcome="delivered">3</dd>' in page
    assert '<dd data-outcome="bounced">2</dd>' in page
    assert '<dd data-outcome="unsubscribed">1</dd>' in page
    assert '<dd data-outcome="complaints">1</dd>' in page


def test_the_list_shows_status_audience_and_sent_count(client, organiser, mail_dir):
    campaign = make_campaign(title="Free them")
    make_subscriber(email="reader@example.org", campaign_id=campaign.id)
    sent = make_update(
        subject="Gone out",
        audience_kind=AudienceKind.CAMPAIGN,
        audience_campaign_id=campaign.id,
    )
    make_update(subject="Still a draft")
    post_form(client, f"/admin/updates/{sent.id}/send", {}, form_url=f"/admin/updates/{sent.id}")
    run(sent.id)

    page = client.get("/admin/updates/").get_data(as_text=True)
    page = page[page.index("<table") :]  # past the flash that named the update sent

    assert page.index("Still a draft") < page.index("Gone out")  # newest first
    row = page[page.index("Gone out") :].split("</tr>")[0]
    assert "Sent</span>" in row and "Subscribers of “Free them”" in row and "<td>1</td>" in row


# On the site


def test_an_update_chosen_for_the_site_is_published_once_sent_and_others_are_not(
    client, organiser, mail_dir
):
    campaign = make_campaign(slug="free-them")
    make_subscriber()
    public = make_update(slug="for-the-site", campaign_id=campaign.id, publish_on_site=True)
    private = make_update(slug="members-only", campaign_id=campaign.id)

    assert client.get("/updates/for-the-site").status_code == 404  # not before it is sent
    for update in (public, private):
        url = f"/admin/updates/{update.id}"
        post_form(client, f"{url}/send", {}, form_url=url)
        run(update.id)

    assert public.published_at is not None and private.published_at is None
    assert client.get("/updates/for-the-site").status_code == 200
    assert client.get("/updates/members-only").status_code == 404
    hub = client.get("/c/free-them").get_data(as_text=True)
    assert 'href="/updates/for-the-site"' in hub
    assert "/updates/members-only" not in hub


def test_the_hub_lists_the_five_latest_published_updates_newest_first(client, session):
    campaign = make_campaign(slug="free-them")
    other = make_campaign()
    now = utcnow()
    for day in range(7):
        make_update(
            slug=f"day-{day}",
            subject=f"Day {day} news",
            campaign_id=campaign.id,
            published_at=now - timedelta(days=7 - day),
        )
    make_update(slug="draft-news", campaign_id=campaign.id)
    make_update(slug="elsewhere", campaign_id=other.id, published_at=now)
    session.commit()

    page = client.get("/c/free-them").get_data(as_text=True)

    shown = re.findall(r'<a href="/updates/([a-z0-9-]+)">', page)
    assert shown == ["day-6", "day-5", "day-4", "day-3", "day-2"]
    assert 'id="updates-heading"' in page
    assert f'datetime="{(now - timedelta(days=1)).date().isoformat()}"' in page


def test_a_hub_without_published_updates_shows_no_updates_section(client, session):
    campaign = make_campaign(slug="quiet")
    make_update(campaign_id=campaign.id)
    session.commit()

    page = client.get("/c/quiet").get_data(as_text=True)

    assert 'id="updates-heading"' not in page
