"""The periodic sweep (the dispatcher thread's, or Celery beat's `jobs.run_sweeps`) applies both
retentions: old petitions' signatures and old mail's words, committed."""

from datetime import timedelta

from sqlalchemy import select

from campaign.audit.models import AuditEntry
from campaign.content.models import Campaign
from campaign.db import utcnow
from campaign.extensions import db
from campaign.jobs import run_sweeps
from campaign.mailer.models import MessageStatus, OutboundEmail, Suppression
from campaign.mailer.tasks import sweeps
from campaign.petitions.counting import signature_count
from campaign.petitions.models import CountryCount, Petition, PetitionStatus, Signature
from tests.conftest import committed_to
from tests.factories.mail import make_outbound_email
from tests.factories.petitions import make_petition, make_signature

EMPTIED = (AuditEntry, Signature, CountryCount, Petition, Campaign, OutboundEmail, Suppression)


def old_things() -> tuple[int, int]:
    """A petition closed 181 days ago with one signer, and a sent email 31 days old; committed."""
    petition = make_petition(status=PetitionStatus.CLOSED, closed_at=utcnow() - timedelta(days=181))
    make_signature(petition, name="Gulnar Tursun", email="gulnar@example.org")
    make_signature(petition, confirmed=False, email="never@example.org")
    message = make_outbound_email(
        "gulnar@example.org", status=MessageStatus.SENT, created_at=utcnow() - timedelta(days=31)
    )
    db.session.commit()
    return petition.id, message.id


def test_one_sweep_anonymises_old_signatures_and_purges_old_mail(app, caplog):
    with committed_to(app, *EMPTIED) as session:
        petition_id, message_id = old_things()

        assert run_sweeps() is False

        session.remove()  # a new session: only what was committed
        petition = db.session.get(Petition, petition_id)
        [signature] = db.session.scalars(select(Signature)).all()
        assert signature.name == "" and "@" not in signature.email
        assert signature_count(petition) == 1
        assert db.session.get(OutboundEmail, message_id).text_body == ""
        actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert sorted(actions) == ["anonymise signatures", "purge mail bodies"]
    assert "failed" not in caplog.text


def test_the_celery_beat_task_runs_the_same_sweeps(app):
    with committed_to(app, *EMPTIED) as session:
        petition_id, message_id = old_things()

        sweeps.run()  # what beat's "upkeep" entry runs in a worker

        session.remove()
        assert db.session.get(Petition, petition_id).signatures_anonymised_at is not None
        assert db.session.get(OutboundEmail, message_id).body_purged_at is not None
