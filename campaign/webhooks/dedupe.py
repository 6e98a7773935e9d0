"""Each provider event is processed once, however often (or concurrently) it is delivered.

An event that cannot be applied (a value of the wrong shape, or an error while applying it)
is recorded with that outcome and the reason, logged, and acknowledged like any other: the
provider's retries would bring the same event again, and the rest of a batch must not wait.
"""

import hashlib
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError

from campaign.extensions import db
from campaign.webhooks.fields import Fields, UnusableEvent
from campaign.webhooks.models import Outcome, WebhookEvent

log = logging.getLogger(__name__)

MAX_EVENT_ID_LENGTH = 200  # webhook_events.event_id
MAX_EVENT_TYPE_LENGTH = 80  # webhook_events.event_type
MAX_REASON_LENGTH = 300  # webhook_events.reason


@dataclass(frozen=True)
class Identity:
    """What an event is recorded as: its id (or a digest), its type, and why it is unusable."""

    event_id: str
    event_type: str
    problem: str | None


def identify(
    event: object,
    id_key: str,
    type_key: str,
    content: Callable[[], bytes],
    *,
    id_required: bool = True,
) -> Identity:
    """The event's id and type as the provider gave them. Without a usable id, the event is
    recorded by a digest of its `content`, so a re-delivery is still recognised, and it is
    unusable only if `id_required`."""
    try:
        fields = Fields(event, "event")
    except UnusableEvent as unusable:
        return Identity(_digest(content()), "", str(unusable))
    event_id, id_problem = _identifier(fields, id_key, MAX_EVENT_ID_LENGTH)
    event_type, type_problem = _identifier(fields, type_key, MAX_EVENT_TYPE_LENGTH)
    problem = (id_problem if id_required else None) or type_problem
    return Identity(event_id or _digest(content()), event_type or "", problem)


def _identifier(fields: Fields, key: str, max_length: int) -> tuple[str | None, str | None]:
    try:
        value = fields.text(key, max_length)
    except UnusableEvent as unusable:
        return None, str(unusable)
    return value, None if value else f"{fields.path}.{key} is missing"


def _digest(content: bytes) -> str:
    return "sha256:" + hashlib.sha256(content).hexdigest()


def first_delivery(provider: str, event_id: str, event_type: str) -> WebhookEvent | None:
    """Record the event's id; None when it was recorded before (here or by a racing request)."""
    record = WebhookEvent(provider=provider, event_id=event_id, event_type=event_type)
    try:
        # A SAVEPOINT, so a duplicate only undoes this insert. On PostgreSQL a concurrent
        # delivery of the same event waits on the unique index, then lands here.
        with db.session.begin_nested():
            db.session.add(record)
    except IntegrityError:
        return None
    return record


def apply_once(provider: str, identity: Identity, apply: Callable[[], None]) -> WebhookEvent | None:
    """Record the event and apply it, once; its record (with outcome and reason), or None
    when it was recorded before.

    `apply` runs in a savepoint, so an event that raises leaves nothing half done: it is
    recorded as unusable (UnusableEvent) or failed (any other error). A lost or locked
    database is raised instead: the provider's retry may well succeed.
    """
    record = first_delivery(provider, identity.event_id, identity.event_type)
    if record is None:
        return None
    try:
        if identity.problem:
            raise UnusableEvent(identity.problem)
        with db.session.begin_nested():
            apply()
    except UnusableEvent as unusable:
        _not_applied(record, Outcome.UNUSABLE, str(unusable))
    except (OperationalError, InterfaceError):
        raise
    except Exception as error:
        # The kind of error only: its message may quote a value (a supporter's address).
        kind = type(error.orig if isinstance(error, DBAPIError) else error).__name__
        frames = "".join(traceback.format_tb(error.__traceback__))
        _not_applied(record, Outcome.FAILED, f"applying it raised {kind}", frames)
    return record


def _not_applied(record: WebhookEvent, outcome: Outcome, reason: str, frames: str = "") -> None:
    record.outcome = outcome
    record.reason = reason[:MAX_REASON_LENGTH]
    # One line an operator can act on (reasons name fields, never their values), and for an
    # error the frames that locate it.
    log.log(
        logging.ERROR if frames else logging.WARNING,
        "%s event %s (%s) recorded and acknowledged, not applied: %s%s",
        record.provider,
        record.event_id,
        record.event_type or "no type",
        reason,
        "\n" + frames if frames else "",
    )
