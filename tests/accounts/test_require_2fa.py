"""REQUIRE_2FA: an organiser without a second factor is led to set one up right after the
password, and can reach nothing else in the console until it is done."""

import re

import pytest

from campaign.accounts.access import SETTING_UP, require_organiser
from campaign.accounts.factors.kinds import setup_endpoints
from campaign.accounts.models import Role
from tests.factories.accounts import PASSWORD, code_of, make_authenticator, make_user
from tests.helpers import csrf_token, post_form

SECURITY = "/admin/security"


@pytest.fixture
def required(app_settings):
    app_settings(REQUIRE_2FA=True)


def console_rules(app):
    """Every route of a blueprint that the console's guard stands in front of."""
    guarded = {
        name for name, funcs in app.before_request_funcs.items() if require_organiser in funcs
    }
    for rule in app.url_map.iter_rules():
        if rule.endpoint.rsplit(".", 1)[0] in guarded:
            yield rule


def path_of(rule) -> str:
    """The rule with a value in each part: the guard answers before any view looks it up."""
    path = re.sub(r"<int:\w+>", "1", rule.rule)
    return re.sub(r"<[^>]+>", "x", path)


def test_the_password_leads_an_organiser_without_a_factor_to_set_one_up(client, required):
    user = make_user(role=Role.ADMIN)

    response = post_form(client, "/admin/login", {"email": user.email, "password": PASSWORD})

    assert response.headers["Location"] == SECURITY
    page = client.get(SECURITY).get_data(as_text=True)
    assert "Every organiser of this site needs a second factor" in page


def test_every_console_page_sends_them_back_until_it_is_done(app, client, auth, required):
    auth.sign_in(role=Role.ADMIN)
    token = csrf_token(client, SECURITY)
    allowed = SETTING_UP | setup_endpoints()
    checked, strays = 0, []
    for rule in console_rules(app):
        if rule.endpoint in allowed:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            data = {"csrf_token": token} if method != "GET" else None
            response = client.open(path_of(rule), method=method, data=data)
            checked += 1
            if response.status_code != 302 or response.headers["Location"] != SECURITY:
                strays.append(f"{method} {rule.rule} → {response.status_code}")

    assert checked > 50, "the walk found too few console pages"
    assert strays == []


def test_the_set_up_pages_and_the_check_page_stay_open(client, auth, required):
    auth.sign_in()

    assert client.get(SECURITY).status_code == 200
    assert client.get("/admin/check").status_code == 200
    started = post_form(client, "/admin/security/totp", {}, form_url=SECURITY)
    assert started.status_code == 303
    assert client.get(started.headers["Location"]).status_code == 200


def test_once_a_factor_is_set_up_the_console_opens(client, auth, required):
    user = auth.sign_in()
    assert client.get("/admin/campaigns").headers["Location"] == SECURITY

    make_authenticator(user)

    assert client.get("/admin/campaigns").status_code == 200


def test_an_account_with_a_factor_goes_straight_on_after_both_steps(client, auth, required):
    user = make_user()
    factor = make_authenticator(user)

    response = auth.sign_in(user, code=code_of(factor))

    assert client.get("/admin/").status_code == 200
    assert response is user


def test_a_one_time_password_is_changed_first_then_a_factor_set_up(client, auth, required):
    auth.sign_in(make_user(must_change_password=True))
    assert client.get("/admin/").headers["Location"] == "/admin/password"
    assert client.get(SECURITY).headers["Location"] == "/admin/password"

    changed = post_form(
        client,
        "/admin/password",
        {
            "current_password": PASSWORD,
            "new_password": "my own long passphrase",
            "confirm_password": "my own long passphrase",
        },
    )

    assert changed.headers["Location"] == SECURITY
    assert client.get("/admin/").headers["Location"] == SECURITY


def test_without_require_2fa_nobody_is_held(client, auth, app_settings):
    app_settings(REQUIRE_2FA=False)
    auth.sign_in()

    assert client.get("/admin/").status_code == 200


def test_production_requires_it_and_development_does_not():
    from config import DevelopmentConfig, ProductionConfig, TestingConfig

    assert ProductionConfig.REQUIRE_2FA is True
    assert DevelopmentConfig.REQUIRE_2FA is False
    assert TestingConfig.REQUIRE_2FA is False
