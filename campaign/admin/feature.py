"""The console's front page on the app, under /admin."""

from flask import Flask

from campaign.admin import views
from campaign.admin.helpers import day_label, day_series
from campaign.admin.statuses import status_label
from campaign.charts import bar_chart, column_chart


def init_app(app: Flask) -> None:
    """Register the dashboard, the words for statuses, days and the charts; each feature
    registers its own console pages."""
    app.register_blueprint(views.bp, url_prefix="/admin")
    app.jinja_env.globals.update(
        status_label=status_label,
        day_label=day_label,
        day_series=day_series,
        column_chart=column_chart,
        bar_chart=bar_chart,
    )
