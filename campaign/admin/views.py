"""The console's front page."""

from flask import render_template

from campaign.admin import queries
from campaign.admin.blueprint import bp


@bp.get("/")
def dashboard():
    return render_template("admin/dashboard.html", campaigns=queries.campaigns_with_counts())
