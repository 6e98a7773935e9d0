from campaign.content.models import CampaignStatus, ExplainerStatus
from campaign.content.publishing import add_link, set_translation_of
from tests.factories.content import make_campaign, make_explainer


def test_explainer_page_shows_article_links_and_social_tags(client, session):
    explainer = make_explainer(
        title="How it works", summary="In short.", body="## Part one\n\nText."
    )
    add_link(explainer, "ICIJ", "https://www.icij.org/investigations/china-cables/")
    session.commit()

    page = client.get(f"/explainers/{explainer.slug}")
    html = page.get_data(as_text=True)

    assert page.status_code == 200
    assert "<h1>How it works</h1>" in html
    assert '<h2 id="part-one">' in html
    assert "1 min read" in html
    assert (
        'href="https://www.icij.org/investigations/china-cables/" rel="noopener noreferrer"' in html
    )
    assert f'<link rel="canonical" href="http://campaign.test/explainers/{explainer.slug}">' in html
    assert '<meta property="og:title" content="How it works">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    card = f"http://campaign.test/cards/explainer/{explainer.slug}.png"
    assert f'<meta property="og:image" content="{card}">' in html
    assert "https://wa.me/?text=" in html


def test_hub_lists_published_explainers_in_the_organisers_order(client, session):
    campaign = make_campaign()
    second = make_explainer(campaign, title="Second", position=2)
    first = make_explainer(campaign, title="First", position=1)
    make_explainer(campaign, title="Unfinished draft", status=ExplainerStatus.DRAFT)

    html = client.get(f"/c/{campaign.slug}").get_data(as_text=True)

    assert html.index(first.title) < html.index(second.title)
    assert "Unfinished draft" not in html


def test_drafts_and_draft_campaigns_are_not_found(client, session):
    draft = make_explainer(status=ExplainerStatus.DRAFT)
    hidden_campaign = make_campaign(status=CampaignStatus.DRAFT)
    in_hidden_campaign = make_explainer(hidden_campaign)

    assert client.get(f"/explainers/{draft.slug}").status_code == 404
    assert client.get(f"/c/{hidden_campaign.slug}").status_code == 404
    assert client.get(f"/explainers/{in_hidden_campaign.slug}").status_code == 404
    assert in_hidden_campaign.title not in client.get("/").get_data(as_text=True)


def test_unknown_campaign_is_a_404_page_in_the_site_layout(client, session):
    page = client.get("/c/nonexistent")

    assert page.status_code == 404
    html = page.get_data(as_text=True)
    assert "Page not found" in html
    assert 'href="/static/site.css"' in html
    assert '<a class="skip-link" href="#main">' in html


def test_right_to_left_explainer_is_laid_out_right_to_left(client, session):
    campaign = make_campaign(language="ug")
    explainer = make_explainer(campaign, title="خىتاي ھۆججەتلىرى", language="ug")

    uyghur_pages = client.get(f"/ug/explainers/{explainer.slug}").get_data(as_text=True)
    english_pages = client.get(f"/explainers/{explainer.slug}").get_data(as_text=True)

    # The page is laid out in the interface's language; the article carries its own.
    assert '<html lang="ug" dir="rtl">' in uyghur_pages
    assert "<h1>خىتاي ھۆججەتلىرى</h1>" in uyghur_pages
    assert '<html lang="en" dir="ltr">' in english_pages
    assert '<h1 lang="ug" dir="rtl">خىتاي ھۆججەتلىرى</h1>' in english_pages
    assert '<div class="prose" lang="ug" dir="rtl">' in english_pages


def test_translations_link_each_other_with_hreflang(client, session):
    original = make_explainer(language="en")
    translation = make_explainer(original.campaign, language="ug", title="ترجىمە")
    set_translation_of(translation, original)

    html = client.get(f"/explainers/{original.slug}").get_data(as_text=True)

    expected = f'hreflang="ug" href="http://campaign.test/ug/explainers/{translation.slug}"'
    assert expected in html
    assert f'hreflang="en" href="http://campaign.test/explainers/{original.slug}"' in html


def test_home_lists_live_campaigns_and_latest_explainers(client, session):
    campaign = make_campaign(title="Open the camps")
    explainer = make_explainer(campaign, title="The leak")
    make_campaign(title="Finished work", status=CampaignStatus.ARCHIVED)

    html = client.get("/").get_data(as_text=True)

    assert "Open the camps" in html
    assert explainer.title in html
    assert "Finished work" not in html


def test_unchanged_page_answers_304_and_an_edit_changes_the_etag(client, session):
    explainer = make_explainer()
    session.commit()
    first = client.get(f"/explainers/{explainer.slug}")
    etag = first.headers["ETag"]
    assert first.headers["Last-Modified"]

    again = client.get(f"/explainers/{explainer.slug}", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""

    explainer.title = "A better title"
    session.commit()
    after_edit = client.get(f"/explainers/{explainer.slug}", headers={"If-None-Match": etag})
    assert after_edit.status_code == 200
    assert after_edit.headers["ETag"] != etag


def test_home_offers_the_open_petitions_of_live_campaigns(client, session):
    from tests.factories.petitions import make_petition

    open_one = make_petition(title="Let investigators in")
    draft = make_petition(title="Not yet", status="draft")
    session.commit()

    html = client.get("/").get_data(as_text=True)

    assert open_one.title in html
    assert f"/petitions/{open_one.slug}" in html
    assert draft.title not in html


def test_a_campaign_offers_signing_before_giving(client, session):
    from tests.factories.donations import make_appeal
    from tests.factories.petitions import make_petition

    campaign = make_campaign()
    make_appeal(campaign=campaign, title="Fund us")
    make_petition(campaign, title="Sign this")
    session.commit()

    html = client.get(f"/c/{campaign.slug}").get_data(as_text=True)

    assert html.index("Sign this") < html.index("Fund us")
