"""Text a spreadsheet must show as text: a cell starting like a formula (an applicant's project
name "=HYPERLINK(…)") is never run — the .csv manifest and every .xlsx list use this one guard."""
from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_START)


def csv_cell(value) -> str:
    """A .csv cell: one starting like a formula gets a leading apostrophe."""
    text = str(value)
    return f"'{text}" if looks_like_formula(text) else text
