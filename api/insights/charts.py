"""Bar charts as server-rendered SVG markup: readable at a glance, no script, no CDN.

Widths are SVG attributes, not inline styles, so the console's Content-Security-Policy (style-src 'self')
allows them. Labels go through Markup.format, which escapes them; only shown (unsuppressed) cells are drawn.
"""

from __future__ import annotations

from markupsafe import Markup

from api.insights.schemas import InsightTable

BAR_HEIGHT = 18
GAP = 6
LABEL_WIDTH = 220
BAR_AREA = 360
# A chart shows the largest cells; the table below it lists them all.
MAX_BARS = 15
SVG_OPEN = Markup(
    '<svg class="kc-chart" role="img" aria-label="{name}" viewBox="0 0 {width} {height}" width="{width}"'
    ' height="{height}" xmlns="http://www.w3.org/2000/svg">'
)
BAR = Markup(
    '<text x="0" y="{text_y}" font-size="12">{label}</text>'
    '<rect x="{x}" y="{y}" width="{length}" height="{bar}" fill="#1a5fb4"><title>{label}: {count}</title></rect>'
    '<text x="{count_x}" y="{text_y}" font-size="12">{count}</text>'
)
SVG_CLOSE = Markup("</svg>")


def bars(table: InsightTable) -> Markup:
    rows = sorted(table.rows, key=lambda row: -row.count)[:MAX_BARS]
    if not rows:
        return Markup()
    top = max(row.count for row in rows)
    height = len(rows) * (BAR_HEIGHT + GAP)
    parts = [SVG_OPEN.format(name=table.name, width=LABEL_WIDTH + BAR_AREA + 60, height=height)]
    for index, row in enumerate(rows):
        y = index * (BAR_HEIGHT + GAP)
        length = max(1, round(BAR_AREA * row.count / top))
        parts.append(
            BAR.format(
                text_y=y + BAR_HEIGHT - 4,
                label=" · ".join(row.values),
                x=LABEL_WIDTH,
                y=y,
                length=length,
                bar=BAR_HEIGHT,
                count=row.count,
                count_x=LABEL_WIDTH + length + 4,
            )
        )
    parts.append(SVG_CLOSE)
    return Markup().join(parts)
