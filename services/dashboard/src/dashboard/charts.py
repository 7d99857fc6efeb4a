"""Charts as SVG drawn by pygal on the server (no chart code of our own, no script in the
page). Each chart is shown as an image with a text alternative, and the same numbers are
always in a table beside it. Suppressed cells are gaps, never zeros."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence

import pygal  # type: ignore[import-untyped]  # pygal ships no type information
from pygal.style import Style  # type: ignore[import-untyped]

#: Colours of the five areas: distinguishable with common colour-vision deficiencies and at
#: least 3:1 against white (WCAG 2.1 non-text contrast).
AREA_COLOURS = ("#1f5a96", "#b3541e", "#2e7d32", "#6a3d9a", "#a0153e")

_STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1a1a1a",
    foreground_strong="#1a1a1a",
    foreground_subtle="#595959",
    colors=AREA_COLOURS,
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    title_font_size=16,
    value_font_size=12,
)


def _config(title: str) -> dict[str, object]:
    return {
        "title": title,
        "style": _STYLE,
        "js": [],  # pygal's tooltips load a script from the web; the page has none
        "width": 800,
        "height": 380,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 3,
        "print_values": False,
        "show_y_guides": True,
        "disable_xml_declaration": True,
        "include_x_axis": True,
        "min_scale": 1,
        "max_scale": 6,
    }


def over_time(title: str, months: Sequence[str], series: Mapping[str, Sequence[int | None]]) -> str:
    """One line per area over the months (None: suppressed, drawn as a gap)."""
    chart = pygal.Line(**_config(title), allow_interruptions=True, dots_size=4)
    chart.x_labels = list(months)
    for label, values in series.items():
        chart.add(label, list(values))
    return _data_uri(chart.render(is_unicode=True))


def by_category(title: str, labels: Sequence[str], values: Sequence[int | None]) -> str:
    """One bar per category (an area or a district), the first at the top."""
    chart = pygal.HorizontalBar(**_config(title), show_legend=False)
    chart.x_labels = list(reversed(labels))  # pygal draws the first label at the bottom
    chart.add(title, list(reversed(values)))
    return _data_uri(chart.render(is_unicode=True))


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
