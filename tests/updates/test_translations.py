"""An update in several languages: each reader gets their version, by email and on the site."""

import html
import io
import re
from datetime import timedelta

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.support import Translations
from flask_babel import Domain, get_locale
from sqlalchemy import event, select

from campaign.db import utcnow
from campaign.extensions import db
from campaign.mailer.transports.outbox import FileTransport
from campaign.updates.models import AudienceKind, Update, UpdateStatus, UpdateTranslation
from campaign.updates.sending import run, start
from tests.factories.content import make_campaign
from tests.factories.petitions import make_petition
from tests.factories.subscribers import local, make_subscriber
from tests.factories.updates import emails_in, form_fields, make_update, statuses
from tests.helpers import post_form

UYGHUR_SUBJECT = "كابېللار ئۈزۈلدى"
UYGHUR_BODY = "بۇنى **ئوقۇڭ**."
# What the fake Uyghur catalog makes of the email's own words.
UYGHUR_HELLO = "ياخشىمۇسىز%(name)s،"
UYGHUR_WHY = "%(site)s نىڭ خەۋەرلىرىگە مۇشتەرى بولغانلىقىڭىز ئۈچۈن بۇ خەتنى تاپشۇرۇۋالدىڭىز."


def make_translation(update: Update, language: str = "ug", **fields) -> UpdateTranslation:
    values = {"subject": UYGHUR_SUBJECT, "body": UYGHUR_BODY} | fields
    translation = UpdateTranslation(language=language, **values)
    update.translations.append(translation)
    db.session.flush()
    return translation


@pytest.fixture
def uyghur_catalog(monkeypatch):
    """Two of the email's sentences in Uyghur, as a compiled catalog would give them."""
    catalog = Catalog(locale="ug")
    catalog.add("Hello%(name)s,", UYGHUR_HELLO)
    catalog.add("You get this email because you subscribed to updates from %(site)s.", UYGHUR_WHY)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    uyghur = Translations(compiled)
    shipped = Domain.get_translations

    def translations(domain):
        return uyghur if str(get_locale()) == "ug" else shipped(domain)

    monkeypatch.setattr(Domain, "get_translations", translations)


@pytest.fixture
def bilingual(session):
    """A published update written in English with a Uyghur version, and a campaign page."""
    campaign = make_campaign(slug="free-them", language="en")
    petition = make_petition(campaign, slug="close-the-camps")
    update = make_update(
        slug="cables-out",
        subject="The cables are out",
        body="Read **this**.",
        language="en",
        campaign_id=campaign.id,
        cta_petition_id=petition.id,
        publish_on_site=True,
    )
    make_translation(update)
    return update


def parts(message) -> tuple[str, str]:
    return (
        message.get_body(("plain",)).get_content(),
        message.get_body(("html",)).get_content(),
    )


# By email


def test_each_reader_gets_the_version_in_their_language_with_the_email_in_it(
    bilingual, session, tmp_path, uyghur_catalog
):
    make_subscriber(email="ann@example.org", name="Ann", language="en")
    make_subscriber(email="aygul@example.org", name="Aygül", language="ug")
    session.commit()

    start(bilingual)
    report = run(bilingual.id, transport=FileTransport(tmp_path))

    assert report.stopped_because == "done"
    assert statuses(bilingual) == {"sent": 2}
    messages = {message["To"]: message for message in emails_in(tmp_path)}
    english, uyghur = messages["ann@example.org"], messages["aygul@example.org"]

    assert english["Subject"] == "The cables are out"
    text, page = parts(english)
    assert "Hello Ann," in text and "Read **this**." in text and UYGHUR_SUBJECT not in text
    assert '<html lang="en" dir="ltr">' in page and "<strong>this</strong>" in page
    assert "http://campaign.test/updates/cables-out" in text
    assert "http://campaign.test/petitions/close-the-camps" in text
    assert english["List-Unsubscribe"].startswith("<http://campaign.test/unsubscribe/")

    assert uyghur["Subject"] == UYGHUR_SUBJECT
    text, page = parts(uyghur)
    assert "The cables are out" not in text and "Read **this**" not in text
    assert "ئوقۇڭ" in text and "<strong>ئوقۇڭ</strong>" in page
    # The email's own words, and every link, are in Uyghur too.
    assert "ياخشىمۇسىز Aygül،" in text
    assert "ياخشىمۇسىز Aygül،" in html.unescape(page)
    assert UYGHUR_WHY.replace("%(site)s", "Campaign") in text
    assert '<html lang="ug" dir="rtl">' in page
    assert re.search(f"<h1( style=[^>]*)?>{UYGHUR_SUBJECT}</h1>", page)  # nothing to mark
    assert "http://campaign.test/ug/updates/cables-out" in text
    assert "http://campaign.test/ug/petitions/close-the-camps" in text
    link = uyghur["List-Unsubscribe"].strip("<>")
    assert link.startswith("http://campaign.test/ug/unsubscribe/")
    assert link in text and "http://campaign.test/unsubscribe/" not in text


