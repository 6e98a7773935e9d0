"""ISO 3166-1 countries, named in the reader's language (Babel's CLDR data)."""

from functools import cache

import pycountry
from babel import Locale, UnknownLocaleError
from markupsafe import escape

CODES = frozenset(country.alpha_2 for country in pycountry.countries)


@cache
def country_names(language: str = "en") -> dict[str, str]:
    """Every country's name in `language` (English where CLDR has no name), sorted by name."""
    try:
        names = Locale.parse(language.replace("-", "_")).territories
    except (UnknownLocaleError, ValueError):
        names = Locale.parse("en").territories
    named = {code: names.get(code) or pycountry.countries.get(alpha_2=code).name for code in CODES}
    return dict(sorted(named.items(), key=lambda item: item[1].casefold()))


def country_name(code: str, language: str = "en") -> str:
    """A country's name in `language`, or the code itself when unknown."""
    return country_names(language).get(code, code)


@cache
def country_options_html(language: str = "en") -> str:
    """The <option> of every country, rendered once per language; the form adds its prompt."""
    return "".join(
        f'<option value="{code}">{escape(name)}</option>'
        for code, name in country_names(language).items()
    )
