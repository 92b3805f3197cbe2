"""The analysis's pictures, drawn on the server as SVG (no chart library, nothing from a CDN):
the geometry is computed here, the templates only place it (templates/liaison/analysis/).
As templates/liaison/_trend_chart.html: a viewBox that scales to the phone, classes for the
colours, the figures in an aria-label or a <title> for whoever cannot see them."""

import math

# A sequential scale from pale to dark blue (ColorBrewer "Blues"): step 0 is an empty cell.
HEAT_COLOURS = ["#f7fbff", "#deebf7", "#9ecae1", "#4292c6", "#2171b5", "#08306b"]
DARK_TEXT, LIGHT_TEXT = "#212529", "#ffffff"

HEAT_LABEL_WIDTH, HEAT_CELL_WIDTH, HEAT_CELL_HEIGHT, HEAT_HEADER = 100, 76, 26, 30


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_on(fill: str) -> str:
    """The text colour that reads best on `fill` (at least 4.5:1 on every step of the scale:
    a test checks)."""
    return max((DARK_TEXT, LIGHT_TEXT), key=lambda text: contrast(fill, text))


def heat_step(value: int, peak: int) -> int:
    if value <= 0 or peak <= 0:
        return 0
    return max(1, math.ceil(value / peak * (len(HEAT_COLOURS) - 1)))


def heat_map(heat: dict) -> dict:
    """Place the street × category table: a cell per count, coloured by its share of the
    largest, each a link to its problems; the street's total in the last column."""
    columns = [*heat["columns"], None]  # None: the total
    width = HEAT_LABEL_WIDTH + HEAT_CELL_WIDTH * len(columns)
    headers = [
        {"x": HEAT_LABEL_WIDTH + HEAT_CELL_WIDTH * (i + 0.5), "label": label}
        for i, label in enumerate(columns)
    ]
    rows = []
    for r, row in enumerate(heat["rows"]):
        y = HEAT_HEADER + HEAT_CELL_HEIGHT * r
        cells = []
        for c, cell in enumerate([*row["cells"], row["total"]]):
            total = c == len(row["cells"])
            fill = "#e9ecef" if total else HEAT_COLOURS[heat_step(cell.value, heat["peak"])]
            cells.append(
                {
                    "x": HEAT_LABEL_WIDTH + HEAT_CELL_WIDTH * c,
                    "cx": HEAT_LABEL_WIDTH + HEAT_CELL_WIDTH * (c + 0.5),
                    "y": y,
                    "fill": fill,
                    "text": text_on(fill),
                    "value": cell.value,
                    "url": cell.url,
                    "column": columns[c],
                    "total": total,
                }
            )
        rows.append({"label": row["label"], "y": y, "cells": cells})
    return {
        "width": width,
        "height": HEAT_HEADER + HEAT_CELL_HEIGHT * len(rows),
        "cell_width": HEAT_CELL_WIDTH,
        "cell_height": HEAT_CELL_HEIGHT,
        "label_width": HEAT_LABEL_WIDTH,
        "headers": headers,
        "rows": rows,
        "legend": [
            {"fill": colour, "x": HEAT_LABEL_WIDTH + 24 * i}
            for i, colour in enumerate(HEAT_COLOURS)
        ],
    }


TREND_WIDTH, TREND_HEIGHT = 260, 120
TREND_LEFT, TREND_RIGHT, TREND_TOP, TREND_BOTTOM = 24, 12, 14, 96


def _points(values: list[int], peak: int) -> list[dict]:
    step = (TREND_WIDTH - TREND_LEFT - TREND_RIGHT) / max(len(values) - 1, 1)
    span = TREND_BOTTOM - TREND_TOP
    return [
        {
            "x": round(TREND_LEFT + step * i, 1),
            "y": round(TREND_BOTTOM - (value / peak * span if peak else 0), 1),
            "value": value,
        }
        for i, value in enumerate(values)
    ]


def trend_lines(trends: dict) -> list[dict]:
    """One small chart per category: its problems (solid) and opinions (dashed) over the
    quarters, on the chart's own scale (its largest count is written on the axis)."""
    quarters = trends["quarters"]
    charts = []
    for line in trends["lines"]:
        peak = max([*line["problems"], *line["opinions"], 0])
        problems, opinions = _points(line["problems"], peak), _points(line["opinions"], peak)
        for point, quarter in zip(problems, quarters, strict=True):
            point["quarter"] = quarter
        charts.append(
            {
                "label": line["label"],
                "peak": peak,
                "problems": problems,
                "opinions": opinions,
                "problems_path": " ".join(f"{p['x']},{p['y']}" for p in problems),
                "opinions_path": " ".join(f"{p['x']},{p['y']}" for p in opinions),
                "ticks": [
                    {"x": p["x"], "label": q.short}
                    for i, (p, q) in enumerate(zip(problems, quarters, strict=True))
                    if (len(quarters) - 1 - i) % 2 == 0
                ],
            }
        )
    return charts


TREND_GEOMETRY = {
    "width": TREND_WIDTH,
    "height": TREND_HEIGHT,
    "left": TREND_LEFT,
    "right": TREND_WIDTH - TREND_RIGHT,
    "top": TREND_TOP,
    "bottom": TREND_BOTTOM,
}
