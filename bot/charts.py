"""Small server-side SVG bar charts for the dashboard: no scripts, readable on a phone, printable."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

BAR_HEIGHT = 18
LABEL_WIDTH = 190
CHART_WIDTH = 560


def bars(rows: Sequence[tuple[str, float]], title: str, unit: str = "") -> str:
    """A horizontal bar chart of (label, value) rows, largest value filling the width."""
    if not rows:
        return f'<p class="note">{escape(title)}: no data in this period.</p>'
    top = max(value for _label, value in rows) or 1.0
    height = BAR_HEIGHT * len(rows) + 30
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {CHART_WIDTH} {height}" '
             f'width="100%" xmlns="http://www.w3.org/2000/svg">',
             f'<text x="0" y="14" font-size="13" font-weight="bold">{escape(title)}</text>']
    for index, (label, value) in enumerate(rows):
        y = 24 + index * BAR_HEIGHT
        width = max(1.0, (CHART_WIDTH - LABEL_WIDTH - 60) * value / top)
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + 12}" font-size="11" text-anchor="end">{escape(label[:32])}</text>')
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y + 2}" width="{width:.1f}" height="{BAR_HEIGHT - 5}" fill="#1f4e79"/>')
        shown = f"{value:g}{unit}"
        parts.append(f'<text x="{LABEL_WIDTH + width + 4:.1f}" y="{y + 12}" font-size="11">{escape(shown)}</text>')
    parts.append("</svg>")
    return "".join(parts)
