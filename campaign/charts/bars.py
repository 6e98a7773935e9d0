"""Two bar charts: columns for a series in time (one a day), bars for a few named counts.

Both take the series as (label, value) pairs and return SVG markup. Every pair gets its shape,
a zero too (a rect of no height), so a day without signatures is there to see and to count.
The drawing is left to right whatever the page's direction (`direction="ltr"` on the root):
in a right-to-left page, text anchors would otherwise swap ends and labels leave the frame.
The exact numbers are in the table beside each chart; values are written as the page's
language writes numbers unless `value_text` says otherwise (money, say).
"""

from collections.abc import Callable, Sequence

from flask_babel import format_number
from markupsafe import Markup

Series = Sequence[tuple[str, float]]

WIDTH = 640
LABEL_CHARS = 24  # longer labels are cut with an ellipsis; the <title> keeps them whole
# Columns: the plot between these margins, the labels of the first and last day below it,
# with room for words drawn up to twice as large on a phone (see site.css).
COLUMNS_HEIGHT = 200
TOP, BOTTOM, SIDE = 32, 34, 4
# Bars: one row a count, its label before it and its value after it.
ROW, LABEL_WIDTH, VALUE_WIDTH = 30, 190, 90


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _number(value: float) -> str:
    """A coordinate without float noise: 12.5, 40."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _frame(chart_id: str, kind: str, title: str, description: str, height: int, shapes) -> Markup:
    head = Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" id="{id}" '
        'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        'aria-labelledby="{id}-title {id}-desc" direction="ltr" font-size="13">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{description}</desc>'
    ).format(
        kind=kind, id=chart_id, width=WIDTH, height=height, title=title, description=description
    )
    return head + Markup("").join(shapes) + Markup("</svg>")


def column_chart(
    series: Series,
    *,
    chart_id: str,
    title: str,
    description: str = "",
    value_text: Callable[[float], str] = format_number,
) -> Markup:
    """One column a pair, oldest first from the left, scaled to the largest value; the largest
    value is written at the top, the first and last labels under the axis."""
    count = max(len(series), 1)
    largest = max((value for _label, value in series), default=0)
    plot_height = COLUMNS_HEIGHT - TOP - BOTTOM
    slot = (WIDTH - 2 * SIDE) / count
    baseline = COLUMNS_HEIGHT - BOTTOM
    shapes = [
        Markup(
            '<text class="chart-scale" x="{x}" y="{scale_y}" fill="currentColor">{text}</text>'
            '<line class="chart-grid" x1="{x}" x2="{end}" y1="{top}" y2="{top}" '
            'stroke="currentColor" stroke-opacity="0.2"/>'
        ).format(x=SIDE, end=WIDTH - SIDE, top=TOP, scale_y=TOP - 8, text=value_text(largest))
    ]
    for index, (label, value) in enumerate(series):
        height = plot_height * value / largest if largest else 0
        shapes.append(
            Markup(
                '<rect class="chart-bar" x="{x}" y="{y}" width="{width}" height="{height}" '
                'fill="currentColor"><title>{label}: {value}</title></rect>'
            ).format(
                x=_number(SIDE + index * slot + slot * 0.15),
                y=_number(baseline - height),
                width=_number(slot * 0.7),
                height=_number(height),
                label=label,
                value=value_text(value),
            )
        )
    shapes.append(
        Markup(
            '<line class="chart-axis" x1="{x}" x2="{end}" y1="{y}" y2="{y}" stroke="currentColor"/>'
        ).format(x=SIDE, end=WIDTH - SIDE, y=baseline)
    )
    if series:
        ends = [(series[0][0], SIDE, "start")]
        if len(series) > 1:
            ends.append((series[-1][0], WIDTH - SIDE, "end"))
        shapes += [
            Markup(
                '<text class="chart-label" x="{x}" y="{y}" text-anchor="{anchor}" '
                'fill="currentColor">{label}</text>'
            ).format(x=x, y=COLUMNS_HEIGHT - 6, anchor=anchor, label=_short(label))
            for label, x, anchor in ends
        ]
    return _frame(chart_id, "columns", title, description, COLUMNS_HEIGHT, shapes)


def bar_chart(
    series: Series,
    *,
    chart_id: str,
    title: str,
    description: str = "",
    value_text: Callable[[float], str] = format_number,
) -> Markup:
    """One labelled bar a pair, top to bottom, scaled to the largest value, its value after it."""
    largest = max((value for _label, value in series), default=0)
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    shapes = []
    for index, (label, value) in enumerate(series):
        top = index * ROW + 4
        length = room * value / largest if largest else 0
        shapes.append(
            Markup(
                '<text class="chart-label" x="{label_end}" y="{text_y}" text-anchor="end" '
                'fill="currentColor">{short}</text>'
                '<rect class="chart-bar" x="{x}" y="{top}" width="{length}" height="{height}" '
                'fill="currentColor"><title>{label}: {value}</title></rect>'
                '<text class="chart-value" x="{value_x}" y="{text_y}" '
                'fill="currentColor">{value}</text>'
            ).format(
                label_end=LABEL_WIDTH - 8,
                text_y=top + 16,
                short=_short(label),
                x=LABEL_WIDTH,
                top=top,
                length=_number(length),
                height=ROW - 10,
                label=label,
                value=value_text(value),
                value_x=_number(LABEL_WIDTH + length + 6),
            )
        )
    height = max(len(series), 1) * ROW + 4
    return _frame(chart_id, "bars", title, description, height, shapes)
