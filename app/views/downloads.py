"""Downloads: an .xlsx (the figures pages, and every list's 导出Excel) — never cached, never
sniffed — and the Content-Disposition every download's Chinese file name gets."""
from __future__ import annotations

import re
from io import BytesIO
from urllib.parse import quote

from flask import Response, send_file

from ..services.documents.documents import safe_file_part

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, name: str) -> Response:
    """``name`` without its .xlsx (made safe for a file name)."""
    response = send_file(BytesIO(content), mimetype=XLSX, as_attachment=True,
                         download_name=f"{safe_file_part(name, 120) or '导出'}.xlsx", etag=False,
                         max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return with_file_name(response, f"{safe_file_part(name, 120) or '导出'}.xlsx")


def with_file_name(response: Response, filename: str) -> Response:
    """``attachment`` named ``filename`` (RFC 6266/5987: ``filename*`` in UTF-8 for browsers),
    with an ASCII ``filename`` a client without RFC 5987 (``curl -J``) can use: ``document``
    and the name's own ASCII letters and digits — never a bare "--.pdf"."""
    stem, dot, suffix = filename.rpartition(".")
    ascii_stem = re.sub(r"-{2,}", "-", re.sub(r"[^A-Za-z0-9._-]+", "-", stem)).strip("-.")
    fallback = "-".join(part for part in ("document", ascii_stem) if part) + dot + suffix
    response.headers["Content-Disposition"] = \
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    return response
