"""Moderating comments, finding signatures and invalidating them, one or many at a time."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from campaign.db import utcnow
from campaign.extensions import db
from campaign.petitions.counting import signature_count, tally_all
from campaign.petitions.models import CommentStatus, Signature, SignatureStatus
from campaign.petitions.moderation import (
    BulkFilter,
    CountChanged,
    ModerationError,
    invalidate_matching,
    preview_invalidation,
)
from tests.factories.petitions import make_petition, make_signature
from tests.helpers import post_form


def public_count(client, petition) -> int:
    return client.get(f"/petitions/{petition.slug}.json").get_json()["signature_count"]


def statuses(petition) -> dict[str, str]:
    return {each.email: each.status for each in petition_signatures(petition)}


def petition_signatures(petition) -> list[Signature]:
    return list(db.session.scalars(select(Signature).where(Signature.petition_id == petition.id)))


# Comments


def test_a_comment_reaches_the_public_page_only_once_approved(client, auth, session):
    petition = make_petition()
    signature = make_signature(petition, name="Dilnur", show_name=True, comment="For my aunt.")
    session.commit()
    auth.sign_in()
    before = client.get(f"/petitions/{petition.slug}")
    assert "For my aunt." not in before.get_data(as_text=True)
    queue = client.get(f"/admin/petitions/{petition.id}/comments").get_data(as_text=True)
    assert "<td>For my aunt.</td>" in queue

    url = f"/admin/petitions/{petition.id}/comments/{signature.id}/approve"
    response = post_form(client, url, {}, form_url=f"/admin/petitions/{petition.id}/comments")

    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/petitions/{petition.id}/comments"
    assert signature.comment_status == CommentStatus.APPROVED
    after = client.get(f"/petitions/{petition.slug}")
    assert '<blockquote class="comment"><p>For my aunt.</p>' in after.get_data(as_text=True)
    # The page's validator moved, so caches cannot keep serving the page without the comment.
    assert after.headers["ETag"] != before.headers["ETag"]
    queue = client.get(f"/admin/petitions/{petition.id}/comments").get_data(as_text=True)
    assert "For my aunt." not in queue and "No comment is waiting." in queue


def test_a_rejected_comment_never_reaches_the_public_page(client, auth, session):
    petition = make_petition()
    signature = make_signature(petition, comment="Buy cheap watches")
    session.commit()
    auth.sign_in()
    before = client.get(f"/petitions/{petition.slug}").headers["ETag"]
    queue = f"/admin/petitions/{petition.id}/comments"

    post_form(client, f"{queue}/{signature.id}/reject", {}, form_url=queue)

    assert signature.comment_status == CommentStatus.REJECTED
    page = client.get(f"/petitions/{petition.slug}")
    assert "Buy cheap watches" not in page.get_data(as_text=True)
    assert page.headers["ETag"] != before
    assert "Buy cheap watches" not in client.get(queue).get_data(as_text=True)


def test_the_queue_holds_confirmed_signers_comments_oldest_first(client, auth, session):
    petition = make_petition()
    now = utcnow()
    make_signature(petition, comment="Second", confirmed_at=now - timedelta(hours=1))
    make_signature(petition, comment="First", confirmed_at=now - timedelta(hours=2))
    make_signature(petition, confirmed=False, comment="Not confirmed yet")
    make_signature(petition, comment="Already approved", comment_status=CommentStatus.APPROVED)
    make_signature(petition, comment="Spam", status=SignatureStatus.INVALIDATED)
    make_signature(make_petition(), comment="Another petition's")
    auth.sign_in()

    html = client.get(f"/admin/petitions/{petition.id}/comments").get_data(as_text=True)

    assert re.findall(r"<td>(\w[^<]*)</td>\s*<td>Signer", html) == ["First", "Second"]
    assert "2 waiting, oldest first" in html


def test_moderating_a_signature_without_a_comment_is_refused(client, auth, session):
    petition = make_petition()
    signature = make_signature(petition)
    auth.sign_in()
    queue = f"/admin/petitions/{petition.id}/comments"

    post_form(client, f"{queue}/{signature.id}/approve", {}, form_url=queue)

    assert "This signature has no comment waiting for moderation." in client.get(queue).get_data(
        as_text=True
    )
    assert signature.comment_status == CommentStatus.NONE


def test_a_signature_of_another_petition_is_not_found(client, auth, session):
    petition = make_petition()
    elsewhere = make_signature(make_petition(), comment="Hello")
    auth.sign_in()
    base = f"/admin/petitions/{petition.id}"

    approve = post_form(client, f"{base}/comments/{elsewhere.id}/approve", {}, form_url=base)
    invalidate = post_form(
        client, f"{base}/signatures/{elsewhere.id}/invalidate", {}, form_url=base
    )

    assert (approve.status_code, invalidate.status_code) == (404, 404)
    assert elsewhere.status == SignatureStatus.CONFIRMED


# Search


def search(client, petition, **params) -> str:
    return client.get(f"/admin/petitions/{petition.id}/signatures", query_string=params).get_data(
        as_text=True
    )


def test_signatures_are_found_by_email_name_country_and_status(client, auth, session):
    petition = make_petition()
    make_signature(petition, name="Aisha Khan", email="aisha@example.org", country="GB")
    make_signature(petition, name="Ben Okafor", email="ben@mail.example", country="NG")
    make_signature(
        petition, name="Benedikt Ma", email="bm@mail.example", country="DE", confirmed=False
    )
    make_signature(make_petition(), name="Ben Elsewhere", email="ben@else.example")
    auth.sign_in()

    def names(html: str) -> list[str]:
        return re.findall(r"<tr>\s*<td>([^<]+)</td>\s*<td>[^<]*@", html)

    assert names(search(client, petition, email="aisha@example.org")) == ["Aisha Khan"]
    assert sorted(names(search(client, petition, email="MAIL.example"))) == [
        "Ben Okafor",
        "Benedikt Ma",
    ]
    assert sorted(names(search(client, petition, name="ben"))) == ["Ben Okafor", "Benedikt Ma"]
    assert names(search(client, petition, country="NG")) == ["Ben Okafor"]
    assert names(search(client, petition, status="pending")) == ["Benedikt Ma"]
    assert names(search(client, petition, name="ben", status="confirmed")) == ["Ben Okafor"]
    everyone = search(client, petition)
    assert "<td>aisha@example.org</td>" in everyone  # organisers see addresses
    assert "Ben Elsewhere" not in everyone
    # A search with a value no form could send shows everyone instead of failing.
    assert len(names(search(client, petition, status="deleted"))) == 3


def test_signature_search_pages_by_fifty(client, auth, session):
    petition = make_petition()
    for _ in range(51):
        make_signature(petition)
    auth.sign_in()

    first = search(client, petition)
    second = search(client, petition, page=2)

    assert "Signatures 1\N{EN DASH}50 of 51" in first and "Next page" in first
    assert "Signatures 51\N{EN DASH}51 of 51" in second


# One signature


def test_invalidating_a_signature_drops_the_public_count_at_once(client, auth, session):
    petition = make_petition()
    spam = make_signature(petition, email="bot@spam.example")
    make_signature(petition)
    tally_all()  # both folded into the counter: the drop cannot wait for the next tally
    auth.sign_in()
    assert public_count(client, petition) == 2
    here = f"/admin/petitions/{petition.id}/signatures?email=spam&page=1"

    response = post_form(
        client,
        f"/admin/petitions/{petition.id}/signatures/{spam.id}/invalidate",
        {"next": here},
        form_url=here,
    )

    assert response.status_code == 303
    assert response.headers["Location"] == here
    assert spam.status == SignatureStatus.INVALIDATED
    assert spam.invalidated_at is not None
    assert public_count(client, petition) == 1
    tally_all()
    assert public_count(client, petition) == 1
    assert petition.counted_signatures == 1


def test_invalidating_twice_says_so_and_an_outside_next_is_ignored(client, auth, session):
    petition = make_petition()
    signature = make_signature(petition, status=SignatureStatus.INVALIDATED)
    auth.sign_in()
    url = f"/admin/petitions/{petition.id}/signatures/{signature.id}/invalidate"

    response = post_form(
        client, url, {"next": "https://evil.example/"}, form_url="/admin/petitions/"
    )

    assert response.headers["Location"] == f"/admin/petitions/{petition.id}/signatures"
    assert "was already invalidated" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )


# Many signatures


def bulk(client, petition, **fields):
    url = f"/admin/petitions/{petition.id}/invalidate"
    return post_form(client, url, fields)


def preview_count(html: str) -> int:
    match = re.search(r'name="expected" value="(\d+)"', html)
    return int(match.group(1)) if match else 0


def test_bulk_invalidation_needs_a_filter(client, auth, session):
    petition = make_petition()
    make_signature(petition)
    auth.sign_in()

    response = bulk(client, petition, preview="Preview")

    assert response.status_code == 400
    assert "Give at least one filter" in response.get_data(as_text=True)
    with pytest.raises(ModerationError):
        preview_invalidation(petition, BulkFilter())


def test_bulk_preview_then_confirm_invalidates_and_the_public_count_drops(client, auth, session):
    petition = make_petition()
    for number in range(25):
        make_signature(petition, email=f"bot{number}@spam.example")
    make_signature(petition, email="late@spam.example", confirmed=False)
    make_signature(petition, email="gone@spam.example", status=SignatureStatus.INVALIDATED)
    make_signature(petition, email="real@notspam.example")
    make_signature(petition, email="real@spam.example.org")
    make_signature(make_petition(), email="other-petition@spam.example")
    tally_all()
    auth.sign_in()
    assert public_count(client, petition) == 27

    preview = bulk(client, petition, email_domain="@Spam.Example", preview="Preview")

    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "<strong>26</strong> signatures match" in html
    assert "25 confirmed, 1 waiting for confirmation" in html
    assert "The first 20, oldest first" in html
    assert len(re.findall(r"<td>bot\d+@spam\.example</td>", html)) == 20
    assert preview_count(html) == 26
    assert ">Invalidate these 26 signatures</button>" in html
    assert petition.counted_signatures == 27  # a preview changes nothing

    done = bulk(client, petition, email_domain="spam.example", expected="26", confirm="Invalidate")

    assert done.status_code == 303
    assert done.headers["Location"] == f"/admin/petitions/{petition.id}"
    assert public_count(client, petition) == 2
    now = utcnow()
    for signature in petition_signatures(petition):
        if signature.email.endswith("@spam.example") and signature.email != "gone@spam.example":
            assert signature.status == SignatureStatus.INVALIDATED
            assert now - signature.invalidated_at < timedelta(minutes=1)
    assert statuses(petition)["real@notspam.example"] == SignatureStatus.CONFIRMED
    assert statuses(petition)["real@spam.example.org"] == SignatureStatus.CONFIRMED
    assert "26 signatures invalidated" in client.get(done.headers["Location"]).get_data(
        as_text=True
    )


def test_a_count_that_changed_since_the_preview_shows_the_new_preview_instead(
    client, auth, session
):
    petition = make_petition()
    make_signature(petition, source="botnet")
    make_signature(petition, source="botnet")
    auth.sign_in()
    first = bulk(client, petition, source="botnet", preview="Preview").get_data(as_text=True)
    assert preview_count(first) == 2
    make_signature(petition, source="botnet")  # another arrives while the organiser reads

    again = bulk(client, petition, source="botnet", expected="2", confirm="Invalidate")

    html = again.get_data(as_text=True)
    assert again.status_code == 409
    assert "changed from 2 to 3 since the preview" in html
    assert preview_count(html) == 3
    assert set(statuses(petition).values()) == {SignatureStatus.CONFIRMED}

    done = bulk(client, petition, source="botnet", expected="3", confirm="Invalidate")

    assert done.status_code == 303
    assert set(statuses(petition).values()) == {SignatureStatus.INVALIDATED}
    assert public_count(client, petition) == 0


def test_bulk_filters_by_ip_hash_and_time_window(client, auth, session):
    petition = make_petition()
    now = utcnow().replace(microsecond=0)
    inside = now - timedelta(hours=2)
    make_signature(petition, email="a@x.example", ip_hash="abc123", created_at=inside)
    make_signature(
        petition, email="b@x.example", ip_hash="abc123", created_at=now - timedelta(days=2)
    )
    make_signature(petition, email="c@x.example", ip_hash="zzz999", created_at=inside)
    auth.sign_in()
    window = {
        "created_from": (now - timedelta(hours=3)).replace(tzinfo=None).isoformat(),
        "created_before": (now - timedelta(hours=1)).replace(tzinfo=None).isoformat(),
    }

    by_ip = bulk(client, petition, ip_hash="abc123", preview="Preview").get_data(as_text=True)
    by_time = bulk(client, petition, preview="Preview", **window).get_data(as_text=True)
    both = bulk(client, petition, ip_hash="abc123", preview="Preview", **window)

    assert preview_count(by_ip) == 2
    assert preview_count(by_time) == 2
    assert preview_count(both.get_data(as_text=True)) == 1
    confirmed = bulk(
        client, petition, ip_hash="abc123", expected="1", confirm="Invalidate", **window
    )
    assert confirmed.status_code == 303
    assert statuses(petition) == {
        "a@x.example": SignatureStatus.INVALIDATED,
        "b@x.example": SignatureStatus.CONFIRMED,
        "c@x.example": SignatureStatus.CONFIRMED,
    }


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email_domain": "someone@spam.example"}, "Enter a domain like spam.example"),
        ({"email_domain": "localhost"}, "Enter a domain like spam.example"),
        ({"created_from": "yesterday"}, "Enter a date like 2026-12-31"),
        (
            {"created_from": "2026-01-02T10:00", "created_before": "2026-01-02T09:00"},
            "Choose a time after “Signed from”.",
        ),
    ],
)
def test_bad_bulk_filters_are_refused_beside_the_field(client, auth, session, fields, message):
    petition = make_petition()
    auth.sign_in()

    response = bulk(client, petition, preview="Preview", **fields)

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_invalidate_matching_skips_invalidated_and_undoes_itself_on_a_changed_count(session):
    petition = make_petition()
    make_signature(petition, source="x")
    make_signature(petition, source="x", confirmed=False)
    make_signature(petition, source="x", status=SignatureStatus.INVALIDATED)

    with pytest.raises(CountChanged) as raised:
        invalidate_matching(petition, BulkFilter(source="x"), expected=3)

    assert (raised.value.expected, raised.value.found) == (3, 2)
    assert signature_count(petition) == 1
    assert invalidate_matching(petition, BulkFilter(source="x"), expected=2) == 2
    assert signature_count(petition) == 0


def test_editors_can_moderate_search_and_invalidate(client, auth, session):
    petition = make_petition()
    signature = make_signature(petition, comment="Fine")
    auth.sign_in(role="editor")
    base = f"/admin/petitions/{petition.id}"

    for path in ("/comments", "/signatures", "/invalidate"):
        assert client.get(base + path).status_code == 200
    post_form(client, f"{base}/comments/{signature.id}/approve", {}, form_url=base)
    post_form(client, f"{base}/signatures/{signature.id}/invalidate", {}, form_url=base)

    assert signature.comment_status == CommentStatus.APPROVED
    assert signature.status == SignatureStatus.INVALIDATED
