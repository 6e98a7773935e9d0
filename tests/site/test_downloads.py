"""Every download of the console, fetched through a real HTTP server as an organiser would.

The rows of a streamed CSV are written after the view returned and its session closed: only a
real server with the app's own session handling shows whether they all arrive. Each export
has more rows than one batch of its query, so a second batch must be read too; and its entry
in the audit trail, with the rows sent, is committed once the last row has gone.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import message_from_bytes

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select

from campaign import create_app
from campaign.accounts.models import Role
from campaign.audit.models import AuditEntry
from campaign.donations.models import DonationStatus
from campaign.extensions import db
from campaign.mailer.compose import queue_email
from campaign.mailer.dispatch import dispatch_due
from campaign.mailer.emails import transport_check
from campaign.petitions.delivery import EXPORT_BATCH as SIGNATURE_BATCH
from campaign.petitions.models import CommentStatus, SignatureStatus
from campaign.subscribers.models import SubscriberStatus
from config import TestingConfig
from tests.factories.accounts import PASSWORD, make_user
from tests.factories.content import make_campaign
from tests.factories.donations import make_appeal, make_donation
from tests.factories.petitions import make_petition, make_signature
from tests.factories.subscribers import make_subscriber
from tests.live_site import Visitor, served
from tests.scratch import scratch_database

SIGNED = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
CONFIRMED_SIGNERS = SIGNATURE_BATCH + 234
ACTIVE_SUBSCRIBERS = 620  # more than the subscriber export's batch of 500
DONATIONS = 12


@dataclass
class Site:
    url: str
    petition_id: int
    petition_slug: str
    message_id: int
    organiser: str
    app: Flask


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("downloads")
    with scratch_database("downloads", folder) as database_url:

        def make_app(url: str):
            class Settings(TestingConfig):
                SQLALCHEMY_DATABASE_URI = database_url
                SITE_URL = url
                MAIL_FILE_DIR = str(folder / "mail")

            return create_app(Settings)

        with served(make_app) as (url, app):
            with app.app_context():
                upgrade()
                site = _fill(url, app)
                db.session.commit()
                dispatch_due()  # the file transport writes the message's .eml
            try:
                yield site
            finally:
                with app.app_context():
                    db.session.remove()
                    db.engine.dispose()


def _fill(url: str, app: Flask) -> Site:
    organiser = make_user(role=Role.ADMIN, email="exporter@example.org")
    campaign = make_campaign(slug="cables", language="en")
    petition = make_petition(campaign, slug="un-access", ask_postcode=True)
    for number in range(CONFIRMED_SIGNERS):
        make_signature(
            petition,
            name=f"Signer {number:04d}",
            email=f"signer{number}@example.org",
            country="TR" if number % 2 else "DE",
            postcode=f"{number:05d}",
            comment="Approved words" if number == 7 else ("Not yet read" if number == 8 else ""),
            comment_status=CommentStatus.APPROVED if number == 7 else CommentStatus.NONE,
            confirmed_at=SIGNED + timedelta(seconds=number),
        )
    make_signature(petition, name="Never Confirmed", confirmed=False)
    make_signature(petition, name="Spam Bot", status=SignatureStatus.INVALIDATED)
    for number in range(ACTIVE_SUBSCRIBERS):
        make_subscriber(email=f"reader{number}@example.org", name=f"Reader {number}")
    make_subscriber(status=SubscriberStatus.UNSUBSCRIBED, email="gone@example.org")
    appeal = make_appeal(campaign, slug="fund")
    for number in range(DONATIONS):
        make_donation(appeal, status=DonationStatus.PAID, donor_email=f"donor{number}@example.org")
    message = queue_email(
        "transport_check", "reader0@example.org", transport_check(organiser.email), None
    )
    return Site(url, petition.id, petition.slug, message.id, organiser.email, app)


@pytest.fixture
def organiser(site) -> Iterator[Visitor]:
    visitor = Visitor(site.url)
    visitor.sign_in(site.organiser, PASSWORD)
    yield visitor
    visitor.close()


def _download(visitor: Visitor, path: str, name: str) -> list[list[str]]:
    with visitor.get(path, stream=True) as response:
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/csv")
        assert response.headers["Content-Disposition"].startswith(f'attachment; filename="{name}-')
        assert response.headers["Cache-Control"] == "no-store"
        text = b"".join(response.iter_content(chunk_size=None)).decode()
    return list(csv.reader(io.StringIO(text)))


def test_the_delivery_csv_holds_every_confirmed_signer_through_a_real_server(site, organiser):
    table = _download(
        organiser,
        f"/admin/petitions/{site.petition_id}/export.csv",
        f"{site.petition_slug}-signatures",
    )

    header, *rows = table
    assert header == ["name", "country", "country_name", "postcode", "comment", "signed_at"]
    assert len(rows) == CONFIRMED_SIGNERS
    assert [row[0] for row in rows] == [f"Signer {n:04d}" for n in range(CONFIRMED_SIGNERS)]
    assert rows[0][:4] == ["Signer 0000", "DE", "Germany", "00000"]
    assert rows[1][1:3] == ["TR", "Türkiye"]
    assert rows[7][4] == "Approved words"
    assert rows[8][4] == ""  # not approved: it stays private
    assert not any("@" in cell for row in table for cell in row)


def test_the_subscribers_csv_holds_every_subscriber_through_a_real_server(site, organiser):
    everyone = _download(organiser, "/admin/subscribers/export.csv", "subscribers")
    active = _download(organiser, "/admin/subscribers/export.csv?status=active", "subscribers")

    assert everyone[0][:4] == ["email", "name", "language", "status"]
    assert len(everyone) - 1 == ACTIVE_SUBSCRIBERS + 1
    assert {row[0] for row in active[1:]} == {
        f"reader{number}@example.org" for number in range(ACTIVE_SUBSCRIBERS)
    }


def test_the_donations_csv_holds_every_donation_through_a_real_server(site, organiser):
    header, *rows = _download(organiser, "/admin/donations/export.csv", "donations")

    email = header.index("donor_email")
    assert sorted(row[email] for row in rows) == sorted(
        f"donor{number}@example.org" for number in range(DONATIONS)
    )


def recorded(site: Site, action: str) -> AuditEntry:
    """The newest entry for `action`, as the database holds it once the server committed."""
    with site.app.app_context():
        query = select(AuditEntry).where(AuditEntry.action == action)
        entry = db.session.scalar(query.order_by(AuditEntry.id.desc()).limit(1))
        db.session.remove()
    assert entry is not None, f"no {action!r} in the audit trail"
    return entry


def test_each_export_is_committed_to_the_audit_trail_with_the_rows_it_sent(site, organiser):
    # The client has the whole file only once the server has ended the stream: by then the
    # entry is committed.
    _download(organiser, f"/admin/petitions/{site.petition_id}/export.csv", "un-access-signatures")
    signatures = recorded(site, "export signatures")
    _download(organiser, "/admin/subscribers/export.csv?status=active", "subscribers")
    subscribers = recorded(site, "export subscribers")
    _download(organiser, "/admin/donations/export.csv", "donations")
    donations = recorded(site, "export donations")

    assert (signatures.object_id, signatures.rows) == (site.petition_id, CONFIRMED_SIGNERS)
    assert (subscribers.rows, subscribers.detail) == (ACTIVE_SUBSCRIBERS, "status=active")
    assert donations.rows == DONATIONS
    assert {signatures.actor, subscribers.actor, donations.actor} == {site.organiser}
    assert signatures.detail == donations.detail == ""


def test_the_audit_trail_downloads_through_a_real_server_and_names_no_supporter(site, organiser):
    _download(organiser, "/admin/donations/export.csv", "donations")

    header, *rows = _download(organiser, "/admin/audit/export.csv", "audit-trail")

    assert header[:5] == ["entry", "at", "organiser_id", "organiser", "action"]
    assert rows[-1][4] == "export donations"
    assert recorded(site, "export audit trail").rows == len(rows)
    cells = " ".join(cell for row in rows for cell in row)
    for supporter in ("signer", "Signer", "reader", "Reader", "donor", "gone@"):
        assert supporter not in cells


def test_a_messages_eml_downloads_whole_through_a_real_server(site, organiser):
    response = organiser.get(f"/admin/mail/{site.message_id}/eml")

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("message/rfc822")
    parsed = message_from_bytes(response.content)
    assert parsed["To"] == "reader0@example.org"
    assert parsed.is_multipart()


def test_downloads_need_a_signed_in_organiser(site):
    stranger = Visitor(site.url)
    for path in (
        f"/admin/petitions/{site.petition_id}/export.csv",
        "/admin/subscribers/export.csv",
        "/admin/donations/export.csv",
        f"/admin/mail/{site.message_id}/eml",
    ):
        response = stranger.get(path, allow_redirects=False)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/admin/login")
    stranger.close()
