"""A bare Flask app: the baseline `bench.sign` compares the petition pages against.

Served by gunicorn exactly as the campaign app is, so the difference between the two is the
campaign's own work (templates, database, mail), not the server's or the client's.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/hello")
def hello() -> str:
    return "Hello"
