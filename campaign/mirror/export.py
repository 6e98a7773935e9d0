"""Write a copy of the public site into a directory (and a zip of it), replacing an earlier copy.

The copy is built beside the directory and moved into place at the end, so a reader of the
old copy never sees half of the new one, and a failed export leaves the old copy as it was.
"""

import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

from campaign.db import utcnow
from campaign.mirror import links
from campaign.mirror.crawl import Fetched, Site, crawl
from campaign.mirror.manifest import MANIFEST, MirrorError, files_in, is_mirror, write_manifest


@dataclass
class ExportReport:
    directory: Path
    files: int
    pages: int
    zip_path: Path | None
    unreachable: dict[str, str]


def check_target(directory: Path) -> None:
    """Refuse a directory that holds anything but an earlier copy: the export replaces it."""
    if directory.exists() and not directory.is_dir():
        raise MirrorError(f"{directory} exists and is not a directory.")
    if directory.is_dir() and any(directory.iterdir()) and not is_mirror(directory):
        raise MirrorError(
            f"{directory} is not empty and holds no earlier mirror (no {MANIFEST} from "
            "`flask mirror export`): choose an empty or new directory."
        )


def export_site(app: Flask, directory: Path, make_zip: bool = False) -> ExportReport:
    """Crawl the public site and write it into `directory` as static files with a manifest."""
    directory = directory.resolve()
    check_target(directory)
    exported_at = utcnow()
    site = crawl(app, exported_at)
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
    try:
        staging.chmod(0o755)  # mkdtemp's 0700 would keep a web server out
        for page in site.pages.values():
            _write(staging, page, site)
        write_manifest(staging, exported_at, app.config["SITE_URL"], app.config["SITE_ONION_URL"])
        _replace(directory, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    zip_path = _zip(directory) if make_zip else None
    return ExportReport(
        directory=directory,
        files=len(site.pages) + 1,
        pages=sum(page.mimetype == "text/html" for page in site.pages.values()),
        zip_path=zip_path,
        unreachable=site.unreachable,
    )


def _write(root: Path, page: Fetched, site: Site) -> None:
    target = root / page.file
    if target.parent.exists() and not target.parent.is_dir():
        raise MirrorError(f"{page.path} needs {page.file}, where the copy already has a file.")
    target.parent.mkdir(parents=True, exist_ok=True)

    def relative(link: str) -> str | None:
        return site.relative_link(page, link)

    if page.mimetype == "text/html":
        target.write_text(links.rewrite_html(page.text(), relative), encoding="utf-8")
    elif page.mimetype == "text/css":
        target.write_text(links.rewrite_css(page.text(), relative), encoding="utf-8")
    else:
        target.write_bytes(page.body)


def _replace(directory: Path, staging: Path) -> None:
    """Put the new copy where the old one (or an empty directory) was."""
    if not directory.exists():
        staging.rename(directory)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{directory.name}.old.", dir=directory.parent))
    old = retired / directory.name
    directory.rename(old)
    staging.rename(directory)
    shutil.rmtree(retired)


def _zip(directory: Path) -> Path:
    """DIR.zip beside DIR, holding the same files and the manifest, written whole or not at all."""
    zip_path = directory.with_name(directory.name + ".zip")
    partial = zip_path.with_name(zip_path.name + ".part")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in [*files_in(directory), MANIFEST]:
            archive.write(directory / name, arcname=name)
    os.replace(partial, zip_path)
    return zip_path
