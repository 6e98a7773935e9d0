"""Managing organiser accounts from the console: invitations, password resets, deactivation.

The one-time passwords made here are returned to be shown once and are never stored in clear.
"""

from campaign.accounts.models import User
from campaign.accounts.service import (
    AccountError,
    create_user,
    generate_password,
    set_active,
    set_password,
)


def invite(email: str, role: str) -> tuple[User, str]:
    """Create an account with a one-time password it must change; return both."""
    password = generate_password()
    user = create_user(email, password, role=role, must_change_password=True)
    return user, password


def reset_password(user: User, by: User) -> str:
    """Give `user` a new one-time password, signing them out everywhere; return it."""
    if user.id == by.id:
        # Their own reset would sign them out mid-task; the Password page asks for the old one.
        raise AccountError("Change your own password on the Password page instead.")
    password = generate_password()
    set_password(user, password, must_change=True)
    return password


def change_active(user: User, active: bool, by: User) -> None:
    """Deactivate or reactivate `user`; nobody can deactivate themselves."""
    if not active and user.id == by.id:
        raise AccountError("You cannot deactivate your own account.")
    set_active(user, active)
