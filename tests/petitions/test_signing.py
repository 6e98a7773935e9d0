"""Signing a petition from the public pages: the form, the email, the button, and the count."""

import json
import re
from datetime import timedelta

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from campaign.content.models import CampaignStatus
from campaign.db import utcnow
from campaign.extensions import db
from campaign.mailer.models import OutboundEmail
from campaign.petitions.models import (
    CommentStatus,
    Petition,
    PetitionStatus,
    Signature,
    SignatureStatus,
)
from campaign.petitions.signing import CONSENT_WORDING, MAX_EMAILS_PER_SIGNATURE, confirm_url
from campaign.subscribers.models import Subscriber, SubscriberStatus
from tests.factories.content import make_campaign
from tests.factories.petitions import (
    OURS,
    confirm_path,
    make_petition,
    make_signature,
    press_confirm,
    sign,
)
from tests.factories.subscribers import SITE, link, local, make_subscriber, outbox

CHECK_INBOX = "Check your inbox"
PRESS_AGAIN = "press “Sign” once more"


def signatures_of(petition: Petition) -> list[Signature]:
    return list(db.session.scalars(select(Signature).where(Signature.petition_id == petition.id)))


def all_mail() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboundEmail))


def count_on_page(html: str) -> int:
    match = re.search(r"data-signature-count>([\d,]+)<", html)
    assert match, "no count on the page"
    return int(match.group(1).replace(",", ""))


# The form: every refusal names its field, and nothing is stored


LONG_EMAIL = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".org"  # 310 characters


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": ""}, "name", "Enter your name."),
        ({"name": "   "}, "name", "Enter your name."),
        ({"email": ""}, "email", "Enter your email address."),
        ({"country": ""}, "country", "Choose your country."),
        ({"email": "ana-at-example.org"}, "email", "Enter a valid email address"),
        ({"email": "ana@"}, "email", "Enter a valid email address"),
        ({"country": "XX"}, "country", "Choose your country from the list."),
        ({"country": "gb"}, "country", "Choose your country from the list."),
        ({"name": "Ana http://spam.example"}, "name", "Enter your name without a web address."),
        ({"name": "Visit www.spam.example"}, "name", "Enter your name without a web address."),
        ({"name": "cheap-pills.com"}, "name", "Enter your name without a web address."),
        ({"name": "=HYPERLINK(1)"}, "name", "Your name cannot start with = + - or @."),
        ({"name": "+44 Ana"}, "name", "Your name cannot start with = + - or @."),
        ({"name": "-Ana"}, "name", "Your name cannot start with = + - or @."),
        ({"name": "@ana"}, "name", "Your name cannot start with = + - or @."),
        ({"name": " =cmd"}, "name", "Your name cannot start with = + - or @."),
        ({"name": "\t=cmd"}, "name", "Your name cannot start with = + - or @."),
        ({"name": "\u3000=cmd"}, "name", "Your name cannot start with = + - or @."),
        ({"name": "\uff1dHYPERLINK(1)"}, "name", "Your name cannot start with = + - or @."),
        ({"name": "\uff0b44 Ana"}, "name", "Your name cannot start with = + - or @."),
        ({"name": "\ufe6bana"}, "name", "Your name cannot start with = + - or @."),
        ({"name": "\u200b=cmd"}, "name", "Your name cannot start with = + - or @."),
        ({"name": "javascript:alert(1)"}, "name", "Enter your name without a web address."),
        ({"name": "Ana JavaScript:void(0)"}, "name", "Enter your name without a web address."),
        ({"name": "data:text/html,hi"}, "name", "Enter your name without a web address."),
        ({"name": "\uff48ttps\uff1a//x.example"}, "name", "Enter your name without a web address."),
        ({"name": "\uff57\uff57\uff57.spam"}, "name", "Enter your name without a web address."),
        ({"name": "A" * 101}, "name", "100 characters"),
        ({"email": LONG_EMAIL}, "email", "too long"),
        ({"comment": "x" * 501}, "comment", "Keep it under 500 characters."),
    ],
)
def test_a_refused_field_shows_its_error_beside_it_and_nothing_is_stored(
    client, session, fields, field, message
):
    petition = make_petition()

    response = sign(client, petition, **fields)

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    error = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', html)
    assert error, f"no error beside the {field} field"
    assert message in error.group(1)
    assert re.search(rf'<[^>]*aria-describedby="[^"]*{field}-error"[^>]*aria-invalid="true"', html)
    assert "Please correct the problem below." in html
    assert CHECK_INBOX not in html
    assert signatures_of(petition) == []
    assert all_mail() == 0


