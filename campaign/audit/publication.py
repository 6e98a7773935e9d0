"""Publication in the audit trail: a campaign, explainer, petition or appeal put before the
public, taken back, closed or archived."""

from campaign.audit.trail import record

# The statuses in which the public sees a row, whichever kind of row it is.
PUBLIC = frozenset({"live", "open", "published"})
VERBS = {"draft": "unpublish", "closed": "close", "archived": "archive"}


def record_status_change(kind: str, row_id: int, before: str | None, after: str) -> None:
    """An entry when a row's status changed (`before` is None for a new row): "publish
    petition", "unpublish campaign", "close appeal", "reopen petition"… A new draft is none."""
    if before == after or (before is None and after == "draft"):
        return
    if after in PUBLIC:
        verb = "reopen" if before in ("closed", "archived") else "publish"
    else:
        verb = VERBS.get(after, "change status of")
    record(
        f"{verb} {kind}",
        object_kind=kind,
        object_id=row_id,
        detail=f"{before or 'new'} -> {after}",
    )
