"""Image files at /media/<name>: the same bytes for ever, so any cache may keep them."""

from flask import Blueprint, abort, send_from_directory

from campaign.images.storage import FILE_NAME, upload_dir

bp = Blueprint("images", __name__)

ONE_YEAR = 365 * 24 * 3600
# An SVG opened on its own is a document: nothing in it may run or load, whatever slipped by.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


@bp.get("/media/<name>")
def media(name: str):
    if not FILE_NAME.fullmatch(name):
        abort(404)
    response = send_from_directory(upload_dir(), name, max_age=ONE_YEAR, conditional=True)
    response.cache_control.public = True
    response.cache_control.immutable = True
    if name.endswith(".svg"):
        response.headers["Content-Security-Policy"] = SVG_POLICY
    return response
