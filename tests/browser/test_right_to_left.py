"""Uyghur and Arabic pages as a reader's phone and laptop show them: laid out right to left,
nothing spilling sideways, the switcher readable, the Naskh font loaded from this site, and
no axe-core violation.

Screenshots land in test-results/right-to-left/ (`--output`), one per page and width: look at
them after changing the stylesheet, since a page can pass every check here and still look wrong.
"""

import base64
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page, Response, expect

from campaign.donations.models import DonationStatus
from campaign.extensions import db
from campaign.petitions.counting import recount
from tests.browser.conftest import LiveServer
from tests.factories.content import make_campaign, make_explainer
from tests.factories.donations import make_appeal, make_donation
from tests.factories.petitions import make_petition, make_signature

PHONE, LAPTOP = 360, 1280
REFRESH_SECONDS = 15  # petition.js
FONT_FILES = [f"noto-naskh-arabic-arabic-{weight}-normal.woff2" for weight in (400, 700)]

# A Uyghur campaign, written as organisers would: long words, a number and a Latin acronym in
# the middle of sentences, a list, a quotation and emphasis.
UG_CAMPAIGN = {
    "slug": "rtl-xitay-hojjetliri",
    "title": "خىتاي ھۆججەتلىرى",
    "summary": "2019-يىلى ئاشكارىلانغان ھۆججەتلەر شىنجاڭدىكى لاگېرلارنىڭ قانداق"
    " باشقۇرۇلىدىغانلىقىنى ۋە كىشىلەرنىڭ قانداق تۇتۇپ تۇرۇلىدىغانلىقىنى كۆرسىتىدۇ.",
    "language": "ug",
}
UG_EXPLAINER_BODY = """\
## سۇپا نېمە قىلىدۇ

بىرلەشتۈرۈلگەن بىرلەشمە ھەرىكەت سۇپىسى (IJOP) كىشىلەرنىڭ رۇخسىتىسىز شەخسىي
ئۇچۇرلارنى توپلايدۇ ۋە ھېچقانداق جىنايەت ئۆتكۈزمىگەن كىشىلەرنى *تۇتۇپ تۇرۇشقا* بەلگىلەيدۇ.

- تېلېفونىدا ھۆججەت ئالماشتۇرۇش دېتالى بار 1.8 مىليون ئەتراپىدىكى ئۇيغۇر
- چەتئەلدىكى تۇغقانلىرى بىلەن ئالاقىلاشقانلار
- **دىنىي** پائالىيەتكە قاتناشقانلار

> بىر كومپيۇتېر كىشىلەرنى ھېچنېمە قىلمىغان تۇرۇپلا تۇتۇپ تۇرۇشقا بەلگىلىگەن.

## ھۆججەتلەر

بۇ ھۆججەتلەر 2019-يىلى 24-نويابىر ئېلان قىلىندى. مۇتەخەسسىسلەر ئۇلارنى ھەقىقىي دەپ قارىدى.
"""
UG_PETITION_BODY = """\
بىرلەشكەن دۆلەتلەر تەشكىلاتىنىڭ مۇستەقىل تەكشۈرگۈچىلىرى شىنجاڭغا چەكلىمىسىز كىرىپ،
لاگېرلاردا نېمە ئىش بولۇۋاتقانلىقىنى ئۆز كۆزى بىلەن كۆرۈشى كېرەك.

ئاشكارىلانغان ھۆججەتلەر ئىنسانلارنىڭ سوتسىز تۇتۇپ تۇرۇلىدىغانلىقىنى كۆرسىتىدۇ.
"""
UG_SIGNERS = ("ئابدۇرېھىم", "گۈلنار", "مىھرىگۈل", "ئىلھام", "زۇمرەت", "تاھىر")


@dataclass(frozen=True)
class Case:
    """One public page in one right-to-left language."""

    name: str
    language: str
    path: str

    def __str__(self) -> str:
        return f"{self.language}-{self.name}"


# Uyghur pages show a Uyghur campaign; Arabic pages show the English demo campaign, as they
# will until it is translated: English content inside a right-to-left page.
CASES = [
    Case("petition", "ug", "/ug/petitions/rtl-un-tekshurgvchiliri"),
    Case("explainer", "ug", "/ug/explainers/rtl-ijop-supisi"),
    Case("hub", "ug", f"/ug/c/{UG_CAMPAIGN['slug']}"),
    Case("appeal", "ug", "/ug/donate/rtl-yardem"),
    Case("petition", "ar", "/ar/petitions/un-access-xinjiang"),
    Case("explainer", "ar", "/ar/explainers/how-the-ijop-surveillance-platform-works"),
    Case("hub", "ar", "/ar/c/china-cables"),
    Case("appeal", "ar", "/ar/donate/fund-the-campaign"),
]


