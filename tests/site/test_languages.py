"""Language prefixes beyond the public pages: what they refuse, and errors in their language."""

from urllib.parse import quote

import pytest

from config import TestingConfig
from tests.helpers import in_language

OTHER_LANGUAGES = TestingConfig.LANGUAGES[1:]


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/login", "/admin/explainers/1/edit", "/healthz"]
)
def test_pages_with_one_address_are_not_found_under_a_language(client, session, language, path):
    response = client.get(f"/{language}{path}")

    assert response.status_code == 404
    assert f'<html lang="{language}"' in response.get_data(as_text=True)


def test_a_json_error_body_is_a_sentence_under_every_prefix(app, client, session):
    for language in ("en", "ug"):
        prefix = "" if language == "en" else f"/{language}"
        missing = client.get(f"{prefix}/c/nothing", headers={"Accept": "application/json"})
        refused = client.get(f"{prefix}/?q={quote(chr(1))}", headers={"Accept": "application/json"})

        with app.app_context():
            expected = (
                in_language(language, "There is no page at this address."),
                in_language(
                    language,
                    "The address holds control characters that no page of this site uses.",
                ),
            )
        assert (missing.status_code, missing.get_json()) == (404, {"error": expected[0]})
        assert (refused.status_code, refused.get_json()) == (400, {"error": expected[1]})
    assert expected[0] != "There is no page at this address."  # the Uyghur one, last


def test_an_expired_form_is_explained_in_the_pages_layout(client, session):
    response = client.post("/admin/login", data={"email": "a@example.org", "password": "x"})

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "This form has expired. Please go back, reload the page and try again." in page
    assert "That did not work" in page
