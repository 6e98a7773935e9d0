"""Languages on the app: each language's prefix, gettext, and the console's translation pages."""

from flask import Flask, url_for

from campaign.i18n import console, site
from campaign.i18n.translating import kind_of, languages_to_translate_into, translated_languages


def init_app(app: Flask) -> None:
    """Serve pages in every language and register the translation console."""
    site.init_app(app)
    app.register_blueprint(console.bp, url_prefix="/admin/translations")
    app.jinja_env.globals["translation_links"] = translation_links


def translation_links(record) -> list[dict]:
    """For a record's console page: each language it can be translated into, and where."""
    done = translated_languages(record)
    kind = kind_of(record).kind
    return [
        {
            "language": language,
            "translated": language in done,
            "url": url_for(
                "translations_console.edit_translation",
                kind_name=kind,
                record_id=record.id,
                language=language,
            ),
        }
        for language in languages_to_translate_into(record)
    ]
