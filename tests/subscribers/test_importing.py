import io

import pytest
from sqlalchemy import func, select

from campaign.subscribers.importing import ImportFileError, import_subscribers
from campaign.subscribers.models import Subscriber, SubscriberStatus
from tests.factories.subscribers import find_subscriber, make_subscriber
from tests.helpers import csrf_token

GOOD = (
    "email,name,language,consent,consent_text,source\n"
    "Ana@Example.org,Ana,ug,yes,Yes please,stall at the march\n"
    "ben@example.org,Ben,,TRUE,,\n"
    "cy@example.org,,en,1,,\n"
)


def count_subscribers(session) -> int:
    return session.scalar(select(func.count()).select_from(Subscriber))


def run_import(text: str, filename: str = "march.csv"):
    return import_subscribers(io.StringIO(text, newline=""), filename)


def test_rows_with_consent_become_active_with_an_import_consent_record(session):
    report = run_import(GOOD, "/home/organiser/lists/march.csv")

    assert report.written and report.rows == 3 and len(report.imported) == 3
    ana = find_subscriber("ana@example.org")
    assert ana.status == SubscriberStatus.ACTIVE
    assert (ana.name, ana.language) == ("Ana", "ug")
    assert ana.consent_source == "import:march.csv (stall at the march)"
    assert ana.consent_text == "Yes please"
    assert ana.consent_at is not None
    assert ana.confirmed_at is None  # never confirmed with us, and the record says so
    ben = find_subscriber("ben@example.org")
    assert ben.consent_source == "import:march.csv"
    assert ben.language == "en"
    assert ben.consent_text  # a default wording, never empty


def test_one_refused_row_means_nothing_is_imported_and_each_line_is_reported(session):
    text = (
        "email,consent\n"
        "ok@example.org,yes\n"
        "no-consent@example.org,no\n"
        "blank@example.org,\n"
        "not-an-address,yes\n"
        "ok@example.org,yes\n"
        "odd@example.org,maybe\n"
    )

    report = run_import(text)

    assert not report.written
    assert [(problem.line, problem.reason) for problem in report.refused] == [
        (3, "No consent: the consent column does not say yes."),
        (4, "No consent: the consent column does not say yes."),
        (5, "Enter a valid email address, like name@example.org."),
        (6, "The same address is on line 2."),
        (7, "The consent column says “maybe”; write yes or no."),
    ]
    assert count_subscribers(session) == 0


def test_people_already_on_the_list_are_left_as_they_are_and_reported(session):
    active = make_subscriber(email="ana@example.org", name="Ana Original")
    left = make_subscriber(SubscriberStatus.UNSUBSCRIBED, email="ben@example.org")
    waiting = make_subscriber(SubscriberStatus.PENDING, email="cy@example.org")

    report = run_import(GOOD)

    assert report.written
    assert [(problem.line, problem.reason) for problem in report.kept] == [
        (2, "Already subscribed; left as they are."),
        (3, "Unsubscribed earlier; an import does not bring them back."),
    ]
    assert [row.email for row in report.imported] == ["cy@example.org"]
    assert active.name == "Ana Original" and active.consent_source == "subscribe-form"
    assert left.status == SubscriberStatus.UNSUBSCRIBED
    assert waiting.status == SubscriberStatus.ACTIVE
    assert waiting.consent_source == "import:march.csv"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty"),
        ("name,language\nAna,en\n", "The file has no email or consent column"),
        ("email,name\nana@example.org,Ana\n", "The file has no consent column"),
        ("email,consent\n", "has no rows to import"),
    ],
)
def test_a_file_without_the_needed_columns_is_refused_as_a_whole(session, text, message):
    with pytest.raises(ImportFileError, match=message):
        run_import(text)


def test_headers_are_matched_loosely_and_blank_lines_skipped(session):
    report = run_import(" Email , CONSENT \n\nana@example.org , Yes \n\n")

    assert report.written and len(report.imported) == 1


# The command


def write(tmp_path, text: str, name: str = "list.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return str(path)


def test_command_imports_with_a_progress_bar_and_prints_the_report(app, session, tmp_path):
    path = write(tmp_path, "\ufeff" + GOOD)  # with the BOM spreadsheets write

    result = app.test_cli_runner().invoke(args=["import", "subscribers", path])

    assert result.exit_code == 0, result.output
    assert "Importing" in result.output
    assert "3 of 3 rows imported as active subscribers; 0 already on the list." in result.output
    assert find_subscriber("ana@example.org").consent_source.startswith("import:list.csv")


def test_command_with_refused_rows_imports_nothing_and_exits_1(app, session, tmp_path):
    path = write(tmp_path, "email,consent\nana@example.org,yes\nben@example.org,no\n")

    result = app.test_cli_runner().invoke(args=["import", "subscribers", path])

    assert result.exit_code == 1
    assert "line 3: ben@example.org: refused: No consent" in result.output
    assert "Nothing was imported: 1 of 2 rows were refused." in result.output
    assert count_subscribers(session) == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "Error: Cannot read "),
        ("email,name\nana@example.org,Ana\n", "Error: The file has no consent column"),
        (b"email,consent\n\xff\xfe,yes\n", "Error: The file is not UTF-8 text"),
        ('email,consent\n"ana@example.org,yes\n', "Error: Line 2 of the file is not CSV"),
    ],
)
def test_command_on_a_bad_file_exits_2_with_one_line(app, session, tmp_path, content, message):
    path = tmp_path / "bad.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)

    result = app.test_cli_runner().invoke(args=["import", "subscribers", str(path)])

    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), result.output
    assert count_subscribers(session) == 0


# The console's upload form


def upload(client, text: str, filename: str = "march.csv"):
    data = {
        "csrf_token": csrf_token(client, "/admin/subscribers/import"),
        "file": (io.BytesIO(text.encode()), filename),
    }
    return client.post("/admin/subscribers/import", data=data, content_type="multipart/form-data")


def test_console_import_reports_and_commits(client, auth, session):
    auth.sign_in()

    response = upload(client, GOOD)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<bdi>march.csv</bdi>: 3 imported" in html
    assert find_subscriber("ben@example.org").status == SubscriberStatus.ACTIVE


def test_console_import_with_a_refused_row_imports_nothing(client, auth, session):
    auth.sign_in()

    response = upload(client, "email,consent\nana@example.org,yes\nben@example.org,no\n")

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<bdi>march.csv</bdi>: nothing was imported" in html
    assert "<td>3</td><td>ben@example.org</td><td>No consent" in html
    assert count_subscribers(session) == 0


def test_console_import_refuses_a_file_without_columns_beside_the_field(client, auth, session):
    auth.sign_in()

    response = upload(client, "name\nAna\n")

    assert response.status_code == 400
    assert "The file has no email or consent column" in response.get_data(as_text=True)


def test_console_import_needs_a_csv_file(client, auth, session):
    auth.sign_in()

    response = upload(client, "email,consent\n", filename="list.xlsx")

    assert response.status_code == 400
    assert "The file must be a .csv file." in response.get_data(as_text=True)
