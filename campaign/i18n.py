"""Language facts the layout needs: text direction and the names of languages in themselves."""

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
}


def base_language(code: str) -> str:
    """The primary subtag of a language tag: "ug-Arab" -> "ug"."""
    return code.split("-")[0].lower()


def text_direction(code: str) -> str:
    """The text direction of a language: "rtl" or "ltr"."""
    return "rtl" if base_language(code) in RIGHT_TO_LEFT else "ltr"


def language_name(code: str) -> str:
    """The language's own name for itself, or the code when we do not know it."""
    return LANGUAGE_NAMES.get(base_language(code), code)
