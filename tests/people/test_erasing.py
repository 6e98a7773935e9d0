"""Erasing one supporter: afterwards no column of any table, and no .eml file, names them,
every public count and total is as it was, and only they can bring their address back."""

import io

import pytest
from sqlalchemy import select

from campaign.addresses import InvalidEmail
from campaign.extensions import db
from campaign.people.erased import is_erased
from campaign.people.erasing import erase_person
from campaign.people.exporting import export_person
from campaign.people.finding import find_person
from campaign.petitions.counting import signature_count, tally_petition
from campaign.petitions.models import Signature, SignatureStatus
from campaign.subscribers.importing import import_subscribers
from campaign.subscribers.models import Subscriber, SubscriberStatus
from campaign.updates.models import DeliveryStatus
from campaign.updates.sending import run, start
from tests.factories.content import make_campaign
from tests.factories.petitions import (
    confirm_path,
    make_petition,
    make_signature,
    press_confirm,
    sign,
)
from tests.factories.subscribers import find_subscriber, link, local, make_subscriber, outbox
from tests.factories.updates import deliveries, make_update
from tests.helpers import post_form
from tests.people.held import EMAIL, NAME, NEEDLES, columns_holding, files_holding, hold_everything


@pytest.fixture
def held(client, session, app_settings, tmp_path):
    mail_dir = tmp_path / "mail"
    app_settings(MAIL_FILE_DIR=str(mail_dir))
    return hold_everything(client, session, mail_dir)


def test_the_person_is_found_in_every_table_that_holds_them(held):
    person = find_person(EMAIL)

    assert person.subscriber.name == NAME
    assert [s.status for s in person.signatures] == ["confirmed", "pending"]
    assert len(person.donations) == 2  # the one typed in capitals too
    assert {m.template for m in person.emails} >= {"petition_confirm", "donation_receipt"}
    assert len(person.deliveries) == 1
    assert len(person.suppressions) == len(person.webhook_events) == 1
    assert len(person.mail_files) == len(person.emails) + 1  # each email, and the update
    assert NAME in person.names()


def test_after_erasure_no_column_of_any_table_names_them_and_counts_stand(held, session):
    needles = (*NEEDLES, held.ip_hash)
    before = held.counts()
    emails = len(outbox(EMAIL))
    assert columns_holding(session, needles), "the search finds the person before erasure"

    erasure = erase_person(EMAIL)
    session.commit()

    assert columns_holding(session, needles) == []
    assert held.counts() == before
    tally_petition(held.petition.id)  # and once the tally folds everything in
    assert held.counts() == before
    assert erasure.deleted["signatures"] == 1  # the unconfirmed one: it never counted
    assert erasure.anonymised["signatures"] == 1
    assert erasure.anonymised["donations"] == 2
    assert erasure.anonymised["subscribers"] == 1  # it had an update: its delivery counts
    assert (erasure.deleted["outbound_emails"], outbox(EMAIL)) == (emails, [])
    assert is_erased(EMAIL)


def test_the_eml_files_sent_to_them_are_gone_and_the_others_stay(held, session):
    everyone = {path.name for path in held.mail_dir.iterdir()}
    theirs = {path.name for path in find_person(EMAIL).mail_files}

    erase_person(EMAIL)
    session.commit()

    assert {path.name for path in held.mail_dir.iterdir()} == everyone - theirs
    assert files_holding(held.mail_dir, NEEDLES) == []
    assert len(everyone - theirs) >= 3  # the other readers' copies of the update


def test_the_export_before_erasure_holds_it_all_and_nothing_after(held, session):
    before = export_person(EMAIL)
    erase_person(EMAIL)
    session.commit()
    after = export_person(EMAIL)

    assert before["subscriber"]["name"] == NAME
    assert after["subscriber"] is None
    assert all(after[key] == [] for key in ("signatures", "donations", "emails", "mail_files"))
    assert after["on_erased_list"] is True
    assert sorted(after) == sorted(before)  # the same keys, whatever is held


def test_a_later_import_skips_the_erased_address(held, session):
    erase_person(EMAIL)
    session.commit()
    csv = f"email,name,consent\n{EMAIL},{NAME},yes\nnew@example.org,New,yes\n"

    report = import_subscribers(io.StringIO(csv), "list.csv")

    assert report.written
    assert [row.email for row in report.imported] == ["new@example.org"]
    assert [problem.email for problem in report.kept] == [EMAIL]
    assert "Erased at its owner's request" in report.kept[0].reason
    assert find_subscriber(EMAIL) is None


