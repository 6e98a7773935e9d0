"""Type and spacing of the public pages at a phone's, a tablet's and a laptop's width, in a
left-to-right and two right-to-left languages and in Chinese: text large enough to read, lines
neither cramped nor too long, headings above the text they head, and nothing wider than the
screen.

Screenshots land in test-results/typography/ (`--output`), one per page, language and width:
the checks here measure what can be measured; the rest is seen in them.
"""

from pathlib import Path

import pytest
from playwright.sync_api import Page

WIDTHS = [360, 768, 1280]
LANGUAGES = {"en": "", "ug": "/ug", "ar": "/ar", "zh-Hans": "/zh-Hans"}
PAGES = {
    "home": "/",
    "hub": "/c/china-cables",
    "explainer": "/explainers/what-the-china-cables-are",
    "petition": "/petitions/un-access-xinjiang",
    "appeal": "/donate/fund-the-campaign",
}

# Arabic script sits lower and taller than Latin: its paragraphs need more leading.
MIN_LEADING = {"ug": 1.6, "ar": 1.6}  # others: 1.45
# The longest comfortable line, in ems of the paragraph's own size (about 80 Latin characters).
MAX_MEASURE_EMS = 42

# For each paragraph and list item of the main text: its size, its leading as a ratio of its
# size, and its width in ems; for each heading level, the size of its first heading.
TYPE_OF_THE_PAGE = """
() => {
  const main = document.querySelector('main');
  const text = [...main.querySelectorAll('p, li')].filter((el) => {
    const box = el.getBoundingClientRect();
    return box.width && box.height && el.textContent.trim().length > 60
      && !el.closest('.hint, .consent, small, nav, [hidden]');
  }).map((el) => {
    const style = getComputedStyle(el);
    const size = parseFloat(style.fontSize);
    const leading = style.lineHeight === 'normal' ? 1.2 : parseFloat(style.lineHeight) / size;
    return {text: el.textContent.trim().slice(0, 40), size, leading,
            language: el.closest('[lang]').lang,
            ems: el.getBoundingClientRect().width / size};
  });
  const headings = {};
  for (const level of ['h1', 'h2', 'h3']) {
    const first = main.querySelector(level);
    if (first) headings[level] = parseFloat(getComputedStyle(first).fontSize);
  }
  const body = parseFloat(getComputedStyle(document.body).fontSize);
  const targets = [...main.querySelectorAll('button, .button, input[type=submit]')]
    .filter((el) => el.getBoundingClientRect().height && !el.closest('.honeypot, [hidden]'))
    .map((el) => ({name: el.textContent.trim() || el.value,
                   height: el.getBoundingClientRect().height}));
  return {text, headings, body, targets,
          scrollWidth: document.documentElement.scrollWidth};
}
"""


@pytest.fixture(scope="module")
def screenshots(pytestconfig: pytest.Config) -> Path:
    folder = Path(pytestconfig.getoption("--output")) / "typography"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", PAGES)
def test_the_page_reads_comfortably_at_every_width(
    page: Page, kind: str, language: str, width: int, screenshots: Path
):
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(LANGUAGES[language] + PAGES[kind])
    assert response is not None and response.ok
    page.evaluate("document.fonts.ready.then(() => true)")
    page.screenshot(path=screenshots / f"{kind}-{language}-{width}.png", full_page=True)

    measured = page.evaluate(TYPE_OF_THE_PAGE)

    assert measured["scrollWidth"] <= width
    assert measured["body"] >= 16
    assert measured["text"], "no running text measured"
    for paragraph in measured["text"]:
        assert paragraph["size"] >= 16, paragraph
        # The text's own language: an untranslated explainer on an Arabic page is English.
        script = paragraph["language"].split("-")[0]
        assert paragraph["leading"] >= MIN_LEADING.get(script, 1.45), paragraph
        assert paragraph["ems"] <= MAX_MEASURE_EMS, paragraph
    sizes = [
        measured["headings"][level] for level in ("h1", "h2", "h3") if level in measured["headings"]
    ]
    assert sizes == sorted(sizes, reverse=True) and len(set(sizes)) == len(sizes), sizes
    if sizes:
        assert sizes[0] >= measured["body"] * 1.5
    # WCAG 2.2's minimum target size; a thumb asks for more than that on a phone.
    for target in measured["targets"]:
        assert target["height"] >= (44 if width == 360 else 24), target
