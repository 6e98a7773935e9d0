"""`flask mirror export DIR` writes the public site as static files that work from any static
host or a disk, every link inside resolving to a file of the copy; `flask mirror verify DIR`
checks a copy against its manifest.

One export of the demo site (by a real `flask` process) is shared by the module: the demo is
committed to a database of the module's own, since a process cannot see a test's rolled-back
transaction.
"""

import json
import os
import re
import shutil
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from campaign import create_app
from campaign.content.models import Explainer, LearnMoreLink
from campaign.content.rendering import render_markdown
from campaign.demo.loader import load_demo
from campaign.donations.models import Appeal
from campaign.extensions import db
from campaign.i18n.models import ContentTranslation
from campaign.petitions.models import Petition, Signature, SignatureStatus
from campaign.updates.models import Update, UpdateTranslation
from config import TestingConfig
from tests.processes import ROOT

SITE_URL = TestingConfig.SITE_URL
ONION = "http://" + "campaign2" * 6 + "ab.onion"
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]*)['"]?\s*\)""")


class Page(HTMLParser):
    """What the tests read in a page of the copy: its links, forms and live-site links."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.links: list[tuple[str, bool]] = []  # (URL, marked as a link to the live site)
        self.forms = 0
        self.live_site_notes = 0
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        found = dict(attrs)
        self.forms += tag == "form"
        self.live_site_notes += "live-site-note" in (found.get("class") or "").split()
        for name in ("href", "src", "poster", "action", "formaction"):
            if found.get(name) is not None:
                self.links.append((found[name], "data-live-site" in found))
        for candidate in (found.get("srcset") or "").split(","):
            if candidate.strip():
                self.links.append((candidate.split()[0], False))


def run_flask(args: list[str], database_url: str, tmp: Path, **settings: str):
    """`flask --app campaign …` in a process of its own, in production mode."""
    environment = {
        "PATH": str(ROOT / ".venv" / "bin") + ":" + os.environ.get("PATH", "/usr/bin:/bin"),
        "CAMPAIGN_INSTANCE_DIR": str(tmp / "instance"),
        "SECRET_KEY": "mirror-test-secret-key",
        "DATABASE_URL": database_url,
        "SITE_URL": SITE_URL,
        "MAIL_FILE_DIR": str(tmp / "mail"),
        **settings,
    }
    return subprocess.run(
        ["flask", "--app", "campaign", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def mirror_app(tmp_path_factory):
    """An app on a database of the module's own, with the demo committed."""
    database = tmp_path_factory.mktemp("mirror-db") / "mirror.sqlite3"

    class Settings(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{database}"

    app = create_app(Settings)
    with app.app_context():
        upgrade()
        load_demo()
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def exported(mirror_app, tmp_path_factory) -> Path:
    """The demo site exported, with --zip, by a real `flask mirror export` process."""
    tmp = tmp_path_factory.mktemp("mirror")
    directory = tmp / "site"
    finished = run_flask(
        ["mirror", "export", str(directory), "--zip"],
        mirror_app.config["SQLALCHEMY_DATABASE_URI"],
        tmp,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert f"to {directory}" in finished.stdout
    return directory


@pytest.fixture
def copy(exported, tmp_path) -> Path:
    """A copy of the export a test may tamper with."""
    return Path(shutil.copytree(exported, tmp_path / "copy"))


@pytest.fixture(scope="module")
def allowed_outside(mirror_app) -> set[str]:
    """The addresses outside the site the copy may link: the content's own."""
    with mirror_app.app_context():
        allowed = set(db.session.scalars(select(LearnMoreLink.url)))
        allowed |= set(db.session.scalars(select(Appeal.external_url))) - {None}
        bodies = [
            body
            for model in (Explainer, Petition, Appeal, Update, UpdateTranslation)
            for body in db.session.scalars(select(model.body))
        ]
        translated = db.session.scalars(select(ContentTranslation.values))
        bodies += [values.get("body", "") for values in translated]
    for body in bodies:
        allowed |= {url for url, _ in Page(render_markdown(body)).links if urlsplit(url).scheme}
    return allowed


def html_files(directory: Path) -> list[Path]:
    return sorted(directory.rglob("*.html"))


def verify(directory: Path, app):
    return app.test_cli_runner().invoke(args=["mirror", "verify", str(directory)])


def test_every_link_in_the_copy_leads_to_a_file_of_it_or_to_the_contents_own_sources(
    exported, allowed_outside
):
    checked = 0
    for path in [*html_files(exported), *exported.rglob("*.css")]:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".css":
            links = [(url, False) for url in CSS_URL.findall(text)]
        else:
            links = Page(text).links
        for link, to_live_site in links:
            parts = urlsplit(link)
            if to_live_site:
                assert link.startswith(SITE_URL + "/"), (path, link)
            elif parts.scheme or link.startswith("//"):
                assert link in allowed_outside, (path, link)
            elif parts.path:
                assert not link.startswith("/"), (path, link)
                target = (path.parent / unquote(parts.path)).resolve()
                assert target.is_relative_to(exported.resolve()), (path, link)
                assert target.is_file(), (path, link)
            checked += 1
    assert checked > 1000
    assert allowed_outside >= {"https://www.amnesty.org/en/donate/"}


def test_the_copy_has_every_language_hub_explainer_petition_appeal_update_and_asset(
    exported, mirror_app
):
    for prefix in ("", "ug/", "zh-Hans/", "tr/", "ar/"):
        for page in (
            "index.html",
            "c/china-cables/index.html",
            "petitions/un-access-xinjiang/index.html",
            "donate/fund-the-campaign/index.html",
            "donate/give-through-amnesty/index.html",
            "updates/what-china-said-and-what-amnesty-asked/index.html",
            "privacy/index.html",
        ):
            assert (exported / prefix / page).is_file(), prefix + page
    with mirror_app.app_context():
        explainers = db.session.scalars(select(Explainer.slug)).all()
    assert explainers
    for slug in explainers:  # a translation is under its own language's prefix
        assert list(exported.glob(f"**/explainers/{slug}/index.html")), slug
    ug_home = (exported / "ug" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ug" dir="rtl">' in ug_home
    for asset in ("static/site.css", "static/site.js", "static/demo/ijop-flow.svg", "favicon.ico"):
        assert (exported / asset).is_file(), asset
    assert list((exported / "static" / "fonts").glob("*.woff2"))
    assert not (exported / "admin").exists()
    draft = "the-cables-are-out"
    assert not (exported / "updates" / draft).exists()


def test_the_copy_shows_the_petition_count_of_the_moment_it_was_saved(exported, mirror_app):
    with mirror_app.app_context():
        petition = db.session.scalar(select(Petition).where(Petition.slug == "un-access-xinjiang"))
        confirmed = db.session.scalar(
            select(func.count())
            .select_from(Signature)
            .where(
                Signature.petition_id == petition.id,
                Signature.status == SignatureStatus.CONFIRMED,
            )
        )
    page = (exported / "petitions/un-access-xinjiang/index.html").read_text(encoding="utf-8")

    shown = re.search(r"<strong data-signature-count>([\d,]+)</strong>", page)
    assert confirmed > 0
    assert int(shown[1].replace(",", "")) == confirmed
    # No script asks a server for a fresher count: the copy has none.
    assert "data-petition-json" not in page
    assert "This is a copy of the site saved on" in page


def test_forms_become_a_note_naming_the_same_page_on_the_live_site(exported):
    for path in html_files(exported):
        page = Page(path.read_text(encoding="utf-8"))
        assert page.forms == 0, path
    petition = (exported / "petitions/un-access-xinjiang/index.html").read_text(encoding="utf-8")
    appeal = (exported / "tr/donate/fund-the-campaign/index.html").read_text(encoding="utf-8")
    home = (exported / "index.html").read_text(encoding="utf-8")

    assert f'href="{SITE_URL}/petitions/un-access-xinjiang" data-live-site' in petition
    assert "Signatures are collected only on the live site" in petition
    assert f'href="{SITE_URL}/tr/donate/fund-the-campaign" data-live-site' in appeal
    assert f'href="{SITE_URL}/" data-live-site' in home
    assert "Email updates are signed up for only on the live site" in home


def test_the_partner_appeal_links_the_partners_page_and_no_page_shares_to_networks(exported):
    partner = (exported / "donate/give-through-amnesty/index.html").read_text(encoding="utf-8")

    assert 'href="https://www.amnesty.org/en/donate/"' in partner
    for path in html_files(exported):
        text = path.read_text(encoding="utf-8")
        assert 'class="share"' not in text and "facebook.com" not in text, path
        assert 'rel="canonical"' not in text and 'hreflang="x-default"' not in text, path


def test_the_note_is_in_the_pages_language(exported):
    note = re.compile(r'<div class="notice live-site-note" role="note">\s*<p>([^<]+)</p>')
    notes = {
        prefix: note.search((exported / prefix / "index.html").read_text(encoding="utf-8"))[1]
        for prefix in ("", "ug", "zh-Hans", "tr", "ar")
    }

    assert len(set(notes.values())) == 5, notes


def test_the_onion_address_is_named_beside_the_web_address_when_set(
    mirror_app, monkeypatch, tmp_path
):
    monkeypatch.setitem(mirror_app.config, "SITE_ONION_URL", ONION)

    result = mirror_app.test_cli_runner().invoke(args=["mirror", "export", str(tmp_path / "m")])

    assert result.exit_code == 0, result.output
    petition = (tmp_path / "m/ug/petitions/un-access-xinjiang/index.html").read_text("utf-8")
    assert f'href="{SITE_URL}/ug/petitions/un-access-xinjiang" data-live-site' in petition
    assert f'href="{ONION}/ug/petitions/un-access-xinjiang" data-live-site' in petition
    manifest = json.loads((tmp_path / "m/manifest.json").read_text(encoding="utf-8"))
    assert manifest["site_onion_url"] == ONION and manifest["site_url"] == SITE_URL


def test_the_manifest_lists_every_file_and_the_zip_holds_the_same(exported):
    manifest = json.loads((exported / "manifest.json").read_text(encoding="utf-8"))
    listed = {entry["path"]: entry for entry in manifest["files"]}
    on_disk = {
        path.relative_to(exported).as_posix() for path in exported.rglob("*") if path.is_file()
    }

    assert set(listed) == on_disk - {"manifest.json"}
    assert listed["index.html"]["size"] == (exported / "index.html").stat().st_size
    assert manifest["site_url"] == SITE_URL and manifest["exported_at"].endswith("Z")
    with zipfile.ZipFile(exported.with_name("site.zip")) as archive:
        assert sorted(archive.namelist()) == sorted([*listed, "manifest.json"])
        assert archive.read("index.html") == (exported / "index.html").read_bytes()


def test_verify_passes_on_a_fresh_copy(exported, mirror_app):
    result = verify(exported, mirror_app)

    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: all ")


def test_verify_names_a_changed_a_missing_and_an_added_file(copy, mirror_app):
    page = copy / "petitions/un-access-xinjiang/index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("Sign", "Sing"), encoding="utf-8")
    (copy / "static/site.js").unlink()
    (copy / "static/tracker.js").write_text("alert(1)")
    styles = copy / "static/site.css"
    styles.write_bytes(styles.read_bytes()[:-1] + b" ")  # same size, other bytes

    result = verify(copy, mirror_app)

    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "changed: petitions/un-access-xinjiang/index.html (its SHA-256 differs)",
        "changed: static/site.css (its SHA-256 differs)",
        "missing: static/site.js",
        "unexpected: static/tracker.js",
    ]


@pytest.mark.parametrize(
    "spoil, message",
    [
        (lambda copy: shutil.rmtree(copy), "does not exist"),
        (lambda copy: shutil.rmtree(copy) or copy.write_text("a file"), "is not a directory"),
        (lambda copy: (copy / "manifest.json").unlink(), "has no manifest.json"),
        (lambda copy: (copy / "manifest.json").write_text("{not json"), "is not valid JSON"),
    ],
)
def test_verify_refuses_what_is_not_a_copy_with_exit_code_2(copy, mirror_app, spoil, message):
    spoil(copy)

    result = verify(copy, mirror_app)

    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert message in result.output


def test_export_refuses_a_directory_holding_something_else_or_a_file(mirror_app, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    runner = mirror_app.test_cli_runner()

    into_folder = runner.invoke(args=["mirror", "export", str(tmp_path)])
    onto_file = runner.invoke(args=["mirror", "export", str(tmp_path / "notes.txt")])

    assert into_folder.exit_code == 2
    assert into_folder.output.strip().splitlines() == [
        f"Error: {tmp_path} is not empty and holds no earlier mirror (no manifest.json from "
        "`flask mirror export`): choose an empty or new directory."
    ]
    assert onto_file.exit_code == 2
    assert onto_file.output.strip() == f"Error: {tmp_path}/notes.txt exists and is not a directory."
    assert [path.name for path in tmp_path.iterdir()] == ["notes.txt"]
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_export_over_an_earlier_copy_replaces_it_whole(copy, mirror_app):
    (copy / "static/left-over.txt").write_text("from before")

    result = mirror_app.test_cli_runner().invoke(args=["mirror", "export", str(copy)])

    assert result.exit_code == 0, result.output
    assert not (copy / "static/left-over.txt").exists()
    assert verify(copy, mirror_app).exit_code == 0
    assert [path.name for path in copy.parent.iterdir()] == ["copy"]
