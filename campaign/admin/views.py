"""The console's front page under /admin."""

from flask import render_template

from campaign.admin.blueprint import bp
from campaign.content.reports import campaigns_with_counts


@bp.get("/")
def dashboard():
    return render_template("admin/dashboard.html", campaigns=campaigns_with_counts())
