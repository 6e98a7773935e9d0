"""An outcome told to a petition's signers: one email each, through the update machinery."""

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from campaign.db import utcnow
from campaign.i18n.translating import save_translation
from campaign.mailer.models import Suppression
from campaign.mailer.transports.outbox import FileTransport
from campaign.outcomes.models import OutcomeKind
from campaign.outcomes.telling import OutcomeError, record_outcome, start_telling, tell_signers
from campaign.people.erasing import erase_person
from campaign.people.finding import find_person
from campaign.petitions.models import PetitionStatus, Signature
from campaign.petitions.news import signature_to_stop
from campaign.petitions.retention import apply_retention
from campaign.subscribers.models import SubscriberStatus
from campaign.tokens import TokenError
from campaign.updates.links import stop_news_links
from campaign.updates.models import AudienceKind, Delivery, UpdateStatus
from campaign.updates.sending import claim_batch, mark_abandoned_uncertain, run
from tests.factories.content import make_campaign
from tests.factories.petitions import make_petition, make_signature
from tests.factories.subscribers import local, make_subscriber
from tests.factories.updates import emails_in, statuses

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


def told(session, petition, text="We handed it in.", kind=OutcomeKind.DELIVERED):
    """Record an outcome, tell its signers, commit and queue, as the console does."""
    outcome = record_outcome(petition, kind, text)
    update = tell_signers(outcome)
    session.commit()
    start_telling(update)
    return update


def recipients(folder) -> Counter[str]:
    return Counter(message["To"] for message in emails_in(folder))


def test_every_confirmed_signer_gets_it_once_whether_or_not_they_opted_in(session, tmp_path):
    petition = make_petition(title="Let them in")
    make_signature(petition, email="opted-in@example.org", subscribe=True)
    make_signature(petition, email="not-opted-in@example.org", subscribe=False)
    make_signature(petition, email="unconfirmed@example.org", confirmed=False)
    make_signature(make_petition(), email="other-petition@example.org")
    session.commit()

    update = told(session, petition)
    report = run(update.id, transport=FileTransport(tmp_path))

    assert report.stopped_because == "done"
    assert update.audience_kind == AudienceKind.SIGNERS and update.status == UpdateStatus.SENT
    assert recipients(tmp_path) == {"opted-in@example.org": 1, "not-opted-in@example.org": 1}
    message = emails_in(tmp_path)[0]
    assert message["Subject"] == "Delivered: “Let them in”"
    text = message.get_body(("plain",)).get_content()
    assert "We handed it in." in text and "because you signed this petition" in text
    assert f"/petitions/{petition.slug}" in text


def test_a_signer_who_is_also_a_subscriber_gets_it_once(session, tmp_path):
    petition = make_petition()
    make_subscriber(email="both@example.org")
    make_signature(petition, email="both@example.org", subscribe=True)
    session.commit()

    update = told(session, petition)
    run(update.id, transport=FileTransport(tmp_path))
    run(update.id, transport=FileTransport(tmp_path))

    assert recipients(tmp_path) == {"both@example.org": 1}
    rows = session.scalars(select(Delivery).where(Delivery.update_id == update.id)).all()
    assert [(row.subscriber_id, row.signature_id is not None) for row in rows] == [(None, True)]


@pytest.mark.parametrize(
    "suppress",
    [
        lambda session: session.add(Suppression(email="gone@example.org", reason="bounce")),
        lambda session: session.add(Suppression(email="gone@example.org", reason="spamreport")),
        lambda session: session.add(Suppression(email="gone@example.org", reason="unsubscribe")),
        lambda session: make_subscriber(
            email="gone@example.org", status=SubscriberStatus.UNSUBSCRIBED
        ),
        lambda session: make_subscriber(email="gone@example.org", status=SubscriberStatus.BOUNCED),
        lambda session: make_subscriber(
            email="gone@example.org", status=SubscriberStatus.COMPLAINED
        ),
    ],
    ids=["bounced", "complained", "provider-unsubscribe", "unsubscribed", "sub-bounced", "spam"],
)
def test_a_suppressed_or_departed_address_is_skipped(session, tmp_path, suppress):
    petition = make_petition()
    make_signature(petition, email="gone@example.org")
    make_signature(petition, email="here@example.org")
    suppress(session)
    session.commit()

    update = told(session, petition)
    run(update.id, transport=FileTransport(tmp_path))

    assert recipients(tmp_path) == {"here@example.org": 1}


def test_an_address_suppressed_after_queueing_is_skipped_at_send_time(session, tmp_path):
    petition = make_petition()
    make_signature(petition, email="bounces-later@example.org")
    make_signature(petition, email="here@example.org")
    session.commit()
    update = told(session, petition)

    session.add(Suppression(email="bounces-later@example.org", reason="bounce"))
    session.commit()
    run(update.id, transport=FileTransport(tmp_path))

    assert recipients(tmp_path) == {"here@example.org": 1}
    assert statuses(update) == {"sent": 1, "skipped": 1}


def test_anonymised_and_erased_signatures_get_nothing(app_settings, session, tmp_path):
    app_settings(RETENTION_DAYS=1)
    closed = make_petition(status=PetitionStatus.CLOSED, closed_at=utcnow() - timedelta(days=2))
    make_signature(closed, email="anonymised@example.org")
    session.commit()
    apply_retention(closed.id)
    other = make_petition()
    make_signature(other, email="erased@example.org")
    make_signature(other, email="kept@example.org")
    erase_person("erased@example.org")
    session.commit()

    first = told(session, closed)
    second = told(session, other)
    run(first.id, transport=FileTransport(tmp_path))
    run(second.id, transport=FileTransport(tmp_path))

    assert recipients(tmp_path) == {"kept@example.org": 1}
    assert statuses(first) == {}


