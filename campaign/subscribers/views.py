"""Public subscription pages: subscribe, confirm by pressing a button, leave in one click."""

from flask import current_app, render_template, request

from campaign.content.queries import public_campaign
from campaign.extensions import csrf, db, limiter
from campaign.i18n.site import current_language
from campaign.security import form_post_is_ours
from campaign.subscribers import subscriptions
from campaign.subscribers.blueprint import bp
from campaign.subscribers.forms import SubscribeForm, consent_wording, shown_consent_wording
from campaign.tokens import TokenError, TokenExpired


def _subscribe_limit() -> str:
    return current_app.config["SUBSCRIBE_RATE_LIMIT"]


def _confirm_limit() -> str:
    return current_app.config["CONFIRM_RATE_LIMIT"]


@bp.app_template_global("subscribe_consent_text")
def subscribe_consent_text() -> str:
    """The consent sentence in the page's language, for every subscribe form on the site."""
    return shown_consent_wording()


@bp.route("/subscribe", methods=["GET", "POST"])
@limiter.limit(_subscribe_limit, methods=["POST"])
@csrf.exempt  # checked below by form_post_is_ours: a token, or a post from our own pages
def subscribe():
    form = SubscribeForm()
    if request.method == "GET":
        return render_template("subscribers/subscribe.html", form=form)
    if not form_post_is_ours():
        # Maybe a forged post, maybe a browser that sent no origin: a real person just presses
        # the button again on this page, which carries a token.
        return render_template("subscribers/subscribe.html", form=form, press_again=True)
    if form.website.data:
        return _check_your_inbox()  # a bot filled the honeypot: it learns nothing
    if not form.validate():
        return render_template("subscribers/subscribe.html", form=form), 400
    campaign = public_campaign(form.campaign.data) if form.campaign.data else None
    subscriptions.request_subscription(
        form.email.data,
        form.name.data or "",
        source=f"subscribe-form:{campaign.slug}" if campaign else "subscribe-form",
        # The language of the page they subscribed on: /ug/subscribe is Uyghur.
        language=current_language(),
        campaign=campaign,
        consent_text=consent_wording(),
    )
    db.session.commit()
    return _check_your_inbox()


def _check_your_inbox():
    # The same page whatever the address's state: it must not tell who is subscribed.
    return render_template("subscribers/check_inbox.html")


@bp.route("/subscribe/confirm/<token>", methods=["GET", "POST"])
@limiter.limit(_confirm_limit, methods=["POST"])
def confirm(token: str):
    try:
        subscriber = subscriptions.subscriber_to_confirm(token)
    except TokenExpired:
        return _bad_link("confirm-expired", 400)
    except TokenError:
        return _bad_link("confirm-invalid", 404)
    # Link-scanning mail filters fetch every link: a GET only shows the button.
    if request.method == "GET":
        return render_template("subscribers/confirm.html", subscriber=subscriber)
    active = subscriptions.confirm(subscriber)
    db.session.commit()
    return render_template("subscribers/confirmed.html", subscriber=subscriber, active=active)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: mail clients post here with no cookie; the signed link is the proof
def unsubscribe(token: str):
    try:
        subscriber = subscriptions.subscriber_to_unsubscribe(token)
    except TokenError:
        return _bad_link("unsubscribe-invalid", 404)
    if request.method == "GET":
        return render_template("subscribers/unsubscribe.html", subscriber=subscriber)
    # A one-click POST (body "List-Unsubscribe=One-Click") or our own button: either way a
    # 200 answer with no redirect, as RFC 8058 asks.
    subscriptions.unsubscribe(subscriber)
    db.session.commit()
    return render_template("subscribers/unsubscribed.html")


def _bad_link(problem: str, status: int):
    return render_template("subscribers/bad_link.html", problem=problem, status=status), status
