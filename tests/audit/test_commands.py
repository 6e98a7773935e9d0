"""What the commands do to supporters' data is in the audit trail too, by no organiser."""

from campaign.audit.models import AuditEntry
from tests.audit.entries import assert_no_supporter_in_the_trail, entries
from tests.factories.donations import make_appeal, make_donation
from tests.factories.petitions import make_petition, make_signature
from tests.factories.subscribers import make_subscriber
from tests.factories.updates import make_update


def recorded_by_a_command(session) -> set[tuple]:
    return {(entry.actor_id, entry.actor, entry.detail[:12]) for entry in session.query(AuditEntry)}


def test_exports_from_the_command_line_record_the_rows_printed(app, session):
    petition = make_petition(slug="deliver-me")
    make_signature(petition, name="Aynur Tursun", email="aynur@example.net")
    make_signature(petition, name="Bilal Kerim", email="bilal@example.net")
    appeal = make_appeal(slug="fund")
    make_donation(appeal, donor_email="giver@example.net", donor_name="Gulzar")
    session.commit()
    runner = app.test_cli_runner()

    signatures = runner.invoke(args=["export", "signatures", "deliver-me"])
    donations = runner.invoke(args=["export", "donations", "--appeal", "fund"])

    assert (signatures.exit_code, donations.exit_code) == (0, 0)
    assert entries() == [
        ("export signatures", "petition", petition.id, 2),
        ("export donations", "appeal", appeal.id, 1),
    ]
    assert recorded_by_a_command(session) == {(None, "", "command line")}
    assert_no_supporter_in_the_trail()


def test_an_import_from_the_command_line_records_the_rows_imported(app, session, tmp_path):
    make_subscriber(email="already@example.net")
    path = tmp_path / "list.csv"
    path.write_text("email,consent\nnew@example.net,yes\nalready@example.net,yes\n")

    result = app.test_cli_runner().invoke(args=["import", "subscribers", str(path)])

    assert result.exit_code == 0, result.output
    assert entries() == [("import subscribers", "", None, 1)]
    assert session.query(AuditEntry).one().detail == "command line; 1 already on the list"
    assert_no_supporter_in_the_trail()


def test_sending_from_the_command_line_records_who_it_goes_to(app, session, app_settings, tmp_path):
    app_settings(MAIL_FILE_DIR=str(tmp_path))
    make_subscriber(email="reader@example.net")
    update = make_update(slug="from-the-cli")
    session.commit()
    runner = app.test_cli_runner()

    first = runner.invoke(args=["mailer", "send", "from-the-cli"])
    again = runner.invoke(args=["mailer", "send", "from-the-cli"])  # sent: nothing to record

    assert (first.exit_code, again.exit_code) == (0, 0), first.output
    assert entries() == [("send update", "update", update.id, 1)]
    assert recorded_by_a_command(session) == {(None, "", "command line")}
