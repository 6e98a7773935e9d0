"""Every public string is in the catalogs, and translated in every language the site ships."""

from gettext import c2py

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


def test_arabic_counts_take_the_plural_form_its_translators_wrote_for_them():
    # Forms in CLDR's order: zero, one, two, few (3-10), many (11-99), other (100-102, ...).
    # Babel's own table swaps the last two, which would write "11 متبرع" for "11 متبرعًا".
    form = c2py(read_catalog(shipped_catalogs()["ar"]).plural_expr)

    assert [form(n) for n in (0, 1, 2, 3, 10, 11, 99, 100, 102, 103, 111)] == [
        0, 1, 2, 3, 3, 4, 4, 5, 5, 3, 4,
    ]  # fmt: skip
