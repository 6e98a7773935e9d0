"""The subscribe form, and the consent sentence beside it."""

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import EmailField, HiddenField, StringField
from wtforms.validators import DataRequired, Length, Optional

from campaign.addresses import MAX_EMAIL_LENGTH
from campaign.form_fields import Form, strip, valid_email
from campaign.i18n.languages import N_

# The sentence beside every subscribe button. Each subscriber's consent record keeps it in
# English, as written here; the page shows it in its own language.
SUBSCRIBE_CONSENT = N_(
    "Send me email updates from %(site)s. I can unsubscribe at any time, in one click."
)


def consent_wording() -> str:
    """The consent sentence as stored with each subscriber: in English, naming the site."""
    return SUBSCRIBE_CONSENT % {"site": current_app.config["SITE_NAME"]}


def shown_consent_wording() -> Markup:
    """The consent sentence in the page's language, for the subscribe forms: its words escaped,
    the site's name isolated in a <bdi>."""
    site = Markup("<bdi>{}</bdi>").format(current_app.config["SITE_NAME"])
    return escape(_(SUBSCRIBE_CONSENT)) % {"site": site}


class SubscribeForm(Form):
    # No token here: /subscribe checks the origin or a token itself (see form_post_is_ours),
    # so the same form can sit on cached, cookie-free public pages.
    class Meta:
        csrf = False

    email = EmailField(
        _l("Email"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Enter your email address.")),
            Length(max=MAX_EMAIL_LENGTH, message=_l("That email address is too long.")),
            valid_email,
        ],
    )
    name = StringField(
        _l("Name (optional)"),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=200, message=_l("Please keep the name under 200 characters.")),
        ],
    )
    # A honeypot: hidden from people, filled in by bots that fill in everything.
    website = StringField(_l("Leave this field empty"))
    campaign = HiddenField()
    # No language field: the subscriber's language is the page's the form was posted to.
