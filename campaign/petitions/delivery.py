"""The confirmed signatures of a petition as CSV, for handing to its target.

Signers were told their email address is only for confirming and is never shown, so it is not
in this file: the delivery list is what the target receives. Rows stream from the database a
batch at a time, so a petition of millions exports with flat memory.
"""

from collections.abc import Iterator

from flask import Response
from sqlalchemy import Select, select

from campaign.countries import country_name
from campaign.csv_safety import Written, csv_download, csv_lines
from campaign.extensions import db
from campaign.petitions.models import CommentStatus, Petition, Signature, SignatureStatus

EXPORT_BATCH = 1000


def delivery_columns(petition: Petition) -> list[str]:
    """The CSV header: postcode only for petitions that asked for one."""
    columns = ["name", "country", "country_name"]
    if petition.ask_postcode:
        columns.append("postcode")
    return [*columns, "comment", "signed_at"]


def delivery_rows(petition: Petition) -> Iterator[tuple]:
    """One row a confirmed signature, in the order they were confirmed (streamed).

    What the rows need of the petition is read now: they are written after the request ended.
    """
    columns = [Signature.name, Signature.country]
    if petition.ask_postcode:
        columns.append(Signature.postcode)
    query = (
        select(*columns, Signature.comment, Signature.comment_status, Signature.confirmed_at)
        .where(Signature.petition_id == petition.id, Signature.status == SignatureStatus.CONFIRMED)
        .order_by(Signature.confirmed_at, Signature.id)
        .execution_options(yield_per=EXPORT_BATCH)
    )
    return _rows(query, petition.campaign.language)


def _rows(query: Select, language: str) -> Iterator[tuple]:
    # A download cut short closes these rows: the cursor with them, not later in a collection.
    with db.session.execute(query) as result:
        for row in result:
            name, country, *postcode, comment, comment_status, confirmed_at = row
            # Only comments a moderator approved go to the target; the rest stay private.
            shown = comment if comment_status == CommentStatus.APPROVED else ""
            yield (name, country, country_name(country, language), *postcode, shown, confirmed_at)


def delivery_csv(petition: Petition) -> Iterator[str]:
    """The delivery CSV a line at a time, every cell neutralised against formulas."""
    return csv_lines(delivery_columns(petition), delivery_rows(petition))


def delivery_download(petition: Petition, written: Written | None = None) -> Response:
    """The delivery CSV as a download, every cell neutralised against formulas; `written` is
    told how many rows went out (see csv_safety.counted)."""
    return csv_download(
        f"{petition.slug}-signatures",
        delivery_columns(petition),
        delivery_rows(petition),
        written,
    )
