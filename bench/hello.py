"""A bare Flask app: the baseline `bench.surge` compares the campaign's pages and forms against.

Served by gunicorn exactly as the campaign app is, so the difference between the two is the
campaign's own work (templates, database, mail), not the server's or the client's. Its form
views sit at the campaign's own paths, so one wrk script drives both servers alike: they parse
what a browser posts with a WTForms form of the same fields, and keep nothing.
"""

from flask import Flask, request
from wtforms import BooleanField, EmailField, Form, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

app = Flask(__name__)


class SignForm(Form):
    """The petition sign form's fields (campaign.petitions.forms), with plain validators."""

    name = StringField(validators=[DataRequired(), Length(max=100)])
    email = EmailField(validators=[DataRequired(), Length(max=254)])
    country = StringField(validators=[DataRequired(), Length(min=2, max=2)])
    postcode = StringField(validators=[Optional(), Length(max=16)])
    comment = TextAreaField(validators=[Optional(), Length(max=500)])
    show_name = BooleanField()
    subscribe = BooleanField()
    website = StringField()
    source = HiddenField()
    utm_source = HiddenField()
    utm_medium = HiddenField()
    utm_campaign = HiddenField()
    utm_term = HiddenField()
    utm_content = HiddenField()


class ConfirmForm(Form):
    """The confirm page's form: one button, no fields (the origin headers vouch for it)."""


@app.get("/hello")
def hello() -> str:
    return "Hello"


@app.post("/petitions/<slug>/sign")
def sign(slug: str) -> tuple[str, int]:
    form = SignForm(request.form)
    return ("Check your inbox", 200) if form.validate() else ("Invalid", 400)


@app.post("/petitions/<slug>/confirm/<token>")
def confirm(slug: str, token: str) -> tuple[str, int]:
    form = ConfirmForm(request.form)
    return ("Your signature counts", 200) if form.validate() else ("Invalid", 400)
