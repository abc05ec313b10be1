"""A table of figures as the pages, the .xlsx export and (later) an API read it: columns with a
Chinese label and a kind (how the number is written), rows of values, a 合计 row, a chart."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from reports.charts import grouped_bar_chart

KINDS = ("text", "count", "wan", "score", "percent", "date", "datetime")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "count"


@dataclass(frozen=True)
class Table:
    name: str                   # the heading and the sheet's name
    columns: tuple[Column, ...]
    rows: list[dict]
    total: dict | None = None   # the 合计 row
    chart: tuple[tuple[str, str], ...] = ()  # (column key, legend) drawn as bars per row
    note: str = ""
    ident: str = field(default="table")

    def chart_svg(self):
        if not self.chart or not self.rows:
            return None
        label = self.columns[0].key
        return grouped_bar_chart(self.rows, label, self.chart, chart_id=f"chart-{self.ident}",
                                 width=560, caption=self.name)


def cell_text(value, kind: str) -> str:
    """A value as the page writes it (the .xlsx keeps numbers as numbers)."""
    if value is None:
        return "—"
    if kind == "wan":
        return f"{Decimal(value):,.2f}"
    if kind == "score":
        return f"{Decimal(value):.1f}"
    if kind == "percent":
        return f"{Decimal(value):.0f}%"
    if isinstance(value, Decimal):  # a quantity as recorded: 4.0000 → 4, 2.5 → 2.5
        return format(value.normalize(), "f")
    return str(value)