@pytest.fixture(scope="module", autouse=True)
def uyghur_campaign(live_server: LiveServer) -> None:
    """The Uyghur campaign, committed: the server reads its own connection."""
    with live_server.app.app_context():
        campaign = make_campaign(**UG_CAMPAIGN)
        make_explainer(
            campaign,
            slug="rtl-ijop-supisi",
            title="IJOP كۆزىتىش سۇپىسى قانداق ئىشلەيدۇ",
            summary="بۇ سۇپا كىشىلەرنىڭ ئۇچۇرلىرىنى توپلاپ، ئۇلارنى تۇتۇپ تۇرۇشقا بەلگىلەيدۇ.",
            body=UG_EXPLAINER_BODY,
        )
        petition = make_petition(
            campaign,
            slug="rtl-un-tekshurgvchiliri",
            title="ب د ت تەكشۈرگۈچىلىرىنى شىنجاڭغا كىرگۈزۈڭ",
            target="ب د ت كىشىلىك ھوقۇق كېڭىشى ۋە ئەزا دۆلەتلەر",
            body=UG_PETITION_BODY,
            goal=100,
        )
        for number in range(37):
            make_signature(
                petition,
                name=UG_SIGNERS[number % len(UG_SIGNERS)],
                country=("TR", "KZ", "DE", "US")[number % 4],
                show_name=True,
            )
        recount(petition)
        appeal = make_appeal(
            campaign,
            slug="rtl-yardem",
            title="پائالىيىتىمىزگە ياردەم بېرىڭ",
            body="ھەر بىر ئىئانە بىزنىڭ ھۆججەتلەرنى تەرجىمە قىلىشىمىزغا ياردەم بېرىدۇ.",
        )
        for amount in (25000, 50000, 75000, 10000):
            make_donation(appeal, amount=amount, status=DonationStatus.PAID)
        db.session.commit()


@pytest.fixture(scope="module")
def screenshots(pytestconfig: pytest.Config) -> Path:
    folder = Path(pytestconfig.getoption("--output")) / "right-to-left"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def axe() -> Axe:
    """axe-core as the axe-playwright-python wheel ships it: nothing is fetched at test time."""
    return Axe()


def open_at(page: Page, path: str, width: int) -> Response:
    page.set_viewport_size({"width": width, "height": 800})
    response = page.goto(path)
    assert response is not None and response.ok, path
    # Screenshots and measurements with the page's own fonts, not the fallback shown meanwhile.
    page.evaluate("document.fonts.ready.then(() => true)")
    return response


# Every visible element whose box reaches past the viewport's sides, and every block whose text
# is wider than itself: what a reader sees as text running off the screen or out of its box.
OVERFLOWS = """
() => {
  const width = document.documentElement.clientWidth;
  const hidden = (el) => el.closest('.honeypot, [hidden], [aria-hidden="true"], .skip-link');
  const name = (el) => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '');
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || hidden(el)) continue;
    if (box.left < -1 || box.right > width + 1) {
      found.push(`${name(el)} spans ${Math.round(box.left)}..${Math.round(box.right)}px`);
    }
    const style = getComputedStyle(el);
    const clips = style.overflowX !== 'visible';
    const field = ['INPUT', 'SELECT', 'TEXTAREA', 'PROGRESS'].includes(el.tagName);
    if (!clips && !field && style.display !== 'inline' && el.scrollWidth > el.clientWidth + 1) {
      found.push(`${name(el)} holds ${el.scrollWidth}px of content in ${el.clientWidth}px`);
    }
  }
  return found;
}
"""


# Each form label's text and the field under it start on one side: the right in these pages.
# A checkbox sits before its label, so to the right of it.
LABELS_OFF_THE_START_SIDE = """
() => {
  const found = [];
  for (const field of document.querySelectorAll('.field, .copy-link')) {
    if (field.closest('.honeypot, [hidden]')) continue;
    const label = field.querySelector(':scope > label');
    const control = field.querySelector(
      ':scope > :is(input:not([type=checkbox], [type=radio], [type=hidden]), select, textarea)');
    const checkbox = field.querySelector(':scope > input[type=checkbox]');
    if (!label) continue;
    const text = document.createRange();
    text.selectNodeContents(label);
    const words = text.getBoundingClientRect();
    const name = label.textContent.trim();
    if (control) {
      const box = control.getBoundingClientRect();
      if (Math.abs(words.right - box.right) > 2) {
        found.push(`"${name}" ends at ${words.right}px, its field at ${box.right}px`);
      }
    }
    if (checkbox && checkbox.getBoundingClientRect().left < words.right) {
      found.push(`"${name}" has its box on the left`);
    }
  }
  return found;
}
"""

