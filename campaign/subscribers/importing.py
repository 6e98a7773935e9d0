"""Import subscribers from a CSV file with a consent column: all of it, or none of it.

Every row is checked before anything is written. If any row is refused (no consent, not an
email address, a duplicate line), nothing is imported and the report names each refused line,
so the organiser fixes the file and imports it again; a half-imported list would leave them
guessing which rows made it. People already on the list are left as they are: an import never
brings back someone who unsubscribed, and never overrides a bounce or a complaint. An address
erased at its owner's request is left out too, until they sign up again themselves.
"""

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import IO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from campaign.addresses import InvalidEmail, checked_email
from campaign.db import utcnow
from campaign.extensions import db
from campaign.form_fields import LANGUAGE_TAG, MAX_LANGUAGE_LENGTH
from campaign.people.erased import erased_among
from campaign.subscribers.models import Subscriber, SubscriberStatus

REQUIRED_COLUMNS = ("email", "consent")
KNOWN_COLUMNS = (*REQUIRED_COLUMNS, "name", "language", "consent_text", "source")
YES = frozenset({"yes", "y", "true", "1"})
NO = frozenset({"no", "n", "false", "0", ""})
LOOKUP_BATCH = 500
DEFAULT_CONSENT_TEXT = "Consent recorded by the list's owner before import."


class ImportFileError(ValueError):
    """A file we cannot read as a subscriber list at all; the message is one sentence, in the
    console's language (the command's is the default one)."""


@dataclass(frozen=True)
class Row:
    line: int
    email: str
    name: str
    language: str
    consent_text: str
    source: str


@dataclass(frozen=True)
class Problem:
    line: int
    email: str
    reason: str  # a sentence in the console's language


@dataclass
class ImportReport:
    filename: str
    rows: int = 0
    imported: list[Row] = field(default_factory=list)  # new, or pending until now
    kept: list[Problem] = field(default_factory=list)  # on the list (or erased): left alone
    refused: list[Problem] = field(default_factory=list)

    @property
    def written(self) -> bool:
        """True when the rows were imported; False when refused rows stopped the import."""
        return not self.refused


def clean_language(value: str | None, fallback: str = "en") -> str:
    """A language tag from the file, or `fallback` when it is not a plausible one."""
    value = (value or "").strip()
    return value if len(value) <= MAX_LANGUAGE_LENGTH and LANGUAGE_TAG.match(value) else fallback


def source_name(filename: str) -> str:
    """The file's own name, without any folder, as it goes into the consent record."""
    return PurePath(filename.replace("\\", "/")).name[:150] or "upload.csv"


def _missing_columns(missing: list[str]) -> str:
    known = ", ".join(KNOWN_COLUMNS)
    if len(missing) == 1:
        return _(
            "The file has no %(column)s column; its first line must name the columns (%(known)s).",
            column=missing[0],
            known=known,
        )
    return _(
        "The file has no %(first)s or %(second)s column; its first line must name the columns "
        "(%(known)s).",
        first=missing[0],
        second=missing[1],
        known=known,
    )


def _reader(stream: IO[str]) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.reader(stream, strict=True)
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise ImportFileError(_("The file is empty: its first line must name the columns."))
        columns = [cell.strip().lower() for cell in header]
        missing = [name for name in REQUIRED_COLUMNS if name not in columns]
        if missing:
            raise ImportFileError(_missing_columns(missing))
        for values in reader:
            if not any(value.strip() for value in values):
                continue  # blank lines are not rows
            cells = dict(zip(columns, (value.strip() for value in values), strict=False))
            yield reader.line_num, cells
    except UnicodeDecodeError:
        raise ImportFileError(
            _(
                "The file is not UTF-8 text: save it as “CSV UTF-8” in your spreadsheet and try "
                "again."
            )
        ) from None
    except csv.Error as error:
        raise ImportFileError(
            _(
                "Line %(line)s of the file is not CSV (%(error)s).",
                line=reader.line_num,
                error=error,
            )
        ) from None


