"""A social card: the PNG (1200 x 630) that messengers and networks show for a shared link.

Drawn by Pillow on our server, so sharing a page asks nothing of any other service.
Right-to-left text is shaped and ordered by raqm; each line is set in its own script's font.
"""

import io
import re
from dataclasses import dataclass

from PIL import Image, ImageDraw, features

from campaign.cards.fonts import font_for, script_of
from campaign.content.identity import relative_luminance

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
PAPER = "#fdfcf9"
INK = "#ffffff"
DEFAULT_ACCENT = "#8a1c1c"  # site.css --accent


@dataclass
class Card:
    """The words and figures on one card; `direction` is the page's ("ltr" or "rtl")."""

    site_name: str
    title: str
    kicker: str = ""  # the campaign's name, above the title
    figure: str = ""  # a petition's count, an appeal's total
    progress: float | None = None  # share of the goal reached, 0 to 1
    footer: str = ""  # the site's address
    accent: str | None = None
    direction: str = "ltr"


def draw_card(card: Card) -> bytes:
    """The card as PNG bytes."""
    accent = card.accent or DEFAULT_ACCENT
    picture = Image.new("RGB", (WIDTH, HEIGHT), _darker(accent))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 0, WIDTH, 14), fill=_lighter(accent))
    top = 64
    if card.kicker:
        top = _text_block(draw, card.kicker, top, 34, bold=True, card=card, lines=1) + 18
    bottom_space = 170 if card.figure else 90
    size = 64 if len(card.title) < 60 else 54
    limit = HEIGHT - bottom_space
    _text_block(draw, card.title, top, size, bold=True, card=card, lines=3, limit=limit)
    if card.figure:
        _text_block(draw, card.figure, HEIGHT - 170, 46, bold=True, card=card, lines=1)
    if card.progress is not None:
        _progress(draw, card.progress, accent, card.direction)
    footer = "  ·  ".join(part for part in (card.site_name, card.footer) if part)
    _text_block(draw, footer, HEIGHT - 62, 26, bold=False, card=card, lines=1, colour="#e8e4dc")
    out = io.BytesIO()
    picture.save(out, "PNG", optimize=True)
    return out.getvalue()


def _text_block(
    draw: ImageDraw.ImageDraw,
    text: str,
    top: int,
    size: int,
    *,
    bold: bool,
    card: Card,
    lines: int,
    limit: int = HEIGHT,
    colour: str = INK,
) -> int:
    """Draw `text` wrapped to at most `lines` lines from `top`; returns the y below it."""
    script = script_of(text)
    setter = _Setter(script, size, bold)
    leading = round(size * (1.5 if script == "arabic" else 1.22))
    wrapped = _wrap(text, setter, WIDTH - 2 * MARGIN, script)
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = _shortened(wrapped[-1], setter, WIDTH - 2 * MARGIN)
    y = top
    for line in wrapped:
        if y + leading > limit:
            break
        setter.draw(draw, line, y, colour)
        y += leading
    return y


class _Setter:
    """Sets lines of one script. Arabic-script lines may hold digits and Latin words, which
    the shipped Naskh lacks: those runs take the Latin font, placed right to left."""

    def __init__(self, script: str, size: int, bold: bool) -> None:
        self.rtl = script == "arabic"
        self.font = font_for(script, size, bold)
        self.latin = font_for("latin", size, bold) if self.rtl else self.font
        self.shaping = {"direction": "rtl"} if self.rtl and features.check("raqm") else {}

    def runs(self, line: str) -> list[tuple[str, object, dict]]:
        if not self.rtl:
            return [(line, self.font, {})]
        runs = []
        for piece in _LATIN_RUN.split(line):
            if piece:
                latin = _LATIN_RUN.fullmatch(piece) is not None
                runs.append((piece, self.latin, {}) if latin else (piece, self.font, self.shaping))
        return runs

    def length(self, line: str) -> float:
        return sum(font.getlength(piece, **options) for piece, font, options in self.runs(line))

    def draw(self, draw: ImageDraw.ImageDraw, line: str, y: int, colour: str) -> None:
        if not self.rtl:
            draw.text((MARGIN, y), line, font=self.font, fill=colour)
            return
        # Right to left: the first run sits at the right edge, each next one to its left.
        x = WIDTH - MARGIN
        for piece, font, options in self.runs(line):
            x -= font.getlength(piece, **options)
            draw.text((x, y), piece, font=font, fill=colour, **options)


# Inside RTL text: numbers and Latin words ("1,347", "UN"), and apart from them the ASCII
# punctuation around them, which reads in the line's direction ("2019-" is "2019", then "-").
_LATIN_RUN = re.compile(r"([0-9A-Za-z](?:[!-~]*[0-9A-Za-z])?|[!-~]+)")


def _wrap(text: str, setter: _Setter, width: int, script: str) -> list[str]:
    # Chinese breaks between any two characters; other scripts between words.
    pieces = list(text) if script == "han" else text.split()
    joiner = "" if script == "han" else " "
    lines: list[str] = []
    current = ""
    for piece in pieces:
        trial = current + joiner + piece if current else piece
        if current and setter.length(trial) > width:
            lines.append(current)
            current = piece
        else:
            current = trial
    if current:
        lines.append(current)
    return lines


def _shortened(line: str, setter: _Setter, width: int) -> str:
    while line and setter.length(line + "…") > width:
        line = line[:-1]
    return line.rstrip() + "…"


def _progress(draw: ImageDraw.ImageDraw, share: float, accent: str, direction: str) -> None:
    share = max(0.0, min(1.0, share))
    top, height = HEIGHT - 100, 16
    draw.rounded_rectangle((MARGIN, top, WIDTH - MARGIN, top + height), 8, fill=_lighter(accent))
    filled = round((WIDTH - 2 * MARGIN) * share)
    if filled:
        if direction == "rtl":
            box = (WIDTH - MARGIN - filled, top, WIDTH - MARGIN, top + height)
        else:
            box = (MARGIN, top, MARGIN + filled, top + height)
        draw.rounded_rectangle(box, 8, fill="#f2c14e")


def _channels(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[index : index + 2], 16) for index in (1, 3, 5))


def _mix(colour: str, other: tuple[int, int, int], share: float) -> tuple[int, int, int]:
    return tuple(round(a + (b - a) * share) for a, b in zip(_channels(colour), other, strict=True))


def _darker(colour: str) -> tuple[int, int, int]:
    # Accents already pass AA under white; darkening keeps any white text well above it.
    return _mix(colour, (0, 0, 0), 0.15 if relative_luminance(colour) > 0.05 else 0)


def _lighter(colour: str) -> tuple[int, int, int]:
    return _mix(colour, (255, 255, 255), 0.35)
