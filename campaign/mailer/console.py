"""The console's Outbox under /admin/mail: what the site sent, what failed, and why."""

from pathlib import Path

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from campaign.admin.statuses import status_label
from campaign.audit.trail import record
from campaign.db import utcnow
from campaign.extensions import db
from campaign.mailer import reports
from campaign.mailer.blueprint import console_bp as bp
from campaign.mailer.claims import Holder
from campaign.mailer.compose import queue_email
from campaign.mailer.emails import transport_check
from campaign.mailer.forms import TestMessageForm
from campaign.mailer.models import MessageStatus, OutboundEmail
from campaign.mailer.retention import purged_on
from campaign.mailer.sendgrid.webhook import webhook_key_problem
from campaign.mailer.transports import get_transport
from campaign.mailer.transports.outbox import eml_name
from campaign.paging import console_page
from campaign.security import ContentSecurityPolicy

RETRYABLE = frozenset({MessageStatus.FAILED, MessageStatus.QUEUED})
EML_SHOWN_BYTES = 1024 * 1024
# The message's own HTML, shown in a sandboxed frame: no scripts, no forms, no remote images
# (a tracking pixel must not fire because an organiser looked), framed only by our console.
HTML_PREVIEW_POLICY = ContentSecurityPolicy(
    {
        "sandbox": (),
        "default-src": ("'none'",),
        "style-src": ("'unsafe-inline'",),
        "img-src": ("'self'", "data:"),
        "frame-ancestors": ("'self'",),
    }
)


def framed_html(html: str) -> Response:
    """An email's HTML for the console's sandboxed preview frame."""
    response = Response(html, mimetype="text/html")
    # Set here, so the site's stricter defaults (added with setdefault) leave them alone.
    response.headers["Content-Security-Policy"] = str(HTML_PREVIEW_POLICY)
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Cache-Control"] = "no-store"
    return response


def mail_settings_problems() -> list[str]:
    """Sentences naming settings that stop mail from leaving or from being tracked."""
    problems = []
    try:
        get_transport()
    except RuntimeError as error:
        problems.append(_("No mail can leave: %(reason)s", reason=str(error)))
    config = current_app.config
    if config["MAIL_TRANSPORT"] == "sendgrid":
        problem = webhook_key_problem(config.get("SENDGRID_WEBHOOK_PUBLIC_KEY"))
        if problem:
            problems.append(
                _(
                    "%(problem)s SendGrid's bounce, spam-report and unsubscribe events are "
                    "refused, so addresses that bounce or complain keep getting mail.",
                    problem=problem,
                )
            )
    return problems


def holder_words(claimed_by: str | None) -> str:
    """Who holds (or held) a claim, in words for the console: "process 1234 on web-1"."""
    holder = Holder.parse(claimed_by) if claimed_by else None
    if holder is None:
        return _("a dispatcher of an earlier version")
    return _("process %(pid)s on %(host)s", pid=holder.pid, host=holder.host.partition("/")[0])


def eml_path(message: OutboundEmail) -> Path:
    """Where the file transport writes (or wrote) this message."""
    name = eml_name({"outbound_id": str(message.id)})
    return Path(current_app.config["MAIL_FILE_DIR"]) / name


def retry_now(message: OutboundEmail) -> bool:
    """Queue a failed or waiting message for the next dispatch; False if it cannot be."""
    if message.status not in RETRYABLE or message.body_purged_at is not None:
        return False
    message.status = MessageStatus.QUEUED
    message.next_attempt_at = utcnow()
    message.claimed_at = None
    db.session.info["mail_queued"] = True  # wakes the dispatcher once the request commits
    db.session.flush()
    return True


@bp.get("/")
def outbox():
    return _outbox_page(TestMessageForm(email=current_user.email))


def _outbox_page(form: TestMessageForm, status_code: int = 200):
    status = request.args.get("status", "")
    if status not in set(MessageStatus):
        status = ""  # an unknown filter shows everything
    page = console_page(reports.outbox_messages(status))
    counts = reports.status_counts()
    return render_template(
        "mailer/console/outbox.html",
        page=page,
        status=status,
        counts=counts,
        total=sum(counts.values()),
        statuses=list(MessageStatus),
        problems=mail_settings_problems(),
        form=form,
    ), status_code


@bp.get("/<int:message_id>")
def message(message_id: int):
    message = db.get_or_404(OutboundEmail, message_id)
    path = eml_path(message)
    eml = None
    if path.is_file():
        with path.open("rb") as file:
            eml = file.read(EML_SHOWN_BYTES).decode("utf-8", "replace")
    return render_template(
        "mailer/console/message.html",
        message=message,
        sender=current_app.config["MAIL_FROM"],
        eml=eml,
        eml_file=path.name,
        retryable=message.status in RETRYABLE and message.body_purged_at is None,
        words_go_on=purged_on(message),
        holder=holder_words(message.claimed_by),
    )


@bp.get("/<int:message_id>/html")
def message_html(message_id: int):
    return framed_html(db.get_or_404(OutboundEmail, message_id).html_body)


@bp.get("/<int:message_id>/eml")
def message_eml(message_id: int):
    message = db.get_or_404(OutboundEmail, message_id)
    path = eml_path(message)
    if not path.is_file():
        abort(404)
    response = Response(path.read_bytes(), mimetype="message/rfc822")
    response.headers["Content-Disposition"] = f'attachment; filename="{path.name}"'
    # A copy of one person's email leaves the console: the trail says so.
    record("download email", object_kind="email", object_id=message.id, rows=1)
    db.session.commit()
    return response


@bp.post("/<int:message_id>/retry")
def retry(message_id: int):
    message = db.get_or_404(OutboundEmail, message_id)
    if retry_now(message):
        record("retry email", object_kind="email", object_id=message.id)
        db.session.commit()
        flash(_("The message will be sent again in a moment."), "success")
    elif message.body_purged_at is not None:
        flash(
            _("This message's words were removed after MAIL_BODY_DAYS: it cannot be sent again."),
            "error",
        )
    else:
        flash(
            _(
                "Only failed or queued messages can be sent again; this one is %(status)s.",
                status=status_label(message.status).lower(),
            ),
            "error",
        )
    return redirect(url_for(".message", message_id=message.id), 303)


@bp.post("/test")
def send_test():
    form = TestMessageForm()
    if not form.validate_on_submit():
        return _outbox_page(form, 400)
    message = queue_email("transport_check", form.email.data, transport_check(current_user.email))
    db.session.commit()
    flash(
        _("A test message to %(email)s is queued; its status is below.", email=message.to_address),
        "success",
    )
    return redirect(url_for(".message", message_id=message.id), 303)
