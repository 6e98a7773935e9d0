"""Boxes where people type words take their direction from what is typed (`dir="auto"`), so
Uyghur or Arabic runs right to left in the English console and English left to right on a
Uyghur page; boxes for codes (slugs, language tags, addresses, passwords, numbers, dates) do
not. The shared field macro decides, for the console's forms and the public ones alike."""

from html.parser import HTMLParser

import pytest

from tests.factories.content import make_campaign, make_explainer
from tests.factories.donations import make_appeal
from tests.factories.petitions import make_petition
from tests.helpers import post_form


class FormBoxes(HTMLParser):
    """Each input, textarea and select of a page by name, with its attributes as written
    (a list of pairs, so an attribute written twice shows)."""

    def __init__(self) -> None:
        super().__init__()
        self.boxes: dict[str, list[tuple[str, str | None]]] = {}

    def handle_starttag(self, tag: str, attrs: list) -> None:
        name = dict(attrs).get("name")
        if tag in ("input", "textarea", "select") and name:
            self.boxes[name] = attrs


def boxes(response) -> dict[str, dict[str, str | None]]:
    assert response.status_code in (200, 400), response.status_code
    reader = FormBoxes()
    reader.feed(response.get_data(as_text=True))
    for name, attrs in reader.boxes.items():
        written = [attribute for attribute, _ in attrs]
        assert len(written) == len(set(written)), f"{name}: an attribute written twice"
    return {name: dict(attrs) for name, attrs in reader.boxes.items()}


def directions(response, *names: str) -> dict[str, str | None]:
    found = boxes(response)
    return {name: found[name].get("dir") for name in names}


def test_an_explainers_words_take_their_direction_from_what_is_typed(client, organiser):
    explainer = make_explainer(make_campaign(language="ug"))

    new = client.get(f"/admin/campaigns/{explainer.campaign_id}/explainers/new")
    edit = client.get(f"/admin/explainers/{explainer.id}/edit")

    for page in (new, edit):
        words = directions(page, "title", "summary", "body", "image_alt")
        codes = directions(page, "slug", "language", "image_path")
        assert words == dict.fromkeys(words, "auto"), page.request.path
        assert codes == dict.fromkeys(codes), page.request.path
    # The learn-more link form, below the saved explainer.
    assert directions(edit, "link_title", "link_url") == {"link_title": "auto", "link_url": None}


def test_a_refused_explainer_keeps_its_directions(client, organiser):
    explainer = make_explainer()
    url = f"/admin/explainers/{explainer.id}/edit"

    refused = post_form(client, url, {"title": "", "slug": "Not A Slug", "save": "Save"})

    assert refused.status_code == 400
    assert directions(refused, "title", "body", "slug") == {
        "title": "auto",
        "body": "auto",
        "slug": None,
    }
    assert boxes(refused)["title"]["aria-invalid"] == "true"


def test_a_campaigns_title_and_summary_take_their_direction_but_not_its_codes(client, organiser):
    page = client.get("/admin/campaigns/new")

    assert directions(page, "title", "summary", "slug", "language", "status") == {
        "title": "auto",
        "summary": "auto",
        "slug": None,
        "language": None,
        "status": None,
    }


def test_email_and_password_boxes_keep_their_own_direction(app, client, admin):
    pages = {
        "/admin/mail/": ["email"],
        "/admin/users/new": ["email", "role"],
        "/admin/password": ["current_password", "new_password", "confirm_password"],
    }
    for url, names in pages.items():
        assert set(directions(client.get(url), *names).values()) == {None}, url

    signed_out = app.test_client()
    assert directions(signed_out.get("/admin/login"), "email", "password") == {
        "email": None,
        "password": None,
    }


def test_numbers_dates_and_amounts_keep_their_own_direction(client, organiser):
    petition = make_petition()
    appeal = make_appeal()

    petition_form = client.get(f"/admin/petitions/{petition.id}/edit")
    appeal_form = client.get(f"/admin/donations/appeals/{appeal.id}/edit")

    assert directions(petition_form, "title", "target", "body", "thank_you_text") == dict.fromkeys(
        ("title", "target", "body", "thank_you_text"), "auto"
    )
    assert set(directions(petition_form, "slug", "goal", "closes_at").values()) == {None}
    assert directions(appeal_form, "title", "body") == {"title": "auto", "body": "auto"}
    # An amount by its numeric inputmode, a currency code by its spellcheck turned off.
    amounts = ("currency", "minimum_amount", "maximum_amount", "goal")
    assert set(directions(appeal_form, "slug", "external_url", *amounts).values()) == {None}


def test_a_direction_the_template_gives_wins(client, organiser):
    petition = make_petition()

    translation = client.get(f"/admin/translations/petition/{petition.id}/ug")
    update_form = client.get("/admin/updates/new")

    # A translation is typed in the language it names; `boxes` checks each is written once.
    assert {"dir": "rtl", "lang": "ug"}.items() <= boxes(translation)["title"].items()
    assert directions(update_form, "subject", "body", "slug") == {
        "subject": "auto",
        "body": "auto",
        "slug": None,
    }


@pytest.mark.parametrize("prefix", ["", "/ug"])
def test_a_signers_and_a_subscribers_name_take_their_direction_but_not_their_email(
    client, session, prefix
):
    petition = make_petition()

    sign_form = client.get(f"{prefix}/petitions/{petition.slug}")
    subscribe_form = client.get(f"{prefix}/subscribe")

    assert directions(sign_form, "name", "comment", "email") == {
        "name": "auto",
        "comment": "auto",
        "email": None,
    }
    assert directions(subscribe_form, "name", "email") == {"name": "auto", "email": None}


def test_the_preview_is_in_the_explainers_language_or_else_takes_its_direction(client, organiser):
    explainer = make_explainer()
    url = f"/admin/explainers/{explainer.id}/edit"
    fields = {"title": "T", "slug": explainer.slug, "body": "ئۇيغۇرچە *تېكىست*"}

    in_uyghur = post_form(client, url, fields | {"language": "ug", "preview": "Preview"})
    unnamed = post_form(client, url, fields | {"language": "", "preview": "Preview"})

    assert '<div class="preview prose" lang="ug" dir="rtl">' in in_uyghur.get_data(as_text=True)
    assert '<div class="preview prose" dir="auto">' in unnamed.get_data(as_text=True)
