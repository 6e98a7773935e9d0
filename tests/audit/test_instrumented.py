"""Every console action on supporters' data or on what the site does leaves an audit entry,
in the same transaction, naming ids and counts, never a supporter."""

import io

import pytest

from campaign.accounts.models import Role, User
from campaign.audit.models import AuditEntry
from campaign.content.models import Campaign, CampaignStatus, ExplainerStatus
from campaign.csv_safety import counted
from campaign.donations.models import AppealStatus, DonationStatus
from campaign.extensions import db
from campaign.mailer.dispatch import dispatch_due
from campaign.mailer.models import MessageStatus
from campaign.petitions.models import CommentStatus, PetitionStatus, SignatureStatus
from campaign.subscribers.models import SubscriberStatus
from campaign.updates.models import UpdateStatus
from tests.audit.entries import assert_no_supporter_in_the_trail, entries, last_entry
from tests.factories.content import make_campaign, make_explainer
from tests.factories.donations import make_appeal, make_donation
from tests.factories.mail import make_outbound_email
from tests.factories.petitions import make_petition, make_signature
from tests.factories.subscribers import make_subscriber
from tests.factories.updates import make_update
from tests.helpers import csrf_token, post_form, shown_form


def save_form(client, url: str, **changes):
    """Post the form at `url` back as a browser would, with `changes` typed in."""
    return client.post(url, data=shown_form(client, url).values | changes)


@pytest.fixture
def supporters(session):
    """A petition with signers (one with a comment waiting), subscribers and a donor."""
    petition = make_petition()
    signers = [
        make_signature(petition, name="Aynur Tursun", email="aynur@example.net", source="x"),
        make_signature(petition, name="Bilal Kerim", email="bilal@example.net", source="x"),
        make_signature(
            petition, name="Dilnur Aziz", email="dilnur@example.net", comment="Free my father"
        ),
    ]
    make_subscriber(email="reader.one@example.net", name="Reader One")
    make_subscriber(email="reader.two@example.net", name="Reader Two")
    appeal = make_appeal()
    make_donation(
        appeal, donor_email="giver@example.net", donor_name="Gulzar", status=DonationStatus.PAID
    )
    return petition, signers, appeal


# Exports: the rows that went out, once the download has ended


def test_exporting_signatures_records_the_rows_written(client, organiser, supporters):
    petition, _signers, _appeal = supporters

    response = client.get(f"/admin/petitions/{petition.id}/export.csv")
    lines = response.get_data(as_text=True).splitlines()

    assert len(lines) == 4  # the header and three signers
    assert entries() == [("export signatures", "petition", petition.id, 3)]
    assert last_entry().actor == organiser.email
    assert_no_supporter_in_the_trail()


def test_exporting_subscribers_records_the_rows_and_the_filter_not_the_search(
    client, organiser, supporters
):
    make_subscriber(SubscriberStatus.UNSUBSCRIBED, email="gone@example.net")

    client.get("/admin/subscribers/export.csv?status=active&q=reader.one").get_data()

    assert entries() == [("export subscribers", "", None, 1)]
    assert last_entry().detail == "status=active; search=not recorded"
    assert_no_supporter_in_the_trail()


def test_exporting_donations_records_the_rows_and_the_appeal(client, organiser, supporters):
    _petition, _signers, appeal = supporters
    make_donation(appeal, donor_email="second@example.net")

    client.get(f"/admin/donations/export.csv?appeal={appeal.id}&status=paid").get_data()

    assert entries() == [("export donations", "appeal", appeal.id, 1)]
    assert last_entry().detail == "status=paid"
    assert_no_supporter_in_the_trail()


def test_a_download_cut_short_records_what_went_out(client, organiser, supporters):
    petition, _signers, _appeal = supporters

    response = client.get(f"/admin/petitions/{petition.id}/export.csv")
    lines = iter(response.response)
    # As a server does: the header and a row sent, the next row handed over, and then the
    # connection is gone before it could be sent.
    taken = [next(lines) for _ in range(3)]
    response.close()

    assert taken[0].startswith(b"name,")
    assert entries() == [("export signatures", "petition", petition.id, 1)]
    assert last_entry().detail == "stopped before the end"


