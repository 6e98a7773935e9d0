"""Pages of the console's lists: fifty rows each, the page number from `?page=`."""

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from campaign.extensions import db

PER_PAGE = 50


def console_page(query: Select) -> Pagination:
    """The requested page of `query`; a page number past the end or not a number is no 404."""
    return db.paginate(query, per_page=PER_PAGE, max_per_page=PER_PAGE, error_out=False)
