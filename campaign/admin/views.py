"""The console's front page under /admin."""

from flask import render_template

from campaign.admin import figures
from campaign.admin.blueprint import bp
from campaign.content.reports import campaigns_with_counts
from campaign.donations.money import format_money
from campaign.petitions.retention import SOON_DAYS, going_within


@bp.get("/")
def dashboard():
    return render_template(
        "admin/dashboard.html",
        figures=figures.dashboard(),
        week_days=figures.WEEK_DAYS,
        money=format_money,
        campaigns=campaigns_with_counts(),
        going_soon=going_within(SOON_DAYS),
        soon_days=SOON_DAYS,
    )