SWITCHER = """
() => [...document.querySelectorAll('.language-switcher a')].map((link) => {
  const style = getComputedStyle(link);
  const box = link.getBoundingClientRect();
  return {
    language: link.hreflang,
    current: link.getAttribute('aria-current') === 'true',
    weight: Number(style.fontWeight),
    border: style.borderTopColor,
    underline: style.textDecorationLine,
    height: box.height,
  };
})
"""


@pytest.mark.parametrize("width", [PHONE, LAPTOP])
@pytest.mark.parametrize("case", CASES, ids=str)
def test_right_to_left_page_fits_and_reads_from_the_right(
    page: Page, case: Case, width: int, screenshots: Path
):
    open_at(page, case.path, width)
    page.screenshot(path=screenshots / f"{case}-{width}.png", full_page=True)

    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == [
        case.language,
        "rtl",
    ]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate(OVERFLOWS) == []
    assert page.evaluate(LABELS_OFF_THE_START_SIDE) == []
    skip_link = page.locator(".skip-link").bounding_box()
    assert skip_link is not None and skip_link["y"] + skip_link["height"] <= 0

    links = page.evaluate(SWITCHER)
    [current] = [link for link in links if link["current"]]
    others = [link for link in links if not link["current"]]
    assert current["language"] == case.language
    assert len(others) == 4
    # Boxed, bold and not underlined, the others underlined and unboxed: more than a colour.
    assert current["weight"] >= 700 and current["underline"] == "none"
    assert current["border"] != "rgba(0, 0, 0, 0)"
    for other in others:
        assert other["weight"] < 700 and other["underline"] == "underline", other
        assert other["border"] == "rgba(0, 0, 0, 0)", other
    # WCAG 2.2's minimum target size, on a phone too.
    assert min(link["height"] for link in links) >= 24


@pytest.mark.parametrize("case", CASES, ids=str)
def test_right_to_left_page_has_no_axe_violations(page: Page, case: Case, axe: Axe):
    open_at(page, case.path, PHONE)

    violations = axe.run(page).response["violations"]

    assert [
        (violation["id"], [node["target"] for node in violation["nodes"]])
        for violation in violations
    ] == []


def test_naskh_comes_from_this_site_and_sets_uyghur_text(page: Page, live_server: LiveServer):
    requested: list[str] = []
    fonts: dict[str, Response] = {}
    page.on("request", lambda request: requested.append(request.url))
    page.on(
        "response",
        lambda response: (
            fonts.setdefault(response.url.rpartition("/")[2], response)
            if "/static/fonts/" in response.url
            else None
        ),
    )

    served = open_at(page, "/ug/explainers/rtl-ijop-supisi", PHONE)

    # The body text and the bold headings: both weights, from this site, as fonts.
    assert sorted(fonts) == FONT_FILES
    for response in fonts.values():
        assert response.status == 200, response.url
        assert response.headers["content-type"] == "font/woff2", response.url
    assert "font-src 'self'" in served.headers["content-security-policy"].split("; ")
    loaded = page.evaluate(
        """[...document.fonts]
        .filter((face) => face.family.replaceAll('"', '') === 'Noto Naskh Arabic')
        .map((face) => [face.weight, face.status])"""
    )
    assert sorted(loaded) == [["400", "loaded"], ["700", "loaded"]]
    assert page.evaluate("""document.fonts.check('1rem "Noto Naskh Arabic"', 'ئۇيغۇرچە')""")
    family = page.locator(".prose p").first.evaluate("p => getComputedStyle(p).fontFamily")
    assert family.startswith('"Noto Naskh Arabic"')
    assert [url for url in requested if not url.startswith(live_server.url + "/")] == []


def test_page_in_latin_script_downloads_no_arabic_font(page: Page):
    fonts: list[str] = []
    page.on("request", lambda request: fonts.append(request.url) if "/fonts/" in request.url else 0)

    open_at(page, "/explainers/how-the-ijop-surveillance-platform-works", PHONE)

    # The switcher's Arabic-script names are set in the system font there.
    expect(page.locator(".language-switcher a[hreflang=ug]")).to_be_visible()
    assert fonts == []


