"""The console's petition pages: list, create and edit (every refusal), close, reopen, stats."""

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from campaign.content.models import CampaignStatus
from campaign.db import utcnow
from campaign.petitions.counting import tally_all
from campaign.petitions.models import Petition, PetitionStatus, SignatureStatus
from tests.factories.content import make_campaign
from tests.factories.petitions import make_petition, make_signature
from tests.helpers import post_form

IN_A_MONTH = (utcnow() + timedelta(days=30)).date()


def petition_fields(campaign, **changes) -> dict:
    return {
        "campaign": str(campaign.id),
        "title": "Let investigators in",
        "slug": "let-investigators-in",
        "target": "The UN High Commissioner for Human Rights",
        "body": "We ask for **independent** access.",
        "goal": "5000",
        "closes_at": IN_A_MONTH.isoformat(),
        "ask_postcode": "y",
        "thank_you_text": "Tell one more person.",
        "status": "open",
    } | changes


def petition_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Petition))


def by_slug(session, slug: str) -> Petition | None:
    return session.scalar(select(Petition).where(Petition.slug == slug))


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/admin/petitions/"),
        ("get", "/admin/petitions/new"),
        ("get", "/admin/petitions/{id}"),
        ("get", "/admin/petitions/{id}/edit"),
        ("get", "/admin/petitions/{id}/comments"),
        ("get", "/admin/petitions/{id}/signatures"),
        ("get", "/admin/petitions/{id}/invalidate"),
        ("get", "/admin/petitions/{id}/export.csv"),
        ("post", "/admin/petitions/{id}/close"),
    ],
)
def test_petition_console_sends_visitors_to_sign_in(client, session, method, path):
    petition = make_petition()
    session.commit()
    path = path.format(id=petition.id)

    if method == "post":  # with a valid token, so only the sign-in guard can refuse
        response = post_form(client, path, {}, form_url="/admin/login")
    else:
        response = client.get(path)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login")
    if method == "get":
        assert response.headers["Location"] == f"/admin/login?next={quote(path, safe='')}"
    assert petition.status == PetitionStatus.OPEN


def test_console_nav_links_to_petitions_after_campaigns(client, auth, session):
    auth.sign_in()

    html = client.get("/admin/").get_data(as_text=True)

    campaigns = html.index('href="/admin/campaigns">Campaigns</a>')
    assert html.index('href="/admin/petitions/">Petitions</a>') > campaigns


def test_list_shows_every_petition_with_its_live_count_and_waiting_comments(client, auth, session):
    campaign = make_campaign(title="China Cables")
    petition = make_petition(campaign, title="Open the camps", goal=2500)
    draft = make_petition(campaign, title="Still a draft", status=PetitionStatus.DRAFT)
    for _ in range(3):
        make_signature(petition)
    make_signature(petition, comment="Because it matters.")
    make_signature(petition, confirmed=False)
    auth.sign_in()

    html = client.get("/admin/petitions/").get_data(as_text=True)

    assert f'href="/admin/petitions/{petition.id}">Open the camps</a>' in html
    assert f'href="/admin/petitions/{draft.id}">Still a draft</a>' in html
    assert "<td>China Cables</td>" in html
    assert "<td>4</td>" in html  # confirmed only, though none is tallied yet
    assert "<td>2,500</td>" in html
    assert f'href="/admin/petitions/{petition.id}/comments">1 to moderate</a>' in html


def test_editor_creates_a_petition(client, auth, session):
    campaign = make_campaign()
    auth.sign_in(role="editor")
    form = client.get("/admin/petitions/new").get_data(as_text=True)
    assert f'<option value="{campaign.id}">{campaign.title}</option>' in form
    assert 'type="datetime-local"' in form

    response = post_form(client, "/admin/petitions/new", petition_fields(campaign))

    petition = by_slug(session, "let-investigators-in")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/petitions/{petition.id}"
    assert petition.campaign_id == campaign.id
    assert petition.target == "The UN High Commissioner for Human Rights"
    assert "<strong>independent</strong>" in petition.body_html
    assert (petition.goal, petition.ask_postcode) == (5000, True)
    assert petition.thank_you_text == "Tell one more person."
    assert petition.status == PetitionStatus.OPEN
    # A date alone means the end of that day, in UTC.
    assert petition.closes_at == datetime.combine(
        IN_A_MONTH, datetime.max.time().replace(microsecond=0), tzinfo=UTC
    )
    assert client.get("/petitions/let-investigators-in").status_code == 200


