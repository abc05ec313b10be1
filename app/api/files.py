"""File answers of the API (PDF, Excel, Word, zip): documented as their media type with a
binary body — the view returns the download response itself, never serialised."""
from __future__ import annotations

PDF = "application/pdf"
ZIP = "application/zip"
BINARY = {"type": "string", "format": "binary"}


def file_response(media_type: str, description: str) -> dict:
    """``@blp.response(200, **file_response(PDF, "…"))``."""
    return {"schema": BINARY, "content_type": media_type, "description": description}


def files_response(media_types: tuple[str, ...], description: str) -> dict:
    """``@blp.doc(responses=files_response(…))``: a 200 that is a file of one of ``media_types``."""
    return {"200": {"description": description,
                    "content": {media_type: {"schema": BINARY} for media_type in media_types}}}