def test_a_reader_in_a_language_without_a_version_gets_the_original(
    bilingual, client, session, tmp_path
):
    turkish = make_subscriber(email="ayse@example.org", name="Ayşe", language="tr")
    session.commit()

    start(bilingual)
    run(bilingual.id, transport=FileTransport(tmp_path))

    [message] = emails_in(tmp_path)
    assert message["Subject"] == "The cables are out"
    text, page = parts(message)
    assert "Read **this**." in text and UYGHUR_SUBJECT not in text
    # The email around it is in Turkish; the original is marked as English inside it.
    assert '<html lang="tr" dir="ltr">' in page
    assert re.search('<h1 lang="en" dir="ltr"( style=[^>]*)?>The cables are out</h1>', page)
    assert "http://campaign.test/tr/updates/cables-out" in text
    link = message["List-Unsubscribe"].strip("<>")
    assert link.startswith("http://campaign.test/tr/unsubscribe/")
    assert client.post(local(link), data={"List-Unsubscribe": "One-Click"}).status_code == 200
    session.refresh(turkish)
    assert turkish.status == "unsubscribed"


def test_sendgrid_gets_one_request_per_version_and_language_in_a_batch(
    app_settings, sendgrid_api, session
):
    update = make_update(subject="The cables are out", language="en")
    make_translation(update)
    for number, language in enumerate(["en", "ug", "tr", "ug", "en"]):
        make_subscriber(email=f"p{number}@example.org", language=language)
    session.commit()
    app_settings(MAIL_BATCH_SIZE=10)

    start(update)
    report = run(update.id)

    # English, Uyghur, and the original inside a Turkish email.
    assert (report.batches, report.requests, report.sent) == (1, 3, 5)
    sent = [
        (body["subject"], sorted(p["to"][0]["email"] for p in body["personalizations"]))
        for body in (request.json for request in sendgrid_api.requests)
    ]
    assert sent == [
        ("The cables are out", ["p0@example.org", "p4@example.org"]),
        (UYGHUR_SUBJECT, ["p1@example.org", "p3@example.org"]),
        ("The cables are out", ["p2@example.org"]),
    ]
    assert statuses(update) == {"sent": 5}


@pytest.mark.parametrize(
    "answers, left",
    [
        # Refused for now, three times over: the rows not yet sent go back to the queue.
        ([(429, {"errors": [{"message": "Too many requests"}]})] * 3, {"queued": 1}),
        # No answer in time: it may have gone, so those rows are uncertain, and only those.
        ([(202, None, 1.5)], {"uncertain": 1}),
    ],
)
def test_a_version_refused_after_another_went_leaves_the_sent_ones_sent(
    app_settings, sendgrid_api, session, answers, left
):
    update = make_update(subject="The cables are out", language="en")
    make_translation(update)
    make_subscriber(email="first@example.org", language="en")
    make_subscriber(email="second@example.org", language="ug")
    session.commit()
    app_settings(UPDATE_RETRY_SECONDS=0)
    sendgrid_api.answer_next(202)  # the English version, first in the batch, goes
    for answer in answers:
        sendgrid_api.answer_next(*answer)

    start(update)
    report = run(update.id)

    assert statuses(update) == {"sent": 1, **left}
    assert report.sent == 1
    assert report.uncertain == left.get("uncertain", 0)
    if "queued" in left:
        assert run(update.id).stopped_because == "done"
        assert statuses(update) == {"sent": 2}
    addressed = [r.json["personalizations"][0]["to"][0]["email"] for r in sendgrid_api.requests]
    assert addressed.count("first@example.org") == 1


