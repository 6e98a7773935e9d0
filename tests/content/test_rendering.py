import pytest

from campaign.content.rendering import reading_minutes, render_markdown
from tests.factories.content import make_explainer

HOSTILE = [
    ("<script>alert('x')</script>", "<script"),
    ("[click](javascript:alert(1))", 'href="javascript:'),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', "alert(1)"),
    ('<img src="/static/x.png" onerror="alert(1)">', "onerror"),
    ('<p onmouseover="steal()">hover</p>', "onmouseover"),
    ('<iframe src="https://evil.example/"></iframe>', "<iframe"),
    ("<object data='x.swf'></object>", "<object"),
    ("<style>body{display:none}</style>", "<style"),
    ('<form action="https://evil.example/"><input name="p"></form>', "<form"),
    ("[x](data:text/html;base64,PHNjcmlwdD4=)", 'href="data:'),
]


@pytest.mark.parametrize(("markdown", "forbidden"), HOSTILE)
def test_hostile_markup_never_reaches_the_page(markdown, forbidden):
    html = render_markdown(f"Before.\n\n{markdown}\n\nAfter.")

    assert forbidden.lower() not in html.lower()
    assert "After." in html


def test_links_get_noopener_noreferrer():
    html = render_markdown("[ICIJ](https://www.icij.org/)")

    assert '<a href="https://www.icij.org/" rel="noopener noreferrer">ICIJ</a>' in html


def test_headings_get_anchors_and_quotes_stay_blockquotes():
    html = render_markdown("## What the leak shows\n\n> One in ten.")

    assert '<h2 id="what-the-leak-shows">' in html
    assert 'href="#what-the-leak-shows"' in html
    assert "<blockquote>" in html


def test_an_image_from_another_site_becomes_its_description():
    html = render_markdown(
        "![The camp perimeter](https://tracker.example/map.png) ![ours](/static/demo/map.svg)"
    )

    assert "tracker.example" not in html
    assert html == ('<p>The camp perimeter <img src="/static/demo/map.svg" alt="ours"></p>\n')


def test_a_refused_image_written_as_html_keeps_its_escaped_description_only():
    html = render_markdown(
        '<p>Before <img src="https://tracker.example/a.png" alt="a &lt;b&gt; &amp; c" '
        'title="t"> after <img src="https://tracker.example/b.png"></p>'
    )

    assert html == "<p>Before a &lt;b&gt; &amp; c after </p>"


@pytest.mark.parametrize(
    "source",
    [
        "/\\tracker.example/map.png",  # browsers read a backslash as a slash: //tracker…
        "/&#92;tracker.example/map.png",
        "/&#9;/tracker.example/map.png",  # browsers drop tabs and newlines from URLs
        "/&#10;/tracker.example/map.png",
    ],
)
def test_images_that_a_browser_would_load_from_another_site_lose_their_source(source):
    html = render_markdown(f'<img src="{source}" alt="map">')

    assert "tracker.example" not in html
    assert "<img" not in html


def test_reading_time_is_at_least_a_minute_and_grows_with_length():
    assert reading_minutes("") == 1
    assert reading_minutes("word " * 200) == 1
    assert reading_minutes("word " * 1001) == 6


def test_explainer_renders_its_body_when_it_is_set(session):
    explainer = make_explainer(body="Hi <script>x()</script>")

    assert "<script" not in explainer.body_html
    explainer.body = "## New heading"
    assert 'id="new-heading"' in explainer.body_html


def test_crafted_explainer_is_inert_on_the_page(client, session):
    explainer = make_explainer(
        body='<script>alert(1)</script>\n\n<a href="javascript:alert(2)" onclick="x()">go</a>'
    )

    html = client.get(f"/explainers/{explainer.slug}").get_data(as_text=True)

    assert "alert(1)" not in html
    assert "javascript:" not in html
    assert "onclick" not in html
