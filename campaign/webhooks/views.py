from campaign.webhooks import bp  # noqa: F401
from campaign.webhooks.models import WebhookEvent  # noqa: F401
