"""Pages of the console's lists: fifty rows each, the page number from `?page=`."""

from flask import request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from campaign.extensions import db
from campaign.input_guard import MAX_ID

PER_PAGE = 50
# Past this page the offset would not fit the database's integers; no list is that long.
LAST_PAGE = MAX_ID // PER_PAGE


def console_page(query: Select) -> Pagination:
    """The requested page of `query`; a page number past the end or not a number is no 404."""
    page = request.args.get("page", 1, type=int)
    page = min(max(page, 1), LAST_PAGE)
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)
