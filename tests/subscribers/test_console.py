import csv
import io

import pytest

from campaign.csv_safety import csv_lines, neutralise
from campaign.subscribers.models import SubscriberStatus
from tests.factories.content import make_campaign
from tests.factories.subscribers import make_subscriber


def test_subscriber_pages_need_a_signed_in_organiser(client, session):
    for path in (
        "/admin/subscribers/",
        "/admin/subscribers/export.csv",
        "/admin/subscribers/import",
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/admin/login?next="), path


def test_list_shows_counts_by_status_and_filters_by_status(client, session, organiser):
    campaign = make_campaign(title="Free them")
    make_subscriber(email="ana@example.org", campaign_id=campaign.id)
    make_subscriber(email="ben@example.org")
    make_subscriber(SubscriberStatus.PENDING, email="cy@example.org")
    make_subscriber(SubscriberStatus.UNSUBSCRIBED, email="di@example.org")

    html = client.get("/admin/subscribers/").get_data(as_text=True)
    pending_only = client.get("/admin/subscribers/?status=pending").get_data(as_text=True)

    assert '<a href="/admin/subscribers/?status=active">2</a>' in html
    assert '<a href="/admin/subscribers/?status=pending">1</a>' in html
    assert '<a href="/admin/subscribers/">4</a>' in html
    assert "Free them" in html
    assert "cy@example.org" in pending_only
    assert "ana@example.org" not in pending_only


def test_search_matches_part_of_an_email_or_a_name(client, session, organiser):
    make_subscriber(email="maya@example.org", name="Maya")
    make_subscriber(email="other@example.org", name="Tom Mayall")
    make_subscriber(email="nobody@example.org", name="Zed")

    html = client.get("/admin/subscribers/?q=MAYA").get_data(as_text=True)
    percent = client.get("/admin/subscribers/?q=%25").get_data(as_text=True)

    assert "maya@example.org" in html and "other@example.org" in html
    assert "nobody@example.org" not in html
    assert "No subscriber matches." in percent  # % is a character here, not a wildcard


def test_list_pages_fifty_at_a_time(client, session, organiser):
    for number in range(51):
        make_subscriber(email=f"p{number:02}@example.org")

    first = client.get("/admin/subscribers/?status=active").get_data(as_text=True)
    second = client.get("/admin/subscribers/?status=active&page=2").get_data(as_text=True)

    assert "Subscribers 1–50 of 51" in first  # noqa: RUF001 (an en dash)
    assert 'href="/admin/subscribers/?page=2&amp;status=active" rel="next"' in first
    assert "Subscribers 51–51 of 51" in second  # noqa: RUF001
    assert first.count("@example.org</td>") == 50
    assert second.count("@example.org</td>") == 1


def test_unknown_status_filter_shows_everyone(client, session, organiser):
    make_subscriber(email="ana@example.org")

    response = client.get("/admin/subscribers/?status=nonsense")

    assert response.status_code == 200
    assert "ana@example.org" in response.get_data(as_text=True)


def test_export_has_every_column_and_the_consent_record(client, session, organiser):
    campaign = make_campaign(slug="free-them")
    subscriber = make_subscriber(
        email="ana@example.org",
        name="Ana",
        language="ug",
        campaign_id=campaign.id,
        consent_source="subscribe-form:free-them",
        consent_text="Send me email updates.",
    )

    response = client.get("/admin/subscribers/export.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="subscribers-')
    assert response.headers["Cache-Control"] == "no-store"
    [row] = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert row == {
        "email": "ana@example.org",
        "name": "Ana",
        "language": "ug",
        "status": "active",
        "campaign": "free-them",
        "consent_source": "subscribe-form:free-them",
        "consent_text": "Send me email updates.",
        "consent_at": subscriber.consent_at.isoformat(),
        "confirmed_at": subscriber.confirmed_at.isoformat(),
        "unsubscribed_at": "",
        "created_at": subscriber.created_at.isoformat(),
    }


def test_export_follows_the_filters(client, session, organiser):
    make_subscriber(email="ana@example.org")
    make_subscriber(SubscriberStatus.UNSUBSCRIBED, email="ben@example.org")

    body = client.get("/admin/subscribers/export.csv?status=unsubscribed").get_data(as_text=True)

    assert "ben@example.org" in body and "ana@example.org" not in body


def test_export_neutralises_cells_that_a_spreadsheet_would_run(client, session, organiser):
    names = ['=HYPERLINK("https://evil.example","Click")', "+1", "-2", "@SUM(A1)", "\tx"]
    for number, name in enumerate(names):
        make_subscriber(email=f"f{number}@example.org", name=name)

    body = client.get("/admin/subscribers/export.csv").get_data(as_text=True)

    exported = {row["name"] for row in csv.DictReader(io.StringIO(body))}
    assert exported == {"'" + name for name in names}


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-", "'-"),
        ("@cmd", "'@cmd"),
        ("\r=1", "'\r=1"),
        ("Ana = Ben", "Ana = Ben"),
        ("", ""),
        (None, ""),
        (12, "12"),
    ],
)
def test_neutralise_quotes_only_what_starts_like_a_formula(value, cell):
    assert neutralise(value) == cell


def test_csv_lines_streams_a_header_then_one_line_a_row():
    lines = list(csv_lines(["a", "b"], [("=x", "y"), ("1", None)]))

    assert lines == ["a,b\r\n", "'=x,y\r\n", "1,\r\n"]