def test_the_versions_are_read_once_and_no_query_is_added_per_reader(
    app_settings, sendgrid_api, session
):
    app_settings(MAIL_BATCH_SIZE=100)

    def statements_to_send(readers: int) -> tuple[int, int]:
        campaign = make_campaign()
        update = make_update(
            language="en", audience_kind=AudienceKind.CAMPAIGN, audience_campaign_id=campaign.id
        )
        make_translation(update)
        for number in range(readers):
            make_subscriber(campaign_id=campaign.id, language=["en", "ug", "tr"][number % 3])
        session.commit()
        start(update)
        seen: list[str] = []

        def note(conn, cursor, statement, parameters, context, executemany) -> None:
            seen.append(statement)

        engine = db.session.get_bind()
        event.listen(engine, "before_cursor_execute", note)
        try:
            # SendGrid: one provider id a request, so each version's rows are marked at once.
            report = run(update.id)
        finally:
            event.remove(engine, "before_cursor_execute", note)
        assert (report.sent, report.batches) == (readers, 1)
        return len(seen), sum("FROM update_translations" in each for each in seen)

    few, few_reads = statements_to_send(3)
    many, many_reads = statements_to_send(30)

    assert few == many
    assert few_reads == many_reads == 1


# On the site


def test_each_language_page_shows_its_version_and_links_the_others(bilingual, client, session):
    bilingual.published_at = utcnow()
    session.commit()

    uyghur = client.get("/ug/updates/cables-out").get_data(as_text=True)
    english = client.get("/updates/cables-out").get_data(as_text=True)
    turkish = client.get("/tr/updates/cables-out").get_data(as_text=True)

    assert '<html lang="ug" dir="rtl">' in uyghur
    assert f"<h1>{UYGHUR_SUBJECT}</h1>" in uyghur  # in the page's language: nothing to mark
    assert "<strong>ئوقۇڭ</strong>" in uyghur and "The cables are out" not in uyghur
    assert '<a href="/updates/cables-out" hreflang="en" lang="en" dir="ltr">English</a>' in uyghur

    assert "<h1>The cables are out</h1>" in english and UYGHUR_SUBJECT not in english
    assert 'href="/ug/updates/cables-out" hreflang="ug" lang="ug" dir="rtl">' in english

    # No Turkish version: the original, marked as English on the Turkish page.
    assert '<html lang="tr" dir="ltr">' in turkish
    assert '<h1 lang="en" dir="ltr">The cables are out</h1>' in turkish
    assert '<div class="prose" lang="en" dir="ltr">' in turkish
    others = turkish[turkish.index('<nav class="translations"') :].split("</nav>")[0]
    assert 'href="/ug/updates/cables-out" hreflang="ug"' in others
    assert "/updates/cables-out" not in others.replace("/ug/updates/cables-out", "")


def test_the_hub_lists_each_update_by_its_subject_in_the_page_language(bilingual, client, session):
    bilingual.published_at = utcnow()
    session.commit()

    uyghur = client.get("/ug/c/free-them").get_data(as_text=True)
    turkish = client.get("/tr/c/free-them").get_data(as_text=True)

    assert f'<a href="/ug/updates/cables-out">{UYGHUR_SUBJECT}</a>' in uyghur
    # The original's subject on the Turkish page, marked as the English it is.
    assert '<a href="/tr/updates/cables-out" lang="en" dir="ltr">The cables are out</a>' in turkish


# In the console


def translation_fields(**changes) -> dict:
    return {"language": "ug", "subject": UYGHUR_SUBJECT, "preheader": "", "body": UYGHUR_BODY} | (
        changes
    )


def test_an_organiser_adds_edits_and_removes_a_translation_beside_the_original(client, organiser):
    update = make_update(subject="The cables are out", language="en")
    url = f"/admin/updates/{update.id}"

    page = client.get(url).get_data(as_text=True)
    offered = re.findall(r'/translations/new\?language=([\w-]+)"', page)
    assert offered == ["ug", "zh-Hans", "tr", "ar"]  # the site's languages but the original's
    form = client.get(f"{url}/translations/new?language=ug").get_data(as_text=True)
    assert '<option selected value="ug">' in form
    assert "The cables are out" in form  # the original, beside the form

    added = post_form(client, f"{url}/translations/new", translation_fields())
    assert added.status_code == 303
    [translation] = update.translations
    assert (translation.language, translation.subject) == ("ug", UYGHUR_SUBJECT)
    assert "<strong>ئوقۇڭ</strong>" in translation.body_html
    page = client.get(url).get_data(as_text=True)
    assert "/translations/new?language=ug" not in page
    assert f'<td lang="ug" dir="rtl">{UYGHUR_SUBJECT}</td>' in page

    edit_url = f"{url}/translations/{translation.id}/edit"
    edited = post_form(client, edit_url, translation_fields(subject="يېڭى"))
    assert edited.status_code == 303 and translation.subject == "يېڭى"

    removed = post_form(client, f"{url}/translations/{translation.id}/remove", {}, form_url=url)
    assert removed.status_code == 303
    db.session.expire_all()
    assert update.translations == []
    assert db.session.scalar(select(UpdateTranslation.id)) is None


