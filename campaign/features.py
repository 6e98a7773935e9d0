"""Every feature of the toolkit, in the order `create_app()` puts them on the app.

Each has an `init_app(app)` that registers its blueprints, its commands, its sweeps and its
hooks; importing one imports that feature's web layer.
"""

from campaign import health
from campaign.accounts import feature as accounts
from campaign.admin import feature as admin
from campaign.audit import feature as audit
from campaign.cards import feature as cards
from campaign.content import feature as content
from campaign.demo import feature as demo
from campaign.donations import feature as donations
from campaign.i18n import feature as i18n
from campaign.images import feature as images
from campaign.mailer import feature as mailer
from campaign.mirror import feature as mirror
from campaign.outcomes import feature as outcomes
from campaign.people import feature as people
from campaign.petitions import feature as petitions
from campaign.privacy_notice import feature as privacy_notice
from campaign.subscribers import feature as subscribers
from campaign.updates import feature as updates
from campaign.webhooks import feature as webhooks

FEATURES = (
    i18n,  # first: its prefix handling must wrap the app before the page cache does
    content,
    images,
    cards,
    health,
    subscribers,
    petitions,
    outcomes,
    donations,
    privacy_notice,
    updates,
    webhooks,
    accounts,
    audit,
    people,
    admin,
    mailer,
    demo,
    mirror,
)
