"""Petitions in the reader's language: the pages, the form and its errors, the embed and the
emails are in the language of the page's prefix, a signature keeps the language it was made in,
and an organiser's translation of a petition shows under that language's prefix.

No catalog is translated yet, so these tests do not look for Uyghur words. A stand-in catalog
for Uyghur wraps every message it is asked for (⟪Sign the petition⟫): a page whose interface
words all went through gettext then shows nothing in plain English but the organisers' and
signers' own words.
"""

import re

import pytest
from babel.dates import format_date
from babel.numbers import format_decimal
from sqlalchemy import select

from campaign.extensions import db
from campaign.i18n.translating import save_translation
from campaign.petitions.models import CommentStatus, PetitionStatus, Signature, SignatureStatus
from campaign.subscribers.models import Subscriber
from tests.factories.content import make_campaign
from tests.factories.petitions import (
    OURS,
    VALID,
    confirm_path,
    make_petition,
    make_signature,
    press_confirm,
)
from tests.factories.subscribers import SITE, link, local, outbox
from tests.helpers import csrf_token, in_language
from tests.i18n.standin import CLOSE, OPEN, html_tag, left_in_english, untranslated_lines


def sign_at(client, prefix: str, petition, **fields):
    """Post the sign form of the petition page at `prefix` ("" or "/ug")."""
    return client.post(
        f"{prefix}/petitions/{petition.slug}/sign", data=VALID | fields, headers=OURS
    )


def only_signature(petition) -> Signature:
    [signature] = db.session.scalars(select(Signature).where(Signature.petition_id == petition.id))
    return signature


# --- the page ---------------------------------------------------------------------------


def test_the_uyghur_petition_page_is_right_to_left_and_every_interface_word_is_looked_up(
    client, session, uyghur_catalog
):
    petition = make_petition(
        title="Let the UN in", target="The UN", body="Open the region.", ask_postcode=True
    )
    make_signature(petition, name="Dilnur", show_name=True)
    make_signature(petition, comment="Never again.", comment_status=CommentStatus.APPROVED)

    html = client.get(f"/ug/petitions/{petition.slug}").get_data(as_text=True)

    assert html_tag(html) == '<html lang="ug" dir="rtl">'
    assert f"{OPEN}Sign the petition{CLOSE}" in html
    assert f"{OPEN}Your name{CLOSE}" in html
    assert left_in_english(html, "Dilnur", "Never again.") == []
    assert f'<option value="">{OPEN}Choose…{CLOSE}</option>' in html
    # The organisers' English words keep their language on the Uyghur page.
    assert '<h1 lang="en" dir="ltr">Let the UN in</h1>' in html
    assert '<div class="prose" lang="en" dir="ltr">' in html
    assert '<bdi lang="en" dir="ltr">The UN</bdi>' in html


def test_the_embed_under_a_language_prefix_is_in_that_language(client, session, uyghur_catalog):
    petition = make_petition(title="Let the UN in", target="The UN")

    html = client.get(f"/ug/petitions/{petition.slug}/embed").get_data(as_text=True)

    assert html_tag(html) == '<html lang="ug" dir="rtl">'
    assert left_in_english(html) == []
    assert f'action="/ug/petitions/{petition.slug}/sign"' in html


@pytest.mark.parametrize("page", ["link_problem", "confirm", "confirmed", "thanks"])
def test_the_pages_of_signing_are_in_the_language_of_their_prefix(
    client, session, uyghur_catalog, page
):
    petition = make_petition(title="Let the UN in", thank_you_text="Thank you, truly.")

    if page == "thanks":
        html = sign_at(client, "/ug", petition).get_data(as_text=True)
    elif page == "link_problem":
        html = client.get(f"/ug/petitions/{petition.slug}/confirm/nonsense").get_data(as_text=True)
    else:
        sign_at(client, "/ug", petition)
        path = confirm_path(only_signature(petition))
        answer = client.get(path) if page == "confirm" else press_confirm(client, path)
        html = answer.get_data(as_text=True)

    assert html_tag(html) == '<html lang="ug" dir="rtl">'
    assert left_in_english(html) == []


# --- counts, numbers and dates ------------------------------------------------------------


