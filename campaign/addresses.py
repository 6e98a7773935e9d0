"""Email addresses as we store them: validated without DNS, trimmed and lower-cased."""

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

MAX_EMAIL_LENGTH = 254


class InvalidEmail(ValueError):
    """Not an email address; the message is a sentence for the person who typed it, in the
    language of the page (or command) they typed it into."""


def normalise_email(address: str) -> str:
    """The one form of an address we store and compare: trimmed and lower-case."""
    return address.strip().lower()


def checked_email(address: str) -> str:
    """Validate an address (syntax only, no DNS) and return its normalised form."""
    address = normalise_email(address or "")
    if len(address) > MAX_EMAIL_LENGTH:
        raise InvalidEmail(_("That email address is too long."))
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        raise InvalidEmail(_("Enter a valid email address, like name@example.org.")) from None
    return address