def test_the_stop_link_stops_this_petitions_news_only(client, session, tmp_path):
    petition = make_petition()
    other = make_petition(campaign=petition.campaign)
    leaving = make_signature(petition, email="leaving@example.org")
    make_signature(other, email="leaving@example.org")
    make_signature(petition, email="staying@example.org")
    session.commit()
    first = told(session, petition)
    run(first.id, transport=FileTransport(tmp_path / "first"))
    message = next(m for m in emails_in(tmp_path / "first") if m["To"] == "leaving@example.org")
    link = message["List-Unsubscribe"].strip("<>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in message.get_body(("plain",)).get_content()
    assert "/petition-news/stop/" in link

    page = client.get(local(link))
    assert page.status_code == 200 and '<form method="post">' in page.get_data(as_text=True)
    assert leaving.news_stopped_at is None  # a link scanner's GET stops nothing
    answer = client.post(local(link), data=ONE_CLICK)

    assert answer.status_code == 200
    session.refresh(leaving)
    assert leaving.news_stopped_at is not None
    second = told(session, petition, "They answered.", OutcomeKind.RESPONSE)
    elsewhere = told(session, other, "Handed in too.")
    run(second.id, transport=FileTransport(tmp_path / "second"))
    run(elsewhere.id, transport=FileTransport(tmp_path / "elsewhere"))
    assert recipients(tmp_path / "second") == {"staying@example.org": 1}
    assert recipients(tmp_path / "elsewhere") == {"leaving@example.org": 1}


def test_a_bad_stop_link_is_refused_with_a_page(client, session):
    response = client.get("/petition-news/stop/not-a-token")

    assert response.status_code == 404
    assert "This link does not work" in response.get_data(as_text=True)


def test_each_signer_reads_it_in_their_language_where_it_is_translated(session, tmp_path):
    petition = make_petition(campaign=make_campaign(language="en"), title="Let them in")
    save_translation(petition, "ug", {"title": "ئۇلارنى كىرگۈزۈڭ"})
    make_signature(petition, email="ug@example.org", language="ug")
    make_signature(petition, email="tr@example.org", language="tr")
    make_signature(petition, email="en@example.org", language="en")
    outcome = record_outcome(petition, OutcomeKind.VICTORY, "We **won**.")
    save_translation(outcome, "ug", {"text": "بىز **غەلىبە** قىلدۇق."})
    update = tell_signers(outcome)
    session.commit()
    start_telling(update)

    run(update.id, transport=FileTransport(tmp_path))

    by_address = {message["To"]: message for message in emails_in(tmp_path)}
    uyghur = by_address["ug@example.org"].get_body(("html",)).get_content()
    assert (
        "<strong>غەلىبە</strong>" in uyghur
        and "ئۇلارنى كىرگۈزۈڭ" in by_address["ug@example.org"]["Subject"]
    )
    assert 'lang="ug"' in uyghur
    # No Turkish translation: the original's words, the rest of the email in Turkish.
    turkish = by_address["tr@example.org"]
    assert "<strong>won</strong>" in turkish.get_body(("html",)).get_content()
    assert 'lang="tr"' in turkish.get_body(("html",)).get_content()
    assert "<strong>won</strong>" in by_address["en@example.org"].get_body(("html",)).get_content()


def test_an_outcome_is_told_once(session):
    petition = make_petition()
    outcome = record_outcome(petition, OutcomeKind.DELIVERED, "Handed in.")
    tell_signers(outcome)
    session.commit()

    with pytest.raises(OutcomeError):
        tell_signers(outcome)


def test_a_sender_that_dies_leaves_one_uncertain_batch_and_a_rerun_sends_no_one_twice(
    app_settings, session, tmp_path
):
    petition = make_petition()
    for number in range(7):
        make_signature(petition, email=f"signer-{number}@example.org")
    session.commit()
    app_settings(MAIL_BATCH_SIZE=2, UPDATE_BATCH_LEASE_SECONDS=0)
    update = told(session, petition)
    run(update.id, transport=FileTransport(tmp_path), max_seconds=0.000001)  # a first slice
    claim_batch(update.id, 2, utcnow() - timedelta(seconds=1))  # a sender claimed, then died
    mark_abandoned_uncertain(update.id, utcnow())

    for _ in range(3):  # run again and again, as the sweep does
        run(update.id, transport=FileTransport(tmp_path))

    counts = recipients(tmp_path)
    assert set(counts.values()) == {1}
    assert statuses(update) == {"sent": 5, "uncertain": 2}
    assert len(counts) == 5
    uncertain = session.scalars(
        select(Signature.email)
        .join(Delivery, Delivery.signature_id == Signature.id)
        .where(Delivery.update_id == update.id, Delivery.status == "uncertain")
    ).all()
    assert not set(uncertain) & set(counts)


def test_an_outcome_email_is_part_of_what_is_held_about_its_signer(session, tmp_path):
    petition = make_petition()
    make_signature(petition, email="asks@example.org")
    session.commit()
    update = told(session, petition)
    run(update.id, transport=FileTransport(tmp_path))

    held = find_person("asks@example.org")

    assert [record.delivery.update_id for record in held.deliveries] == [update.id]
    assert erase_person("asks@example.org").anonymised["deliveries"] == 1


def test_a_stop_link_names_its_signature_and_no_other(session):
    signatures = [make_signature(make_petition(), email="same@example.org") for _ in range(2)]
    links = stop_news_links()

    tokens = [links(each).rsplit("/", 1)[1] for each in signatures]

    assert [signature_to_stop(token) for token in tokens] == signatures
    signatures[1].email = "changed@example.org"  # erased, say: the link no longer fits
    with pytest.raises(TokenError):
        signature_to_stop(tokens[1])