@pytest.mark.parametrize(("confirmed", "words"), [(1, "1 signature"), (2, "2 signatures")])
def test_the_count_says_signature_or_signatures_as_the_number_asks(
    client, session, confirmed, words
):
    petition = make_petition()
    for _ in range(confirmed):
        make_signature(petition)

    html = client.get(f"/petitions/{petition.slug}").get_data(as_text=True)

    number = f"<strong data-signature-count>{confirmed}</strong>"
    assert words.replace(str(confirmed), number, 1) in html


@pytest.mark.parametrize(("confirmed", "words"), [(1, "signature."), (3, "signatures.")])
def test_a_closed_petition_counts_its_signatures_in_the_right_plural(
    client, session, confirmed, words
):
    petition = make_petition(status=PetitionStatus.CLOSED)
    for _ in range(confirmed):
        make_signature(petition)

    html = client.get(f"/petitions/{petition.slug}").get_data(as_text=True)

    assert f"It closed with {confirmed} confirmed {words}" in html


def test_the_plural_is_chosen_by_the_catalog_of_the_pages_language(client, session, uyghur_catalog):
    petition = make_petition()
    make_signature(petition)
    make_signature(petition)

    client.get(f"/ug/petitions/{petition.slug}")

    assert ("%(num)s signature", "%(num)s signatures", 2) in uyghur_catalog.asked


def test_counts_and_the_closing_date_are_written_as_the_pages_language_writes_them(client, session):
    petition = make_petition(counted_signatures=12345, goal=50_000)
    petition.closes_at = petition.created_at.replace(year=2031, month=5, day=4)
    session.flush()

    turkish = client.get(f"/tr/petitions/{petition.slug}").get_data(as_text=True)
    english = client.get(f"/petitions/{petition.slug}").get_data(as_text=True)

    assert f"<strong data-signature-count>{format_decimal(12345, locale='tr')}</strong>" in turkish
    assert "<strong data-signature-count>12,345</strong>" in english
    assert f"<span data-goal>{format_decimal(50_000, locale='tr')}</span>" in turkish
    assert f">{format_date(petition.closes_at, 'long', locale='tr')}</time>" in turkish
    assert ">4 May 2031</time>" in english


# --- the form -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": ""}, "name", "Enter your name."),
        ({"email": ""}, "email", "Enter your email address."),
        ({"country": "XX"}, "country", "Choose your country from the list."),
        ({"name": "www.spam.example"}, "name", "Enter your name without a web address."),
        ({"name": "=1+1"}, "name", "Your name cannot start with = + - or @."),
        ({"comment": "x" * 501}, "comment", "Keep it under 500 characters."),
        ({"name": "A" * 101}, "name", "Field cannot be longer than 100 characters."),
    ],
)
def test_a_refused_field_on_the_uyghur_page_is_explained_beside_it_in_uyghur(
    client, session, uyghur_catalog, fields, field, message
):
    petition = make_petition()

    response = sign_at(client, "/ug", petition, **fields)

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert html_tag(html) == '<html lang="ug" dir="rtl">'
    error = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', html)
    assert error, f"no error beside the {field} field"
    assert error.group(1) == f"{OPEN}{message}{CLOSE}"
    assert re.search(rf'<[^>]*aria-describedby="[^"]*{field}-error"', html)
    assert db.session.scalars(select(Signature)).all() == []


def test_a_closed_petition_refuses_a_signature_in_the_pages_language(
    client, session, uyghur_catalog
):
    petition = make_petition(status=PetitionStatus.CLOSED)

    response = sign_at(client, "/ug", petition)

    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert html_tag(html) == '<html lang="ug" dir="rtl">'
    assert f"{OPEN}This petition is closed{CLOSE}" in html
    assert left_in_english(html) == []


# --- the signature's language and its emails ----------------------------------------------


def test_a_signature_made_on_the_uyghur_page_is_kept_in_uyghur_and_so_is_its_email(
    client, session, uyghur_catalog
):
    petition = make_petition(title="Let the UN in", target="The UN")

    response = sign_at(client, "/ug", petition)

    assert response.status_code == 200
    signature = only_signature(petition)
    assert signature.language == "ug"
    [message] = outbox(VALID["email"])
    assert message.subject == f"{OPEN}Confirm your signature: Let the UN in{CLOSE}"
    assert html_tag(message.html_body) == '<html lang="ug" dir="rtl">'
    assert untranslated_lines(message.text_body) == []
    confirm = link(message.text_body, f"/ug/petitions/{petition.slug}/confirm/")
    assert confirm == f"{SITE}{confirm_path(signature)}"
    assert f'href="{SITE}/ug/petitions/{petition.slug}" lang="en" dir="ltr"' in message.html_body
    assert '<bdi lang="en" dir="ltr">The UN</bdi>' in message.html_body
    # The link leads to the Uyghur page, which confirms the signature.
    pressed = press_confirm(client, local(confirm))
    assert pressed.status_code == 200
    assert html_tag(pressed.get_data(as_text=True)) == '<html lang="ug" dir="rtl">'
    assert signature.status == SignatureStatus.CONFIRMED


