"""Every download (PDFs, Word, zip, uploaded files, the .xlsx of the figures pages and of every
list's 导出Excel): an attachment under its Chinese file name, never sniffed; cached only as a
stored version under its SHA-256 (If-None-Match → 304), else never."""
from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

from flask import Response, send_file

from ..services.documents.documents import safe_file_part

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def send_download(content: bytes | Path, mimetype: str, filename: str, *, etag: str | None = None,
             conditional: bool = True) -> Response:
    """``content`` (bytes, or a stored file) as an attachment named ``filename``; with ``etag``
    "private, no-cache" (revalidated), without it "private, no-store"."""
    body = BytesIO(content) if isinstance(content, bytes) else content
    response = send_file(body, mimetype=mimetype, etag=etag or False, conditional=conditional,
                         max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-cache" if etag else "private, no-store"
    return with_file_name(response, filename)


def xlsx_response(content: bytes, name: str) -> Response:
    """``name`` without its .xlsx (made safe for a file name)."""
    return send_download(content, XLSX, f"{safe_file_part(name, 120) or '导出'}.xlsx")


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