def test_the_count_is_told_however_the_lines_end():
    told = []

    def failing():
        yield "name\r\n"
        yield "Aynur\r\n"
        yield "Bilal\r\n"
        raise OSError("the database went away")

    with pytest.raises(OSError):
        list(counted(failing(), lambda rows, finished: told.append((rows, finished))))
    list(counted(iter(["name\r\n", "Aynur\r\n"]), lambda *given: told.append(given)))
    list(counted(iter([]), lambda *given: told.append(given)))

    assert told == [(2, False), (1, True), (0, True)]


# Imports


def test_an_import_records_the_rows_imported(client, organiser, supporters):
    url = "/admin/subscribers/import"
    text = (
        "email,consent\nnew.one@example.net,yes\nnew.two@example.net,yes\n"
        "reader.one@example.net,yes\n"
    )
    data = {"csrf_token": csrf_token(client, url), "file": (io.BytesIO(text.encode()), "a.csv")}

    response = client.post(url, data=data, content_type="multipart/form-data")

    assert response.status_code == 200
    assert entries() == [("import subscribers", "", None, 2)]
    assert last_entry().detail == "1 already on the list"
    assert_no_supporter_in_the_trail()


def test_a_refused_import_records_nothing(client, organiser, supporters):
    url = "/admin/subscribers/import"
    text = "email,consent\nnew.one@example.net,no\n"
    data = {"csrf_token": csrf_token(client, url), "file": (io.BytesIO(text.encode()), "a.csv")}

    assert client.post(url, data=data, content_type="multipart/form-data").status_code == 400
    assert entries() == []


# Signatures and comments


def test_invalidating_one_signature_records_it(client, organiser, supporters):
    petition, signers, _appeal = supporters
    url = f"/admin/petitions/{petition.id}/signatures/{signers[0].id}/invalidate"

    post_form(client, url, {}, form_url=f"/admin/petitions/{petition.id}/signatures")
    post_form(client, url, {}, form_url=f"/admin/petitions/{petition.id}/signatures")  # again

    assert signers[0].status == SignatureStatus.INVALIDATED
    assert entries() == [("invalidate signature", "signature", signers[0].id, 1)]
    assert_no_supporter_in_the_trail()


def test_bulk_invalidation_records_how_many_and_which_filter_parts(client, organiser, supporters):
    petition, _signers, _appeal = supporters
    url = f"/admin/petitions/{petition.id}/invalidate"

    preview = post_form(client, url, {"source": "x", "preview": "Preview"})
    done = post_form(client, url, {"source": "x", "expected": "2", "confirm": "Invalidate"})

    assert (preview.status_code, done.status_code) == (200, 303)
    assert entries() == [("invalidate signatures", "petition", petition.id, 2)]
    assert last_entry().detail == "source=x"
    assert_no_supporter_in_the_trail()


def test_a_bulk_filter_by_domain_or_ip_hash_is_named_but_not_recorded(
    client, organiser, supporters
):
    petition, _signers, _appeal = supporters
    url = f"/admin/petitions/{petition.id}/invalidate"
    filters = {"email_domain": "example.net", "ip_hash": ""}

    post_form(client, url, filters | {"expected": "3", "confirm": "Invalidate"})

    assert entries() == [("invalidate signatures", "petition", petition.id, 3)]
    assert last_entry().detail == "email_domain=given"


@pytest.mark.parametrize(
    ("button", "action"), [("approve", "approve comment"), ("reject", "reject comment")]
)
def test_moderating_a_comment_records_it(client, organiser, supporters, button, action):
    petition, signers, _appeal = supporters
    queue = f"/admin/petitions/{petition.id}/comments"

    post_form(client, f"{queue}/{signers[2].id}/{button}", {}, form_url=queue)

    assert signers[2].comment_status in (CommentStatus.APPROVED, CommentStatus.REJECTED)
    assert entries() == [(action, "signature", signers[2].id, 1)]
    assert_no_supporter_in_the_trail()


# Updates


def test_sending_an_update_records_who_it_goes_to(client, organiser, supporters):
    update = make_update()
    url = f"/admin/updates/{update.id}"

    response = post_form(client, f"{url}/send", {}, form_url=url)

    assert response.status_code == 303
    assert update.status == UpdateStatus.SENDING
    assert entries() == [("send update", "update", update.id, 2)]
    assert_no_supporter_in_the_trail()