def check_file(stream: IO[str], filename: str) -> tuple[ImportReport, list[Row]]:
    """Read and check every row; the report says what would be imported and what is refused."""
    report = ImportReport(filename=source_name(filename))
    rows: list[Row] = []
    first_line: dict[str, int] = {}
    for line, cells in _reader(stream):
        report.rows += 1
        typed = cells.get("email", "")
        consent = cells.get("consent", "").lower()
        try:
            email = checked_email(typed)
        except InvalidEmail as error:
            report.refused.append(Problem(line, typed, str(error)))
            continue
        if consent not in YES:
            reason = (
                _("No consent: the consent column does not say yes.")
                if consent in NO
                else _(
                    "The consent column says “%(value)s”; write yes or no.", value=cells["consent"]
                )
            )
            report.refused.append(Problem(line, email, reason))
            continue
        if email in first_line:
            reason = _("The same address is on line %(line)s.", line=first_line[email])
            report.refused.append(Problem(line, email, reason))
            continue
        first_line[email] = line
        name = cells.get("name", "")
        if len(name) > 200:
            report.refused.append(Problem(line, email, _("The name is over 200 characters.")))
            continue
        rows.append(
            Row(
                line=line,
                email=email,
                name=name,
                language=clean_language(cells.get("language")),
                consent_text=cells.get("consent_text") or DEFAULT_CONSENT_TEXT,
                source=cells.get("source", ""),
            )
        )
    if report.rows == 0:
        raise ImportFileError(_("The file names its columns but has no rows to import."))
    return report, rows


def _existing(emails: list[str]) -> dict[str, Subscriber]:
    found: dict[str, Subscriber] = {}
    for start in range(0, len(emails), LOOKUP_BATCH):
        batch = emails[start : start + LOOKUP_BATCH]
        query = select(Subscriber).where(Subscriber.email.in_(batch))
        found.update({each.email: each for each in db.session.scalars(query)})
    return found


_KEPT_REASONS = {
    SubscriberStatus.ACTIVE: _l("Already subscribed; left as they are."),
    SubscriberStatus.UNSUBSCRIBED: _l("Unsubscribed earlier; an import does not bring them back."),
    SubscriberStatus.BOUNCED: _l("Email to this address bounced; left as they are."),
    SubscriberStatus.COMPLAINED: _l("This address reported our email as spam; left as they are."),
}


# Its owner asked for it to be erased: only they can put it back, by signing up themselves.
_ERASED_REASON = _l("Erased at its owner's request; only they can subscribe this address again.")


def import_subscribers(
    stream: IO[str], filename: str, progress: Callable[[int], None] | None = None
) -> ImportReport:
    """Check a whole file, then import its rows (flushes, no commit); none if any is refused."""
    report, rows = check_file(stream, filename)
    if not report.refused:
        write_rows(report, rows, progress)
    return report


def write_rows(
    report: ImportReport, rows: list[Row], progress: Callable[[int], None] | None = None
) -> None:
    """Make checked rows active subscribers, noting in `report` who was already on the list.

    `progress(1)` is called after each row.
    """
    existing = _existing([row.email for row in rows])
    erased = erased_among(row.email for row in rows)
    now = utcnow()
    source = f"import:{report.filename}"
    for done, row in enumerate(rows, start=1):
        subscriber = existing.get(row.email)
        if row.email in erased:
            report.kept.append(Problem(row.line, row.email, str(_ERASED_REASON)))
        elif subscriber is not None and subscriber.status != SubscriberStatus.PENDING:
            reason = str(_KEPT_REASONS[subscriber.status])
            report.kept.append(Problem(row.line, row.email, reason))
        else:
            if subscriber is None:
                subscriber = Subscriber(email=row.email)
                db.session.add(subscriber)
            subscriber.name = row.name or subscriber.name
            subscriber.language = row.language
            subscriber.status = SubscriberStatus.ACTIVE
            subscriber.consent_source = (f"{source} ({row.source})" if row.source else source)[:200]
            subscriber.consent_text = row.consent_text
            subscriber.consent_at = now
            # confirmed_at stays empty: the owner never confirmed this address with us.
            report.imported.append(row)
        if progress is not None:
            progress(1)
        if done % LOOKUP_BATCH == 0:
            db.session.flush()
    db.session.flush()