def text_metrics(page: Page, selector: str) -> dict:
    return page.locator(selector).first.evaluate(
        """(node) => {
          const style = getComputedStyle(node);
          return {
            size: parseFloat(style.fontSize),
            leading: parseFloat(style.lineHeight) / parseFloat(style.fontSize),
            spacing: style.letterSpacing,
            transform: style.textTransform,
            slant: style.fontStyle,
          };
        }"""
    )


def test_arabic_script_is_larger_and_taller_and_never_spaced_capitalised_or_slanted(page: Page):
    open_at(page, "/explainers/how-the-ijop-surveillance-platform-works", PHONE)
    english = text_metrics(page, ".prose p")
    open_at(page, "/ug/explainers/rtl-ijop-supisi", PHONE)
    uyghur = text_metrics(page, ".prose p")

    assert uyghur["size"] / english["size"] == pytest.approx(1.15, abs=0.01)
    assert uyghur["leading"] >= 1.8
    kicker = text_metrics(page, ".kicker")
    assert (kicker["spacing"], kicker["transform"]) == ("normal", "none")
    assert text_metrics(page, ".prose em")["slant"] == "normal"


def test_chinese_lines_are_taller_and_emphasis_is_dotted_not_slanted(page: Page):
    open_at(page, "/zh-Hans/explainers/how-the-ijop-surveillance-platform-works-zh-hans", PHONE)
    # The demo's text has no emphasis of its own: add some, as a translation would.
    page.locator(".prose p").first.evaluate(
        "p => p.append(Object.assign(document.createElement('em'), {textContent: '重要'}))"
    )

    assert text_metrics(page, ".prose p")["leading"] == pytest.approx(1.7, abs=0.01)
    emphasis = page.locator(".prose em").first
    assert emphasis.evaluate("em => getComputedStyle(em).fontStyle") == "normal"
    # "filled" is the default shape's fill, which Chromium leaves out of the computed value.
    style = emphasis.evaluate("em => getComputedStyle(em).textEmphasisStyle")
    assert style in {"dot", "filled dot"}


def filled_ends(bar: Locator) -> list[bool]:
    """Whether the bar's left and right ends are drawn in the accent colour, as a reader sees."""
    # The page's accent: the site's own, or the campaign's from its theme stylesheet.
    accent = bar.page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()"
    )
    png = base64.b64encode(bar.screenshot()).decode()
    # A blank page reads the pixels: the screenshot as an image drawn onto a canvas.
    blank = bar.page.context.new_page()
    try:
        return blank.evaluate(
            """async ([png, accent]) => {
              const image = new Image();
              image.src = 'data:image/png;base64,' + png;
              await image.decode();
              const canvas = Object.assign(document.createElement('canvas'),
                {width: image.width, height: image.height});
              const context = canvas.getContext('2d');
              context.drawImage(image, 0, 0);
              const wanted = [1, 3, 5].map((at) => parseInt(accent.slice(at, at + 2), 16));
              const isAccent = (x) => {
                const pixel = context.getImageData(x, image.height >> 1, 1, 1).data;
                return wanted.every((channel, index) => Math.abs(pixel[index] - channel) < 40);
              };
              return [isAccent(3), isAccent(image.width - 4)];
            }""",
            [png, accent],
        )
    finally:
        blank.close()


@pytest.mark.parametrize(
    ("path", "ends"),
    [
        ("/petitions/un-access-xinjiang", [True, False]),
        ("/ug/petitions/rtl-un-tekshurgvchiliri", [False, True]),
        ("/ug/donate/rtl-yardem", [False, True]),
    ],
)
def test_progress_bar_fills_from_the_side_text_starts(page: Page, path: str, ends: list[bool]):
    open_at(page, path, PHONE)

    assert filled_ends(page.locator(".count progress")) == ends


def test_refreshed_count_keeps_the_digits_the_server_wrote_on_an_arabic_page(page: Page):
    page.clock.install()
    open_at(page, "/ar/petitions/un-access-xinjiang", PHONE)
    western = re.compile(r"^[0-9]{1,3}(,[0-9]{3})*$")
    expect(page.locator("[data-signature-count]")).to_have_text(western)

    with page.expect_response(lambda r: r.url.endswith(".json"), timeout=5000) as refreshed:
        page.clock.run_for(REFRESH_SECONDS * 1000 + 100)

    assert refreshed.value.ok
    # The count is rewritten by petition.js now: still 0-9, not Arabic-Indic digits.
    expect(page.locator("[data-goal]")).to_have_text("1,000")
    expect(page.locator("[data-signature-count]")).to_have_text(western)
