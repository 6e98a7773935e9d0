"""The page cache: public pages from memory for about a second, and never a page it must not.

Each test turns the cache on for a short life (LIFE seconds) and counts the SQL statements a
request runs: an answer from memory runs none.
"""

import gzip
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import requests
from flask_migrate import upgrade
from sqlalchemy import event, select

from campaign import create_app
from campaign.content.models import ExplainerStatus
from campaign.content.publishing import set_translation_of, unpublish
from campaign.db import utcnow
from campaign.extensions import db
from campaign.petitions.models import PetitionStatus, Signature, SignatureStatus
from config import TestingConfig
from tests.conftest import PAGE_CACHE_LIFE as LIFE
from tests.factories.accounts import make_user
from tests.factories.content import make_explainer
from tests.factories.petitions import (
    confirm_path,
    make_petition,
    make_signature,
    press_confirm,
    sign,
)
from tests.live_site import served
from tests.scratch import scratch_database


@contextmanager
def statements() -> Iterator[list[str]]:
    """The SQL statements run meanwhile, on the test's connection."""
    seen: list[str] = []
    connection = db.session.connection()

    def record(conn, cursor, statement, *args) -> None:
        seen.append(statement)

    event.listen(connection, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", record)


def wait_out_the_cache() -> None:
    time.sleep(LIFE + 0.05)


def test_a_public_page_read_again_is_answered_from_memory(client, session, page_cache):
    explainer = make_explainer()
    session.commit()
    path = f"/explainers/{explainer.slug}"
    first = client.get(path)

    with statements() as run:
        again = client.get(path)

    assert run == []
    assert again.status_code == 200
    assert again.data == first.data
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    assert "Accept-Encoding" in again.headers["Vary"]


def test_an_edit_shows_once_the_cache_life_has_passed(client, session, page_cache):
    explainer = make_explainer(title="The first title")
    session.commit()
    client.get(f"/explainers/{explainer.slug}")

    explainer.title = "A better title"
    session.commit()
    meanwhile = client.get(f"/explainers/{explainer.slug}").get_data(as_text=True)
    wait_out_the_cache()
    later = client.get(f"/explainers/{explainer.slug}").get_data(as_text=True)

    assert "The first title" in meanwhile
    assert "A better title" in later


def test_an_unpublished_page_is_gone_once_the_cache_life_has_passed(client, session, page_cache):
    explainer = make_explainer()
    session.commit()
    assert client.get(f"/explainers/{explainer.slug}").status_code == 200

    unpublish(explainer)
    session.commit()
    wait_out_the_cache()

    assert client.get(f"/explainers/{explainer.slug}").status_code == 404
    assert client.get(f"/explainers/{explainer.slug}").status_code == 404
    assert page_cache.pages == {}


def test_a_draft_an_organiser_sees_is_never_kept_for_anyone_else(
    app, client, auth, session, page_cache
):
    draft = make_explainer(status=ExplainerStatus.DRAFT, published_at=None)
    user = make_user()
    session.commit()
    auth.sign_in(user)

    organiser_views = [client.get(path) for path in ("/", f"/explainers/{draft.slug}")]
    reader = app.test_client()

    assert [response.status_code for response in organiser_views] == [200, 404]
    assert page_cache.pages == {}  # nothing an organiser was shown is kept
    assert reader.get(f"/explainers/{draft.slug}").status_code == 404


def test_an_organiser_is_never_answered_from_memory(client, auth, session, page_cache):
    explainer = make_explainer(title="The first title")
    user = make_user()
    session.commit()
    client.get(f"/explainers/{explainer.slug}")  # kept for anonymous readers
    auth.sign_in(user)

    explainer.title = "A better title"
    session.commit()

    assert "A better title" in client.get(f"/explainers/{explainer.slug}").get_data(as_text=True)


def test_each_language_is_kept_apart(client, session, page_cache):
    original = make_explainer(language="en", title="What the leak shows")
    translation = make_explainer(original.campaign, language="ug", title="ترجىمە")
    set_translation_of(translation, original)
    session.commit()

    for _ in range(2):
        english = client.get(f"/explainers/{original.slug}").get_data(as_text=True)
        uyghur = client.get(f"/ug/explainers/{translation.slug}").get_data(as_text=True)
        # The same article with the interface in Uyghur: its own entry.
        original_in_uyghur = client.get(f"/ug/explainers/{original.slug}").get_data(as_text=True)

        assert '<html lang="en" dir="ltr">' in english
        assert '<html lang="ug" dir="rtl">' in uyghur
        assert "ترجىمە" in uyghur
        assert '<html lang="ug" dir="rtl">' in original_in_uyghur
        assert '<h1 lang="en" dir="ltr">What the leak shows</h1>' in original_in_uyghur


def test_gzip_for_clients_that_accept_it_and_the_same_page_otherwise(client, session, page_cache):
    explainer = make_explainer()
    session.commit()
    path = f"/explainers/{explainer.slug}"

    plain = client.get(path)
    squeezed = client.get(path, headers={"Accept-Encoding": "br, gzip"})
    refused = client.get(path, headers={"Accept-Encoding": "gzip;q=0, identity"})

    assert "Content-Encoding" not in plain.headers
    assert squeezed.headers["Content-Encoding"] == "gzip"
    assert int(squeezed.headers["Content-Length"]) == len(squeezed.data) < len(plain.data)
    assert gzip.decompress(squeezed.data) == plain.data
    assert "Content-Encoding" not in refused.headers
    assert refused.data == plain.data


def test_a_matching_etag_is_answered_304_from_memory(client, session, page_cache):
    explainer = make_explainer()
    session.commit()
    path = f"/explainers/{explainer.slug}"
    etag = client.get(path).headers["ETag"]

    with statements() as run:
        again = client.get(path, headers={"If-None-Match": etag})
        other = client.get(path, headers={"If-None-Match": 'W/"x"'})

    assert run == []
    assert (again.status_code, again.data) == (304, b"")
    assert other.status_code == 200


def test_a_reader_revalidating_a_page_not_yet_kept_gets_304_and_the_page_is_kept(
    client, session, page_cache
):
    explainer = make_explainer()
    session.commit()
    path = f"/explainers/{explainer.slug}"
    etag = client.get(path).headers["ETag"]
    page_cache.pages = {}  # as in another process, or after the page expired

    again = client.get(path, headers={"If-None-Match": etag})

    assert (again.status_code, again.data) == (304, b"")
    assert len(page_cache.pages) == 1
    assert client.get(path).status_code == 200


def test_head_is_answered_from_memory_without_a_body_and_keeps_nothing(client, session, page_cache):
    explainer = make_explainer()
    session.commit()
    path = f"/explainers/{explainer.slug}"

    assert client.head(path).status_code == 200
    assert page_cache.pages == {}
    page = client.get(path)
    head = client.head(path)

    assert head.data == b""
    assert head.headers["Content-Length"] == str(len(page.data))


def test_errors_posts_and_pages_that_set_a_cookie_are_not_kept(client, session, page_cache):
    petition = make_petition()
    session.commit()

    client.get("/explainers/no-such-page")
    client.post(f"/petitions/{petition.slug}/sign", data={"name": "A"})
    client.get("/admin/login")  # a form with a token: it sets the session cookie

    assert page_cache.pages == {}


def test_every_query_is_a_page_of_its_own(client, session, page_cache):
    petition = make_petition()
    session.commit()

    from_mail = client.get(f"/petitions/{petition.slug}?source=newsletter").get_data(True)
    plain = client.get(f"/petitions/{petition.slug}").get_data(True)

    assert 'value="newsletter"' in from_mail
    assert 'value="newsletter"' not in plain


def test_the_cache_keeps_at_most_its_number_of_pages(client, session, page_cache):
    petition = make_petition()
    session.commit()
    page_cache.entries = 3

    for number in range(6):
        client.get(f"/petitions/{petition.slug}?source=s{number}")

    kept = [query for _scheme, _host, _path, query in page_cache.pages]
    assert kept == ["source=s3", "source=s4", "source=s5"]


def test_the_count_shown_is_at_most_the_cache_life_behind(client, session, page_cache):
    petition = make_petition()
    make_signature(petition)
    session.commit()
    assert client.get(f"/petitions/{petition.slug}.json").json["signature_count"] == 1

    make_signature(petition)
    session.commit()
    meanwhile = client.get(f"/petitions/{petition.slug}.json").json["signature_count"]
    wait_out_the_cache()
    later = client.get(f"/petitions/{petition.slug}.json").json["signature_count"]

    assert (meanwhile, later) == (1, 2)


def test_a_page_built_from_a_kept_count_is_as_old_as_the_count(client, session, page_cache):
    petition = make_petition()
    make_signature(petition)
    session.commit()
    client.get(f"/petitions/{petition.slug}.json")  # reads the count
    time.sleep(LIFE * 0.75)
    first = client.get(f"/petitions/{petition.slug}").get_data(as_text=True)
    assert "<strong data-signature-count>1</strong>" in first  # the count read above

    make_signature(petition)
    session.commit()
    time.sleep(LIFE * 0.5)  # the count's life has passed, not yet the page's own

    page = client.get(f"/petitions/{petition.slug}").get_data(as_text=True)

    assert "<strong data-signature-count>2</strong>" in page


def test_while_one_request_renders_an_expired_page_the_others_get_the_old_copy(
    client, session, page_cache
):
    explainer = make_explainer(title="The first title")
    session.commit()
    path = f"/explainers/{explainer.slug}"
    client.get(path)
    (page,) = page_cache.pages.values()
    explainer.title = "A better title"
    session.commit()
    wait_out_the_cache()
    page.refreshing = True  # as if another request were rendering it right now

    with statements() as run:
        meanwhile = client.get(path).get_data(as_text=True)

    assert run == []
    assert "The first title" in meanwhile


def test_through_a_real_server_many_readers_at_once_get_whole_pages(tmp_path):
    with scratch_database("page_cache", tmp_path) as database_url:

        def make_app(url: str):
            class Settings(TestingConfig):
                SQLALCHEMY_DATABASE_URI = database_url
                SITE_URL = url
                PAGE_CACHE_SECONDS = LIFE

            return create_app(Settings)

        with served(make_app) as (url, app):
            with app.app_context():
                upgrade()
                path = f"/explainers/{make_explainer(title='Read by many').slug}"
                db.session.commit()
            answers = read_at_once(url + path, readers=8, reads=25)
            with app.app_context():
                db.session.remove()
                db.engine.dispose()

    assert len(answers) == 200
    assert {answer.status_code for answer in answers} == {200}
    assert {answer.headers["Content-Encoding"] for answer in answers} == {"gzip"}
    assert len({answer.content for answer in answers}) == 1
    assert "Read by many" in answers[0].text


def read_at_once(url: str, readers: int, reads: int) -> list[requests.Response]:
    answers: list[requests.Response] = []

    def read() -> None:
        with requests.Session() as reader:
            answers.extend(reader.get(url, timeout=10) for _ in range(reads))

    threads = [threading.Thread(target=read) for _ in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_a_closed_petition_stops_taking_signatures_once_the_cache_life_has_passed(
    client, session, page_cache, app_settings
):
    petition = make_petition()
    session.commit()
    app_settings(PAGE_CACHE_SECONDS=60)  # a moment as long as this test needs, however slow
    assert sign(client, petition, email="first@example.org").status_code == 200  # kept now

    petition.status, petition.closed_at = PetitionStatus.CLOSED, utcnow()
    session.commit()
    meanwhile = sign(client, petition, email="meanwhile@example.org")
    app_settings(PAGE_CACHE_SECONDS=0)  # the moment has passed
    later = sign(client, petition, email="later@example.org")

    assert meanwhile.status_code == 200  # taken from the copy kept this moment
    assert later.status_code == 409
    assert "This petition is closed" in later.get_data(as_text=True)
    made = {s.email: s for s in session.scalars(select(Signature))}
    assert "later@example.org" not in made
    # Confirming reads the petition's row itself: a sign-up after the close never counts.
    refused = press_confirm(client, confirm_path(made["meanwhile@example.org"]))
    assert refused.status_code == 409
    assert made["meanwhile@example.org"].status == SignatureStatus.PENDING


def test_an_unpublished_petition_takes_no_signatures_once_the_cache_life_has_passed(
    client, session, page_cache
):
    petition = make_petition()
    session.commit()
    sign(client, petition, email="first@example.org")

    petition.status = PetitionStatus.DRAFT
    session.commit()
    wait_out_the_cache()

    assert sign(client, petition, email="later@example.org").status_code == 404


def test_the_thank_you_page_shows_an_edit_once_the_cache_life_has_passed(
    client, session, page_cache
):
    petition = make_petition(title="The first title")
    session.commit()
    sign(client, petition, email="first@example.org")

    petition.title = "A better title"
    session.commit()
    wait_out_the_cache()
    page = sign(client, petition, email="later@example.org").get_data(as_text=True)

    assert "A better title" in page
    assert "The first title" not in page
