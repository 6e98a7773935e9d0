"""A webhook request refused as a whole, before any of its events is read."""


class WebhookRefused(Exception):
    """A webhook call we do not accept: `status` is the HTTP answer, `reason` says why.

    A missing key (503), a bad signature or a body that is not the provider's events (400 or
    403): each provider's check raises it, and the endpoint answers with it.
    """

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