def test_a_refused_form_keeps_what_was_typed(client, session):
    petition = make_petition()

    html = sign(client, petition, email="bad", name="Ana Lima").get_data(as_text=True)

    assert 'value="Ana Lima"' in html
    assert re.search(r'<option selected value="PT">|<option value="PT" selected>', html)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"country": "XX"}, "country", "Choose your country from the list."),
        ({"email": LONG_EMAIL}, "email", "That email address is too long."),
    ],
)
def test_a_refused_field_says_one_plain_sentence(client, session, fields, field, message):
    petition = make_petition()

    html = sign(client, petition, **fields).get_data(as_text=True)

    assert f'<p class="error" id="{field}-error">{message}</p>' in html


def test_a_comment_of_exactly_500_characters_is_accepted(client, session):
    petition = make_petition()

    assert sign(client, petition, comment="y" * 500).status_code == 200

    [signature] = signatures_of(petition)
    assert signature.comment == "y" * 500


def test_a_long_postcode_is_refused_where_the_petition_asks_for_one(client, session):
    petition = make_petition(ask_postcode=True)

    response = sign(client, petition, postcode="X" * 17)

    assert response.status_code == 400
    assert 'id="postcode-error"' in response.get_data(as_text=True)
    assert signatures_of(petition) == []


def test_hyphens_and_apostrophes_inside_a_name_are_fine(client, session):
    petition = make_petition()

    assert sign(client, petition, name="Jean-Luc O'Brien").status_code == 200

    assert [s.name for s in signatures_of(petition)] == ["Jean-Luc O'Brien"]


@pytest.mark.parametrize("name", ["王芳", "Mihrigül Tursun", "José Data"])
def test_names_in_any_script_are_kept_as_typed(client, session, name):
    petition = make_petition()

    assert sign(client, petition, name=name).status_code == 200

    assert [s.name for s in signatures_of(petition)] == [name]


def test_a_filled_honeypot_gets_the_same_thanks_and_nothing_is_stored(client, session):
    petition = make_petition()

    response = sign(client, petition, website="http://spam.example")

    assert response.status_code == 200
    assert CHECK_INBOX in response.get_data(as_text=True)
    assert signatures_of(petition) == []
    assert all_mail() == 0


# Signing and confirming


def test_signing_stores_a_pending_signature_and_emails_a_confirmation_link(client, session):
    petition = make_petition()

    response = sign(client, petition, email="  Ana@Example.ORG ", show_name="y", comment="Yes.")

    assert response.status_code == 200
    assert CHECK_INBOX in response.get_data(as_text=True)
    [signature] = signatures_of(petition)
    assert signature.status == SignatureStatus.PENDING
    assert signature.email == "ana@example.org"
    assert (signature.name, signature.country, signature.comment) == ("Ana Lima", "PT", "Yes.")
    assert signature.show_name is True
    assert signature.ip_hash and "127.0.0.1" not in signature.ip_hash  # a keyed hash, not the IP
    [message] = outbox("ana@example.org")
    assert message.template == "petition_confirm"
    assert message.subject == f"Confirm your signature: {petition.title}"
    # The name typed into the form never goes into the email.
    assert "Ana Lima" not in message.text_body and "Ana Lima" not in message.html_body
    assert link(message.text_body, f"/petitions/{petition.slug}/confirm/") == confirm_url(signature)
    assert count_on_page(client.get(f"/petitions/{petition.slug}").get_data(as_text=True)) == 0


