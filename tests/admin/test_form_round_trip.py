"""Every console form that links a row to other rows shows the saved link, and keeps it when
saved unchanged: the edit page is read and posted back as a browser would."""

import pytest
from sqlalchemy import inspect

from campaign.content.publishing import set_translation_of
from campaign.updates.models import AudienceKind
from tests.factories.content import make_campaign, make_explainer
from tests.factories.donations import make_appeal
from tests.factories.petitions import make_petition
from tests.factories.updates import make_update
from tests.helpers import resubmit, shown_form

# Bookkeeping columns that saving may move; every other column must come back as it was.
MOVING = {"created_at", "updated_at", "content_revision"}


@pytest.fixture
def campaigns(session):
    """Two campaigns; links go to the second, so a select that loses its value shows the first."""
    return make_campaign(title="A first campaign"), make_campaign(title="Z last campaign")


def saved(row) -> dict:
    """The row's columns as the database holds them now, bookkeeping left out."""
    inspect(row).session.refresh(row)
    return {
        column.key: getattr(row, column.key)
        for column in inspect(row).mapper.column_attrs
        if column.key not in MOVING
    }


def assert_round_trip(client, url: str, row, links: dict[str, int | None], **buttons) -> None:
    """The page at `url` selects each saved link, and posting it back changes nothing."""
    form = shown_form(client, url)
    for field_name, linked_id in links.items():
        assert form.selected[field_name] == str(linked_id or 0), field_name
    before = saved(row)

    response = resubmit(client, url, **buttons)

    assert response.status_code == 303, response.get_data(as_text=True)
    assert saved(row) == before


def test_a_translation_keeps_its_original_when_saved_unchanged(client, organiser, campaigns):
    original = make_explainer(campaigns[1], language="en")
    make_explainer(campaigns[0], language="en")  # another candidate, listed first
    translation = make_explainer(campaigns[1], language="ug")
    set_translation_of(translation, original)
    url = f"/admin/explainers/{translation.id}/edit"

    assert_round_trip(client, url, translation, {"translation_of": original.id}, save="Save")

    assert translation.translation_of_id == original.id
    public = client.get(f"/explainers/{original.slug}").get_data(as_text=True)
    assert f'hreflang="ug" href="http://campaign.test/ug/explainers/{translation.slug}"' in public


def test_an_original_explainer_stays_an_original(client, organiser, campaigns):
    explainer = make_explainer(campaigns[1])
    make_explainer(campaigns[0], language="ug")
    url = f"/admin/explainers/{explainer.id}/edit"

    assert_round_trip(client, url, explainer, {"translation_of": None}, save="Save")


def test_a_petition_keeps_its_campaign(client, organiser, campaigns):
    petition = make_petition(campaigns[1])
    url = f"/admin/petitions/{petition.id}/edit"

    assert_round_trip(client, url, petition, {"campaign": campaigns[1].id})


def test_an_appeal_keeps_its_campaign(client, organiser, campaigns):
    appeal = make_appeal(campaigns[1], external_url=None)
    url = f"/admin/donations/appeals/{appeal.id}/edit"

    assert_round_trip(client, url, appeal, {"campaign": campaigns[1].id})


def test_an_update_keeps_its_campaign_petition_and_campaign_audience(client, organiser, campaigns):
    make_petition(campaigns[0], title="A first petition")
    petition = make_petition(campaigns[1], title="Z last petition")
    update = make_update(
        campaign=campaigns[1],
        cta_petition=petition,
        audience_kind=AudienceKind.CAMPAIGN,
        audience_campaign_id=campaigns[1].id,
    )
    links = {
        "campaign": campaigns[1].id,
        "cta_petition": petition.id,
        "audience_campaign": campaigns[1].id,
        "audience_petition": None,
    }

    assert_round_trip(client, f"/admin/updates/{update.id}/edit", update, links)


def test_an_update_to_a_petitions_signers_keeps_that_petition(client, organiser, campaigns):
    make_petition(campaigns[0], title="A first petition")
    petition = make_petition(campaigns[1], title="Z last petition")
    update = make_update(audience_kind=AudienceKind.PETITION, audience_petition_id=petition.id)
    links = {
        "campaign": None,
        "cta_petition": None,
        "audience_campaign": None,
        "audience_petition": petition.id,
    }

    assert_round_trip(client, f"/admin/updates/{update.id}/edit", update, links)


def test_a_campaign_saved_unchanged_stays_as_it_was(client, organiser, campaigns):
    campaign = campaigns[1]

    assert_round_trip(client, f"/admin/campaigns/{campaign.id}/edit", campaign, {})
