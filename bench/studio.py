"""Benchmark: what an upload and a social card cost, each beside Pillow's own floor.

`make bench` runs it last, or `python -m bench.studio`. Needs no server.

- An upload: a 12-megapixel JPEG as a phone writes it (GPS, camera, XMP, a profile) cleaned
  and stored at every width (campaign.images.processing.prepare), beside the floor of simply
  decoding that JPEG and encoding it once again at full size: the extra work is the turn
  upright, the colour conversion and the three resizes.
- A card: a petition's 1200x630 card drawn with its words (campaign.cards.drawing), beside the
  floor of encoding a blank PNG of that size: the extra work is setting the text.

Each figure is the median of several runs, printed with its ratio to its floor, measured in
the same run: a busy machine slows both alike. A report, never an exit code.
"""

import io
import statistics
import time
from collections.abc import Callable

from PIL import Image

from campaign.cards.drawing import Card, draw_card
from campaign.images.processing import prepare
from tests.images.uploads import photo_with_everything

RUNS = 5


def median_seconds(work: Callable[[], object]) -> float:
    work()  # warm: fonts loaded, codecs ready
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def reencode(data: bytes) -> bytes:
    out = io.BytesIO()
    Image.open(io.BytesIO(data)).save(out, "JPEG", quality=82)
    return out.getvalue()


def blank_card() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 630), (29, 79, 115)).save(out, "PNG", optimize=True)
    return out.getvalue()


def report(name: str, seconds: float, floor_name: str, floor: float) -> None:
    print(f"{name}: {seconds * 1000:,.0f} ms; {floor_name}: {floor * 1000:,.0f} ms; "
          f"ratio {seconds / floor:.1f}x")  # fmt: skip


def main() -> None:
    photo = photo_with_everything(4000, 3000)
    report(
        "upload, 12 MP photo cleaned at 480/960/1600",
        median_seconds(lambda: prepare(photo, 40_000_000)),
        "decode and re-encode once",
        median_seconds(lambda: reencode(photo)),
    )
    card = Card(
        site_name="Campaign",
        kicker="The China Cables",
        title="Let UN investigators into Xinjiang",
        figure="1,347 signatures",
        progress=0.35,
        footer="campaign.example",
        accent="#1d4f73",
    )
    report(
        "social card drawn",
        median_seconds(lambda: draw_card(card)),
        "blank PNG encoded",
        median_seconds(blank_card),
    )


if __name__ == "__main__":
    main()
