"""Where image files live: UPLOAD_DIR, `instance/uploads/` unless configured.

Files are written whole (to a temporary name, then renamed) and never changed afterwards, so
every app server reading a shared UPLOAD_DIR sees an image entirely or not at all.
"""

import os
import re
import tempfile
from pathlib import Path

from flask import current_app

# What an image file's name looks like: its image's key, its width, its format.
FILE_NAME = re.compile(r"[0-9a-f]{24}-[0-9]{1,5}\.(?:jpg|png|svg)")


def upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def write(name: str, data: bytes) -> None:
    """Store one file under its final name, atomically."""
    directory = upload_dir()
    directory.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".upload-")
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
        os.replace(temporary, directory / name)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def remove(names: list[str]) -> None:
    for name in names:
        (upload_dir() / name).unlink(missing_ok=True)