def test_opening_the_link_changes_nothing_and_pressing_the_button_confirms(client, session):
    petition = make_petition(thank_you_text="Tell a friend.")
    sign(client, petition)
    [signature] = signatures_of(petition)
    path = local(link(outbox("ana@example.org")[0].text_body, f"/petitions/{petition.slug}/"))

    # Even a fetch that claims to come from our own pages only shows the button.
    opened = client.get(path, headers=OURS)

    assert opened.status_code == 200
    assert "Confirm my signature" in opened.get_data(as_text=True)
    assert signature.status == SignatureStatus.PENDING
    assert signature.confirmed_at is None

    pressed = press_confirm(client, path)

    assert pressed.status_code == 200
    html = pressed.get_data(as_text=True)
    assert "Thank you: your signature counts" in html
    assert "So far, 1 person has signed" in html
    assert petition.thank_you_text in html
    assert signature.status == SignatureStatus.CONFIRMED
    assert signature.confirmed_at is not None
    page = client.get(f"/petitions/{petition.slug}").get_data(as_text=True)
    assert count_on_page(page) == 1


def test_pressing_the_button_twice_counts_once(client, session):
    petition = make_petition()
    sign(client, petition)
    path = confirm_path(signatures_of(petition)[0])

    press_confirm(client, path)
    again = press_confirm(client, path)

    assert again.status_code == 200
    assert "So far, 1 person has signed" in again.get_data(as_text=True)


def test_a_tampered_link_is_refused(client, session):
    petition = make_petition()
    sign(client, petition)
    [signature] = signatures_of(petition)
    path = confirm_path(signature)
    token = path.rsplit("/", 1)[1]
    tampered = path[: -len(token)] + token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")

    for response in (client.get(tampered), press_confirm(client, tampered)):
        assert response.status_code == 400
        assert "This link is not valid" in response.get_data(as_text=True)
    assert signature.status == SignatureStatus.PENDING


def test_a_link_for_another_petition_is_refused(client, session):
    petition, other = make_petition(), make_petition()
    sign(client, petition)
    token = confirm_path(signatures_of(petition)[0]).rsplit("/", 1)[1]

    response = press_confirm(client, f"/petitions/{other.slug}/confirm/{token}")

    assert response.status_code == 400
    assert signatures_of(petition)[0].status == SignatureStatus.PENDING


def test_an_expired_link_is_refused_and_says_so(client, session, app, monkeypatch):
    petition = make_petition()
    sign(client, petition)
    [signature] = signatures_of(petition)
    days = app.config["CONFIRM_TOKEN_DAYS"]
    issued = int((utcnow() - timedelta(days=days, minutes=1)).timestamp())
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: issued)
        path = confirm_path(signature)

    response = press_confirm(client, path)

    assert response.status_code == 400
    assert "This link has expired" in response.get_data(as_text=True)
    assert signature.status == SignatureStatus.PENDING


def test_a_link_just_inside_its_lifetime_still_works(client, session, app, monkeypatch):
    petition = make_petition()
    sign(client, petition)
    [signature] = signatures_of(petition)
    days = app.config["CONFIRM_TOKEN_DAYS"]
    issued = int((utcnow() - timedelta(days=days, minutes=-1)).timestamp())
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: issued)
        path = confirm_path(signature)

    assert press_confirm(client, path).status_code == 200
    assert signature.status == SignatureStatus.CONFIRMED


