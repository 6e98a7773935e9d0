"""The update editor: the email beside the Markdown (a Preview button without JavaScript, a
preview endpoint for the live one), and audience fields that count only for their "Send to"."""

import base64
import hashlib
import html
import re

import pytest
from sqlalchemy import func, select

from campaign.extensions import db
from campaign.updates.audience import audience_size
from campaign.updates.models import AudienceKind, Update
from tests.factories.content import make_campaign
from tests.factories.petitions import make_petition
from tests.factories.subscribers import make_subscriber
from tests.factories.updates import PREVIEW_POLICY, form_fields, make_update
from tests.helpers import csrf_token, post_form


@pytest.fixture
def organiser_email():
    return "editor@example.org"


def update_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Update))


def shown_email(page: str) -> str:
    """The email in the editor's preview frame, as the frame reads it."""
    match = re.search(r'<iframe sandbox id="email-preview" srcdoc="([^"]*)"', page)
    assert match, "no preview frame beside the editor"
    return html.unescape(match.group(1))


def test_the_preview_button_shows_the_email_as_typed_and_saves_nothing(client, organiser):
    campaign = make_campaign(title="Free them")
    db.session.commit()
    fields = form_fields(body="Read **this** now.", campaign=str(campaign.id), preview="preview")

    response = post_form(client, "/admin/updates/new", fields)

    assert response.status_code == 200
    email = shown_email(response.get_data(as_text=True))
    assert "<strong>this</strong> now." in email and "Hello Alex," in email
    assert "The cables are out" in email
    assert "Nothing is saved until you press Save." in response.get_data(as_text=True)
    assert update_count() == 0


def test_previewing_a_saved_update_changes_nothing_of_it(client, organiser):
    update = make_update(subject="Before", body="Old words.")
    db.session.commit()
    url = f"/admin/updates/{update.id}/edit"

    response = post_form(
        client, url, form_fields(subject="After", body="New *words*.", preview="preview")
    )

    email = shown_email(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "<em>words</em>" in email and "After" in email
    db.session.refresh(update)
    assert (update.subject, update.body) == ("Before", "Old words.")


def test_the_editor_shows_the_saved_email_beside_the_markdown(client, organiser):
    update = make_update(body="Saved **words**.")
    db.session.commit()

    page = client.get(f"/admin/updates/{update.id}/edit").get_data(as_text=True)

    assert "<strong>words</strong>" in shown_email(page)
    assert '<script src="/static/update_editor.js" defer></script>' in page


def test_the_preview_frame_may_use_the_emails_own_styles_and_no_other(client, organiser):
    response = client.get("/admin/updates/new")

    email = shown_email(response.get_data(as_text=True))
    styles = {html.unescape(value) for value in re.findall(r'style="([^"]*)"', email)}
    policy = response.headers["Content-Security-Policy"]
    style_src = next(part for part in policy.split("; ") if part.startswith("style-src"))
    assert styles  # the email's CSS is inlined, as mail programs need it
    for style in styles:
        digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in style_src
    assert style_src.startswith("style-src 'self' 'unsafe-hashes' 'sha256-")
    assert "unsafe-inline" not in policy and "script-src 'self';" in policy


def test_the_preview_endpoint_renders_the_form_as_the_real_preview_does(client, organiser):
    campaign = make_campaign(title="Free them")
    update = make_update(
        subject="The cables are out",
        preheader="What they show",
        body="Read **this**.",
        campaign_id=campaign.id,
    )
    db.session.commit()
    fields = form_fields(campaign=str(campaign.id))

    live = post_form(client, "/admin/updates/preview", fields, form_url="/admin/updates/new")
    saved = client.get(f"/admin/updates/{update.id}/preview.html")

    assert live.status_code == 200 and live.mimetype == "text/html"
    assert live.headers["Content-Security-Policy"] == PREVIEW_POLICY
    # The same rendering, link tokens aside (they carry the moment they were made).
    tokens = re.compile(r"/(unsubscribe|your-data)/[^\"<\s]+")
    assert tokens.sub("/TOKEN", live.get_data(as_text=True)) == tokens.sub(
        "/TOKEN", saved.get_data(as_text=True)
    )
    assert update_count() == 1


def test_the_preview_endpoint_needs_a_signed_in_organiser(client, session):
    token = csrf_token(client, "/admin/login")

    response = client.post("/admin/updates/preview", data=form_fields(csrf_token=token))

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login")


def test_the_preview_endpoint_refuses_a_post_without_its_csrf_token(client, organiser):
    response = client.post("/admin/updates/preview", data=form_fields())

    assert response.status_code == 400


def test_the_audience_fields_say_which_send_to_they_count_for(client, organiser):
    page = client.get("/admin/updates/new").get_data(as_text=True)

    assert '<div data-audience-for="campaign">' in page
    assert '<div data-audience-for="petition">' in page
    assert "Only for Send to “Subscribers who joined on a campaign's pages”" in page
    assert "Only for Send to “Confirmed signers of a petition who opted in”" in page


def test_a_stale_hidden_audience_value_cannot_narrow_the_audience(client, organiser):
    campaign = make_campaign()
    petition = make_petition(campaign)
    for _ in range(3):
        make_subscriber()
    make_subscriber(campaign_id=campaign.id)
    update = make_update(audience_kind=AudienceKind.CAMPAIGN, audience_campaign_id=campaign.id)
    db.session.commit()
    url = f"/admin/updates/{update.id}/edit"

    # "Send to" changed to everyone; the hidden fields still hold what was chosen before, one
    # of them a petition since deleted (not a choice any more).
    response = post_form(
        client,
        url,
        form_fields(
            audience_kind="all",
            audience_campaign=str(campaign.id),
            audience_petition="999999",
        ),
    )

    assert response.status_code == 303, response.get_data(as_text=True)
    db.session.refresh(update)
    assert update.audience_kind == AudienceKind.ALL
    assert (update.audience_campaign_id, update.audience_petition_id) == (None, None)
    assert audience_size(update) == 4

    response = post_form(
        client,
        url,
        form_fields(
            audience_kind="petition",
            audience_petition=str(petition.id),
            audience_campaign=str(campaign.id),
        ),
    )

    assert response.status_code == 303
    db.session.refresh(update)
    assert (update.audience_campaign_id, update.audience_petition_id) == (None, petition.id)


@pytest.mark.parametrize("field", ["campaign", "cta_petition", "language", "audience_kind"])
def test_a_preview_of_values_no_select_offers_shows_the_email_without_them(
    client, organiser, field
):
    fields = form_fields(**{field: "99999999999999999999"})

    response = post_form(client, "/admin/updates/preview", fields, form_url="/admin/updates/new")

    assert response.status_code == 200
    assert "<strong>this</strong>" in response.get_data(as_text=True)
    assert update_count() == 0
