"""A campaign's look: its accent colour, checked so text stays readable, and its stylesheet.

The accent colours links on the page's paper and on white cards, and fills buttons whose
labels are white (see site.css), so a colour must reach WCAG AA (4.5:1) against all three.
"""

import re

from flask_babel import lazy_gettext as _l

COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
PAPER = "#fdfcf9"  # site.css --paper
CARD = "#ffffff"
BUTTON_TEXT = "#ffffff"  # site.css --accent-ink
AA_NORMAL_TEXT = 4.5

NOT_A_COLOUR = _l("Enter a colour as # and six hexadecimal digits, like #8a1c1c.")
TOO_LIGHT = _l(
    "This colour is too light to read: against the page it reaches %(ratio)s:1 and WCAG AA "
    "needs 4.5:1. Choose a darker shade."
)


def _channel(value: int) -> float:
    share = value / 255
    return share / 12.92 if share <= 0.04045 else ((share + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    red, green, blue = (int(colour[index : index + 2], 16) for index in (1, 3, 5))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two "#rrggbb" colours, from 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def accent_refusal(colour: str) -> str | None:
    """Why `colour` cannot be a campaign's accent, or None when it can."""
    if not COLOUR.fullmatch(colour):
        return str(NOT_A_COLOUR)
    worst = min(contrast_ratio(colour, ground) for ground in (PAPER, CARD, BUTTON_TEXT))
    if worst < AA_NORMAL_TEXT:
        # Rounded down, so a colour shown as 4.5 is never one that was refused.
        return str(TOO_LIGHT % {"ratio": f"{int(worst * 10) / 10:.1f}"})
    return None


def theme_stylesheet(colour: str) -> str:
    """The campaign's stylesheet: only its accent, over site.css."""
    return f":root {{ --accent: {colour.lower()}; }}\n"
