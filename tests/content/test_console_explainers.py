import pytest
from sqlalchemy import func, select

from campaign.content.models import CampaignStatus, Explainer, ExplainerStatus, LearnMoreLink
from campaign.content.publishing import add_link, set_translation_of
from tests.factories.content import make_campaign, make_explainer
from tests.helpers import post_form


def explainer_fields(explainer: Explainer | None = None, **changes) -> dict:
    """What the edit form posts: the explainer as saved (or a new one), with `changes`."""
    if explainer is None:
        fields = {"slug": "new-explainer", "title": "New explainer", "summary": "", "body": ""}
        fields |= {"language": "en", "translation_of": "0"}
    else:
        fields = {
            "slug": explainer.slug,
            "title": explainer.title,
            "summary": explainer.summary,
            "body": explainer.body,
            "language": explainer.language,
            "translation_of": str(explainer.translation_of_id or 0),
        }
    return fields | {"image_path": "", "image_alt": "", "save": "Save"} | changes


def edit(client, explainer: Explainer, **changes):
    url = f"/admin/explainers/{explainer.id}/edit"
    return post_form(client, url, explainer_fields(explainer, **changes))


def explainer_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Explainer))


def test_new_explainer_is_a_draft_at_the_end_of_its_campaign(client, session, organiser):
    campaign = make_campaign(language="ug")
    last = make_explainer(campaign, position=7)
    url = f"/admin/campaigns/{campaign.id}/explainers/new"
    assert 'value="ug"' in client.get(url).get_data(as_text=True)  # the campaign's language

    response = post_form(client, url, explainer_fields(body="Hello *world*", language="ug"))

    created = session.scalar(select(Explainer).where(Explainer.slug == "new-explainer"))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/explainers/{created.id}/edit"
    assert created.campaign_id == campaign.id
    assert created.status == ExplainerStatus.DRAFT
    assert created.published_at is None
    assert created.position > last.position
    assert created.body_html == "<p>Hello <em>world</em></p>\n"
    assert client.get("/explainers/new-explainer").status_code == 404


def test_preview_shows_the_rendered_body_and_saves_nothing(client, session, organiser):
    explainer = make_explainer(title="Saved title", body="Saved body.")
    session.commit()
    before = explainer.body_html

    response = edit(client, explainer, title="Unsaved", body="Draft **bold** text", preview="1")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<div class="preview prose"' in html
    assert "<p>Draft <strong>bold</strong> text</p>" in html
    assert 'value="Unsaved"' in html  # the form keeps what was typed
    assert (explainer.title, explainer.body, explainer.body_html) == (
        "Saved title",
        "Saved body.",
        before,
    )


def test_preview_of_a_new_explainer_creates_nothing(client, session, organiser):
    campaign = make_campaign()
    session.commit()
    before = explainer_count(session)

    response = post_form(
        client,
        f"/admin/campaigns/{campaign.id}/explainers/new",
        explainer_fields(body="# Heading", preview="1"),
    )

    assert response.status_code == 200
    assert "<h1>Heading</h1>" in response.get_data(as_text=True)
    assert explainer_count(session) == before


def test_save_stores_the_body_rendered_without_scripts(client, session, organiser):
    explainer = make_explainer()

    response = edit(
        client,
        explainer,
        title="Better title",
        body='Hello <script>alert("x")</script> **there** ![x](https://tracker.example/p.gif)',
    )

    assert response.status_code == 303
    assert explainer.title == "Better title"
    assert "<strong>there</strong>" in explainer.body_html
    assert "<script" not in explainer.body_html
    assert "tracker.example" not in explainer.body_html
    page = client.get(f"/explainers/{explainer.slug}").get_data(as_text=True)
    assert "<strong>there</strong>" in page
    assert "<script>alert" not in page


def test_publish_puts_an_explainer_on_the_site_and_unpublish_takes_it_off(
    client, session, organiser
):
    draft = make_explainer(status=ExplainerStatus.DRAFT, published_at=None)
    campaign_page = f"/admin/campaigns/{draft.campaign_id}"
    assert client.get(f"/explainers/{draft.slug}").status_code == 404

    published = post_form(client, f"/admin/explainers/{draft.id}/publish", {}, campaign_page)

    assert published.status_code == 303
    assert published.headers["Location"] == campaign_page
    assert draft.status == ExplainerStatus.PUBLISHED
    assert draft.published_at is not None
    assert client.get(f"/explainers/{draft.slug}").status_code == 200
    listing = client.get(campaign_page).get_data(as_text=True)
    assert f'href="/explainers/{draft.slug}">View on site' in listing

    edit_page = f"/admin/explainers/{draft.id}/edit"
    unpublished = post_form(
        client, f"/admin/explainers/{draft.id}/unpublish", {"next": edit_page}, edit_page
    )

    assert unpublished.headers["Location"] == edit_page
    assert draft.status == ExplainerStatus.DRAFT
    assert client.get(f"/explainers/{draft.slug}").status_code == 404


