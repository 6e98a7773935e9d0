"""The console's Outbox under /admin/mail, and `flask mailer flush`."""

import html
import re
from datetime import timedelta
from functools import partial

import pytest
from sqlalchemy import select

from campaign.db import utcnow
from campaign.mailer.claims import take_back_abandoned_claims
from campaign.mailer.dispatch import dispatch_due
from campaign.mailer.models import MessageStatus, OutboundEmail
from tests.factories.mail import ELSEWHERE, make_claimed_email, make_outbound_email
from tests.helpers import post_form

UNSUBSCRIBE_URL = "http://campaign.test/unsubscribe/a-token"
PREVIEW_POLICY = (
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "frame-ancestors 'self'"
)


# The Outbox shows an email's headers: each here carries an unsubscribe link.
make_email = partial(make_outbound_email, unsubscribe_url=UNSUBSCRIBE_URL)


def rows_shown(page: str) -> list[str]:
    """The recipients in the Outbox table, top to bottom."""
    return re.findall(r"<td>([^<@]+@[^<]+)</td>", page)


def test_the_outbox_needs_a_signed_in_organiser(client, session):
    response = client.get("/admin/mail/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login")


def test_the_outbox_lists_messages_newest_first_with_counts(client, organiser):
    make_email("first@example.org", status=MessageStatus.SENT)
    make_email("second@example.org", status=MessageStatus.FAILED, last_error="SMTP 550: gone")
    make_email("third@example.org")

    page = client.get("/admin/mail/").get_data(as_text=True)

    assert rows_shown(page) == ["third@example.org", "second@example.org", "first@example.org"]
    assert "All (3)" in page
    assert "Failed (1)" in page and "Sent (1)" in page and "Queued (1)" in page
    assert "SMTP 550: gone" in page


def test_the_outbox_filters_by_status_and_ignores_unknown_filters(client, organiser):
    make_email("sent@example.org", status=MessageStatus.SENT)
    make_email("failed@example.org", status=MessageStatus.FAILED)

    failed = client.get("/admin/mail/?status=failed").get_data(as_text=True)
    unknown = client.get("/admin/mail/?status=nonsense").get_data(as_text=True)

    assert rows_shown(failed) == ["failed@example.org"]
    assert rows_shown(unknown) == ["failed@example.org", "sent@example.org"]


def test_the_outbox_shows_fifty_messages_a_page(client, organiser):
    for number in range(51):
        make_email(f"reader{number}@example.org")

    first = client.get("/admin/mail/").get_data(as_text=True)
    second = client.get("/admin/mail/?page=2").get_data(as_text=True)

    assert len(rows_shown(first)) == 50
    assert rows_shown(second) == ["reader0@example.org"]
    assert "Page 2 of 2" in second


def test_the_message_page_shows_headers_text_and_a_sandboxed_html_frame(client, organiser):
    message = make_email(subject="<b>Hello</b> & welcome")

    page = client.get(f"/admin/mail/{message.id}").get_data(as_text=True)

    assert html.escape("<b>Hello</b> & welcome", quote=False) in page
    assert "<b>Hello</b>" not in page
    assert "List-Unsubscribe-Post" in page
    assert html.escape(f"<{UNSUBSCRIBE_URL}>", quote=False) in page
    assert "Campaign &lt;campaign@localhost&gt;" in page
    assert f"<pre>{html.escape(message.text_body, quote=False)}</pre>" in page
    assert f'<iframe sandbox src="/admin/mail/{message.id}/html"' in page
    assert message.html_body not in page


def test_the_html_part_is_served_under_a_sandboxing_policy(client, organiser):
    message = make_email()

    response = client.get(f"/admin/mail/{message.id}/html")

    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.get_data(as_text=True) == message.html_body
    assert response.headers["Content-Security-Policy"] == PREVIEW_POLICY
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_the_html_part_needs_a_signed_in_organiser_too(client, session):
    message = make_email()

    assert client.get(f"/admin/mail/{message.id}/html").status_code == 302


