"""Reading the audit trail in tests: its entries, and a search of it for supporters' data."""

from sqlalchemy import or_, select

from campaign.audit.models import AuditEntry
from campaign.donations.models import Donation
from campaign.extensions import db
from campaign.petitions.models import Signature
from campaign.subscribers.models import Subscriber

# Signing in and proving it is you again are the accounts' own entries, tested there; the
# tests of what organisers do once signed in leave them out.
SIGNING_IN = ("sign-in", "second factor", "check again")
_THEIRS = or_(*(AuditEntry.action.startswith(start) for start in SIGNING_IN))


def entries() -> list[tuple]:
    """Every entry but signing in, as (action, object_kind, object_id, rows), oldest first."""
    query = (
        select(AuditEntry.action, AuditEntry.object_kind, AuditEntry.object_id, AuditEntry.rows)
        .where(~_THEIRS)
        .order_by(AuditEntry.id)
    )
    return [tuple(row) for row in db.session.execute(query)]


def last_entry() -> AuditEntry:
    """The newest entry but signing in."""
    query = select(AuditEntry).where(~_THEIRS).order_by(AuditEntry.id.desc()).limit(1)
    entry = db.session.scalar(query)
    assert entry is not None, "the audit trail is empty"
    return entry


def supporters_words() -> set[str]:
    """Every supporter's address and name the database holds (signers, subscribers, donors)."""
    words = set()
    for query in (
        select(Signature.email, Signature.name),
        select(Subscriber.email, Subscriber.name),
        select(Donation.donor_email, Donation.donor_name),
    ):
        for row in db.session.execute(query):
            words.update(each for each in row if each)
    return words


def assert_no_supporter_in_the_trail() -> None:
    """No cell of the audit table holds a supporter's address or name."""
    words = supporters_words()
    assert words, "the test made no supporter to look for"
    cells = [
        str(cell)
        for row in db.session.execute(select(AuditEntry.__table__))
        for cell in row
        if cell is not None
    ]
    found = {word for word in words for cell in cells if word in cell}
    assert not found, f"supporters' data in the audit trail: {sorted(found)}"
