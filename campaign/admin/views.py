from flask import render_template
from sqlalchemy import func, select

from campaign.admin import bp
from campaign.content.models import Campaign, Explainer
from campaign.extensions import db


@bp.get("/")
def dashboard():
    campaigns = db.session.scalars(select(Campaign).order_by(Campaign.title)).all()
    counts = dict(
        db.session.execute(
            select(Explainer.campaign_id, func.count()).group_by(Explainer.campaign_id)
        ).all()
    )
    return render_template("admin/dashboard.html", campaigns=campaigns, counts=counts)