def test_an_unknown_message_is_not_found(client, organiser):
    assert client.get("/admin/mail/999999").status_code == 404


def test_the_eml_written_by_the_file_transport_is_shown(
    client, organiser, session, app_settings, tmp_path
):
    app_settings(MAIL_FILE_DIR=str(tmp_path))
    message = make_email()
    session.commit()
    dispatch_due()

    page = client.get(f"/admin/mail/{message.id}").get_data(as_text=True)
    download = client.get(f"/admin/mail/{message.id}/eml")

    assert f"outbound_id{message.id}.eml" in page
    assert "X-Campaign-Outbound-Id: " in page
    assert download.mimetype == "message/rfc822"
    assert download.data == (tmp_path / f"outbound_id{message.id}.eml").read_bytes()


def test_without_an_eml_file_there_is_nothing_to_download(
    client, organiser, app_settings, tmp_path
):
    app_settings(MAIL_FILE_DIR=str(tmp_path))
    message = make_email()

    page = client.get(f"/admin/mail/{message.id}").get_data(as_text=True)

    assert "The .eml file" not in page
    assert client.get(f"/admin/mail/{message.id}/eml").status_code == 404


def test_a_message_possibly_sent_twice_says_so_in_the_list_and_on_its_page(
    client, organiser, session
):
    # Its dispatcher on another host stopped renewing its claim while the message was out.
    message = make_claimed_email(ELSEWHERE, lease_left=-timedelta(seconds=1), handed_over=True)
    make_email("once@example.org")
    session.commit()
    take_back_abandoned_claims(utcnow())
    dispatch_due()

    listing = client.get("/admin/mail/").get_data(as_text=True)
    page = client.get(f"/admin/mail/{message.id}").get_data(as_text=True)

    assert message.status == MessageStatus.SENT
    assert listing.count(">possibly sent twice</small>") == 1
    assert "<dt>Possibly sent twice</dt>" in page
    assert html.escape(message.possible_duplicate, quote=False) in page
    assert "process 4242 on web-2 stopped renewing its claim" in page
    assert "<dt>Attempts</dt><dd>2</dd>" in page


def test_a_message_being_sent_names_its_dispatcher_and_lease(client, organiser):
    message = make_claimed_email(ELSEWHERE, handed_over=True)

    page = client.get(f"/admin/mail/{message.id}").get_data(as_text=True)

    assert "<dt>Claimed</dt><dd>by process 4242 on web-2 at " in page
    assert "handed to the transport at " in page
    assert f"leased until {message.lease_expires_at:%H:%M:%S} UTC, renewed while it works" in page
    assert "Possibly sent twice" not in page


def test_retry_now_queues_a_failed_message_at_once_keeping_its_attempts(client, organiser):
    message = make_email(
        status=MessageStatus.FAILED,
        attempts=3,
        next_attempt_at=utcnow() - timedelta(days=1),
        last_error="SendGrid answered 400: bad from",
    )
    url = f"/admin/mail/{message.id}"

    response = post_form(client, f"{url}/retry", {}, form_url=url)

    assert response.status_code == 303
    assert message.status == MessageStatus.QUEUED
    assert message.attempts == 3
    assert abs(message.next_attempt_at - utcnow()) < timedelta(seconds=30)
    assert "sent again in a moment" in client.get(url).get_data(as_text=True)


def test_retry_now_refuses_a_message_already_sent(client, organiser):
    message = make_email(status=MessageStatus.SENT)
    failed = make_email(status=MessageStatus.FAILED)

    response = post_form(
        client, f"/admin/mail/{message.id}/retry", {}, form_url=f"/admin/mail/{failed.id}"
    )

    assert response.status_code == 303
    assert message.status == MessageStatus.SENT
    page = client.get(f"/admin/mail/{message.id}").get_data(as_text=True)
    assert "Only failed or queued messages can be sent again; this one is sent." in page
    assert "Retry now" not in page


