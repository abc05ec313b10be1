"""SVG bar charts drawn in Python for the printed documents (no chart library).

The charts are inline ``<svg>`` in the HTML: WeasyPrint 70 draws SVG text with the documents'
CJK fonts, embeds them and keeps the text extractable (pdftotext finds the labels). One user
unit is one point; labels are wrapped by an estimated width (CJK 1 em, Latin about 0.5 em).
Every series has a colour and a fill that stays distinct in black-and-white printing (solid
dark, hatched, light dotted), each bar outlined in black.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from xml.sax.saxutils import escape

from markupsafe import Markup

OUTCOME_SERIES = (("pitched", "推介项目"), ("intents", "达成合作意向"), ("signed", "签约项目"))
FONT = "'Grantflow Serif', 'Noto Serif CJK SC', 'Noto Sans CJK SC', serif"
OPENERS = "（(《“‘【["  # never the last character of a wrapped line
# (fill colour, pattern drawn in it or None): dark solid / mid hatched / light dotted
STYLES = (("#1f4e79", None), ("#e3a21a", "hatch"), ("#cfe8c4", "dots"))


@dataclass(frozen=True)
class Layout:
    width: float
    label_width: float
    bar: float          # thickness of one bar
    band: float         # one category: its bars plus the padding around them
    font: float         # category labels
    value_font: float   # the numbers at the bars' ends
    value_room: float   # right of the plot, for the longest number
    top: float = 26     # legend
    bottom: float = 22  # axis tick labels

    @property
    def plot_left(self) -> float:
        return self.label_width + 8

    @property
    def plot_right(self) -> float:
        return self.width - self.value_room

    def plot_height(self, categories: int) -> float:
        return categories * self.band


def layout(labels: Sequence[str], numbers: Sequence[str], series: int,
           width: float = 459) -> Layout:
    """Bars thick enough to read, thin enough that 21 categories stay within ~480 pt; the label
    column as wide as the longest label, at most a quarter of the chart (then labels wrap)."""
    padding, categories = 7, max(len(labels), 1)
    bar = max(5.5, min(9.0, (480 / categories - padding) / max(series, 1)))
    font = 9.0 if bar >= 8 else 8.0
    longest = max((text_width(label, font) for label in labels), default=0)
    value_font = min(8.0, bar + 0.5)
    widest = max((text_width(number, value_font) for number in numbers), default=0)
    return Layout(width=width, label_width=max(40.0, min(longest + 2, width * 0.24)), bar=bar,
                  band=bar * series + padding, font=font, value_font=value_font,
                  value_room=max(16.0, widest + 6))


def grouped_bar_chart(rows: Sequence[Mapping], label_key: str,
                      series: Sequence[tuple[str, str]] = OUTCOME_SERIES, *,
                      chart_id: str = "chart", width: float = 459,
                      caption: str | None = None) -> Markup:
    """Horizontal grouped bars: one band per row (its ``label_key`` on the left), one bar per
    series key. Returns the ``<svg>`` markup, every text XML-escaped."""
    chart_id = re.sub(r"[^A-Za-z0-9_-]", "-", chart_id)  # ids and url(#…) references
    values = [[to_number(row.get(key)) for key, _ in series] for row in rows]
    box = layout([str(row.get(label_key) or "") for row in rows],
                 [fmt(value) for row in values for value in row], len(series), width)
    ticks = nice_ticks(max((v for vs in values for v in vs), default=0))
    height = box.top + box.plot_height(len(rows)) + box.bottom
    parts = [_defs(chart_id),
             _legend(series, chart_id, box),
             _grid(ticks, box, len(rows)),
             *(_band(i, row.get(label_key), vals, ticks[-1], chart_id, box)
               for i, (row, vals) in enumerate(zip(rows, values))),
             _axis_line(box, len(rows))]
    title = f"<title>{escape(caption)}</title>" if caption else ""
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{chart_id}" '
        f'width="{box.width:g}pt" height="{height:g}pt" viewBox="0 0 {box.width:g} {height:g}" '
        f'font-family="{FONT}">{title}{"".join(parts)}</svg>')


def to_number(value) -> float:
    """A count or amount as a float for drawing (blank or unreadable: 0)."""
    if value in (None, ""):
        return 0.0
    try:
        number = float(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return 0.0
    return number if math.isfinite(number) and number > 0 else 0.0


def nice_ticks(maximum: float, wanted: int = 5) -> list[float]:
    """0 … a round top ≥ ``maximum`` in steps of 1, 2 or 5 × 10ⁿ; all-zero data gives 0…1."""
    if maximum <= 0:
        return [0.0, 1.0]
    raw = maximum / wanted
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    count = math.ceil(maximum / step - 1e-9)
    return [round(step * i, 10) for i in range(count + 1)]


def fmt(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.2f}".rstrip("0").rstrip(".")


def text_width(text: str, size: float) -> float:
    """Estimated width in points: CJK, full-width and the punctuation CJK fonts draw full width
    (“” — … ≥) 1 em; Latin capitals ~0.68 em, lower case and digits ~0.52 em, spaces ~0.28 em."""
    return size * sum(_em(ch) for ch in text)


def _em(ch: str) -> float:
    if ord(ch) >= 0x2000:
        return 1.0
    if ch.isupper() or ch in "%@&#MW":
        return 0.68
    if ch.isspace():
        return 0.28
    return 0.52 if ch.isalnum() else 0.4


def wrap_label(text: str, size: float, width: float, max_lines: int = 2) -> list[str]:
    """Lines of at most ``width`` points; what does not fit in ``max_lines`` ends in "…"."""
    lines, line = [], ""
    for ch in str(text or ""):
        if line and text_width(line + ch, size) > width:
            carried = line[-1] if line[-1] in OPENERS and len(line) > 1 else ""
            lines.append(line[:-1] if carried else line)
            line = carried
        line += ch
    lines.append(line)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and text_width(last + "…", size) > width:
            last = last[:-1]
        lines = lines[:max_lines - 1] + [last + "…"]
    return lines


# Drawing ----------------------------------------------------------------------------------

def _text(x: float, y: float, content: str, size: float, anchor: str = "start",
          css_class: str = "") -> str:
    klass = f' class="{css_class}"' if css_class else ""
    return (f'<text{klass} x="{x:.2f}" y="{y:.2f}" font-size="{size:g}" '
            f'text-anchor="{anchor}">{escape(str(content))}</text>')


def _fill(index: int, chart_id: str) -> str:
    colour, pattern = STYLES[index % len(STYLES)]
    return f"url(#{chart_id}-{pattern})" if pattern else colour


def _defs(chart_id: str) -> str:
    """Patterns carry their own background colour, so one rectangle draws one bar."""
    hatch_colour, dots_colour = STYLES[1][0], STYLES[2][0]
    return ("<defs>"
            f'<pattern id="{chart_id}-hatch" patternUnits="userSpaceOnUse" width="4" height="4">'
            f'<rect width="4" height="4" fill="{hatch_colour}"/>'
            '<path d="M-1,1 L1,-1 M0,4 L4,0 M3,5 L5,3" stroke="#000" stroke-width="0.7"/>'
            "</pattern>"
            f'<pattern id="{chart_id}-dots" patternUnits="userSpaceOnUse" width="3" height="3">'
            f'<rect width="3" height="3" fill="{dots_colour}"/>'
            '<circle cx="1.5" cy="1.5" r="0.45" fill="#000"/>'
            "</pattern></defs>")


def _legend(series: Sequence[tuple[str, str]], chart_id: str, box: Layout) -> str:
    parts, x, size = [], box.plot_left, 8.5
    for index, (_, name) in enumerate(series):
        parts.append(f'<rect class="swatch" x="{x:.2f}" y="6" width="14" height="9" '
                     f'fill="{_fill(index, chart_id)}" stroke="#000" stroke-width="0.5"/>')
        parts.append(_text(x + 18, 14, name, size, css_class="legend"))
        x += 18 + text_width(name, size) + 16
    return "".join(parts)


def _x(value: float, top_value: float, box: Layout) -> float:
    return box.plot_left + value / top_value * (box.plot_right - box.plot_left)


def _grid(ticks: list[float], box: Layout, categories: int) -> str:
    bottom = box.top + box.plot_height(categories)
    parts = []
    for tick in ticks:
        x = _x(tick, ticks[-1], box)
        parts.append(f'<line x1="{x:.2f}" y1="{box.top:g}" x2="{x:.2f}" y2="{bottom + 3:.2f}" '
                     'stroke="#999" stroke-width="0.4" stroke-dasharray="2,2"/>')
        parts.append(_text(x, bottom + 13, fmt(tick), 8, "middle", "tick"))
    return "".join(parts)


def _axis_line(box: Layout, categories: int) -> str:
    bottom = box.top + box.plot_height(categories)
    return (f'<line x1="{box.plot_left:g}" y1="{box.top:g}" x2="{box.plot_left:g}" '
            f'y2="{bottom:.2f}" stroke="#000" stroke-width="0.8"/>'
            f'<line x1="{box.plot_left:g}" y1="{bottom:.2f}" x2="{box.plot_right:g}" '
            f'y2="{bottom:.2f}" stroke="#000" stroke-width="0.8"/>')


def _band(index: int, label, values: list[float], top_value: float, chart_id: str,
          box: Layout) -> str:
    """One category: a light stripe on every other band, its label, its bars and values."""
    top = box.top + index * box.band
    parts = [] if index % 2 == 0 else [
        f'<rect class="stripe" x="0" y="{top:.2f}" width="{box.plot_right:g}" '
        f'height="{box.band:g}" fill="#f0f0f0"/>']
    parts.append(_label(label, top + box.band / 2, box))
    first = top + (box.band - box.bar * len(values)) / 2
    for serie, value in enumerate(values):
        y, width = first + serie * box.bar, _x(value, top_value, box) - box.plot_left
        parts.append(f'<rect class="bar" data-series="{serie}" data-value="{fmt(value)}" '
                     f'x="{box.plot_left:g}" y="{y:.2f}" width="{width:.2f}" '
                     f'height="{box.bar:.2f}" fill="{_fill(serie, chart_id)}" '
                     'stroke="#000" stroke-width="0.4"/>')
        parts.append(_text(box.plot_left + width + 2, y + box.bar / 2 + box.value_font * 0.36,
                           fmt(value), box.value_font, css_class="value"))
    return "".join(parts)


def _label(label, middle: float, box: Layout) -> str:
    lines = wrap_label(str(label or ""), box.font, box.label_width)
    line_height = box.font * 1.15
    first = middle - (len(lines) - 1) * line_height / 2 + box.font * 0.36
    return "".join(_text(box.label_width, first + i * line_height, line, box.font, "end",
                         "category") for i, line in enumerate(lines))
