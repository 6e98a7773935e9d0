"""Organisers' words in the reader's language: what each kind of record translates, and reads.

A feature declares its translatable records once (`translatable(...)`, from its `init_app`);
views hand templates `in_page_language(record)`, which reads like the record but answers with
the translation's words where the page's language has them.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select

from campaign.content.rendering import render_markdown
from campaign.extensions import db
from campaign.i18n.models import ContentTranslation
from campaign.i18n.site import current_language
from campaign.page_cache import kept_for_a_moment


@dataclass(frozen=True)
class TranslatedField:
    name: str
    label: Any  # a lazy string: shown in the console
    max_length: int | None = None
    multiline: bool = False
    markdown: bool = False  # rendered to `<name>_html`, as the original's is


@dataclass(frozen=True)
class Translatable:
    kind: str  # "petition": the key in the table and in console URLs
    model: type
    fields: tuple[TranslatedField, ...]
    own_language: Callable[[Any], str]  # the language the original is written in
    describe: Callable[[Any], str]  # the record's name in the console
    console_url: Callable[[Any], str]  # back to the record's own console page


_KINDS: dict[str, Translatable] = {}


def translatable(kind: Translatable) -> None:
    """Declare a kind of record whose words can be translated."""
    _KINDS[kind.kind] = kind


def kind_named(name: str) -> Translatable | None:
    return _KINDS.get(name)


def kind_of(record: Any) -> Translatable:
    return next(kind for kind in _KINDS.values() if isinstance(record, kind.model))


class Localised:
    """A record as a reader of one language sees it; everything else is the record's own."""

    def __init__(self, record: Any, values: dict, language: str) -> None:
        self._record = record
        self._values = values
        self.language = language  # of the words shown: the translation's or the original's

    def __getattr__(self, name: str) -> Any:
        if name in self._values:
            return self._values[name]
        return getattr(self._record, name)

    @property
    def record(self) -> Any:
        return self._record


def forget_translations(record: Any) -> None:
    """Delete a record's translations, with it (the caller deletes the record and flushes)."""
    for stored in db.session.scalars(
        select(ContentTranslation).where(
            ContentTranslation.kind == kind_of(record).kind,
            ContentTranslation.record_id == record.id,
        )
    ):
        db.session.delete(stored)


def in_page_language(record: Any, language: str | None = None) -> Localised:
    """The record in the page's language where it is translated into it, else as written."""
    return in_page_language_all([record], language)[0]


def in_page_language_all(records: Iterable[Any], language: str | None = None) -> list[Localised]:
    """`in_page_language` for many records, read in one statement per kind."""
    records = list(records)
    language = language or current_language()
    found: dict[tuple[str, int], dict] = {}
    by_kind: dict[str, list[int]] = {}
    for record in records:
        kind = kind_of(record)
        if kind.own_language(record) != language:
            by_kind.setdefault(kind.kind, []).append(record.id)
    for kind_name, ids in by_kind.items():
        for record_id, values in _translations(kind_name, tuple(sorted(ids)), language):
            found[kind_name, record_id] = values
    localised = []
    for record in records:
        kind = kind_of(record)
        values = found.get((kind.kind, record.id))
        shown = language if values else kind.own_language(record)
        localised.append(Localised(record, values or {}, shown))
    return localised


def _translations(kind: str, ids: tuple[int, ...], language: str) -> list[tuple[int, dict]]:
    # Pages are kept for a moment anyway (page_cache); the sign and confirm forms, which are
    # not, read the same translation at most once a moment too.
    def read() -> list[tuple[int, dict]]:
        rows = db.session.execute(
            select(ContentTranslation.record_id, ContentTranslation.values).where(
                ContentTranslation.kind == kind,
                ContentTranslation.record_id.in_(ids),
                ContentTranslation.language == language,
            )
        )
        return [(record_id, dict(values)) for record_id, values in rows]

    return kept_for_a_moment("translations", (kind, ids, language), read)[0]


def translation(record: Any, language: str) -> ContentTranslation | None:
    """The stored translation of a record into a language, for the console."""
    return db.session.scalar(
        select(ContentTranslation).where(
            ContentTranslation.kind == kind_of(record).kind,
            ContentTranslation.record_id == record.id,
            ContentTranslation.language == language,
        )
    )


def translated_languages(record: Any) -> set[str]:
    return set(
        db.session.scalars(
            select(ContentTranslation.language).where(
                ContentTranslation.kind == kind_of(record).kind,
                ContentTranslation.record_id == record.id,
            )
        )
    )


def languages_to_translate_into(record: Any) -> list[str]:
    """The site's languages other than the one the record is written in."""
    own = kind_of(record).own_language(record)
    return [tag for tag in current_app.config["LANGUAGES"] if tag != own]


def save_translation(
    record: Any, language: str, texts: dict[str, str]
) -> ContentTranslation | None:
    """Store a record's words in a language; fields left empty show the original's.

    All empty, the translation is removed. Flushes; the caller commits.
    """
    kind = kind_of(record)
    values: dict[str, str] = {}
    for field in kind.fields:
        text = (texts.get(field.name) or "").strip()
        if text:
            values[field.name] = text
            if field.markdown:
                values[f"{field.name}_html"] = render_markdown(text)
    stored = translation(record, language)
    if not values:
        if stored is not None:
            db.session.delete(stored)
            db.session.flush()
        return None
    if stored is None:
        stored = ContentTranslation(kind=kind.kind, record_id=record.id, language=language)
        db.session.add(stored)
    stored.values = values  # a new dict: the JSON column sees the change
    db.session.flush()
    return stored