def test_an_update_that_cannot_be_sent_records_nothing(client, organiser, supporters):
    update = make_update(status=UpdateStatus.SENT)

    post_form(client, f"/admin/updates/{update.id}/send", {}, form_url="/admin/updates/")

    assert entries() == []


def test_scheduling_unscheduling_and_cancelling_an_update_are_recorded(
    client, organiser, supporters
):
    update = make_update()
    url = f"/admin/updates/{update.id}"

    post_form(client, f"{url}/schedule", {"send_at": "2099-01-02T03:04"}, form_url=url)
    post_form(client, f"{url}/unschedule", {}, form_url=url)
    post_form(client, f"{url}/send", {}, form_url=url)
    post_form(client, f"{url}/pause", {}, form_url=f"{url}/progress")
    post_form(client, f"{url}/resume", {}, form_url=f"{url}/progress")
    post_form(client, f"{url}/cancel", {}, form_url=f"{url}/progress")

    assert update.status == UpdateStatus.CANCELLED
    assert entries() == [
        ("schedule update", "update", update.id, 2),
        ("unschedule update", "update", update.id, None),
        ("send update", "update", update.id, 2),
        ("pause update", "update", update.id, None),
        ("resume update", "update", update.id, None),
        ("cancel update", "update", update.id, 2),
    ]
    scheduled = db.session.query(AuditEntry).filter_by(action="schedule update").one()
    assert scheduled.detail == "send at 2099-01-02T03:04:00+00:00"
    assert_no_supporter_in_the_trail()


def test_saving_and_removing_an_updates_translation_are_recorded(client, organiser):
    update = make_update()
    new = f"/admin/updates/{update.id}/translations/new?language=ug"

    post_form(client, new, {"language": "ug", "subject": "خەۋەر", "body": "ئوقۇڭ"})
    [translation] = update.translations
    post_form(
        client,
        f"/admin/updates/{update.id}/translations/{translation.id}/remove",
        {},
        form_url=f"/admin/updates/{update.id}",
    )

    assert entries() == [
        ("save translation", "update", update.id, None),
        ("remove translation", "update", update.id, None),
    ]
    assert last_entry().detail == "language=ug"


# Mail


def test_sending_a_failed_email_again_is_recorded(client, organiser, supporters):
    message = make_outbound_email("aynur@example.net", status=MessageStatus.FAILED)
    url = f"/admin/mail/{message.id}"

    post_form(client, f"{url}/retry", {}, form_url=url)

    assert entries() == [("retry email", "email", message.id, None)]
    assert_no_supporter_in_the_trail()


def test_downloading_an_emails_eml_is_recorded(client, organiser, app_settings, tmp_path):
    app_settings(MAIL_FILE_DIR=str(tmp_path))
    message = make_outbound_email("aynur@example.net")
    dispatch_due()  # the file transport writes the .eml

    response = client.get(f"/admin/mail/{message.id}/eml")

    assert response.status_code == 200
    assert entries() == [("download email", "email", message.id, 1)]
    assert "aynur@example.net" not in str(db.session.query(AuditEntry.__table__).all())


# Organisers


def test_managing_organisers_is_recorded(client, admin, session):
    created = post_form(
        client, "/admin/users/new", {"email": "new.editor@example.org", "role": "editor"}
    )
    account = session.query(User).filter_by(email="new.editor@example.org").one()
    page = f"/admin/users/{account.id}"

    post_form(client, f"{page}/role", {"role": "admin"}, form_url=page)
    post_form(client, f"{page}/role", {"role": "admin"}, form_url=page)  # no change: no entry
    post_form(client, f"{page}/password", {}, form_url=page)
    post_form(client, f"{page}/deactivate", {}, form_url=page)
    post_form(client, f"{page}/reactivate", {}, form_url=page)

    assert created.status_code == 200
    assert account.role == Role.ADMIN
    assert entries() == [
        ("create organiser", "user", account.id, None),
        ("change role", "user", account.id, None),
        ("reset password", "user", account.id, None),
        ("deactivate organiser", "user", account.id, None),
        ("reactivate organiser", "user", account.id, None),
    ]
    about_them = session.query(AuditEntry).filter_by(object_kind="user", object_id=account.id)
    details = [entry.detail for entry in about_them.order_by(AuditEntry.id)]
    assert details[:2] == ["role=editor", "editor -> admin"]
    assert {entry.actor_id for entry in about_them} == {admin.id}


