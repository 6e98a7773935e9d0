"""The "Your data" link in every email's footer: a sealed token for the address it went to.

A link in mail is proof enough that its reader owns the address. The token is sealed (see
campaign.tokens): whoever sees the link in a log or a browser's history cannot read the
address out of it, and nobody can make one for another address. These links do not expire,
like unsubscribe links: a signer may have had a single email from us, years ago.
"""

from campaign.addresses import normalise_email
from campaign.templating import site_url_for
from campaign.tokens import Sealer, TokenError, read_sealed_token

PURPOSE = "your-data"
# URL-safe, so the route builds it unchanged and it can be cut out again.
_PLACEHOLDER = "0token0"


class YourDataLinks:
    """Makes the "Your data" link of each address of a batch, to the page in `language`
    (default: the one being rendered in): the route is built once, each link costs one
    encryption."""

    def __init__(self, language: str | None = None) -> None:
        self._sealer = Sealer(PURPOSE)
        url = site_url_for("people.your_data", language=language, token=_PLACEHOLDER)
        self._before, _, self._after = url.rpartition(_PLACEHOLDER)

    def __call__(self, email: str) -> str:
        """The absolute "Your data" link for this address."""
        token = self._sealer.seal({"e": normalise_email(email)})
        return self._before + token + self._after


def your_data_url(email: str, language: str | None = None) -> str:
    """The absolute "Your data" link for one address, to the page in `language`."""
    return YourDataLinks(language)(email)


def address_in(token: str) -> str:
    """The address a "Your data" link was made for; TokenError if it is not one of ours."""
    email = read_sealed_token(PURPOSE, token).get("e")
    if not isinstance(email, str) or not email:
        raise TokenError("This link is not valid.")
    return email
