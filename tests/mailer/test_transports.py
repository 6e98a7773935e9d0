"""Each transport speaks its real protocol to a local stand-in: SendGrid's API, SMTP, files."""

import gc
import os
import ssl
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from functools import partial
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from campaign.db import utcnow
from campaign.mailer.dispatch import dispatch_due
from campaign.mailer.models import MessageStatus, OutboundEmail
from campaign.mailer.sendgrid.transport import SendGridTransport
from campaign.mailer.transports import Envelope, TemporaryFailure
from campaign.mailer.transports import outbox as outbox_module
from campaign.mailer.transports.outbox import FileTransport
from tests.factories.mail import make_outbound_email
from tests.standins.smtp import SMTPSink

UNSUBSCRIBE_URL = "http://campaign.test/unsubscribe/a-token"


# To an address as a reader might type it, with an unsubscribe link: both reach the wire.
make_email = partial(make_outbound_email, "Reader@Example.org", unsubscribe_url=UNSUBSCRIBE_URL)


def envelope(**fields) -> Envelope:
    values = {
        "sender": "Campaign <campaign@example.org>",
        "to": "reader@example.org",
        "subject": "Hello",
        "text": "Plain words.\n",
        "html": "<p>Rich words.</p>",
        "headers": {"List-Unsubscribe": f"<{UNSUBSCRIBE_URL}>"},
        "custom_args": {"outbound_id": "7"},
    } | fields
    return Envelope(**values)


def send_due_now(message: OutboundEmail, session) -> None:
    """Make a row due again at once (instead of waiting out its backoff), then dispatch."""
    message.next_attempt_at = utcnow()
    session.commit()
    dispatch_due()


# SendGrid, through the real SDK, against the stand-in.


def test_sendgrid_transport_posts_to_mail_send_with_the_bearer_key(sendgrid_api):
    transport = SendGridTransport(api_key="SG.test-key", host=sendgrid_api.url, timeout=1)

    provider_id = transport.send(envelope())

    assert provider_id == "standin-1"
    [request] = sendgrid_api.requests
    assert (request.method, request.path) == ("POST", "/v3/mail/send")
    assert request.headers["Authorization"] == "Bearer SG.test-key"
    assert request.headers["Content-Type"] == "application/json"
    assert request.json["from"] == {"name": "Campaign", "email": "campaign@example.org"}


