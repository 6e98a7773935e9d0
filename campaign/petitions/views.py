"""Public petition pages: thin views over signing.py, counting.py and queries.py."""

import hashlib
from dataclasses import dataclass

from flask import abort, current_app, render_template, request
from flask_babel import gettext as _

from campaign import page_cache
from campaign.caching import build_fingerprint, conditional_response
from campaign.extensions import csrf, db, limiter
from campaign.i18n.site import current_language
from campaign.i18n.translating import Localised, in_page_language_all
from campaign.outcomes.queries import fingerprint, shown_outcomes
from campaign.petitions import news
from campaign.petitions.blueprint import bp
from campaign.petitions.counting import public_counts_by_country, shown_count
from campaign.petitions.forms import UTM_FIELDS, SignForm
from campaign.petitions.models import Petition
from campaign.petitions.queries import (
    approved_comments,
    displayed_goal,
    field_languages,
    petition_to_sign,
    public_petition,
    recent_public_signers,
)
from campaign.petitions.signing import (
    SignatureRequest,
    SigningError,
    confirm,
    sign,
    signature_to_confirm,
)
from campaign.privacy import client_key
from campaign.security import allow_framing, form_post_is_ours
from campaign.tokens import TokenError, TokenExpired

# Browsers and proxies may reuse a petition page or its count this long during a surge.
PAGE_MAX_AGE = 5


def _petition_or_404(slug: str) -> Petition:
    return public_petition(slug) or abort(404)


def _petition_to_sign_or_404(slug: str) -> Petition:
    return petition_to_sign(slug) or abort(404)


def _count(petition: Petition) -> int:
    count, as_of = shown_count(petition)
    page_cache.share(as_of)  # a page showing this count is as old as the count
    return count


@dataclass(frozen=True)
class Shown:
    """A petition and its campaign as this page's language shows them: the organisers'
    translation where they wrote one, else their own words in their own language."""

    petition: Localised
    campaign: Localised
    words_in: dict[str, str]  # each of the petition's fields: the language it is shown in

    def context(self) -> dict:
        return {"petition": self.petition, "campaign": self.campaign, "words_in": self.words_in}

    def fingerprint(self) -> str:
        """The translated words in a few characters, for the page's validator."""
        own = self.petition.record.campaign.language
        if self.petition.language == own and self.campaign.language == own:
            return "own"  # as written: the petition's updated_at covers them
        words = [str(getattr(self.petition, name)) for name in self.words_in]
        words.append(self.campaign.title)
        return hashlib.blake2b("\0".join(words).encode(), digest_size=8).hexdigest()


def _shown(petition: Petition) -> Shown:
    # One statement per kind, and at most once a moment (translating.py); none at all when the
    # page is in the campaign's own language.
    shown, campaign = in_page_language_all([petition, petition.campaign])
    return Shown(shown, campaign, field_languages(shown))


def _validator(petition: Petition, count: int, shown: Shown) -> str:
    # Passing the closing date changes the page (no sign form) without changing any row; an
    # organiser's translation changes it without changing the petition's.
    state = "closed" if petition.is_closed() else "open"
    stamp = petition.updated_at.timestamp()
    words = shown.fingerprint()
    return f"{build_fingerprint()}-petition{petition.id}-{stamp}-{count}-{state}-{words}"


def _sign_form(petition: Petition, formdata=None) -> SignForm:
    initial = {name: request.args.get(name, "")[:100] for name in ("source", *UTM_FIELDS)}
    return SignForm(
        formdata=formdata,
        data=initial,
        language=current_language(),  # the country list in the page's language
        ask_postcode=petition.ask_postcode,
    )


def _page(
    petition: Petition, shown: Shown, form: SignForm, count: int, *, embed: bool = False, **extra
):
    template = "petitions/embed.html" if embed else "petitions/petition.html"
    return render_template(
        template,
        **shown.context(),
        form=form,
        count=count,
        goal=displayed_goal(count, petition.goal),
        signers=recent_public_signers(petition),
        comments=approved_comments(petition),
        **extra,
    )


def _render(template: str, petition: Petition, **context) -> str:
    """A page about one petition, its words in the page's language where translated."""
    return render_template(template, **_shown(petition).context(), **context)


@bp.get("/petitions/<slug>")
def petition(slug: str):
    found = _petition_or_404(slug)
    count = _count(found)
    shown = _shown(found)
    outcomes = shown_outcomes(found)
    return conditional_response(
        f"{_validator(found, count, shown)}-{fingerprint(outcomes)}",
        found.updated_at,
        lambda: _page(found, shown, _sign_form(found), count, outcomes=outcomes),
        max_age=PAGE_MAX_AGE,
    )


