"""Public petition pages: thin views over signing.py, counting.py and queries.py."""

from flask import abort, current_app, render_template, request

from campaign import page_cache
from campaign.caching import build_fingerprint, conditional_response
from campaign.extensions import csrf, db, limiter
from campaign.petitions.blueprint import bp
from campaign.petitions.counting import public_counts_by_country, shown_count
from campaign.petitions.forms import UTM_FIELDS, SignForm
from campaign.petitions.models import Petition
from campaign.petitions.queries import (
    approved_comments,
    displayed_goal,
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


def _validator(petition: Petition, count: int) -> str:
    # Passing the closing date changes the page (no sign form) without changing any row.
    state = "closed" if petition.is_closed() else "open"
    stamp = petition.updated_at.timestamp()
    return f"{build_fingerprint()}-petition{petition.id}-{stamp}-{count}-{state}"


def _sign_form(petition: Petition, formdata=None) -> SignForm:
    language = petition.campaign.language
    initial = {name: request.args.get(name, "")[:100] for name in ("source", *UTM_FIELDS)}
    return SignForm(
        formdata=formdata, data=initial, language=language, ask_postcode=petition.ask_postcode
    )


def _page(petition: Petition, form: SignForm, count: int, *, embed: bool = False, **extra):
    template = "petitions/embed.html" if embed else "petitions/petition.html"
    return render_template(
        template,
        petition=petition,
        form=form,
        count=count,
        goal=displayed_goal(count, petition.goal),
        signers=recent_public_signers(petition),
        comments=approved_comments(petition),
        **extra,
    )


@bp.get("/petitions/<slug>")
def petition(slug: str):
    found = _petition_or_404(slug)
    count = _count(found)
    return conditional_response(
        _validator(found, count),
        found.updated_at,
        lambda: _page(found, _sign_form(found), count),
        max_age=PAGE_MAX_AGE,
    )


@bp.get("/petitions/<slug>/embed")
def embed(slug: str):
    found = _petition_or_404(slug)
    count = _count(found)
    response = conditional_response(
        _validator(found, count),
        found.updated_at,
        lambda: _page(found, _sign_form(found), count, embed=True),
        max_age=PAGE_MAX_AGE,
    )
    return allow_framing(response)


@bp.get("/petitions/<slug>.json")
def petition_json(slug: str):
    found = _petition_or_404(slug)
    count = _count(found)

    def payload() -> dict:
        return {
            "slug": found.slug,
            "title": found.title,
            "status": "closed" if found.is_closed() else "open",
            "signature_count": count,
            "goal": displayed_goal(count, found.goal),
            "closes_at": found.closes_at.isoformat() if found.closes_at else None,
            "by_country": public_counts_by_country(found),
        }

    return conditional_response(
        _validator(found, count), found.updated_at, payload, max_age=PAGE_MAX_AGE
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
        response = current_app.make_response(
            (_page(found, form, count, embed=embedded, **extra), status)
        )
        return allow_framing(response) if embedded else response

    if found.is_closed():
        return respond(409, refusal="This petition is closed and no longer takes signatures.")
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
                language=found.campaign.language,
            ),
        )
    except SigningError as error:
        return respond(409, refusal=str(error))
    db.session.commit()
    return _thanks(found, embedded)


def _thanks(petition: Petition, embedded: bool):
    html = render_template("petitions/thanks.html", petition=petition, embedded=embedded)
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
        return render_template("petitions/link_problem.html", petition=found, expired=True), 400
    except TokenError:
        return render_template("petitions/link_problem.html", petition=found, expired=False), 400
    if request.method == "GET":
        # One button: mail filters that open links must not confirm anyone.
        return render_template("petitions/confirm.html", petition=found, token=token)
    if not form_post_is_ours():
        return render_template(
            "petitions/confirm.html", petition=found, token=token, with_token=True
        )
    try:
        confirm(signature, locked=True)
    except SigningError as error:
        return render_template("petitions/confirm.html", petition=found, refusal=str(error)), 409
    db.session.commit()
    count, _as_of = shown_count(found)
    return render_template("petitions/confirmed.html", petition=found, count=count)
