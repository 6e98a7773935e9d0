"""The demo in other languages: china_cables.<language>.toml and the Markdown beside it.

The campaign's, petition's and appeals' words are stored as content translations; each
explainer gets a version of its own, linked to its original. Unlike the originals, which are
left as organisers may have edited them, translations follow their files: a changed file
updates them on the next load, and an unchanged one changes nothing.
"""

import tomllib
from pathlib import Path

from sqlalchemy import select

from campaign.content.models import Campaign, Explainer
from campaign.content.publishing import add_link, set_translation_of, translation_group
from campaign.demo.look import demo_image
from campaign.donations.models import Appeal
from campaign.extensions import db
from campaign.i18n.translating import kind_of, save_translation, translation
from campaign.petitions.models import Petition

HERE = Path(__file__).resolve().parent


def load_translations(
    campaign: Campaign, created: list[str], kept: list[str], updated: list[str]
) -> None:
    """Store each language file's words and explainers for the demo campaign's own records."""
    for path in sorted(HERE.glob("china_cables.*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        language = data["language"]
        lists = (created, kept, updated)
        if "campaign" in data:
            _words(campaign, language, data["campaign"], f"campaign {campaign.slug}", lists)
        for fields in data.get("explainers", []):
            _explainer(campaign, language, fields, lists)
        for fields in data.get("petitions", []):
            petition = _demo_record(Petition, campaign, fields["slug"])
            if petition is not None:
                texts = fields | {"body": _read("petitions", fields["body"])}
                _words(petition, language, texts, f"petition {petition.slug}", lists)
        for fields in data.get("images", []):
            image = demo_image(fields["file"])
            if image is not None:
                _words(image, language, fields, f"image {fields['file']}", lists)
        for fields in data.get("appeals", []):
            appeal = _demo_record(Appeal, campaign, fields["slug"])
            if appeal is not None:
                texts = fields | {"body": _read("appeals", fields["body"])}
                _words(appeal, language, texts, f"appeal {appeal.slug}", lists)


def _read(folder: str, name: str) -> str:
    return (HERE / folder / name).read_text(encoding="utf-8")


def _demo_record(model: type, campaign: Campaign, slug: str):
    # Another campaign's petition or appeal may have the demo's slug: it is not translated.
    return db.session.scalar(
        select(model).where(model.slug == slug, model.campaign_id == campaign.id)
    )


def _words(record, language: str, texts: dict, name: str, lists: tuple) -> None:
    created, kept, updated = lists
    fields = [field.name for field in kind_of(record).fields]
    wanted = {field: texts[field].strip() for field in fields if (texts.get(field) or "").strip()}
    stored = translation(record, language)
    label = f"{name} in {language}"
    if stored is not None and {f: stored.values[f] for f in fields if f in stored.values} == wanted:
        kept.append(label)
        return
    save_translation(record, language, wanted)
    (created if stored is None else updated).append(label)


def _explainer(campaign: Campaign, language: str, fields: dict, lists: tuple) -> None:
    created, kept, updated = lists
    original = _demo_record(Explainer, campaign, fields["translation_of"])
    if original is None:
        return
    slug = fields["slug"]
    version = db.session.scalar(select(Explainer).where(Explainer.slug == slug))
    if version is None:
        if any(other.language == language for other in translation_group(original)):
            # The organisers have written their own; theirs stays the one in this language.
            kept.append(f"explainer {original.slug} in {language} (the organisers' version)")
            return
        version = Explainer(
            campaign=campaign,
            slug=slug,
            language=language,
            position=original.position,
            status=original.status,
            published_at=original.published_at,
        )
        db.session.add(version)
        _follow_file(version, fields)
        set_translation_of(version, original)
        created.append(f"explainer {slug}")
    elif version.campaign_id != campaign.id or version.translation_of_id != original.id:
        kept.append(f"explainer {slug}")  # not the demo's translation, or unlinked since
    elif _follow_file(version, fields):
        updated.append(f"explainer {slug}")
    else:
        kept.append(f"explainer {slug}")


def _follow_file(version: Explainer, fields: dict) -> bool:
    """Give the version its file's words and links; whether anything changed."""
    changed = False
    wanted = {
        "title": fields["title"],
        "summary": fields["summary"],
        "body": _read("explainers", fields["body"]),
    }
    for name, text in wanted.items():
        if getattr(version, name) != text:
            setattr(version, name, text)  # the body renders on assignment
            changed = True
    links = [(link["title"], link["url"]) for link in fields.get("links", [])]
    if [(link.title, link.url) for link in version.links] != links:
        version.links.clear()
        db.session.flush()
        for title, url in links:
            add_link(version, title, url)
        changed = True
    db.session.flush()
    return changed