@bp.get("/petitions/<slug>/embed")
def embed(slug: str):
    found = _petition_or_404(slug)
    count = _count(found)
    shown = _shown(found)
    response = conditional_response(
        _validator(found, count, shown),
        found.updated_at,
        lambda: _page(found, shown, _sign_form(found), count, embed=True),
        max_age=PAGE_MAX_AGE,
    )
    return allow_framing(response)


@bp.get("/petitions/<slug>.json")
def petition_json(slug: str):
    found = _petition_or_404(slug)
    count = _count(found)
    shown = _shown(found)

    def payload() -> dict:
        return {
            "slug": found.slug,
            "title": shown.petition.title,
            "status": "closed" if found.is_closed() else "open",
            "signature_count": count,
            "goal": displayed_goal(count, found.goal),
            "closes_at": found.closes_at.isoformat() if found.closes_at else None,
            "by_country": public_counts_by_country(found),
        }

    return conditional_response(
        _validator(found, count, shown), found.updated_at, payload, max_age=PAGE_MAX_AGE
    )


def _sign_limit() -> str:
    return current_app.config["SIGN_RATE_LIMIT"]


@bp.post("/petitions/<slug>/sign")
@csrf.exempt  # checked by form_post_is_ours: the page sets no cookie to hold a token
@limiter.limit(_sign_limit)
def sign_petition(slug: str):
    found = _petition_to_sign_or_404(slug)
    embedded = request.form.get("embed") == "1"
    form = _sign_form(found, formdata=request.form)

    def respond(status: int, **extra):
        # Counted only when the form is shown again: a successful sign-up (the hot path
        # during a surge) goes straight to the thank-you page.
        count, _as_of = shown_count(found)
        outcomes = [] if embedded else shown_outcomes(found)
        page = _page(found, _shown(found), form, count, embed=embedded, outcomes=outcomes, **extra)
        response = current_app.make_response((page, status))
        return allow_framing(response) if embedded else response

    if found.is_closed():
        return respond(409, refusal=_("This petition is closed and no longer takes signatures."))
    if not form_post_is_ours():
        # No Origin header and no token (an old browser): show the form again with a token.
        return respond(200, with_token=True)
    if form.website.data:
        return _thanks(found, embedded)  # a bot filled the honeypot: same answer, nothing kept
    if not form.validate():
        return respond(400)
    try:
        sign(
            found,
            SignatureRequest(
                name=form.name.data,
                email=form.email.data,
                country=form.country.data,
                postcode=(form.postcode.data or "") if "postcode" in form else "",
                comment=form.comment.data or "",
                show_name=form.show_name.data,
                subscribe=form.subscribe.data,
                source=form.source.data or "",
                utm=form.utm(),
                ip_hash=client_key(),
                language=current_language(),  # its emails are in the page's language
            ),
        )
    except SigningError as error:
        return respond(409, refusal=str(error))
    db.session.commit()
    return _thanks(found, embedded)


def _thanks(petition: Petition, embedded: bool):
    html = _render("petitions/thanks.html", petition, embedded=embedded)
    response = current_app.make_response(html)
    return allow_framing(response) if embedded else response


@bp.route("/petitions/<slug>/confirm/<token>", methods=["GET", "POST"])
@csrf.exempt  # checked by form_post_is_ours, like the sign form
@limiter.limit(_sign_limit, methods=["POST"])
def confirm_signature(slug: str, token: str):
    found = _petition_to_sign_or_404(slug)
    try:
        signature = signature_to_confirm(found, token, for_update=request.method == "POST")
    except TokenExpired:
        return _render("petitions/link_problem.html", found, expired=True), 400
    except TokenError:
        return _render("petitions/link_problem.html", found, expired=False), 400
    if request.method == "GET":
        # One button: mail filters that open links must not confirm anyone.
        return _render("petitions/confirm.html", found, token=token)
    if not form_post_is_ours():
        return _render("petitions/confirm.html", found, token=token, with_token=True)
    try:
        confirm(signature, locked=True)
    except SigningError as error:
        return _render("petitions/confirm.html", found, refusal=str(error)), 409
    db.session.commit()
    count, _as_of = shown_count(found)
    return _render("petitions/confirmed.html", found, count=count)


@bp.route("/petition-news/stop/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: mail clients post here with no cookie; the signed link is the proof
def stop_news(token: str):
    try:
        signature = news.signature_to_stop(token)
    except TokenError:
        return render_template("petitions/stop_news.html", bad_link=True), 404
    if request.method == "GET":
        # One button: mail filters that open links must not stop anything.
        stopped = signature.news_stopped_at is not None
        return _render("petitions/stop_news.html", signature.petition, stopped=stopped)
    # A one-click POST (body "List-Unsubscribe=One-Click") or our own button: either way a
    # 200 answer with no redirect, as RFC 8058 asks.
    news.stop_news(signature)
    db.session.commit()
    return _render("petitions/stop_news.html", signature.petition, stopped=True, done=True)
