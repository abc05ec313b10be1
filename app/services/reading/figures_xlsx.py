"""The one .xlsx writer: a sheet per table (a figures page, or a list — 我的待办, 项目与申报, 遴选,
导出清单), Chinese headers, number formats, real Excel dates in 北京时间, column widths by
content, the header row frozen, 合计 in bold, text never taken for a formula."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from reports.charts import text_width
from workflows.dates import SHANGHAI

from ..shared.spreadsheet import looks_like_formula
from .figure_tables import Column, Table

FORMATS = {"count": "#,##0", "wan": "#,##0.00", "score": "0.0", "percent": '0"%"'}
DATE_FORMATS = {"date": "yyyy\"年\"m\"月\"d\"日\"", "datetime": "yyyy\"年\"m\"月\"d\"日\" hh:mm"}
DATE_WIDTHS = {"date": 14, "datetime": 20}
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


def list_workbook(name: str, columns: tuple[Column, ...], rows: list[dict]) -> bytes:
    """One list as a workbook of one sheet (kinds: text, count, wan, score, date, datetime)."""
    return workbook([Table(name, columns, rows)])


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
        if column.kind in DATE_WIDTHS:
            width = max(text_width(column.label, 1) * 1.9 + 2, DATE_WIDTHS[column.kind])
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(max(width, 8), 60)


def _append(sheet, table: Table, row: dict) -> None:
    sheet.append([_value(row.get(column.key)) for column in table.columns])
    for cell, column in zip(sheet[sheet.max_row], table.columns):
        if column.kind in FORMATS and isinstance(cell.value, (int, float)):
            cell.number_format = FORMATS[column.kind]
        elif column.kind in DATE_FORMATS and isinstance(cell.value, (date, datetime)):
            cell.number_format = DATE_FORMATS[column.kind]
        elif isinstance(cell.value, str) and looks_like_formula(cell.value):
            cell.data_type, cell.quotePrefix = "s", True  # shown as typed, never calculated


def _value(value):
    """Numbers stay numbers (Decimal → float: openpyxl writes floats); a moment becomes an
    Excel date-time in 北京时间 (Excel keeps no time zone); None an empty cell."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(SHANGHAI)
        return value.replace(tzinfo=None, microsecond=0)
    return value
