"""What every feature's console shares: free slugs, the refusal of a taken one, campaigns,
counts by status.

Nothing here imports a console or a blueprint, so any feature's console may import it.
"""

from datetime import date
from enum import StrEnum

from babel.dates import format_skeleton
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute
from wtforms import StringField

from campaign.content.models import Campaign
from campaign.db import Base
from campaign.extensions import db

# One whole sentence for each kind of row: a noun dropped into one sentence would not read in
# every language.
SLUG_TAKEN = {
    "campaign": _l("Another campaign already uses this slug; choose another."),
    "explainer": _l("Another explainer already uses this slug; choose another."),
    "petition": _l("Another petition already uses this slug; choose another."),
    "update": _l("Another update already uses this slug; choose another."),
}
ANY_SLUG_TAKEN = _l("Something else already uses this slug; choose another.")


def slug_is_free(model: type[Base], slug: str, keep: Base | None = None) -> bool:
    """True when no other row of `model` uses `slug`; `keep` is the row being edited."""
    query = select(model.id).where(model.slug == slug)
    # A row not flushed yet has no id: there is nothing of it to leave out.
    if keep is not None and keep.id is not None:
        query = query.where(model.id != keep.id)
    return db.session.scalar(query.limit(1)) is None


def check_slug(field: StringField, model: type[Base], thing: str, keep: Base | None = None) -> bool:
    """True when the slug typed in `field` is free; otherwise the refusal stands beside it.

    `thing` is the kind of row, a key of SLUG_TAKEN."""
    if slug_is_free(model, field.data, keep=keep):
        return True
    field.errors.append(SLUG_TAKEN.get(thing, ANY_SLUG_TAKEN))
    return False


def campaigns_by_title() -> list[Campaign]:
    """Every campaign, drafts included: what a petition, an appeal or an update may belong to."""
    return list(db.session.scalars(select(Campaign).order_by(Campaign.title, Campaign.id)))


def counts_by_status(
    status: InstrumentedAttribute[str], statuses: type[StrEnum], *where: ColumnElement[bool]
) -> dict[str, int]:
    """How many rows (of those matching `where`) are in each of `statuses`, zero for none."""
    query = select(status, func.count()).where(*where).group_by(status)
    counts = dict(db.session.execute(query).all())
    return {each.value: counts.get(each.value, 0) for each in statuses}


def day_label(day: date) -> str:
    """A day in the console's tables and charts, with its weekday, as the language writes it:
    "Thu 5 Mar" in British English, "Thu, Mar 5" in American."""
    return format_skeleton("MMMEd", day, locale=get_locale())


def day_series(by_day: list[tuple[date, int]]) -> list[tuple[str, int]]:
    """Counts by day as a chart takes them: each day's label and its count."""
    return [(day_label(day), n) for day, n in by_day]
