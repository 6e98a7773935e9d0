"""`manifest.json`: every file of a copy with its size and SHA-256, and checking a copy by it.

Whoever holds a copy (from a USB stick, a static host or IPFS) can tell whether any file in it
was changed, lost or added since the export, offline.
"""

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

MANIFEST = "manifest.json"
GENERATOR = "campaign mirror"


class MirrorError(Exception):
    """A copy cannot be made or checked; the message says why, in one line."""


@dataclass(frozen=True)
class Difference:
    kind: str  # "missing", "changed" or "unexpected"
    path: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.kind}: {self.path}" + (f" ({self.detail})" if self.detail else "")


def files_in(directory: Path) -> list[str]:
    """Every file under `directory` but the manifest, as sorted relative POSIX paths."""
    found = []
    for root, folders, names in os.walk(directory):
        folders.sort()
        for name in names:
            path = (Path(root) / name).relative_to(directory).as_posix()
            if path != MANIFEST:
                found.append(path)
    return sorted(found)


def describe(path: Path) -> dict:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return {"size": path.stat().st_size, "sha256": digest.hexdigest()}


def write_manifest(directory: Path, exported_at: datetime, site_url: str, onion_url: str) -> dict:
    """Describe every file of the copy in its manifest.json; return what was written."""
    manifest = {
        "generator": GENERATOR,
        "exported_at": exported_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "site_url": site_url,
        "site_onion_url": onion_url or None,
        "files": [{"path": path, **describe(directory / path)} for path in files_in(directory)],
    }
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    (directory / MANIFEST).write_text(text, encoding="utf-8")
    return manifest


def read_manifest(directory: Path) -> dict:
    """The copy's manifest, checked for shape; MirrorError says what is wrong with it."""
    if not directory.exists():
        raise MirrorError(f"{directory} does not exist.")
    if not directory.is_dir():
        raise MirrorError(f"{directory} is not a directory.")
    path = directory / MANIFEST
    if not path.is_file():
        raise MirrorError(f"{directory} has no {MANIFEST}: it is not a mirror of the site.")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise MirrorError(f"{path} is not valid JSON ({error}).") from None
    if not isinstance(manifest, dict) or manifest.get("generator") != GENERATOR:
        raise MirrorError(f"{path} is not a manifest written by `flask mirror export`.")
    entries = manifest.get("files")
    if not isinstance(entries, list) or not all(_is_entry(entry) for entry in entries):
        raise MirrorError(f"{path} does not list files as path, size and sha256.")
    return manifest


def _is_entry(entry: object) -> bool:
    """A well-formed file entry, whose path stays inside the copy."""
    if not isinstance(entry, dict):
        return False
    path, size, digest = entry.get("path"), entry.get("size"), entry.get("sha256")
    if not isinstance(path, str) or not isinstance(size, int) or not isinstance(digest, str):
        return False
    parts = PurePosixPath(path).parts
    return bool(parts) and not path.startswith("/") and ".." not in parts and "\\" not in path


def is_mirror(directory: Path) -> bool:
    """Whether `directory` holds a copy an earlier export wrote (so one may replace it)."""
    try:
        read_manifest(directory)
    except MirrorError:
        return False
    return True


def verify(directory: Path) -> tuple[dict, list[Difference]]:
    """The manifest and every way the copy differs from it: files missing, changed, added."""
    manifest = read_manifest(directory)
    listed = {entry["path"]: entry for entry in manifest["files"]}
    present = set(files_in(directory))
    differences = []
    for path, entry in sorted(listed.items()):
        if path not in present:
            differences.append(Difference("missing", path))
            continue
        found = describe(directory / path)
        if found["size"] != entry["size"]:
            detail = f"{found['size']} bytes, the manifest says {entry['size']}"
            differences.append(Difference("changed", path, detail))
        elif found["sha256"] != entry["sha256"]:
            differences.append(Difference("changed", path, "its SHA-256 differs"))
    differences += [Difference("unexpected", path) for path in sorted(present - set(listed))]
    return manifest, differences
