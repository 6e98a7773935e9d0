"""The form POSTs' floor: bare Flask, the same forms, and the database's part done by hand.

What no implementation of the sign and confirm paths on this stack can beat, so `bench.surge`
prints it beside the campaign. Each parses what the bare baseline parses, then runs one
transaction through psycopg: no ORM, no template, no rate limiter, no email rendered or sent.

- sign inserts the signature (ON CONFLICT DO NOTHING, as the campaign does) and an outbox row
  with a fixed body, into copies of the two tables (`floor_signatures`, `floor_outbox`), so
  the campaign's dispatcher never sees them;
- confirm reads the link's token with the campaign's secret and purpose, reads the signature
  under its row lock, and writes its confirmation time. It runs after the campaign's confirm
  surge, on the links that surge was given: no status changes, and only the rows it confirmed
  are written. It leaves out the check of the address digest, an HMAC of microseconds.
"""

import os
import threading
from datetime import UTC, datetime

import psycopg
from flask import Flask, abort, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from bench.hello import ConfirmForm
from campaign.petitions.forms import SignForm

app = Flask(__name__)
_connections = threading.local()
BODY = "Open the link to confirm your signature. " * 40  # about an email's size

# Made by bench.surge before the server starts: threads racing to make them would fail.
TABLES = """
CREATE TABLE IF NOT EXISTS floor_signatures (LIKE signatures INCLUDING ALL);
CREATE TABLE IF NOT EXISTS floor_outbox (LIKE outbound_emails INCLUDING ALL);
"""
SIGNATURE = """
INSERT INTO floor_signatures (petition_id, name, email, country, postcode, comment,
    comment_status, show_name, subscribe, consent_text, source, utm, ip_hash, status, counted,
    emails_sent, created_at)
SELECT id, %s, %s, %s, '', '', 'none', %s, false, '', '', '{}', '', 'pending', false, 1, %s
FROM petitions WHERE slug = %s
ON CONFLICT DO NOTHING RETURNING id
"""
OUTBOX = """
INSERT INTO floor_outbox (template, to_address, subject, text_body, html_body, headers, status,
    attempts, next_attempt_at, created_at, updated_at)
VALUES ('petition_confirm', %s, 'Confirm your signature', %s, %s, '{}', 'queued', 0, %s, %s, %s)
"""
CONFIRM = """
SELECT signatures.id FROM signatures JOIN petitions ON petitions.id = signatures.petition_id
WHERE signatures.id = %s AND petitions.slug = %s FOR UPDATE OF signatures
"""
CONFIRMED = "UPDATE signatures SET confirmed_at = %s WHERE id = %s AND status = 'confirmed'"
# The campaign's own salt for confirmation links (campaign/tokens.py, petitions' purpose).
_links = URLSafeTimedSerializer(
    os.environ.get("SECRET_KEY", ""), salt="campaign.token.petition-confirm"
)


def _connection() -> psycopg.Connection:
    # One per gunicorn thread, as SQLAlchemy's pool would hold.
    connection = getattr(_connections, "connection", None)
    if connection is None:
        connection = _connections.connection = psycopg.connect(os.environ["FLOOR_DATABASE_URL"])
    return connection


@app.post("/petitions/<slug>/sign")
def sign(slug: str) -> tuple[str, int]:
    form = SignForm(formdata=request.form)
    if not form.validate():
        return "Invalid", 400
    connection = _connection()
    now = datetime.now(UTC)
    email = form.email.data.strip().lower()
    with connection.transaction():
        row = connection.execute(
            SIGNATURE, (form.name.data, email, form.country.data, form.show_name.data, now, slug)
        ).fetchone()
        if row is not None:
            connection.execute(OUTBOX, (email, BODY, BODY, now, now, now))
    return "Check your inbox", 200


@app.post("/petitions/<slug>/confirm/<token>")
def confirm(slug: str, token: str) -> tuple[str, int]:
    if not ConfirmForm(request.form).validate():
        return "Invalid", 400
    try:
        signature_id = _links.loads(token, max_age=30 * 24 * 60 * 60)["id"]
    except BadSignature:
        abort(400)
    connection = _connection()
    with connection.transaction():
        if connection.execute(CONFIRM, (signature_id, slug)).fetchone() is None:
            abort(400)
        connection.execute(CONFIRMED, (datetime.now(UTC), signature_id))
    return "Your signature counts", 200