def test_a_confirmation_from_another_site_shows_the_button_again_and_changes_nothing(
    client, session
):
    petition = make_petition()
    sign(client, petition)
    [signature] = signatures_of(petition)
    path = confirm_path(signature)

    response = press_confirm(client, path, headers={"Origin": "https://elsewhere.example"})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'name="csrf_token"' in html
    assert signature.status == SignatureStatus.PENDING
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    assert client.post(path, data={"csrf_token": token}, headers={}).status_code == 200
    assert signature.status == SignatureStatus.CONFIRMED


# The same address again: same answer on the page, the mailbox learns the rest


def test_signing_again_with_the_same_address_answers_the_same_and_adds_no_row(client, session):
    petition = make_petition()

    first = sign(client, petition, email="ana@example.org", name="Ana Lima")
    again = sign(client, petition, email="  ANA@example.org", name="Someone Else", country="FR")

    assert again.status_code == first.status_code == 200
    assert again.get_data() == first.get_data()  # the page reveals nothing
    [signature] = signatures_of(petition)
    assert (signature.name, signature.country) == ("Ana Lima", "PT")
    # Still pending: the reminder is the confirmation link again, not "already signed".
    assert [m.template for m in outbox("ana@example.org")] == ["petition_confirm"] * 2


def test_once_confirmed_a_repeat_gets_an_already_signed_email(client, session):
    petition = make_petition()
    sign(client, petition)
    [signature] = signatures_of(petition)
    press_confirm(client, confirm_path(signature))

    response = sign(client, petition, email="Ana@Example.org")

    assert CHECK_INBOX in response.get_data(as_text=True)
    assert len(signatures_of(petition)) == 1
    templates = [m.template for m in outbox("ana@example.org")]
    assert templates == ["petition_confirm", "petition_already_signed"]
    assert outbox("ana@example.org")[-1].subject == f"You have already signed: {petition.title}"
    assert "/confirm/" not in outbox("ana@example.org")[-1].text_body


def test_one_signature_causes_at_most_three_emails_ever(client, session):
    petition = make_petition()
    for _ in range(3):
        sign(client, petition)
    press_confirm(client, confirm_path(signatures_of(petition)[0]))
    for _ in range(3):
        response = sign(client, petition, email="ANA@example.org ")
        assert CHECK_INBOX in response.get_data(as_text=True)

    [signature] = signatures_of(petition)
    assert len(outbox("ana@example.org")) == MAX_EMAILS_PER_SIGNATURE == 3
    assert signature.emails_sent == 3


def test_the_same_address_may_sign_another_petition(client, session):
    first, second = make_petition(), make_petition()

    sign(client, first)
    sign(client, second)

    assert len(signatures_of(first)) == len(signatures_of(second)) == 1


# Closed petitions


def test_a_closed_petition_refuses_signatures_with_409_and_a_message(client, session):
    petition = make_petition(status=PetitionStatus.CLOSED, closed_at=utcnow())

    response = sign(client, petition)

    assert response.status_code == 409
    assert "This petition is closed" in response.get_data(as_text=True)
    assert signatures_of(petition) == []
    assert all_mail() == 0


def test_a_petition_past_its_closing_date_refuses_signatures(client, session):
    petition = make_petition(closes_at=utcnow() - timedelta(minutes=1))

    response = sign(client, petition)

    assert response.status_code == 409
    assert "This petition is closed" in response.get_data(as_text=True)
    assert signatures_of(petition) == []


def test_a_closed_petition_refuses_embedded_signatures_too(client, session):
    petition = make_petition(status=PetitionStatus.CLOSED, closed_at=utcnow())

    response = sign(client, petition, embed="1")

    assert response.status_code == 409
    assert "This petition is closed" in response.get_data(as_text=True)
    assert signatures_of(petition) == []


