"""An .xlsx download (the figures pages, and every list's 导出Excel): never cached, never sniffed."""
from __future__ import annotations

from io import BytesIO

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
    return response