def test_retry_now_needs_the_csrf_token(client, organiser):
    message = make_email(status=MessageStatus.FAILED)

    response = client.post(f"/admin/mail/{message.id}/retry")

    assert response.status_code == 400
    assert message.status == MessageStatus.FAILED


def test_the_test_message_goes_to_the_organiser_by_default(client, organiser, session):
    page = client.get("/admin/mail/").get_data(as_text=True)
    assert 'value="organiser@example.org"' in page

    response = post_form(
        client, "/admin/mail/test", {"email": " Someone@Example.org "}, "/admin/mail/"
    )

    message = session.scalar(select(OutboundEmail))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/mail/{message.id}"
    assert message.template == "transport_check"
    assert message.to_address == "someone@example.org"
    assert "organiser@example.org sent it from the console" in message.text_body


def test_a_test_message_to_a_bad_address_is_refused_with_a_sentence(client, organiser, session):
    response = post_form(client, "/admin/mail/test", {"email": "not an address"}, "/admin/mail/")

    assert response.status_code == 400
    assert "Enter a valid email address" in response.get_data(as_text=True)
    assert session.scalar(select(OutboundEmail)) is None


@pytest.mark.parametrize(
    "settings, banner",
    [
        (
            {"MAIL_TRANSPORT": "sendgrid", "SENDGRID_API_KEY": None},
            "No mail can leave: MAIL_TRANSPORT=sendgrid needs SENDGRID_API_KEY.",
        ),
        (
            {"MAIL_TRANSPORT": "smtp", "SMTP_URL": None},
            "No mail can leave: MAIL_TRANSPORT=smtp needs SMTP_URL.",
        ),
        (
            {
                "MAIL_TRANSPORT": "sendgrid",
                "SENDGRID_API_KEY": "SG.key",
                "SENDGRID_WEBHOOK_PUBLIC_KEY": None,
            },
            "SENDGRID_WEBHOOK_PUBLIC_KEY is not set. SendGrid&#39;s bounce",
        ),
    ],
    ids=["sendgrid-without-key", "smtp-without-url", "sendgrid-without-webhook-key"],
)
def test_the_outbox_warns_about_mail_settings_that_cannot_work(
    client, organiser, app_settings, settings, banner
):
    app_settings(**settings)

    page = client.get("/admin/mail/").get_data(as_text=True)

    assert "Mail settings need attention" in page
    assert banner in page


def test_the_file_transport_needs_no_warning(client, organiser):
    page = client.get("/admin/mail/").get_data(as_text=True)

    assert "Mail settings need attention" not in page
    assert "nothing is sent to anyone" in page


# flask mailer flush


def test_mailer_flush_sends_what_is_due_and_prints_the_counts(app, session, app_settings, tmp_path):
    app_settings(MAIL_FILE_DIR=str(tmp_path))
    due = make_email("due@example.org")
    later = make_email("later@example.org", next_attempt_at=utcnow() + timedelta(hours=1))
    session.commit()

    result = app.test_cli_runner().invoke(args=["mailer", "flush"])

    assert result.exit_code == 0, result.output
    assert result.output == "sent 1, retrying 0, failed 0, suppressed 0\n"
    session.expire_all()
    assert due.status == MessageStatus.SENT
    assert later.status == MessageStatus.QUEUED
    assert (tmp_path / f"outbound_id{due.id}.eml").exists()


def test_mailer_flush_with_incomplete_settings_says_what_is_missing(app, session, app_settings):
    app_settings(MAIL_TRANSPORT="smtp", SMTP_URL=None)

    result = app.test_cli_runner().invoke(args=["mailer", "flush"])

    assert result.exit_code == 1
    assert result.output.strip() == "Error: MAIL_TRANSPORT=smtp needs SMTP_URL."