@pytest.mark.parametrize(
    ("closed_hours_ago", "status", "counted"),
    [(1, 200, True), (23, 200, True), (25, 409, False)],
)
def test_a_signature_made_before_the_close_may_be_confirmed_for_24_hours(
    client, session, closed_hours_ago, status, counted
):
    petition = make_petition()
    closed_at = utcnow() - timedelta(hours=closed_hours_ago)
    signature = make_signature(
        petition, confirmed=False, created_at=closed_at - timedelta(minutes=5)
    )
    path = confirm_path(signature)
    petition.status, petition.closed_at = PetitionStatus.CLOSED, closed_at
    session.commit()

    response = press_confirm(client, path)

    assert response.status_code == status
    assert (signature.status == SignatureStatus.CONFIRMED) is counted
    if not counted:
        html = response.get_data(as_text=True)
        assert "This petition closed before your signature could be confirmed." in html


def test_a_signature_made_after_the_closing_date_is_never_confirmed(client, session):
    closes_at = utcnow() - timedelta(hours=1)
    petition = make_petition(closes_at=closes_at)
    signature = make_signature(
        petition, confirmed=False, created_at=closes_at + timedelta(minutes=1)
    )

    response = press_confirm(client, confirm_path(signature))

    assert response.status_code == 409
    assert signature.status == SignatureStatus.PENDING


# Consent to updates


def test_ticking_subscribe_makes_an_active_subscriber_with_the_consent_wording_on_confirm(
    client, session
):
    petition = make_petition()
    sign(client, petition, subscribe="y", email="Ana@Example.org")
    [signature] = signatures_of(petition)

    assert signature.subscribe is True
    assert signature.consent_text == CONSENT_WORDING
    assert session.scalar(select(Subscriber)) is None  # not before the address is proved

    press_confirm(client, confirm_path(signature))

    subscriber = session.scalar(select(Subscriber).where(Subscriber.email == "ana@example.org"))
    assert subscriber.status == SubscriberStatus.ACTIVE
    assert subscriber.consent_text == CONSENT_WORDING
    assert subscriber.consent_source == f"petition:{petition.slug}"
    assert subscriber.consent_at is not None and subscriber.confirmed_at is not None
    assert subscriber.campaign_id == petition.campaign_id
    assert subscriber.name == "Ana Lima"


def test_a_signer_who_unsubscribed_after_signing_is_not_subscribed_again_by_confirming(
    client, session
):
    petition = make_petition()
    sign(client, petition, subscribe="y")
    [signature] = signatures_of(petition)
    # Later, before confirming, they leave the list from an update's unsubscribe link.
    subscriber = make_subscriber(
        SubscriberStatus.UNSUBSCRIBED,
        email="ana@example.org",
        unsubscribed_at=signature.created_at + timedelta(hours=1),
    )
    session.commit()

    response = press_confirm(client, confirm_path(signature))

    assert response.status_code == 200
    assert signature.status == SignatureStatus.CONFIRMED  # the signature still counts
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    assert subscriber.consent_text == "Send me email updates."  # their record is untouched


def test_a_signer_who_had_unsubscribed_before_signing_comes_back_by_ticking_the_box(
    client, session
):
    subscriber = make_subscriber(
        SubscriberStatus.UNSUBSCRIBED,
        email="ana@example.org",
        unsubscribed_at=utcnow() - timedelta(days=30),
    )
    petition = make_petition()
    sign(client, petition, subscribe="y")
    [signature] = signatures_of(petition)

    press_confirm(client, confirm_path(signature))

    assert subscriber.status == SubscriberStatus.ACTIVE
    assert subscriber.consent_text == CONSENT_WORDING


def test_without_the_box_ticked_confirming_subscribes_no_one(client, session):
    petition = make_petition()
    sign(client, petition)
    [signature] = signatures_of(petition)

    press_confirm(client, confirm_path(signature))

    assert signature.subscribe is False
    assert signature.consent_text == ""
    assert session.scalar(select(func.count()).select_from(Subscriber)) == 0


# Where signers came from


