"""Fonts for cards, chosen by the script of each piece of text.

Arabic script (Uyghur, Arabic) uses the Naskh the site already ships for its pages; Chinese and
Latin-script text use the machine's fonts, found with fontconfig; with none at all, Pillow's
own. A card in a language the machine has no font for still shows its layout and figures.
"""

import re
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

SHIPPED = Path(__file__).resolve().parent.parent / "static" / "fonts"
NASKH = {
    False: "noto-naskh-arabic-arabic-400-normal.woff2",
    True: "noto-naskh-arabic-arabic-700-normal.woff2",
}
ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
HAN = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_FONTCONFIG_PATTERNS = {
    "han": "sans-serif:lang=zh-cn",
    "latin": "sans-serif:lang=en",
}


def script_of(text: str) -> str:
    """ "arabic", "han" or "latin": what a line needs to be drawn."""
    if ARABIC_SCRIPT.search(text):
        return "arabic"
    if HAN.search(text):
        return "han"
    return "latin"


@lru_cache(maxsize=64)
def font_for(script: str, size: int, bold: bool) -> ImageFont.FreeTypeFont:
    if script == "arabic":
        return ImageFont.truetype(
            str(SHIPPED / NASKH[bold]), size, layout_engine=ImageFont.Layout.RAQM
        )
    found = _fontconfig(script, bold)
    if found:
        return ImageFont.truetype(found, size, layout_engine=ImageFont.Layout.RAQM)
    return ImageFont.load_default(size)


@lru_cache(maxsize=8)
def _fontconfig(script: str, bold: bool) -> str | None:
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    pattern = _FONTCONFIG_PATTERNS[script] + (":bold" if bold else "")
    try:
        found = subprocess.run(  # noqa: S603 - fixed arguments, no input of anyone's
            [fc_match, "-f", "%{file}", pattern],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return found if found and Path(found).is_file() else None
