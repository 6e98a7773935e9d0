"""The Celery entry point: `celery -A campaign.worker:celery worker --beat`."""

from campaign import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
