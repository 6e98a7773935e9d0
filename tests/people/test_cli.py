"""`flask people export EMAIL` and `flask people erase EMAIL --yes`: JSON out, counts out,
and a bad or unknown address exits 2 with one line."""

import json

import pytest

from campaign.audit.models import AuditEntry
from campaign.people.erased import is_erased
from tests.factories.petitions import make_petition, make_signature
from tests.factories.subscribers import make_subscriber
from tests.people.held import EMAIL, NAME


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def someone(session):
    make_subscriber(email=EMAIL, name=NAME)
    make_signature(make_petition(), email=EMAIL, name=NAME)
    session.commit()


def test_export_prints_the_json_and_is_audited(runner, someone, session):
    result = runner.invoke(args=["people", "export", EMAIL.upper()])

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["email"], data["subscriber"]["name"]) == (EMAIL, NAME)
    assert len(data["signatures"]) == 1
    entry = session.query(AuditEntry).one()
    assert (entry.action, entry.rows, entry.detail) == ("export person", 2, "command line")
    assert EMAIL not in entry.detail


def test_erase_needs_yes_then_erases_and_prints_the_counts(runner, someone, session):
    refused = runner.invoke(args=["people", "erase", EMAIL])
    assert refused.exit_code == 2
    assert refused.output.strip().count("\n") == 0
    assert "--yes" in refused.output
    assert not is_erased(EMAIL)

    result = runner.invoke(args=["people", "erase", EMAIL, "--yes"])

    assert result.exit_code == 0, result.output
    assert "subscribers: 1 deleted, 0 anonymised" in result.output
    assert "signatures: 0 deleted, 1 anonymised" in result.output
    assert is_erased(EMAIL)
    entry = session.query(AuditEntry).one()
    assert (entry.action, entry.rows) == ("erase person", 2)
    assert entry.detail == "command line: subscribers 1 deleted; signatures 1 anonymised"


@pytest.mark.parametrize("command", [["export"], ["erase", "--yes"]])
@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("not an address", "Error: Enter a valid email address, like name@example.org."),
        ("", "Error: Enter a valid email address, like name@example.org."),
        ("nobody@example.org", "Error: Nothing is held about that address."),
    ],
)
def test_a_bad_or_unknown_address_exits_2_with_one_line(runner, session, command, address, message):
    result = runner.invoke(args=["people", command[0], address, *command[1:]])

    assert result.exit_code == 2
    assert result.output == message + "\n"
    assert session.query(AuditEntry).count() == 0


def test_an_erased_address_is_unknown_afterwards(runner, someone):
    runner.invoke(args=["people", "erase", EMAIL, "--yes"])

    again = runner.invoke(args=["people", "export", EMAIL])

    assert (again.exit_code, again.output) == (2, "Error: Nothing is held about that address.\n")