@pytest.mark.parametrize(
    "language, message",
    [
        ("ug", "This update has a version in ئۇيغۇرچە already"),
        ("en", "The original is in English"),
        ("xx", "Choose one of the site's languages."),
    ],
)
def test_a_second_version_in_one_language_is_refused_beside_the_field(
    client, organiser, language, message
):
    update = make_update(language="en")
    make_translation(update)
    url = f"/admin/updates/{update.id}/translations/new"

    response = post_form(client, url, translation_fields(language=language), form_url=url)

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    error = re.search(r'<p class="error" id="language-error">([^<]*)</p>', page)
    assert error and html.unescape(error.group(1)).startswith(message)  # and nothing before
    assert len(update.translations) == 1


def test_the_original_cannot_move_to_a_language_a_translation_is_in(client, organiser):
    update = make_update(slug="cables-out", language="en")
    make_translation(update)
    fields = form_fields(preheader="", language="ug")

    response = post_form(client, f"/admin/updates/{update.id}/edit", fields)

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    error = re.search(r'<p class="error" id="language-error">([^<]*)</p>', page)
    assert error and "This update has a translation in ئۇيغۇرچە" in html.unescape(error.group(1))
    assert update.language == "en"


@pytest.mark.parametrize("status", [UpdateStatus.SENDING, UpdateStatus.PAUSED, UpdateStatus.SENT])
def test_versions_are_frozen_once_sending_has_begun(client, organiser, status):
    update = make_update(language="en", status=status, started_at=utcnow())
    translation = make_translation(update)
    base = f"/admin/updates/{update.id}"
    token_page = "/admin/updates/new"

    add_page = client.get(f"{base}/translations/new?language=tr")
    added = post_form(
        client, f"{base}/translations/new", translation_fields(language="tr"), form_url=token_page
    )
    edited = post_form(
        client,
        f"{base}/translations/{translation.id}/edit",
        translation_fields(subject="Changed"),
        form_url=token_page,
    )
    removed = post_form(
        client, f"{base}/translations/{translation.id}/remove", {}, form_url=token_page
    )
    shown = client.get(f"{base}/progress").get_data(as_text=True)

    assert [r.status_code for r in (add_page, added, edited, removed)] == [303] * 4
    assert "it can no longer be changed" in html.unescape(shown)
    db.session.expire_all()
    assert [(t.language, t.subject) for t in update.translations] == [("ug", UYGHUR_SUBJECT)]
    # What is sent can still be looked at, version by version.
    assert f"{base}/preview?version=ug" in shown


def test_a_scheduled_update_can_still_be_translated(client, organiser):
    update = make_update(
        language="en", status=UpdateStatus.SCHEDULED, scheduled_at=utcnow() + timedelta(1)
    )
    url = f"/admin/updates/{update.id}/translations/new"

    response = post_form(client, url, translation_fields())

    assert response.status_code == 303
    assert [t.language for t in update.translations] == ["ug"]


def test_the_preview_and_the_test_show_each_version(client, organiser, app_settings, tmp_path):
    app_settings(MAIL_FILE_DIR=str(tmp_path))
    update = make_update(subject="The cables are out", language="en")
    make_translation(update)
    url = f"/admin/updates/{update.id}"

    original = client.get(f"{url}/preview").get_data(as_text=True)
    page = client.get(f"{url}/preview?version=ug").get_data(as_text=True)
    framed = client.get(f"{url}/preview.html?version=ug").get_data(as_text=True)
    tested = post_form(
        client, f"{url}/test", {"email": "editor@example.org", "version": "ug"}, form_url=url
    )

    assert "The cables are out" in original and f'href="{url}/preview?version=ug"' in original
    assert f'<dd lang="ug" dir="rtl">{UYGHUR_SUBJECT}</dd>' in page
    assert f'src="{url}/preview.html?version=ug"' in page
    assert "<strong>ئوقۇڭ</strong>" in framed and '<html lang="ug" dir="rtl">' in framed
    assert "/ug/unsubscribe/" in framed
    assert tested.status_code == 303
    [message] = emails_in(tmp_path)
    assert message["Subject"] == UYGHUR_SUBJECT


def test_console_pages_of_a_translated_update_render_under_every_step(client, organiser):
    update = make_update(language="en")
    translation = make_translation(update)
    url = f"/admin/updates/{update.id}"

    for path in (
        url,
        f"{url}/edit",
        f"{url}/translations/new?language=tr",
        f"{url}/translations/{translation.id}/edit",
        f"{url}/preview",
        "/admin/updates/",
    ):
        assert client.get(path).status_code == 200, path
    assert client.get(f"{url}/translations/999/edit").status_code == 404
