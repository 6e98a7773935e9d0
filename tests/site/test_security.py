import pytest

from campaign import create_app
from campaign.security import SITE_POLICY, ContentSecurityPolicy, is_local_path
from config import ProductionConfig, TestingConfig


def test_public_pages_forbid_other_origins_and_framing(client, session):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]

    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_a_policy_changes_one_directive_by_a_copy_and_keeps_the_rest_in_order():
    policy = ContentSecurityPolicy({"default-src": ("'self'",), "form-action": ("'self'",)})

    wider = policy.with_sources("form-action", "'self'", "https://pay.example")

    assert str(wider) == "default-src 'self'; form-action 'self' https://pay.example"
    assert str(policy) == "default-src 'self'; form-action 'self'"
    assert str(ContentSecurityPolicy({"sandbox": ()})) == "sandbox"
    with pytest.raises(KeyError):
        policy.with_sources("form_action", "https://pay.example")  # misspelt: not widened


def test_the_site_policy_is_the_header_every_page_carries(client, session):
    assert client.get("/").headers["Content-Security-Policy"] == str(SITE_POLICY)


def test_anonymous_pages_set_no_cookie(client, session):
    response = client.get("/")

    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize(
    "target",
    ["/admin/", "/admin/campaigns?x=1"],
)
def test_local_paths_are_accepted_as_redirect_targets(target):
    assert is_local_path(target)


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/admin/\r\nLocation: https://evil.example",
        "admin",
    ],
)
def test_anything_that_could_leave_the_site_is_refused_as_redirect_target(target):
    assert not is_local_path(target)


class _Production(ProductionConfig):
    SQLALCHEMY_DATABASE_URI = "sqlite://"


def test_production_refuses_to_start_without_a_secret_key(capsys):
    class NoSecret(_Production):
        SECRET_KEY = None

    with pytest.raises(SystemExit) as stopped:
        create_app(NoSecret)

    assert stopped.value.code != 0
    assert capsys.readouterr().err.startswith("campaign: SECRET_KEY is not set.")


def test_production_session_cookies_are_secure_httponly_and_lax():
    class WithSecret(_Production):
        SECRET_KEY = "a-production-secret"

    app = create_app(WithSecret)

    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_forwarded_addresses_are_ignored_unless_proxies_are_trusted(app):
    seen = []

    with app.test_request_context(
        "/", headers={"X-Forwarded-For": "203.0.113.9"}, environ_base={"REMOTE_ADDR": "10.0.0.1"}
    ):
        from flask import request

        seen.append(request.remote_addr)

    assert seen == ["10.0.0.1"]
    assert TestingConfig.TRUSTED_PROXIES == 0


def test_a_lost_uniqueness_race_is_a_409_page_and_changes_nothing(tmp_path):
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from campaign.content.models import Campaign
    from campaign.extensions import db

    class Settings(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'race.sqlite3'}"

    app = create_app(Settings)

    @app.get("/_test/duplicate-slug")
    def duplicate_slug():  # what two organisers saving one slug at once amount to
        db.session.add(Campaign(slug="taken", title="Twin"))
        db.session.commit()
        return "saved"

    with app.app_context():
        upgrade()
        db.session.add(Campaign(slug="taken", title="First"))
        db.session.commit()

        response = app.test_client().get("/_test/duplicate-slug")

        assert response.status_code == 409
        assert "at the same moment" in response.get_data(as_text=True)
        assert db.session.scalar(select(func.count()).select_from(Campaign)) == 1
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("path", ["/subscribe", "/petitions/{slug}/sign", "/admin/login"])
def test_a_post_over_the_size_limit_gets_the_413_page_with_its_headers(client, session, path):
    from tests.factories.petitions import make_petition

    path = path.format(slug=make_petition().slug)
    too_big = "x" * (client.application.config["MAX_CONTENT_LENGTH"] + 1)

    response = client.post(path, data={"name": too_big}, headers={"Sec-Fetch-Site": "same-origin"})

    assert response.status_code == 413
    assert "What you sent is too large." in response.get_data(as_text=True)
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_a_post_over_the_size_limit_to_no_page_gets_the_404_page(client, session):
    too_big = "x" * (client.application.config["MAX_CONTENT_LENGTH"] + 1)

    response = client.post("/petitions/no-such-petition/sign", data={"name": too_big})

    assert response.status_code == 404
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_a_lost_uniqueness_race_logs_no_signers_address(app, session, caplog):
    from sqlalchemy.exc import IntegrityError

    from campaign.errors import conflict_error

    # What PostgreSQL says when two requests sign with one address at the same moment.
    orig = Exception(
        'duplicate key value violates unique constraint "uq_signatures_petition_id_email"\n'
        "DETAIL:  Key (petition_id, email)=(7, alice@example.org) already exists."
    )
    with app.test_request_context("/petitions/free-them/sign", method="POST"):
        response = conflict_error(IntegrityError("INSERT …", {}, orig))

    assert response.status_code == 409
    assert "uq_signatures_petition_id_email" in caplog.text
    assert "alice@example.org" not in caplog.text


def test_database_errors_carry_no_row_values_into_logged_tracebacks(session):
    from sqlalchemy.exc import IntegrityError

    from campaign.errors import database_error_summary
    from tests.factories.petitions import make_petition, make_signature

    petition = make_petition()
    make_signature(petition, email="alice@example.org")

    # Any statement that fails (a lost race, a dropped connection) ends in the error log.
    with pytest.raises(IntegrityError) as failure, session.begin_nested():
        make_signature(petition, email="alice@example.org", name="Alice Example")

    logged = database_error_summary(failure.value)
    assert "IntegrityError" in logged or "UniqueViolation" in logged
    assert "alice@example.org" not in logged
    assert "Alice Example" not in logged
    # The statement's parameters are hidden even in the exception itself.
    assert "Alice Example" not in str(failure.value)


def _client_key_for(app, address: str) -> str:
    from campaign.privacy import client_key

    with app.test_request_context("/", environ_base={"REMOTE_ADDR": address}):
        return client_key()


def test_an_ipv6_client_cannot_escape_rate_limits_by_moving_within_its_64(app):
    # A home or cloud connection gets a whole /64 and may use any address in it.
    one = _client_key_for(app, "2001:db8:1:2::1")

    assert _client_key_for(app, "2001:db8:1:2:ffff:ffff:ffff:fffe") == one
    assert _client_key_for(app, "2001:db8:1:3::1") != one
    assert _client_key_for(app, "203.0.113.9") != _client_key_for(app, "203.0.113.10")
    assert _client_key_for(app, "::ffff:203.0.113.9") == _client_key_for(app, "203.0.113.9")


def test_signing_from_fresh_ipv6_addresses_of_one_network_is_still_limited(
    client, session, app_settings
):
    from tests.factories.petitions import make_petition

    app_settings(SIGN_RATE_LIMIT="2 per minute")
    petition = make_petition()
    statuses = [
        client.post(
            f"/petitions/{petition.slug}/sign",
            data={"name": "Ana", "email": f"ana{n}@example.org", "country": "PT"},
            headers={"Sec-Fetch-Site": "same-origin"},
            environ_base={"REMOTE_ADDR": f"2001:db8:1:2::{n + 1:x}"},
        ).status_code
        for n in range(3)
    ]

    assert statuses == [200, 200, 429]
