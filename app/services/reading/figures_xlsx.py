"""One .xlsx workbook per figures page: a sheet per table, Chinese headers, number formats,
column widths by content, the header row frozen, 合计 in bold."""
from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from reports.charts import text_width
from .figure_tables import Table

FORMATS = {"count": "#,##0", "wan": "#,##0.00", "score": "0.0", "percent": '0"%"'}
HEADER_FILL = PatternFill("solid", fgColor="F0F2F5")
FORBIDDEN = set('[]:*?/\\')


def workbook(tables: list[Table]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for table in tables:
        _sheet(book.create_sheet(_sheet_name(table.name, used)), table)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_name(name: str, used: set[str]) -> str:
    """Excel: at most 31 characters, none of []:*?/\\, unique in the book."""
    base = "".join("_" if ch in FORBIDDEN else ch for ch in name)[:31]
    candidate, n = base, 2
    while candidate in used:
        candidate = f"{base[:28]}({n})"
        n += 1
    used.add(candidate)
    return candidate


def _sheet(sheet, table: Table) -> None:
    sheet.append([column.label for column in table.columns])
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in table.rows:
        _append(sheet, table, row)
    if table.total:
        _append(sheet, table, table.total)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(table.columns, 1):
        texts = [column.label, *(str(r.get(column.key, "")) for r in table.rows)]
        width = max(text_width(t, 1) for t in texts) * 1.9 + 2
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(max(width, 8), 60)


def _append(sheet, table: Table, row: dict) -> None:
    sheet.append([_value(row.get(column.key)) for column in table.columns])
    for cell, column in zip(sheet[sheet.max_row], table.columns):
        if column.kind in FORMATS and isinstance(cell.value, (int, float)):
            cell.number_format = FORMATS[column.kind]


def _value(value):
    """Numbers stay numbers (Decimal → float: openpyxl writes floats)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
