"""Charts drawn on the server as SVG markup: no script, nothing from another origin, no inline
style (the console's Content-Security-Policy forbids it), so shapes carry presentation
attributes and classes the console stylesheet colours.

Each chart names itself for screen readers (role="img", a <title> and a <desc>); the page puts
a table with the same numbers beside it, which is what a screen reader reads.
"""

from campaign.charts.bars import bar_chart, column_chart

__all__ = ["bar_chart", "column_chart"]
