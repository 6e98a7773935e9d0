"""A supporter's own data, from the "Your data" link at the foot of any email of ours: the
link shows one button, the button shows what we hold, and they download it or erase it."""

import json
import re

import pytest
from sqlalchemy import select

from campaign.audit.models import AuditEntry
from campaign.mailer.compose import queue_email
from campaign.mailer.emails import transport_check
from campaign.mailer.transports.outbox import FileTransport
from campaign.people.erased import is_erased
from campaign.people.links import YourDataLinks, address_in, your_data_url
from campaign.tokens import TokenError
from campaign.updates.sending import run, start
from tests.factories.petitions import make_petition, sign
from tests.factories.subscribers import SITE, local, make_subscriber, outbox
from tests.factories.updates import emails_in, make_update
from tests.helpers import csrf_token
from tests.people.held import EMAIL, NAME, POSTCODE, columns_holding, hold_everything

_LINK = re.compile(re.escape(SITE) + r"(?:/[a-zA-Z-]+)?/your-data/[A-Za-z0-9_-]+")


def data_link(text: str) -> str:
    """The one "Your data" link in an email's text."""
    found = set(_LINK.findall(text))
    assert len(found) == 1, f"expected one Your data link in:\n{text}"
    return found.pop()


def press(client, path: str, data: dict | None = None):
    """Post one of the page's forms with the token the page at `path` carries."""
    page_path = path.removesuffix("/download").removesuffix("/erase")
    return client.post(path, data={"csrf_token": csrf_token(client, page_path)} | (data or {}))


# --- the link in every email ------------------------------------------------------------


def test_every_transactional_email_links_to_its_recipients_own_data(client, session):
    sign(client, make_petition(), name=NAME, email=EMAIL, country="GB")

    message = outbox(EMAIL)[-1]
    url = data_link(message.text_body)

    assert f'href="{url}"' in message.html_body
    assert address_in(url.rsplit("/", 1)[1]) == EMAIL
    assert EMAIL not in url  # sealed: the address cannot be read out of the link


def test_each_update_email_links_to_its_own_readers_data(session, tmp_path):
    readers = [make_subscriber(email=f"reader-{n}@example.org") for n in range(3)]
    update = make_update()
    session.commit()
    start(update)
    run(update.id, transport=FileTransport(tmp_path))

    links = {}
    for message in emails_in(tmp_path):
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        links[message["To"]] = url = data_link(text)
        assert f'href="{url}"' in html
    assert {address_in(url.rsplit("/", 1)[1]) for url in links.values()} == {
        reader.email for reader in readers
    }


def test_the_link_leads_to_the_page_in_the_emails_language(client, session):
    message = queue_email(
        "transport_check", "ug-reader@example.org", transport_check("o@example.org"), language="ug"
    )
    url = data_link(message.text_body)

    page = client.get(local(url))

    assert local(url).startswith("/ug/your-data/")
    assert page.status_code == 200
    assert 'lang="ug" dir="rtl"' in page.get_data(as_text=True)


def test_a_batch_link_reads_like_a_single_one(app, session):
    links = YourDataLinks("tr")

    assert address_in(links("Some@Example.org").rsplit("/", 1)[1]) == "some@example.org"
    assert links("a@example.org") != links("a@example.org")  # sealed afresh each time


# --- the pages -----------------------------------------------------------------------


@pytest.fixture
def held(client, session, app_settings, tmp_path):
    app_settings(MAIL_FILE_DIR=str(tmp_path / "mail"))
    return hold_everything(client, session, tmp_path / "mail")


@pytest.fixture
def link(held) -> str:
    return local(your_data_url(EMAIL))


def test_opening_the_link_shows_one_button_and_nothing_held(client, held, link):
    page = client.get(link)
    html = page.get_data(as_text=True)

    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert EMAIL in html
    assert NAME not in html and POSTCODE not in html  # a mail filter fetching it sees nothing
    assert html.count("<form") == 1 and 'method="post"' in html


