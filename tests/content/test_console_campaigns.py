from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from campaign.content.models import Campaign, CampaignStatus, ExplainerStatus
from tests.factories.content import campaign_form_fields, make_campaign, make_explainer
from tests.helpers import post_form


def campaign_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Campaign))


@pytest.mark.parametrize(
    "path",
    [
        "/admin/campaigns",
        "/admin/campaigns/new",
        "/admin/campaigns/{campaign}",
        "/admin/campaigns/{campaign}/edit",
        "/admin/campaigns/{campaign}/explainers/new",
        "/admin/explainers/{explainer}/edit",
        "/admin/users",
    ],
)
def test_console_pages_send_visitors_to_sign_in(client, session, path):
    explainer = make_explainer()
    session.commit()
    path = path.format(campaign=explainer.campaign_id, explainer=explainer.id)

    response = client.get(path)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/login?next={quote(path, safe='')}"


def test_visitor_cannot_publish_even_with_a_valid_csrf_token(client, session):
    draft = make_explainer(status=ExplainerStatus.DRAFT)
    session.commit()

    response = post_form(
        client, f"/admin/explainers/{draft.id}/publish", {}, form_url="/admin/login"
    )

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login")
    assert draft.status == ExplainerStatus.DRAFT


def test_organiser_creates_a_campaign(client, auth, session):
    auth.sign_in()

    response = post_form(client, "/admin/campaigns/new", campaign_form_fields(language="ug"))

    campaign = session.scalar(select(Campaign).where(Campaign.slug == "free-the-press"))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/campaigns/{campaign.id}"
    assert (campaign.title, campaign.summary) == ("Free the press", "Journalists in prison.")
    assert (campaign.language, campaign.status) == ("ug", CampaignStatus.DRAFT)
    listing = client.get("/admin/campaigns").get_data(as_text=True)
    assert f'href="/admin/campaigns/{campaign.id}">Free the press</a>' in listing


def test_organiser_edits_a_campaign(client, auth, session):
    campaign = make_campaign(slug="old-slug", title="Old title", status=CampaignStatus.DRAFT)
    auth.sign_in()
    url = f"/admin/campaigns/{campaign.id}/edit"
    form = client.get(url).get_data(as_text=True)
    assert 'value="Old title"' in form
    assert '="None"' not in form  # no stray aria-describedby/aria-invalid on valid fields

    response = post_form(
        client, url, campaign_form_fields(slug="new-slug", title="New title", status="live")
    )

    assert response.status_code == 303
    assert (campaign.slug, campaign.title, campaign.status) == ("new-slug", "New title", "live")
    assert client.get("/c/new-slug").status_code == 200


def test_duplicate_campaign_slug_is_refused_and_nothing_changes(client, auth, session):
    make_campaign(slug="taken")
    campaign = make_campaign(slug="mine", title="Mine")
    auth.sign_in()
    before = campaign_count(session)

    edit = post_form(
        client,
        f"/admin/campaigns/{campaign.id}/edit",
        campaign_form_fields(slug="taken", title="Changed"),
    )
    create = post_form(client, "/admin/campaigns/new", campaign_form_fields(slug="taken"))

    for response in (edit, create):
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert 'id="slug-error">Another campaign already uses this slug' in html
        assert 'aria-invalid="true"' in html
    assert (campaign.slug, campaign.title) == ("mine", "Mine")
    assert campaign_count(session) == before


def test_campaign_keeps_its_own_slug_when_saved_unchanged(client, auth, session):
    campaign = make_campaign(slug="same")
    auth.sign_in()

    response = post_form(
        client, f"/admin/campaigns/{campaign.id}/edit", campaign_form_fields(slug="same")
    )

    assert response.status_code == 303


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"slug": "Free The Press"}, "slug", "Use lowercase letters, digits and single hyphens"),
        ({"slug": "-edge-"}, "slug", "Use lowercase letters, digits and single hyphens"),
        ({"language": "English"}, "language", "Use a language code like"),
        ({"title": "  "}, "title", "Enter a title."),
        ({"status": "deleted"}, "status", "Not a valid choice"),
    ],
)
def test_invalid_campaign_fields_are_refused_beside_the_field(
    client, auth, session, changes, field, message
):
    auth.sign_in()
    before = campaign_count(session)

    response = post_form(client, "/admin/campaigns/new", campaign_form_fields(**changes))

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'<p class="error" id="{field}-error">{message}' in html
    assert campaign_count(session) == before


def test_unknown_campaign_is_not_found_in_the_console(client, auth, session):
    auth.sign_in()

    assert client.get("/admin/campaigns/999999").status_code == 404
    assert client.get("/admin/campaigns/999999/edit").status_code == 404
    assert client.get("/admin/campaigns/999999/explainers/new").status_code == 404


def table_row(html: str, text: str) -> str:
    start = html.index(text)
    return html[start : html.index("</tr>", start)]


def test_dashboard_lists_campaigns_with_explainer_counts_and_links(client, auth, session):
    busy = make_campaign(title="Busy campaign")
    make_explainer(busy)
    make_explainer(busy, status=ExplainerStatus.DRAFT)
    quiet = make_campaign(title="Quiet campaign", status=CampaignStatus.DRAFT)
    auth.sign_in()

    html = client.get("/admin/").get_data(as_text=True)

    busy_row, quiet_row = table_row(html, "Busy campaign"), table_row(html, "Quiet campaign")
    assert "<td>2</td>" in busy_row
    assert "<td>0</td>" in quiet_row
    assert f'href="/admin/campaigns/{busy.id}"' in html
    assert f'href="/c/{busy.slug}">View on site' in busy_row
    assert f'href="/c/{quiet.slug}"' not in html
    assert 'href="/admin/campaigns">Campaigns</a>' in html


def test_campaign_page_lists_its_explainers_in_order_with_status(client, auth, session):
    campaign = make_campaign()
    later = make_explainer(campaign, title="Later", position=5)
    first = make_explainer(campaign, title="First", position=1, status=ExplainerStatus.DRAFT)
    auth.sign_in()

    html = client.get(f"/admin/campaigns/{campaign.id}").get_data(as_text=True)

    assert html.index("First") < html.index("Later")
    assert '<span class="status status-draft">Draft</span>' in html
    assert '<span class="status status-published">Published</span>' in html
    assert f'href="/explainers/{later.slug}">View on site' in html
    assert f'href="/explainers/{first.slug}"' not in html