def test_publishing_refuses_a_redirect_to_another_site(client, session, organiser):
    draft = make_explainer(status=ExplainerStatus.DRAFT)

    response = post_form(
        client,
        f"/admin/explainers/{draft.id}/publish",
        {"next": "//evil.example/"},
        f"/admin/campaigns/{draft.campaign_id}",
    )

    assert response.headers["Location"] == f"/admin/campaigns/{draft.campaign_id}"


def test_moving_an_explainer_changes_the_campaign_hub_order(client, session, organiser):
    campaign = make_campaign()
    first = make_explainer(campaign, title="Alpha article")
    second = make_explainer(campaign, title="Beta article")
    hub = f"/c/{campaign.slug}"
    html = client.get(hub).get_data(as_text=True)
    assert html.index("Alpha article") < html.index("Beta article")

    response = post_form(
        client,
        f"/admin/explainers/{second.id}/move",
        {"direction": "up"},
        f"/admin/campaigns/{campaign.id}",
    )

    assert response.status_code == 303
    assert second.position < first.position
    html = client.get(hub).get_data(as_text=True)
    assert html.index("Beta article") < html.index("Alpha article")
    console = client.get(f"/admin/campaigns/{campaign.id}").get_data(as_text=True)
    assert console.index("Beta article") < console.index("Alpha article")


def test_move_in_an_unknown_direction_is_refused(client, session, organiser):
    explainer = make_explainer()
    position = explainer.position

    response = post_form(
        client,
        f"/admin/explainers/{explainer.id}/move",
        {"direction": "sideways"},
        f"/admin/campaigns/{explainer.campaign_id}",
    )

    assert response.status_code == 400
    assert explainer.position == position


def test_explainer_is_linked_as_a_translation(client, session, organiser):
    original = make_explainer(language="en", title="Original")
    translation = make_explainer(original.campaign, language="ug")
    edit_page = client.get(f"/admin/explainers/{translation.id}/edit").get_data(as_text=True)
    assert f'<option value="{original.id}">Original (en)</option>' in edit_page

    response = edit(client, translation, translation_of=str(original.id))

    assert response.status_code == 303
    assert translation.translation_of_id == original.id
    public = client.get(f"/explainers/{original.slug}").get_data(as_text=True)
    # The Uyghur version is at its own address, under the Uyghur pages' prefix.
    assert f'hreflang="ug" href="http://campaign.test/ug/explainers/{translation.slug}"' in public


def test_translation_in_the_same_language_is_refused_and_nothing_changes(
    client, session, organiser
):
    original = make_explainer(language="en")
    other = make_explainer(original.campaign, language="en", title="Kept title")

    response = edit(client, other, title="Changed title", translation_of=str(original.id))

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert (
        '<p class="error" id="translation_of-error">'
        "That explainer already has a version in language “en”." in html
    )
    assert other.translation_of_id is None
    assert other.title == "Kept title"


def test_original_cannot_take_the_language_of_its_translation(client, session, organiser):
    original = make_explainer(language="en")
    translation = make_explainer(original.campaign, language="ug")
    set_translation_of(translation, original)

    response = edit(client, original, language="ug")

    assert response.status_code == 400
    assert "A translation of this explainer is already in language “ug”." in response.get_data(
        as_text=True
    )
    assert original.language == "en"


def test_new_explainer_refused_as_a_translation_creates_nothing(client, session, organiser):
    original = make_explainer(language="en")
    session.commit()
    before = explainer_count(session)

    response = post_form(
        client,
        f"/admin/campaigns/{original.campaign_id}/explainers/new",
        explainer_fields(language="en", translation_of=str(original.id)),
    )

    assert response.status_code == 400
    assert "already has a version in language" in response.get_data(as_text=True)
    assert explainer_count(session) == before