def test_a_signature_made_at_the_root_is_kept_in_the_default_language(client, session):
    petition = make_petition()

    sign_at(client, "", petition)

    assert only_signature(petition).language == "en"
    [message] = outbox(VALID["email"])
    assert html_tag(message.html_body) == '<html lang="en" dir="ltr">'
    assert link(message.text_body, f"/petitions/{petition.slug}/confirm/")


@pytest.mark.parametrize("prefix", ["", "/tr"])
def test_signing_again_from_another_language_reminds_in_the_language_first_signed_in(
    client, session, uyghur_catalog, prefix
):
    petition = make_petition()
    sign_at(client, "/ug", petition)

    sign_at(client, prefix, petition)

    assert only_signature(petition).language == "ug"
    _first, reminder = outbox(VALID["email"])
    assert html_tag(reminder.html_body) == '<html lang="ug" dir="rtl">'
    assert reminder.subject.startswith(OPEN)
    assert link(reminder.text_body, f"/ug/petitions/{petition.slug}/confirm/")


def test_the_already_signed_email_is_in_the_language_signed_in(client, session, uyghur_catalog):
    petition = make_petition()
    make_signature(petition, email=VALID["email"], language="ug")

    sign_at(client, "", petition)

    [message] = outbox(VALID["email"])
    assert message.template == "petition_already_signed"
    assert message.subject == f"{OPEN}You have already signed: {petition.title}{CLOSE}"
    assert html_tag(message.html_body) == '<html lang="ug" dir="rtl">'
    assert link(message.text_body, f"/ug/petitions/{petition.slug}")


def test_a_language_the_site_no_longer_has_is_written_to_in_the_default_one(client, session):
    petition = make_petition()
    make_signature(petition, email=VALID["email"], language="fa", confirmed=False)

    response = sign_at(client, "/ug", petition)

    assert response.status_code == 200
    [reminder] = outbox(VALID["email"])
    assert html_tag(reminder.html_body) == '<html lang="en" dir="ltr">'
    assert link(reminder.text_body, f"/petitions/{petition.slug}/confirm/")


def test_a_signer_who_asks_for_updates_gets_them_in_the_language_signed_in(client, session):
    petition = make_petition()
    sign_at(client, "/zh-Hans", petition, subscribe="y")

    press_confirm(client, confirm_path(only_signature(petition)))

    subscriber = db.session.scalar(select(Subscriber).where(Subscriber.email == VALID["email"]))
    assert subscriber.language == "zh-Hans"


# --- an organiser's translation -----------------------------------------------------------


def test_a_translated_petition_shows_its_translation_and_keeps_the_rest_in_english(client, session):
    petition = make_petition(title="Let the UN in", target="The UN", body="Open the region.")
    save_translation(petition, "ug", {"title": "ب د ت كىرسۇن", "target": "ب د ت"})
    session.commit()

    html = client.get(f"/ug/petitions/{petition.slug}").get_data(as_text=True)

    assert "<h1>ب د ت كىرسۇن</h1>" in html  # in the page's language: nothing to mark
    assert "<bdi>ب د ت</bdi>" in html
    assert '<div class="prose" lang="en" dir="ltr">' in html  # the text is not translated
    assert "<h1>Let the UN in</h1>" in client.get(f"/petitions/{petition.slug}").get_data(
        as_text=True
    )


def test_a_new_translation_changes_the_pages_validator(client, session):
    petition = make_petition(title="Let the UN in")
    before = client.get(f"/ug/petitions/{petition.slug}")
    save_translation(petition, "ug", {"title": "ب د ت كىرسۇن"})
    session.commit()

    after = client.get(
        f"/ug/petitions/{petition.slug}", headers={"If-None-Match": before.headers["ETag"]}
    )

    assert after.status_code == 200
    assert "ب د ت كىرسۇن" in after.get_data(as_text=True)


