"""Explainers scheduled for a time: off every public page until the sweep publishes them."""

import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from campaign.audit.models import AuditEntry
from campaign.content.models import ExplainerStatus
from campaign.content.publishing import schedule, set_translation_of
from campaign.db import utcnow
from campaign.jobs import run_sweeps
from campaign.mailer.tasks import sweeps
from tests.conftest import PAGE_CACHE_LIFE
from tests.factories.content import make_campaign, make_explainer
from tests.helpers import post_form


def _typed(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def _public_pages(explainer) -> list[str]:
    return ["/", f"/c/{explainer.campaign.slug}", f"/ug/c/{explainer.campaign.slug}"]


def _actions(session, explainer) -> list[str]:
    entries = session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.object_kind == "explainer", AuditEntry.object_id == explainer.id)
        .order_by(AuditEntry.id)
    )
    return list(entries)


def test_a_scheduled_explainer_is_public_only_once_the_sweep_has_seen_its_time(
    app, client, session, organiser, page_cache
):
    campaign = make_campaign()
    neighbour = make_explainer(campaign, title="Already out")
    explainer = make_explainer(
        campaign,
        title="Comes out later",
        slug="comes-out-later",
        status=ExplainerStatus.DRAFT,
        published_at=None,
    )
    session.commit()
    reader = app.test_client()  # no organiser's cookie: served from the page cache
    url = f"/admin/explainers/{explainer.id}"
    soon = (utcnow() + timedelta(hours=1)).replace(second=0, microsecond=0)

    response = post_form(
        client, f"{url}/schedule", {"publish_at": _typed(soon)}, form_url=f"{url}/edit"
    )

    assert response.status_code == 303
    assert (explainer.status, explainer.publish_at) == (ExplainerStatus.SCHEDULED, soon)
    # The cache warm with the pages as they are; the sweep before the time publishes nothing.
    before = {path: reader.get(path).get_data(as_text=True) for path in _public_pages(neighbour)}
    assert reader.get("/explainers/comes-out-later").status_code == 404
    run_sweeps()
    assert explainer.status == ExplainerStatus.SCHEDULED
    time_passes()
    assert reader.get("/explainers/comes-out-later").status_code == 404
    for path, page in before.items():
        assert "Already out" in page and "Comes out later" not in page
        assert "Comes out later" not in reader.get(path).get_data(as_text=True)
    assert "comes-out-later" not in reader.get(f"/explainers/{neighbour.slug}").get_data(
        as_text=True
    )

    explainer.publish_at = utcnow() - timedelta(seconds=1)  # its time has come
    session.commit()
    run_sweeps()
    time_passes()

    assert explainer.status == ExplainerStatus.PUBLISHED
    assert explainer.published_at is not None and explainer.publish_at is None
    assert reader.get("/explainers/comes-out-later").status_code == 200
    for path in _public_pages(neighbour):
        assert "Comes out later" in reader.get(path).get_data(as_text=True)
    assert _actions(session, explainer) == ["schedule explainer", "publish explainer"]


def time_passes() -> None:
    """Long enough for the page cache to read the database again."""
    time.sleep(PAGE_CACHE_LIFE + 0.05)


def test_a_translation_scheduled_for_later_is_no_alternate_of_its_original(
    app, client, session, organiser
):
    original = make_explainer(language="en", slug="the-original")
    translation = make_explainer(
        original.campaign, language="ug", slug="the-translation", status=ExplainerStatus.DRAFT
    )
    set_translation_of(translation, original)
    schedule(translation, utcnow() + timedelta(hours=1))
    session.commit()
    reader = app.test_client()

    page = reader.get("/explainers/the-original").get_data(as_text=True)
    assert "the-translation" not in page
    assert not re.search(r'hreflang="ug"[^>]*the-translation', page)

    translation.publish_at = utcnow() - timedelta(seconds=1)
    session.commit()
    run_sweeps()

    assert "the-translation" in reader.get("/explainers/the-original").get_data(as_text=True)


def _five_minutes_ago() -> str:
    return _typed(utcnow() - timedelta(minutes=5))


@pytest.mark.parametrize(
    ("typed", "error_says"),
    [
        (_five_minutes_ago, "Choose a time in the future"),
        (lambda: "", "Choose when to publish the explainer."),
        (lambda: "next tuesday", "Enter a date and time like 2026-12-31T18:00."),
        (lambda: "2027-13-01T10:00", "Enter a date and time like 2026-12-31T18:00."),
    ],
)
def test_a_bad_publication_time_is_refused_beside_the_field(
    client, session, organiser, typed, error_says
):
    explainer = make_explainer(status=ExplainerStatus.DRAFT, published_at=None)
    session.commit()
    url = f"/admin/explainers/{explainer.id}"

    response = post_form(client, f"{url}/schedule", {"publish_at": typed()}, form_url=f"{url}/edit")

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    error = re.search(r'<p class="error" id="publish_at-error">([^<]*)</p>', page)
    assert error and error_says in error.group(1)
    assert explainer.status == ExplainerStatus.DRAFT and explainer.publish_at is None


def test_unscheduling_returns_it_to_draft_and_keeps_the_sweep_away(app, client, session, organiser):
    explainer = make_explainer(status=ExplainerStatus.DRAFT, published_at=None)
    session.commit()
    url = f"/admin/explainers/{explainer.id}"
    later = _typed(utcnow() + timedelta(days=1))
    post_form(client, f"{url}/schedule", {"publish_at": later}, form_url=f"{url}/edit")
    assert "to be published on" in client.get(f"{url}/edit").get_data(as_text=True)

    response = post_form(client, f"{url}/unschedule", {}, form_url=f"{url}/edit")
    run_sweeps()

    assert response.status_code == 303
    assert (explainer.status, explainer.publish_at) == (ExplainerStatus.DRAFT, None)
    assert app.test_client().get(f"/explainers/{explainer.slug}").status_code == 404
    assert _actions(session, explainer) == ["schedule explainer", "unschedule explainer"]


def test_a_published_explainer_cannot_be_scheduled(client, session, organiser):
    explainer = make_explainer()
    session.commit()
    url = f"/admin/explainers/{explainer.id}"
    later = _typed(utcnow() + timedelta(days=1))

    response = post_form(client, f"{url}/schedule", {"publish_at": later}, form_url=f"{url}/edit")

    assert response.status_code == 400
    assert "published already" in response.get_data(as_text=True)
    assert explainer.status == ExplainerStatus.PUBLISHED and explainer.publish_at is None


def test_publishing_a_scheduled_explainer_now_drops_its_time(client, session, organiser):
    explainer = make_explainer(status=ExplainerStatus.DRAFT, published_at=None)
    schedule(explainer, utcnow() + timedelta(days=1))
    session.commit()
    url = f"/admin/explainers/{explainer.id}"

    post_form(client, f"{url}/publish", {}, form_url=f"{url}/edit")

    assert (explainer.status, explainer.publish_at) == (ExplainerStatus.PUBLISHED, None)


def test_celery_beats_sweep_publishes_a_due_explainer_too(app, session):
    explainer = make_explainer(status=ExplainerStatus.DRAFT, published_at=None)
    schedule(explainer, utcnow() + timedelta(hours=1))
    explainer.publish_at = utcnow() - timedelta(seconds=1)
    session.commit()

    sweeps.run()  # what beat's "upkeep" entry runs in a worker

    assert explainer.status == ExplainerStatus.PUBLISHED
    assert app.test_client().get(f"/explainers/{explainer.slug}").status_code == 200