def test_duplicate_explainer_slug_is_refused(client, session, organiser):
    make_explainer(slug="taken")
    explainer = make_explainer(slug="mine")

    response = edit(client, explainer, slug="taken")

    assert response.status_code == 400
    assert "Another explainer already uses this slug" in response.get_data(as_text=True)
    assert explainer.slug == "mine"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"image_path": "https://cdn.example/cat.jpg", "image_alt": "A cat"},
            "image_path",
            "Use the path of an image on this site, starting with /static/",
        ),
        (
            {"image_path": "/static/../config.py", "image_alt": "x"},
            "image_path",
            "Use the path of an image on this site",
        ),
        ({"image_path": "/static/demo/ijop-flow.svg"}, "image_alt", "Describe the image"),
        ({"language": "en_GB"}, "language", "Use a language code like"),
        ({"slug": "Not a slug"}, "slug", "Use lowercase letters"),
        ({"translation_of": "999999"}, "translation_of", "Not a valid choice"),
    ],
)
def test_invalid_explainer_fields_are_refused_beside_the_field(
    client, session, organiser, changes, field, message
):
    explainer = make_explainer(title="Kept")

    response = edit(client, explainer, title="Changed", **changes)

    assert response.status_code == 400
    assert f'<p class="error" id="{field}-error">{message}' in response.get_data(as_text=True)
    assert explainer.title == "Kept"


def test_local_image_with_a_description_is_saved(client, session, organiser):
    explainer = make_explainer()

    response = edit(
        client, explainer, image_path="/static/demo/ijop-flow.svg", image_alt="How data flows"
    )

    assert response.status_code == 303
    assert (explainer.image_path, explainer.image_alt) == (
        "/static/demo/ijop-flow.svg",
        "How data flows",
    )


def link_titles(explainer: Explainer) -> list[str]:
    return [link.title for link in explainer.links]


def test_learn_more_links_are_added_reordered_and_removed(client, session, organiser):
    explainer = make_explainer()
    edit_page = f"/admin/explainers/{explainer.id}/edit"
    links = f"/admin/explainers/{explainer.id}/links"

    for title, url in [("ICIJ", "https://www.icij.org/"), ("BBC", "http://www.bbc.co.uk/")]:
        added = post_form(client, links, {"link_title": title, "link_url": url}, edit_page)
        assert added.status_code == 303
        assert added.headers["Location"] == f"{edit_page}#links"
    assert link_titles(explainer) == ["ICIJ", "BBC"]

    bbc = explainer.links[1]
    post_form(client, f"{links}/{bbc.id}/move", {"direction": "up"}, edit_page)
    assert link_titles(explainer) == ["BBC", "ICIJ"]
    public = client.get(f"/explainers/{explainer.slug}").get_data(as_text=True)
    assert public.index("www.bbc.co.uk") < public.index("www.icij.org")

    removed = post_form(client, f"{links}/{bbc.id}/remove", {}, edit_page)
    assert removed.status_code == 303
    assert link_titles(explainer) == ["ICIJ"]
    assert [link.position for link in explainer.links] == [0]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"link_title": "Bad", "link_url": "javascript:alert(1)"}, "link_url", "Enter a web"),
        ({"link_title": "Bad", "link_url": "ftp://files.example/x"}, "link_url", "Enter a web"),
        ({"link_title": "Bad", "link_url": "https://"}, "link_url", "Enter a web"),
        ({"link_title": "", "link_url": "https://example.org/"}, "link_title", "Enter the link"),
        (
            {"link_title": "Long", "link_url": "https://example.org/" + "a" * 500},
            "link_url",
            "Field cannot be longer than 500 characters.",
        ),
    ],
)
def test_invalid_learn_more_link_is_refused(client, session, organiser, data, field, message):
    explainer = make_explainer()
    edit_page = f"/admin/explainers/{explainer.id}/edit"

    response = post_form(client, f"/admin/explainers/{explainer.id}/links", data, edit_page)

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'<p class="error" id="{field}-error">{message}' in html
    assert f'value="{explainer.title}"' in html  # the edit form still shows the saved explainer
    assert explainer.links == []


def test_link_of_another_explainer_is_not_found(client, session, organiser):
    explainer = make_explainer()
    other = make_explainer()
    link = add_link(other, "Elsewhere", "https://example.org/")
    session.commit()
    edit_page = f"/admin/explainers/{explainer.id}/edit"

    response = post_form(
        client, f"/admin/explainers/{explainer.id}/links/{link.id}/remove", {}, edit_page
    )

    assert response.status_code == 404
    assert session.get(LearnMoreLink, link.id) is not None


def test_unknown_explainer_is_not_found_in_the_console(client, session, organiser):
    publish = post_form(client, "/admin/explainers/999999/publish", {}, "/admin/campaigns")

    assert publish.status_code == 404
    assert client.get("/admin/explainers/999999/edit").status_code == 404


def test_explainer_of_a_draft_campaign_has_no_view_on_site_link(client, session, organiser):
    campaign = make_campaign(status=CampaignStatus.DRAFT)
    explainer = make_explainer(campaign)

    html = client.get(f"/admin/explainers/{explainer.id}/edit").get_data(as_text=True)

    assert "not on the site while the campaign is a draft" in html
    assert f'href="/explainers/{explainer.slug}"' not in html