def test_a_bulk_send_skips_the_address_however_it_became_active_again(held, session):
    erase_person(EMAIL)
    session.commit()
    # Not through a sign-up of their own (say, a row written by hand): still nothing goes.
    sneaked = Subscriber(email=EMAIL, name="", status=SubscriberStatus.ACTIVE)
    session.add(sneaked)
    update = make_update()
    session.commit()
    start(update)
    run(update.id)

    statuses = {d.subscriber_id: d.status for d in deliveries(update)}
    assert statuses[sneaked.id] == DeliveryStatus.SKIPPED
    assert DeliveryStatus.SENT in statuses.values()  # everyone else got it


def test_the_person_can_sign_up_again_themselves_and_is_then_reached(held, client, session):
    erase_person(EMAIL)
    session.commit()

    asked = post_form(client, "/subscribe", {"email": EMAIL, "name": "Z"})
    confirm = local(link(outbox(EMAIL)[-1].text_body, "/subscribe/confirm/"))
    assert is_erased(EMAIL), "asking is not enough: the owner must confirm"
    confirmed = post_form(client, confirm, {})

    assert (asked.status_code, confirmed.status_code) == (200, 200)
    assert find_subscriber(EMAIL).status == SubscriberStatus.ACTIVE
    assert not is_erased(EMAIL)
    update = make_update()
    session.commit()
    start(update)
    run(update.id)
    mine = [d for d in deliveries(update) if d.subscriber_id == find_subscriber(EMAIL).id]
    assert [d.status for d in mine] == [DeliveryStatus.SENT]


def test_signing_with_email_me_updates_and_confirming_is_a_sign_up_of_their_own(
    held, client, session
):
    erase_person(EMAIL)
    session.commit()
    petition = make_petition(make_campaign())

    sign(client, petition, name=NAME, email=EMAIL, country="GB", subscribe="y")
    assert is_erased(EMAIL)
    signature = session.scalar(select(Signature).where(Signature.petition_id == petition.id))
    press_confirm(client, confirm_path(signature))

    assert not is_erased(EMAIL)
    assert find_subscriber(EMAIL).status == SubscriberStatus.ACTIVE


def test_tracking_codes_keep_their_words_and_lose_the_persons(session):
    petition = make_petition()
    signature = make_signature(
        petition,
        email=EMAIL,
        name="Al",  # too short to be sought inside other words
        source="newsletter",
        utm={"utm_source": "mastodon", "utm_content": f"from {EMAIL}"},
    )

    erase_person(EMAIL)
    session.refresh(signature)

    assert signature.source == "newsletter"
    assert signature.utm == {"utm_source": "mastodon", "utm_content": "from [erased]"}


def test_signing_again_after_erasure_is_a_new_signature(held, client, session):
    erase_person(EMAIL)
    session.commit()
    petition = make_petition(make_campaign())

    sign(client, petition, name=NAME, email=EMAIL, country="GB")
    signature = session.scalar(select(Signature).where(Signature.petition_id == petition.id))
    press_confirm(client, confirm_path(signature))

    assert signature_count(petition) == 1
    session.refresh(signature)
    assert signature.status == SignatureStatus.CONFIRMED


def test_an_invalidated_signature_stays_so_the_tally_can_fold_it_out(session):
    petition = make_petition()
    signature = make_signature(petition, email=EMAIL, name=NAME)
    tally_petition(petition.id)
    signature.status = SignatureStatus.INVALIDATED
    session.flush()

    erase_person(EMAIL)
    tally_petition(petition.id)

    assert signature_count(petition) == 0
    session.refresh(signature)
    assert (signature.status, signature.name) == (SignatureStatus.INVALIDATED, "")


def test_a_subscriber_never_sent_an_update_is_deleted(session):
    subscriber_id = make_subscriber(email=EMAIL, name=NAME).id

    erasure = erase_person(EMAIL)

    assert erasure.deleted["subscribers"] == 1
    assert db.session.get(Subscriber, subscriber_id) is None


def test_nothing_held_erases_nothing_and_lists_nothing(session):
    erasure = erase_person("nobody@example.org")

    assert erasure.total == 0
    assert erasure.summary() == "nothing held"
    assert not is_erased("nobody@example.org")


def test_an_address_that_is_not_one_is_refused(session):
    with pytest.raises(InvalidEmail):
        erase_person("not an address")
    with pytest.raises(InvalidEmail):
        find_person("erased-subscriber-1@erased.invalid")  # what stands in for an erased one