def test_closing_date_with_a_time_is_read_as_utc_and_may_be_left_out(client, auth, session):
    campaign = make_campaign()
    auth.sign_in()

    post_form(
        client,
        "/admin/petitions/new",
        petition_fields(campaign, slug="timed", closes_at=f"{IN_A_MONTH.isoformat()}T18:30"),
    )
    post_form(
        client, "/admin/petitions/new", petition_fields(campaign, slug="open-ended", closes_at="")
    )

    timed = by_slug(session, "timed")
    assert timed.closes_at == datetime.combine(
        IN_A_MONTH, datetime.min.time().replace(hour=18, minute=30), tzinfo=UTC
    )
    assert by_slug(session, "open-ended").closes_at is None


def test_a_draft_petition_stays_off_the_site(client, auth, session):
    campaign = make_campaign()
    auth.sign_in()

    post_form(client, "/admin/petitions/new", petition_fields(campaign, status="draft"))

    assert by_slug(session, "let-investigators-in").status == PetitionStatus.DRAFT
    assert client.get("/petitions/let-investigators-in").status_code == 404


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"slug": "Not A Slug"}, "slug", "Use lowercase letters, digits and single hyphens"),
        ({"slug": ""}, "slug", "Enter a slug."),
        ({"title": " "}, "title", "Enter a title."),
        ({"target": ""}, "target", "Say who the petition is addressed to."),
        ({"body": ""}, "body", "Write what the petition asks for."),
        ({"goal": "0"}, "goal", "The goal must be between 1 and 1,000,000,000."),
        ({"goal": "-5"}, "goal", "The goal must be between 1 and 1,000,000,000."),
        ({"goal": "lots"}, "goal", "Enter the goal as a whole number, like 10000."),
        ({"goal": ""}, "goal", "Enter the goal as a whole number, like 10000."),
        ({"closes_at": "2020-01-01"}, "closes_at", "Choose a closing date in the future."),
        ({"closes_at": "next tuesday"}, "closes_at", "Enter a date like 2026-12-31"),
        ({"status": "closed"}, "status", "Not a valid choice"),
        ({"campaign": "999999"}, "campaign", "Not a valid choice"),
        ({"campaign": "none"}, "campaign", "Not a valid choice"),
    ],
)
def test_invalid_petition_fields_are_refused_beside_the_field(
    client, auth, session, changes, field, message
):
    campaign = make_campaign()
    auth.sign_in()
    before = petition_count(session)

    response = post_form(client, "/admin/petitions/new", petition_fields(campaign) | changes)

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'<p class="error" id="{field}-error">{message}' in html
    assert petition_count(session) == before


def test_duplicate_petition_slug_is_refused_when_creating_and_editing(client, auth, session):
    make_petition(slug="taken")
    mine = make_petition(slug="mine", title="Mine")
    campaign = make_campaign()
    auth.sign_in()
    before = petition_count(session)

    create = post_form(client, "/admin/petitions/new", petition_fields(campaign, slug="taken"))
    edit = post_form(
        client,
        f"/admin/petitions/{mine.id}/edit",
        petition_fields(campaign, slug="taken", title="Changed"),
    )

    for response in (create, edit):
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert 'id="slug-error">Another petition already uses this slug' in html
    assert (mine.slug, mine.title) == ("mine", "Mine")
    assert petition_count(session) == before


def test_editing_changes_every_field_and_keeps_its_own_slug(client, auth, session):
    petition = make_petition(slug="keep-me", title="Old", goal=100, status=PetitionStatus.DRAFT)
    other_campaign = make_campaign(title="Other")
    auth.sign_in()
    url = f"/admin/petitions/{petition.id}/edit"
    form = client.get(url).get_data(as_text=True)
    assert 'value="Old"' in form
    assert f'<option selected value="{petition.campaign_id}">' in form

    response = post_form(
        client,
        url,
        petition_fields(
            other_campaign,
            slug="keep-me",
            title="New",
            goal="250",
            body="New *words*.",
            ask_postcode="",
            closes_at="",
        ),
    )

    assert response.status_code == 303
    assert (petition.title, petition.goal, petition.campaign_id) == ("New", 250, other_campaign.id)
    assert "<em>words</em>" in petition.body_html
    assert petition.ask_postcode is False
    assert petition.closes_at is None
    assert petition.status == PetitionStatus.OPEN


