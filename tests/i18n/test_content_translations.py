"""Organisers translate a campaign's, petition's and appeal's words; readers get them per page."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, func, select

from campaign.extensions import db
from campaign.i18n.models import ContentTranslation
from campaign.i18n.translating import in_page_language, in_page_language_all, save_translation
from tests.factories.content import make_campaign
from tests.factories.donations import make_appeal
from tests.factories.petitions import make_petition
from tests.helpers import csrf_token


@contextmanager
def statements_run() -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn, cursor, statement, *args) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def test_a_translated_field_shows_its_words_and_the_rest_the_originals(app, session):
    petition = make_petition(title="Let the UN in", target="The UN", body="Open **Xinjiang**.")
    save_translation(petition, "ug", {"title": "ب د ت كىرسۇن", "body": "شىنجاڭنى **ئېچىڭ**."})

    with app.test_request_context("/ug/"):
        shown = in_page_language(petition, "ug")

    assert shown.title == "ب د ت كىرسۇن"
    assert "<strong>ئېچىڭ</strong>" in shown.body_html
    assert shown.target == "The UN"  # not translated: the original's words
    assert shown.language == "ug"
    assert shown.record is petition


def test_without_a_translation_the_record_is_shown_in_its_own_language(app, session):
    petition = make_petition(title="Let the UN in")

    shown = in_page_language(petition, "tr")

    assert shown.title == "Let the UN in"
    assert shown.language == "en"


def test_many_records_are_read_with_one_statement_per_kind(app, session):
    campaign = make_campaign()
    petitions = [make_petition(campaign) for _ in range(3)]
    appeal = make_appeal(campaign)
    save_translation(petitions[1], "zh-Hans", {"title": "让联合国进入"})
    save_translation(appeal, "zh-Hans", {"title": "支持我们"})

    with statements_run() as statements:
        shown = in_page_language_all([*petitions, appeal], "zh-Hans")

    assert len(statements) == 2
    assert [item.language for item in shown] == ["en", "zh-Hans", "en", "zh-Hans"]
    assert shown[3].title == "支持我们"


def test_saving_every_field_empty_removes_the_translation(app, session):
    petition = make_petition()
    save_translation(petition, "ug", {"title": "ماۋزۇ"})

    assert save_translation(petition, "ug", {"title": "  ", "body": ""}) is None

    assert session.scalar(select(func.count()).select_from(ContentTranslation)) == 0


def test_an_organiser_translates_a_petition_and_the_uyghur_page_shows_it(client, organiser):
    petition = make_petition(title="Let the UN in", body="Open the region.")
    url = f"/admin/translations/petition/{petition.id}/ug"
    form = client.get(url)
    assert form.status_code == 200
    # Typed right to left, in Uyghur, beside the original's words.
    assert 'dir="rtl" id="title" lang="ug"' in form.get_data(as_text=True)

    saved = client.post(
        url,
        data={"csrf_token": csrf_token(client, url), "title": "ب د ت كىرسۇن", "body": "ئېچىڭ"},
    )

    assert saved.status_code == 303
    page = client.get(f"/ug/petitions/{petition.slug}").get_data(as_text=True)
    assert "ب د ت كىرسۇن" in page
    assert "Let the UN in" in client.get(f"/petitions/{petition.slug}").get_data(as_text=True)


def test_the_console_refuses_a_language_the_site_does_not_have_or_the_original_is_in(
    client, organiser
):
    petition = make_petition()

    assert client.get(f"/admin/translations/petition/{petition.id}/de").status_code == 404
    assert client.get(f"/admin/translations/petition/{petition.id}/en").status_code == 404
    assert client.get(f"/admin/translations/nothing/{petition.id}/ug").status_code == 404
    assert client.get("/admin/translations/petition/999999/ug").status_code == 404


def test_a_too_long_title_is_refused_beside_its_field_and_nothing_is_saved(client, organiser):
    petition = make_petition()
    url = f"/admin/translations/petition/{petition.id}/tr"

    answer = client.post(url, data={"csrf_token": csrf_token(client, url), "title": "x" * 201})

    assert answer.status_code == 400
    assert 'id="title-error"' in answer.get_data(as_text=True)
    assert in_page_language(petition, "tr").language == "en"


def test_the_translation_pages_are_for_organisers_only(client):
    petition = make_petition()

    answer = client.get(f"/admin/translations/petition/{petition.id}/ug")

    assert answer.status_code in (302, 401)


def test_the_uyghur_hub_appeal_and_call_to_action_show_the_organisers_uyghur_words(client, session):
    campaign = make_campaign(slug="free-them", title="Free them", summary="Close the camps.")
    appeal = make_appeal(campaign, slug="fund-it", title="Fund the work", body="Give **now**.")
    save_translation(
        campaign, "ug", {"title": "ئۇلارنى قويۇپ بېرىڭ", "summary": "لاگېرلارنى تاقاڭ."}
    )
    save_translation(appeal, "ug", {"title": "خىزمەتنى قوللاڭ", "body": "**ھازىر** ئىئانە قىلىڭ."})
    session.commit()

    hub = client.get("/ug/c/free-them").get_data(as_text=True)
    page = client.get("/ug/donate/fund-it").get_data(as_text=True)
    turkish = client.get("/tr/donate/fund-it").get_data(as_text=True)

    # In the page's language: nothing to mark as another language.
    assert "<h1>ئۇلارنى قويۇپ بېرىڭ</h1>" in hub and "Free them" not in hub
    assert "خىزمەتنى قوللاڭ" in hub and "Fund the work" not in hub  # the give box
    assert "<h1>خىزمەتنى قوللاڭ</h1>" in page
    assert "<strong>ھازىر</strong>" in page
    assert '<a href="/ug/c/free-them">ئۇلارنى قويۇپ بېرىڭ</a>' in page
    # No Turkish words: the English ones, marked as English.
    assert '<h1 lang="en" dir="ltr">Fund the work</h1>' in turkish
