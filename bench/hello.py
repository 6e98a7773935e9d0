"""A bare Flask app: the baseline `bench.surge` compares the campaign's pages and forms against.

Served by gunicorn exactly as the campaign app is, so the difference between the two is the
campaign's own work (templates, database, mail), not the server's or the client's. Its form
views sit at the campaign's own paths, so one wrk script drives both servers alike: they parse
what a browser posts with the campaign's own sign form (no app, no database), and keep nothing.
"""

from flask import Flask, request
from wtforms import Form

from campaign.petitions.forms import SignForm

app = Flask(__name__)


class ConfirmForm(Form):
    """The confirm page's form: one button, no fields (the origin headers vouch for it)."""


@app.get("/hello")
def hello() -> str:
    return "Hello"


@app.post("/petitions/<slug>/sign")
def sign(slug: str) -> tuple[str, int]:
    form = SignForm(formdata=request.form)
    return ("Check your inbox", 200) if form.validate() else ("Invalid", 400)


@app.post("/petitions/<slug>/confirm/<token>")
def confirm(slug: str, token: str) -> tuple[str, int]:
    form = ConfirmForm(request.form)
    return ("Your signature counts", 200) if form.validate() else ("Invalid", 400)