def test_source_and_utm_parameters_ride_from_the_page_to_the_signature(client, session):
    petition = make_petition()
    query = "source=newsletter&utm_source=partner&utm_medium=email&utm_campaign=spring"

    page = client.get(f"/petitions/{petition.slug}?{query}").get_data(as_text=True)
    hidden = dict(re.findall(r'<input id="(\w+)" name="\1" type="hidden" value="([^"]*)"', page))
    sign(client, petition, **hidden)

    assert hidden["source"] == "newsletter"
    [signature] = signatures_of(petition)
    assert signature.source == "newsletter"
    assert signature.utm == {
        "utm_source": "partner",
        "utm_medium": "email",
        "utm_campaign": "spring",
    }


def test_source_and_utm_values_are_trimmed(client, session):
    petition = make_petition()

    sign(client, petition, source="s" * 300, utm_term="t" * 300)

    [signature] = signatures_of(petition)
    assert signature.source == "s" * 100
    assert signature.utm == {"utm_term": "t" * 100}


# Abuse: rate limits and posts from other sites


def test_too_many_signatures_from_one_address_get_429_with_a_clear_message(
    client, session, app_settings
):
    app_settings(SIGN_RATE_LIMIT="2 per minute")
    petition = make_petition()

    answers = [sign(client, petition, email=f"n{n}@example.org") for n in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert "Too many attempts. Please wait a little and try again." in answers[2].get_data(
        as_text=True
    )
    assert len(signatures_of(petition)) == 2


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://elsewhere.example"},
        {"Sec-Fetch-Site": "cross-site", "Origin": SITE},
        {"Origin": "null"},
        {},  # an old browser that says nothing
    ],
)
def test_a_post_that_is_not_from_our_pages_shows_the_form_again_with_a_token(
    client, session, headers
):
    petition = make_petition()

    response = sign(client, petition, headers=headers)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert PRESS_AGAIN in html
    assert 'value="Ana Lima"' in html  # what they typed is kept
    assert signatures_of(petition) == []
    assert all_mail() == 0
    # Pressing "Sign" on that page (the token now in the form) signs.
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    assert CHECK_INBOX in sign(client, petition, headers={}, csrf_token=token).get_data(
        as_text=True
    )
    assert len(signatures_of(petition)) == 1


def test_a_post_with_our_own_origin_is_accepted_without_a_token(client, session):
    petition = make_petition()

    response = sign(client, petition, headers={"Origin": SITE})

    assert CHECK_INBOX in response.get_data(as_text=True)
    assert len(signatures_of(petition)) == 1


# The JSON count


def test_the_json_count_has_the_documented_shape_and_counts_confirmed_signatures_only(
    client, session
):
    closes_at = (utcnow() + timedelta(days=30)).replace(microsecond=0)
    petition = make_petition(goal=3, closes_at=closes_at)
    for country in ("GB", "GB", "FR"):
        make_signature(petition, country=country)
    make_signature(petition, confirmed=False, country="DE")
    make_signature(petition, status=SignatureStatus.INVALIDATED, country="RU")

    response = client.get(f"/petitions/{petition.slug}.json")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == {
        "slug": petition.slug,
        "title": petition.title,
        "status": "open",
        "signature_count": 3,
        "goal": 100,  # 3 reached the goal of 3: the next milestone
        "closes_at": closes_at.isoformat(),
        "by_country": {"other": 3},  # fewer than five signers each: folded
    }
    assert "example.org" not in response.get_data(as_text=True)


def test_the_public_breakdown_folds_countries_with_fewer_than_five_signers_into_other(
    client, session
):
    petition = make_petition()
    for country, signers in {"GB": 7, "DE": 5, "TR": 1, "KZ": 2}.items():
        for _ in range(signers):
            make_signature(petition, country=country)

    data = client.get(f"/petitions/{petition.slug}.json").get_json()

    assert data["by_country"] == {"GB": 7, "DE": 5, "other": 3}
    assert data["signature_count"] == sum(data["by_country"].values())


