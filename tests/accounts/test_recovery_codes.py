"""Recovery codes: ten, each working once, kept only as digests, replaced all at once."""

import hashlib

import pytest
from sqlalchemy import select, update

from campaign.accounts.factors import BY_RECOVERY_CODE, check_code, recovery
from campaign.accounts.factors.models import RecoveryCode
from tests.factories.accounts import make_authenticator, make_user


@pytest.fixture
def user(session):
    user = make_user()
    make_authenticator(user)
    return user


def test_ten_codes_of_80_random_bits_are_made(user):
    codes = recovery.replace_codes(user)

    assert len(codes) == len(set(codes)) == 10
    for code in codes:
        assert len(code) == 19 and code.count("-") == 3
        assert set(code.replace("-", "")) <= set(recovery.ALPHABET)


def test_codes_are_kept_only_as_their_sha256(user, session):
    codes = recovery.replace_codes(user)

    stored = set(session.scalars(select(RecoveryCode.code_hash)))
    digests = {hashlib.sha256(code.replace("-", "").encode()).hexdigest() for code in codes}
    assert stored == digests
    assert not any(code in digest for code in codes for digest in stored)


def test_a_recovery_code_works_once(user):
    code = recovery.replace_codes(user)[3]

    assert check_code(user, code) == BY_RECOVERY_CODE
    assert check_code(user, code) is None
    assert recovery.codes_left(user) == 9


def test_a_code_is_read_whatever_its_case_spaces_and_lookalike_digits(user):
    code = recovery.replace_codes(user)[0]
    typed = code.upper().replace("-", " ").replace("O", "0").replace("L", "1").replace("B", "8")

    assert recovery.use_code(user, typed)


def test_one_organiser_cannot_use_anothers_code(user, session):
    code = recovery.replace_codes(user)[0]
    other = make_user()
    make_authenticator(other)

    assert check_code(other, code) is None
    assert recovery.codes_left(user) == 10


def test_new_codes_end_the_old_ones(user):
    old = recovery.replace_codes(user)
    new = recovery.replace_codes(user)

    assert not recovery.use_code(user, old[0])
    assert recovery.use_code(user, new[0])
    assert recovery.codes_left(user) == 9


def test_a_code_another_request_just_used_is_refused(user, session):
    code = recovery.replace_codes(user)[0]
    session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.code_hash == recovery.digest(code))
        .values(used_at=RecoveryCode.created_at)
    )

    assert not recovery.use_code(user, code)


@pytest.mark.parametrize(
    "typed", ["", "abcd", "a" * 17, "abcd-efgh-ijkl-mno!", "\u0660" * 16]
)  # Arabic-Indic zeros
def test_what_cannot_be_a_code_is_refused(user, typed):
    recovery.replace_codes(user)

    assert not recovery.use_code(user, typed)