def test_changing_ones_own_password_is_recorded(client, organiser):
    post_form(
        client,
        "/admin/password",
        {
            "current_password": "correct horse battery staple",
            "new_password": "another long password",
            "confirm_password": "another long password",
        },
    )

    assert entries() == [("change password", "user", organiser.id, None)]


# Publication


def test_publishing_and_unpublishing_an_explainer_are_recorded(client, organiser):
    explainer = make_explainer(status=ExplainerStatus.DRAFT, published_at=None)
    page = f"/admin/campaigns/{explainer.campaign_id}"

    post_form(client, f"/admin/explainers/{explainer.id}/publish", {}, form_url=page)
    post_form(client, f"/admin/explainers/{explainer.id}/publish", {}, form_url=page)  # again
    post_form(client, f"/admin/explainers/{explainer.id}/unpublish", {}, form_url=page)

    assert entries() == [
        ("publish explainer", "explainer", explainer.id, None),
        ("unpublish explainer", "explainer", explainer.id, None),
    ]
    assert last_entry().detail == "published -> draft"


def test_a_campaigns_status_changes_are_recorded(client, organiser):
    campaign = make_campaign(status=CampaignStatus.DRAFT)
    url = f"/admin/campaigns/{campaign.id}/edit"

    save_form(client, url, title="Renamed")  # a draft still: nothing public changed
    save_form(client, url, status="live")
    save_form(client, url, status="archived")

    assert entries() == [
        ("publish campaign", "campaign", campaign.id, None),
        ("archive campaign", "campaign", campaign.id, None),
    ]


def test_a_new_campaign_made_live_is_recorded_and_a_new_draft_is_not(client, organiser, session):
    fields = {"title": "Live at once", "slug": "live-at-once", "language": "en", "status": "live"}
    post_form(client, "/admin/campaigns/new", fields)
    post_form(client, "/admin/campaigns/new", fields | {"slug": "a-draft", "status": "draft"})

    live = session.query(Campaign).filter_by(slug="live-at-once").one()
    assert entries() == [("publish campaign", "campaign", live.id, None)]
    assert last_entry().detail == "new -> live"


def test_a_petitions_publication_closing_and_reopening_are_recorded(client, organiser):
    petition = make_petition(status=PetitionStatus.DRAFT)
    page = f"/admin/petitions/{petition.id}"

    save_form(client, f"{page}/edit", status="open")
    post_form(client, f"{page}/close", {}, form_url=page)
    post_form(client, f"{page}/reopen", {"closes_at": ""}, form_url=page)
    save_form(client, f"{page}/edit", status="draft")

    assert entries() == [
        ("publish petition", "petition", petition.id, None),
        ("close petition", "petition", petition.id, None),
        ("reopen petition", "petition", petition.id, None),
        ("unpublish petition", "petition", petition.id, None),
    ]


def test_an_appeals_publication_is_recorded(client, organiser):
    appeal = make_appeal(status=AppealStatus.DRAFT)
    url = f"/admin/donations/appeals/{appeal.id}/edit"

    save_form(client, url, status="open")
    save_form(client, url, status="closed")

    assert entries() == [
        ("publish appeal", "appeal", appeal.id, None),
        ("close appeal", "appeal", appeal.id, None),
    ]


def test_saving_and_removing_a_translation_are_recorded(client, organiser):
    petition = make_petition()
    url = f"/admin/translations/petition/{petition.id}/ug"

    post_form(client, url, {"title": "ب د ت كىرسۇن"})
    post_form(client, url, {"title": ""})
    post_form(client, url, {"title": ""})  # nothing stored, nothing removed

    assert entries() == [
        ("save translation", "petition", petition.id, None),
        ("remove translation", "petition", petition.id, None),
    ]
    assert last_entry().detail == "language=ug"


def test_an_action_that_fails_leaves_no_entry(client, organiser):
    # The audit entry commits with the change or not at all.
    draft = make_petition(status=PetitionStatus.DRAFT)

    post_form(client, f"/admin/petitions/{draft.id}/close", {}, form_url="/admin/petitions/")

    assert draft.status == PetitionStatus.DRAFT
    assert entries() == []
