"""Hostile bytes and numbers stop at the edge, before any view or query sees them.

PostgreSQL refuses a NUL byte in text and a number wider than the column with an error; left
to reach it, such input crashes a route (a 500) and, worse, crashes it only on the path that
writes, so the difference can tell a prober which addresses are known. Here, once for every
route: a path holding a control character is a 404, a query string holding one is a 400, and an
`<int:…>` URL part that no id column can hold matches no route. Form fields get the same rule
beside each field (see `campaign.form_fields.Form`).
"""

import re

from flask import Flask, abort, request
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter, Map

from campaign.errors import Refusal

# PostgreSQL's `integer`, the type of every id column: the widest number a URL may name.
MAX_ID = 2**31 - 1

# C0 controls and DEL: no page address and no typed text needs them.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f]")

UNUSABLE_QUERY = _l("The address holds control characters that no page of this site uses.")


class ColumnIntegerConverter(IntegerConverter):
    """`<int:…>`, bounded by what an id column holds: a wider number is simply no page."""

    def __init__(self, url_map: Map, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def has_control_characters(text: str) -> bool:
    """True when `text` holds a C0 control character (NUL, escape …) or DEL."""
    return CONTROL_CHARACTERS.search(text) is not None


def refuse_control_characters() -> None:
    """A `before_request` check: control characters in the path are a 404, in the query a 400."""
    if has_control_characters(request.path):
        abort(404)
    for name, value in request.args.items(multi=True):
        if has_control_characters(name) or has_control_characters(value):
            raise Refusal(UNUSABLE_QUERY)


def init_app(app: Flask) -> None:
    """Bound `<int:…>` URL parts and check every request, before any other hook runs."""
    app.url_map.converters["int"] = ColumnIntegerConverter
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_control_characters)
