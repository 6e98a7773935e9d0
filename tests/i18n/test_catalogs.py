"""Every public string is in the catalogs, and translated in every language the site ships."""

import pytest
from babel.messages.checkers import python_format

from config import Config
from tests.i18n.catalogs import (
    CATALOGS,
    extract_fresh,
    is_public,
    read_catalog,
    shipped_catalogs,
    untranslated,
)

SHIPPED = Config.LANGUAGES[1:]


@pytest.fixture(scope="module")
def template():
    return read_catalog(CATALOGS / "messages.pot")


def test_the_template_holds_every_marked_string_of_the_code(tmp_path, template):
    fresh = extract_fresh(tmp_path / "fresh.pot")

    missing = sorted(str(m.id) for m in fresh if m.id and m.id not in template)
    stale = sorted(str(m.id) for m in template if m.id and m.id not in fresh)

    assert not missing, f"run `make translations`: {missing[:10]}"
    assert not stale, f"run `make translations`: {stale[:10]}"


def test_each_shipped_language_has_a_catalog_and_no_other_does():
    assert sorted(shipped_catalogs()) == sorted(tag.replace("-", "_") for tag in SHIPPED)


@pytest.mark.parametrize("language", SHIPPED)
def test_every_public_string_is_translated(language, template):
    catalog = read_catalog(shipped_catalogs()[language.replace("-", "_")])

    assert untranslated(catalog, template) == []


@pytest.mark.parametrize("language", SHIPPED)
def test_translations_keep_their_placeholders(language):
    catalog = read_catalog(shipped_catalogs()[language.replace("-", "_")])
    problems = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        try:
            python_format(catalog, message)
        except Exception as error:  # TranslationError: the checker's only complaint
            problems.append(f"{message.id!r}: {error}")

    assert problems == []


@pytest.mark.parametrize("language", SHIPPED)
def test_the_compiled_catalog_is_newer_than_its_source(language):
    source = shipped_catalogs()[language.replace("-", "_")]
    compiled = source.with_suffix(".mo")

    assert compiled.exists(), "run `make setup`: it compiles the catalogs"
    assert compiled.stat().st_mtime >= source.stat().st_mtime, "run `make setup`"


def test_the_console_may_stay_english_but_the_public_pages_may_not(template):
    # The split the completeness check relies on: a sign-up form's label is public, a console
    # heading is not.
    public = {str(m.id) for m in template if m.id and is_public(m)}

    assert "Skip to content" in public
