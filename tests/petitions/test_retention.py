"""Signatures go RETENTION_DAYS after their petition closes: the unconfirmed deleted, the
confirmed anonymised, the count and the countries unchanged, and the console says when."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import String, func, select

from campaign.audit.models import AuditEntry
from campaign.audit.trail import verify
from campaign.content.models import Campaign
from campaign.db import utcnow
from campaign.extensions import db
from campaign.petitions.counting import counts_by_country, signature_count, tally_all
from campaign.petitions.models import (
    CommentStatus,
    CountryCount,
    Petition,
    PetitionStatus,
    Signature,
    SignatureStatus,
)
from campaign.petitions.retention import (
    RetentionRun,
    anonymised_on,
    apply_retention_everywhere,
    going_within,
)
from config import SettingsError, TestingConfig
from tests.concurrency import NEEDS_POSTGRES, run_threads
from tests.conftest import ON_POSTGRES, committed_to
from tests.factories.petitions import confirm_path, make_petition, make_signature

DAY = timedelta(days=1)
NAMES = ("Gulnar Tursun", "Ablet Kerim", "Mehmet Pending", "Spam Bot")
ADDRESSES = ("gulnar@example.org", "ablet@example.org", "pending@example.org", "bot@spam.example")


def closed_petition(days_ago: float, **fields) -> Petition:
    """A petition an organiser closed `days_ago` days ago."""
    return make_petition(
        status=PetitionStatus.CLOSED, closed_at=utcnow() - timedelta(days=days_ago), **fields
    )


def signed(petition: Petition) -> list[Signature]:
    """Two confirmed signers (one public, with an approved comment and a postcode), one who
    never confirmed, and one invalidated as spam after it was counted."""
    shown = make_signature(
        petition,
        name=NAMES[0],
        email=ADDRESSES[0],
        country="TR",
        postcode="34000",
        show_name=True,
        comment="My brother is held in Urumqi.",
        comment_status=CommentStatus.APPROVED,
        ip_hash="a" * 32,
        source="newsletter-4711",
        utm={"utm_source": "mail", "utm_content": "subscriber-4711"},
        consent_text="Email me updates.",
        subscribe=True,
    )
    quiet = make_signature(petition, name=NAMES[1], email=ADDRESSES[1], country="DE")
    pending = make_signature(petition, confirmed=False, name=NAMES[2], email=ADDRESSES[2])
    spam = make_signature(petition, name=NAMES[3], email=ADDRESSES[3], country="DE")
    tally_all()  # folds the three confirmed in
    spam.status = SignatureStatus.INVALIDATED  # not folded out yet: it still counts
    spam.invalidated_at = utcnow()
    db.session.commit()
    return [shown, quiet, pending, spam]


def text_of_every_signature(petition_id: int) -> str:
    """Every column of every signature of a petition, as text, in one string."""
    columns = [func.coalesce(func.cast(column, String), "") for column in Signature.__table__.c]
    rows = db.session.execute(select(*columns).where(Signature.petition_id == petition_id))
    return " ".join(" ".join(row) for row in rows)


def retention_entries() -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "anonymise signatures")
            .order_by(AuditEntry.id)
        )
    )


@pytest.fixture
def committed(app) -> Iterator:
    """The real database, committed to, with the tables these tests fill emptied after."""
    with committed_to(app, AuditEntry, Signature, CountryCount, Petition, Campaign) as session:
        yield session


# --- through real commits ---------------------------------------------------------------


def test_a_petition_closed_longer_ago_than_retention_keeps_its_count_and_nothing_that_names(
    app, committed
):
    petition = closed_petition(181)
    kept = [signature.id for signature in signed(petition)[:2]]
    count, countries = signature_count(petition), counts_by_country(petition)
    assert (count, countries) == (2, {"TR": 1, "DE": 1})
    petition_id = petition.id

    run = apply_retention_everywhere()

    assert run == RetentionRun(petitions=1, deleted=2, anonymised=2)
    committed.remove()  # a new session: only what was committed
    petition = db.session.get(Petition, petition_id)
    left = db.session.scalars(
        select(Signature).where(Signature.petition_id == petition.id).order_by(Signature.id)
    ).all()
    assert [signature.id for signature in left] == kept
    assert [signature.country for signature in left] == ["TR", "DE"]
    assert all(signature.status == SignatureStatus.CONFIRMED for signature in left)
    assert all(signature.confirmed_at is not None for signature in left)
    first = left[0]
    assert (first.name, first.postcode, first.comment, first.ip_hash) == ("", "", "", "")
    assert (first.source, first.utm, first.consent_text) == ("", {}, "")
    assert (first.show_name, first.comment_status) == (False, CommentStatus.NONE)
    assert "@" not in first.email
    everything = text_of_every_signature(petition.id)
    for words in (*NAMES, *ADDRESSES, "34000", "Urumqi", "a" * 32, "4711"):
        assert words not in everything
    # The count and the countries read exactly as before; a recount would agree.
    assert signature_count(petition) == count
    assert counts_by_country(petition) == countries
    assert petition.counted_signatures == count
    assert petition.signatures_anonymised_at is not None
    [entry] = retention_entries()
    assert (entry.actor, entry.actor_id, entry.object_kind, entry.object_id, entry.rows) == (
        "",
        None,
        "petition",
        petition.id,
        4,
    )
    assert entry.detail == "RETENTION_DAYS=180: 2 unconfirmed deleted, 2 confirmed anonymised"
    assert verify()[1] == []


def test_running_retention_again_changes_nothing_and_records_nothing(app, committed):
    petition_id = closed_petition(181).id
    signed(db.session.get(Petition, petition_id))
    apply_retention_everywhere()
    committed.remove()
    before = text_of_every_signature(petition_id)

    assert apply_retention_everywhere() == RetentionRun()

    committed.remove()
    assert text_of_every_signature(petition_id) == before
    assert len(retention_entries()) == 1


def test_a_petition_closed_179_days_ago_is_untouched(app, committed):
    petition_id = closed_petition(179).id
    signed(db.session.get(Petition, petition_id))
    committed.remove()
    before = text_of_every_signature(petition_id)

    assert apply_retention_everywhere() == RetentionRun()

    committed.remove()
    assert text_of_every_signature(petition_id) == before
    assert all(name in before for name in NAMES)
    assert db.session.scalar(select(func.count()).select_from(Signature)) == 4
    assert retention_entries() == []
    assert db.session.get(Petition, petition_id).signatures_anonymised_at is None


def test_a_petition_whose_closing_date_passed_long_ago_goes_too(app, committed):
    petition = make_petition(closes_at=utcnow() - 200 * DAY)  # never closed by hand
    make_signature(petition, name=NAMES[0], email=ADDRESSES[0])
    db.session.commit()

    assert apply_retention_everywhere() == RetentionRun(petitions=1, deleted=0, anonymised=1)


# --- when, in the rolled-back transaction -----------------------------------------------


def test_retention_follows_the_setting(session, app_settings):
    petition = closed_petition(31)
    make_signature(petition)
    app_settings(RETENTION_DAYS=30)

    assert apply_retention_everywhere() == RetentionRun(petitions=1, deleted=0, anonymised=1)


def test_open_petitions_and_drafts_are_never_due(session):
    open_one = make_petition(closes_at=utcnow() + 10 * DAY)
    make_signature(open_one)
    draft = make_petition(status=PetitionStatus.DRAFT)

    assert anonymised_on(open_one) is None
    assert anonymised_on(draft) is None
    assert apply_retention_everywhere() == RetentionRun()


def test_a_reopened_petition_that_closes_again_is_due_again_after_its_new_closing(session):
    petition = closed_petition(181)
    make_signature(petition)
    apply_retention_everywhere()
    assert anonymised_on(petition) is None  # done

    petition.status = PetitionStatus.OPEN  # reopened, new signers, closed again today
    petition.closed_at = None
    db.session.flush()
    make_signature(petition, name="Late Signer")
    petition.status, petition.closed_at = PetitionStatus.CLOSED, utcnow()
    db.session.flush()

    assert anonymised_on(petition).date() == (utcnow() + 180 * DAY).date()
    assert apply_retention_everywhere() == RetentionRun()


def test_a_link_to_confirm_a_deleted_signature_says_it_is_not_valid(client, session):
    petition = closed_petition(181)
    pending = make_signature(petition, confirmed=False)
    path = confirm_path(pending)
    apply_retention_everywhere()

    response = client.get(path)

    assert response.status_code == 400
    assert "not valid" in response.get_data(as_text=True)


def test_going_within_lists_the_soonest_first_and_leaves_out_later_and_done_ones(session):
    in_ten_days = closed_petition(170)
    in_three_days = closed_petition(177)
    closed_petition(160)  # in 20 days
    done = closed_petition(200)
    done.signatures_anonymised_at = utcnow() - 20 * DAY
    db.session.flush()

    assert [petition for petition, _when in going_within(14)] == [in_three_days, in_ten_days]


# --- the console ------------------------------------------------------------------------

WARNING = "These signatures are anonymised on"


def console_page(client, petition: Petition) -> str:
    return client.get(f"/admin/petitions/{petition.id}").get_data(as_text=True)


def test_the_console_warns_from_a_week_before_and_links_the_delivery_csv(
    client, session, organiser
):
    petition = closed_petition(173 + 1 / 24)  # anonymised in 7 days less an hour

    html = console_page(client, petition)

    assert WARNING in html
    assert f'href="/admin/petitions/{petition.id}/export.csv">delivery CSV</a> before.' in html


def test_the_console_does_not_warn_more_than_a_week_before_but_shows_the_date(
    client, session, organiser
):
    petition = closed_petition(172)  # in 8 days

    html = console_page(client, petition)

    assert WARNING not in html
    assert "Signatures anonymised on" in html
    assert "180 days after it closed" in html


def test_the_console_says_when_the_signatures_were_anonymised(client, session, organiser):
    petition = closed_petition(181)
    make_signature(petition)
    apply_retention_everywhere()

    html = console_page(client, petition)

    assert WARNING not in html
    assert "Signatures anonymised</dt>" in html


def test_an_open_petition_shows_no_retention_date(client, session, organiser):
    html = console_page(client, make_petition())

    assert "anonymised" not in html


def test_the_console_front_page_lists_petitions_whose_signatures_go_within_14_days(
    client, session, organiser
):
    soon = closed_petition(170, title="Free Ilham Tohti")
    closed_petition(150, title="Close the camps")  # in 30 days

    html = client.get("/admin/").get_data(as_text=True)

    assert "Signatures anonymised within 14 days" in html
    assert f'<a href="/admin/petitions/{soon.id}">Free Ilham Tohti</a>' in html
    assert f'href="/admin/petitions/{soon.id}/export.csv"' in html
    assert "Close the camps" not in html.split("retention-heading")[1].split("</section>")[0]


def test_the_console_front_page_shows_no_list_when_nothing_goes_soon(client, session, organiser):
    closed_petition(100)

    assert "Signatures anonymised within" not in client.get("/admin/").get_data(as_text=True)


def test_the_console_pages_that_show_retention_need_a_signed_in_organiser(client, session):
    petition = closed_petition(175)

    for path in ("/admin/", f"/admin/petitions/{petition.id}"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/admin/login" in response.headers["Location"]


@pytest.mark.parametrize("setting", ["RETENTION_DAYS", "MAIL_BODY_DAYS"])
@pytest.mark.parametrize("value", [0, -5])
def test_retention_of_less_than_a_day_stops_start_up_with_one_line(setting, value):
    settings = {name: getattr(TestingConfig, name) for name in dir(TestingConfig) if name.isupper()}

    with pytest.raises(SettingsError) as refused:
        TestingConfig.prepare(settings | {setting: value})

    assert str(refused.value) == "RETENTION_DAYS and MAIL_BODY_DAYS must be at least 1 (days)."


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason=NEEDS_POSTGRES)
def test_two_sweeps_at_once_do_the_work_once(app, committed):
    petition = closed_petition(181)
    petition_id = petition.id
    signed(petition)
    runs: list[RetentionRun] = []

    run_threads(app, [lambda: runs.append(apply_retention_everywhere())] * 2)

    assert sum(run.deleted for run in runs) == 2
    assert sum(run.anonymised for run in runs) == 2
    committed.remove()
    assert len(retention_entries()) == 1
    assert signature_count(db.session.get(Petition, petition_id)) == 2