def test_edit_shows_the_saved_closing_date_and_saving_it_unchanged_keeps_it(client, auth, session):
    closes_at = datetime(2031, 5, 4, 23, 59, 59, tzinfo=UTC)
    petition = make_petition(closes_at=closes_at)
    auth.sign_in()
    url = f"/admin/petitions/{petition.id}/edit"

    assert 'value="2031-05-04T23:59:59"' in client.get(url).get_data(as_text=True)
    fields = petition_fields(petition.campaign, slug=petition.slug, closes_at="2031-05-04T23:59:59")
    assert post_form(client, url, fields).status_code == 303
    assert petition.closes_at == closes_at


def test_a_past_closing_date_already_saved_may_stay_but_not_be_set_anew(client, auth, session):
    past = utcnow().replace(microsecond=0) - timedelta(days=3)
    ended = make_petition(closes_at=past, status=PetitionStatus.CLOSED, closed_at=past)
    auth.sign_in()
    url = f"/admin/petitions/{ended.id}/edit"
    form = client.get(url).get_data(as_text=True)
    assert 'name="status"' not in form  # reopened with its own button
    unchanged = petition_fields(
        ended.campaign,
        slug=ended.slug,
        title="Typo fixed",
        closes_at=past.replace(tzinfo=None).isoformat(),
    )
    unchanged.pop("status")

    assert post_form(client, url, unchanged).status_code == 303
    assert (ended.title, ended.closes_at, ended.status) == ("Typo fixed", past, "closed")

    moved = unchanged | {"closes_at": (past - timedelta(days=1)).date().isoformat()}
    response = post_form(client, url, moved)
    assert response.status_code == 400
    assert "Choose a closing date in the future." in response.get_data(as_text=True)


def test_opening_a_draft_whose_closing_date_passed_is_refused(client, auth, session):
    past = utcnow().replace(microsecond=0) - timedelta(days=1)
    draft = make_petition(status=PetitionStatus.DRAFT, closes_at=past)
    auth.sign_in()

    response = post_form(
        client,
        f"/admin/petitions/{draft.id}/edit",
        petition_fields(
            draft.campaign, slug=draft.slug, closes_at=past.replace(tzinfo=None).isoformat()
        ),
    )

    assert response.status_code == 400
    assert 'id="closes_at-error">Choose a closing date in the future.' in response.get_data(
        as_text=True
    )
    assert draft.status == PetitionStatus.DRAFT


def test_new_petition_page_asks_for_a_campaign_first_when_there_is_none(client, auth, session):
    auth.sign_in()

    html = client.get("/admin/petitions/new").get_data(as_text=True)

    assert "Create a campaign</a> first" in html


def test_close_and_reopen(client, auth, session):
    petition = make_petition(title="Act now")
    auth.sign_in()
    page = f"/admin/petitions/{petition.id}"

    closed = post_form(client, f"{page}/close", {}, form_url=page)

    assert closed.status_code == 303
    assert petition.status == PetitionStatus.CLOSED
    assert utcnow() - petition.closed_at < timedelta(minutes=1)
    assert "is closed and no longer takes signatures" in client.get(page).get_data(as_text=True)
    assert "This petition is closed" in client.get(f"/petitions/{petition.slug}").get_data(
        as_text=True
    )

    reopened = post_form(client, f"{page}/reopen", {"closes_at": ""}, form_url=page)

    assert reopened.status_code == 303
    assert (petition.status, petition.closed_at) == (PetitionStatus.OPEN, None)
    assert client.get(f"/petitions/{petition.slug}.json").get_json()["status"] == "open"


def test_closing_twice_or_closing_a_draft_is_refused_with_a_message(client, auth, session):
    closed = make_petition(status=PetitionStatus.CLOSED, closed_at=utcnow())
    draft = make_petition(status=PetitionStatus.DRAFT)
    auth.sign_in()

    for petition, message in (
        (closed, "This petition is already closed."),
        (draft, "A draft is not open, so there is nothing to close."),
    ):
        page = f"/admin/petitions/{petition.id}"
        response = post_form(client, f"{page}/close", {}, form_url="/admin/petitions/")
        assert response.status_code == 303
        assert message in client.get(page).get_data(as_text=True)
    assert draft.status == PetitionStatus.DRAFT


