"""The helpers every model shares (campaign/db.py)."""

from sqlalchemy import inspect

from campaign.db import detached_copy
from tests.factories.petitions import make_petition


def test_a_detached_copy_holds_every_column_and_no_session_holds_it(session):
    petition = make_petition(title="The original")
    session.commit()  # expires every column of `petition`

    copy = detached_copy(petition, campaign=detached_copy(petition.campaign))
    petition.title = "Changed later"
    session.commit()

    assert inspect(copy).session is None
    assert (copy.id, copy.slug, copy.title) == (petition.id, petition.slug, "The original")
    assert copy.campaign.id == petition.campaign_id
    assert copy.body_html == petition.body_html  # no validator ran again on the copy
