"""`/updates/<slug>`: an update as published on the site, in the page's language's version."""

from flask import abort, current_app, render_template

from campaign.caching import cached_page
from campaign.i18n.languages import same_language
from campaign.i18n.site import current_language, language_versions
from campaign.updates.blueprint import bp
from campaign.updates.hub import published_update
from campaign.updates.models import Update, Version


@bp.get("/updates/<slug>")
@cached_page("content")
def update_page(slug: str):
    update = published_update(slug) or abort(404)
    version = update.version_for(current_language())
    return render_template(
        "updates/update.html",
        update=update,
        version=version,
        other_versions=other_versions(update, version),
    )


def other_versions(update: Update, shown: Version) -> list[dict]:
    """The update's other versions, each with the path of a page that shows it.

    Every language's page is at this path under its prefix and shows the version for that
    language, so a version's page is the one of its own language (or, for an original in a
    language the site does not speak, one that falls back to it).
    """
    pages = {page["language"]: page["path"] for page in language_versions()}
    shown_on = {tag: update.version_for(tag) for tag in current_app.config["LANGUAGES"]}
    links = []
    for version in update.versions():
        if version is shown:
            continue
        tags = [tag for tag, each in shown_on.items() if each is version]
        tags.sort(key=lambda tag: not same_language(tag, version.language))
        if tags:
            links.append({"language": version.language, "path": pages[tags[0]]})
    return links