def test_reopening_after_the_closing_date_passed_needs_a_new_future_date(client, auth, session):
    past = utcnow() - timedelta(days=2)
    petition = make_petition(closes_at=past, status=PetitionStatus.CLOSED, closed_at=past)
    auth.sign_in()
    page = f"/admin/petitions/{petition.id}"

    without = post_form(client, f"{page}/reopen", {"closes_at": ""}, form_url=page)
    in_the_past = post_form(client, f"{page}/reopen", {"closes_at": "2020-02-02"}, form_url=page)

    assert without.status_code == 400
    assert (
        'id="closes_at-error">Its closing date has passed: choose a new closing date to reopen'
        in without.get_data(as_text=True)
    )
    assert in_the_past.status_code == 400
    assert "Choose a closing date in the future." in in_the_past.get_data(as_text=True)
    assert petition.status == PetitionStatus.CLOSED

    new_date = (utcnow() + timedelta(days=10)).date()
    done = post_form(client, f"{page}/reopen", {"closes_at": new_date.isoformat()}, form_url=page)

    assert done.status_code == 303
    assert petition.status == PetitionStatus.OPEN
    assert petition.closes_at.date() == new_date
    assert petition.closed_at is None


def test_a_petition_past_its_date_but_never_closed_reopens_with_a_new_date(client, auth, session):
    petition = make_petition(closes_at=utcnow() - timedelta(hours=1))
    auth.sign_in()
    page = f"/admin/petitions/{petition.id}"
    html = client.get(page).get_data(as_text=True)
    assert "closing date passed" in html and "Reopen the petition" in html

    new_date = (utcnow() + timedelta(days=3)).replace(microsecond=0)
    fields = {"closes_at": new_date.replace(tzinfo=None).isoformat()}
    response = post_form(client, f"{page}/reopen", fields, form_url=page)

    assert response.status_code == 303
    assert petition.closes_at == new_date
    assert not petition.is_closed()


def test_reopening_an_open_petition_is_refused(client, auth, session):
    petition = make_petition()
    auth.sign_in()
    page = f"/admin/petitions/{petition.id}"

    response = post_form(client, f"{page}/reopen", {"closes_at": ""}, form_url=page)

    assert response.status_code == 303
    assert "This petition is open already." in client.get(page).get_data(as_text=True)


def test_stats_page_counts_by_status_day_country_and_source(client, auth, session):
    campaign = make_campaign(status=CampaignStatus.LIVE)
    petition = make_petition(campaign)
    now = utcnow()
    yesterday = now - timedelta(days=1)
    make_signature(petition, country="DE", source="newsletter", utm={"utm_source": "mastodon"})
    make_signature(petition, country="DE", source="newsletter", confirmed_at=yesterday)
    make_signature(petition, country="FR", confirmed_at=yesterday, comment="Yes.")
    make_signature(petition, country="FR", confirmed_at=now - timedelta(days=45))
    make_signature(petition, confirmed=False, country="JP")
    make_signature(petition, country="GB", status=SignatureStatus.INVALIDATED)
    tally_all()
    auth.sign_in()

    html = client.get(f"/admin/petitions/{petition.id}").get_data(as_text=True)

    assert "<dt>Confirmed (counted)</dt><dd><strong>4</strong>" in html
    assert "<dt>Waiting for email confirmation</dt><dd>1</dd>" in html
    assert "<dt>Invalidated</dt><dd>1</dd>" in html
    days = dict(re.findall(r'<time datetime="([\d-]+)">[^<]+</time></td>\s*<td>(\d+)</td>', html))
    assert len(days) == 30
    assert (days[now.date().isoformat()], days[yesterday.date().isoformat()]) == ("1", "2")
    assert sum(int(n) for n in days.values()) == 3  # the one 45 days ago is out of range
    assert html.count('<rect class="chart-bar"') == 30  # a column a day, empty days too
    assert "<tr><td>Germany</td><td>DE</td><td>2</td></tr>" in html
    assert "<tr><td>France</td><td>FR</td><td>2</td></tr>" in html
    assert "Japan" not in html and "United Kingdom" not in html
    assert "<tr><td>newsletter</td><td>2</td></tr>" in html
    assert "<tr><td><em>none given</em></td><td>2</td></tr>" in html
    assert "<tr><td>mastodon</td><td>1</td></tr>" in html
    assert "<dt>Comments waiting</dt>" in html


def test_unknown_petition_is_not_found_in_the_console(client, auth, session):
    auth.sign_in()

    assert client.get("/admin/petitions/999999").status_code == 404
    assert client.get("/admin/petitions/999999/edit").status_code == 404
