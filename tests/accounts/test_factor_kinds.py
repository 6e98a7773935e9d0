"""Another kind of second factor plugs in by registering itself: sign-in, check-again, the
Security page and REQUIRE_2FA's guard then take it with no other change."""

import pytest

from campaign.accounts.factors import kinds
from campaign.accounts.factors.models import SecondFactor
from campaign.db import utcnow
from campaign.extensions import db
from tests.factories.accounts import PASSWORD, make_user
from tests.helpers import post_form

TOKEN_CODE = "424242"


def _check(factor, code, at) -> bool:
    return code == TOKEN_CODE


@pytest.fixture
def hardware_token(monkeypatch):
    kind = kinds.FactorKind(
        key="token",
        label="Hardware token",
        add_label="Add a hardware token",
        rank=10,
        add_endpoint="accounts_console.security",
        setup_endpoints=(),
        check_code=_check,
    )
    monkeypatch.setitem(kinds._KINDS, kind.key, kind)
    return kind


def give_token(user) -> SecondFactor:
    factor = SecondFactor(user_id=user.id, kind="token", confirmed_at=utcnow())
    db.session.add(factor)
    db.session.flush()
    return factor


def test_a_registered_kind_signs_in_and_shows_first_on_the_security_page(
    client, session, hardware_token
):
    user = make_user()
    give_token(user)

    post_form(client, "/admin/login", {"email": user.email, "password": PASSWORD})
    response = post_form(client, "/admin/login/code", {"code": TOKEN_CODE})

    assert response.headers["Location"] == "/admin/"
    page = client.get("/admin/security").get_data(as_text=True)
    assert page.index("Add a hardware token") < page.index("Add an authenticator app")
    assert "<strong>Hardware token</strong>" in page


def test_a_registered_kind_satisfies_require_2fa(client, auth, app_settings, hardware_token):
    app_settings(REQUIRE_2FA=True)
    user = make_user()
    give_token(user)

    auth.sign_in(user, code=TOKEN_CODE)

    assert client.get("/admin/campaigns").status_code == 200


def test_a_factor_of_a_kind_no_longer_known_proves_nothing_but_still_asks(client, session):
    user = make_user()
    give_token(user)  # no kind registered under "token" here

    post_form(client, "/admin/login", {"email": user.email, "password": PASSWORD})
    response = post_form(client, "/admin/login/code", {"code": TOKEN_CODE})

    assert response.status_code == 400
    assert client.get("/admin/").status_code == 302
