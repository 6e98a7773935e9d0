"""Sealed tokens: only this site reads them, for the purpose they were made for, and nobody can
change one or make one."""

import base64

import pytest

from campaign.tokens import (
    Sealer,
    TokenError,
    TokenExpired,
    make_sealed_token,
    read_sealed_token,
)


def test_a_sealed_token_gives_back_its_payload_and_shows_nothing_of_it(app):
    with app.app_context():
        token = make_sealed_token("your-data", {"e": "reader@example.org"})

        assert read_sealed_token("your-data", token) == {"e": "reader@example.org"}
        assert b"reader" not in base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        assert "reader" not in token


def test_a_changed_token_another_purpose_or_another_key_is_refused(app, app_settings):
    with app.app_context():
        token = make_sealed_token("your-data", {"e": "reader@example.org"})
        flipped = token[:20] + ("A" if token[20] != "A" else "B") + token[21:]

        for bad in (flipped, token[:-1], token + "A", "", "not base64 at all!", "AAAA"):
            with pytest.raises(TokenError):
                read_sealed_token("your-data", bad)
        with pytest.raises(TokenError):
            read_sealed_token("unsubscribe", token)
        app_settings(SECRET_KEY="another-secret-key")
        with pytest.raises(TokenError):
            read_sealed_token("your-data", token)


def test_a_token_older_than_its_max_age_has_expired(app, monkeypatch):
    with app.app_context():
        sealer = Sealer("your-data")
        monkeypatch.setattr("campaign.tokens.time.time", lambda: 1_700_000_000)
        token = sealer.seal({"e": "reader@example.org"})
        monkeypatch.setattr("campaign.tokens.time.time", lambda: 1_700_000_000 + 61)

        assert sealer.open(token, max_age=120) == {"e": "reader@example.org"}
        with pytest.raises(TokenExpired):
            sealer.open(token, max_age=60)
