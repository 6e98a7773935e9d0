"""Turn an email's template and context into an outbox row, in the caller's transaction.

Each email is `templates/emails/<name>/{subject.txt,body.txt,body.html}`; the HTML part gets
its CSS inlined (mail clients ignore <style>), and every link in it is absolute.
"""

from dataclasses import dataclass

import css_inline
from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import insert
from sqlalchemy.orm import make_transient_to_detached

from campaign.addresses import normalise_email
from campaign.extensions import db
from campaign.i18n.languages import babel_locale
from campaign.i18n.site import current_language, shipped_language
from campaign.mailer.models import OutboundEmail
from campaign.people.links import your_data_url

_inliner = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_email(
    template: str,
    context: dict,
    unsubscribe_url: str | None = None,
    language: str | None = None,
    your_data_url: str | None = None,
) -> RenderedEmail:
    """Render the three parts of an email, in `language` (default: the page's), with the
    site's settings in the context; its links lead to pages in that language too. The footer
    carries the unsubscribe link and the "Your data" link when given."""
    with force_locale(babel_locale(language or current_language())):
        context = {
            "site_url": current_app.config["SITE_URL"],
            "organisation_address": current_app.config["ORGANISATION_ADDRESS"],
            "unsubscribe_url": unsubscribe_url,
            "your_data_url": your_data_url,
            **context,
            "language": current_language(),
        }
        folder = f"emails/{template}"
        subject = " ".join(render_template(f"{folder}/subject.txt", **context).split())
        text = render_template(f"{folder}/body.txt", **context).strip() + "\n"
        html = _inliner.inline(render_template(f"{folder}/body.html", **context))
    return RenderedEmail(subject=subject, text=text, html=html)


def unsubscribe_headers(unsubscribe_url: str) -> dict[str, str]:
    """RFC 2369 and RFC 8058 headers: mail clients show a one-click unsubscribe button."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def queue_email(
    template: str,
    to: str,
    context: dict,
    unsubscribe_url: str | None = None,
    language: str | None = None,
) -> OutboundEmail:
    """Record an email in the outbox; it is sent after the surrounding transaction commits.

    Its footer links to the recipient's own data (see campaign.people.links)."""
    # The language render_email will settle on, for the "Your data" page the link opens.
    reading = shipped_language(language) if language else current_language()
    rendered = render_email(
        template, context, unsubscribe_url, language, your_data_url=your_data_url(to, reading)
    )
    values = {
        "template": template,
        "to_address": normalise_email(to),
        "subject": rendered.subject,
        "text_body": rendered.text,
        "html_body": rendered.html,
        "headers": unsubscribe_headers(unsubscribe_url) if unsubscribe_url else {},
    }
    # One INSERT rather than the unit of work's flush: a surge's every sign-up queues an email.
    table = OutboundEmail.__table__
    message = OutboundEmail(
        id=db.session.scalar(insert(table).returning(table.c.id), values), **values
    )
    # The row exists: the session holds it as loaded, and reads the defaulted columns if asked.
    make_transient_to_detached(message)
    db.session.add(message)
    db.session.info["mail_queued"] = True
    return message
