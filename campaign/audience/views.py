from campaign.audience import bp  # noqa: F401
from campaign.audience.models import Subscriber  # noqa: F401
