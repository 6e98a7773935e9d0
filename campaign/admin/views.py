"""The console's front page under /admin."""

from flask import Blueprint, render_template

from campaign.accounts.access import require_organiser
from campaign.content.reports import campaigns_with_counts

bp = Blueprint("admin", __name__)
bp.before_request(require_organiser)


@bp.get("/")
def dashboard():
    return render_template("admin/dashboard.html", campaigns=campaigns_with_counts())
