"""Authenticator-app codes (RFC 6238): the right code passes once, within one 30-second step
either side of now; a replayed or out-of-window code is refused."""

from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import update

from campaign.accounts.factors import check_code, totp
from campaign.accounts.factors.models import SecondFactor
from campaign.db import utcnow
from tests.factories.accounts import make_authenticator, make_user


@pytest.fixture
def app_factor(session):
    return make_authenticator(make_user())


def code_at(factor, moment) -> str:
    return pyotp.TOTP(factor.secret).at(moment)


def test_the_code_the_app_shows_now_passes(app_factor):
    now = utcnow()

    assert totp.check_code(app_factor, code_at(app_factor, now), now)
    assert app_factor.last_time_step == pyotp.TOTP(app_factor.secret).timecode(now)
    assert app_factor.last_used_at == now


def test_a_code_works_once(app_factor):
    now = utcnow()
    code = code_at(app_factor, now)

    assert totp.check_code(app_factor, code, now)
    assert not totp.check_code(app_factor, code, now)
    assert not totp.check_code(app_factor, code, now + timedelta(seconds=20))


def test_a_code_older_than_the_last_one_used_is_a_replay_too(app_factor):
    now = utcnow()
    earlier = code_at(app_factor, now - timedelta(seconds=30))

    assert totp.check_code(app_factor, code_at(app_factor, now), now)
    assert not totp.check_code(app_factor, earlier, now)


@pytest.mark.parametrize("seconds", [-30, 30])
def test_a_code_one_step_either_side_passes(app_factor, seconds):
    now = utcnow()

    assert totp.check_code(app_factor, code_at(app_factor, now + timedelta(seconds=seconds)), now)


@pytest.mark.parametrize("seconds", [-90, -60, 60, 90, -3600])
def test_a_code_further_out_of_the_window_is_refused(app_factor, seconds):
    now = utcnow()

    assert not totp.check_code(
        app_factor, code_at(app_factor, now + timedelta(seconds=seconds)), now
    )
    assert app_factor.last_time_step is None


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef", "١٢٣٤٥٦", "12 345"])
def test_what_is_not_six_digits_is_refused_without_a_lookup(app_factor, typed):
    assert totp.matching_step(app_factor, typed, utcnow()) is None


def test_a_code_another_request_just_used_is_refused_even_by_a_stale_copy(app_factor, session):
    """Two requests racing with one code: the UPDATE is conditional, so only one wins."""
    now = utcnow()
    step = pyotp.TOTP(app_factor.secret).timecode(now)
    # The other request's commit, which this one's loaded factor does not show.
    session.execute(
        update(SecondFactor)
        .where(SecondFactor.id == app_factor.id)
        .values(last_time_step=step)
        .execution_options(synchronize_session=False)
    )
    assert app_factor.last_time_step is None

    assert not totp.check_code(app_factor, code_at(app_factor, now), now)


def test_an_unconfirmed_app_proves_nothing_at_sign_in(session):
    user = make_user()
    pending = totp.new_factor(user)

    assert check_code(user, code_at(pending, utcnow())) is None


def test_spaces_typed_inside_a_code_are_ignored_at_sign_in(app_factor):
    code = code_at(app_factor, utcnow())

    assert check_code(app_factor.user, f" {code[:3]} {code[3:]} ") == "totp"


def test_the_key_is_160_random_bits_in_base32(app_factor):
    assert len(app_factor.secret) == 32
    assert set(app_factor.secret) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


def test_the_qr_code_is_our_own_svg_of_the_otpauth_address(app, app_factor):
    with app.test_request_context():
        uri = totp.provisioning_uri(app_factor)
        svg = str(totp.qr_svg(app_factor, "QR <code>"))

    assert uri.startswith("otpauth://totp/")
    assert f"secret={app_factor.secret}" in uri
    assert "issuer=Campaign" in uri
    assert svg.startswith("<svg")
    assert "<title>QR &lt;code&gt;</title>" in svg
    assert "http" not in svg  # nothing to load from anywhere