def test_the_public_breakdown_threshold_is_a_setting(client, session, app_settings):
    app_settings(PUBLIC_BREAKDOWN_MIN=1)
    petition = make_petition()
    make_signature(petition, country="TR")

    data = client.get(f"/petitions/{petition.slug}.json").get_json()

    assert data["by_country"] == {"TR": 1}


def test_the_console_keeps_the_exact_breakdown(client, auth, session):
    petition = make_petition()
    make_signature(petition, country="TR")
    auth.sign_in()

    page = client.get(f"/admin/petitions/{petition.id}").get_data(as_text=True)

    assert "<tr><td>Türkiye</td><td>TR</td><td>1</td></tr>" in page


def test_a_comment_names_no_country_of_a_signer_who_chose_not_to_be_shown(client, session):
    petition = make_petition()
    make_signature(
        petition,
        name="Hidden Person",
        country="KZ",
        comment="I have family there.",
        comment_status=CommentStatus.APPROVED,
        show_name=False,
    )
    make_signature(
        petition,
        name="Shown Person",
        country="DE",
        comment="Stand with them.",
        comment_status=CommentStatus.APPROVED,
        show_name=True,
    )

    page = client.get(f"/petitions/{petition.slug}").get_data(as_text=True)

    found = re.findall(r'<blockquote class="comment"><p>(.*?)</p>\s*<footer>(.*?)</footer>', page)
    comments = {comment: re.sub("<[^>]+>", "", footer) for comment, footer in found}
    assert comments == {
        "I have family there.": "A signer",
        "Stand with them.": "Shown Person, Germany",
    }


def test_the_json_of_a_closed_petition_says_closed(client, session):
    petition = make_petition(status=PetitionStatus.CLOSED, closed_at=utcnow())

    data = client.get(f"/petitions/{petition.slug}.json").get_json()

    assert data["status"] == "closed"
    assert data["closes_at"] is None
    assert data["by_country"] == {}


def test_the_json_count_is_briefly_cacheable_and_answers_304_until_the_count_moves(client, session):
    petition = make_petition()
    signature = make_signature(petition, confirmed=False)
    url = f"/petitions/{petition.slug}.json"

    first = client.get(url)

    assert first.cache_control.public is True
    assert first.cache_control.max_age == 5
    assert first.headers["ETag"]
    assert first.last_modified is not None
    unchanged = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert unchanged.status_code == 304
    assert unchanged.get_data() == b""
    assert unchanged.headers["ETag"] == first.headers["ETag"]

    press_confirm(client, confirm_path(signature))
    moved = client.get(url, headers={"If-None-Match": first.headers["ETag"]})

    assert moved.status_code == 200
    assert moved.headers["ETag"] != first.headers["ETag"]
    assert json.loads(moved.get_data())["signature_count"] == 1


@pytest.mark.parametrize("suffix", ["", ".json", "/embed"])
def test_a_petition_past_its_closing_date_is_no_longer_a_304_of_the_open_page(
    client, session, monkeypatch, suffix
):
    closes_at = utcnow() + timedelta(hours=1)
    petition = make_petition(closes_at=closes_at)
    url = f"/petitions/{petition.slug}{suffix}"
    etag = client.get(url).headers["ETag"]

    # An hour later nothing in the database has changed, but signing has stopped.
    later = closes_at + timedelta(minutes=1)
    monkeypatch.setattr("campaign.petitions.models.utcnow", lambda: later)
    response = client.get(url, headers={"If-None-Match": etag})

    assert response.status_code == 200
    assert response.headers["ETag"] != etag
    assert "closed" in response.get_data(as_text=True)


# Framing: the embed may go in any site's iframe, nothing else may


def test_the_embed_may_be_framed_by_any_site(client, session):
    petition = make_petition()

    response = client.get(f"/petitions/{petition.slug}/embed")

    assert response.status_code == 200
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" not in response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in response.headers
    assert 'name="embed" value="1"' in response.get_data(as_text=True)


