"""The Celery entry point: `celery -A campaign.worker:celery worker --beat`."""

from pathlib import Path

from campaign import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
# `celery beat` writes its schedule file under instance/, which a production host may lack.
Path(flask_app.instance_path).mkdir(parents=True, exist_ok=True)
