"""The kinds of second factor the console knows, each registered by its own module.

A kind says how it is shown and set up, and how it proves a sign-in: by a typed code
(`check_code`, as an authenticator app does), or by a step of its own that a fragment of the
sign-in page starts (`sign_in_template`, as passkeys will) and that ends by calling
`signin.finish`. Recovery codes are not a kind: they stand behind every kind.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from campaign.accounts.factors.models import SecondFactor

# (factor, typed code, moment) -> whether the code proves it; it marks the code used.
CodeCheck = Callable[[SecondFactor, str, datetime], bool]


@dataclass(frozen=True)
class FactorKind:
    key: str  # SecondFactor.kind
    label: str  # lazy: "Authenticator app"
    add_label: str  # lazy, the Security page's button: "Add an authenticator app"
    rank: int  # lower first: the phishing-resistant kinds lead
    add_endpoint: str  # the console's POST that starts setting one up
    # Every console endpoint setting one up takes, reachable while REQUIRE_2FA holds the
    # organiser on the Security page.
    setup_endpoints: tuple[str, ...]
    check_code: CodeCheck | None = None
    # Included on the second step of signing in and on the check-again page (`purpose` tells
    # which); what it starts ends in `signin.finish` or `reauth.mark_checked`.
    sign_in_template: str | None = None


_KINDS: dict[str, FactorKind] = {}


def register(kind: FactorKind) -> FactorKind:
    """Make a kind known; each kind's module calls this once, at import."""
    _KINDS[kind.key] = kind
    return kind


def all_kinds() -> list[FactorKind]:
    """Every known kind, the strongest first."""
    return sorted(_KINDS.values(), key=lambda kind: kind.rank)


def kind_of(factor: SecondFactor) -> FactorKind | None:
    return _KINDS.get(factor.kind)


def setup_endpoints() -> set[str]:
    return {endpoint for kind in _KINDS.values() for endpoint in kind.setup_endpoints}