def test_the_email_of_a_uyghur_signature_names_the_petition_as_translated(client, session):
    petition = make_petition(title="Let the UN in")
    save_translation(petition, "ug", {"title": "ب د ت كىرسۇن"})
    session.commit()

    sign_at(client, "/ug", petition)

    [message] = outbox(VALID["email"])
    assert "ب د ت كىرسۇن" in message.subject
    # In the email's language: nothing to mark.
    assert re.search(
        rf'<a href="{SITE}/ug/petitions/{petition.slug}"( style="[^"]*")?>ب د ت كىرسۇن</a>',
        message.html_body,
    )


def test_the_campaign_page_offers_the_petition_in_the_pages_language(app, client, session):
    campaign = make_campaign()
    petition = make_petition(campaign, title="Let the UN in", target="The UN <High> Commission")
    save_translation(petition, "ug", {"title": "ب د ت كىرسۇن"})
    session.commit()

    uyghur = client.get(f"/ug/c/{campaign.slug}").get_data(as_text=True)
    english = client.get(f"/c/{campaign.slug}").get_data(as_text=True)

    assert "<h3>ب د ت كىرسۇن</h3>" in uyghur
    target = "The UN &lt;High&gt; Commission"
    addressed = in_language("ug", "Addressed to %(target)s.", target="%(target)s")
    assert addressed != "Addressed to %(target)s."
    assert addressed % {"target": f'<bdi lang="en" dir="ltr">{target}</bdi>'} in uyghur
    assert f"Addressed to <bdi>{target}</bdi>." in english
    # A path on this site, not SITE_URL: a reader on the onion address stays on it.
    assert f'href="/ug/petitions/{petition.slug}"' in uyghur


def test_the_petitions_console_pages_show_its_translations(client, organiser):
    petition = make_petition()

    for url in (f"/admin/petitions/{petition.id}", f"/admin/petitions/{petition.id}/edit"):
        html = client.get(url).get_data(as_text=True)
        assert 'class="translations-panel"' in html
        for language in ("ug", "zh-Hans", "tr", "ar"):
            assert f'href="/admin/translations/petition/{petition.id}/{language}"' in html
        assert f"/admin/translations/petition/{petition.id}/en" not in html


def test_a_saved_translation_returns_to_a_page_that_says_it_is_translated(client, organiser):
    petition = make_petition()
    url = f"/admin/translations/petition/{petition.id}/tr"

    saved = client.post(url, data={"csrf_token": csrf_token(client, url), "title": "BM girsin"})

    panel = client.get(saved.headers["Location"]).get_data(as_text=True)
    panel = panel[panel.index('class="translations-panel"') :]
    assert re.search(r'/tr"><span lang="tr">[^<]+</span></a>\s*· translated', panel)


# --- hostile input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/xx/petitions/{slug}",
        "/UG/petitions/{slug}",
        "/ug-Arab/petitions/{slug}",
        "/zh-hans/petitions/{slug}",
        "/ug/ug/petitions/{slug}",
        "//ug/petitions/{slug}",
        "/ug/petitions/{slug}?lang=../../etc&utm_source=%00",
        "/ug/petitions/{slug}.json",
        "/ug/petitions/{slug}/embed?source=" + "x" * 500,
        "/ug/petitions/{slug}/confirm/not-a-token",
        "/ug/petitions/%00/confirm/x",
        "/ug/admin/petitions/",
        "/%75g/petitions/{slug}",
        "/ug%2Fpetitions/{slug}",
    ],
)
def test_an_odd_language_in_the_path_never_breaks_a_petition_page(client, session, path):
    petition = make_petition()

    response = client.get(
        path.format(slug=petition.slug),
        headers={"Accept-Language": "ug;q=abc, ../../x, " + "zz-" * 200},
    )

    assert response.status_code < 500


@pytest.mark.parametrize("prefix", ["/xx", "/UG", "/ug-Arab", "/ug/ug"])
def test_a_signature_posted_under_an_odd_prefix_is_refused_without_an_error(
    client, session, prefix
):
    petition = make_petition()

    response = sign_at(client, prefix, petition, language="ar")

    assert response.status_code == 404
    assert db.session.scalars(select(Signature)).all() == []


def test_a_language_field_in_the_form_does_not_choose_the_signatures_language(client, session):
    petition = make_petition()

    sign_at(client, "/tr", petition, language="<script>")

    assert only_signature(petition).language == "tr"