def test_the_button_shows_everything_held(client, held, link):
    page = press(client, link)
    html = page.get_data(as_text=True)

    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    for shown in (NAME, POSTCODE, "For my family in Ghulja", held.petition.title, "£50.00"):
        assert shown in html, shown
    assert 'action="/your-data/' in html and "/download" in html and "/erase" in html


def test_the_download_is_the_whole_export_as_a_json_file(client, held, link):
    answer = press(client, link + "/download")

    assert answer.status_code == 200
    assert answer.mimetype == "application/json"
    assert answer.headers["Content-Disposition"] == 'attachment; filename="your-data.json"'
    assert answer.headers["Cache-Control"] == "no-store"
    data = json.loads(answer.get_data(as_text=True))
    assert data["email"] == EMAIL
    assert data["subscriber"]["name"] == NAME
    assert [s["postcode"] for s in data["signatures"]] == [POSTCODE, ""]
    assert len(data["donations"]) == 2 and data["emails"] and data["update_deliveries"]


def test_erasing_asks_for_the_tick_first(client, held, link):
    answer = press(client, link + "/erase")

    assert answer.status_code == 400
    assert "Tick the box to confirm that you want it erased." in answer.get_data(as_text=True)
    assert not is_erased(EMAIL)


def test_erasing_oneself_leaves_nothing_that_names_one_and_is_audited(client, held, link, session):
    before = held.counts()

    answer = press(client, link + "/erase", {"confirm": "y"})

    assert answer.status_code == 200
    assert "Your data is erased" in answer.get_data(as_text=True)
    assert columns_holding(session, (EMAIL, NAME, POSTCODE)) == []
    assert held.counts() == before
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "erase person"))
    assert (entry.actor_id, entry.actor) == (None, "")
    assert entry.rows > 0 and entry.detail.startswith("by the person")
    # The same link afterwards: nothing held, nothing to erase, no second entry.
    again = press(client, link)
    assert "We hold nothing about" in again.get_data(as_text=True)
    press(client, link + "/erase", {"confirm": "y"})
    assert session.query(AuditEntry).count() == 1


def test_a_link_for_an_address_we_hold_nothing_about_says_so(client, session):
    link = local(your_data_url("stranger@example.org"))

    page = press(client, link)
    download = press(client, link + "/download")

    assert "We hold nothing about" in page.get_data(as_text=True)
    assert json.loads(download.get_data(as_text=True))["signatures"] == []


def test_every_page_works_under_a_language_prefix(client, held):
    link = local(your_data_url(EMAIL, "zh-Hans"))
    assert link.startswith("/zh-Hans/your-data/")

    pages = [client.get(link), press(client, link), press(client, link + "/erase")]

    assert [page.status_code for page in pages] == [200, 200, 400]
    assert all('lang="zh-Hans"' in page.get_data(as_text=True) for page in pages)


@pytest.mark.parametrize("suffix", ["", "/download", "/erase"])
def test_each_post_refuses_a_missing_csrf_token(client, held, link, suffix):
    answer = client.post(link + suffix, data={"confirm": "y"})

    assert answer.status_code == 400
    assert not is_erased(EMAIL)


def test_a_bad_link_is_a_404_page_not_an_error(client, session):
    real = your_data_url(EMAIL).rsplit("/", 1)[1]
    tampered = real[:-2] + ("AA" if real[-2:] != "AA" else "BB")
    for token in ("nonsense", "A" * 120, real[:30], tampered):
        page = client.get(f"/your-data/{token}")
        assert page.status_code == 404, token
        assert "This link does not work" in page.get_data(as_text=True)
        pressed = client.post(f"/ug/your-data/{token}", data={"csrf_token": _any_token(client)})
        assert pressed.status_code == 404, token


def _any_token(client) -> str:
    return csrf_token(client, local(your_data_url("someone@example.org")))


def test_a_link_cannot_be_turned_to_another_purpose(app, session):
    from campaign.tokens import make_sealed_token

    other = make_sealed_token("something-else", {"e": EMAIL})

    with pytest.raises(TokenError):
        address_in(other)