def test_the_embed_thanks_page_may_be_framed_too(client, session):
    petition = make_petition()

    response = sign(client, petition, embed="1")

    assert CHECK_INBOX in response.get_data(as_text=True)
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in response.headers


@pytest.mark.parametrize("path", ["", ".json", "/sign?"])
def test_every_other_petition_page_refuses_framing(client, session, path):
    petition = make_petition()
    url = f"/petitions/{petition.slug}{path}"

    response = sign(client, petition) if path == "/sign?" else client.get(url)

    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


# Who is shown


def test_only_signers_who_chose_to_show_their_name_are_listed_and_emails_never(client, session):
    petition = make_petition()
    make_signature(petition, name="Visible Vera", email="vera@example.org", show_name=True)
    make_signature(petition, name="Hidden Hana", email="hana@example.org", show_name=False)
    make_signature(
        petition,
        confirmed=False,
        name="Pending Pia",
        email="pia@example.org",
        show_name=True,
    )
    make_signature(
        petition,
        status=SignatureStatus.INVALIDATED,
        name="Spam Sam",
        email="sam@example.org",
        show_name=True,
    )

    pages = [
        client.get(f"/petitions/{petition.slug}{path}").get_data(as_text=True)
        for path in ("", "/embed", ".json")
    ]

    assert "Visible Vera" in pages[0]
    for page in pages:
        for hidden in ("Hidden Hana", "Pending Pia", "Spam Sam"):
            assert hidden not in page
        assert "@example.org" not in page


def test_a_comment_is_shown_only_once_approved_and_without_a_hidden_name(client, session):
    petition = make_petition()
    make_signature(
        petition,
        name="Quiet Quinn",
        show_name=False,
        comment="Approved words.",
        comment_status="approved",
    )
    make_signature(petition, comment="Waiting words.", comment_status="pending")

    page = client.get(f"/petitions/{petition.slug}").get_data(as_text=True)

    assert "Approved words." in page
    assert "Waiting words." not in page
    assert "Quiet Quinn" not in page


# Drafts are not public


@pytest.mark.parametrize("path", ["", ".json", "/embed"])
def test_a_draft_petition_is_not_found(client, session, path):
    petition = make_petition(status=PetitionStatus.DRAFT)

    assert client.get(f"/petitions/{petition.slug}{path}").status_code == 404


def test_a_draft_petition_cannot_be_signed_or_confirmed(client, session):
    petition = make_petition(status=PetitionStatus.DRAFT)
    signature = make_signature(petition, confirmed=False)

    assert sign(client, petition).status_code == 404
    assert press_confirm(client, confirm_path(signature)).status_code == 404
    assert len(signatures_of(petition)) == 1
    assert signature.status == SignatureStatus.PENDING


def test_a_petition_of_a_draft_campaign_is_not_found(client, session):
    petition = make_petition(campaign=make_campaign(status=CampaignStatus.DRAFT))

    assert client.get(f"/petitions/{petition.slug}").status_code == 404
    assert client.get(f"/petitions/{petition.slug}.json").status_code == 404


def test_an_unknown_petition_is_not_found(client, session):
    assert client.get("/petitions/no-such-petition").status_code == 404


def test_a_rate_limited_embedded_signature_is_refused_inside_the_partner_frame(
    app_settings, client, session
):
    petition = make_petition(status=PetitionStatus.OPEN)
    session.commit()
    app_settings(SIGN_RATE_LIMIT="1 per minute")
    data = {"name": "Ana", "email": "ana@example.org", "country": "PT", "embed": "1"}
    headers = {"Sec-Fetch-Site": "same-origin"}

    client.post(f"/petitions/{petition.slug}/sign", data=data, headers=headers)
    refused = client.post(f"/petitions/{petition.slug}/sign", data=data, headers=headers)

    assert refused.status_code == 429
    assert "X-Frame-Options" not in refused.headers
    assert "frame-ancestors *" in refused.headers["Content-Security-Policy"]