def test_dispatch_sends_an_outbox_row_through_sendgrid(app, sendgrid_api, session):
    message = make_email()
    session.commit()

    report = dispatch_due()

    assert report.sent == 1
    assert message.status == MessageStatus.SENT
    assert message.provider_message_id == "standin-1"
    [request] = sendgrid_api.requests
    body = request.json
    assert request.path == "/v3/mail/send"
    assert request.headers["Authorization"] == "Bearer SG.test-key"
    assert body["personalizations"] == [{"to": [{"email": "reader@example.org"}]}]
    assert body["subject"] == message.subject == "Test message from Campaign"
    assert [part["type"] for part in body["content"]] == ["text/plain", "text/html"]
    assert body["content"][0]["value"] == message.text_body
    assert body["content"][1]["value"] == message.html_body
    assert body["headers"] == {
        "List-Unsubscribe": f"<{UNSUBSCRIBE_URL}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert body["custom_args"] == {"outbound_id": str(message.id)}


@pytest.mark.parametrize("status", [429, 500])
def test_sendgrid_rate_limit_or_server_error_queues_the_row_again(sendgrid_api, session, status):
    sendgrid_api.answer_next(status, {"errors": [{"message": "Slow down."}]})
    message = make_email()
    session.commit()
    before = utcnow()

    report = dispatch_due()

    assert report.retrying == 1
    assert message.status == MessageStatus.QUEUED
    assert message.attempts == 1
    assert message.next_attempt_at > before + timedelta(seconds=20)
    assert f"SendGrid answered {status}" in message.last_error


def test_sendgrid_refusal_fails_the_row_with_the_reason_from_the_body(sendgrid_api, session):
    reason = "The from address does not match a verified Sender Identity."
    sendgrid_api.answer_next(400, {"errors": [{"message": reason, "field": "from"}]})
    message = make_email()
    session.commit()

    report = dispatch_due()

    assert report.failed == 1
    assert message.status == MessageStatus.FAILED
    assert message.attempts == 1
    assert "SendGrid answered 400" in message.last_error
    assert reason in message.last_error


def test_sendgrid_that_does_not_answer_in_time_is_a_temporary_failure(sendgrid_api, session):
    sendgrid_api.answer_next(202, delay=5)  # MAIL_TIMEOUT_SECONDS is 1 here
    message = make_email()
    session.commit()

    report = dispatch_due()

    assert report.retrying == 1
    assert message.status == MessageStatus.QUEUED
    assert "did not answer in time" in message.last_error


def test_sendgrid_transport_raises_a_temporary_failure_on_timeout(sendgrid_api):
    sendgrid_api.answer_next(202, delay=5)
    transport = SendGridTransport("SG.test-key", sendgrid_api.url, timeout=1)

    with pytest.raises(TemporaryFailure, match="timed out"):
        transport.send(envelope())


def test_sendgrid_temporary_failures_give_up_after_max_attempts(
    app_settings, sendgrid_api, session
):
    app_settings(MAIL_MAX_ATTEMPTS=3)
    for _ in range(3):
        sendgrid_api.answer_next(503)
    message = make_email()
    session.commit()

    dispatch_due()
    send_due_now(message, session)
    assert message.status == MessageStatus.QUEUED
    send_due_now(message, session)

    assert message.status == MessageStatus.FAILED
    assert message.attempts == 3
    assert len(sendgrid_api.requests) == 3
    assert "SendGrid answered 503" in message.last_error


# SMTP, against an aiosmtpd sink.


def test_smtp_delivers_a_multipart_message_with_the_unsubscribe_headers(smtp_sink, session):
    message = make_email()
    session.commit()

    report = dispatch_due()

    assert report.sent == 1
    assert message.status == MessageStatus.SENT
    [mail] = smtp_sink.received
    assert mail.rcpt_tos == ["reader@example.org"]
    parsed = mail.message()
    assert parsed["From"] == "Campaign <campaign@localhost>"
    assert parsed["To"] == "reader@example.org"
    assert parsed["Subject"] == "Test message from Campaign"
    assert parsed["Message-ID"] == message.provider_message_id
    assert parsed["List-Unsubscribe"] == f"<{UNSUBSCRIBE_URL}>"
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert parsed.get_content_type() == "multipart/alternative"
    text, html = parsed.iter_parts()
    assert text.get_content_type() == "text/plain"
    assert "sent it from the console" in text.get_content()
    assert html.get_content_type() == "text/html"
    assert "<h1" in html.get_content()


def test_smtp_451_is_retried_later(smtp_sink, session):
    smtp_sink.handler.data_reply = "451 4.3.0 Try again later"
    message = make_email()
    session.commit()

    report = dispatch_due()

    assert report.retrying == 1
    assert message.status == MessageStatus.QUEUED
    assert message.attempts == 1
    assert message.last_error == "SMTP 451: 4.3.0 Try again later"
    assert smtp_sink.received == []


@pytest.mark.parametrize(
    "stage, reply",
    [("rcpt_reply", "550 5.1.1 No such user here"), ("data_reply", "554 5.7.1 Rejected as spam")],
)
def test_smtp_5xx_fails_the_row_with_the_reply(smtp_sink, session, stage, reply):
    setattr(smtp_sink.handler, stage, reply)
    message = make_email()
    session.commit()

    report = dispatch_due()

    assert report.failed == 1
    assert message.status == MessageStatus.FAILED
    code, text = reply.split(" ", 1)
    assert message.last_error == f"SMTP {code}: {text}"


def test_smtp_server_that_is_gone_is_a_temporary_failure(smtp_sink, session):
    smtp_sink.stop()  # the port is closed now: nobody answers
    message = make_email()
    session.commit()

    dispatch_due()

    assert message.status == MessageStatus.QUEUED
    assert "unreachable" in message.last_error


# Files.


def test_file_transport_writes_a_parseable_eml_with_both_parts(tmp_path):
    transport = FileTransport(tmp_path / "mail")

    message_id = transport.send(envelope())

    [written] = (tmp_path / "mail").iterdir()
    assert written.name == "outbound_id7.eml"
    parsed = message_from_bytes(written.read_bytes(), policy=policy.default)
    assert parsed["Message-ID"] == message_id
    assert parsed["To"] == "reader@example.org"
    assert parsed["X-Campaign-Outbound-Id"] == "7"
    assert parsed["List-Unsubscribe"] == f"<{UNSUBSCRIBE_URL}>"
    text, html = parsed.iter_parts()
    assert text.get_content() == "Plain words.\n"
    assert html.get_content().strip() == "<p>Rich words.</p>"


def test_file_transport_renames_a_complete_file_into_place(tmp_path, monkeypatch):
    seen: list[tuple[bool, bytes]] = []
    real_replace = os.replace

    def watching_replace(source, target):
        # At the moment of the rename the target is absent and the source is whole.
        seen.append((os.path.exists(target), Path(source).read_bytes()))
        real_replace(source, target)

    monkeypatch.setattr(outbox_module.os, "replace", watching_replace)

    FileTransport(tmp_path).send(envelope())

    [(target_existed, content)] = seen
    assert not target_existed
    assert content == (tmp_path / "outbound_id7.eml").read_bytes()
    assert [path.name for path in tmp_path.iterdir()] == ["outbound_id7.eml"]


def test_dispatch_with_the_file_transport_writes_the_outbox_row(app_settings, session, tmp_path):
    app_settings(MAIL_FILE_DIR=str(tmp_path))
    message = make_email()
    session.commit()

    dispatch_due()

    path = tmp_path / f"outbound_id{message.id}.eml"
    parsed = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert parsed["Subject"] == message.subject
    assert [part.get_content_type() for part in parsed.iter_parts()] == [
        "text/plain",
        "text/html",
    ]
    assert message.status == MessageStatus.SENT


def self_signed_tls_context(folder: Path) -> ssl.SSLContext:
    """A server context with a certificate no client trusts."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    (folder / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    return context


def test_smtp_server_with_an_untrusted_certificate_is_retried_and_no_socket_leaks(
    app_settings, session, tmp_path
):
    sink = SMTPSink(tls_context=self_signed_tls_context(tmp_path)).start()
    app_settings(MAIL_TRANSPORT="smtp", SMTP_URL=sink.url, MAIL_TIMEOUT_SECONDS=5)
    try:
        message = make_email()
        session.commit()
        dispatch_due()
        gc.collect()  # an unclosed socket would warn here, and warnings are errors
    finally:
        sink.stop()

    assert message.status == MessageStatus.QUEUED
    assert "CERTIFICATE_VERIFY_FAILED" in message.last_error
    assert sink.received == []


def test_smtp_server_refusing_starttls_for_now_is_retried_and_no_socket_leaks(
    app_settings, session, tmp_path
):
    sink = SMTPSink(tls_context=self_signed_tls_context(tmp_path), refuse_starttls=True).start()
    app_settings(MAIL_TRANSPORT="smtp", SMTP_URL=sink.url, MAIL_TIMEOUT_SECONDS=5)
    try:
        message = make_email()
        session.commit()
        dispatch_due()
        gc.collect()
    finally:
        sink.stop()

    assert message.status == MessageStatus.QUEUED
    assert message.last_error == "SMTP 454: 4.7.0 TLS not available right now"
