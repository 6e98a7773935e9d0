"""Language facts: text direction, names in themselves, and Babel's and Open Graph's spelling."""

RIGHT_TO_LEFT = frozenset({"ar", "fa", "he", "ug", "ur"})

# Names shown in the language switcher, each in its own language.
LANGUAGE_NAMES = {
    "ar": "العربية",
    "de": "Deutsch",
    "en": "English",
    "es": "Español",
    "fa": "فارسی",
    "fr": "Français",
    "he": "עברית",
    "kk": "Қазақша",
    "tr": "Türkçe",
    "ug": "ئۇيغۇرچە",
    "ur": "اردو",
    "zh": "中文",
    "zh-hans": "简体中文",
    "zh-hant": "繁體中文",
}

# Open Graph wants a language and a territory; these are the usual readers of each language.
_OPEN_GRAPH_LOCALES = {
    "ar": "ar_AR",
    "en": "en_GB",
    "tr": "tr_TR",
    "ug": "ug_CN",
    "zh-hans": "zh_CN",
    "zh-hant": "zh_TW",
}


def base_language(code: str) -> str:
    """The primary subtag of a language tag: "ug-Arab" -> "ug"."""
    return code.split("-")[0].lower()


def text_direction(code: str) -> str:
    """The text direction of a language: "rtl" or "ltr"."""
    return "rtl" if base_language(code) in RIGHT_TO_LEFT else "ltr"


def language_name(code: str) -> str:
    """The language's own name for itself, or the code when we do not know it."""
    return LANGUAGE_NAMES.get(code.lower()) or LANGUAGE_NAMES.get(base_language(code), code)


def is_known(code: str) -> bool:
    return code.lower() in LANGUAGE_NAMES or base_language(code) in LANGUAGE_NAMES


def same_language(one: str, other: str) -> bool:
    """Whether two tags name one language: "zh" and "zh-Hans" do, "zh-Hans" and "zh-Hant" not."""
    one, other = one.lower(), other.lower()
    return one == other or one == base_language(other) or other == base_language(one)


# The site's English is British: "3 December 2026", not "December 3, 2026".
_BABEL_LOCALES = {"en": "en_GB"}


def babel_locale(code: str) -> str:
    """A BCP 47 tag as Babel and gettext's folders spell it: "zh-Hans" -> "zh_Hans"."""
    return _BABEL_LOCALES.get(code, code.replace("-", "_"))


def N_(singular: str, plural: str | None = None) -> str:
    """Mark a message, or a singular and its plural, for extraction; return it as it is.

    It is translated where it is shown; what is stored (a consent wording) stays as written.
    """
    return singular


def open_graph_locale(code: str) -> str:
    """`og:locale` for a language: "ug" -> "ug_CN"."""
    return _OPEN_GRAPH_LOCALES.get(code.lower()) or babel_locale(code)
