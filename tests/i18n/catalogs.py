"""Reading the catalogs: which messages the public sees, and which are missing a translation."""

import subprocess
import sys
from fnmatch import fnmatch
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = ROOT / "campaign" / "translations"
# The organisers' console is marked for translation but ships in English for now: a message
# found only in these files may stay untranslated.
CONSOLE_SOURCES = (
    "campaign/accounts/*",
    "campaign/admin/*",
    "campaign/*/console.py",
    "campaign/*/console_forms.py",
    "campaign/*/feature.py",
    "campaign/content/forms.py",
    "campaign/content/identity.py",  # refusals of an accent colour, beside its field
    "campaign/images/*",  # the image library is the console's; /media has no words
    "campaign/mailer/forms.py",
    "campaign/subscribers/importing.py",  # the console's import (and the command's)
    "campaign/updates/forms.py",
    "campaign/updates/editing.py",
    "templates/*/console/*",
    "templates/admin/*",
    "templates/accounts/*",
    "templates/mailer/*",
    "templates/emails/transport_check/*",
    "templates/emails/new_device/*",  # to organisers
    "templates/emails/second_factors_reset/*",  # to an organiser, like the test message
)


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file)


def extract_fresh(into: Path) -> Catalog:
    """What `make translations` would extract from the code as it is now."""
    subprocess.run(
        [
            str(Path(sys.executable).with_name("pybabel")), "extract",
            "-F", "babel.cfg", "-k", "_l", "-k", "N_", "-k", "N_:1,2,2t", "--add-location=file",
            "--sort-output", "-o", str(into), ".",
        ],
        cwd=ROOT,
        check=True,
    )  # fmt: skip
    return read_catalog(into)


def is_public(message: Message) -> bool:
    return any(
        not any(fnmatch(path, pattern) for pattern in CONSOLE_SOURCES)
        for path, _ in message.locations
    )


def shipped_catalogs() -> dict[str, Path]:
    return {path.parent.parent.name: path for path in CATALOGS.glob("*/LC_MESSAGES/messages.po")}


def untranslated(catalog: Catalog, template: Catalog) -> list[str]:
    """The public messages of the template that the catalog lacks, leaves empty or fuzzy."""
    missing = []
    for message in template:
        if not message.id or not is_public(message):
            continue
        found = catalog.get(message.id, message.context)
        strings = () if found is None else found.string
        strings = strings if isinstance(strings, tuple) else (strings,)
        if found is None or found.fuzzy or not strings or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing
