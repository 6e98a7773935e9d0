"""Passkeys and security keys (WebAuthn), the second factor phishing cannot take: the key signs
for our site's name only, whatever page the organiser was lured to.

`ceremonies.py` makes the options a browser needs and checks what the key answers (with the
`webauthn` library); `models.py` keeps the public keys and the open challenges; `views.py`
holds the routes of the Security page, the sign-in's second step and the check-again page;
campaign/static/passkeys.js is the browser's side.
"""

from flask_babel import lazy_gettext as _l

from campaign.accounts.factors.kinds import FactorKind, register

KIND = "passkey"

register(
    FactorKind(
        key=KIND,
        label=_l("Passkey or security key"),
        add_label=_l("Add a passkey or security key"),
        rank=10,  # before authenticator apps: a look-alike site cannot use what a key signs
        add_endpoint="accounts_console.start_passkey",
        setup_endpoints=(
            "accounts_console.start_passkey",
            "accounts_console.new_passkey",
            "accounts_console.passkey_options",
        ),
        sign_in_template="accounts/factors/passkey_sign_in.html",
    )
)
