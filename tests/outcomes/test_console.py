"""Organisers record outcomes on a petition's console page; the public page shows them."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from campaign.audit.models import AuditEntry
from campaign.db import utcnow
from campaign.extensions import db
from campaign.i18n.translating import save_translation
from campaign.outcomes.models import OutcomeKind, PetitionOutcome
from campaign.outcomes.telling import record_outcome, tell_signers
from campaign.updates.models import AudienceKind, Update, UpdateStatus
from campaign.updates.runner import send_updates
from tests.factories.petitions import make_petition, make_signature
from tests.factories.updates import emails_in, statuses
from tests.helpers import post_form

TURKISH = "Yanıt verdiler."  # noqa: RUF001 (Turkish)


@pytest.fixture
def mail_dir(app_settings, tmp_path):
    app_settings(MAIL_FILE_DIR=str(tmp_path))
    return tmp_path


def outcomes_of(petition) -> list[PetitionOutcome]:
    query = select(PetitionOutcome).where(PetitionOutcome.petition_id == petition.id)
    return list(db.session.scalars(query.order_by(PetitionOutcome.id)))


def actions(session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_an_outcome_recorded_without_telling_shows_on_the_petition_and_sends_nothing(
    client, session, organiser, mail_dir
):
    petition = make_petition(slug="let-them-in")
    make_signature(petition)
    session.commit()
    url = f"/admin/petitions/{petition.id}"

    response = post_form(
        client,
        f"{url}/outcomes",
        {"kind": "delivered", "text": "We handed **it** in."},
        form_url=url,
    )

    assert response.status_code == 303
    [outcome] = outcomes_of(petition)
    assert (outcome.kind, outcome.update_id) == (OutcomeKind.DELIVERED, None)
    page = client.get("/petitions/let-them-in").get_data(as_text=True)
    assert "What happened" in page and "We handed <strong>it</strong> in." in page
    assert "Delivered" in page
    assert session.scalars(select(Update)).all() == []
    assert "record outcome" in actions(session)


@pytest.mark.parametrize(
    ("fields", "error_says"),
    [
        ({"kind": "delivered", "text": ""}, "Say in a few words what happened."),
        ({"kind": "delivered", "text": "x" * 2001}, "Keep it under 2000 characters."),
        ({"kind": "won-somehow", "text": "Yes"}, "Not a valid choice"),
    ],
)
def test_a_bad_outcome_is_refused_beside_the_field(client, session, organiser, fields, error_says):
    petition = make_petition()
    session.commit()
    url = f"/admin/petitions/{petition.id}"

    response = post_form(client, f"{url}/outcomes", fields, form_url=url)

    assert response.status_code == 400
    errors = re.findall(r'<p class="error" id="(?:kind|text)-error">([^<]*)</p>', response.text)
    assert any(error_says in error for error in errors), errors
    assert outcomes_of(petition) == []


def test_telling_signers_sends_one_update_shown_like_any_update(
    app, client, session, organiser, mail_dir
):
    petition = make_petition(title="Let them in")
    make_signature(petition, email="opted-in@example.org", subscribe=True)
    make_signature(petition, email="did-not@example.org", subscribe=False)
    session.commit()
    url = f"/admin/petitions/{petition.id}"

    response = post_form(
        client,
        f"{url}/outcomes",
        {"kind": "victory", "text": "They agreed.", "tell_signers": "y"},
        form_url=url,
    )
    send_updates(app)  # the sweep; outside Celery it sends inline

    assert response.status_code == 303
    [outcome] = outcomes_of(petition)
    update = db.session.get(Update, outcome.update_id)
    assert update.audience_kind == AudienceKind.SIGNERS
    assert update.status == UpdateStatus.SENT and statuses(update) == {"sent": 2}
    assert sorted(m["To"] for m in emails_in(mail_dir)) == [
        "did-not@example.org",
        "opted-in@example.org",
    ]
    progress = client.get(f"/admin/updates/{update.id}/progress").get_data(as_text=True)
    assert "Every confirmed signer of “Let them in”" in progress
    console = client.get(url).get_data(as_text=True)
    assert f"/admin/updates/{update.id}/progress" in console
    assert "2 signers would be told now" in console
    assert actions(session)[-2:] == ["record outcome", "tell signers"]

    again = post_form(client, f"{url}/outcomes/{outcome.id}/tell", {}, form_url=url)
    send_updates(app)

    assert again.status_code == 303
    assert "told about this already" in client.get(url).get_data(as_text=True)
    assert len(emails_in(mail_dir)) == 2


def test_an_outcome_translated_first_is_told_later_in_each_language(
    app, client, session, organiser, mail_dir
):
    petition = make_petition()
    make_signature(petition, email="ug@example.org", language="ug")
    outcome = record_outcome(petition, OutcomeKind.RESPONSE, "They wrote back.")
    session.commit()
    url = f"/admin/petitions/{petition.id}"
    form_url = f"/admin/translations/petition_outcome/{outcome.id}/ug"
    saved = post_form(client, form_url, {"text": "ئۇلار جاۋاب يازدى."})
    assert saved.status_code == 303

    post_form(client, f"{url}/outcomes/{outcome.id}/tell", {}, form_url=url)
    send_updates(app)

    [message] = emails_in(mail_dir)
    assert "ئۇلار جاۋاب يازدى." in message.get_body(("plain",)).get_content()


def test_the_petition_page_lists_outcomes_newest_first_in_the_pages_language(client, session):
    petition = make_petition(slug="let-them-in")
    first = record_outcome(petition, OutcomeKind.DELIVERED, "Handed in.")
    first.created_at = utcnow() - timedelta(days=3)
    latest = record_outcome(petition, OutcomeKind.RESPONSE, "They answered.")
    save_translation(latest, "tr", {"text": TURKISH})
    session.commit()

    english = client.get("/petitions/let-them-in").get_data(as_text=True)
    turkish = client.get("/tr/petitions/let-them-in").get_data(as_text=True)

    assert english.index("They answered.") < english.index("Handed in.")
    assert TURKISH in turkish and "They answered." not in turkish
    assert re.search(r'<div class="prose" lang="en"[^>]*>\s*<p>Handed in.</p>', turkish)


def test_a_translation_saved_later_changes_the_pages_validator(client, session):
    petition = make_petition(slug="let-them-in")
    outcome = record_outcome(petition, OutcomeKind.RESPONSE, "They answered.")
    session.commit()
    before = client.get("/tr/petitions/let-them-in").headers["ETag"]

    save_translation(outcome, "tr", {"text": TURKISH})
    session.commit()
    client.application.extensions["kept_for_a_moment"] = {}
    after = client.get("/tr/petitions/let-them-in", headers={"If-None-Match": before})

    assert after.status_code == 200 and TURKISH in after.get_data(as_text=True)


def test_removing_an_outcome_takes_it_off_the_page(client, session, organiser):
    petition = make_petition(slug="let-them-in")
    outcome = record_outcome(petition, OutcomeKind.CLOSURE, "It is over.")
    session.commit()
    url = f"/admin/petitions/{petition.id}"

    post_form(client, f"{url}/outcomes/{outcome.id}/remove", {}, form_url=url)

    assert outcomes_of(petition) == []
    assert "It is over." not in client.get("/petitions/let-them-in").get_data(as_text=True)
    assert actions(session)[-1] == "remove outcome"


def test_an_outcomes_email_is_not_edited_as_an_update(client, session, organiser):
    petition = make_petition()
    outcome = record_outcome(petition, OutcomeKind.DELIVERED, "Handed in.")
    update = tell_signers(outcome)
    session.commit()

    response = client.get(f"/admin/updates/{update.id}/edit")

    assert response.status_code == 303
    assert update.audience_kind == AudienceKind.SIGNERS
